"""Bad input and how it is reported: one line on stderr, exit code 2."""

from __future__ import annotations

import sys

from stretchtimer.format import printable

EXIT_OK = 0
EXIT_USAGE = 2


class BadInput(Exception):
    """Input that cannot be used (a command line, a file, a setting); the message is one line."""


class UsageError(BadInput):
    """Bad input from the person at the keyboard."""


def warn(text: str) -> None:
    """A problem, as every command reports one: a line on stderr. What came from a file or a
    command line is shown, never run: control characters are escaped here."""
    print(f"stretchtimer: {printable(text)}", file=sys.stderr)
