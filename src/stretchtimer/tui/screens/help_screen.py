"""Every key, and the way back to the safety note."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from stretchtimer.session.keys import SESSION_KEYS, help_lines

MORE_KEYS = (
    ("0-9, x", "how stiff or sore your back is, 0-10 (while you first get ready, and on the"),
    ("", "summary; optional)"),
    ("h", "(in the list of routines) your history: weeks, streak, body areas"),
    (
        "\N{UPWARDS ARROW} \N{DOWNWARDS ARROW}",
        "(in a session) read the rest of the steps, when they do not fit",
    ),
    ("ctrl+p", "every command"),
    ("s", "(here) read the safety note again"),
)


def keys_text() -> str:
    """The session's keys (from the one key table), then the other screens' keys."""
    lines = help_lines()
    width = len(lines[0]) - len(SESSION_KEYS[0].help)
    lines += [f"{key.ljust(width - 2)}  {text}" for key, text in MORE_KEYS]
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,enter,q", "close", "Close"),
        Binding("s", "safety", "Safety note"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="dialog"):
            yield Label("Keys", classes="dialog--title")
            yield Static(keys_text(), markup=False)
            yield Label("Esc: close    s: safety note", classes="dialog--keys")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_safety(self) -> None:
        from stretchtimer.tui.screens.safety_screen import SafetyScreen

        self.app.push_screen(SafetyScreen())
