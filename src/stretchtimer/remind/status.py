"""`stretchtimer status`: the running reminder in one short line, for a tmux status bar, waybar
or polybar ("stretch in 12m"), read from the small file the reminder keeps up to date."""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path
from typing import Any

from stretchtimer.files import Unreadable, read_bounded
from stretchtimer.remind.runner import status_path

MAX_STATUS_BYTES = 64 * 1024


def read_status(path: Path | None = None, now: float | None = None) -> dict[str, Any]:
    """What the reminder last wrote, with `running` (False when none runs, or it died)."""
    path = path or status_path()
    try:
        data = json.loads(read_bounded(path, MAX_STATUS_BYTES).decode("utf-8"))
    except (OSError, Unreadable, ValueError):
        return {"running": False}
    if not isinstance(data, dict) or not _alive(data.get("pid")):
        return {"running": False}
    now = time.time() if now is None else now
    next_break = data.get("next_break")
    minutes = None
    if isinstance(next_break, int | float):
        minutes = max(0, math.ceil((next_break - now) / 60))
    return {"running": True, **data, "minutes": minutes}


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def status_line(status: dict[str, Any]) -> str:
    if not status.get("running"):
        return "stretch: off"
    phase = status.get("phase")
    minutes = status.get("minutes")
    soon = "now" if minutes == 0 else f"in {minutes}m"
    if phase == "offered":
        return "stretch now"
    if phase == "session":
        return "stretching"
    if phase == "off-hours":
        return "stretch: after hours"
    if phase == "snoozed":
        return f"stretch {soon} (snoozed)"
    if phase == "paused":
        return f"stretch: paused, next {soon}"
    if minutes is None:
        return "stretch: starting"
    return f"stretch {soon}"
