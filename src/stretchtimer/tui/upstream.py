"""Work-arounds for bugs in Textual itself, each until Textual fixes it.

- Textual 8.2: `OptionList` pages (PageUp, PageDown) before it has been laid out raise
  KeyError in `_move_page` (`_index_to_line` is empty until the list has a size). ctrl+p then
  PageDown at once hit it in the command palette and ended the app, and a running session
  with it. Until then, a page key that arrives that early does nothing. To report upstream
  (Textualize/textual): `_move_page` lacks the guard `scroll_to_highlight` has.
"""

from __future__ import annotations

from typing import Any

from textual.widgets import OptionList


def guard_option_list_paging() -> None:
    """Make an OptionList ignore PageUp/PageDown until it has a size (idempotent)."""
    move_page: Any = OptionList._move_page
    if getattr(move_page, "guarded", False):
        return

    def guarded_move_page(self: OptionList, direction: Any) -> None:
        if not self.scrollable_content_region:
            return
        move_page(self, direction)

    guarded_move_page.guarded = True  # type: ignore[attr-defined]
    OptionList._move_page = guarded_move_page  # type: ignore[method-assign]
