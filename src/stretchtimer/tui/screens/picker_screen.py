"""Choose a routine: the list with times, filters for body area and equipment, and a preview."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Label, OptionList, Select, SelectionList, Static
from textual.widgets.option_list import Option

from stretchtimer.format import clock, count
from stretchtimer.library.terms import AREAS, EQUIPMENT
from stretchtimer.tui.messages import RoutinesShown, StartRoutine
from stretchtimer.tui.text import shown
from stretchtimer.tui.widgets.key_bar import KeyBar

# The models (18 ms to import), the plan and the history screen load with the catalog, off
# the first frame (`python -X importtime`); this module itself takes 6 ms.
if TYPE_CHECKING:
    from stretchtimer.history.records import SessionRecord
    from stretchtimer.history.stats import Stats
    from stretchtimer.library.catalog import Catalog
    from stretchtimer.library.models import Routine
    from stretchtimer.session.plan import Timeline
    from stretchtimer.settings import Settings

log = logging.getLogger(__name__)

ANY = "any"
MARK = "*"  # beside the routine for the area worked least lately


def routine_fits(routine: Routine, timeline: Timeline, area: str, at_hand: set[str]) -> bool:
    """Whether a routine targets `area` and needs nothing beyond what is at hand."""
    from stretchtimer.library.models import equipment_needed

    if area != ANY and area not in routine.focus:
        return False
    for need in equipment_needed(list(timeline.exercises)):
        if need != "none" and not at_hand.intersection(need.split("/")):
            return False
    return True


def routine_for_area(timelines: Iterable[Timeline], area: str) -> str | None:
    """The routine that gives `area` the largest share of its time (the shorter on a tie)."""
    best: tuple[tuple[float, float], str] | None = None
    for timeline in timelines:
        if area not in timeline.routine.focus or timeline.total <= 0:
            continue
        on_area = sum(
            timeline.exercise_seconds(position)
            for position, exercise in enumerate(timeline.exercises)
            if area in exercise.good_for
        )
        key = (on_area / timeline.total, -timeline.total)
        if best is None or key > best[0]:
            best = (key, timeline.routine.id)
    return best[1] if best else None


class PickerScreen(Screen[None]):
    """The first screen: pick a routine and press Enter."""

    HELP_KEYS = (
        ("\N{UPWARDS ARROW} \N{DOWNWARDS ARROW}", "choose a routine; its plan shows on the right"),
        ("Enter", "start it"),
        ("tab", "to the filters below the list: body area, and the equipment you have"),
        ("h", "your history: weeks, streak, body areas, how your back felt"),
        ("?", "these keys"),
        ("ctrl+p", "every command"),
        ("q", "quit"),
    )
    BINDINGS = [
        Binding("enter", "start", "Start", priority=False),
        Binding("h", "history", "History"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(
        self,
        load_catalog: Callable[[], Catalog],
        read_history: Callable[[], tuple[list[SessionRecord], Stats]],
        settings: Settings,
    ) -> None:
        """`load_catalog` and `read_history` are called in a thread (they read the disk);
        `settings` give the get-ready and rest the times are planned with."""
        super().__init__()
        self.load_catalog = load_catalog
        self.read_history = read_history
        self.settings = settings
        self.timelines: dict[str, Timeline] = {}
        self.loaded_once = False
        self.neglected: str | None = None  # the area worked least lately, once there is history
        self.marked: str | None = None  # the routine that covers it
        self.held: list[events.Key] | None = []  # keys pressed before the routines are listed

    def compose(self) -> ComposeResult:
        with Horizontal(id="picker-top"):
            yield Label("stretchtimer - choose a routine", id="picker-title")
            yield Label("", id="picker-progress")
        with Horizontal(id="picker"):
            with Vertical(id="picker-left"):
                yield Label("Routines", classes="filter-label")
                yield OptionList(Option("Loading routines...", disabled=True), id="routines")
            with VerticalScroll(id="picker-right"):
                yield Static("", id="routine-details", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#routines", OptionList).focus()
        # A thread started now would hold the GIL while the first frame is being drawn.
        self.call_after_refresh(self.load)

    def on_key(self, event: events.Key) -> None:
        """A key pressed while the routines load (the first half second or so) waits for
        them: a quick Down, Enter must not fall on an empty list."""
        if self.held is not None:
            event.stop()
            event.prevent_default()
            # sent again as the terminal's keys are: from the app, so they reach its bindings
            self.held.append(events.Key(event.key, event.character).set_sender(self.app))

    def press_held_keys(self) -> None:
        held, self.held = self.held or [], None
        for key in held:
            self.app.post_message(key)

    @work(thread=True, exclusive=True, name="load")
    def load(self) -> None:
        """Load and plan every routine off the first frame, then fill the list."""
        from stretchtimer.session.plan import session_timeline

        catalog = self.load_catalog()
        timelines = {
            routine_id: session_timeline(
                routine := catalog.routine(routine_id),
                catalog.routine_exercises(routine),
                self.settings,
            )
            for routine_id in sorted(catalog.routines)
        }
        self.app.call_from_thread(self.loaded, catalog, timelines)
        # The list does not wait for the history: only the header line and the mark do.
        self.show_week_progress()

    def show_week_progress(self) -> None:
        """The history's header line and mark (in a thread); the list works without them."""
        try:
            progress = self.week_progress()
        except Exception:
            log.exception("cannot read the history for the list of routines")
            return
        self.app.call_from_thread(self.history_loaded, *progress)

    def week_progress(self) -> tuple[str, str | None]:
        """The header's week line and the area worked least; nothing before the first session."""
        _, stats = self.read_history()
        if not stats.logged:
            return "", None
        week = stats.this_week
        streak = count(stats.streak, "week")
        return f"This week: {week.sessions} of {stats.goal}, streak {streak}", stats.neglected

    @work(thread=True, exclusive=True, name="history")
    def reload_history(self) -> None:
        self.show_week_progress()

    def on_screen_resume(self) -> None:
        if self.loaded_once:  # back from a session or the history: it may have changed
            self.reload_history()

    def loaded(self, catalog: Catalog, timelines: dict[str, Timeline]) -> None:
        first = not self.loaded_once
        self.timelines = timelines
        self.loaded_once = True
        for problem in catalog.problems:
            notice = problem.notice()  # escaped by Problem; as text, not markup
            notice = notice[:1].upper() + notice[1:]
            self.notify(notice, severity="warning", timeout=10, markup=False)
        self.refresh_list()
        if first:
            # The filters come once the routines they filter are on screen: mounting them takes
            # longer than the list (about 50 ms), and until then they would filter nothing.
            self.call_after_refresh(self.show_filters)
        self.call_after_refresh(self.press_held_keys)

    def show_filters(self) -> None:
        self.query_one("#picker-left").mount_all(filters())
        self.post_message(RoutinesShown())

    def history_loaded(self, progress: str, neglected: str | None) -> None:
        self.query_one("#picker-progress", Label).update(progress)
        marked = routine_for_area(self.timelines.values(), neglected) if neglected else None
        if (neglected, marked) != (self.neglected, self.marked):
            self.neglected, self.marked = neglected, marked
            self.refresh_list()

    # --- filters ----------------------------------------------------------------------------

    @on(Select.Changed, "#area")
    @on(SelectionList.SelectedChanged, "#equipment")
    def refresh_list(self) -> None:
        if not self.loaded_once:
            return
        area, at_hand = self.filter_values()
        options = self.query_one("#routines", OptionList)
        highlighted = options.highlighted_option.id if options.highlighted_option else None
        options.clear_options()
        fitting = [
            timeline
            for timeline in self.timelines.values()
            if routine_fits(timeline.routine, timeline, area, at_hand)
        ]
        if not fitting:
            options.add_option(Option("No routine fits these filters", disabled=True))
            self.query_one("#routine-details", Static).update("")
            return
        # One line a routine, its time in a column: a name too long for the list is cut.
        room = options.scrollable_content_region.width - len(f"  00:00 {MARK}")
        width = max(len(t.routine.name) for t in fitting)
        if room > 0:
            width = min(width, room)
        options.add_options(
            Option(
                shown(
                    f"{cut(t.routine.name, width).ljust(width)}  {clock(t.total):>5}"
                    + (f" {MARK}" if t.routine.id == self.marked else "")
                ),
                id=t.routine.id,
            )
            for t in fitting
        )
        ids = [t.routine.id for t in fitting]
        options.highlighted = ids.index(highlighted) if highlighted in ids else 0
        self.show_highlighted()

    def filter_values(self) -> tuple[str, set[str]]:
        """The chosen body area and the equipment at hand (any, and all, until shown)."""
        areas = self.query("#area").results(Select)
        equipment = self.query("#equipment").results(SelectionList)
        area = next((select.value for select in areas), ANY)
        at_hand: set[str] = next((set(choice.selected) for choice in equipment), set(EQUIPMENT))
        return (area if isinstance(area, str) else ANY), at_hand

    @on(OptionList.OptionHighlighted, "#routines")
    def show_highlighted(self) -> None:
        options = self.query_one("#routines", OptionList)
        option = options.highlighted_option
        timeline = self.timelines.get(option.id or "") if option else None
        if timeline is not None:
            text = describe(timeline)
            if timeline.routine.id == self.marked and self.neglected:
                area = self.neglected.replace("-", " ")
                text = f"{MARK} For your {area}: the area you worked least these 4 weeks.\n\n{text}"
            self.query_one("#routine-details", Static).update(shown(text))

    @on(OptionList.OptionSelected, "#routines")
    def start_selected(self, event: OptionList.OptionSelected) -> None:
        if event.option.id:
            self.post_message(StartRoutine(event.option.id))

    @work(thread=True, exclusive=True, name="history-screen")
    def action_history(self) -> None:
        """Read the history off the event loop (years of sessions take tens of ms), then show it."""
        sessions, stats = self.read_history()
        self.app.call_from_thread(self.show_history, sessions, stats)

    def show_history(self, sessions: list[SessionRecord], stats: Stats) -> None:
        from stretchtimer.tui.screens.history_screen import HistoryScreen

        self.app.push_screen(HistoryScreen(stats, sessions))

    def action_start(self) -> None:
        options = self.query_one("#routines", OptionList)
        if options.highlighted_option is not None and options.highlighted_option.id:
            self.post_message(StartRoutine(options.highlighted_option.id))


