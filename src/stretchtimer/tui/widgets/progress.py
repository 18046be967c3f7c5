"""A labelled progress bar with elapsed and total time."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Label, ProgressBar

from ...text import clock


class TimeBar(Horizontal):
    """'exercise [#####.....] 0:40 / 1:10'."""

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="time-bar")
        self._label = label

    def compose(self) -> ComposeResult:
        yield Label(self._label, classes="time-bar--label")
        yield ProgressBar(total=1, show_eta=False, show_percentage=False)
        yield Label("", classes="time-bar--time")

    def show(self, elapsed: float, total: float) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1e-9), progress=elapsed)
        self.query_one(".time-bar--time", Label).update(
            f"{clock(elapsed, up=False)} / {clock(total)}"
        )
