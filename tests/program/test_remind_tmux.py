"""`stretchtimer remind` in tmux, as a person would use it: its screen in a window, a break
offered after a minute of work (at x60), Start opening the session in a popup over the window,
and the history keeping the break as taken. The popup needs a tmux client, so the reminder's
tmux runs inside another tmux, whose screen the test reads."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from programs import REMINDER_ALONE, quick_desk_break

from stretchtimer.safety import SAFETY_SEEN_FILE

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")


class Nested:
    """An outer tmux (detached, read by the test) whose only pane is a client of an inner
    tmux, where the reminder runs."""

    def __init__(self, tmp_path: Path) -> None:
        tag = uuid.uuid4().hex[:12]
        self.outer = f"st-outer-{tag}"
        self.inner = f"st-inner-{tag}"
        self.tmp_path = tmp_path

    def tmux(self, socket: str, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", socket, *args], capture_output=True, text=True, check=True
        )
        return result.stdout

    def start(self, command: str) -> None:
        config = self.tmp_path / "tmux.conf"
        config.write_text("set -g status off\n", encoding="utf-8")
        inner = shlex.join(
            ["tmux", "-L", self.inner, "-f", str(config), "new-session", "-s", "r", command]
        )
        self.tmux(self.outer, "-f", str(config), "new-session", "-d", "-s", "o", "-x", "100")
        self.tmux(self.outer, "resize-window", "-t", "o", "-x", "100", "-y", "30")
        self.tmux(self.outer, "respawn-pane", "-k", "-t", "o", inner)

    def screen(self) -> str:
        return self.tmux(self.outer, "capture-pane", "-p", "-t", "o")

    def keys(self, *keys: str) -> None:
        self.tmux(self.outer, "send-keys", "-t", "o", *keys)

    def wait_for(self, text: str, timeout: float = 30) -> str:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.2)
        raise AssertionError(f"{text!r} never appeared; the screen:\n{self.screen()}")

    def close(self) -> None:
        for socket in (self.inner, self.outer):
            subprocess.run(["tmux", "-L", socket, "kill-server"], capture_output=True)


def short_breaks(config: Path) -> str:
    """Two-minute breaks, and a routine of 1:24 that fits them (Desk Break takes 5:26): the
    session a break opens is over in under 2 s at x60. Its id."""
    routine = quick_desk_break(config)
    (config / SAFETY_SEEN_FILE).touch()
    (config / "config.toml").write_text(f"{REMINDER_ALONE}break_minutes = 2\n", encoding="utf-8")
    return routine


@pytest.fixture
def nested(tmp_path: Path) -> Iterator[Nested]:
    terminal = Nested(tmp_path)
    try:
        yield terminal
    finally:
        terminal.close()


def test_a_break_in_tmux_opens_in_a_popup_and_is_kept_as_taken(
    nested: Nested, tmp_path: Path, user_config: Path
) -> None:
    routine = short_breaks(user_config)
    data = tmp_path / "data"
    env = {
        "STRETCHTIMER_CONFIG_DIR": str(user_config),
        "STRETCHTIMER_DATA_DIR": str(data),
        "PATH": os.environ.get("PATH", ""),
        "TERM": "xterm-256color",
    }
    exports = " ".join(f"{key}={shlex.quote(value)}" for key, value in env.items())
    command = (
        f"env {exports} {shlex.quote(sys.executable)} -m stretchtimer remind --every 1"
        " --speed 60 --mute; echo REMIND-EXITED-$?; sleep 30"
    )
    nested.start(command)
    nested.wait_for("Next break in")
    screen = nested.wait_for("Break time", timeout=40)
    assert "Time to stretch: Quick Desk Break" in screen
    assert "0 taken, 0 skipped of 1 offered" in screen  # the one up counts (it said 0 of 0)
    nested.keys("s")
    popup = nested.wait_for("Well done", timeout=60)  # the session, x60, in the popup
    assert "│" in popup or "─" in popup  # drawn in a popup's frame, over the reminder
    nested.keys("q")
    after = nested.wait_for("Next break in", timeout=20)
    assert "1 taken, 0 skipped of 1 offered" in after
    with sqlite3.connect(data / "history.sqlite3") as connection:
        rows = connection.execute(
            "SELECT b.reason, b.outcome, s.routine_id, s.state FROM breaks b"
            " JOIN sessions s ON s.id = b.session_id"
        ).fetchall()
    connection.close()
    assert rows == [("every", "taken", routine, "finished")]
    nested.keys("q")
    nested.wait_for("REMIND-EXITED-0")


def test_without_tmux_start_turns_the_reminder_s_terminal_into_the_session(
    nested: Nested, tmp_path: Path, user_config: Path
) -> None:
    short_breaks(user_config)
    data = tmp_path / "data"
    command = (
        f"env -u TMUX STRETCHTIMER_CONFIG_DIR={shlex.quote(str(user_config))}"
        f" STRETCHTIMER_DATA_DIR={shlex.quote(str(data))} {shlex.quote(sys.executable)}"
        " -m stretchtimer remind --every 1 --speed 60 --mute; echo REMIND-EXITED-$?; sleep 30"
    )
    nested.tmux(nested.outer, "new-session", "-d", "-s", "o", "-x", "90", "-y", "30", command)
    screen = nested.wait_for("start: this terminal")
    screen = nested.wait_for("Break time", timeout=40)
    assert "z: snooze 5 min  Z: 10 min" in screen
    nested.keys("Z")  # ten minutes, at x60 ten seconds
    screen = nested.wait_for("Snoozed: the break comes back in", timeout=20)
    assert re.search(r"comes back in (10:00|9:[0-5]\d)", screen), screen
    nested.wait_for("Break time", timeout=40)
    nested.keys("s")
    screen = nested.wait_for("Well done", timeout=60)
    assert "Break time" not in screen  # the session has the whole terminal
    nested.keys("q")
    after = nested.wait_for("Next break in", timeout=20)
    assert "1 taken, 0 skipped of 1 offered" in after
    with sqlite3.connect(data / "history.sqlite3") as connection:
        rows = connection.execute("SELECT outcome, session_id IS NOT NULL FROM breaks").fetchall()
    connection.close()
    assert rows == [("taken", 1)]  # snoozed once, then taken
    nested.keys("q")
    nested.wait_for("REMIND-EXITED-0")


async def test_tmux_client_activity_is_an_idle_source(
    nested: Nested, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stretchtimer.remind.idle import find_idle_source

    nested.start("sleep 60")
    nested.wait_for("")
    for _ in range(50):  # the inner server, once its client is attached
        result = subprocess.run(
            ["tmux", "-L", nested.inner, "display-message", "-p", "#{socket_path}"],
            capture_output=True,
            text=True,
        )
        if result.returncode == 0 and result.stdout.strip():
            break
        time.sleep(0.1)
    monkeypatch.setenv("TMUX", f"{result.stdout.strip()},{os.getpid()},0")
    source, tried = await find_idle_source("tmux")
    assert tried == [("tmux", "works")]
    idle = await source.idle()
    assert idle is not None and 0 <= idle < 10
