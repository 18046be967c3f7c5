"""The app as a new user meets it: keys from the first moment, every way out, the help, long
names, the left side, and a bad day (issue 13)."""

from __future__ import annotations

import textwrap
import threading
from pathlib import Path

import pytest
from test_tui import running, seen_safety, session_of, settle
from textual.pilot import Pilot
from textual.widgets import Label, OptionList, Static

from stretchtimer.library.catalog import Catalog
from stretchtimer.library.loader import load_catalog
from stretchtimer.session.clock import ManualClock
from stretchtimer.session.engine import State
from stretchtimer.tui.app import StretchTimerApp
from stretchtimer.tui.screens.help_screen import SESSION_HELP, HelpScreen
from stretchtimer.tui.screens.picker_screen import PickerScreen
from stretchtimer.tui.screens.quit_screen import QuitScreen
from stretchtimer.tui.screens.summary_screen import SummaryScreen


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


async def asked_to_stop(pilot: Pilot[None]) -> None:
    """The quit dialog is up, the session waits; "n" carries on."""
    await settle(pilot)
    assert isinstance(pilot.app.screen, QuitScreen), pilot.app.screen
    assert pilot.app.is_running
    await pilot.press("n")
    await settle(pilot)
    if isinstance(pilot.app.screen, HelpScreen):
        await pilot.press("escape")
        await settle(pilot)
    assert session_of(pilot).engine.state is State.RUNNING


async def test_every_way_out_of_a_session_asks_first(user_config: Path) -> None:
    seen_safety(user_config)
    app = StretchTimerApp(routine_id="desk-break", clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for keys in (["q"], ["ctrl+q"], ["question_mark", "ctrl+q"]):
            await pilot.press(*keys)
            await asked_to_stop(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert titles.count("Quit") == 1
        await pilot.press("ctrl+p")  # the command palette, as a person uses it
        await settle(pilot)
        await pilot.press(*"quit", "enter")
        await asked_to_stop(pilot)
        await pilot.press("ctrl+q", "y")  # yes: the summary, and its question
        await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        await pilot.press("enter", "ctrl+q")  # out of a session: leaves at once
        await settle(pilot)
    assert app.return_code == 0


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (60, 20), (40, 16)])
async def test_the_help_fits_every_size_and_its_last_line_shows(
    user_config: Path, size: tuple[int, int]
) -> None:
    seen_safety(user_config)
    app = StretchTimerApp(routine_id="desk-break", clock=ManualClock())
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        dialog = help_screen.query_one("#help").region
        inside = dialog.shrink(help_screen.query_one("#help").styles.gutter)
        last = help_screen.query_one(".dialog--keys", Label)
        assert str(last.content).startswith("Esc: close")
        assert inside.contains_region(last.region) and last.region.height == 1
        assert dialog.bottom <= size[1] and dialog.right <= size[0]
        keys, texts = help_screen.query(".help-key"), help_screen.query(".help-text")
        assert len(keys) == len(texts) == len(SESSION_HELP)
        assert len({text.region.x for text in texts}) == 1  # wrapped words under their column
        for key, text in zip(keys, texts, strict=True):
            assert key.region.right <= text.region.x
            assert text.region.right <= inside.right  # nothing cut at the right
            lines = text.region.height  # the words all there, wrapped at the column's width
            assert lines == len(textwrap.wrap(str(text.content), text.region.width))


async def test_the_pickers_help_lists_the_pickers_keys() -> None:
    app = StretchTimerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        rows = {
            str(key.content): str(text.content)
            for key, text in zip(
                app.screen.query(".help-key"), app.screen.query(".help-text"), strict=True
            )
        }
        assert rows["Enter"] == "start it" and "history" in rows["h"] and "filters" in rows["tab"]
        assert not any("skip" in text or "pause" in text for text in rows.values())


async def test_a_long_routine_name_is_cut_and_the_times_stay_aligned(user_config: Path) -> None:
    name = "A Routine With A Name Of Forty-Seven Letters Ok"
    assert len(name) == 47
    (user_config / "exercises" / "long.yaml").write_text(
        f"id: long\nname: {name}\npurpose: Long.\nfocus: [neck]\nexercises: [neck-roll]\n"
    )
    app = StretchTimerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        await settle(pilot)
        options = app.screen.query_one("#routines", OptionList)
        rows = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert len(rows) == 7
        assert options.virtual_size.height == len(rows)  # one line each: none wraps
        long_row = next(row for row in rows if row.startswith("A Routine"))
        assert "\N{HORIZONTAL ELLIPSIS}" in long_row and long_row.endswith("0:50")
        assert len({len(row.rstrip(" *")) for row in rows}) == 1  # every time ends in one column
        assert max(map(len, rows)) <= options.scrollable_content_region.width


async def test_on_the_left_side_the_steps_say_left(user_config: Path) -> None:
    (user_config / "exercises" / "trapezius.yaml").write_text(
        "id: trapezius\nname: T\npurpose: One side, then the other.\nfocus: [neck]\n"
        "exercises: [upper-trapezius-stretch]\n"
    )
    async with running(user_config, "trapezius") as (pilot, _clock):
        screen = session_of(pilot)
        instructions = screen.query_one("#instructions", Static)
        right = "2. Rest your right hand on the back of your head and tuck your left hand behind"
        left = "2. Rest your left hand on the back of your head and tuck your right hand behind"
        assert right in str(instructions.content)  # getting ready: the first side, as written
        sides = []
        for _ in range(4):  # prepare, right, switch, left
            await pilot.press("n")
            await settle(pilot)
            step = screen.timeline.steps[screen.engine.session.index]
            sides.append(step.side)
            expected = left if step.side == "left" else right
            assert expected in str(instructions.content), (step, instructions.content)
        assert sides[-1] == "left"


async def test_a_very_stiff_back_is_told_when_to_see_someone_before_and_after(
    user_config: Path,
) -> None:
    async with running(user_config, "neck-and-shoulders") as (pilot, _clock):
        await pilot.press("x")  # 10 of 10, while getting ready for the first exercise
        await settle(pilot)
        feeling = str(session_of(pilot).query_one("#feeling", Label).content)
        assert feeling.startswith("Noted: 10 of 10")
        [note] = [n.message for n in pilot.app._notifications]
        assert "See a doctor or physiotherapist" in note and "Desk Break (5:26)" in note
        await pilot.press("q", "y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SummaryScreen)
        await pilot.press("9")
        await settle(pilot)
        label = pilot.app.screen.query_one("#summary-feeling", Label)
        after = str(label.content)
        assert "9 of 10 is a lot" in after and "Desk Break (5:26)" in after
        # all of it on screen: wrapped to the width, not cut off at the edge
        assert label.region.right <= pilot.app.screen.size.width
        assert label.region.height >= len(after) // label.region.width + 1


async def test_a_lower_answer_is_only_noted(user_config: Path) -> None:
    async with running(user_config, "neck-and-shoulders") as (pilot, _clock):
        await pilot.press("7")
        await settle(pilot)
        assert str(session_of(pilot).query_one("#feeling", Label).content).startswith("Noted: 7")
        assert not list(pilot.app._notifications)
