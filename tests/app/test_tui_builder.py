"""The builder screen, driven by Pilot: `b` in the list of routines opens it, the preview is
remade as each setting changes, ctrl+s keeps the routine (the same file `stretchtimer build`
writes) and the list shows it."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, Select, SelectionList, Static

from stretchtimer.library.loader import validate_paths
from stretchtimer.library.writer import MARK
from stretchtimer.tui.app import StretchTimerApp
from stretchtimer.tui.screens.builder_screen import BuilderScreen
from stretchtimer.tui.screens.picker_screen import PickerScreen


async def settle(pilot: Pilot[None]) -> None:
    """Let the builds in threads finish and their results reach the screen."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def preview(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#builder-preview", Static).content)


async def open_builder(pilot: Pilot[None]) -> BuilderScreen:
    await settle(pilot)
    await pilot.press("b")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, BuilderScreen), screen
    return screen


async def test_the_preview_follows_every_setting_and_save_adds_the_routine(
    user_config: Path,
) -> None:
    app = StretchTimerApp()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_builder(pilot)
        assert preview(pilot).startswith("Whole back, 10 min - ")
        assert "(asked for 10 min)" in preview(pilot).splitlines()[0]

        minutes = screen.query_one("#minutes", Input)
        minutes.value = "4"
        await settle(pilot)
        assert preview(pilot).startswith("Whole back, 4 min")
        screen.query_one("#focus", SelectionList).select("neck")
        screen.query_one("#position", Select).value = "seated"
        await settle(pilot)
        shown = preview(pilot)
        assert shown.startswith("Neck, seated, 4 min - 4:10 (asked for 4 min)")
        assert " 1. Neck Roll, seated - " in shown
        assert "standing" not in shown and "floor" not in shown

        minutes.value = "2"
        screen.query_one("#focus", SelectionList).select_all()
        screen.query_one("#position", Select).clear()
        await settle(pilot)
        refused = preview(pilot)
        assert refused.startswith("Cannot build this: 2 min cannot cover the neck")
        # said in the screen's own terms, not as a command-line option
        assert refused.endswith(
            "fits the neck, shoulders, chest and upper back: tick only those body areas."
        )
        assert "--focus" not in refused
        await pilot.press("ctrl+s")  # nothing to keep: it says so and stays
        await settle(pilot)
        assert app.screen is screen

        minutes.value = ""
        await settle(pilot)
        assert preview(pilot) == "Minutes: a whole number from 1 to 240."

        minutes.value = "4"
        screen.query_one("#focus", SelectionList).deselect_all()
        screen.query_one("#focus", SelectionList).select("neck")
        screen.query_one("#position", Select).value = "seated"
        screen.query_one("#name", Input).value = "Between meetings"
        await settle(pilot)
        assert preview(pilot).startswith("Between meetings - 4:10")
        await pilot.press("ctrl+s")
        await settle(pilot)

        assert isinstance(app.screen, PickerScreen)
        options = app.screen.query_one("#routines", OptionList)
        highlighted = options.highlighted_option
        assert highlighted is not None and highlighted.id == "between-meetings"
        assert str(highlighted.prompt).endswith("4:10")

    path = user_config / "exercises" / "between-meetings.yaml"
    assert path.read_text().startswith(
        f"{MARK}: stretchtimer build --minutes 4 --focus neck --position seated"
        " --name 'Between meetings'\n"
    )
    assert validate_paths([path]) == (1, [])


async def test_no_area_ticked_and_too_few_minutes_for_all_shows_what_fits(
    user_config: Path,
) -> None:
    """As `stretchtimer build --minutes 2`: a routine for the areas that fit, saying which it
    leaves out; ticking every area is asking for them all, which 2 minutes cannot cover."""
    app = StretchTimerApp()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_builder(pilot)
        screen.query_one("#minutes", Input).value = "2"
        await settle(pilot)
        shown = preview(pilot)
        assert shown.startswith("Mixed, 2 min - "), shown
        assert "Leaves out the middle back and lower back: 2 min is too short" in shown
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
    assert (user_config / "exercises" / "mixed-2-min.yaml").exists()


async def test_another_gives_a_different_routine_and_esc_keeps_nothing(
    user_config: Path,
) -> None:
    app = StretchTimerApp()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_builder(pilot)
        screen.query_one("#minutes", Input).value = "15"
        await settle(pilot)
        first = preview(pilot)
        await pilot.press("ctrl+r")
        await settle(pilot)
        other = preview(pilot)
        assert other.startswith("Whole back, 15 min") and other != first
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
    assert list((user_config / "exercises").iterdir()) == []


async def test_a_name_that_is_taken_is_not_saved(user_config: Path) -> None:
    app = StretchTimerApp()
    async with app.run_test(size=(100, 30)) as pilot:
        screen = await open_builder(pilot)
        screen.query_one("#name", Input).value = "Desk Break"
        await settle(pilot)
        assert preview(pilot).startswith("Desk Break - ")
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert app.screen is screen
        notes = [str(n.message) for n in app._notifications]
        assert any("'desk-break' is a built-in routine" in note for note in notes)
    assert list((user_config / "exercises").iterdir()) == []


