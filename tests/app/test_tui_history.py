"""The app keeps its sessions, asks how the back feels and shows the history (Pilot, no waiting)."""

from __future__ import annotations

import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import make_exercise, make_routine
from test_tui import advance, running, seen_safety, session_of, settle
from textual.binding import Binding
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import Label, OptionList, Sparkline, Static

from stretchtimer.history.records import ExerciseRecord, utc_now
from stretchtimer.history.store import HistoryStore, db_path, read_sessions
from stretchtimer.session.clock import ManualClock
from stretchtimer.session.plan import plan
from stretchtimer.settings import Settings
from stretchtimer.tui.app import StretchTimerApp
from stretchtimer.tui.screens.help_screen import HelpScreen
from stretchtimer.tui.screens.history_screen import HistoryScreen
from stretchtimer.tui.screens.picker_screen import PickerScreen
from stretchtimer.tui.screens.summary_screen import SummaryScreen
from stretchtimer.tui.widgets.key_bar import KeyBar


async def open_history(pilot: Pilot[None]) -> None:
    """Press h; the picker reads the history in a thread, then shows it."""
    await pilot.press("h")
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)


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
        await advance(pilot, clock, 8)  # 80 s: the neck roll (68 s) is done
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
    await summary_read(pilot)


async def summary_read(pilot: Pilot[None]) -> None:
    """Wait for the summary's week line, read from the history in a thread."""
    await pilot.app.workers.wait_for_complete()
    await settle(pilot)


def shown(pilot: Pilot[None], selector: str) -> str:
    widget = pilot.app.screen.query_one(selector, Label)
    assert widget.display, f"{selector} is hidden"
    return str(widget.content)


def asked(screen: Screen[object]) -> bool:
    """Whether the session screen asks how the back feels (its line is blank otherwise)."""
    label = screen.query_one("#feeling", Label)
    return label.display and bool(str(label.content))


async def test_how_it_feels_is_asked_in_the_first_prepare_and_on_the_summary(
    user_config: Path,
) -> None:
    async with session_app(user_config) as (pilot, clock):
        screen = session_of(pilot)
        assert shown(pilot, "#feeling").startswith("Back stiff or sore? 0-9")
        await pilot.press("7")
        await settle(pilot)
        assert shown(pilot, "#feeling") == "Noted: 7 of 10."
        assert screen.engine.session.index == 0  # a digit does not steer the session
        await advance(pilot, clock, 8)  # the first prepare ends: the question goes
        assert not asked(screen)
        await pilot.press("3")  # too late: not taken
        await pilot.press("q", "y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SummaryScreen)
        assert shown(pilot, "#summary-feeling").startswith("How stiff or sore is your back now?")
        await pilot.press("x")
        await settle(pilot)
        after = shown(pilot, "#summary-feeling")  # and, at 10, when to see someone
        assert after.startswith("Noted: 10 of 10 (before: 7).\n\n10 of 10 is a lot")
    [session] = read_sessions()
    assert (session.feeling_before, session.feeling_after) == (7, 10)


async def test_nothing_is_asked_when_it_is_turned_off(user_config: Path) -> None:
    async with session_app(user_config, settings=Settings(ask_feeling=False)) as (pilot, _):
        assert not asked(session_of(pilot))
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
        await summary_read(pilot)
        assert shown(pilot, "#summary-goal").startswith("A preview at x100: kept in the history")
    async with session_app(user_config, settings=Settings(log=False)) as (pilot, clock):
        await finish(pilot, clock)
        assert not pilot.app.screen.query("#summary-goal")
        assert not pilot.app.screen.query_one("#summary-feeling", Label).display


def log_a_session_spent_typing() -> None:
    """Two sessions this week; `remind` found the second spent typing."""
    from stretchtimer.history.breaks import add_break

    log_sessions(2)
    store = HistoryStore.open()
    assert store is not None
    with store:
        last = store.sessions()[-1].id
        add_break(store, at=utc_now(), reason="every", outcome="typing", session_id=last)


@pytest.mark.parametrize(("proof", "before", "after"), [(True, 1, 2), (False, 2, 3)])
async def test_a_session_spent_typing_counts_nowhere_toward_the_goal(
    user_config: Path, proof: bool, before: int, after: int
) -> None:
    """One rule for the picker, the summary and `stats` (break_proof = false counts it)."""
    log_a_session_spent_typing()
    seen_safety(user_config)
    app = StretchTimerApp(clock=ManualClock(), settings=Settings(break_proof=proof))
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await picker(pilot)
        progress = str(screen.query_one("#picker-progress", Label).content)
        assert progress.startswith(f"This week: {before} of 3")
    async with session_app(user_config, settings=Settings(break_proof=proof)) as (pilot, clock):
        await finish(pilot, clock)
        assert shown(pilot, "#summary-goal").startswith(f"This week: {after} of 3 sessions")


def log_area_sessions() -> None:
    """Two sessions this week working the lower and middle back, one with how it felt."""
    timeline = plan(make_routine("one"), [make_exercise("one")])
    store = HistoryStore.open()
    assert store is not None
    with store:
        for before, after in ((6, 4), (None, None)):
            session_id = store.start_session(timeline, utc_now(), feeling_before=before)
            done = [
                ExerciseRecord(0, "bridge", "Bridge", ("lower-back",), "done", 300.0, 300.0),
                ExerciseRecord(1, "twist", "Twist", ("middle-back", "neck"), "done", 120.0, 120.0),
                ExerciseRecord(2, "row", "Row", ("shoulders", "chest"), "done", 60.0, 60.0),
            ]
            store.save_progress(
                session_id, done, at=utc_now(), active_seconds=480, paused_seconds=0
            )
            if after is not None:
                store.set_feeling(session_id, after=after)


async def picker(pilot: Pilot[None]) -> PickerScreen:
    for worker in list(pilot.app.workers):
        await worker.wait()
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PickerScreen)
    return screen


