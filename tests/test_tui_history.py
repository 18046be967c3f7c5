"""The app keeps its sessions, asks how the back feels and shows the history (Pilot, no waiting)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from conftest import make_exercise, make_routine
from test_tui import advance, running, seen_safety, session_of, settle
from textual.pilot import Pilot
from textual.widgets import Label

from stretchtimer.clock import ManualClock
from stretchtimer.config import Settings
from stretchtimer.history import ExerciseRecord, HistoryStore, db_path, read_sessions, utc_now
from stretchtimer.plan import plan
from stretchtimer.tui.app import StretchTimerApp
from stretchtimer.tui.summary_screen import SummaryScreen


async def test_a_whole_session_in_the_app_is_logged(user_config: Path) -> None:
    async with running(user_config, speed=100) as (pilot, clock):
        await advance(pilot, clock, 4)
        assert isinstance(pilot.app.screen, SummaryScreen)
    [session] = read_sessions()
    assert (session.routine_id, session.state, session.done) == ("desk-break", "finished", 6)


async def test_ctrl_c_keeps_what_was_done(user_config: Path) -> None:
    seen_safety(user_config)
    clock = ManualClock()
    app = StretchTimerApp(routine_id="desk-break", clock=clock, speed=10)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await advance(pilot, clock, 6)  # 60 s: the neck roll (48 s) is done
        await pilot.press("ctrl+c")
        await settle(pilot)
    [session] = read_sessions()
    assert session.state == "stopped"
    first = session.exercises[0]
    assert (first.exercise_id, first.outcome) == ("neck-roll", "done")


async def test_no_log_setting_keeps_nothing(user_config: Path) -> None:
    seen_safety(user_config)
    clock = ManualClock()
    app = StretchTimerApp(
        routine_id="desk-break", clock=clock, speed=100, settings=Settings(log=False)
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await advance(pilot, clock, 4)
        assert isinstance(app.screen, SummaryScreen)
    assert not db_path().exists()


async def test_an_unwritable_history_warns_once_and_the_session_runs(
    user_config: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("STRETCHTIMER_DATA_DIR", str(tmp_path / "a-file" / "data"))
    async with running(user_config, speed=100) as (pilot, clock):
        notes = [n.message for n in pilot.app._notifications]
        assert len(notes) == 1 and "Cannot write the history" in notes[0]
        assert session_of(pilot).engine.state == "running"
        await advance(pilot, clock, 4)
        assert isinstance(pilot.app.screen, SummaryScreen)


@asynccontextmanager
async def session_app(
    config: Path, speed: float = 1.0, settings: Settings | None = None
) -> AsyncIterator[tuple[Pilot[None], ManualClock]]:
    seen_safety(config)
    clock = ManualClock()
    app = StretchTimerApp(
        routine_id="desk-break", clock=clock, speed=speed, settings=settings or Settings()
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        yield pilot, clock


async def finish(pilot: Pilot[None], clock: ManualClock) -> None:
    """Let the whole 5-minute desk break pass, in big steps (the engine catches up)."""
    for _ in range(12):
        clock.advance(30)
        await settle(pilot)
    assert isinstance(pilot.app.screen, SummaryScreen)


def shown(pilot: Pilot[None], selector: str) -> str:
    widget = pilot.app.screen.query_one(selector, Label)
    assert widget.display, f"{selector} is hidden"
    return str(widget.content)


async def test_how_it_feels_is_asked_in_the_first_prepare_and_on_the_summary(
    user_config: Path,
) -> None:
    async with session_app(user_config) as (pilot, clock):
        screen = session_of(pilot)
        assert screen.has_class("-asking")
        assert shown(pilot, "#feeling").startswith("Back stiff or sore? 0-9")
        await pilot.press("7")
        await settle(pilot)
        assert shown(pilot, "#feeling") == "Noted: 7 of 10."
        assert screen.engine.session.index == 0  # a digit does not steer the session
        await advance(pilot, clock, 8)  # the first prepare ends: the question goes
        assert not screen.has_class("-asking")
        assert not screen.query_one("#feeling", Label).display
        await pilot.press("3")  # too late: not taken
        await pilot.press("q", "y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SummaryScreen)
        assert shown(pilot, "#summary-feeling").startswith("How stiff or sore is your back now?")
        await pilot.press("x")
        await settle(pilot)
        assert shown(pilot, "#summary-feeling") == "Noted: 10 of 10 (before: 7)."
    [session] = read_sessions()
    assert (session.feeling_before, session.feeling_after) == (7, 10)


async def test_nothing_is_asked_when_it_is_turned_off(user_config: Path) -> None:
    async with session_app(user_config, settings=Settings(ask_feeling=False)) as (pilot, _):
        assert not session_of(pilot).has_class("-asking")
        await pilot.press("5", "q", "y")
        await settle(pilot)
        assert not pilot.app.screen.query_one("#summary-feeling", Label).display
        await pilot.press("5")
    [session] = read_sessions()
    assert session.feeling_before is None and session.feeling_after is None


def log_sessions(count: int) -> None:
    timeline = plan(make_routine("one"), [make_exercise("one")])
    store = HistoryStore.open()
    assert store is not None
    with store:
        for _ in range(count):
            session_id = store.start_session(timeline, utc_now())
            done = [ExerciseRecord(0, "one", "One", ("neck",), "done", 10.0, 10.0)]
            store.save_progress(session_id, done, at=utc_now(), active_seconds=10, paused_seconds=0)


async def test_the_summary_shows_the_session_against_the_weeks_goal(user_config: Path) -> None:
    log_sessions(1)
    async with session_app(user_config) as (pilot, clock):
        await finish(pilot, clock)
        assert shown(pilot, "#summary-goal") == (
            "This week: 2 of 3 sessions - 1 more session to reach your goal."
        )
    async with session_app(user_config) as (pilot, clock):
        await finish(pilot, clock)
        assert shown(pilot, "#summary-goal") == (
            "This week: 3 of 3 sessions - goal met. Streak: 1 week."
        )


async def test_the_summary_of_a_preview_or_an_unlogged_session(user_config: Path) -> None:
    async with session_app(user_config, speed=100) as (pilot, clock):
        await advance(pilot, clock, 4)
        assert shown(pilot, "#summary-goal").startswith("A preview at x100: kept in the history")
    async with session_app(user_config, settings=Settings(log=False)) as (pilot, clock):
        await finish(pilot, clock)
        assert not pilot.app.screen.query("#summary-goal")
        assert not pilot.app.screen.query_one("#summary-feeling", Label).display
