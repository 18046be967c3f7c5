"""Answering the running reminder from another process: `stretchtimer remind start` (or
snooze, snooze-10, skip, pause, resume), for a tmux key, a status bar's click or a
notification that has no buttons; and hearing the steps of a session. One word a line through
a named pipe in the data folder (`reminder_pipe`)."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from stretchtimer.errors import EXIT_OK, UsageError
from stretchtimer.remind.scheduler import Answer
from stretchtimer.reminder_pipe import STEP_OTHER, STEP_WORK, NotAPipe, pipe_path, write_word

WORDS = {
    "start": Answer.START,
    "snooze": Answer.SNOOZE,
    "snooze-10": Answer.SNOOZE_LONG,
    "skip": Answer.SKIP,
    "pause": Answer.PAUSE,
    "resume": Answer.RESUME,
}
STEPS = {STEP_WORK: True, STEP_OTHER: False}


def send(word: str, path: Path | None = None) -> int:
    """Hand `word` to the running reminder; a one-line error when none listens."""
    try:
        write_word(word, path)
    except NotAPipe as error:
        raise UsageError(str(error)) from None
    except OSError as error:
        if error.errno in (errno.ENXIO, errno.ENOENT):
            raise UsageError(
                "no reminder is running (start one with `stretchtimer remind`)"
            ) from None
        raise UsageError(f"cannot reach the reminder: {error.strerror or error}") from None
    return EXIT_OK


class Listener:
    """The reminder's end of the pipe: each word read becomes an answer, or a session's step."""

    def __init__(
        self,
        on_answer: Callable[[Answer], None],
        path: Path | None = None,
        on_step: Callable[[bool], None] | None = None,
    ) -> None:
        self.path = path or pipe_path()
        self.on_answer = on_answer
        self.on_step = on_step
        self.fd: int | None = None
        self.buffer = b""

    def open(self) -> bool:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                if not stat.S_ISFIFO(os.lstat(self.path).st_mode):
                    self.path.unlink()
            with contextlib.suppress(FileExistsError):
                os.mkfifo(self.path, 0o600)
            # read and write: the pipe never reads as closed between two writers
            self.fd = os.open(self.path, os.O_RDWR | os.O_NONBLOCK)
        except OSError:
            return False
        asyncio.get_running_loop().add_reader(self.fd, self._read)
        return True

    def _read(self) -> None:
        assert self.fd is not None
        try:
            self.buffer += os.read(self.fd, 1024)
        except BlockingIOError:
            return
        *lines, self.buffer = self.buffer.split(b"\n")
        self.buffer = self.buffer[-64:]
        for line in lines:
            word = line.decode(errors="replace").strip()
            if word in WORDS:
                self.on_answer(WORDS[word])
            elif word in STEPS and self.on_step is not None:
                self.on_step(STEPS[word])

    def close(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(RuntimeError, ValueError):
                asyncio.get_running_loop().remove_reader(self.fd)
            os.close(self.fd)
            self.fd = None
            with contextlib.suppress(OSError):
                self.path.unlink()
