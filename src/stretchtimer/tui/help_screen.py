"""Every key, and the way back to the safety note."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

KEYS = """\
space      pause or resume
n  or  ->  skip this step
N          skip to the next exercise
p  or  <-  back: restart the step, or the previous step early in a step
r          restart this step
0-9, x     how stiff or sore your back is, 0-10 (while you first get
           ready, and on the summary; optional)
m          mute or unmute sound
?          this help
q          quit (asks first; what you did is kept)
h          (in the list of routines) your history: weeks, streak, body areas
ctrl+p     every command
s          (here) read the safety note again"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,question_mark,enter,q", "close", "Close"),
        Binding("s", "safety", "Safety note"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="help", classes="dialog"):
            yield Label("Keys", classes="dialog--title")
            yield Static(KEYS, markup=False)
            yield Label("Esc: close    s: safety note", classes="dialog--keys")

    def action_close(self) -> None:
        self.dismiss(None)

    def action_safety(self) -> None:
        from .safety_screen import SafetyScreen

        self.app.push_screen(SafetyScreen())
