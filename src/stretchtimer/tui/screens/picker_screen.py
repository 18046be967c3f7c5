"""Choose a routine: the list with times, filters for body area and equipment, and a preview;
each routine at the level chosen for it. What was chosen is remembered (tui/memory.py)."""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Label, OptionList, Static
from textual.widgets.option_list import Option

from stretchtimer.format import clock, count
from stretchtimer.library.terms import AREAS, EQUIPMENT, LEVELS, STANDARD, in_words
from stretchtimer.memory import PickerMemory, write_memory
from stretchtimer.session.keys import BUILD_KEY, LEVEL_KEY
from stretchtimer.tui.messages import FirstFrameShown, OpenBuilder, RoutinesShown, StartRoutine
from stretchtimer.tui.routine_cards import ANY, RoutineCard, best_for_area, card_of, fits
from stretchtimer.tui.text import Listed, shown
from stretchtimer.tui.threads import call_on_loop
from stretchtimer.tui.widgets.key_bar import KeyBar
from stretchtimer.tui.widgets.plan_preview import PlanPreview

# The history screen loads when it is opened, off the first frame (`python -X importtime`);
# this module itself takes 6 ms.
if TYPE_CHECKING:
    from stretchtimer.history.records import SessionRecord
    from stretchtimer.history.resume import Unfinished
    from stretchtimer.history.stats import Stats
    from stretchtimer.library.catalog import Problem
    from stretchtimer.session.plan import Timeline

log = logging.getLogger(__name__)

MARK = "*"  # beside the routine for the area worked least lately
RESUME = "resume"  # the id of the option that goes on with a session cut short
Listing = tuple[list[RoutineCard], list["Problem"]]
"""Every routine's card at each level, and the problems of the files the catalog could not
take."""


@dataclass(frozen=True)
class ResumeOffer:
    """A session cut short, offered above the routines."""

    unfinished: Unfinished
    line: str  # 'Resume Lower Back from Superman (ended 12 min ago)'
    preview: str  # what was done, where it goes on, and the routine


def resume_offer(unfinished: Unfinished, timeline: Timeline, now: datetime) -> ResumeOffer:
    """The offer of `unfinished`, whose routine plans as `timeline` (it must fit it)."""
    done = unfinished.position - len(unfinished.skipped)
    line = unfinished.offer(timeline, now)
    card = card_of(timeline, {timeline.level: timeline.total})
    routine = card.preview.removesuffix("Enter to start")
    preview = (
        f"{line}.\n{count(done, 'exercise')} of {len(timeline.exercises)} done; it goes on from"
        f" exercise {unfinished.position + 1}, in the same session in your history.\n\n"
        f"{routine}Enter to resume"
    )
    return ResumeOffer(unfinished, line, preview)


