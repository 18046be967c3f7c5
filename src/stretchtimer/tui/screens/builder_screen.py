"""Build a routine of your own: the minutes, body areas, equipment, position and level on the
left, the routine they make on the right, remade as each setting changes; ctrl+s keeps it."""

from __future__ import annotations

import random
from collections.abc import Callable, Mapping, Sequence

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Label, Select, SelectionList, Static
from textual.worker import get_current_worker

from stretchtimer.format import clock
from stretchtimer.library.models import Exercise
from stretchtimer.library.terms import AREAS, EQUIPMENT, LEVELS, POSITIONS, in_words
from stretchtimer.session.builder import (
    MINUTES,
    Ask,
    Built,
    CannotBuild,
    build,
    build_another,
)
from stretchtimer.tui.text import Listed, shown
from stretchtimer.tui.threads import call_on_loop
from stretchtimer.tui.widgets.key_bar import KeyBar
from stretchtimer.tui.widgets.plan_preview import PlanPreview

START_MINUTES = 10


class BuilderScreen(Screen[Built | None]):
    """Opened with `b` from the picker; dismissed with the routine to keep, or None (esc)."""

    HELP_KEYS = (
        (
            "tab",
            "the next setting: minutes, areas, equipment, position, level, name; then the"
            " routine, when it is too long to see at once (the arrow keys scroll it)",
        ),
        ("space", "tick or untick an area or a piece of equipment"),
        ("ctrl+s", "keep the routine: it is saved to your routines and shown in the list"),
        ("ctrl+r", "another routine for the same settings"),
        ("esc", "back to the routines, keeping nothing"),
        ("ctrl+p", "every command"),
    )
    AUTO_FOCUS = ""
    """The minutes are focused on mount, and not scrolled to: they are in sight, and Textual's
    auto focus scrolls before the layout, hiding the label above them."""
    BINDINGS = [
        Binding("ctrl+s", "save", "Save"),
        Binding("ctrl+r", "shuffle", "Another"),
        Binding("escape", "back", "Back", key_display="esc"),
    ]

    def __init__(
        self,
        exercises: Sequence[Exercise],
        worked: Mapping[str, float],
        taken: Callable[[str], str | None],
        prepare: int | None = None,
        rest: int | None = None,
        not_at_hand: frozenset[str] = frozenset(),
    ) -> None:
        """`worked`: minutes per body area lately; `taken(id)`: why a routine may not be saved
        under that id (another routine's, a file the builder did not write), or None;
        `not_at_hand`: the equipment the picker was told is not there, left unticked."""
        super().__init__()
        self.not_at_hand = not_at_hand
        self.exercises = list(exercises)
        self.worked = dict(worked)
        self.taken = taken
        self.prepare, self.rest = prepare, rest
        self.seed: int | None = None
        self.built: Built | None = None

    def compose(self) -> ComposeResult:
        yield Label("stretchtimer - build a routine", id="builder-title")
        with Horizontal(id="builder"):
            # the settings take focus, not their column: each is scrolled into sight as it does
            with VerticalScroll(id="builder-left", can_focus=False):
                yield Label("Minutes", classes="filter-label")
                yield Input(
                    str(START_MINUTES), type="integer", max_length=3, compact=True, id="minutes"
                )
                yield Label("Body areas (none: all that fit)", classes="filter-label")
                yield SelectionList[str](*[(in_words(a), a) for a in AREAS], id="focus")
                yield Label("Equipment at hand", classes="filter-label")
                yield SelectionList[str](
                    *[
                        (in_words(e), e, e not in self.not_at_hand)
                        for e in EQUIPMENT
                        if e != "none"
                    ],
                    id="kit",
                )
                yield Label("Position", classes="filter-label")
                yield Select(
                    [(p, p) for p in POSITIONS], prompt="any position", compact=True, id="position"
                )
                yield Label("Level", classes="filter-label")
                yield Select(
                    [(f"{level} doses", level) for level in LEVELS],
                    prompt="doses to fit the time",
                    compact=True,
                    id="level",
                )
                yield Label("Name", classes="filter-label")
                yield Input(
                    placeholder="made from the settings", max_length=60, compact=True, id="name"
                )
            with PlanPreview(id="builder-right"):
                yield Static("", id="builder-preview", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#minutes", Input).focus(scroll_visible=False)
        self.remake()

    def ask(self) -> Ask | str:
        """The settings as an ask, or what is wrong with them."""
        text = self.query_one("#minutes", Input).value.strip()
        low, high = MINUTES
        if not text.isdigit() or not low <= int(text) <= high:
            return f"Minutes: a whole number from {low} to {high}."
        position = self.query_one("#position", Select).value
        level = self.query_one("#level", Select).value
        name = self.query_one("#name", Input).value
        return Ask(
            minutes=int(text),
            focus=tuple(a for a in AREAS if a in self.query_one("#focus", SelectionList).selected),
            equipment=frozenset(["none", *self.query_one("#kit", SelectionList).selected]),
            position=next((p for p in POSITIONS if p == position), None),
            level=next((v for v in LEVELS if v == level), None),
            name=name if name.strip() else None,
            prepare=self.prepare,
            rest=self.rest,
        )

    @on(Input.Changed)
    @on(SelectionList.SelectedChanged)
    @on(Select.Changed)
    def setting_changed(self) -> None:
        self.seed = None  # new settings: their own routine, not another one
        self.remake()

    def remake(self) -> None:
        ask = self.ask()
        if isinstance(ask, str):
            self.built = None
            self.show(ask)
        else:
            self.make(ask, self.seed)

    @work(thread=True, exclusive=True, name="build", exit_on_error=False)
    def make(self, ask: Ask, seed: int | None) -> None:
        """Build off the event loop (a refusal tries smaller asks, some tens of ms)."""
        try:
            if seed is None:
                built: Built | str = build(ask, self.exercises, self.worked)
            else:
                built = build_another(ask, self.exercises, self.worked, seed)
        except CannotBuild as refusal:
            fits = ": tick only those body areas" if refusal.fits else ""
            built = f"Cannot build this: {refusal}{fits}."
        if not get_current_worker().is_cancelled:  # newer settings are being built
            call_on_loop(self, self.made, built)

    def made(self, built: Built | str) -> None:
        if isinstance(built, str):
            self.built = None
            self.show(built)
            return
        self.built = built
        routine = built.routine
        time = f"{clock(built.seconds)} (asked for {built.ask.minutes} min)"
        lines = [f"{routine.name} - {time}", *built.lines()[1:], "", "ctrl+s saves it"]
        self.show("\n".join(lines))

    def show(self, text: str) -> None:
        # a numbered line that wraps goes on under its words, as in the picker's preview
        self.query_one("#builder-preview", Static).update(Listed(text))

    def action_shuffle(self) -> None:
        self.seed = random.randrange(2**32)
        self.remake()

    def action_save(self) -> None:
        if self.built is None:
            self.notify("Nothing to keep yet: change the settings until a routine fits.")
            return
        why = self.taken(self.built.routine.id)
        if why is not None:
            self.notify(shown(why[:1].upper() + why[1:]).plain, severity="warning", markup=False)
            return
        self.dismiss(self.built)

    def action_back(self) -> None:
        self.dismiss(None)
