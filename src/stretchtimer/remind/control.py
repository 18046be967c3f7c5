"""Answering the running reminder from another process: `stretchtimer remind start` (or
snooze, skip, pause, resume), for a tmux key, a status bar's click or a notification that
has no buttons. One word a line through a named pipe in the data folder."""

from __future__ import annotations

import asyncio
import contextlib
import errno
import os
import stat
from collections.abc import Callable
from pathlib import Path

from stretchtimer.errors import EXIT_OK, UsageError
from stretchtimer.paths import data_dir
from stretchtimer.remind.scheduler import Answer

PIPE_NAME = "remind.pipe"
WORDS = {
    "start": Answer.START,
    "snooze": Answer.SNOOZE,
    "skip": Answer.SKIP,
    "pause": Answer.PAUSE,
    "resume": Answer.RESUME,
}


def pipe_path() -> Path:
    return data_dir() / PIPE_NAME


def send(word: str, path: Path | None = None) -> int:
    """Hand `word` to the running reminder; a one-line error when none listens."""
    path = path or pipe_path()
    try:
        fd = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
    except OSError as error:
        if error.errno in (errno.ENXIO, errno.ENOENT):
            raise UsageError(
                "no reminder is running (start one with `stretchtimer remind`)"
            ) from None
        raise UsageError(f"cannot reach the reminder: {error.strerror or error}") from None
    try:
        if not stat.S_ISFIFO(os.fstat(fd).st_mode):
            raise UsageError(f"{path} is not the reminder's pipe")
        os.write(fd, f"{word}\n".encode())
    finally:
        os.close(fd)
    return EXIT_OK


class Listener:
    """The reminder's end of the pipe: each word read becomes an answer."""

    def __init__(self, on_answer: Callable[[Answer], None], path: Path | None = None) -> None:
        self.path = path or pipe_path()
        self.on_answer = on_answer
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
            answer = WORDS.get(line.decode(errors="replace").strip())
            if answer is not None:
                self.on_answer(answer)

    def close(self) -> None:
        if self.fd is not None:
            with contextlib.suppress(RuntimeError, ValueError):
                asyncio.get_running_loop().remove_reader(self.fd)
            os.close(self.fd)
            self.fd = None
            with contextlib.suppress(OSError):
                self.path.unlink()