async def test_the_picker_shows_the_week_and_marks_the_routine_for_the_neglected_area() -> None:
    log_area_sessions()
    app = StretchTimerApp(clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await picker(pilot)
        assert str(screen.query_one("#picker-progress", Label).content) == (
            "This week: 2 of 3, streak 0 weeks"
        )
        assert screen.neglected == "upper-back"
        options = screen.query_one("#routines", OptionList)
        prompts = {
            options.get_option_at_index(i).id: str(options.get_option_at_index(i).prompt)
            for i in range(options.option_count)
        }
        marked = [key for key, prompt in prompts.items() if prompt.endswith(" *")]
        assert marked == [screen.marked] and screen.marked is not None
        assert "upper-back" in screen.cards[screen.marked].focus
        options.highlighted = list(prompts).index(screen.marked)
        await settle(pilot)
        details = str(screen.query_one("#routine-details", Static).content)
        assert details.startswith("* For your upper back: the area you worked least")


async def test_no_history_no_mark_and_an_empty_history_screen() -> None:
    app = StretchTimerApp(clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await picker(pilot)
        assert str(screen.query_one("#picker-progress", Label).content) == ""
        assert screen.marked is None
        await open_history(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert str(app.screen.query_one("#history-week", Label).content).startswith(
            "No sessions yet"
        )


async def test_h_opens_the_history_screen_and_escape_goes_back() -> None:
    log_area_sessions()
    app = StretchTimerApp(clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await picker(pilot)
        await open_history(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen)

        def content(selector: str) -> str:
            return str(screen.query_one(selector, Label | Static).content)

        assert content("#history-title") == "History - the last 8 weeks"
        assert content("#history-week") == (
            "This week: 2 of 3 sessions, 1 to go.  Streak: 0 weeks."
        )
        days = screen.query_one("#history-days", Sparkline)
        assert len(days.data or []) == 56 and list(days.data or [])[-1] == 2
        first_day = (date.today() - timedelta(days=55)).strftime("%d %b")
        assert content("#history-axis") == first_day + "today".rjust(56 - len(first_day))
        weeks = content("#history-weeks").splitlines()
        assert len(weeks) == 10 and weeks[-2].split()[-2:] == ["2", "16"]
        areas = content("#history-areas").splitlines()
        assert areas[1].split()[:3] == ["lower", "back", "10"]
        assert any(line.startswith("upper back") and line.endswith(" least") for line in areas)
        pain = content("#history-pain")
        assert pain.startswith("Stiffness or pain eased by 2.0 on average")
        assert pain.endswith("week by week: - - - - - - - 6")
        assert content("#history-recent").count("Test Routine") == 2
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)


async def test_the_picker_header_catches_up_after_a_session(user_config: Path) -> None:
    seen_safety(user_config)
    log_sessions(2)
    clock = ManualClock()
    app = StretchTimerApp(clock=clock, speed=1)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await picker(pilot)
        assert str(screen.query_one("#picker-progress", Label).content).startswith(
            "This week: 2 of 3"
        )
        await pilot.press("enter")
        await settle(pilot)
        await finish(pilot, clock)
        await pilot.press("enter")
        screen = await picker(pilot)
        assert str(screen.query_one("#picker-progress", Label).content) == (
            "This week: 3 of 3, streak 1 week"
        )


async def test_help_and_footer_name_the_history_key() -> None:
    app = StretchTimerApp(clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await picker(pilot)
        assert any(b.key == "h" and b.show for b in screen.BINDINGS if isinstance(b, Binding))
        shown = str(screen.query_one(KeyBar).render())
        assert "h History" in shown  # on screen, in the key bar
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        texts = [str(widget.content) for widget in app.screen.query(Static)]
        assert any("your history" in text for text in texts)
        # every row names its key: the builder's `b` had none
        keys = [str(label.content) for label in app.screen.query(".help-key").results(Label)]
        assert len(keys) == len(PickerScreen.HELP_KEYS) and all(key.strip() for key in keys)
        assert "b" in keys


async def test_a_corrupt_history_is_left_to_the_next_session_with_one_notice() -> None:
    """The picker and the history screen only read: they never move or repair the file."""
    db_path().parent.mkdir(parents=True)
    db_path().write_bytes(b"not sqlite" * 500)
    app = StretchTimerApp(clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await picker(pilot)
        notes = [n.message for n in app._notifications]
        assert len(notes) == 1 and "the next session will repair it" in notes[0]
        await open_history(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert len(app._notifications) == 1
    assert list(db_path().parent.glob("history.sqlite3*")) == [db_path()]
    assert db_path().read_bytes() == b"not sqlite" * 500


async def test_a_session_the_history_did_not_take_is_told_and_saved_once_there_is_room(
    user_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A full disk as the session ends: the summary says the history does not hold it yet,
    tries again, and says so once it does."""
    room = False
    save_progress = HistoryStore.save_progress

    def full_at_the_end(store: HistoryStore, *args: Any, **kwargs: Any) -> None:
        if kwargs["state"] != "running" and not room:
            raise sqlite3.OperationalError("database or disk is full")
        save_progress(store, *args, **kwargs)

    monkeypatch.setattr(HistoryStore, "save_progress", full_at_the_end)
    async with session_app(user_config, settings=Settings(ask_feeling=False)) as (pilot, clock):
        for _ in range(12):
            clock.advance(30)
            await settle(pilot)
        assert isinstance(pilot.app.screen, SummaryScreen)
        told = shown(pilot, "#summary-saved")
        assert told.startswith("Not saved to the history yet (database or disk is full)")
        room = True
        await pilot.app.workers.wait_for_complete()
        await settle(pilot)
        assert shown(pilot, "#summary-saved") == "Saved to the history."
    [session] = read_sessions()
    assert (session.state, session.done) == ("finished", 6)
