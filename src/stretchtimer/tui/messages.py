"""Messages the screens post up to the app, and engine events carried to the session screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from textual.message import Message

if TYPE_CHECKING:  # the engine loads after the first frame (its import is about 30 ms)
    from stretchtimer.history.resume import Unfinished
    from stretchtimer.library.terms import Level
    from stretchtimer.session.engine import Event


class EngineEvent(Message, bubble=False):
    """An engine event, delivered on the app's message queue (to the session screen only:
    the app has nothing to do with it, so it does not bubble up)."""

    def __init__(self, event: Event, *, is_tick: bool = False) -> None:
        super().__init__()
        self.event = event
        self.is_tick = is_tick
        """A tick (the seconds left): a newer one makes an older, still-queued one pointless."""

    def can_replace(self, message: Message) -> bool:
        return self.is_tick and isinstance(message, EngineEvent) and message.is_tick


@dataclass
class StartRoutine(Message):
    """The person chose a routine, at a level (the picker asks the app to start it), or to
    go on with a session of it that was cut short (`resuming`)."""

    routine_id: str
    level: Level = "standard"
    resuming: Unfinished | None = None


@dataclass
class OpenBuilder(Message):
    """The person wants to build a routine of their own (the picker asks the app), from the
    equipment at hand: not what they unticked below the list."""

    not_at_hand: frozenset[str] = frozenset()


class FirstFrameShown(Message, bubble=False):
    """The app's first frame is on the terminal: what waited for it (the catalog, the filters,
    the history) can start without holding it up."""


class RoutinesShown(Message):
    """The picker's routines and filters are on screen: what waited for them can start."""


class TerminalGone(Message):
    """The terminal is closed: writing to it failed (posted once, by tui/terminal.py's output),
    or its browser tab closed (tui/browser.py)."""
