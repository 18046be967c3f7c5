"""The app driven by Textual's Pilot, with time moved by hand (no real waiting)."""

from __future__ import annotations

import asyncio
import gc
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.widget import Widget
from textual.widgets import Label, OptionList, Select, SelectionList, Static

from stretchtimer.safety import SAFETY_SEEN_FILE
from stretchtimer.session.clock import STALL_LIMIT, ManualClock
from stretchtimer.session.engine import State
from stretchtimer.settings import Settings
from stretchtimer.tui.app import StretchTimerApp
from stretchtimer.tui.screens.help_screen import HelpScreen
from stretchtimer.tui.screens.picker_screen import Listing, PickerScreen
from stretchtimer.tui.screens.quit_screen import QuitScreen
from stretchtimer.tui.screens.safety_screen import SafetyScreen
from stretchtimer.tui.screens.session_screen import SessionScreen
from stretchtimer.tui.screens.summary_screen import SummaryScreen
from stretchtimer.tui.widgets.changes import changed_cells
from stretchtimer.tui.widgets.countdown import BigCountdown
from stretchtimer.tui.widgets.progress import TimeBars


def text(pilot: Pilot[None], selector: str) -> str:
    return str(pilot.app.screen.query_one(selector, Label | Static).content)


def countdown(pilot: Pilot[None]) -> str:
    return pilot.app.screen.query_one(BigCountdown).value


async def settle(pilot: Pilot[None]) -> None:
    for _ in range(3):
        await pilot.pause()


async def advance(pilot: Pilot[None], clock: ManualClock, seconds: float) -> None:
    """Let `seconds` pass one at a time, as the engine would see real time pass."""
    whole = int(seconds)
    for _ in range(whole):
        clock.advance(1)
        await settle(pilot)
    if seconds > whole:
        clock.advance(seconds - whole)
        await settle(pilot)


def session_of(pilot: Pilot[None]) -> SessionScreen:
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen), screen
    return screen


def seen_safety(config: Path) -> None:
    (config / SAFETY_SEEN_FILE).touch()


@asynccontextmanager
async def running(
    config: Path, routine: str = "desk-break", speed: float = 1.0, size: tuple[int, int] = (80, 24)
) -> AsyncIterator[tuple[Pilot[None], ManualClock]]:
    """The app straight into a session (safety note already read), with time moved by hand."""
    seen_safety(config)
    clock = ManualClock()
    app = StretchTimerApp(routine_id=routine, clock=clock, speed=speed)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        yield pilot, clock


# --- picker ---------------------------------------------------------------------------------


