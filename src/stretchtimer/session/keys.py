"""The one table of a session's keys: the app's bindings and footer, plain mode's keys, the
help screen and the README's list are all made from it, so a key does the same everywhere.

Keys are named as Textual names them ("space", "right", "question_mark"); `character` gives
what a terminal sends for one, for plain mode.
"""

from __future__ import annotations

from dataclasses import dataclass

from stretchtimer.session.commands import Command


@dataclass(frozen=True, slots=True)
class SessionKey:
    keys: tuple[str, ...]
    """The keys, the one shown first; the others are aliases."""
    action: str
    """What it does, by name: the screen's action, and plain mode's."""
    label: str
    """The footer's word for it."""
    help: str
    """The help screen's line."""
    command: Command | None = None
    """What it tells the engine, for the keys that steer the session."""
    unlisted: tuple[str, ...] = ()
    """Aliases that work but are not shown (a third key for the same thing is clutter)."""

    @property
    def shown(self) -> str:
        """'n or ->' for the help screen and the README."""
        return " or ".join(display(key) for key in self.keys if key not in self.unlisted)


SESSION_KEYS: tuple[SessionKey, ...] = (
    SessionKey(("space",), "toggle_pause", "Pause", "pause or resume", Command.TOGGLE),
    SessionKey(("n", "right"), "skip_step", "Skip", "skip this step", Command.SKIP_STEP),
    SessionKey(
        ("N",), "skip_exercise", "Next exercise", "skip to the next exercise", Command.SKIP_EXERCISE
    ),
    SessionKey(
        ("p", "left", "b"),
        "back",
        "Back",
        "back: restart the step, or go to the previous one in its first 3 seconds",
        Command.BACK,
        unlisted=("b",),
    ),
    SessionKey(("r",), "restart_step", "Restart", "restart this step", Command.RESTART_STEP),
    SessionKey(("m",), "toggle_mute", "Mute", "mute or unmute sound"),
    SessionKey(("question_mark",), "help", "Help", "every key (and the safety note)"),
    SessionKey(("q",), "quit", "Quit", "quit: asks first, and what you did is kept"),
)

LEVEL_KEY = SessionKey(
    ("l",),
    "next_level",
    "Level",
    "the routine's level: easy, standard or full (its time follows)",
)
"""The picker's key for the highlighted routine's level: the least, the usual or the most of
each dose's range."""

BUILD_KEY = SessionKey(
    ("b",), "build", "Build", "build a routine of your own: minutes, areas, equipment, position"
)
"""The picker's key to the builder (in the list of routines, where `b` steers no session)."""

_DISPLAY = {"right": "\N{RIGHTWARDS ARROW}", "left": "\N{LEFTWARDS ARROW}", "question_mark": "?"}
_CHARACTERS = {"space": " ", "right": "\x1b[C", "left": "\x1b[D", "question_mark": "?"}


def display(key: str) -> str:
    """How a key is written for people: 'space', 'n', '->'."""
    return _DISPLAY.get(key, key)


def character(key: str) -> str:
    """What a terminal sends for a key (an escape sequence for the arrows)."""
    return _CHARACTERS.get(key, key)


def by_character() -> dict[str, SessionKey]:
    """Plain mode's table: what the terminal sends -> the key."""
    return {character(key): entry for entry in SESSION_KEYS for key in entry.keys}


def split_keys(text: str) -> list[str]:
    """Input read from a terminal as keys: an arrow's escape sequence is one key."""
    keys: list[str] = []
    index = 0
    while index < len(text):
        if text.startswith("\x1b[", index) and index + 2 < len(text):
            keys.append(text[index : index + 3])
            index += 3
        else:
            keys.append(text[index])
            index += 1
    return keys


def help_lines() -> list[str]:
    """One line a key: 'n or ->    skip this step'."""
    width = max(len(entry.shown) for entry in SESSION_KEYS)
    return [f"{entry.shown.ljust(width)}  {entry.help}" for entry in SESSION_KEYS]


def readme_text() -> str:
    """The README's paragraph on the keys, written from this table."""
    parts = [f"`{entry.shown.replace(' or ', '` or `')}` {entry.help}" for entry in SESSION_KEYS]
    return "In a session, in the app and in plain mode alike: " + "; ".join(parts) + "."
