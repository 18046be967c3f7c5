"""The user's settings: `config.toml` in the config folder; every key is optional.

Command-line options override what the file says. A bad file is bad input: one line naming the
file, line and key, and exit code 2 (raised as ConfigError for the CLI to print).
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from stretchtimer.files import Unreadable, read_bounded
from stretchtimer.format import printable
from stretchtimer.paths import config_dir

MAX_CONFIG_BYTES = 64 * 1024
SOUND_BACKENDS = ("auto", "simpleaudio", "pw-play", "paplay", "aplay", "afplay", "bell", "off")
VOICE_MODES = ("off", "on", "full")
IDLE_SOURCES = (
    "auto",
    "mutter",
    "screensaver",
    "swayidle",
    "xprintidle",
    "ioreg",
    "logind",
    "tmux",
    "keys",
    "none",
)
"""How `remind` tells that you are at the computer (remind/idle.py); none: all time counts."""
NOTIFIERS = ("auto", "desktop", "notify-send", "terminal", "bell", "off")
"""How `remind` offers a break (remind/notify.py); auto: the first that works."""
PREPARE_RANGE = (0, 60)
REST_RANGE = (0, 300)


@dataclass(frozen=True, slots=True)
class Settings:
    volume: int = 70
    """Cue and voice loudness, 0-100."""
    sound: str = "auto"
    """A playback backend from SOUND_BACKENDS; auto tries them in order."""
    voice: str = "off"
    """Spoken announcements: off, on, or full (form cues read out in holds and rep sets too)."""
    voice_count: int = 1
    """The voice says the rep count every N reps (and always the last)."""
    log: bool = True
    """Keep every session in the history database."""
    ask_feeling: bool = True
    """Ask for stiffness or pain 0-10 before and after a session."""
    weekly_goal: int = 3
    """Sessions a week that count towards the streak."""
    remind_every: int = 50
    """`remind`: minutes of work time (at the computer) between breaks."""
    remind_at: str = ""
    """`remind`: fixed times for a break, e.g. "12:30, 17:00"."""
    work_hours: str = "Mon-Fri 09:00-18:00"
    """`remind`: when breaks are offered, e.g. "Mon-Thu 09:00-17:30, Fri 09:00-13:00", or
    "always"."""
    break_minutes: int = 5
    """`remind`: a break's length; away this long counts as a break, and the suggested routine
    fits it."""
    idle_source: str = "auto"
    """`remind`: how to tell you are at the computer (IDLE_SOURCES); auto: the first that works."""
    notify: str = "auto"
    """`remind`: how to offer a break (NOTIFIERS); auto: the first that works."""
    on_break: str = ""
    """A command run when a break is offered (STRETCHTIMER_ROUTINE and more in its
    environment)."""
    on_session_end: str = ""
    """A command run when a session the reminder saw ends (STRETCHTIMER_OUTCOME and more)."""
    break_proof: bool = True
    """Count a session towards the goal only if the keyboard and mouse were left alone through
    it (when `remind` could tell)."""
    prepare: int | None = None
    """Seconds to get ready before each exercise, for every routine (None: the routine's)."""
    rest: int | None = None
    """Seconds of rest between exercises, for every routine (None: the routine's)."""

    def replace(self, **changes: Any) -> Settings:
        """These settings with command-line overrides; None means "not given"."""
        return dataclasses.replace(self, **{k: v for k, v in changes.items() if v is not None})


class ConfigError(Exception):
    """A config file that cannot be used; the message is one line (what came from the file,
    a key or a path, has its control characters escaped)."""

    def __init__(self, path: Path, line: int | str, message: str) -> None:
        super().__init__(printable(f"{path}:{line}: {message}"))


_RANGES = {
    "volume": (0, 100),
    "weekly_goal": (1, 50),
    "voice_count": (1, 100),
    "prepare": PREPARE_RANGE,
    "rest": REST_RANGE,
    "remind_every": (1, 480),
    "break_minutes": (1, 60),
}
_CHOICES = {
    "sound": SOUND_BACKENDS,
    "voice": VOICE_MODES,
    "idle_source": IDLE_SOURCES,
    "notify": NOTIFIERS,
}
_PARSED = ("work_hours", "remind_at")
"""Keys whose text must read as working hours or times of day."""
_TYPES: dict[str, type] = {"prepare": int, "rest": int}  # None by default: the routine's own


def config_path() -> Path:
    return config_dir() / "config.toml"


def load_settings(path: Path | None = None) -> Settings:
    """Settings from the file, or the defaults when there is none."""
    path = path or config_path()
    try:
        text = read_bounded(path, MAX_CONFIG_BYTES).decode("utf-8")
    except FileNotFoundError:
        return Settings()
    except Unreadable as error:
        raise ConfigError(path, 1, str(error)) from None
    except UnicodeDecodeError:
        raise ConfigError(path, 1, "not UTF-8 text") from None
    import tomllib  # 2 ms (`python -X importtime`), only when there is a file to read

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+)", str(error))
        lines = text.splitlines()
        # "(at end of document)": an unclosed string or list, which began on some line above
        line = found.group(1) if found else str(max(1, len(lines)))
        message = re.sub(r"\s*\(at (line|end of document).*\)$", "", str(error))
        here = lines[int(line) - 1] if found and 0 < int(line) <= len(lines) else ""
        key = re.match(r"\s*([A-Za-z0-9_-]+)\s*=\s*(.*)", here)
        if key is not None:  # the line sets a key: name it, as every other error does
            missing = not key.group(2).split("#")[0].strip()
            message = "no value after '='" if missing else message[:1].lower() + message[1:]
            message = f"{key.group(1)}: {message}"
        raise ConfigError(path, line, message) from None
    return _settings(path, text, data)


def _settings(path: Path, text: str, data: dict[str, Any]) -> Settings:
    fields = {field.name: field for field in dataclasses.fields(Settings)}
    values: dict[str, Any] = {}
    for key, value in data.items():

        def fail(message: str, key: str = key) -> ConfigError:
            return ConfigError(path, _line_of(text, key), f"{key}: {message}")

        field = fields.get(key)
        if field is None:
            raise fail(f"unknown setting; known: {', '.join(fields)}")
        expected = _TYPES.get(key, type(field.default))
        if type(value) is not expected:
            raise fail(f"expected {_type_name(expected)}, got {value!r}")
        low, high = _RANGES.get(key, (None, None))
        if low is not None and high is not None and not low <= data[key] <= high:
            raise fail(f"{value} is out of range; use {low} to {high}")
        if key in _CHOICES and value not in _CHOICES[key]:
            raise fail(f"{value!r} is not one of {', '.join(_CHOICES[key])}")
        if key in _PARSED:
            from stretchtimer.workhours import ScheduleError, parse_times, parse_work_hours  # 3 ms

            try:
                (parse_work_hours if key == "work_hours" else parse_times)(str(value))
            except ScheduleError as error:
                raise fail(str(error)) from None
        values[key] = value
    return Settings(**values)


def _line_of(text: str, key: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if re.match(rf"\s*\"?{re.escape(key)}\"?\s*=", line):
            return number
    return 1


def _type_name(kind: type) -> str:
    return {bool: "true or false", int: "a whole number", str: "text"}.get(kind, kind.__name__)