async def test_the_builder_starts_from_the_picker_s_equipment_and_a_hidden_routine_is_said(
    user_config: Path,
) -> None:
    """What the picker was told is not at hand is not in the builder's kit; a routine saved
    that the picker's filters hide is said so (it seemed not to have been saved)."""
    app = StretchTimerApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        picker.query_one("#equipment", SelectionList).deselect("foam-roller")
        await settle(pilot)
        screen = await open_builder(pilot)
        kit = screen.query_one("#kit", SelectionList)
        assert "foam-roller" not in kit.selected and "band" in kit.selected
        kit.select("foam-roller")  # the builder may still use it...
        screen.query_one("#minutes", Input).value = "12"
        screen.query_one("#position", Select).value = "floor"
        await settle(pilot)
        assert "foam roller" in preview(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        # ...and the picker, without it, does not list the routine: it says why
        messages = [n.message for n in app._notifications]
        assert any("is not in the list: the body area or equipment" in m for m in messages)


async def test_a_step_of_the_preview_that_wraps_goes_on_under_its_words(
    user_config: Path,
) -> None:
    app = StretchTimerApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await open_builder(pilot)
        preview_widget = app.screen.query_one("#builder-preview", Static)
        width = preview_widget.content_region.width
        drawn = [
            strip.text for strip in preview_widget.render_lines(preview_widget.region.reset_offset)
        ]
        rows = [row.rstrip() for row in drawn if row.strip()]
        numbered = [i for i, row in enumerate(rows) if row.lstrip()[:1].isdigit()]
        wrapped = [rows[i + 1] for i in numbered if i + 1 < len(rows) and i + 1 not in numbered]
        assert width < 70 and wrapped, rows  # some step takes two rows at 100 columns
        assert all(row.startswith("    ") for row in wrapped if "ctrl+s" not in row), rows


async def test_a_saved_routine_is_highlighted_with_a_session_to_resume_above_it(
    user_config: Path,
) -> None:
    """With a session cut short offered above the routines, the list was refreshed (the
    offer, read again as the picker came back) before the new routine was loaded: the offer
    stayed highlighted, and Enter resumed that session instead of the routine just saved."""
    from datetime import timedelta

    from test_tui_resume import log_session

    from stretchtimer.history.records import utc_now
    from stretchtimer.tui.screens.picker_screen import RESUME

    log_session(utc_now() - timedelta(minutes=15), ["done", "done", "partial"], "stopped")
    app = StretchTimerApp()
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        options = pilot.app.screen.query_one("#routines", OptionList)
        assert options.get_option_at_index(0).id == RESUME
        options.highlighted = 0  # the offer, as Down and Up would leave it
        await settle(pilot)
        screen = await open_builder(pilot)
        # meanwhile the offer changes (its "ended N min ago" moves on, or another session)
        log_session(utc_now() - timedelta(minutes=5), ["done", "partial"], "stopped")
        screen.query_one("#minutes", Input).value = "6"
        screen.query_one("#focus", SelectionList).select("neck")
        await settle(pilot)
        await pilot.press("ctrl+s")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        highlighted = app.screen.query_one("#routines", OptionList).highlighted_option
        assert highlighted is not None and highlighted.id == "neck-6-min", highlighted


SETTINGS = ["minutes", "focus", "kit", "position", "level", "name"]
"""The builder's settings, in the order Tab goes through them."""


@pytest.mark.parametrize("size", [(100, 30), (80, 24)])
async def test_tab_and_shift_tab_go_only_through_the_settings_each_in_sight(
    user_config: Path, size: tuple[int, int]
) -> None:
    """Focus never lands where nothing shows it and typing is lost (the settings' column, a
    plan that fits its box), and each setting is scrolled into sight as it gets focus."""
    app = StretchTimerApp()
    async with app.run_test(size=size) as pilot:
        screen = await open_builder(pilot)
        assert preview(pilot).startswith("Whole back, 10 min")
        column = screen.query_one("#builder-left")
        assert column.scroll_y == 0  # the minutes with their label
        plan = screen.query_one("#builder-right")
        if size == (100, 30):  # every setting in sight at once, the name too, and the plan
            assert column.max_scroll_y == 0 and plan.max_scroll_y == 0
        else:  # the settings and the plan scroll
            assert column.max_scroll_y > 0 and plan.max_scroll_y > 0
        cycle = [*SETTINGS, *(["builder-right"] if plan.max_scroll_y else [])]
        for key, order in (("tab", cycle[1:] + cycle[:1]), ("shift+tab", cycle[::-1])):
            went = []
            for _ in order:
                await pilot.press(key)
                await pilot.pause()
                focused = app.focused
                assert focused is not None
                went.append(focused.id)
                if focused is not plan:
                    assert column.region.contains_region(focused.region), (focused.id, size)
            assert went == order


async def test_a_plan_longer_than_its_box_takes_focus_shows_it_and_scrolls(
    user_config: Path,
) -> None:
    app = StretchTimerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_builder(pilot)
        screen.query_one("#minutes", Input).value = "45"
        await settle(pilot)
        plan = screen.query_one("#builder-right")
        unfocused = plan.styles.background
        screen.query_one("#name", Input).focus()
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is plan
        assert plan.styles.background != unfocused  # it shows it has focus
        await pilot.press("pagedown")
        await pilot.pause()
        assert plan.scroll_y > 0
        await pilot.press("tab")
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "minutes"


async def test_a_focused_plan_that_comes_to_fit_gives_the_focus_back_to_the_settings(
    user_config: Path,
) -> None:
    """A shorter routine comes in while the plan has focus: with nothing left to scroll, the
    plan hands its focus to the first setting."""
    app = StretchTimerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_builder(pilot)
        minutes = screen.query_one("#minutes", Input)
        minutes.value = "45"
        await settle(pilot)
        plan = screen.query_one("#builder-right")
        plan.focus()
        await pilot.pause()
        assert app.focused is plan
        minutes.value = "2"
        await settle(pilot)
        assert ", 2 min - " in preview(pilot).splitlines()[0]
        assert plan.max_scroll_y == 0
        assert app.focused is minutes