class PickerScreen(Screen[None]):
    """The first screen: pick a routine and press Enter."""

    HELP_KEYS = (
        ("\N{UPWARDS ARROW} \N{DOWNWARDS ARROW}", "choose a routine; its plan shows on the right"),
        ("Enter", "start it"),
        (LEVEL_KEY.shown, LEVEL_KEY.help),
        (
            "tab",
            "to the filters below the list: body area, and the equipment you have; then the"
            " plan, when it is too long to see at once (the arrow keys scroll it)",
        ),
        ("h", "your history: weeks, streak, body areas, how your back felt"),
        (BUILD_KEY.shown, BUILD_KEY.help),
        ("?", "these keys"),
        ("ctrl+p", "every command"),
        ("q", "quit"),
    )
    BINDINGS = [
        Binding("enter", "start", "Start", priority=False),
        Binding(LEVEL_KEY.keys[0], LEVEL_KEY.action, LEVEL_KEY.label),
        Binding("h", "history", "History"),
        Binding(BUILD_KEY.keys[0], BUILD_KEY.action, BUILD_KEY.label),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(
        self,
        load_listing: Callable[[], Listing],
        read_history: Callable[[], tuple[list[SessionRecord], Stats]],
        cards: list[RoutineCard] | None = None,
        *,
        drawn: bool = True,
        memory: PickerMemory | None = None,
        read_offer: Callable[[], ResumeOffer | None] | None = None,
    ) -> None:
        """`load_listing`, `read_history` and `read_offer` (a session cut short, to resume)
        are called in a thread (they read the disk); `cards`, saved by the last start, are
        listed in the first frame until then. Unless the app's first frame is `drawn`, they
        wait for it (FirstFrameShown). `memory`: the filters, levels and routine chosen last
        time."""
        super().__init__()
        self.load_listing = load_listing
        self.read_history = read_history
        self.read_offer = read_offer
        self.offer: ResumeOffer | None = None  # above the routines, once read
        self.memory = memory or PickerMemory()
        self.all_cards = by_level(cards or ())
        self.listed = cards is not None  # the list shows the routines, not "Loading..."
        self.loaded_once = False
        self.filters_shown = False
        self.drawn = drawn
        self.begun = False
        self.neglected: str | None = None  # the area worked least lately, once there is history
        self.marked: str | None = None  # the routine that covers it
        # keys pressed before the routines are listed
        self.held: list[events.Key] | None = None if self.listed else []
        self.select_next: str | None = None  # the routine to highlight once the list is made

    def compose(self) -> ComposeResult:
        with Horizontal(id="picker-top"):
            yield Label("stretchtimer - choose a routine", id="picker-title")
            yield Label("", id="picker-progress")
        with Horizontal(id="picker"):
            with Vertical(id="picker-left"):
                yield Label("Routines", classes="filter-label")
                if self.listed:
                    yield OptionList(*self.options(*self.filter_values()), id="routines")
                else:
                    yield OptionList(Option("Loading routines...", disabled=True), id="routines")
            with PlanPreview(id="picker-right"):
                yield Static("", id="routine-details", markup=False)
        yield KeyBar()

    @property
    def cards(self) -> dict[str, RoutineCard]:
        """Each routine's card at the level chosen for it."""
        return {
            routine_id: levels.get(self.memory.level_of(routine_id)) or levels[STANDARD]
            for routine_id, levels in self.all_cards.items()
        }

    def on_mount(self) -> None:
        options = self.query_one("#routines", OptionList)
        options.focus()
        if self.listed:
            self.highlight(self.memory.routine)
        if self.drawn:
            self.call_after_refresh(self.begin)

    @on(FirstFrameShown)
    def begin(self) -> None:
        """What waits for the first frame: the catalog (a thread started sooner would hold the
        GIL while it is drawn) and, for routines listed from saved cards, the filters and
        names cut to fit."""
        if self.begun:
            return
        self.begun = True
        if self.listed:
            longest = max((len(card.name) for card in self.cards.values()), default=0)
            if self.name_room() < longest:
                self.refresh_list()
            self.show_filters()
        self.load()

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

    @work(thread=True, exclusive=True, name="load", group="load")
    def load(self) -> None:
        """Load and plan every routine off the first frame, then fill the list (again after the
        builder saved one). Its own group: the history's reload as the screen comes back must
        not cancel it."""
        cards, problems = self.load_listing()
        call_on_loop(self, self.loaded, cards, problems)
        # The list does not wait for the history: only the header line and the mark do.
        self.show_week_progress()

    def show_week_progress(self) -> None:
        """The history's header line and mark (in a thread); the list works without them."""
        try:
            progress = self.week_progress()
        except Exception:
            log.exception("cannot read the history for the list of routines")
            return
        call_on_loop(self, self.history_loaded, *progress)

    def week_progress(self) -> tuple[str, str | None]:
        """The header's week line and the area worked least; nothing before the first session."""
        _, stats = self.read_history()
        offer = self.read_offer() if self.read_offer is not None else None
        call_on_loop(self, self.offer_resume, offer)
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

    def loaded(self, cards: list[RoutineCard], problems: list[Problem]) -> None:
        self.loaded_once = True
        for problem in problems:
            notice = problem.notice()  # escaped by Problem; as text, not markup
            notice = notice[:1].upper() + notice[1:]
            self.notify(notice, severity="warning", timeout=10, markup=False)
        fresh = by_level(cards)
        if not self.listed or fresh != self.all_cards:
            self.all_cards, self.listed = fresh, True
            self.refresh_list()
        # The filters come once the routines they filter are on screen: mounting them takes
        # longer than the list (about 50 ms), and until then they would filter nothing.
        self.call_after_refresh(self.show_filters)
        self.call_after_refresh(self.press_held_keys)

    def show_filters(self) -> None:
        if not self.filters_shown:
            self.filters_shown = True
            self.query_one("#picker-left").mount_all(filters(self.memory))
            self.post_message(RoutinesShown())

    def history_loaded(self, progress: str, neglected: str | None) -> None:
        self.query_one("#picker-progress", Label).update(progress)
        marked = best_for_area(self.cards.values(), neglected) if neglected else None
        if (neglected, marked) != (self.neglected, self.marked):
            self.neglected, self.marked = neglected, marked
            self.refresh_list()

    def offer_resume(self, offer: ResumeOffer | None) -> None:
        if offer != self.offer:
            self.offer = offer
            self.refresh_list()

    # --- filters ----------------------------------------------------------------------------

    def on_select_changed(self) -> None:  # the body area
        self.filters_changed()

    def on_selection_list_selected_changed(self) -> None:  # the equipment
        self.filters_changed()

    def filters_changed(self) -> None:
        area, at_hand = self.filter_values()
        missing = tuple(item for item in EQUIPMENT if item not in at_hand and item != "none")
        self.remember(replace(self.memory, area=area, not_at_hand=missing))
        self.refresh_list()

    def refresh_list(self) -> None:
        if not self.listed:
            return
        options = self.query_one("#routines", OptionList)
        option = options.highlighted_option
        highlighted = option.id if option is not None else self.memory.routine
        options.clear_options()
        rows = self.options(*self.filter_values(), room=self.name_room())
        listed: list[Option | None] = list(rows)
        if not rows:
            listed.append(Option("No routine fits these filters", disabled=True))
        if self.offer is not None:  # above the routines whatever the filters, a line between
            wide = options.scrollable_content_region.width
            lines = textwrap.wrap(self.offer.line, wide) if wide > 0 else [self.offer.line]
            rows.insert(0, Option(shown("\n".join(lines)), id=RESUME))
            listed[:0] = [rows[0], None]
        options.add_options(listed)
        # Just saved by the builder: kept until the routines read again have it (the list may
        # be refreshed before that, by a new offer to resume).
        saved = self.select_next if self.select_next in self.cards else None
        if saved is not None:
            self.select_next = None
        if saved is not None and saved not in {o.id for o in rows}:
            name = self.cards[saved].name
            self.notify(
                shown(
                    f"{name} is not in the list: the body area or equipment chosen below hide it"
                ).plain,
                markup=False,
                timeout=8,
            )
        if not rows:
            self.query_one("#routine-details", Static).update("")
            return
        self.highlight(saved or highlighted)

    def highlight(self, routine_id: str | None) -> None:
        """Highlight `routine_id` if it is listed, else the first routine, and show it."""
        options = self.query_one("#routines", OptionList)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index(routine_id) if routine_id in ids else 0
        self.show_highlighted()

    def options(self, area: str, at_hand: set[str], room: int = 0) -> list[Option]:
        """One line a fitting routine, its time in a column; a name longer than `room` (when
        known) is cut."""
        fitting = [card for card in self.cards.values() if fits(card, area, at_hand)]
        width = max((len(card.name) for card in fitting), default=0)
        if room > 0:
            width = min(width, room)
        return [
            Option(
                shown(
                    f"{cut(card.name, width).ljust(width)}  {clock(card.total):>5}"
                    + (f" {MARK}" if card.id == self.marked else "")
                ),
                id=card.id,
            )
            for card in fitting
        ]

    def name_room(self) -> int:
        """Columns for a routine's name in the list (0 or less before the first layout)."""
        options = self.query_one("#routines", OptionList)
        return options.scrollable_content_region.width - len(f"  00:00 {MARK}")

    def filter_values(self) -> tuple[str, set[str]]:
        """The chosen body area and the equipment at hand (as remembered, until shown)."""
        from textual.widgets import Select, SelectionList  # loaded with the filters

        areas = self.query("#area").results(Select)
        equipment = self.query("#equipment").results(SelectionList)
        area = next((select.value for select in areas), self.memory.area)
        at_hand: set[str] = next(
            (set(choice.selected) for choice in equipment),
            set[str](EQUIPMENT) - set(self.memory.not_at_hand),
        )
        return (area if isinstance(area, str) else ANY), at_hand

    def remember(self, memory: PickerMemory) -> None:
        """Keep what the picker remembers now, and save it (in a thread) if it changed."""
        if memory != self.memory:
            self.memory = memory
            self.save_memory()

    @work(thread=True, exclusive=True, name="memory", exit_on_error=False)
    def save_memory(self) -> None:
        write_memory(self.memory)

    def action_next_level(self) -> None:
        """The highlighted routine at the next level (easy, standard, full, then easy again):
        its time in the list and its plan follow, and it is remembered."""
        option = self.query_one("#routines", OptionList).highlighted_option
        card = self.cards.get(option.id or "") if option is not None else None
        if card is None:
            return
        level = LEVELS[(LEVELS.index(self.memory.level_of(card.id)) + 1) % len(LEVELS)]
        self.remember(self.memory.with_level(card.id, level))
        self.refresh_list()

    @on(OptionList.OptionHighlighted, "#routines")
    def show_highlighted(self) -> None:
        options = self.query_one("#routines", OptionList)
        option = options.highlighted_option
        if option is not None and option.id == RESUME and self.offer is not None:
            self.query_one("#routine-details", Static).update(Listed(self.offer.preview))
            return
        card = self.cards.get(option.id or "") if option else None
        if card is not None:
            text = card.preview
            if card.id == self.marked and self.neglected:
                area = in_words(self.neglected)
                text = f"{MARK} For your {area}: the area you worked least these 4 weeks.\n\n{text}"
            self.query_one("#routine-details", Static).update(Listed(text))

    @on(OptionList.OptionSelected, "#routines")
    def start_selected(self, event: OptionList.OptionSelected) -> None:
        self.start(event.option.id)

    def start(self, option_id: str | None) -> None:
        """Start the routine chosen at its level, and remember it as the last routine; or go
        on with the session cut short."""
        if option_id == RESUME and self.offer is not None:
            unfinished = self.offer.unfinished
            routine_id = unfinished.record.routine_id
            self.remember(replace(self.memory, routine=routine_id))
            self.post_message(StartRoutine(routine_id, STANDARD, unfinished))
        elif option_id and option_id != RESUME:
            self.remember(replace(self.memory, routine=option_id))
            self.post_message(StartRoutine(option_id, self.memory.level_of(option_id)))

    @work(thread=True, exclusive=True, name="history-screen")
    def action_history(self) -> None:
        """Read the history off the event loop (years of sessions take tens of ms), then show it."""
        sessions, stats = self.read_history()
        call_on_loop(self, self.show_history, sessions, stats)

    def show_history(self, sessions: list[SessionRecord], stats: Stats) -> None:
        from stretchtimer.tui.screens.history_screen import HistoryScreen

        self.app.push_screen(HistoryScreen(stats, sessions))

    def action_build(self) -> None:
        self.post_message(OpenBuilder(self.not_at_hand()))

    def not_at_hand(self) -> frozenset[str]:
        """The equipment unticked below the list: what the person said they do not have."""
        _, at_hand = self.filter_values()
        return frozenset(EQUIPMENT) - at_hand

    def reload(self, routine_id: str) -> None:
        """Load the routines again (one was added) and highlight `routine_id`."""
        self.select_next = routine_id
        self.load()

    def action_start(self) -> None:
        option = self.query_one("#routines", OptionList).highlighted_option
        if option is not None:
            self.start(option.id)


def cut(text: str, width: int) -> str:
    """`text` in at most `width` characters, an ellipsis where it was cut."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "\N{HORIZONTAL ELLIPSIS}"


def by_level(cards: Iterable[RoutineCard]) -> dict[str, dict[str, RoutineCard]]:
    """Routine id -> level -> its card."""
    grouped: dict[str, dict[str, RoutineCard]] = {}
    for card in cards:
        grouped.setdefault(card.id, {})[card.level] = card
    return grouped


def filters(memory: PickerMemory) -> list[Widget]:
    """The body-area and equipment filters, below the routine list, as last set (their
    widgets take about 2 ms to import: after the first frame)."""
    from textual.widgets import Select, SelectionList

    at_hand = set(EQUIPMENT) - set(memory.not_at_hand)
    return [
        Label("Body area", classes="filter-label"),
        Select(
            [(in_words(area), area) for area in AREAS],
            prompt="any area",
            id="area",
            value=memory.area if memory.area in AREAS else Select.NULL,
        ),
        Label("Equipment at hand", classes="filter-label"),
        SelectionList[str](
            *[(in_words(item), item, item in at_hand) for item in EQUIPMENT if item != "none"],
            id="equipment",
        ),
    ]
