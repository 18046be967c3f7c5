"""A program stopped and continued (Ctrl+Z then `fg`, SIGSTOP then SIGCONT, a paused VM): the
session waits where it was, plays no backlog, never counts the time stopped as active, and
plain mode's keys still need no Enter."""

from __future__ import annotations

import signal
import subprocess
import sys
import time

from terminal import Terminal

from stretchtimer.history.store import read_sessions
from stretchtimer.session.clock import STALL_LIMIT

STOPPED = STALL_LIMIT + 1.5  # seconds stopped: longer than the engine lets pass as a hiccup


def test_after_ctrl_z_and_fg_the_session_waits_and_keys_need_no_enter() -> None:
    with Terminal("run", "desk-break", "--plain", "--mute") as terminal:
        terminal.expect("How stiff or sore is your back right now?")
        terminal.process.send_signal(signal.SIGSTOP)
        terminal.line_mode()  # what the shell does while the program is stopped
        time.sleep(STOPPED)
        terminal.process.send_signal(signal.SIGCONT)
        line = terminal.expect("Paused: the program was stopped for")
        assert line.rstrip().endswith("Press space to resume.")
        terminal.press(b"6")  # no Enter: single keys again
        terminal.expect("Noted: 6 of 10.")
        assert not terminal.in_line_mode()
        terminal.press(b" ")
        terminal.expect("Resumed.")
        terminal.press(b"q")
        terminal.press(b"y")
        terminal.expect("Stopped: ")
        terminal.expect("And now, how stiff or sore is it?")
        terminal.press(b"x")
        terminal.expect("Noted: 10 of 10 (before: 6).")
        assert terminal.process.wait(timeout=10) == 0
    [session] = read_sessions()
    assert session.feeling_before == 6
    assert session.paused_seconds >= STOPPED - 1  # stopped at most a second after a deadline
    assert session.active_seconds < 5  # the question came in the first few seconds


def test_without_a_terminal_a_stopped_session_goes_on_from_where_it_was() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "stretchtimer", "run", "desk-break", "--plain", "--mute"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    try:
        while not process.stdout.readline().startswith("[0:00]"):  # the first step
            pass
        time.sleep(1)
        process.send_signal(signal.SIGSTOP)
        time.sleep(STOPPED)
        process.send_signal(signal.SIGCONT)
        paused = process.stdout.readline()
        while paused.startswith("    "):  # the exercise's steps, printed with its first step
            paused = process.stdout.readline()
        assert "Paused: the program was stopped for" in paused, paused
        assert process.stdout.readline().rstrip().endswith("Resumed.")
        process.send_signal(signal.SIGTERM)
        out, _ = process.communicate(timeout=10)
    finally:
        process.kill()
    assert out.splitlines()[-1].startswith("Stopped: "), out  # no step in between
    [session] = read_sessions()
    assert session.paused_seconds >= STOPPED - 1 and session.active_seconds < 4
