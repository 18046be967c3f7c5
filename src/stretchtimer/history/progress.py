"""Progression: when the history says a routine could step up a level, or should ease off.

The rule looks at a routine's last three finished sessions at one level, run in real time
(previews do not count). None of them stiffer afterwards than before: the next level is
offered. Stiffer afterwards on average over the three: easing off is suggested, with the
signs that mean seeing someone first. A rating is no measurement, so the words stay modest:
they say how the stiffness changed, not that the sessions caused it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from stretchtimer.history.records import SessionRecord
from stretchtimer.library.terms import LEVELS, STANDARD, Level
from stretchtimer.safety import RED_FLAGS, URGENT

SESSIONS = 3  # finished sessions at a level before the next is offered


def session_level(record: SessionRecord) -> Level:
    """The level a session ran at (standard for one the history does not know)."""
    return next((level for level in LEVELS if level == record.level), STANDARD)


class Step(StrEnum):
    UP = "up"  # offer the next level
    EASE = "ease"  # suggest easing off


@dataclass(frozen=True, slots=True)
class Advice:
    step: Step
    routine_name: str
    level: str  # the level the sessions ran at
    to: str | None  # the level to go to: the next one up, or the one below (None: none is)
    rated: int  # how many of the sessions have a rating before and after
    rise: float = 0.0  # how much stiffer afterwards, on average (EASE)


def progression(sessions: Sequence[SessionRecord], routine_id: str, level: str) -> Advice | None:
    """What the last SESSIONS finished real-time sessions of a routine at `level` suggest
    (`sessions` oldest first, any routine or level); None while there are fewer, or when
    stiffness rose after one of them but not on average."""
    last = [
        s
        for s in sessions
        if s.routine_id == routine_id
        and s.state == "finished"
        and not s.preview
        and session_level(s) == level
    ][-SESSIONS:]
    if len(last) < SESSIONS:
        return None
    changes = [
        s.feeling_after - s.feeling_before
        for s in last
        if s.feeling_before is not None and s.feeling_after is not None
    ]
    rank = LEVELS.index(level) if level in LEVELS else LEVELS.index(STANDARD)
    name = last[-1].routine_name
    if changes and sum(changes) / len(changes) > 0:
        lower = LEVELS[rank - 1] if rank > 0 else None
        return Advice(Step.EASE, name, level, lower, len(changes), sum(changes) / len(changes))
    if any(change > 0 for change in changes) or rank + 1 >= len(LEVELS):
        return None
    return Advice(Step.UP, name, level, LEVELS[rank + 1], len(changes))


def advice_text(advice: Advice) -> str:
    """What the summary says for `advice`."""
    if advice.step is Step.UP:
        rated = {0: "", SESSIONS: " of them"}.get(advice.rated, " you rated")
        stiffer = f", and your back was no stiffer after any{rated}" if advice.rated else ""
        return (
            f"{SESSIONS} {advice.routine_name} sessions done at the {advice.level}"
            f" level{stiffer}. Ready for a little more? Try the {advice.to} level next time"
            f" (l in the list of routines, or --level {advice.to})."
        )
    lower = (
        f"the {advice.to} level or a shorter routine"
        if advice.to is not None
        else "a shorter routine, or fewer sessions a week"
    )
    return (
        f"Over your last {SESSIONS} {advice.routine_name} sessions your back felt stiffer"
        f" afterwards than before ({advice.rise:+.1f} of 10 on average, {advice.rated} rated)."
        " Ease off for a while:"
        f" go back to {lower}, do a little less than you think you could, and build up again"
        " slowly once the stiffness settles. Keep moving, but stop anything that hurts."
        f"\n\n{RED_FLAGS}\n\n{URGENT}"
    )
