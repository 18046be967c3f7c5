"""Living beside the other break reminders, each against a stand-in that speaks as it does:
Safe Eyes loading stretchtimer's plugin and starting a long break, Stretchly's command line
paused and resumed around a session. (Workrave's D-Bus signals: test_remind_dbus.py.)"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType

import pytest
from programs import stretchtimer, written


def load_plugin(folder: Path) -> ModuleType:
    """As Safe Eyes does: `<id>.plugin` imported from its user plugins folder."""
    spec = importlib.util.spec_from_file_location("stretchtimer_plugin", folder / "plugin.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Break:
    def __init__(self, long: bool) -> None:
        self.long = long

    def is_long_break(self) -> bool:
        return self.long


def test_integrate_safeeyes_writes_the_plugin_and_turns_it_on(tmp_path: Path) -> None:
    safeeyes = tmp_path / "xdg" / "safeeyes"
    safeeyes.mkdir(parents=True)
    settings = {"plugins": [{"id": "donotdisturb", "enabled": True}], "short_break_interval": 15}
    (safeeyes / "safeeyes.json").write_text(json.dumps(settings))
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    result = stretchtimer("integrate", "safeeyes", env=env)
    assert result.returncode == 0, result.stderr
    plugin = safeeyes / "plugins" / "stretchtimer"
    config = json.loads((plugin / "config.json").read_text())
    assert config["meta"]["name"] == "stretchtimer" and config["break_override_allowed"]
    written = json.loads((safeeyes / "safeeyes.json").read_text())
    assert written["plugins"][-1]["id"] == "stretchtimer" and written["short_break_interval"] == 15
    assert json.loads((safeeyes / "safeeyes.json.before-stretchtimer").read_text()) == settings
    again = stretchtimer("integrate", "safeeyes", env=env)
    assert "already lists it" in again.stdout
    assert len(json.loads((safeeyes / "safeeyes.json").read_text())["plugins"]) == 2


def test_the_safeeyes_plugin_asks_the_running_reminder_at_a_long_break(
    tmp_path: Path, user_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    assert stretchtimer("integrate", "safeeyes", env=env).returncode == 0
    plugin = load_plugin(tmp_path / "xdg" / "safeeyes" / "plugins" / "stretchtimer")
    plugin.init(object(), {}, {"long_breaks_only": True})
    (user_config / "config.toml").write_text(
        'work_hours = "always"\nidle_source = "none"\nnotify = "off"\n', encoding="utf-8"
    )
    opened = tmp_path / "opened"
    reminder = subprocess.Popen(
        [
            *(sys.executable, "-m", "stretchtimer", "remind", "--background"),
            *("--start-command", f"echo {{routine}} > {opened}"),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while stretchtimer("status", env={}).stdout.strip() != "stretch in 50m":
            assert time.monotonic() < deadline
            time.sleep(0.2)
        assert plugin.on_start_break(Break(long=False)) is False  # a short break: nothing
        time.sleep(1)
        assert not opened.exists()
        assert plugin.on_start_break(Break(long=True)) is False  # Safe Eyes' break goes on
        assert written(opened) == "desk-break\n"
    finally:
        reminder.send_signal(signal.SIGTERM)
        reminder.wait(20)


def test_without_a_reminder_the_plugin_opens_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    env = {"XDG_CONFIG_HOME": str(tmp_path / "xdg")}
    assert stretchtimer("integrate", "safeeyes", env=env).returncode == 0
    plugin = load_plugin(tmp_path / "xdg" / "safeeyes" / "plugins" / "stretchtimer")
    plugin.init(object(), {}, {"long_breaks_only": False})
    calls = tmp_path / "calls"
    folder = tmp_path / "bin"
    folder.mkdir()
    (folder / "x-terminal-emulator").write_text(f'#!/bin/sh\necho "$@" > {calls}\n')
    (folder / "x-terminal-emulator").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    assert plugin.on_start_break(Break(long=False)) is False
    assert written(calls, within=10) == f"-e {sys.executable} -m stretchtimer run desk-break\n"


def test_stretchly_is_paused_around_a_session_only_when_it_runs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from stretchtimer.remind.stretchly import stretchly_paused, stretchly_running

    calls = tmp_path / "calls"
    folder = tmp_path / "bin"
    folder.mkdir()
    # as Stretchly's command line: `stretchly` runs it, `stretchly pause|resume` tell it
    (folder / "stretchly").write_text(
        f'#!/bin/sh\nif [ "$1" = run ]; then while :; do sleep 1; done; fi\necho "$@" >> {calls}\n'
    )
    (folder / "stretchly").chmod(0o755)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    assert not stretchly_running()
    with stretchly_paused():
        pass
    assert not calls.exists()  # not running: left alone, never started
    app = subprocess.Popen([str(folder / "stretchly"), "run"])
    try:
        deadline = time.monotonic() + 10
        while not stretchly_running():
            assert time.monotonic() < deadline
            time.sleep(0.05)
        with stretchly_paused():
            assert calls.read_text() == "pause -d indefinitely\n"
        assert calls.read_text() == "pause -d indefinitely\nresume\n"
    finally:
        app.kill()
        app.wait()
