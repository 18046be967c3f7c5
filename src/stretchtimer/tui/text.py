"""Where text from files and the history meets Textual: always as `Content`, never as markup.

A routine named `[/]` or `[@click=app.quit]` is shown as those characters; a control or bidi
character that slipped past validation (an older history) is shown escaped.
"""

from __future__ import annotations

from textual.content import Content

from stretchtimer.format import printable


def shown(text: str) -> Content:
    """`text` as a widget shows it: plain text, every line kept, nothing that drives a terminal."""
    return Content(printable(text, keep="\n"))
