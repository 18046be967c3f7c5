"""What a person can tell a session to do: the engine's commands, apart from the engine so
that the key table (keys.py) can name them without loading it (the picker's first frame
shows keys from that table)."""

from __future__ import annotations

from enum import StrEnum


class Command(StrEnum):
    START = "start"
    PAUSE = "pause"
    RESUME = "resume"
    TOGGLE = "toggle"
    SKIP_STEP = "skip-step"
    SKIP_EXERCISE = "skip-exercise"
    BACK = "back"
    RESTART_STEP = "restart-step"
    STOP = "stop"
