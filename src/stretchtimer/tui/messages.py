"""Messages the screens post up to the app, and engine events carried to the session screen."""

from __future__ import annotations

from dataclasses import dataclass

from textual.message import Message

from stretchtimer.session.engine import Event, Tick


class EngineEvent(Message, bubble=False):
    """An engine event, delivered on the app's message queue (to the session screen only:
    the app has nothing to do with it, so it does not bubble up)."""

    def __init__(self, event: Event) -> None:
        super().__init__()
        self.event = event

    def can_replace(self, message: Message) -> bool:
        # A newer tick makes an older, still-queued one pointless.
        return (
            isinstance(message, EngineEvent)
            and isinstance(self.event, Tick)
            and isinstance(message.event, Tick)
        )


@dataclass
class StartRoutine(Message):
    """The person chose a routine (the picker asks the app to start it)."""

    routine_id: str


@dataclass
class TitleChanged(Message):
    """What the terminal's title should say now (the step and the time left)."""

    title: str

    def can_replace(self, message: Message) -> bool:
        return isinstance(message, TitleChanged)


class TerminalGone(Message):
    """Writing to the terminal failed: it is closed (posted once, by tui/terminal.py's output)."""
