"""The plan of a routine beside the settings or list that choose it (the picker's and the
builder's right side): focusable only while it is longer than its box.

With nothing to scroll, focus there would show nothing, and what is typed would be lost; so Tab
and Shift+Tab pass it by. While it is too long to see at once, Tab stops on it, a bar at its
left (stretchtimer.tcss, `PlanPreview:focus`) shows it has focus, and the arrow and page keys
scroll it (Textual's bindings of a scrolling container). Should it stop scrolling while it has
focus (the terminal grew, a shorter plan came in), it hands the focus to the screen's first
focusable widget (the picker's routine list, the builder's minutes).
"""

from __future__ import annotations

from textual.containers import VerticalScroll


class PlanPreview(VerticalScroll):
    """A scrolling column that takes focus only while it has something to scroll."""

    def allow_focus(self) -> bool:
        return self.max_scroll_y > 0

    def on_resize(self) -> None:
        """Its box changed size (Textual sends no Resize when only its content does)."""
        self.give_up_focus_unless_it_scrolls()

    def watch_virtual_size(self) -> None:
        """Its content changed size; the scroll limits follow once the layout is done."""
        self.call_after_refresh(self.give_up_focus_unless_it_scrolls)

    def give_up_focus_unless_it_scrolls(self) -> None:
        if self.has_focus and not self.allow_focus():
            chain = self.screen.focus_chain
            self.screen.set_focus(chain[0] if chain else None)
