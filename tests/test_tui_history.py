"""The app keeps its sessions, asks how the back feels and shows the history (Pilot, no waiting)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_tui import advance, running, seen_safety, session_of, settle

from stretchtimer.clock import ManualClock
from stretchtimer.config import Settings
from stretchtimer.history import db_path, read_sessions
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
