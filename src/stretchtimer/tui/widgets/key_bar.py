"""The keys of a screen, on one line at the bottom: what Textual's Footer shows, drawn once.

The Footer is a widget per key and composes them all again whenever the bindings change
(focus moving, widgets mounting): about 40 ms of the picker's start. A screen's keys here never
change while it is shown, so one line made at mount does the same job. Each key is clickable.
"""

from __future__ import annotations

from collections.abc import Iterable

from textual.binding import Binding
from textual.content import Content
from textual.widget import Widget

PALETTE = Binding("ctrl+p", "app.command_palette", "Commands")


class KeyBar(Widget):
    """The screen's shown bindings and the command palette's key, e.g. 'space Pause  n Skip'."""

    COMPONENT_CLASSES = {"key-bar--key", "key-bar--description"}
    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: 1;
        width: 1fr;
        text-wrap: nowrap;
        text-overflow: clip;
        color: $footer-foreground;
        background: $footer-background;
        link-style: none;
        link-style-hover: none;
        link-background-hover: $block-hover-background;
    }
    KeyBar > .key-bar--key {
        color: $footer-key-foreground;
        background: $footer-key-background;
        text-style: bold;
    }
    KeyBar > .key-bar--description {
        color: $footer-description-foreground;
    }
    """

    def render(self) -> Content:
        """Every key that fits: with two spaces between keys, the palette's key the first to go
        (the help lists it too), then single spaces, then the keys before the last two (help
        and quit, which stay, so every key can still be found), from the end."""
        keys = [self.item(binding) for binding in shown_bindings(self.screen.BINDINGS)]
        palette = self.item(PALETTE)
        width = self.size.width - 1  # a blank cell at the left edge
        tries = [([*keys, palette], "  "), (keys, "  ")]
        tries += [([*keys[:end], *keys[-2:]], " ") for end in range(len(keys) - 2, 0, -1)]
        for items, gap in tries:
            line = Content(gap).join(items)
            if line.cell_length <= width:
                break
        return Content(" ") + line

    def item(self, binding: Binding) -> Content:
        """'space Pause', the key bold in the theme's key colour; a click runs it."""
        action = binding.action if "." in binding.action else f"screen.{binding.action}"
        return Content.assemble(
            (self.app.get_key_display(binding), self.get_visual_style("key-bar--key")),
            " ",
            (binding.description, self.get_visual_style("key-bar--description")),
        ).stylize(f"@click={action}")


def shown_bindings(bindings: Iterable[object]) -> list[Binding]:
    return [binding for binding in bindings if isinstance(binding, Binding) and binding.show]
