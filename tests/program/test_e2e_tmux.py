"""End to end: the installed `stretchtimer` in a real terminal (tmux), read as a person would."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from programs import quick_desk_break

from stretchtimer.history.store import read_sessions
from stretchtimer.safety import SAFETY_SEEN_FILE

STRETCHTIMER = Path(sys.executable).parent / "stretchtimer"

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


class Terminal:
    """A detached tmux session on its own server socket."""

    def __init__(self, socket: str) -> None:
        self.socket = socket

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return result.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "t")

    def title(self) -> str:
        return self.tmux("display-message", "-p", "-t", "t", "#{pane_title}").strip()

    def keys(self, *keys: str) -> None:
        self.tmux("send-keys", "-t", "t", *keys)

    def wait_for(self, text: str, timeout: float = 15) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} never appeared; the screen:\n{self.screen()}")


def wait_until(check: Callable[[], bool], what: str, timeout: float = 15) -> None:
    end = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < end, f"{what}: not within {timeout} s"
        time.sleep(0.1)


@pytest.fixture
def terminal(tmp_path: Path) -> Iterator[Terminal]:
    term = Terminal(f"stretchtimer-test-{uuid.uuid4().hex}")
    no_device = tmp_path / "no-device.conf"  # ALSA with a sound card that is not there
    no_device.write_text("pcm.!default { type hw card 99 }\nctl.!default { type hw card 99 }\n")
    command = (
        f"ALSA_CONFIG_PATH=/usr/share/alsa/alsa.conf:{no_device} "
        f"STRETCHTIMER_CONFIG_DIR={tmp_path / 'config'} STRETCHTIMER_DATA_DIR={tmp_path / 'data'} "
        f"{STRETCHTIMER} --speed 10; echo EXITED-$?; sleep 30"
    )
    term.tmux("new-session", "-d", "-s", "t", "-x", "80", "-y", "24", command)
    try:
        yield term
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True)


PHASE_WORDS = ("GET READY", "WORK", "REST")


def countdown_rows(screen: str) -> list[str]:
    """The rows of big digits under the phase's name (GET READY, WORK or REST), drawn with
    half blocks."""
    lines = screen.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith(PHASE_WORDS)) + 1
    rows = [line[:16] for line in lines[start : start + 3]]
    assert any(char in "".join(rows) for char in "█▀▄"), rows
    return rows


def test_pick_pause_resume_skip_and_quit_in_a_real_terminal(terminal: Terminal) -> None:
    picker = terminal.wait_for("Desk Break             5:26")
    assert "choose a routine" in picker
    assert "Equipment at hand" in terminal.wait_for("Equipment at hand")  # just after the list
    terminal.keys("Enter")
    terminal.wait_for("Before you start")  # the safety note, the first time only
    terminal.keys("Enter")
    terminal.wait_for("WARM-UP  1 of 6")
    session = terminal.wait_for("space Pause")
    assert "Neck Roll" in session
    session = terminal.wait_for("sound: terminal bell")  # no audio device: the next backend
    assert "ALSA" not in session  # and nothing from ALSA on the screen

    terminal.keys("space")
    paused = terminal.wait_for("PAUSED")
    time.sleep(1.5)  # 15 s of session time at --speed 10
    still = terminal.screen()
    assert "PAUSED" in still
    assert countdown_rows(still) == countdown_rows(paused), "the countdown moved while paused"

    terminal.keys("space")
    time.sleep(0.6)
    running = terminal.screen()
    assert "PAUSED" not in running

    terminal.keys("N")
    terminal.wait_for("WARM-UP  2 of 6")
    terminal.wait_for("Shoulder Roll")
    wait_until(lambda: terminal.title().endswith(" - Shoulder Roll"), "the step in the title")

    terminal.keys("q")
    terminal.wait_for("Stop this session?")
    terminal.keys("y")
    summary = terminal.wait_for("Session stopped")
    assert "Exercises skipped  1: Neck Roll" in summary
    assert "Stopped in         Shoulder Roll" in summary  # where it was left
    wait_until(lambda: terminal.title() == "stretchtimer", "the title names no step after it")
    terminal.keys("q")
    terminal.wait_for("EXITED-0")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_a_killed_or_closed_terminal_keeps_the_session_as_stopped(
    tmp_path: Path, user_config: Path, signum: signal.Signals
) -> None:
    term = Terminal(f"stretchtimer-test-{uuid.uuid4().hex}")
    (user_config / SAFETY_SEEN_FILE).touch()
    routine = quick_desk_break(user_config)  # its first exercise: 23 s, 1.2 s at x20
    env = f"STRETCHTIMER_CONFIG_DIR={user_config} STRETCHTIMER_DATA_DIR={tmp_path / 'data'}"
    command = f"{env} {STRETCHTIMER} run {routine} --speed 20 --mute; echo EXITED-$?; sleep 30"
    term.tmux("new-session", "-d", "-s", "t", "-x", "80", "-y", "24", command)
    try:
        term.wait_for("WARM-UP  2 of 6")
        shell = term.tmux("display", "-p", "-t", "t", "#{pane_pid}").strip()
        app = subprocess.run(["pgrep", "-P", shell], capture_output=True, text=True).stdout
        os.kill(int(app.split()[0]), signum)
        term.wait_for(f"EXITED-{128 + signum}")  # as plain mode, and as a shell expects
    finally:
        subprocess.run(["tmux", "-L", term.socket, "kill-server"], capture_output=True)
    [session] = read_sessions()
    assert session.state == "stopped"
    assert (session.exercises[0].exercise_id, session.exercises[0].outcome) == ("neck-roll", "done")


@pytest.mark.parametrize("page", ["PageDown", "PageUp"])
def test_paging_the_command_palette_at_once_does_not_end_the_app(
    terminal: Terminal, page: str
) -> None:
    """ctrl+p then a page key before the palette was laid out raised KeyError in Textual's
    OptionList and ended the app (tui/upstream.py)."""
    terminal.wait_for("Desk Break             5:26")
    terminal.keys("C-p", page)  # one write: the page key reaches the palette at once
    time.sleep(1.0)
    screen = terminal.screen()
    assert "EXITED" not in screen and "KeyError" not in screen, screen
    terminal.keys("Escape")
    assert "choose a routine" in terminal.wait_for("choose a routine")


def test_the_terminal_title_tells_the_time_and_follows_pause(terminal: Terminal) -> None:
    """The title goes out with the frame of the same second (one write, not two), and still
    when nothing else on screen changes with it."""
    terminal.wait_for("Desk Break")
    terminal.keys("Enter")
    terminal.wait_for("Before you start")
    terminal.keys("Enter")
    terminal.wait_for("WARM-UP  1 of 6")

    def title() -> str:
        return terminal.tmux("display", "-p", "-t", "t", "#{pane_title}").strip()

    # The screen's first frame is drawn from the routine before the engine's first second,
    # which brings the first title.
    end = time.monotonic() + 5
    while not re.fullmatch(r"\d+:\d\d .+ - Neck Roll", title()) and time.monotonic() < end:
        time.sleep(0.05)
    first = title()
    assert re.fullmatch(r"\d+:\d\d .+ - Neck Roll", first), first
    end = time.monotonic() + 5
    while title() == first and time.monotonic() < end:
        time.sleep(0.05)
    assert title() != first  # a new second, a new title
    terminal.keys("Space")
    terminal.wait_for("PAUSED")
    end = time.monotonic() + 5
    while not title().startswith("PAUSED - ") and time.monotonic() < end:
        time.sleep(0.05)
    assert title().startswith("PAUSED - "), title()
