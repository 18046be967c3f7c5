"""The big countdown, readable from a metre away."""

from __future__ import annotations

from textual.widgets import Digits

from stretchtimer.format import clock


class Countdown(Digits):
    """Shows whole seconds left as big digits; redraws only when the number changes."""

    def show_seconds(self, seconds: float) -> None:
        text = clock(seconds)
        if text != self.value:
            self.update(text)
