"""A labelled progress bar with elapsed and total time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, Static

from ...text import clock


class FillBar(Static):
    """A plain bar drawn from a fraction; unlike Textual's ProgressBar it has no timer of its
    own, so it costs nothing until the fraction changes."""

    def __init__(self, *, classes: str | None = None) -> None:
        super().__init__("", classes=classes, markup=False)
        self._fraction = 0.0

    def show_fraction(self, fraction: float) -> None:
        self._fraction = min(max(fraction, 0.0), 1.0)
        self._draw()

    def on_resize(self) -> None:
        self._draw()

    def _draw(self) -> None:
        width = self.size.width
        filled = round(self._fraction * width)
        text = "━" * filled + "─" * (width - filled)
        if text != self.content:
            self.update(text, layout=False)  # the bar's size is set by the layout, not its text


class TimeBar(Horizontal):
    """'exercise ━━━━━━──────── 0:40 / 1:10'."""

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="time-bar")
        self._label = label

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="time-bar--label")
        yield FillBar(classes="time-bar--bar")
        yield Label("", classes="time-bar--time")

    def on_mount(self) -> None:
        self._bar = self.query_one(FillBar)
        self._time = self.query_one(".time-bar--time", Label)

    def show(self, elapsed: float, total: float) -> None:
        self._bar.show_fraction(elapsed / total if total > 0 else 1.0)
        text = f"{clock(elapsed, up=False)} / {clock(total)}"
        if text != self._time.content:
            self._time.update(text, layout=False)  # fixed width in the stylesheet
