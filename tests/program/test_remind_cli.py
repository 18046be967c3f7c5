"""`stretchtimer remind` and `status` as commands: bad settings and options in one line with
exit 2, the status line with and without a reminder, answers sent to a running one, and a
clean end on SIGTERM."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import pytest
from programs import REMINDER_ALONE, started, stretchtimer


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--every", "0"], "argument --every: invalid number '0': use 1 to 480"),
        (["--at", "25:00"], "argument --at: 25:00 is not a time of day"),
        (["--at", "12:30,noon"], "argument --at: 'noon' is not a time of day"),
    ],
)
def test_bad_options_are_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = stretchtimer("remind", "--background", *args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1 and message in result.stderr


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('work_hours = "Mon-Fri 09:00-18:00, Sundy 10:00-12:00"\n', "work_hours: unknown day"),
        ('work_hours = "Mon-Fri 09:00-25:00"\n', "work_hours: 25:00 is not a time of day"),
        ("remind_every = 0\n", "remind_every: 0 is out of range; use 1 to 480"),
    ],
)
def test_bad_settings_name_the_key_and_exit_2(user_config: Path, text: str, message: str) -> None:
    (user_config / "config.toml").write_text(text, encoding="utf-8")
    result = stretchtimer("remind", "--background")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1 and message in result.stderr
    assert "config.toml:1:" in result.stderr


def test_the_screen_needs_a_terminal() -> None:
    result = stretchtimer("remind")
    assert result.returncode == 2
    assert "no terminal: use --background" in result.stderr


def test_no_reminder_running() -> None:
    assert stretchtimer("status").stdout == "stretch: off\n"
    assert json.loads(stretchtimer("status", "--json").stdout) == {
        "running": False,
        "text": "stretch: off",
    }
    result = stretchtimer("remind", "skip")
    assert result.returncode == 2 and "no reminder is running" in result.stderr


def wait_for_status(text: str, timeout: float = 20) -> str:
    end = time.monotonic() + timeout
    line = ""
    while time.monotonic() < end:
        line = stretchtimer("status").stdout.strip()
        if line == text:
            return line
        time.sleep(0.2)
    raise AssertionError(f"status never said {text!r}, last {line!r}")


def background(*args: str) -> subprocess.Popen[str]:
    """`stretchtimer remind --background` away from tmux and any session bus."""
    away = {"TMUX": None, "DBUS_SESSION_BUS_ADDRESS": None}
    return started("remind", "--background", *args, env=away)


def test_status_and_answers_reach_a_running_reminder(user_config: Path, tmp_path: Path) -> None:
    (user_config / "config.toml").write_text(REMINDER_ALONE, encoding="utf-8")
    reminder = background("--every", "5")
    try:
        wait_for_status("stretch in 5m")
        status = json.loads(stretchtimer("status", "--json").stdout)
        assert status["running"] and status["phase"] == "working" and status["pid"] == reminder.pid
        assert stretchtimer("remind", "pause").returncode == 0
        wait_for_status("stretch: paused, next in 65m")
        stretchtimer("remind", "resume")
        wait_for_status("stretch in 5m")
    finally:
        reminder.send_signal(signal.SIGTERM)
        out, err = reminder.communicate(timeout=20)
    assert reminder.returncode == 0
    assert out == ""
    assert "can be offered here but not answered" in err  # notify = "off": said once
    assert stretchtimer("status").stdout == "stretch: off\n"


def test_skip_from_the_command_line_is_kept(user_config: Path, tmp_path: Path) -> None:
    (user_config / "config.toml").write_text(REMINDER_ALONE, encoding="utf-8")
    speed = 240  # a break every 10 minutes: 2.5 s
    reminder = background("--every", "10", "--speed", str(speed))
    try:
        wait_for_status("stretch now")
        assert stretchtimer("remind", "snooze-10").returncode == 0
        wait_for_status("stretch in 1m (snoozed)")
        status = json.loads(stretchtimer("status", "--json").stdout)
        ten_minutes = status["next_break"] - status["updated"]
        assert ten_minutes * speed / 60 == pytest.approx(10, abs=1.5)
        wait_for_status("stretch now")
        assert stretchtimer("remind", "skip").returncode == 0
        wait_for_status("stretch in 1m")  # 10 minutes at x240: under a minute
    finally:
        reminder.send_signal(signal.SIGTERM)
        reminder.communicate(timeout=20)
    with sqlite3.connect(tmp_path / "data" / "history.sqlite3") as connection:
        rows = connection.execute("SELECT reason, outcome, snoozes FROM breaks").fetchall()
    connection.close()
    assert rows == [("every", "skipped", 1)]


def test_install_prints_the_service_and_installs_nothing(tmp_path: Path) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    result = stretchtimer(
        "remind", "--install", "--every", "40", "--at", "17:00", "--at", "12:30", env=env
    )
    assert result.returncode == 0, result.stderr
    assert f"# {tmp_path}/xdg/systemd/user/stretchtimer-remind.service" in result.stdout
    assert "remind --background --every 40 --at 12:30,17:00\n" in result.stdout
    assert "Not installed" in result.stdout
    assert not (tmp_path / "xdg").exists()


def test_install_enable_writes_the_unit_and_starts_it(tmp_path: Path) -> None:
    calls = tmp_path / "calls"
    fake = tmp_path / "bin"
    fake.mkdir()
    (fake / "systemctl").write_text(f'#!/bin/sh\necho "$@" >> {calls}\n', encoding="utf-8")
    (fake / "systemctl").chmod(0o755)
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg"), "PATH": f"{fake}:{os.environ['PATH']}"}
    result = stretchtimer("remind", "--install", "--enable", env=env)
    assert result.returncode == 0, result.stderr
    unit = tmp_path / "xdg" / "systemd" / "user" / "stretchtimer-remind.service"
    assert "ExecStart=" in unit.read_text() and "Restart=on-failure" in unit.read_text()
    assert calls.read_text().splitlines() == [
        "--user daemon-reload",
        "--user enable --now stretchtimer-remind.service",
    ]


def test_enable_alone_is_a_usage_error() -> None:
    result = stretchtimer("remind", "--enable")
    assert result.returncode == 2 and "--enable goes with --install" in result.stderr


def test_the_launchd_agent_is_a_valid_property_list() -> None:
    import plistlib

    from stretchtimer.remind.install import service

    path, text, commands = service(["--every", "40"], platform="darwin")
    agent = plistlib.loads(text.encode())
    assert path.name == "org.stretchtimer.remind.plist"
    assert agent["ProgramArguments"][-4:] == ["remind", "--background", "--every", "40"]
    assert agent["KeepAlive"] and agent["RunAtLoad"]
    assert commands == [["launchctl", "load", "-w", str(path)]]


def test_a_second_reminder_is_refused_in_one_line(user_config: Path) -> None:
    """Two would offer every break twice and share one pipe and one status file."""
    (user_config / "config.toml").write_text(REMINDER_ALONE, encoding="utf-8")
    first = background("--every", "5")
    try:
        wait_for_status("stretch in 5m")
        second = stretchtimer("remind", "--background", "--every", "7", env={"TMUX": ""})
        assert second.returncode == 2
        assert second.stderr.strip().splitlines() == [
            f"stretchtimer: a reminder is already running (pid {first.pid}): one at a time"
            " (`stretchtimer status` shows it)"
        ]
        assert json.loads(stretchtimer("status", "--json").stdout)["pid"] == first.pid
        assert stretchtimer("status").stdout == "stretch in 5m\n"  # the first one's, untouched
    finally:
        first.send_signal(signal.SIGTERM)
        first.communicate(timeout=20)
    again = background("--every", "7")
    try:
        wait_for_status("stretch in 7m")  # once the first has ended, a new one may start
    finally:
        again.send_signal(signal.SIGTERM)
        again.communicate(timeout=20)


def test_a_session_tells_the_reminder_each_step_s_kind(user_config: Path, tmp_path: Path) -> None:
    """What the proof of a break is judged over: the reminder hears 'step work' as each work
    step begins and 'step other' for the rest, the end included."""
    from stretchtimer.library.loader import load_catalog
    from stretchtimer.reminder_pipe import pipe_path
    from stretchtimer.session.plan import plan

    pipe = pipe_path()
    pipe.parent.mkdir(parents=True)
    os.mkfifo(pipe)
    reader = os.open(pipe, os.O_RDWR | os.O_NONBLOCK)  # as the reminder holds it
    try:
        result = stretchtimer("run", "desk-break", "--plain", "--speed", "1000", "--mute")
        assert result.returncode == 0, result.stderr
        heard = b""
        with contextlib.suppress(BlockingIOError):
            while chunk := os.read(reader, 65536):
                heard += chunk
    finally:
        os.close(reader)
    words = heard.decode().splitlines()
    catalog = load_catalog()
    routine = catalog.routine("desk-break")
    timeline = plan(routine, catalog.routine_exercises(routine))
    kinds = ["step work" if step.kind.is_work else "step other" for step in timeline.steps]
    assert words == [*kinds, "step other"]


def test_an_answer_the_reminder_does_not_know_says_which_it_knows() -> None:
    result = stretchtimer("remind", "stop")
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "no answer 'stop': use one of start, snooze, snooze-10, skip, pause, resume" in line
    assert "control" not in line  # not the name of an argument inside the program
