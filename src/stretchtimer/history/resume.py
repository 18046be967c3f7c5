"""Picking up a session that was cut short: which one, and from which exercise.

A session that ended without finishing (stopped with q, a closed terminal, a crash, a kill)
can be resumed for RESUME_WITHIN after its last write, as long as it is its routine's latest.
The log writes each exercise as it ends, so the exercise that was in progress is the first
one with no record, or with a record that says it was cut short; those before it stay as
they were done or skipped, and the resumed run goes on in the same history row.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from stretchtimer.history.records import SessionRecord
from stretchtimer.history.store import Warn, read_unfinished
from stretchtimer.session.plan import Timeline

RESUME_WITHIN = timedelta(hours=2)
SETTLED = ("done", "skipped")


@dataclass(frozen=True, slots=True)
class Unfinished:
    """A session that can be resumed, and the exercise it goes on from."""

    record: SessionRecord
    position: int

    @property
    def skipped(self) -> frozenset[int]:
        """The exercises before `position` that were skipped (the others were done)."""
        return frozenset(
            e.position
            for e in self.record.exercises
            if e.position < self.position and e.outcome == "skipped"
        )

    def fits(self, timeline: Timeline) -> bool:
        """Whether `timeline` is the routine this session ran: same exercises in the same
        places (a routine file edited since cannot be resumed into)."""
        ids = [exercise.id for exercise in timeline.exercises]
        return (
            timeline.routine.id == self.record.routine_id
            and len(ids) == self.record.exercise_count
            and all(
                e.position < len(ids) and ids[e.position] == e.exercise_id
                for e in self.record.exercises
            )
        )

    def offer(self, timeline: Timeline, now: datetime) -> str:
        """'Resume Lower Back from Cat-Cow (ended 12 min ago)'."""
        name = timeline.exercises[self.position].name
        return f"Resume {self.record.routine_name} from {name} (ended {self.ago(now)})"

    def ago(self, now: datetime) -> str:
        ended = self.record.ended_at or self.record.started_at
        minutes = max(0, round((now - ended).total_seconds() / 60))
        if minutes < 1:
            return "just now"
        if minutes < 60:
            return f"{minutes} min ago"
        hours, rest = divmod(minutes, 60)
        return f"{hours} h {rest} min ago" if rest else f"{hours} h ago"


def resume_point(record: SessionRecord) -> int | None:
    """The exercise a cut-short session goes on from: the first neither done nor skipped;
    None when there is none (it was all done), or it is the first (nothing to go on from)."""
    return _first_unsettled(record) or None


def _first_unsettled(record: SessionRecord) -> int | None:
    """The first exercise neither done nor skipped; None when it was all done."""
    settled = {e.position for e in record.exercises if e.outcome in SETTLED}
    return next((p for p in range(record.exercise_count) if p not in settled), None)


def latest_unfinished(
    records: Iterable[SessionRecord], now: datetime, routine_id: str | None = None
) -> Unfinished | None:
    """The session cut short most recently (of `routine_id`, where given) that can still be
    resumed at `now`."""
    resumable = [
        Unfinished(record, position)
        for record in _cut_short(records, now, routine_id)
        if (position := resume_point(record)) is not None
    ]
    return resumable[-1] if resumable else None


def stopped_at_the_start(
    records: Iterable[SessionRecord], now: datetime, routine_id: str | None = None
) -> Unfinished | None:
    """The latest session (of `routine_id`, where given) cut short within RESUME_WITHIN, if
    that was in its first exercise: not one to resume (there is nothing to go on from), but
    the one a person who asks to resume has in mind."""
    cut_short = _cut_short(records, now, routine_id)
    if not cut_short:
        return None
    latest = cut_short[-1]
    return Unfinished(latest, 0) if _first_unsettled(latest) == 0 else None


def _cut_short(
    records: Iterable[SessionRecord], now: datetime, routine_id: str | None
) -> list[SessionRecord]:
    """The sessions (of `routine_id`, where given) that ended unfinished within
    RESUME_WITHIN of `now`, the one that ended last, last."""
    recent = [
        record
        for record in records
        if record.state != "finished"
        and (record.ended_at or record.started_at) >= now - RESUME_WITHIN
        and routine_id in (None, record.routine_id)
    ]
    return sorted(recent, key=lambda record: record.ended_at or record.started_at)


def find_unfinished(
    now: datetime,
    routine_id: str | None = None,
    path: Path | None = None,
    warn: Warn | None = None,
) -> Unfinished | None:
    """`latest_unfinished` of the user's history (read, never changed)."""
    return latest_unfinished(read_unfinished(now - RESUME_WITHIN, path, warn), now, routine_id)
