"""How the back feels, 0 (not at all stiff or sore) to 10 (the worst): one key, never in the way.

Asked before a session (while the first exercise is being prepared for) and after it; a digit
answers 0-9 and `x` answers 10, so one keypress is always enough. Shared by plain mode and
the app so both ask the same question in the same words.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from stretchtimer.format import clock
from stretchtimer.safety import RED_FLAGS
from stretchtimer.session.engine import StepStarted
from stretchtimer.session.plan import StepKind, Timeline, session_timeline
from stretchtimer.settings import Settings

if TYPE_CHECKING:
    from stretchtimer.library.catalog import Catalog

TEN = "x"
HIGH = 8
"""From this answer up, the answer gets the safety note's red flags and a gentler routine."""

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


def advice(value: int, gentler: str | None) -> str | None:
    """What a very stiff or sore back (HIGH or more) is told; None below that."""
    if value < HIGH:
        return None
    instead = f" A gentler routine for a day like this: {gentler}." if gentler else ""
    return f"{value} of 10 is a lot: go gently, and stop if it hurts. {RED_FLAGS}{instead}"


def gentler_routine(timeline: Timeline, catalog: Catalog, settings: Settings) -> str | None:
    """The shortest other routine that works an area of this one, takes less time and has no
    more strengthening in it, as 'Desk Break (5:01)' (timed with your get-ready and rest);
    None when there is none."""
    routine = timeline.routine
    best: Timeline | None = None
    for other in sorted(catalog.routines):
        candidate = catalog.routine(other)
        if other == routine.id or not set(candidate.focus) & set(routine.focus):
            continue
        candidate_timeline = session_timeline(
            candidate, catalog.routine_exercises(candidate), settings
        )
        if (
            candidate_timeline.total < timeline.total
            and _strengthening(candidate_timeline) <= _strengthening(timeline)
            and (best is None or candidate_timeline.total < best.total)
        ):
            best = candidate_timeline
    return f"{best.routine.name} ({clock(best.total)})" if best else None


def _strengthening(timeline: Timeline) -> float:
    """Seconds of strengthening exercises in a session."""
    return sum(
        timeline.exercise_seconds(position)
        for position, exercise in enumerate(timeline.exercises)
        if exercise.phase == "strength"
    )


def asked_before(event: StepStarted) -> bool:
    """Whether the question before the session is up from this step on: only while the first
    exercise is prepared for, so it never waits for an answer."""
    return event.reason == "start" and event.step.kind is StepKind.PREPARE
