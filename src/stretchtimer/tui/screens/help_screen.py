"""The keys of the screen it was opened from, and the way back to the safety note."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Label

from stretchtimer.session.keys import SESSION_KEYS
from stretchtimer.tui.screens.safety_screen import SafetyScreen

HelpKeys = Sequence[tuple[str, str]]
"""(keys, what they do), one line each in the help."""

COMMANDS = ("ctrl+p", "every command")

SESSION_HELP: HelpKeys = (
    *((entry.shown, entry.help) for entry in SESSION_KEYS),
    (
        "0-9, x",
        "how stiff or sore your back is, 0 to 10: while you first get ready, and on the summary",
    ),
    (
        "\N{UPWARDS ARROW} \N{DOWNWARDS ARROW}",
        "read the rest of the steps, when they do not fit",
    ),
    COMMANDS,
)


def help_keys(screen: Screen[object]) -> HelpKeys:
    """What the help lists for `screen`: its HELP_KEYS, or else its footer's keys."""
    listed: HelpKeys | None = getattr(screen, "HELP_KEYS", None)
    if listed is not None:
        return listed
    shown = [
        (binding.key_display or binding.key.split(",")[0], binding.description)
        for binding in screen.BINDINGS
        if isinstance(binding, Binding) and binding.show and binding.description
    ]
    return [*shown, COMMANDS]


class HelpScreen(ModalScreen[None]):
    """One row a key, its words wrapped in their own column; where the terminal is short, the
    rows scroll between the title and the last line, which always show."""

    BINDINGS = [
        Binding("escape,question_mark,enter,q", "close", "Close"),
        Binding("s", "safety", "Safety note"),
    ]

    def __init__(self, keys: HelpKeys = SESSION_HELP) -> None:
        super().__init__()
        self.keys = keys

    def compose(self) -> ComposeResult:
        width = max(len(keys) for keys, _ in self.keys) + 2
        with VerticalScroll(id="help", classes="dialog"):
            yield Label("Keys", classes="dialog--title")
            yield Label("Esc: close    s: safety note", classes="dialog--keys")
            for keys, text in self.keys:
                key = Label(keys, classes="help-key", markup=False)
                key.styles.width = width
                yield Horizontal(key, Label(text, classes="help-text", markup=False))

    def action_close(self) -> None:
        self.dismiss(None)

    def action_safety(self) -> None:
        self.app.push_screen(SafetyScreen())
