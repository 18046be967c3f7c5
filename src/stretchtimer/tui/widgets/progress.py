"""A labelled progress bar with elapsed and total time, drawn as one line of text."""

from __future__ import annotations

from textual.content import Content
from textual.widget import Widget

from ...text import clock

LABEL_WIDTH = 9
TIME_WIDTH = 17
GAP = 1  # blank cells either side of the bar


class TimeBar(Widget):
    """'exercise ━━━━━━──────── 0:40 / 1:10', one widget that redraws only when its text
    changes. (Label, bar and time were three widgets, and Textual's ProgressBar runs a timer
    of its own: drawing the line here costs one small repaint a second.)"""

    COMPONENT_CLASSES = {"time-bar--label", "time-bar--bar"}
    DEFAULT_CSS = """
    TimeBar {
        height: 1;
        text-wrap: nowrap;  /* the line is made to fit; wrapping would squeeze its spaces */
        text-overflow: clip;
    }
    TimeBar > .time-bar--label {
        color: $text-muted;
    }
    TimeBar > .time-bar--bar {
        color: $accent;
    }
    """

    def __init__(self, label: str, *, id: str | None = None) -> None:
        super().__init__(id=id, classes="time-bar")
        self._label = label
        self._fraction = 0.0
        self.time_text = ""
        """The time as shown, e.g. '0:40 / 1:10'."""
        self._shown: tuple[int, str] | None = None

    def show(self, elapsed: float, total: float) -> None:
        self._fraction = min(max(elapsed / total if total > 0 else 1.0, 0.0), 1.0)
        self.time_text = f"{clock(elapsed, up=False)} / {clock(total)}"
        if (self._filled(), self.time_text) != self._shown:
            self.refresh()

    def _bar_width(self) -> int:
        return max(0, self.size.width - LABEL_WIDTH - TIME_WIDTH - 2 * GAP)

    def _filled(self) -> int:
        return round(self._fraction * self._bar_width())

    def on_resize(self) -> None:
        self.refresh()

    def render(self) -> Content:
        width, filled = self._bar_width(), self._filled()
        self._shown = (filled, self.time_text)
        time = self.time_text[-TIME_WIDTH:]
        # The blanks before the time go with the bar, so the time is a run of its own (as it
        # was when it was a right-aligned label: screenshots place it the same way).
        blanks = " " * (GAP + TIME_WIDTH - len(time))
        return Content.assemble(
            (
                self._label[:LABEL_WIDTH].ljust(LABEL_WIDTH),
                self.get_visual_style("time-bar--label"),
            ),
            " " * GAP,
            (
                "━" * filled + "─" * (width - filled) + blanks,
                self.get_visual_style("time-bar--bar"),
            ),
            time,
        )
