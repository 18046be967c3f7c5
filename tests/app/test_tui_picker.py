"""The picker's focus and keys, driven by Pilot: Tab goes from the routine list to the filters,
and on to the plan on the right only while it is too long to see at once; there it shows its
focus and the arrow and page keys scroll it. The picker's own keys work from the list and from
the plan."""

from __future__ import annotations

import pytest
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import OptionList, Static

from stretchtimer.session.clock import ManualClock
from stretchtimer.tui.app import StretchTimerApp
from stretchtimer.tui.screens.builder_screen import BuilderScreen
from stretchtimer.tui.screens.help_screen import HelpScreen
from stretchtimer.tui.screens.history_screen import HistoryScreen
from stretchtimer.tui.screens.picker_screen import PickerScreen
from stretchtimer.tui.screens.safety_screen import SafetyScreen
from stretchtimer.tui.screens.session_screen import SessionScreen

FILTERS = ["routines", "area", "equipment"]
"""What Tab goes through on the picker, in order, while the plan fits its box."""


async def settle(pilot: Pilot[None]) -> None:
    """Let the catalog and the history load (in threads), and the filters come in."""
    for _ in range(3):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def picker(pilot: Pilot[None], routine: str) -> PickerScreen:
    """The picker, with `routine` highlighted by the arrow keys."""
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, PickerScreen), screen
    options = screen.query_one("#routines", OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    assert options.highlighted == 0
    await pilot.press(*["down"] * ids.index(routine))
    await settle(pilot)
    assert highlighted(pilot) == routine
    return screen


def highlighted(pilot: Pilot[None]) -> str | None:
    option = pilot.app.screen.query_one("#routines", OptionList).highlighted_option
    return option.id if option is not None else None


def plan_of(screen: PickerScreen) -> Widget:
    return screen.query_one("#picker-right")


def details(pilot: Pilot[None]) -> str:
    return str(pilot.app.screen.query_one("#routine-details", Static).content)


async def focus_order(pilot: Pilot[None], key: str, times: int) -> list[str | None]:
    went = []
    for _ in range(times):
        await pilot.press(key)
        await pilot.pause()
        focused = pilot.app.focused
        went.append(focused.id if focused is not None else None)
    return went


async def tab_to_plan(pilot: Pilot[None], plan: Widget) -> None:
    await pilot.press(*["tab"] * len(FILTERS))
    await pilot.pause()
    assert pilot.app.focused is plan


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_tab_passes_the_plan_by_while_it_fits(size: tuple[int, int]) -> None:
    """Desk Break's plan fits at both sizes: Tab and Shift+Tab go round the list and the
    filters, never to the plan, where nothing would show focus and keys would be lost."""
    app = StretchTimerApp()
    async with app.run_test(size=size) as pilot:
        screen = await picker(pilot, "desk-break")
        plan = plan_of(screen)
        assert plan.max_scroll_y == 0 and not plan.allow_focus()
        assert app.focused is not None and app.focused.id == "routines"
        cycle = FILTERS * 2
        assert await focus_order(pilot, "tab", len(cycle)) == cycle[1:] + cycle[:1]
        assert await focus_order(pilot, "shift+tab", len(cycle)) == cycle[::-1]


@pytest.mark.parametrize("size", [(80, 24), (100, 30)])
async def test_a_plan_longer_than_its_box_takes_focus_after_the_filters(
    size: tuple[int, int],
) -> None:
    """Full Back Session's plan is longer than its box at both sizes: Tab reaches it after the
    filters, then goes back to the list."""
    app = StretchTimerApp()
    async with app.run_test(size=size) as pilot:
        screen = await picker(pilot, "full-back-session")
        assert plan_of(screen).max_scroll_y > 0
        cycle = [*FILTERS, "picker-right"]
        assert await focus_order(pilot, "tab", len(cycle)) == cycle[1:] + cycle[:1]
        assert await focus_order(pilot, "shift+tab", len(cycle)) == cycle[::-1]


async def test_the_focused_plan_shows_it_and_scrolls_with_the_arrow_and_page_keys() -> None:
    app = StretchTimerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await picker(pilot, "full-back-session")
        plan = plan_of(screen)
        unfocused = plan.styles.background, plan.styles.border_left
        assert plan.styles.border_left[0] == "blank"
        await tab_to_plan(pilot, plan)
        assert plan.has_focus
        # a bar at its left, and its background, show it has focus
        assert plan.styles.border_left[0] == "tall"
        assert (plan.styles.background, plan.styles.border_left) != unfocused
        assert plan.scroll_y == 0
        await pilot.press("down")
        await pilot.pause()
        assert plan.scroll_y == 1
        await pilot.press("pagedown")
        await pilot.pause()
        assert plan.scroll_y > 1
        await pilot.press("end")
        await pilot.pause()
        assert plan.scroll_y == plan.max_scroll_y
        await pilot.press("pageup", "up", "home")
        await pilot.pause()
        assert plan.scroll_y == 0
        assert highlighted(pilot) == "full-back-session"  # the arrows scrolled, not chose
        assert details(pilot).startswith("Full Back Session")
        await pilot.press("tab")  # back to the list, where the arrows choose a routine
        await pilot.pause()
        assert app.focused is not None and app.focused.id == "routines"
        assert plan.styles.border_left[0] == "blank"
        await pilot.press("down")
        await settle(pilot)
        assert highlighted(pilot) == "lower-back"
        assert details(pilot).startswith("Lower Back")


@pytest.mark.parametrize("on", ["routines", "picker-right"])
async def test_the_pickers_keys_work_from_the_list_and_from_the_plan(on: str) -> None:
    """l, ?, h, b and Enter, with the list focused or the plan."""
    app = StretchTimerApp(clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await picker(pilot, "full-back-session")
        if on == "picker-right":
            await tab_to_plan(pilot, plan_of(screen))

        async def back_on_the_picker() -> None:
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is screen
            assert app.focused is not None and app.focused.id == on

        assert "Level: standard" in details(pilot)
        await pilot.press("l")  # standard -> full
        await settle(pilot)
        assert details(pilot).startswith("Full Back Session (full)")
        assert "Level: full" in details(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await back_on_the_picker()
        await pilot.press("h")
        await settle(pilot)
        assert isinstance(app.screen, HistoryScreen)
        await back_on_the_picker()
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, BuilderScreen)
        await back_on_the_picker()
        await pilot.press("enter")  # the safety note first, then the routine chosen
        await settle(pilot)
        assert isinstance(app.screen, SafetyScreen)
        await pilot.press("enter")
        for _ in range(3):  # not settle(): the session's workers go on
            await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        timeline = app.screen.timeline
        assert (timeline.routine.id, timeline.level) == ("full-back-session", "full")


@pytest.mark.parametrize("on", ["routines", "picker-right"])
async def test_q_quits_from_the_list_and_from_the_plan(on: str) -> None:
    app = StretchTimerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await picker(pilot, "full-back-session")
        if on == "picker-right":
            await tab_to_plan(pilot, plan_of(screen))
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running
    assert app.return_code == 0


async def test_a_focused_plan_that_comes_to_fit_gives_the_focus_back_to_the_list() -> None:
    """The terminal grows until Full Back Session's plan fits: the plan, with nothing left to
    scroll, hands its focus to the list, where the arrow keys choose a routine again."""
    app = StretchTimerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await picker(pilot, "full-back-session")
        plan = plan_of(screen)
        await tab_to_plan(pilot, plan)
        await pilot.resize_terminal(160, 60)
        await settle(pilot)
        assert plan.max_scroll_y == 0
        assert app.focused is not None and app.focused.id == "routines"
        await pilot.press("down")
        await settle(pilot)
        assert highlighted(pilot) == "lower-back"
