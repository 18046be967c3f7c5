"""`stretchtimer` run with its stdin on a pseudo-terminal: keys go in, lines come out."""

from __future__ import annotations

import os
import pty
import subprocess
import sys


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

    def press(self, keys: bytes) -> None:
        os.write(self._leader, keys)

    def expect(self, text: str) -> str:
        """The next line that holds `text` (lines before it are passed over)."""
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if text in line:
                return line
        raise AssertionError(f"no line with {text!r}")

    def __enter__(self) -> Terminal:
        return self

    def __exit__(self, *_: object) -> None:
        self.process.kill()
        self.process.communicate()
        os.close(self._leader)
