"""The big countdown, readable from across the room: the phase in words, the number as big as
the terminal allows, and during reps a thin bar for the tempo within the rep.

One widget for all three, redrawn only when what it shows changes (once a second at most):
every widget Textual refreshes costs messages and a repaint of its own. Its lines are drawn
with Textual's line API (`render_line`, one Strip of one segment a line), not as Content,
which Textual would lay out and style again on every redraw.
"""

from __future__ import annotations

import functools

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from stretchtimer.tui.widgets.changes import changed_cells

# A 3x5 pixel font; '#' is a lit pixel. Drawn with half blocks, two pixel rows a line.
FONT: dict[str, tuple[str, ...]] = {
    "0": ("###", "#.#", "#.#", "#.#", "###"),
    "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"),
    "3": ("###", "..#", ".##", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"),
    "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"),
    "7": ("###", "..#", "..#", "..#", "..#"),
    "8": ("###", "#.#", "###", "#.#", "###"),
    "9": ("###", "#.#", "###", "..#", "###"),
    ":": (".", "#", ".", "#", "."),
    "/": ("..#", "..#", ".#.", "#..", "#.."),
    " ": ("", "", "", "", ""),  # the gaps either side are the space
}
FONT_HEIGHT = 5
HALF_BLOCKS = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
PHASES = {"ready": "GET READY", "work": "WORK", "rest": "REST"}


@functools.lru_cache(maxsize=256)
def big_lines(text: str, scale: int) -> tuple[str, ...]:
    """`text` in the big font, each pixel `scale` x `scale`, as lines of half blocks (kept:
    the widest text is measured at every redraw, and a session shows the same numbers again
    and again)."""
    rows: list[str] = []
    for row in range(FONT_HEIGHT):
        pixels = []
        for char in text:
            glyph = FONT.get(char, ("...",) * FONT_HEIGHT)
            pixels.append("".join(p * scale for p in glyph[row]))
        line = ("." * scale).join(pixels)
        rows += [line] * scale
    if len(rows) % 2:
        rows.append("." * len(rows[0]) if rows else "")
    return tuple(
        "".join(HALF_BLOCKS[(top == "#", bottom == "#")] for top, bottom in zip(a, b, strict=True))
        for a, b in zip(rows[::2], rows[1::2], strict=True)
    )


@functools.lru_cache(maxsize=256)
def number_lines(text: str, scale: int, number: int, width: int) -> tuple[str, ...]:
    """`text` big, centred in `number` cells, in lines `width` cells wide."""
    return tuple(line.center(number).ljust(width)[:width] for line in big_lines(text, scale))


@functools.lru_cache(maxsize=512)
def number_change(
    before: str, after: str, scale: int, number: int, width: int
) -> tuple[Region, ...]:
    """Where the big number changes from `before` to `after` (the box around the cells that
    change, under the phase's line): a session goes from 0:10 to 0:09 step after step."""
    old, new = (number_lines(text, scale, number, width) for text in (before, after))
    cells = changed_cells([[line] for line in old], [[line] for line in new])
    return (Region.from_union(cells).translate((0, 1)),) if cells else ()


def tempo_bar(tempo: float | None, number: int) -> str:
    """The part of the rep done (0 to 1), as a bar `number` cells long; none outside reps."""
    if tempo is None:
        return ""
    filled = round(min(max(tempo, 0.0), 1.0) * number)
    return "━" * filled + "─" * (number - filled)


def big_width(text: str, scale: int) -> int:
    return len(big_lines(text, scale)[0]) if text else 0


def big_height(scale: int) -> int:
    return (FONT_HEIGHT * scale + 1) // 2


def scale_for(width: int, height: int, widest: str) -> int:
    """The biggest scale for a terminal of width x height: the number takes at most 60 % of
    the width and a quarter of the height, and is never smaller than 1 (three rows)."""
    scale = 1
    for bigger in (2, 3, 4):
        if big_height(bigger) + 2 > height // 4 or big_width(widest, bigger) > width * 0.6:
            break
        scale = bigger
    return scale


