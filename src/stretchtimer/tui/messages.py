"""Messages from the engine to the screens."""

from __future__ import annotations

from textual.message import Message

from ..engine import Event, Tick


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
