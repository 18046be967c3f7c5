"""The running reminder's named pipe, one word a line: answers from `stretchtimer remind
start` (or snooze, skip...) and, from any session, the kind of step it is in, so that the
proof of a break is judged over the work steps only. Low in the layers: sessions (wiring) and
the reminder both write to it; neither imports the other."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from stretchtimer.paths import data_dir

PIPE_NAME = "remind.pipe"
STEP_WORK = "step work"
STEP_OTHER = "step other"
"""Get ready, rest, a pause, the feeling question, the session's end: keys are expected."""


def pipe_path() -> Path:
    return data_dir() / PIPE_NAME


class NotAPipe(OSError):
    """Something that is not the reminder's pipe stands in its place."""


def write_word(word: str, path: Path | None = None) -> None:
    """One line to the reminder, never waiting; OSError when none listens (ENXIO: nobody
    reads; ENOENT: no pipe) or it cannot be reached."""
    path = path or pipe_path()
    fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    try:
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            raise NotAPipe(f"{path} is not the reminder's pipe")
        os.write(fd, f"{word}\n".encode())
    finally:
        os.close(fd)


def tell_step(work: bool) -> None:
    """A session's step, for a reminder if one listens; nothing happens when none does."""
    with contextlib.suppress(OSError):
        write_word(STEP_WORK if work else STEP_OTHER)
