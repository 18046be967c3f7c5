"""The plan of a routine beside the settings or list that choose it (the picker's and the
builder's right side): focusable only while it is longer than its box.

With nothing to scroll, focus there would show nothing, and what is typed would be lost; so Tab
and Shift+Tab pass it by. While it is too long to see at once, Tab stops on it, a bar at its
left (stretchtimer.tcss, `PlanPreview:focus`) shows it has focus, and the arrow and page keys
scroll it (Textual's bindings of a scrolling container).
"""

from __future__ import annotations

from textual.containers import VerticalScroll


class PlanPreview(VerticalScroll):
    """A scrolling column that takes focus only while it has something to scroll."""

    def allow_focus(self) -> bool:
        return self.max_scroll_y > 0
