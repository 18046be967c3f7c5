"""The picker's level key, and what the picker remembers from one start to the next, with
Pilot: each test starts the app again on the same data folder, as a person would."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import OptionList, Select, SelectionList, Static

from stretchtimer.history.store import read_sessions
from stretchtimer.memory import MEMORY_FILE
from stretchtimer.paths import data_dir
from stretchtimer.safety import SAFETY_SEEN_FILE
from stretchtimer.session.clock import ManualClock
from stretchtimer.tui.app import StretchTimerApp
from stretchtimer.tui.screens.picker_screen import PickerScreen
from stretchtimer.tui.screens.session_screen import SessionScreen


async def settle(pilot: Pilot[None]) -> None:
    for worker in list(pilot.app.workers):
        if worker.name in ("load", "memory"):
            await worker.wait()
    for _ in range(3):
        await pilot.pause()


def routine_lines(pilot: Pilot[None]) -> dict[str, str]:
    options = pilot.app.screen.query_one("#routines", OptionList)
    return {
        str(option.id): str(option.prompt)
        for option in (options.get_option_at_index(i) for i in range(options.option_count))
    }


def highlighted(pilot: Pilot[None]) -> str | None:
    option = pilot.app.screen.query_one("#routines", OptionList).highlighted_option
    return option.id if option is not None else None


def details(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#routine-details", Static).content)


def remembered() -> dict[str, object]:
    data = json.loads((data_dir() / MEMORY_FILE).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


async def test_the_level_key_changes_the_time_live_and_is_remembered_per_routine() -> None:
    app = StretchTimerApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert routine_lines(pilot)["desk-break"].endswith(" 5:26")
        assert "Level: standard (l to change)\nOther levels: easy 4:18, full 5:38" in details(pilot)
        await pilot.press("l")  # standard -> full
        await settle(pilot)
        assert routine_lines(pilot)["desk-break"].startswith("Desk Break (full)")
        assert routine_lines(pilot)["desk-break"].endswith(" 5:38")
        assert details(pilot).startswith("Desk Break (full) - 5:38")
        assert "1. Neck Roll - 3 rounds" in details(pilot)
        await pilot.press("l")  # full -> easy
        await settle(pilot)
        assert routine_lines(pilot)["desk-break"].endswith(" 4:18")
        assert "1. Neck Roll - 2 rounds" in details(pilot)
        assert "Level: easy (l to change)\nOther levels: standard 5:26, full 5:38" in details(pilot)
        await pilot.press("down", "l")  # full-back-session: standard -> full
        await settle(pilot)
        assert routine_lines(pilot)["full-back-session"].endswith("41:17")
        assert routine_lines(pilot)["lower-back"].endswith(" 9:25")  # the others as they were
    assert remembered()["levels"] == {"desk-break": "easy", "full-back-session": "full"}

    app = StretchTimerApp()  # started again: each routine at the level it was left at
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        lines = routine_lines(pilot)
        assert lines["desk-break"].startswith("Desk Break (easy)") and lines["desk-break"].endswith(
            " 4:18"
        )
        assert lines["full-back-session"].endswith("41:17")
        assert lines["lower-back"].endswith(" 9:25")


async def test_a_routine_started_from_the_picker_runs_at_its_level_and_the_history_says_so(
    user_config: Path,
) -> None:
    (user_config / SAFETY_SEEN_FILE).touch()
    app = StretchTimerApp(clock=ManualClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("l", "l", "enter")  # desk-break at the easy level
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert screen.timeline.level == "easy"
        assert screen.timeline.total == 258  # 4:18
        assert "Desk Break (easy)" in str(screen.query_one("#routine-name").render())
        screen.stop_session()
        await settle(pilot)
    [session] = read_sessions()
    assert (session.routine_id, session.level, session.planned_seconds) == (
        "desk-break",
        "easy",
        258,
    )


async def test_the_app_run_with_a_level_opens_the_session_at_it(user_config: Path) -> None:
    (user_config / SAFETY_SEEN_FILE).touch()
    app = StretchTimerApp(routine_id="lower-back", level="full", clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SessionScreen)
        assert (screen.timeline.level, screen.timeline.total) == ("full", 13 * 60 + 40)


async def test_the_picker_remembers_its_filters_and_the_last_routine(user_config: Path) -> None:
    (user_config / SAFETY_SEEN_FILE).touch()
    app = StretchTimerApp(clock=ManualClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#area", Select).value = "lower-back"
        await settle(pilot)
        equipment = screen.query_one("#equipment", SelectionList)
        equipment.deselect("foam-roller")
        equipment.deselect("cushion")
        await settle(pilot)
        shown = set(routine_lines(pilot))
        assert shown == {"full-back-session", "strength-no-equipment", "warm-up"}
        await pilot.press("down", "down")  # warm-up
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        app.screen.stop_session()
        await settle(pilot)
    assert remembered()["routine"] == "warm-up"

    app = StretchTimerApp(clock=ManualClock())
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, PickerScreen)
        assert screen.query_one("#area", Select).value == "lower-back"
        at_hand = screen.query_one("#equipment", SelectionList).selected
        assert "foam-roller" not in at_hand and "cushion" not in at_hand and "wall" in at_hand
        assert set(routine_lines(pilot)) == shown
        assert highlighted(pilot) == "warm-up"


@pytest.mark.parametrize(
    "content",
    [
        b"{not json",
        b"\xff\xfe",
        b"[1, 2]",
        b'{"routine": 3, "area": "knees", "not_at_hand": "wall", "levels": {"desk-break": "max"}}',
    ],
)
async def test_a_damaged_memory_is_ignored_with_a_warning(
    content: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    data_dir().mkdir(parents=True)
    (data_dir() / MEMORY_FILE).write_bytes(content)
    app = StretchTimerApp()
    with caplog.at_level(logging.WARNING, logger="stretchtimer.memory"):
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            assert len(routine_lines(pilot)) == 6  # every routine, at the standard level
            assert routine_lines(pilot)["desk-break"].endswith(" 5:26")
            assert highlighted(pilot) == "desk-break"
            await pilot.press("l")  # and what is chosen now is remembered again
            await settle(pilot)
    assert "ignoring what the picker remembered" in caplog.text
    assert remembered()["levels"] == {"desk-break": "full"}


async def test_a_memory_that_cannot_be_written_costs_only_the_memory(
    caplog: pytest.LogCaptureFixture,
) -> None:
    data_dir().mkdir(parents=True)
    (data_dir() / MEMORY_FILE).mkdir()  # a folder where the file should be
    app = StretchTimerApp()
    with caplog.at_level(logging.WARNING, logger="stretchtimer.memory"):
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            await pilot.press("l")
            await settle(pilot)
            assert routine_lines(pilot)["desk-break"].endswith(" 5:38")
    assert "cannot save what the picker remembers" in caplog.text
