"""Living beside the other break reminders.

- `stretchtimer follow workrave`: when Workrave's rest break begins (its D-Bus signal
  RestbreakChanged("break") on org.workrave.CoreInterface), the suggested session opens.
- `stretchtimer integrate safeeyes`: a Safe Eyes plugin that asks the reminder (or a new
  terminal) for a session when Safe Eyes' long break begins.
- Stretchly, when it runs, is paused through its own command line while a session the
  reminder opened runs, and resumed after (stretchly.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import shutil
import signal
import sys
from pathlib import Path
from typing import Any

from stretchtimer.errors import UsageError
from stretchtimer.remind.dbus import Unavailable, connect
from stretchtimer.remind.runner import Launcher
from stretchtimer.remind.stretchly import stretchly_paused
from stretchtimer.remind.suggest import Suggestion

log = logging.getLogger(__name__)

WORKRAVE = "org.workrave.Workrave"
WORKRAVE_PATH = "/org/workrave/Workrave/Core"
WORKRAVE_CORE = "org.workrave.CoreInterface"
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


async def follow_workrave(
    launcher: Launcher,
    suggest: Any,
    say: Any = print,
) -> int:
    """Open the suggested session at each of Workrave's rest breaks, until a signal."""
    try:
        bus = await connect()
    except Unavailable as error:
        raise UsageError(f"cannot follow Workrave: {error}") from None
    done = asyncio.Event()
    session: asyncio.Task[None] | None = None

    async def open_session() -> None:
        routine: Suggestion | None = await asyncio.to_thread(suggest)
        if routine is None:
            say("Workrave's rest break began, but there is no routine to suggest")
            return
        say(f"Workrave's rest break began: {routine.text()}")
        with stretchly_paused():
            opened = await launcher.open(routine.routine_id)
        say("The session is over." if opened else "The session could not be opened.")

    def on_signal(member: str, body: tuple[Any, ...]) -> None:
        nonlocal session
        if member != "RestbreakChanged" or not body or body[0] != "break":
            return
        if session is not None and not session.done():
            return  # one at a time
        session = asyncio.ensure_future(open_session())

    try:
        await bus.on_signals(WORKRAVE_CORE, WORKRAVE_PATH, on_signal)
        running = await bus.has_owner(WORKRAVE)
        say(
            "Following Workrave's rest breaks"
            + ("" if running else " (Workrave is not running yet)")
            + f"; a session opens in: {launcher.how}."
        )
        events = asyncio.get_running_loop()
        for number in SIGNALS:
            events.add_signal_handler(number, done.set)
        await done.wait()
    finally:
        for number in SIGNALS:
            with contextlib.suppress(ValueError, RuntimeError):
                asyncio.get_running_loop().remove_signal_handler(number)
        if session is not None:
            session.cancel()
        await bus.close()
    return 0


# --- Safe Eyes ------------------------------------------------------------------------------

PLUGIN_ID = "stretchtimer"

PLUGIN_CONFIG = {
    "meta": {
        "name": "stretchtimer",
        "description": "A guided stretching session in the long break (stretchtimer)",
        "version": "0.1.0",
    },
    "dependencies": {
        "python_modules": [],
        "shell_commands": [],
        "operating_systems": [],
        "desktop_environments": [],
        "resources": [],
    },
    "settings": [
        {
            "id": "long_breaks_only",
            "label": "Only in long breaks",
            "type": "BOOL",
            "default": True,
        }
    ],
    "break_override_allowed": True,
}

PLUGIN_SOURCE = '''"""stretchtimer's Safe Eyes plugin, written by `stretchtimer integrate safeeyes`.

When a (long) break begins, the running `stretchtimer remind` opens its suggested session
where you are; without one, a new terminal runs it. Safe Eyes' break goes on as usual.
"""

import logging
import shutil
import subprocess

PYTHON = {python!r}
SETTINGS = {{"long_breaks_only": True}}


def init(ctx, safeeyes_config, plugin_config):
    SETTINGS["long_breaks_only"] = bool(plugin_config.get("long_breaks_only", True))


def on_start_break(break_obj):
    if SETTINGS["long_breaks_only"] and not break_obj.is_long_break():
        return False
    answer = subprocess.run(
        [PYTHON, "-m", "stretchtimer", "remind", "start"],
        capture_output=True,
        timeout=10,
    )
    if answer.returncode != 0:  # no reminder runs: a terminal, if there is one
        terminal = shutil.which("x-terminal-emulator")
        if terminal is not None:
            subprocess.Popen([terminal, "-e", PYTHON, "-m", "stretchtimer", "run", "desk-break"])
        else:
            logging.warning("stretchtimer: no reminder runs and no terminal to open")
    return False  # never skip Safe Eyes' own break
'''


def safeeyes_dir() -> Path:
    config = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return config / "safeeyes"


def integrate_safeeyes(say: Any = print) -> int:
    """Write the plugin into Safe Eyes' user plugins, and turn it on in its settings (a copy
    of them is kept beside)."""
    folder = safeeyes_dir()
    plugin = folder / "plugins" / PLUGIN_ID
    try:
        plugin.mkdir(parents=True, exist_ok=True)
        (plugin / "config.json").write_text(json.dumps(PLUGIN_CONFIG, indent=4), "utf-8")
        (plugin / "plugin.py").write_text(PLUGIN_SOURCE.format(python=sys.executable), "utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {plugin}: {error.strerror or error}") from None
    say(f"wrote the plugin in {plugin}")
    settings = folder / "safeeyes.json"
    if not settings.exists():
        say(f"{settings} is not there yet: turn the plugin on in Safe Eyes' settings")
        return 0
    try:
        data = json.loads(settings.read_text("utf-8"))
        plugins = data.setdefault("plugins", [])
        if not isinstance(plugins, list):
            raise ValueError("its plugins are not a list")
    except (OSError, ValueError) as error:
        raise UsageError(f"{settings}: cannot add the plugin ({error})") from None
    if any(isinstance(p, dict) and p.get("id") == PLUGIN_ID for p in plugins):
        say(f"{settings} already lists it")
        return 0
    backup = settings.with_name(settings.name + ".before-stretchtimer")
    shutil.copyfile(settings, backup)
    plugins.append(
        {
            "id": PLUGIN_ID,
            "enabled": True,
            "version": "0.1.0",
            "settings": {"long_breaks_only": True},
        }
    )
    settings.write_text(json.dumps(data, indent=4), "utf-8")
    say(f"turned it on in {settings} (the file before: {backup.name}); restart Safe Eyes")
    return 0
