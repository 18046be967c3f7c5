"""The app as a new user meets it: keys from the first moment, every way out, the help, long
names, the left side, and a bad day (issue 13)."""

from __future__ import annotations

import threading
from pathlib import Path

from test_tui import seen_safety, session_of, settle

from stretchtimer.library.catalog import Catalog
from stretchtimer.library.loader import load_catalog
from stretchtimer.tui.app import StretchTimerApp
from stretchtimer.tui.screens.picker_screen import PickerScreen


async def test_keys_pressed_while_the_routines_load_are_not_lost(user_config: Path) -> None:
    seen_safety(user_config)
    catalog = load_catalog()
    ready = threading.Event()

    def slow_load() -> Catalog:
        ready.wait(10)
        return catalog

    app = StretchTimerApp(load=slow_load)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("down", "enter")  # before there is anything to choose
        ready.set()
        for _ in range(50):
            await pilot.pause(0.02)
            if not isinstance(app.screen, PickerScreen):
                break
        assert session_of(pilot).engine.session.timeline.routine.id == sorted(catalog.routines)[1]


async def test_a_newline_is_enter(user_config: Path) -> None:
    """A terminal still in line mode, as the app starts, turns Enter into a newline (ctrl+j)."""
    seen_safety(user_config)
    app = StretchTimerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+j")
        await settle(pilot)
        assert session_of(pilot).engine.session.timeline.routine.id == "desk-break"