def cut(text: str, width: int) -> str:
    """`text` in at most `width` characters, an ellipsis where it was cut."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def filters() -> list[Widget]:
    """The body-area and equipment filters, below the routine list."""
    return [
        Label("Body area", classes="filter-label"),
        Select([(area.replace("-", " "), area) for area in AREAS], prompt="any area", id="area"),
        Label("Equipment at hand", classes="filter-label"),
        SelectionList[str](
            *[(item.replace("-", " "), item, True) for item in EQUIPMENT if item != "none"],
            id="equipment",
        ),
    ]


def describe(timeline: Timeline) -> str:
    """The preview of a routine: purpose, focus, equipment, and every exercise with its dose."""
    from stretchtimer.library.models import equipment_needed

    routine = timeline.routine
    lines = [
        f"{routine.name} - {clock(timeline.total)}",
        routine.purpose,
        "",
        f"Focus: {', '.join(routine.focus).replace('-', ' ')}",
        f"Equipment: {', '.join(equipment_needed(list(timeline.exercises)))}",
        "",
    ]
    for position, exercise in enumerate(timeline.exercises):
        seconds = clock(timeline.exercise_seconds(position))
        lines.append(f"{position + 1:>2}. {exercise.name} - {exercise.dose.describe()} ({seconds})")
    lines += ["", "Enter to start"]
    return "\n".join(lines)
