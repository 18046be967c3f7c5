"""The reminder against a real session bus (`dbus-run-session`) and a stand-in desktop that
speaks the same protocol (tests/standin_desktop.py): GNOME's idle monitor, and a notification
server whose buttons are pressed. python-dbusmock records calls but declares no signals, so it
could not press a button; the stand-in does."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from queue import Empty, Queue
from typing import Any

import pytest
from conftest import REPO

from stretchtimer.remind.idle import find_idle_source
from stretchtimer.remind.notify import Offer, find_notifier
from stretchtimer.remind.scheduler import Answer

STANDIN = REPO / "tests" / "standin_desktop.py"
WAIT = 20.0

pytestmark = pytest.mark.skipif(
    shutil.which("dbus-run-session") is None, reason="needs dbus-run-session (apt: dbus-daemon)"
)


class Desktop:
    """The stand-in desktop on its own session bus."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            ["dbus-run-session", "--", sys.executable, str(STANDIN)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        self.lines: Queue[str | None] = Queue()
        threading.Thread(target=self._read, daemon=True).start()
        self.address = self.expect("ready").split(" ", 1)[1].strip()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def send(self, command: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(command + "\n")
        self.process.stdin.flush()
        self.expect(command.split()[0] + ("ed" if command.startswith("press") else ""))

    def expect(self, word: str, timeout: float = WAIT) -> str:
        deadline = time.monotonic() + timeout
        while True:
            try:
                line = self.lines.get(timeout=max(0.0, deadline - time.monotonic()))
            except Empty:
                raise AssertionError(f"the stand-in never said {word!r}") from None
            if line is None:
                raise AssertionError(f"the stand-in ended before {word!r}")
            if line.startswith(word):
                return line

    def close(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(10)


@pytest.fixture
def desktop(monkeypatch: pytest.MonkeyPatch) -> Iterator[Desktop]:
    standin = Desktop()
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", standin.address)
    try:
        yield standin
    finally:
        standin.close()


async def test_the_idle_source_is_gnome_s_idle_monitor(desktop: Desktop) -> None:
    source, tried = await find_idle_source("auto")
    try:
        assert source.name == "mutter" and tried == [("mutter", "works")]
        assert await source.idle() == pytest.approx(0, abs=0.5)
        desktop.send("idle 400000")
        assert await source.idle() == pytest.approx(400, abs=2)
    finally:
        await source.close()


@pytest.mark.parametrize("name", ["screensaver", "logind"])
async def test_the_other_d_bus_idle_sources(
    desktop: Desktop, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", desktop.address)  # logind's stand-in
    source, tried = await find_idle_source(name)
    try:
        assert source.name == name and tried == [(name, "works")]
        assert await source.idle() == pytest.approx(0, abs=1)
        desktop.send("idle 400000")
        assert await source.idle() == pytest.approx(400, abs=2)
    finally:
        await source.close()


async def test_a_notification_s_button_is_the_answer(desktop: Desktop) -> None:
    answers: list[Answer] = []
    notifier, tried = await find_notifier("auto", answers.append, None)
    try:
        assert notifier.name == "desktop" and notifier.answers
        assert tried == [("desktop", "works")]
        await notifier.offer(Offer("Time to stretch: Desk Break", "50 minutes at the computer."))
        shown = desktop.expect("notify")
        assert '"summary": "Time to stretch: Desk Break"' in shown
        assert (
            '"actions": ["start", "Start", "snooze", "Snooze 5 min",'
            ' "snooze-long", "Snooze 10 min", "skip", "Skip"]'
        ) in shown
        desktop.send("press snooze-long")
        for _ in range(100):
            if answers:
                break
            await _tick()
        assert answers == [Answer.SNOOZE_LONG]
        await notifier.offer(Offer("Time to stretch (again)", "", snooze=False))
        again = desktop.expect("notify")
        assert '"actions": ["start", "Start", "skip", "Skip"]' in again
        await notifier.withdraw()
        desktop.expect("close")
        assert not await notifier.quiet()
        desktop.send("inhibit on")
        assert await notifier.quiet()
    finally:
        await notifier.close()


@pytest.mark.parametrize("name", ["terminal", "bell"])
async def test_do_not_disturb_holds_for_the_terminal_and_the_bell(
    desktop: Desktop, name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    written: list[str] = []
    notifier, _ = await find_notifier(name, lambda _: None, written.append)
    try:
        assert notifier.name == name
        assert not await notifier.quiet()
        desktop.send("inhibit on")
        assert await notifier.quiet()
        desktop.send("inhibit off")
        assert not await notifier.quiet()
    finally:
        await notifier.close()


async def _tick() -> None:
    import asyncio

    await asyncio.sleep(0.05)


def remind(tmp_path: Path, desktop: Desktop, *args: str) -> subprocess.Popen[str]:
    config = tmp_path / "config"
    (config / "config.toml").write_text('work_hours = "always"\n', encoding="utf-8")
    env = {
        **os.environ,
        "DBUS_SESSION_BUS_ADDRESS": desktop.address,
        "STRETCHTIMER_CONFIG_DIR": str(config),
        "STRETCHTIMER_DATA_DIR": str(tmp_path / "data"),
    }
    env.pop("TMUX", None)
    return subprocess.Popen(
        [sys.executable, "-m", "stretchtimer", "remind", "--background", *args],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )


def breaks(tmp_path: Path) -> list[tuple[object, ...]]:
    with sqlite3.connect(tmp_path / "data" / "history.sqlite3") as connection:
        return connection.execute(
            "SELECT reason, outcome, snoozes, routine_id, session_id FROM breaks ORDER BY id"
        ).fetchall()


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def wait_for_breaks(tmp_path: Path, count: int) -> list[tuple[object, ...]]:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        try:
            found = breaks(tmp_path)
        except sqlite3.Error:
            found = []
        if len(found) >= count and all(row[1] not in ("offered", "snoozed") for row in found):
            return found
        time.sleep(0.1)
    return breaks(tmp_path)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_background_offers_a_break_and_the_skip_button_is_kept(
    tmp_path: Path, desktop: Desktop
) -> None:
    reminder = remind(tmp_path, desktop, "--every", "1", "--speed", "60")
    try:
        shown = desktop.expect("notify")
        assert "Time to stretch" in shown and "Desk Break" in shown
        desktop.send("press skip")
        assert wait_for_breaks(tmp_path, 1) == [("every", "skipped", 0, "desk-break", None)]
        peak = peak_rss_mib(reminder.pid)
    finally:
        reminder.send_signal(signal.SIGTERM)
        out, err = reminder.communicate(timeout=WAIT)
    assert reminder.returncode == 0, err
    assert out == ""  # quiet on stdout
    assert err == ""
    assert peak <= 30, f"peak RSS {peak:.1f} MiB"


def test_start_opens_the_session_and_the_history_keeps_the_break_taken(
    tmp_path: Path, desktop: Desktop
) -> None:
    session = f"{sys.executable} -m stretchtimer run {{routine}} --plain --speed 1000"
    speed = 120
    reminder = remind(
        tmp_path, desktop, "--every", "1", "--speed", str(speed), "--start-command", session
    )
    try:
        desktop.expect("notify")
        desktop.send("press snooze")
        again = desktop.expect("notify")  # five minutes later, at x120 2.5 s
        assert "(again)" in again
        # hands off from now on: away longer than a look (180 s), shorter than a break
        desktop.send(f"idle {180_000 // speed} fixed")
        desktop.send("press start")
        [(reason, outcome, snoozes, routine, session_id)] = wait_for_breaks(tmp_path, 1)
    finally:
        reminder.send_signal(signal.SIGTERM)
        _, err = reminder.communicate(timeout=WAIT)
    assert (reason, outcome, snoozes, routine) == ("every", "taken", 1, "desk-break"), err
    assert isinstance(session_id, int)
    assert reminder.returncode == 0, err


def test_a_session_spent_typing_is_kept_as_typing(tmp_path: Path, desktop: Desktop) -> None:
    session = f"{sys.executable} -m stretchtimer run {{routine}} --plain --speed 200"
    reminder = remind(
        tmp_path, desktop, "--every", "1", "--speed", "60", "--start-command", session
    )
    try:
        desktop.expect("notify")
        desktop.send("press start")  # and the idle monitor keeps seeing input
        [(_, outcome, _, _, session_id)] = wait_for_breaks(tmp_path, 1)
    finally:
        reminder.send_signal(signal.SIGTERM)
        reminder.communicate(timeout=WAIT)
    assert outcome == "typing" and isinstance(session_id, int)


def test_snooze_10_then_5_minutes_then_it_asks_without_snooze(
    tmp_path: Path, desktop: Desktop
) -> None:
    speed = 120  # a minute is half a second
    reminder = remind(tmp_path, desktop, "--every", "1", "--speed", str(speed))
    try:
        desktop.expect("notify")
        desktop.send("press snooze-long")
        pressed = time.monotonic()
        status = wait_for_status(tmp_path, "snoozed")
        ten_minutes = status["next_break"] - status["updated"]
        assert ten_minutes * speed / 60 == pytest.approx(10, abs=1.5)
        again = desktop.expect("notify", timeout=WAIT + 10)
        waited = (time.monotonic() - pressed) * speed / 60  # in the reminder's minutes
        assert "(again)" in again and '"snooze-long"' in again and waited > 8
        desktop.send("press snooze")
        last = desktop.expect("notify", timeout=WAIT + 10)
        assert '"actions": ["start", "Start", "skip", "Skip"]' in last  # twice at most
        desktop.send("press skip")
        assert wait_for_breaks(tmp_path, 1) == [("every", "skipped", 2, "desk-break", None)]
    finally:
        reminder.send_signal(signal.SIGTERM)
        _, err = reminder.communicate(timeout=WAIT)
    assert reminder.returncode == 0, err


def wait_for_status(tmp_path: Path, phase: str) -> dict[str, Any]:
    """The reminder's status file once it says `phase`."""
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError, ValueError):
            status = json.loads((tmp_path / "data" / "remind.json").read_text())
            if status.get("phase") == phase:
                return dict(status)
        time.sleep(0.05)
    raise AssertionError(f"the status never said {phase!r}")


def test_follow_workrave_opens_a_session_when_its_rest_break_begins(
    tmp_path: Path, desktop: Desktop
) -> None:
    session = f"{sys.executable} -m stretchtimer run {{routine}} --plain --speed 1000"
    env = {**os.environ, "DBUS_SESSION_BUS_ADDRESS": desktop.address}
    env.pop("TMUX", None)
    follower = subprocess.Popen(
        [sys.executable, "-m", "stretchtimer", "follow", "workrave", "--start-command", session],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert follower.stdout is not None
        assert "Following Workrave's rest breaks" in follower.stdout.readline()
        desktop.send("workrave prelude")  # the prelude is not the break
        desktop.send("workrave break")
        assert "Workrave's rest break began: Desk Break" in follower.stdout.readline()
        seen = []  # the session's own lines (plain mode, here), then the follower's
        while (line := follower.stdout.readline()) and line != "The session is over.\n":
            seen.append(line)
        assert line == "The session is over.\n" and any("Finished" in s for s in seen)
    finally:
        follower.send_signal(signal.SIGTERM)
        _, err = follower.communicate(timeout=WAIT)
    assert follower.returncode == 0, err
    from stretchtimer.history.store import read_sessions

    [record] = read_sessions(path=tmp_path / "data" / "history.sqlite3")
    assert (record.routine_id, record.state) == ("desk-break", "finished")
