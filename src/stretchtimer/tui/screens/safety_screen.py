"""The safety note, shown before the very first session and from help."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Label, Static

from stretchtimer.safety import SAFETY_NOTE


class SafetyScreen(ModalScreen[None]):
    """Enter (or Escape) goes on."""

    BINDINGS = [
        Binding("enter", "dismiss", "Go on"),
        Binding("escape", "dismiss", "Go on", show=False),
    ]

    def compose(self) -> ComposeResult:
        # The note scrolls where the terminal is short; its title and last line always show.
        with VerticalScroll(id="safety", classes="dialog"):
            yield Label("Before you start", classes="dialog--title")
            yield Static(SAFETY_NOTE, markup=False, id="safety-text")
            yield Label("Enter: go on    up/down: scroll", classes="dialog--keys")

    def action_dismiss(self) -> None:  # type: ignore[override]
        self.dismiss(None)
