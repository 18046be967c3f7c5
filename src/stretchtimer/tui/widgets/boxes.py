"""Rows and columns that draw nothing of their own, for a screen redrawn every second.

Textual repaints every widget whose container touches what changed, containers included. A
container with no border and no content (Textual's BLANK) is repainted as blank lines of its
background, without a pass through its styles for each line.
"""

from __future__ import annotations

from textual.containers import Horizontal, Vertical


class Row(Horizontal):
    """Textual's Horizontal, for widgets side by side; it draws only its background."""

    BLANK = True


class Column(Vertical):
    """Textual's Vertical, for widgets one under another; it draws only its background."""

    BLANK = True