async def test_picker_lists_routines_with_times_and_a_preview() -> None:
    app = StretchTimerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        options = app.screen.query_one("#routines", OptionList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert any(p.startswith("Desk Break") and p.endswith("5:26") for p in prompts)
        assert len(prompts) == 6
        details = text(pilot, "#routine-details")
        assert details.startswith("Desk Break - 5:26")
        assert "1. Neck Roll - 3 rounds" in details
        await pilot.press("down")
        assert text(pilot, "#routine-details").startswith("Full Back Session")


def routine_ids(pilot: Pilot[None]) -> list[str | None]:
    options = pilot.app.screen.query_one("#routines", OptionList)
    return [options.get_option_at_index(i).id for i in range(options.option_count)]


def held_listing(app: StretchTimerApp) -> threading.Event:
    """Hold the app's catalog load (in its thread) until the returned event is set."""
    release = threading.Event()
    load = app.routine_listing

    def held() -> Listing:
        release.wait(10)
        return load()

    app.routine_listing = held  # type: ignore[method-assign]
    return release


async def loaded(app: StretchTimerApp) -> None:
    """Wait for the picker's catalog load (the session's own workers go on)."""
    for worker in [worker for worker in app.workers if worker.name == "load"]:
        await worker.wait()


async def test_a_second_start_lists_the_routines_in_its_first_frame() -> None:
    """The cards saved by one start list the routines in the next one's first frame, before
    its catalog has loaded; once it has, the list stays as it was."""
    async with StretchTimerApp().run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        first = routine_ids(pilot)
    assert len(first) == 6
    app = StretchTimerApp(clock=ManualClock())
    release = held_listing(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert routine_ids(pilot) == first
        prompts = app.screen.query_one("#routines", OptionList)
        assert str(prompts.get_option_at_index(0).prompt).endswith("5:26")
        assert text(pilot, "#routine-details").startswith("Desk Break - 5:26")
        await pilot.press("down")  # the picker is live before its catalog has loaded
        assert text(pilot, "#routine-details").startswith("Full Back Session")
        await pilot.press("up", "enter")
        assert isinstance(app.screen, SafetyScreen)  # then the session
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.engine.session.timeline.routine.id == "desk-break"
        release.set()
        await loaded(app)
        app.screen.dismiss(None)
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert routine_ids(pilot) == first


@pytest.mark.parametrize("change", ["a new routine file", "another get-ready time"])
async def test_saved_cards_that_no_longer_match_are_not_shown(
    user_config: Path, change: str
) -> None:
    async with StretchTimerApp().run_test(size=(80, 24)) as pilot:
        await settle(pilot)
    settings = Settings()
    if change == "a new routine file":
        (user_config / "exercises" / "mine.yaml").write_text(
            "id: mine\nname: Mine\npurpose: Mine.\nfocus: [neck]\nexercises: [neck-roll]\n"
        )
    else:
        settings = Settings(prepare=3)
    app = StretchTimerApp(settings=settings)
    release = held_listing(app)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert routine_ids(pilot) == [None]  # "Loading routines..."
        release.set()
        await loaded(app)
        await settle(pilot)
        listed = routine_ids(pilot)
        assert len(listed) == (7 if change == "a new routine file" else 6)
        prompts = app.screen.query_one("#routines", OptionList)
        desk_break = str(prompts.get_option_at_index(listed.index("desk-break")).prompt)
        assert desk_break.endswith("5:26") == (change == "a new routine file")


async def test_picker_filters_by_area_and_equipment() -> None:
    app = StretchTimerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        screen.query_one("#area", Select).value = "lower-back"
        await settle(pilot)
        options = screen.query_one("#routines", OptionList)
        ids = {options.get_option_at_index(i).id for i in range(options.option_count)}
        assert ids == {"lower-back", "full-back-session", "strength-no-equipment", "warm-up"}
        screen.query_one("#area", Select).clear()
        screen.query_one("#equipment", SelectionList).deselect_all()
        await settle(pilot)
        ids = {options.get_option_at_index(i).id for i in range(options.option_count)}
        assert ids == {"desk-break"}
        screen.query_one("#equipment", SelectionList).select("wall")
        await settle(pilot)
        ids = {options.get_option_at_index(i).id for i in range(options.option_count)}
        assert ids == {"desk-break", "strength-no-equipment"}


async def test_a_cushion_is_enough_for_lower_back_and_a_chair_for_the_warm_up() -> None:
    app = StretchTimerApp()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = app.screen
        boxes = screen.query_one("#equipment", SelectionList)
        assert "mat" not in [boxes.get_option_at_index(i).value for i in range(boxes.option_count)]
        options = screen.query_one("#routines", OptionList)
        for at_hand, expected in [
            ("cushion", {"desk-break", "lower-back"}),
            ("foam-roller", {"desk-break", "lower-back"}),
            ("chair", {"desk-break", "warm-up"}),  # its thoracic extension is the chair's
        ]:
            boxes.deselect_all()
            boxes.select(at_hand)
            await settle(pilot)
            ids = {options.get_option_at_index(i).id for i in range(options.option_count)}
            assert ids == expected, at_hand


async def test_enter_shows_the_safety_note_once_then_the_session(user_config: Path) -> None:
    app = StretchTimerApp(clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, SafetyScreen)
        assert "sharp pain" in text(pilot, "#safety-text")
        assert "below the knee" in text(pilot, "#safety-text")
        await pilot.press("enter")
        await settle(pilot)
        assert session_of(pilot).timeline.routine.id == "desk-break"
    assert (user_config / SAFETY_SEEN_FILE).exists()
    app = StretchTimerApp(routine_id="warm-up", clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert session_of(pilot).timeline.routine.id == "warm-up"


# --- session --------------------------------------------------------------------------------


async def test_session_shows_what_to_do_and_counts_down(user_config: Path) -> None:
    async with running(user_config) as (pilot, clock):
        assert text(pilot, "#exercise-name") == "Neck Roll"
        assert text(pilot, "#phase") == "WARM-UP  1 of 6"
        assert text(pilot, "#headline") == "Get ready"
        assert text(pilot, "#up-next") == "Now: Neck Roll, 3 rounds - then Shoulder Roll"
        assert countdown(pilot) == "0:08"
        assert "1. Sit or stand tall" in text(pilot, "#instructions")
        await advance(pilot, clock, 3)
        assert countdown(pilot) == "0:05"
        await advance(pilot, clock, 5)
        assert text(pilot, "#headline").startswith("Roll your head")
        assert text(pilot, "#counters") == "round 1 of 3"
        assert text(pilot, "#up-next") == "Up next: Shoulder Roll, 3 rounds"
        bars = session_of(pilot).query_one(TimeBars)
        assert bars.time_texts == ["0:08 / 1:08", "0:08 / 5:26"]


async def test_space_pauses_freezes_the_countdown_and_resumes(user_config: Path) -> None:
    async with running(user_config) as (pilot, clock):
        await advance(pilot, clock, 2)
        await pilot.press("space")
        await settle(pilot)
        screen = session_of(pilot)
        assert screen.has_class("-paused")
        assert screen.query_one("#paused", Label).display
        assert str(screen.query_one("#paused", Label).content).startswith("PAUSED")
        frozen = countdown(pilot)
        await advance(pilot, clock, 30)
        assert countdown(pilot) == frozen == "0:06"
        assert screen.engine.state is State.PAUSED
        await pilot.press("space")
        await advance(pilot, clock, 1)
        assert not screen.has_class("-paused")
        assert countdown(pilot) == "0:05"


async def test_a_stopped_program_finds_its_session_paused_where_it_was(user_config: Path) -> None:
    """Ctrl+Z, then `fg` 30 s later: the clock jumps; the session waits, and says why."""
    seen_safety(user_config)
    clock = ManualClock(stall_limit=STALL_LIMIT)
    app = StretchTimerApp(routine_id="desk-break", clock=clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await advance(pilot, clock, 2)
        clock.advance(30)
        await settle(pilot)
        screen = session_of(pilot)
        assert screen.engine.state is State.PAUSED and screen.has_class("-paused")
        # Where it was: 2 s into the prepare's 8 s, paused at the next second's tick.
        assert countdown(pilot) == "0:05"
        notes = [str(note.message) for note in app._notifications]
        assert notes == ["Paused: the program was stopped for 29 s."]
        await pilot.press("space")
        await advance(pilot, clock, 1)
        assert screen.engine.state is State.RUNNING and countdown(pilot) == "0:04"


async def test_skip_back_restart_and_next_exercise_keys(user_config: Path) -> None:
    async with running(user_config) as (pilot, clock):
        engine = session_of(pilot).engine
        await pilot.press("n")
        await settle(pilot)
        assert engine.session.index == 1 and text(pilot, "#counters") == "round 1 of 3"
        await pilot.press("right")
        await settle(pilot)
        assert engine.session.index == 2
        await pilot.press("p")  # early in the step: previous step
        await settle(pilot)
        assert engine.session.index == 1
        await advance(pilot, clock, 5)
        await pilot.press("left")  # more than 3 s in: restart the step
        await settle(pilot)
        assert engine.session.index == 1 and countdown(pilot) == "0:10"
        await advance(pilot, clock, 4)
        await pilot.press("r")
        await settle(pilot)
        assert countdown(pilot) == "0:10"
        await pilot.press("N")
        await settle(pilot)
        assert text(pilot, "#exercise-name") == "Shoulder Roll"
        assert text(pilot, "#phase") == "WARM-UP  2 of 6"


async def test_mute_help_and_quit_confirm(user_config: Path) -> None:
    async with running(user_config) as (pilot, _clock):
        app = pilot.app
        assert isinstance(app, StretchTimerApp) and app.player is not None
        await asyncio.to_thread(app.player.ready.wait, 5)
        await settle(pilot)
        assert text(pilot, "#sound-status") == app.player.status != "sound: starting"
        await pilot.press("m")
        await settle(pilot)
        assert text(pilot, "#sound-status") == "sound: muted"
        assert app.player.muted
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        await pilot.press("s")
        await settle(pilot)
        assert isinstance(app.screen, SafetyScreen)
        await pilot.press("escape", "escape")
        await settle(pilot)
        engine = session_of(pilot).engine
        await pilot.press("q")
        await settle(pilot)
        assert isinstance(app.screen, QuitScreen)
        assert engine.state is State.PAUSED  # the timer waits while you decide
        await pilot.press("n")
        await settle(pilot)
        assert engine.state is State.RUNNING
        await pilot.press("q", "y")
        await settle(pilot)
        assert engine.state is State.STOPPED
        assert isinstance(app.screen, SummaryScreen)
        assert "Session stopped" in text(pilot, "#summary-title")
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)


async def test_a_whole_session_ends_on_the_summary(user_config: Path) -> None:
    async with running(user_config, speed=100) as (pilot, clock):
        app = pilot.app
        await advance(pilot, clock, 4)  # 400 s of plan: past the 301 s routine
        assert isinstance(app.screen, SummaryScreen)
        summary = text(pilot, "#summary-text")
        assert "Exercises done     6 of 6" in summary
        assert "Well done" in text(pilot, "#summary-title")


async def test_ctrl_c_stops_the_session_and_exits(user_config: Path) -> None:
    seen_safety(user_config)
    app = StretchTimerApp(routine_id="desk-break", clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        engine = session_of(pilot).engine
        await pilot.press("ctrl+c")
        await settle(pilot)
        assert engine.state is State.STOPPED
    assert app.return_code == 0


async def test_the_countdown_grows_with_the_terminal(user_config: Path) -> None:
    async with running(user_config, "lower-back", size=(60, 20)) as (pilot, clock):
        screen = session_of(pilot)
        assert screen.has_class("-narrow") and screen.has_class("-short")
        big = screen.query_one(BigCountdown)

        def number_rows() -> int:
            return big.region.height - 2  # under the phase's name, over the tempo bar

        assert number_rows() == 3
        rows = {}
        for size in [(40, 12), (120, 40), (80, 24), (200, 60)]:
            await pilot.resize_terminal(*size)
            await advance(pilot, clock, 1)
            rows[size] = number_rows()
            assert big.region.right <= size[0]
        assert countdown(pilot) == "0:06"
        assert rows[(120, 40)] >= 7 and rows[(80, 24)] >= 3 and rows[(40, 12)] == 3
        assert rows[(200, 60)] >= rows[(120, 40)]


def test_changed_cells_are_found_in_each_run_of_a_line() -> None:
    before = [("0:25",), ("exercise", " ", "━━──", "  ", "0:09 / 1:08"), ("same",)]
    after = [("0:24",), ("exercise", " ", "━━━─", "  ", "0:10 / 1:08"), ("same",)]
    assert changed_cells(before, after) == [
        Region(3, 0, 1, 1),  # the last digit
        Region(11, 1, 1, 1),  # a cell of the bar
        Region(17, 1, 2, 1),  # two digits of the time, not the bar and blanks before
    ]
    # a run that grows moves what follows it: the region goes on to the end of the line
    assert changed_cells([("ab", "cd")], [("abc", "cd")]) == [Region(2, 0, 3, 1)]


def drawn(widget: Widget) -> list[str]:
    """The widget's lines as the screen gets them (from what it drew before where nothing
    changed since)."""
    return [strip.text for strip in widget.render_lines(Region(0, 0, *widget.size))]


async def test_each_second_redraws_only_the_cells_that_change_and_draws_them_right(
    user_config: Path,
) -> None:
    """From 0:25 to 0:24 the countdown redraws the last digit, not the number, and the bars
    their times and a cell of a bar now and then: the screen is repainted and sent only
    there. What they draw that way is what a whole redraw draws, second after second, through
    a get-ready, holds and reps (the tempo bar)."""
    async with running(user_config, size=(120, 40)) as (pilot, clock):
        screen = session_of(pilot)
        redrawn: dict[str, list[tuple[Region, ...]]] = {"countdown": [], "bars": []}
        for name, widget in (
            ("countdown", screen.query_one(BigCountdown)),
            ("bars", screen.query_one(TimeBars)),
        ):
            refresh = widget.refresh

            def spy(
                *regions: Region, _name: str = name, _refresh: Any = refresh, **kwargs: Any
            ) -> Any:
                redrawn[_name].append(regions)
                return _refresh(*regions, **kwargs)

            widget.refresh = spy  # type: ignore[method-assign]
        big, bars = screen.query_one(BigCountdown), screen.query_one(TimeBars)
        for second in range(80):  # Neck Roll's get-ready and holds, into Shoulder Roll's reps
            clock.advance(1)
            await settle(pilot)
            for widget in (big, bars):
                by_parts = drawn(widget)
                widget.refresh()
                assert by_parts == drawn(widget), (second, widget)
        assert big.value.endswith(" / 5")  # reps
        for name, widget in (("countdown", big), ("bars", bars)):
            cells = [sum(r.area for r in regions) for regions in redrawn[name] if regions]
            assert cells, name
            assert max(cells) < widget.size.area / 2, (
                name,
                redrawn[name][:12],
            )  # never half of it in a second


async def test_the_headline_keeps_two_lines_and_grows_when_it_needs_more(
    user_config: Path,
) -> None:
    async with running(user_config, size=(44, 24)) as (pilot, _):
        screen = session_of(pilot)
        headline = screen.query_one("#headline", Label)
        counters = screen.query_one("#counters", Label)

        async def lines_after_skip() -> int:
            await pilot.press("n")
            await settle(pilot)
            assert counters.region.y == headline.region.y + headline.region.height
            return headline.region.height

        assert headline.region.height == 2  # "Get ready"
        assert await lines_after_skip() == 3  # "Roll your head slowly from your right ..."
        assert await lines_after_skip() == 2  # "Now the other way, from your left shoulder"
        assert await lines_after_skip() == 3


async def test_within_an_exercise_the_screen_is_never_laid_out_again(
    user_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new layout reflows and repaints every widget: the seconds, a new step of the same
    exercise (a headline of one line or two) and the end of the question about the back only
    redraw what changed."""
    layouts: list[float] = []
    lay_out = SessionScreen._refresh_layout

    def counted(screen: SessionScreen, *args: object, **kwargs: object) -> None:
        layouts.append(screen.engine.session.position(screen.engine.clock.now()))
        lay_out(screen, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(SessionScreen, "_refresh_layout", counted)
    async with running(user_config) as (pilot, clock):
        screen = session_of(pilot)
        await advance(pilot, clock, 2)
        assert str(screen.query_one("#feeling", Label).content).startswith("Back stiff")
        layouts.clear()
        await advance(pilot, clock, 60)  # the get-ready's end, then Neck Roll's six steps
        assert text(pilot, "#headline") == "Now the other way, from your left shoulder"
        assert not str(screen.query_one("#feeling", Label).content)
        assert layouts == []


async def test_the_collector_paused_for_the_start_up_is_back_after_the_first_frame() -> None:
    gc.disable()  # as the CLI does before it imports the app
    frozen_before = gc.get_freeze_count()
    try:
        async with StretchTimerApp().run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            assert gc.isenabled()
            assert gc.get_freeze_count() > frozen_before  # start-up's objects are not walked
    finally:
        gc.unfreeze()
        gc.enable()


async def test_session_keys_are_in_the_command_palette(user_config: Path) -> None:
    seen_safety(user_config)
    app = StretchTimerApp(routine_id="desk-break", clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        screen = session_of(pilot)
        commands = {command.title: command for command in app.get_system_commands(screen)}
        expected = {"Pause", "Skip", "Next exercise", "Back", "Restart", "Help", "Mute"}
        assert expected <= set(commands)
        commands["Pause"].callback()
        await settle(pilot)
        assert screen.engine.state is State.PAUSED


async def test_what_the_modules_log_goes_to_textuals_log() -> None:
    import logging

    from textual.logging import TextualHandler

    logger = logging.getLogger("stretchtimer")
    app = StretchTimerApp(routine_id="desk-break", mute=True, clock=ManualClock())
    async with app.run_test(size=(80, 24)):
        assert any(isinstance(handler, TextualHandler) for handler in logger.handlers)
    assert not any(isinstance(handler, TextualHandler) for handler in logger.handlers)


async def test_the_routines_come_before_the_history_and_then_the_sound_starts() -> None:
    """The list is what a person acts on: it does not wait for the history, the filters or
    the sound thread's probe of the devices, which all come after it."""
    shown: list[str] = []
    app = StretchTimerApp()

    def read_history_slowly(this: object = None) -> tuple[list[object], object]:
        shown.append(f"history read while the list showed {listed()} routines")
        raise RuntimeError("no history here")  # the worker fails; the list must not care

    def listed() -> int:
        options = app.screen.query_one("#routines", OptionList)
        return sum(1 for i in range(options.option_count) if options.get_option_at_index(i).id)

    app.read_history = read_history_slowly  # type: ignore[method-assign, assignment]
    async with app.run_test(size=(80, 24)) as pilot:
        assert app.player is None or not app.player.started  # made and started after the list
        await settle(pilot)
        await settle(pilot)
        assert listed() == 6
        assert shown == ["history read while the list showed 6 routines"]
        assert app.screen.query("#area") and app.screen.query("#equipment")
        assert app.player is not None and app.player.started


async def test_the_sound_status_is_on_the_session_screen_from_its_first_frame(
    user_config: Path,
) -> None:
    seen_safety(user_config)
    app = StretchTimerApp(routine_id="desk-break", mute=True, clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert text(pilot, "#sound-status") == "sound: muted"


async def test_the_key_bar_fits_the_width_and_its_keys_can_be_clicked(user_config: Path) -> None:
    from stretchtimer.tui.widgets.key_bar import KeyBar

    async with running(user_config, size=(100, 24)) as (pilot, _):
        bar = pilot.app.screen.query_one(KeyBar)
        assert "q Quit" in str(bar.render()) and "^p Commands" in str(bar.render())
        await pilot.resize_terminal(80, 24)
        await settle(pilot)
        line = str(bar.render())
        assert "q Quit" in line and "Commands" not in line  # the palette's key goes first
        assert len(line) <= bar.size.width
        assert session_of(pilot).engine.state == State.RUNNING
        await pilot.click(KeyBar, offset=(line.index("Pause") - 2, 0))  # on "space Pause"
        await settle(pilot)
        assert session_of(pilot).engine.state == State.PAUSED


async def test_the_whole_safety_note_can_be_read_at_80x24() -> None:
    """The note with its red flags and urgent signs is taller than a small terminal: it
    scrolls, and the line that says how to go on always shows."""

    def on_screen(app: StretchTimerApp) -> str:
        return app.export_screenshot().replace("&#160;", " ")

    app = StretchTimerApp(routine_id="desk-break", clock=ManualClock(), mute=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, SafetyScreen)
        first = on_screen(app)
        assert "Enter: go on" in first and "Move slowly" in first
        assert "not medical advice" not in first  # too tall for 24 lines...
        await pilot.press("end")
        await settle(pilot)
        last = on_screen(app)
        assert "not medical advice" in last and "Enter: go on" in last  # ...so it scrolls


async def test_help_pauses_the_session_and_resumes_it_if_it_was_running(
    user_config: Path,
) -> None:
    async with running(user_config) as (pilot, clock):
        engine = session_of(pilot).engine
        await advance(pilot, clock, 2)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(pilot.app.screen, HelpScreen)
        assert engine.state is State.PAUSED  # reading the keys costs no session time
        await advance(pilot, clock, 30)
        await pilot.press("escape")
        await settle(pilot)
        assert engine.state is State.RUNNING
        assert countdown(pilot) == "0:06"  # where it was: 2 s into the 8 s get-ready
        # paused before: still paused after
        await pilot.press("space")
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert engine.state is State.PAUSED


@pytest.mark.parametrize("size", [(80, 24), (60, 20)])
async def test_every_line_of_every_built_in_exercise_can_be_read(
    user_config: Path, size: tuple[int, int]
) -> None:
    """Steps, cues and safety lines: all on screen, or a 'more' line and a key to scroll to
    the rest; never cut off unseen. The keys for help and quit stay on the key bar."""
    from textual.containers import VerticalScroll

    from stretchtimer.library.loader import load_catalog
    from stretchtimer.session.words import instructions
    from stretchtimer.tui.screens.session_screen import MORE_ABOVE, MORE_BELOW
    from stretchtimer.tui.widgets.key_bar import KeyBar

    catalog = load_catalog()
    async with running(user_config, "full-back-session", size=size) as (pilot, _clock):
        screen = session_of(pilot)
        box = screen.query_one("#instructions-box", VerticalScroll)
        more = screen.query_one("#more", Label)
        bar = str(screen.query_one(KeyBar).render())
        assert "? Help" in bar and bar.rstrip().endswith("q Quit")
        scrolled = 0
        for exercise_id in sorted(catalog.exercises):
            exercise = catalog.exercise(exercise_id)
            screen.show_exercise(exercise, 0)
            screen.show_instructions(exercise, None)
            await settle(pilot)
            assert text(pilot, "#instructions") == "\n".join(instructions(exercise))
            assert box.max_scroll_x == 0, exercise_id  # lines wrap, never run off the side
            assert box.size.height >= 3, exercise_id
            if box.max_scroll_y == 0:
                assert not str(more.content)  # its line is blank
                continue
            assert more.display and str(more.content) == MORE_BELOW, exercise_id
            for _ in range(box.max_scroll_y):
                if box.scroll_y >= box.max_scroll_y:
                    break
                await pilot.press("down")  # handled by the time it returns: no animation
            await settle(pilot)
            assert box.scroll_y == box.max_scroll_y, exercise_id  # the last line in sight
            assert str(more.content) == MORE_ABOVE
            await pilot.press("up")
            await settle(pilot)
            assert str(more.content) == MORE_BELOW
            scrolled += 1
        assert scrolled >= 4  # the way to the rest was tried, on the longest ones at least


async def test_the_phase_is_in_words_and_colour_and_no_color_is_honoured(
    user_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with running(user_config, "lower-back") as (pilot, clock):
        big = session_of(pilot).query_one(BigCountdown)
        assert big.rendered_text().startswith("GET READY") and big.has_class("-ready")
        await advance(pilot, clock, 10)
        assert big.rendered_text().startswith("WORK") and big.has_class("-work")
        assert big.styles.color != session_of(pilot).styles.color
        await advance(pilot, clock, 50)  # after the cat-cow: the rest
        assert big.rendered_text().startswith("REST") and big.has_class("-rest")
    monkeypatch.setenv("NO_COLOR", "1")
    async with running(user_config, "lower-back") as (pilot, _clock):
        assert pilot.app.no_color  # Textual draws in monochrome; the words still say it
        assert session_of(pilot).query_one(BigCountdown).rendered_text().startswith("GET READY")


async def test_during_reps_the_big_number_is_the_rep_with_its_tempo(user_config: Path) -> None:
    async with running(user_config, "full-back-session") as (pilot, clock):
        screen = session_of(pilot)
        await pilot.press(*"N" * 8)  # to the band row's last 3 s of get-ready (3 s a rep)
        await settle(pilot)
        await advance(pilot, clock, 3)
        big = screen.query_one(BigCountdown)

        def tempo_bar() -> str:
            return big.rendered_text().splitlines()[-1]

        assert countdown(pilot) == "1 / 10" and big.tempo == 0
        assert set(tempo_bar()) == {"\N{BOX DRAWINGS LIGHT HORIZONTAL}"}
        await advance(pilot, clock, 1)
        assert countdown(pilot) == "1 / 10" and big.tempo == pytest.approx(1 / 3)
        assert tempo_bar().startswith("\N{BOX DRAWINGS HEAVY HORIZONTAL}")
        await advance(pilot, clock, 2)
        assert countdown(pilot) == "2 / 10"


async def test_the_pickers_times_are_the_sessions_with_your_get_ready_and_rest(
    user_config: Path,
) -> None:
    from stretchtimer.format import clock
    from stretchtimer.settings import Settings

    seen_safety(user_config)
    app = StretchTimerApp(settings=Settings(prepare=3, rest=0), clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        options = app.screen.query_one("#routines", OptionList)
        listed = str(options.get_option_at_index(0).prompt)
        details = text(pilot, "#routine-details")
        assert listed.startswith("Desk Break") and not listed.endswith("5:26")  # as planned
        await pilot.press("enter")
        await settle(pilot)
        total = clock(session_of(pilot).timeline.total)
        assert listed.endswith(f" {total}")
        assert details.startswith(f"Desk Break - {total}")


async def test_after_run_routine_the_list_highlights_that_routine(user_config: Path) -> None:
    """`stretchtimer run lower-back`, stopped: the list that follows had the routine chosen in
    it last highlighted, not the one just run."""
    from stretchtimer.memory import read_memory, write_memory

    write_memory(replace(read_memory(), routine="full-back-session"))
    async with running(user_config, routine="lower-back") as (pilot, _):
        await pilot.press("q", "y")
        await settle(pilot)
        assert isinstance(pilot.app.screen, SummaryScreen)
        await pilot.press("enter")
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, PickerScreen)
        option = screen.query_one("#routines", OptionList).highlighted_option
        assert option is not None and option.id == "lower-back"


async def test_at_60_columns_the_plan_keeps_half_the_width() -> None:
    """The list kept its 36 columns at 60x20, and the plan beside it had 20: three words a
    line."""
    app = StretchTimerApp()
    async with app.run_test(size=(60, 20)) as pilot:
        await settle(pilot)
        left = app.screen.query_one("#picker-left").region
        right = app.screen.query_one("#picker-right").region
        assert left.width <= 30 and right.width >= 28, (left, right)
    async with StretchTimerApp().run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert pilot.app.screen.query_one("#picker-left").region.width == 36
