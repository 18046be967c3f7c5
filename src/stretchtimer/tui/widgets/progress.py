"""Labelled progress bars with elapsed and total time, one line each, in one widget."""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from stretchtimer.format import clock
from stretchtimer.tui.widgets.changes import changed_cells

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
        self._styles: tuple[Style, Style, Style] | None = None

    def show(self, *progress: tuple[float, float]) -> None:
        """Each bar's (elapsed, total) seconds, in the order of the labels. Only the cells
        that change are redrawn (a second more: a digit of each time, now and then a cell of
        a bar)."""
        for line, (elapsed, total) in enumerate(progress):
            fraction = elapsed / total if total > 0 else 1.0
            self._fractions[line] = min(max(fraction, 0.0), 1.0)
            self.time_texts[line] = f"{clock(elapsed, up=False)} / {clock(total)}"
        lines = self._lines()
        if lines == self._shown:
            return
        if len(self._shown) != len(lines):  # never drawn yet
            self.refresh()
        else:
            self.refresh(*changed_cells(self._runs(self._shown), self._runs(lines)))

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

    def render_lines(self, crop: Region) -> list[Strip]:
        base = self.rich_style  # looked up once a redraw: it walks the ancestors
        if self._styles is None or self._styles[0] != base:
            label = self.get_component_rich_style("time-bars--label")
            bar = self.get_component_rich_style("time-bars--bar")
            self._styles = (base, label, bar)
        self._shown = self._lines()
        return super().render_lines(crop)

    def _parts(self, y: int, filled: int, time_text: str) -> tuple[str, str, str, str, str]:
        """Line `y`'s text in runs: the label, a gap, the bar, blanks, the time."""
        width = self._bar_width()
        time = time_text[-TIME_WIDTH:]
        blanks = " " * (GAP + TIME_WIDTH - len(time))
        label = self._labels[y][:LABEL_WIDTH].ljust(LABEL_WIDTH)
        return label, " " * GAP, "━" * filled + "─" * (width - filled), blanks, time

    def _runs(self, lines: list[tuple[int, str]]) -> list[tuple[str, ...]]:
        """The lines as `render_line` draws them, in runs that change on their own."""
        return [self._parts(y, *line) for y, line in enumerate(lines)]

    def render_line(self, y: int) -> Strip:
        """A line of the line API: four segments (label, gap, bar, time), no layout to redo."""
        if y >= len(self._labels) or self._styles is None:
            return Strip.blank(self.size.width)
        base, label_style, bar_style = self._styles
        label, gap, bar, blanks, time = self._parts(y, *self._shown[y])
        # The blanks before the time go with the bar, so the time is a run of its own (as
        # it was when it was a right-aligned label: screenshots place it the same way).
        segments = [
            Segment(label, label_style),
            Segment(gap, base),
            Segment(bar + blanks, bar_style),
            Segment(time, base),
        ]
        return Strip(segments).crop_extend(0, self.size.width, base)

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return len(self._labels)
