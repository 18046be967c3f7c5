"""How the back feels, 0 (not at all stiff or sore) to 10 (the worst): one key, never in the way.

Asked before a session (while the first exercise is being prepared for) and after it; a digit
answers 0-9 and `x` answers 10, so one keypress is always enough. Shared by plain mode and
the app so both ask the same question in the same words.
"""

from __future__ import annotations

from stretchtimer.session.engine import StepStarted
from stretchtimer.session.plan import StepKind

TEN = "x"

BEFORE = "How stiff or sore is your back right now? Press 0-9 (x for 10), or just carry on."
AFTER = "And now, how stiff or sore is it? Press 0-9 (x for 10), any other key to skip."
SHORT_BEFORE = "Back stiff or sore? 0-9, x for 10"
SHORT_AFTER = "How stiff or sore is your back now? Press 0-9 (x for 10) - optional"


def from_key(character: str | None) -> int | None:
    """The feeling a key stands for, or None for any other key."""
    if character is None or len(character) != 1:
        return None
    if character.isdigit() and character.isascii():
        return int(character)
    return 10 if character.lower() == TEN else None


def noted(value: int, before: int | None = None) -> str:
    change = ""
    if before is not None:
        change = f" (before: {before})"
    return f"Noted: {value} of 10{change}."


def asked_before(event: StepStarted) -> bool:
    """Whether the question before the session is up from this step on: only while the first
    exercise is prepared for, so it never waits for an answer."""
    return event.reason == "start" and event.step.kind is StepKind.PREPARE
