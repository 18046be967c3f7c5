"""The reminder's idle sources and notifiers that are programs (xprintidle, swayidle, tmux,
notify-send), each against a stand-in on PATH that speaks as the real one does; the terminal's
notification escapes; the hooks; a session opened in the reminder's own terminal."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from programs import written

from stretchtimer.remind.idle import SWAYIDLE_AFTER, ProgramIdle, find_idle_source
from stretchtimer.remind.notify import Offer, find_notifier, terminal_notification
from stretchtimer.remind.scheduler import Answer


def stand_in(folder: Path, name: str, script: str) -> None:
    """An executable `name` in `folder`, a small shell script."""
    folder.mkdir(exist_ok=True)
    path = folder / name
    path.write_text("#!/bin/sh\n" + script, encoding="utf-8")
    path.chmod(0o755)


@pytest.fixture
def bin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "bin"
    folder.mkdir()
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    return folder


async def test_xprintidle_on_x11(bin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stand_in(bin_dir, "xprintidle", "echo 12345\n")
    monkeypatch.setenv("DISPLAY", ":99")
    source, _ = await find_idle_source("xprintidle")
    assert source.name == "xprintidle"
    assert await source.idle() == pytest.approx(12.345)


async def test_xprintidle_needs_a_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DISPLAY", raising=False)
    source, tried = await find_idle_source("xprintidle")
    assert source.name == "none"
    assert tried[0] == ("xprintidle", "not an X11 session (DISPLAY is not set)")


async def test_swayidle_says_when_input_stops_and_starts(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # as swayidle runs its commands: "echo idle" after the timeout, "echo active" on input
    stand_in(bin_dir, "swayidle", "sleep 0.5; echo idle; sleep 1; echo active; sleep 30\n")
    monkeypatch.setenv("WAYLAND_DISPLAY", "wayland-test")
    source, tried = await find_idle_source("swayidle")
    try:
        assert tried == [("swayidle", "works")]
        assert await source.idle() == 0
        await asyncio.sleep(0.8)
        assert await source.idle() == pytest.approx(SWAYIDLE_AFTER, abs=1)
        await asyncio.sleep(1.2)
        assert await source.idle() == 0
    finally:
        await source.close()


def test_ioreg_and_tmux_answers_are_read() -> None:
    ioreg = ProgramIdle("ioreg", ["ioreg"])
    assert ioreg.read('    | |   "HIDIdleTime" = 2500000000\n') == 2.5
    tmux = ProgramIdle("tmux", ["tmux"])
    now = int(time.time())
    assert tmux.read(f"{now - 100}\n{now - 40}\n") == pytest.approx(40, abs=2)
    assert tmux.read("") is None


async def test_notify_send_with_actions(bin_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = bin_dir / "calls"
    stand_in(
        bin_dir,
        "notify-send",
        'if [ "$1" = --help ]; then echo "  -A, --action=[NAME=]Text..."; exit 0; fi\n'
        f'echo "$@" >> {log}\nsleep 0.2\necho start\n',
    )
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
    answers: list[Answer] = []
    notifier, tried = await find_notifier("auto", answers.append, None)
    assert notifier.name == "notify-send" and notifier.answers
    assert tried[-1] == ("notify-send", "works")
    await notifier.offer(Offer("Time to stretch", "50 minutes at the computer.", snooze=False))
    for _ in range(50):
        if answers:
            break
        await asyncio.sleep(0.05)
    assert answers == [Answer.START]
    call = log.read_text()
    assert "--action=start=Start --action=skip=Skip" in call and "--wait" in call
    await notifier.close()


async def test_an_old_notify_send_without_actions_is_passed_over(
    bin_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    stand_in(bin_dir, "notify-send", 'echo "Usage: notify-send [OPTION...] <SUMMARY>"\n')
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent")
    notifier, tried = await find_notifier("notify-send", lambda _: None, None)
    assert notifier.name == "off"
    assert "no --action" in tried[0][1]


def test_terminal_notifications() -> None:
    assert terminal_notification("Stretch", "now", "xterm-kitty", False) == (
        "\x1b]99;;Stretch: now\x1b\\"
    )
    assert terminal_notification("Stretch", "now", "foot", False) == (
        "\x1b]777;notify;Stretch;now\x1b\\"
    )
    assert terminal_notification("Stretch", "now", "xterm-256color", False) == (
        "\x1b]9;Stretch: now\x07"
    )
    # through tmux: a DCS passthrough, every ESC inside doubled
    assert terminal_notification("Stretch", "now", "xterm", True) == (
        "\x1bPtmux;\x1b\x1b]9;Stretch: now\x07\x1b\\"
    )
    # what could end the escape early or drive the terminal is left out
    assert terminal_notification("a\x1b;b\x07", "c", "xterm", False) == "\x1b]9;ab: c\x07"


def test_hooks_run_with_the_break_in_their_environment(user_config: Path, tmp_path: Path) -> None:
    hook = tmp_path / "hook.txt"
    ended = tmp_path / "ended.txt"
    session = f"{sys.executable} -m stretchtimer run {{routine}} --plain --speed 1000"
    (user_config / "config.toml").write_text(
        'work_hours = "always"\nidle_source = "none"\nnotify = "off"\n'
        f"on_break = \"env | grep ^STRETCHTIMER_ | sort > '{hook}'\"\n"
        f"on_session_end = \"env | grep ^STRETCHTIMER_ | sort > '{ended}'\"\n",
        encoding="utf-8",
    )
    remind = ["remind", "--background", "--every", "1", "--speed", "60"]
    reminder = subprocess.Popen(
        [sys.executable, "-m", "stretchtimer", *remind, "--start-command", session],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        text = written(hook)
        assert "STRETCHTIMER_EVENT=break" in text
        assert "STRETCHTIMER_ROUTINE=desk-break" in text
        assert "STRETCHTIMER_REASON=every" in text
        subprocess.run([sys.executable, "-m", "stretchtimer", "remind", "start"], check=True)
        text = written(ended)
        assert "STRETCHTIMER_EVENT=session-end" in text
        assert "STRETCHTIMER_OUTCOME=taken" in text
        assert "STRETCHTIMER_STATE=finished" in text
    finally:
        reminder.send_signal(signal.SIGTERM)
        reminder.wait(20)


async def test_the_screen_s_keys_say_someone_is_there_and_nothing_else(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from stretchtimer.remind import idle as idle_module

    source, tried = await find_idle_source("keys", screen=True)
    assert isinstance(source, idle_module.KeysIdle) and tried == [("keys", "works")]
    assert await source.idle() == pytest.approx(0, abs=0.5)
    source.last -= 60  # no key for a minute: they may be typing elsewhere
    assert await source.idle() is None
    source.touch()
    assert await source.idle() == pytest.approx(0, abs=0.5)
    _, tried = await find_idle_source("keys", screen=False)
    assert tried[0] == ("keys", "only with the reminder's screen (not --background)")
