"""Asks before a session is stopped, and says what will be kept."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label

from stretchtimer.format import count
from stretchtimer.session.engine import Summary


class QuitScreen(ModalScreen[bool]):
    """Dismissed with True to stop the session, False to carry on."""

    BINDINGS = [
        Binding("y,q,enter", "answer(True)", "Stop"),
        Binding("n,escape", "answer(False)", "Carry on"),
    ]

    def __init__(self, summary: Summary) -> None:
        super().__init__()
        self.summary = summary

    def compose(self) -> ComposeResult:
        done = len(self.summary.exercises_done)
        kept = f"{count(done, 'exercise')} done so far"
        with Vertical(id="quit", classes="dialog"):
            yield Label("Stop this session?", classes="dialog--title")
            yield Label(f"What you did is kept: {kept}, and a summary follows.")
            yield Label("y / Enter: stop    n / Esc: carry on", classes="dialog--keys")

    def action_answer(self, stop: bool) -> None:
        self.dismiss(stop)
