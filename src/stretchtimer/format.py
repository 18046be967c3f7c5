"""Numbers and times as people read them, shared by every front end."""

from __future__ import annotations

import math


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


def printable(text: str) -> str:
    """Escape newlines and other control characters, so text from a file stays on one line and
    cannot drive the terminal."""
    return "".join(char if char.isprintable() else repr(char)[1:-1] for char in text)
