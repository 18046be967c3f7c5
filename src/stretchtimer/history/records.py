"""A logged session and its exercises, as the history keeps them and gives them back."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime


def utc_now() -> datetime:
    return datetime.now(UTC)


# --- records --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ExerciseRecord:
    position: int
    exercise_id: str
    name: str
    areas: tuple[str, ...]
    outcome: str  # done, skipped, partial
    seconds: float
    planned_seconds: float


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One logged session, as read back; times are UTC, durations session seconds."""

    id: int
    routine_id: str
    routine_name: str
    started_at: datetime
    ended_at: datetime | None
    planned_seconds: float
    active_seconds: float
    paused_seconds: float
    state: str  # running (or cut short), finished, stopped
    exercise_count: int = 0  # in the routine, done or not
    speed: float = 1.0
    feeling_before: int | None = None
    feeling_after: int | None = None
    exercises: tuple[ExerciseRecord, ...] = ()
    level: str = "standard"  # easy, standard or full; sessions from before levels: standard

    @property
    def done(self) -> int:
        return sum(1 for e in self.exercises if e.outcome == "done")

    @property
    def skipped(self) -> int:
        return sum(1 for e in self.exercises if e.outcome == "skipped")

    @property
    def preview(self) -> bool:
        """Run faster than real time (--speed): kept and listed, but not counted as exercise."""
        return self.speed > 1

    @property
    def counts(self) -> bool:
        """A session counts towards the weekly goal once at least one exercise was done."""
        return self.done > 0 and not self.preview