class BigCountdown(Widget):
    """'WORK' over big seconds ('0:25'), or over the rep ('4 / 12') with the rep's tempo
    under it."""

    COMPONENT_CLASSES = {"big-countdown--phase", "big-countdown--number", "big-countdown--bar"}
    DEFAULT_CSS = """
    BigCountdown {
        width: auto;
        height: auto;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    BigCountdown > .big-countdown--phase {
        text-style: bold;
    }
    BigCountdown > .big-countdown--bar {
        text-style: dim;
    }
    """

    def __init__(self, widest: str = "0:00", id: str | None = None) -> None:
        super().__init__(id=id)
        self.widest = widest
        """The widest text it will show, so its width stays put from step to step."""
        self.phase = "ready"
        self.text = "0:00"
        self.tempo: float | None = None  # the part of the rep done, during reps
        self.scale = 1
        self._shown: tuple[str, str, float | None, int] | None = None
        self._cache: tuple[tuple[object, ...], list[Strip]] | None = None
        self._styles: tuple[Style, dict[str, Style]] | None = None
        self._lines_now: list[Strip] = []

    @property
    def value(self) -> str:
        """The number shown, as text: '0:25' or '4 / 12'."""
        return self.text

    def show(self, phase: str, text: str, tempo: float | None = None) -> None:
        """Show `text` big under the phase's name; `tempo` (0 to 1) draws the rep's bar.

        Only the cells that change are redrawn (from 0:25 to 0:24, the last digit): Textual
        then repaints and sends those cells, not the whole number."""
        shown = self._shown
        self.phase, self.text, self.tempo = phase, text, tempo
        if shown == (phase, text, tempo, self.scale):
            return
        width = self.size.width
        if shown is None or shown[0] != phase or shown[3] != self.scale or not width:
            self.refresh()
            return
        number = self.get_content_width(None, None)
        regions: list[Region] = []
        if text != shown[1]:
            regions += number_change(shown[1], text, self.scale, number, width)
        if tempo != shown[2]:
            old, new = (tempo_bar(each, number).ljust(width)[:width] for each in (shown[2], tempo))
            below = big_height(self.scale) + 1  # the phase's line, the number's
            regions += [cells.translate((0, below)) for cells in changed_cells([[old]], [[new]])]
        self.refresh(*regions)

    def fit(self, width: int, height: int) -> None:
        """Size the number for a terminal of width x height (on mount and on resize)."""
        scale = scale_for(width, height, self.widest)
        if scale != self.scale:
            self.scale = scale
            self.refresh(layout=True)

    def get_content_width(self, container: object, viewport: object) -> int:
        return max(big_width(self.widest, self.scale), len(PHASES["ready"]))

    def get_content_height(self, container: object, viewport: object, width: int) -> int:
        return big_height(self.scale) + 2  # the phase, the number, the tempo bar

    def render_lines(self, crop: Region) -> list[Strip]:
        self._lines_now = self._strips()  # the styles looked up once a redraw, not a line
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        lines = self._lines_now
        return lines[y] if y < len(lines) else Strip.blank(self.size.width)

    def _texts(self, phase: str, text: str, tempo: float | None) -> list[str]:
        """Each line's text, as wide as the widget: the phase, the number, the tempo bar."""
        width = self.size.width
        number = self.get_content_width(None, None)
        return [
            PHASES.get(phase, phase.upper()).ljust(width)[:width],
            *number_lines(text, self.scale, number, width),
            tempo_bar(tempo, number).ljust(width)[:width],
        ]

    def _strips(self) -> list[Strip]:
        """The lines as shown now, made again only when something in them changed."""
        base = self.rich_style
        key = (self.phase, self.text, self.tempo, self.scale, self.size.width, base)
        if self._cache is not None and self._cache[0] == key:
            return self._cache[1]
        self._shown = (self.phase, self.text, self.tempo, self.scale)
        width = self.size.width
        styles = self._styles_of(base)
        texts = self._texts(self.phase, self.text, self.tempo)
        parts = ["phase", *["number"] * (len(texts) - 2), "bar"]
        strips = [
            Strip([Segment(text, styles[part])], width)
            for text, part in zip(texts, parts, strict=True)
        ]
        self._cache = (key, strips)
        return strips

    def _styles_of(self, base: Style) -> dict[str, Style]:
        """Each part's style over the widget's own (kept while the widget's style is the same)."""
        if self._styles is None or self._styles[0] != base:
            parts = {
                part: base + self.get_component_rich_style(f"big-countdown--{part}")
                for part in ("phase", "number", "bar")
            }
            self._styles = (base, parts)
        return self._styles[1]

    def rendered_text(self) -> str:
        """What it shows, as text (for tests and screen readers of the log)."""
        return "\n".join(strip.text.rstrip() for strip in self._strips())
