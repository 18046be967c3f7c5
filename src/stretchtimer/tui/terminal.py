"""Textual's Linux driver, made safe for a terminal that goes away under it.

When a terminal closes (a closed window, a killed tmux session) its tty hangs up: every write
fails (EIO), and the kernel sends SIGHUP and SIGCONT. Textual 8's driver then hangs for good:

- its output thread (`_writer_thread.WriterThread`) dies on the first failed write, and with
  nobody emptying its queue (30 writes long) the app's next writes, and `close()`'s own
  `queue.put(None)`, block the main thread forever, event loop and all, so even SIGTERM is
  never handled (asyncio runs signal handlers on that loop);
- SIGCONT, meant for coming back from ctrl+z, restarts application mode even when nothing
  suspended it, with a second output thread that dies the same way.

Here the output thread writes through `TerminalOutput`, which swallows a failed write and drops
every later one (so the queue always drains and nothing blocks), and tells the app once
(`TerminalGone`); SIGCONT restarts application mode only after this driver's own suspend.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TextIO, cast

from textual.drivers.linux_driver import LinuxDriver

from stretchtimer.tui.messages import TerminalGone

TITLE_WAIT = 0.1
"""Seconds a new terminal title waits for a frame to go out with."""


class TerminalOutput:
    """The terminal as Textual's output thread writes to it; a failed write ends the output."""

    def __init__(self, file: TextIO, gone: Callable[[], object]) -> None:
        self._file = file
        self._gone = gone
        self._lock = threading.Lock()
        self.failed = False

    def _failed(self) -> None:
        with self._lock:
            first, self.failed = not self.failed, True
        if first:
            self._gone()

    def write(self, text: str) -> None:
        if self.failed:
            return
        try:
            self._file.write(text)
        except (OSError, ValueError):  # EIO from a hung-up tty; ValueError once it is closed
            self._failed()

    def flush(self) -> None:
        if self.failed:
            return
        try:
            self._file.flush()
        except (OSError, ValueError):
            self._failed()

    def fileno(self) -> int:
        return self._file.fileno()

    def isatty(self) -> bool:
        return self._file.isatty()


class TerminalDriver(LinuxDriver):
    """LinuxDriver whose output never blocks on a closed terminal (see the module's doc)."""

    def __init__(self, app: Any, **options: Any) -> None:
        super().__init__(app, **options)
        output = TerminalOutput(cast(TextIO, self._file), lambda: app.post_message(TerminalGone()))
        self._file = cast(Any, output)  # Textual types it as the text file it wraps
        self._suspended = False
        self._title = ""  # the terminal title waiting for the next frame
        self._flush: asyncio.TimerHandle | None = None  # sends the title if no frame does
        self._loop_thread = 0

    def set_title(self, title: str) -> None:
        """Set the terminal's title with the next frame: each write wakes Textual's output
        thread, and the title changes with the countdown, once a second. If no frame goes
        out within TITLE_WAIT (nothing else changed on screen), it goes out alone.

        Called on the app's event loop."""
        self._title = f"\x1b]2;{title}\x07"
        if self._flush is None:
            self._loop_thread = threading.get_ident()
            self._flush = asyncio.get_running_loop().call_later(TITLE_WAIT, self.flush_title)

    def flush_title(self) -> None:
        """Send a title that no frame took."""
        self._flush = None
        if self._title:
            self.write("")

    def write(self, data: str) -> None:
        """Write `data`, after the title waiting for it if there is one. The app's frames are
        written on its loop; the bell may ring from the sound thread."""
        if self._title:
            data, self._title = self._title + data, ""
            if self._flush is not None and threading.get_ident() == self._loop_thread:
                self._flush.cancel()  # no need to wake up for it
                self._flush = None
        super().write(data)

    def close(self) -> None:
        if self._flush is not None:
            self._flush.cancel()
            self._flush = None
        super().close()

    def _sigtstp_application(self, *args: Any) -> None:
        self._suspended = True
        super()._sigtstp_application(*args)

    def _sigcont_application(self, *args: Any) -> None:
        """Come back from our own ctrl+z; any other SIGCONT (a hang-up sends one) is not ours."""
        if self._suspended:
            self._suspended = False
            super()._sigcont_application(*args)
