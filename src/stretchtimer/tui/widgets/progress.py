"""Labelled progress bars with elapsed and total time, one line each, in one widget."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from stretchtimer.format import clock

LABEL_WIDTH = 9
TIME_WIDTH = 17
GAP = 1  # blank cells either side of a bar


class TimeBars(Widget):
    """'exercise ━━━━━━──────── 0:40 / 1:10', a line for each label, redrawn only when a line
    changes. They change together every second, and every widget Textual refreshes costs
    messages and a repaint of its own, so they are one widget. (Textual's ProgressBar also runs
    a timer of its own.)"""

    COMPONENT_CLASSES = {"time-bars--label", "time-bars--bar"}
    DEFAULT_CSS = """
    TimeBars {
        height: auto;
        text-wrap: nowrap;  /* each line is made to fit; wrapping would squeeze its spaces */
        text-overflow: clip;
    }
    TimeBars > .time-bars--label {
        color: $text-muted;
    }
    TimeBars > .time-bars--bar {
        color: $accent;
    }
    """

    def __init__(self, *labels: str, id: str | None = None) -> None:
        super().__init__(id=id)
        self._labels = labels
        self._fractions = [0.0] * len(labels)
        self.time_texts = [""] * len(labels)
        """The times as shown, e.g. '0:40 / 1:10', one per label."""
        self._shown: list[tuple[int, str]] = []

    def show(self, *progress: tuple[float, float]) -> None:
        """Each bar's (elapsed, total) seconds, in the order of the labels."""
        for line, (elapsed, total) in enumerate(progress):
            fraction = elapsed / total if total > 0 else 1.0
            self._fractions[line] = min(max(fraction, 0.0), 1.0)
            self.time_texts[line] = f"{clock(elapsed, up=False)} / {clock(total)}"
        if self._lines() != self._shown:
            self.refresh()

    def _bar_width(self) -> int:
        return max(0, self.size.width - LABEL_WIDTH - TIME_WIDTH - 2 * GAP)

    def _lines(self) -> list[tuple[int, str]]:
        width = self._bar_width()
        return [
            (round(fraction * width), time)
            for fraction, time in zip(self._fractions, self.time_texts, strict=True)
        ]

    def on_resize(self) -> None:
        self.refresh()

    def render(self) -> Content:
        width = self._bar_width()
        label_style = self.get_visual_style("time-bars--label")
        bar_style = self.get_visual_style("time-bars--bar")
        self._shown = self._lines()
        lines = []
        for label, (filled, time_text) in zip(self._labels, self._shown, strict=True):
            time = time_text[-TIME_WIDTH:]
            # The blanks before the time go with the bar, so the time is a run of its own (as
            # it was when it was a right-aligned label: screenshots place it the same way).
            blanks = " " * (GAP + TIME_WIDTH - len(time))
            lines.append(
                Content.assemble(
                    (label[:LABEL_WIDTH].ljust(LABEL_WIDTH), label_style),
                    " " * GAP,
                    ("━" * filled + "─" * (width - filled) + blanks, bar_style),
                    time,
                )
            )
        return Content("\n").join(lines)
