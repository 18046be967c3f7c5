"""What the terminal can show: whether it can draw the app at all, and in which colours.

Both answers follow Rich, which draws the app for Textual, so `doctor` says what the app does.
"""

from __future__ import annotations

import io
import os
from typing import Any, cast

DUMB = ("dumb", "unknown")  # Rich's terminals without cursor movement or colour


def drawn_elsewhere() -> bool:
    """Whether Textual draws through a driver named in TEXTUAL_DRIVER rather than this
    terminal: textual-serve names its web driver for each browser tab's process, whose stdin
    and stdout are pipes to the server."""
    return bool(os.environ.get("TEXTUAL_DRIVER"))


def cannot_draw() -> str | None:
    """Why this terminal cannot draw the full-screen app (Emacs' shell, some CI logs), or None."""
    if drawn_elsewhere():
        return None
    term = os.environ.get("TERM", "")
    return f"TERM={term}" if term.strip().lower() in DUMB else None


def colours() -> str:
    """The colours the app draws with, and the setting that says so."""
    from rich.console import Console

    if "NO_COLOR" in os.environ:
        return "none (NO_COLOR is set)"
    reason = cannot_draw()
    if reason is not None:
        return f"none ({reason}: the app cannot be drawn here; plain mode runs instead)"
    setting = os.environ.get("TEXTUAL_COLOR_SYSTEM", "auto")
    console = Console(
        file=io.StringIO(),
        force_terminal=True,
        color_system=cast(Any, setting),  # as Textual hands it on
        _environ=dict(os.environ),
    )
    names = {"truecolor": "true colour", "256": "256", "standard": "16", "windows": "16"}
    shown = names.get(console.color_system or "", "none")
    if setting != "auto":
        return f"{shown} (TEXTUAL_COLOR_SYSTEM={setting})"
    colorterm = os.environ.get("COLORTERM", "")
    if shown == "true colour" and colorterm:
        return f"{shown} (COLORTERM={colorterm})"
    term = os.environ.get("TERM", "")
    return f"{shown} (TERM={term})" if term else f"{shown} (TERM is not set)"
