"""Where every command's output meets the terminal: one stream that escapes control characters
and turns a failed write into `OutputLost`.

Names, steps and paths come from files, the history and the command line; whatever slipped past
validation (an older history, a path) is shown escaped here, never run by the terminal. A
closed pipe, a full disk or a hung-up terminal raise `OutputLost`, which a command reports in
one line and a session in plain mode takes as a stop.
"""

from __future__ import annotations

import io
import os
from typing import TextIO

from stretchtimer.format import printable


class OutputLost(Exception):
    """The output cannot be written (`reason`: the system's words); `closed_pipe` when its
    reader went away, as `| head` does."""

    def __init__(self, error: OSError) -> None:
        self.reason = error.strerror or str(error)
        self.closed_pipe = isinstance(error, BrokenPipeError)
        super().__init__(f"cannot write the output: {self.reason}")


class SafeOutput(io.TextIOBase):
    """A text stream written through to `stream`, escaped (newlines kept)."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        try:
            self.stream.write(printable(text, keep="\n"))
        except OSError as error:
            raise OutputLost(error) from None
        return len(text)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except OSError as error:
            raise OutputLost(error) from None

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    def writable(self) -> bool:
        return True

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding


def bell(stream: TextIO) -> None:
    """Ring the terminal's bell: the one control character written on purpose."""
    stream.flush()
    os.write(stream.fileno(), b"\a")


def drop_output(fd: int = 1) -> None:
    """Point `fd` at /dev/null, so the interpreter's last flush of what could not be written
    fails no more (and prints no traceback at exit)."""
    null = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(null, fd)
    finally:
        os.close(null)
