"""`stretchtimer` run as a person or a script runs it, in a process of its own: to its end, or
started and read line by line (and stopped at a line), and a short routine to run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

STRETCHTIMER = [sys.executable, "-m", "stretchtimer"]


def environment(env: Mapping[str, str | None] | None) -> dict[str, str]:
    """This process's environment with `env`'s changes (None: that variable taken out)."""
    merged = dict(os.environ)
    for key, value in (env or {}).items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def stretchtimer(
    *args: str, env: Mapping[str, str | None] | None = None
) -> subprocess.CompletedProcess[str]:
    """`stretchtimer ARGS` run to its end, with no terminal (stdin: /dev/null)."""
    return subprocess.run(
        [*STRETCHTIMER, *args],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
        env=environment(env),
    )


def started(*args: str, env: Mapping[str, str | None] | None = None) -> subprocess.Popen[str]:
    """`stretchtimer ARGS` started with no terminal; its output is read as it comes."""
    return subprocess.Popen(
        [*STRETCHTIMER, *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(env),
    )


def signal_at(process: subprocess.Popen[str], at: Callable[[str], bool], signum: int) -> None:
    """Read `process`'s lines until one is `at`, then send it `signum` at once."""
    assert process.stdout is not None
    for line in process.stdout:
        if at(line):
            process.send_signal(signum)
            return
    raise AssertionError("the session ended early")


def kill_9_at(process: subprocess.Popen[str], at: Callable[[str], bool]) -> None:
    """kill -9 `process` at its line `at`: it ends without a word, as in a crash."""
    try:
        signal_at(process, at, signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        process.kill()
        process.communicate()


def written(path: Path, within: float = 20) -> str:
    """`path`'s text once a shell has written it: `cmd > path` makes the file before `cmd`
    writes, so an empty or half-written file is waited out (its last line ends)."""
    deadline = time.monotonic() + within
    while True:
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        if text.endswith("\n"):
            return text
        assert time.monotonic() < deadline, f"{path.name} not written in {within:g} s: {text!r}"
        time.sleep(0.1)


REMINDER_ALONE = 'work_hours = "always"\nidle_source = "none"\nnotify = "off"\n'
"""config.toml for a reminder that needs no desktop: always at work, no idle source, no
notifications."""

QUICK_DESK_BREAK = "quick-desk-break"
QUICK_DESK_BREAK_FILE = """\
id: quick-desk-break
name: Quick Desk Break
purpose: The Desk Break's six moves, each at its least, for the tests.
focus: [neck, upper-back]
prepare: 3
rest: 0
exercises:
  - exercise: neck-roll
    dose: {rounds: 1}
  - exercise: shoulder-roll
    dose: {rounds: 1}
  - exercise: overhead-arm-reach
    dose: {reps: 2, tempo: 3}
  - exercise: scapular-squeeze
    dose: {seconds: 3, repeats: 1}
  - exercise: upper-trapezius-stretch
    dose: {seconds: 3, per_side: false}
  - exercise: levator-scapulae-stretch
    dose: {seconds: 3, per_side: false}
"""
"""Desk Break's exercises in its order (neck roll, shoulder roll, overhead arm reach, scapular
squeeze, upper trapezius and levator scapulae stretches) in 1:24 instead of 5:26: a whole
session of six exercises at --speed 20 in about 4 s."""


def quick_desk_break(config: Path) -> str:
    """Write the quick desk break into the user's folder `config`; its id."""
    (config / "exercises" / f"{QUICK_DESK_BREAK}.yaml").write_text(QUICK_DESK_BREAK_FILE)
    return QUICK_DESK_BREAK
