"""The app in a real terminal (tmux) where a person meets its edges: keys typed as it starts,
a terminal that closes under it, a terminal that cannot draw it (issue 13)."""

from __future__ import annotations

import contextlib
import fcntl
import math
import os
import pty
import select
import shutil
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from test_e2e_tmux import STRETCHTIMER, Terminal

from stretchtimer.history.store import read_sessions
from stretchtimer.safety import SAFETY_SEEN_FILE

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


@pytest.fixture
def start(tmp_path: Path, user_config: Path) -> Iterator[Callable[..., Terminal]]:
    """Start `stretchtimer ARGS` in a new 80x24 tmux terminal; the terminals close after."""
    (user_config / SAFETY_SEEN_FILE).touch()
    sockets: list[str] = []

    def start(*args: str, env: str = "") -> Terminal:
        term = Terminal(f"stretchtimer-test-{uuid.uuid4().hex}")
        sockets.append(term.socket)
        command = (
            f"STRETCHTIMER_CONFIG_DIR={user_config} STRETCHTIMER_DATA_DIR={tmp_path / 'data'} "
            f"{env} {STRETCHTIMER} {' '.join(args)}; echo EXITED-$?; sleep 30"
        )
        term.tmux("new-session", "-d", "-s", "t", "-x", "80", "-y", "24", command)
        return term

    yield start
    for socket in sockets:
        subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


def test_keys_typed_as_the_app_starts_are_kept(start: Callable[..., Terminal]) -> None:
    terminal = start("--mute")
    terminal.keys("Down", "Enter")  # before the app is up: the second routine, started
    terminal.wait_for("WARM-UP  1 of 20")
    assert "Full Back Session" in terminal.screen()


class Hangup:
    """`stretchtimer ARGS` on a pseudo-terminal that is its controlling terminal, as in a
    terminal window; `close()` closes the window: the tty hangs up, the kernel sends SIGHUP and
    SIGCONT, and every write to it fails."""

    def __init__(self, *args: str) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the program, in the terminal
            os.execv(sys.executable, [sys.executable, "-m", "stretchtimer", *args])
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
        self.screen = b""
        self.closing = threading.Event()
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        """Read everything the program writes, as a terminal does (it must not block on us),
        until the terminal is closed (a read in progress would keep it open)."""
        with contextlib.suppress(OSError):
            while not self.closing.is_set():
                if select.select([self.fd], [], [], 0.05)[0]:
                    self.screen = (self.screen + os.read(self.fd, 65536))[-20000:]

    def wait_for(self, text: bytes, timeout: float = 20) -> None:
        end = time.monotonic() + timeout
        while text not in self.screen:
            assert time.monotonic() < end, f"{text!r} never appeared: {self.screen[-500:]!r}"
            time.sleep(0.05)

    def close(self) -> float:
        """Close the terminal; how long the program took to end (it is killed after 5 s)."""
        self.closing.set()
        self.reader.join()
        os.close(self.fd)
        start = time.monotonic()
        while time.monotonic() - start < 5:
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                return time.monotonic() - start
            time.sleep(0.02)
        os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        return math.inf


def test_a_closed_terminal_ends_the_app_within_a_second_every_time(
    user_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (user_config / SAFETY_SEEN_FILE).touch()
    monkeypatch.setenv("ALSA_CONFIG_PATH", "/dev/null")  # no sound device: nothing to wait for
    took = []
    for attempt in range(10):  # a session, then the picker with no session, and again
        in_session = attempt % 2 == 0
        args = ["run", "desk-break", "--speed", "10"] if in_session else []
        terminal = Hangup(*args, "--mute")
        terminal.wait_for(b"WARM-UP" if in_session else b"Strength, Bodyweight")
        time.sleep(0.3)  # a few frames on screen (at x10, a step or two)
        took.append(terminal.close())
    assert max(took) < 1.5, took  # a second, and some room for a busy machine
    sessions = read_sessions()
    assert len(sessions) == 5 and {session.state for session in sessions} == {"stopped"}


def test_a_terminal_that_cannot_draw_the_app_gets_plain_mode_and_one_line_saying_so(
    user_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (user_config / SAFETY_SEEN_FILE).touch()
    monkeypatch.setenv("TERM", "dumb")  # Emacs' shell buffer, some CI logs
    terminal = Hangup("run", "desk-break", "--speed", "1000", "--mute")
    terminal.wait_for(b"Finished: ")
    said = terminal.screen.decode()
    assert said.count("cannot draw the app") == 1
    assert "stretchtimer: this terminal (TERM=dumb) cannot draw the app" in said
    assert "Desk Break: 6 exercises" in said and "| Neck Roll | Get ready" in said
    assert "\x1b[" not in said  # no escape codes: no alternate screen, no colours
    terminal.close()

    picker = Hangup()  # no routine yet: the routines, and how to run one as text
    picker.wait_for(b"warm-up")
    said = picker.screen.decode()
    assert "cannot draw the app; `stretchtimer run ROUTINE` runs one as text" in said
    assert "desk-break" in said and "\x1b[" not in said
    picker.close()
