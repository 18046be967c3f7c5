"""Where text from files and the history meets Textual: always as `Content`, never as markup.

A routine named `[/]` or `[@click=app.quit]` is shown as those characters; a control or bidi
character that slipped past validation (an older history) is shown escaped.
"""

from __future__ import annotations

import re

from textual.content import Content
from textual.css.styles import RulesMap
from textual.strip import Strip
from textual.style import Style
from textual.visual import RenderOptions, Visual

from stretchtimer.format import printable

LEAD = re.compile(r" *\d+\. |[>!] |[A-Z][a-z]+(?: [a-z]+)?: ")
"""What a line of a list starts with: its number, the mark of a form cue or safety line, or a
label ("Focus: ")."""


def shown(text: str) -> Content:
    """`text` as a widget shows it: plain text, every line kept, nothing that drives a terminal."""
    return Content(printable(text, keep="\n"))


class Listed(Visual):
    """Text whose numbered and marked lines wrap under their words, not under the number: a
    step that takes two rows still reads as one step."""

    def __init__(self, text: str) -> None:
        self.text = printable(text, keep="\n")
        self._wrapped: tuple[int, Content] = (-1, Content(""))

    def __str__(self) -> str:
        return self.text

    def at(self, width: int) -> Content:
        """Every line wrapped to `width`, the rows after the first indented past its lead."""
        if self._wrapped[0] != width:
            rows: list[Content] = []
            for line in self.text.split("\n"):
                lead = LEAD.match(line)
                indent = lead.end() if lead and lead.end() * 3 <= width else 0
                parts = Content(line[indent:]).wrap(max(1, width - indent)) if line else [Content()]
                rows.append(Content(line[:indent]) + parts[0])
                rows += [Content(" " * indent) + part for part in parts[1:]]
            self._wrapped = (width, Content("\n").join(rows))
        return self._wrapped[1]

    def render_strips(
        self, width: int, height: int | None, style: Style, options: RenderOptions
    ) -> list[Strip]:
        return self.at(width).render_strips(width, height, style, options)

    def get_optimal_width(self, rules: RulesMap, container_width: int) -> int:
        return Content(self.text).get_optimal_width(rules, container_width)

    def get_height(self, rules: RulesMap, width: int) -> int:
        return self.at(width).get_height(rules, width)
