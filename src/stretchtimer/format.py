"""Numbers and times as people read them, shared by every front end."""

from __future__ import annotations

import math
import unicodedata


def clock(seconds: float, up: bool = True) -> str:
    """'4:05' or '1:02:03'.

    Rounds up by default, so a countdown shows 0:00 only at the very end; elapsed times
    round down (`up=False`).
    """
    whole = max(0, math.ceil(seconds - 1e-9) if up else math.floor(seconds + 1e-9))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def count(number: int, noun: str) -> str:
    """'1 week', '3 weeks': a count with its noun, plural when it is not one."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def seconds_text(seconds: float) -> str:
    """'45 s' or '2.5 s'."""
    return f"{seconds:g} s"


# What may never reach a terminal or a markup renderer as it is: control characters (C0, C1,
# DEL), format characters (bidi overrides and isolates such as U+202E, zero-width spaces and
# joiners, the byte-order mark), line and paragraph separators, and lone surrogates. Other
# characters Python calls unprintable (a no-break space, private use) are harmless and kept.
UNSAFE_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs"})


def unsafe_characters(text: str) -> list[str]:
    """The characters of `text` that could drive a terminal or hide what a text says."""
    if text.isprintable():  # the common case, without looking at each character
        return []
    return [char for char in text if unicodedata.category(char) in UNSAFE_CATEGORIES]


def describe_character(char: str) -> str:
    """'U+202E (RIGHT-TO-LEFT OVERRIDE)', or 'U+001B' for a control character without a name."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def printable(text: str, keep: str = "") -> str:
    """`text` with every unsafe character escaped (`\\x1b`, `\\u202e`), so text from a file, a
    history or a command line stays on its line and cannot drive the terminal. Characters in
    `keep` (e.g. a newline between lines) pass as they are."""
    unsafe = set(unsafe_characters(text)) - set(keep)
    if not unsafe:
        return text
    return "".join(repr(char)[1:-1] if char in unsafe else char for char in text)
