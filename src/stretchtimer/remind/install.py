"""`stretchtimer remind --install`: a systemd user service (Linux) or a launchd agent (macOS)
that keeps `remind --background` running. Printed, with where it would go; written and
started only with `--enable`."""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from stretchtimer.errors import UsageError

UNIT = "stretchtimer-remind.service"
LABEL = "org.stretchtimer.remind"


def command_line(options: Sequence[str]) -> list[str]:
    """How the service starts the reminder: this Python, this stretchtimer."""
    return [sys.executable, "-m", "stretchtimer", "remind", "--background", *options]


def systemd_unit(options: Sequence[str]) -> str:
    argv = command_line(options)
    return (
        "[Unit]\n"
        "Description=stretchtimer: breaks that find you\n"
        "After=graphical-session.target\n"
        "\n"
        "[Service]\n"
        f"ExecStart={shlex.join(argv)}\n"
        "Restart=on-failure\n"
        "RestartSec=30\n"
        "\n"
        "[Install]\n"
        "WantedBy=default.target\n"
    )


def launchd_plist(options: Sequence[str]) -> str:
    from xml.sax.saxutils import escape

    arguments = "".join(
        f"\n        <string>{escape(arg)}</string>" for arg in command_line(options)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN"'
        ' "http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n'
        '<plist version="1.0">\n'
        "<dict>\n"
        f"    <key>Label</key>\n    <string>{LABEL}</string>\n"
        f"    <key>ProgramArguments</key>\n    <array>{arguments}\n    </array>\n"
        "    <key>RunAtLoad</key>\n    <true/>\n"
        "    <key>KeepAlive</key>\n    <true/>\n"
        "</dict>\n"
        "</plist>\n"
    )


def service(
    options: Sequence[str], platform: str = sys.platform
) -> tuple[Path, str, list[list[str]]]:
    """Where the file goes, what it says, and the commands that start it."""
    home = Path.home()
    if platform == "darwin":
        path = home / "Library" / "LaunchAgents" / f"{LABEL}.plist"
        return path, launchd_plist(options), [["launchctl", "load", "-w", str(path)]]
    config = Path(os.environ.get("XDG_CONFIG_HOME") or home / ".config")
    path = config / "systemd" / "user" / UNIT
    commands = [
        ["systemctl", "--user", "daemon-reload"],
        ["systemctl", "--user", "enable", "--now", UNIT],
    ]
    return path, systemd_unit(options), commands


def install(options: Sequence[str], enable: bool) -> int:
    path, text, commands = service(options)
    if not enable:
        print(f"# {path}")
        print(text, end="")
        print("# Not installed. To install and start it: stretchtimer remind --install --enable")
        print("# (which writes the file above and runs: ", end="")
        print("; ".join(shlex.join(command) for command in commands) + ")")
        return 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise UsageError(f"cannot write {path}: {error.strerror or error}") from None
    print(f"wrote {path}")
    for command in commands:
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError) as error:
            raise UsageError(f"{shlex.join(command)}: {error}") from None
        if result.returncode:
            detail = (result.stderr.strip().splitlines() or ["failed"])[-1]
            raise UsageError(f"{shlex.join(command)}: {detail}")
        print(f"ran {shlex.join(command)}")
    return 0
