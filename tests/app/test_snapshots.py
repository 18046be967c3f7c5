"""How the screens look, compared with stored SVG snapshots (update: pytest --snapshot-update).

Time is moved by hand, so no live countdown ever lands in a snapshot.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from stretchtimer.safety import SAFETY_SEEN_FILE
from stretchtimer.session.clock import ManualClock
from stretchtimer.settings import Settings
from stretchtimer.tui.app import StretchTimerApp

Snap = Callable[..., bool]
NO_SOUND = Settings(sound="off")  # the same status line on every machine


@pytest.fixture(autouse=True)
def safety_seen(user_config: Path) -> None:
    (user_config / SAFETY_SEEN_FILE).touch()


def at(seconds: float, *keys: str, then: int = 0) -> Callable[[Pilot[Any]], Awaitable[None]]:
    """Let `seconds` of session time pass, press `keys`, then let `then` seconds pass."""

    async def run_before(pilot: Pilot[Any]) -> None:
        app = pilot.app
        assert isinstance(app, StretchTimerApp) and isinstance(app.clock, ManualClock)
        for _ in range(int(seconds)):
            app.clock.advance(1)
            await pilot.pause()
        for key in keys:
            await pilot.press(key)
        for _ in range(then):
            app.clock.advance(1)
            await pilot.pause()
        for worker in app.workers:
            # the picker's catalog, and the summary's week line: read in threads
            if worker.name in ("load", "week-progress"):
                await worker.wait()
        for _ in range(3):
            await pilot.pause()
        assert app.player is not None  # made after the first frame, the picker's list
        await asyncio.to_thread(app.player.ready.wait, 5)  # "sound: off" is on screen
        for _ in range(3):
            await pilot.pause()

    return run_before


def session(routine: str = "desk-break") -> StretchTimerApp:
    return StretchTimerApp(routine_id=routine, clock=ManualClock(), settings=NO_SOUND)


class TestPicker:
    def test_picker(self, snap_compare: Snap) -> None:
        app = StretchTimerApp(clock=ManualClock(), settings=NO_SOUND)
        assert snap_compare(app, terminal_size=(80, 24), run_before=at(0))


class TestSession:
    def test_prepare(self, snap_compare: Snap) -> None:
        assert snap_compare(session(), terminal_size=(80, 24), run_before=at(2))

    def test_work_hold(self, snap_compare: Snap) -> None:
        # desk-break: to the scapular squeeze (3 exercises on, past its get-ready),
        # 2 s into its first hold
        keys = ("N", "N", "N", "n")
        assert snap_compare(session(), terminal_size=(80, 24), run_before=at(1, *keys, then=2))

    def test_rest(self, snap_compare: Snap) -> None:
        # lower-back: 1 s into the rest after the cat-cow (its get-ready and 5 rounds: 60 s)
        assert snap_compare(session("lower-back"), terminal_size=(80, 24), run_before=at(61))

    def test_paused(self, snap_compare: Snap) -> None:
        assert snap_compare(session(), terminal_size=(80, 24), run_before=at(12, "space"))

    def test_small_terminal(self, snap_compare: Snap) -> None:
        assert snap_compare(session(), terminal_size=(60, 20), run_before=at(12))


class TestSummary:
    def test_summary_after_quitting(self, snap_compare: Snap) -> None:
        assert snap_compare(session(), terminal_size=(80, 24), run_before=at(30, "N", "q", "y"))
