"""Which routine a break suggests: one that fits the break, turned toward the body area
worked least lately (the history knows), and this week's sessions against the goal."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from stretchtimer.format import clock
from stretchtimer.library.terms import in_words
from stretchtimer.session.plan import Timeline

FIT = 1.1
"""A routine fits a break up to this much longer than it (a 5:01 desk break fits 5 minutes)."""


@dataclass(frozen=True, slots=True)
class Suggestion:
    routine_id: str
    name: str
    seconds: float
    area: str | None = None  # the body area it turns toward (worked least lately)

    def text(self) -> str:
        toward = f", for the {in_words(self.area)}" if self.area else ""
        return f"{self.name} ({clock(self.seconds)}{toward})"


@dataclass(frozen=True, slots=True)
class Week:
    """This week's sessions against the goal, for the screen."""

    sessions: int
    goal: int

    def text(self) -> str:
        left = self.goal - self.sessions
        tail = "goal met" if left <= 0 else f"{left} to go"
        return f"This week: {self.sessions} of {self.goal} sessions, {tail}"


def area_share(timeline: Timeline, area: str) -> float:
    """The share of the routine's time spent on exercises good for `area`."""
    if timeline.total <= 0:
        return 0.0
    on_area = sum(
        timeline.exercise_seconds(position)
        for position, exercise in enumerate(timeline.exercises)
        if area in exercise.good_for
    )
    return on_area / timeline.total


def suggest(
    timelines: Iterable[Timeline], break_seconds: float, neglected: str | None
) -> Suggestion | None:
    """The routine for a break of `break_seconds`: among those that fit (or the shortest, if
    none does), the one giving `neglected` the largest share; then the one nearest the break's
    length."""
    pool: Sequence[Timeline] = [t for t in timelines if t.total > 0]
    if not pool:
        return None
    fits = [t for t in pool if t.total <= break_seconds * FIT]
    pool = fits or [min(pool, key=lambda t: t.total)]

    def rank(timeline: Timeline) -> tuple[float, float, str]:
        share = area_share(timeline, neglected) if neglected else 0.0
        return (share, -abs(break_seconds - timeline.total), timeline.routine.id)

    best = max(pool, key=rank)
    area = neglected if neglected and area_share(best, neglected) > 0 else None
    return Suggestion(best.routine.id, best.routine.name, best.total, area)
