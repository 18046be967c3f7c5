"""`stretchtimer` run with its stdin on a pseudo-terminal: keys go in, lines come out."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
import termios
import threading
import time
from queue import Empty, Queue

WAIT = 20.0  # seconds a line may take before the test fails (rather than hang)


class Terminal:
    """A plain-mode session that believes a person is at the keyboard."""

    def __init__(self, *args: str) -> None:
        self._leader, follower = pty.openpty()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "stretchtimer", *args],
            stdin=follower,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        os.close(follower)
        self.seen: list[str] = []
        self._lines: Queue[str | None] = Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self._lines.put(line)
        self._lines.put(None)

    def press(self, keys: bytes) -> None:
        os.write(self._leader, keys)

    def line_mode(self) -> None:
        """Put the terminal back in line mode (keys wait for Enter), as a shell does when the
        program in it is stopped with Ctrl+Z."""
        attributes = termios.tcgetattr(self._leader)
        attributes[3] |= termios.ICANON | termios.ECHO
        termios.tcsetattr(self._leader, termios.TCSANOW, attributes)

    def in_line_mode(self) -> bool:
        return bool(termios.tcgetattr(self._leader)[3] & termios.ICANON)

    def expect(self, text: str) -> str:
        """The next line that holds `text` (lines before it are passed over)."""
        deadline = time.monotonic() + WAIT
        while True:
            try:
                line = self._lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except Empty:
                raise AssertionError(f"no line with {text!r} in {WAIT} s: {self.seen}") from None
            if line is None:
                raise AssertionError(f"no line with {text!r}: {self.seen}")
            self.seen.append(line)
            if text in line:
                return line

    def finish(self, timeout: float = 10.0) -> str:
        """Wait for the program to end; everything it printed."""
        self.process.wait(timeout=timeout)
        while (line := self._lines.get(timeout=WAIT)) is not None:
            self.seen.append(line)
        return "".join(self.seen)

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *_: object) -> None:
        self.process.kill()
        self.process.wait()
        os.close(self._leader)
