"""A running session kept in the history as the engine reports it.

The engine says when an exercise ends, how it ended and how long it took; this module only
writes that down, so the history can never disagree with the session. It never imports the
engine: what it needs of an event is written as the protocols below.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Protocol

from stretchtimer.history.records import ExerciseRecord, SessionRecord, utc_now
from stretchtimer.history.store import LOG_WRITE_WAIT_MS, HistoryStore, Warn
from stretchtimer.session.plan import Timeline

log = logging.getLogger(__name__)


class ExerciseReport(Protocol):
    """An exercise's end, as the engine reports it (times in session seconds)."""

    @property
    def position(self) -> int: ...
    @property
    def outcome(self) -> str: ...  # done, skipped or partial
    @property
    def seconds(self) -> float: ...
    @property
    def active_seconds(self) -> float: ...  # the session's, so far
    @property
    def paused_seconds(self) -> float: ...


class SessionReport(Protocol):
    """A session's end, as the engine reports it."""

    @property
    def state(self) -> str: ...  # finished or stopped
    @property
    def active_seconds(self) -> float: ...
    @property
    def paused_seconds(self) -> float: ...
    @property
    def exercises(self) -> Sequence[ExerciseReport]: ...


class SessionLog:
    """A row when the session starts, each exercise when it ends, the totals at the end.

    Every write is one short transaction; one that fails (another terminal holds a lock) is
    reported once and made good by the next, since each exercise's last report is kept and
    the end writes them all again. The timer never waits on the disk for long.
    """

    def __init__(
        self,
        store: HistoryStore,
        timeline: Timeline,
        speed: float = 1.0,
        *,
        now: Callable[[], datetime] = utc_now,
        warn: Warn | None = None,
    ) -> None:
        self.store = store
        store.connection.execute(f"PRAGMA busy_timeout = {LOG_WRITE_WAIT_MS}")
        self.timeline = timeline
        self.speed = speed
        self.now = now
        self.warn = warn
        self.session_id: int | None = None
        self.started_at: datetime | None = None
        self.feeling_before: int | None = None
        self.feeling_after: int | None = None
        self.ended = False
        self.write_seconds: list[float] = []  # how long each write took, for the benchmark
        self._exercises: dict[int, ExerciseRecord] = {}
        self._warned = False

    def started(self) -> None:
        """The session began: its row, so even a crash in the first exercise leaves a trace."""
        self.started_at = self.started_at or self.now()
        self._write(self._insert)

    def exercise_ended(self, report: ExerciseReport) -> None:
        if self.ended:
            return
        record = self._record(report)
        self._exercises[record.position] = record
        self._save([record], report.active_seconds, report.paused_seconds, "running")

    def session_ended(self, report: SessionReport) -> None:
        """Write every exercise's last report and the totals; nothing if it never began."""
        if self.ended:
            return
        self.ended = True
        if self.started_at is None:
            return
        for exercise in report.exercises:
            self._exercises[exercise.position] = self._record(exercise)
        records = [self._exercises[position] for position in sorted(self._exercises)]
        self._save(records, report.active_seconds, report.paused_seconds, str(report.state))

    def set_feeling_before(self, value: int) -> None:
        self.feeling_before = value
        if self.session_id is not None:
            self._write(lambda: self.store.set_feeling(self._id, before=value))

    def set_feeling_after(self, value: int) -> None:
        self.feeling_after = value
        if self.session_id is not None:
            self._write(lambda: self.store.set_feeling(self._id, after=value))

    def record(self, report: SessionReport) -> SessionRecord:
        """This session as the history will hold it once `report` is written, without waiting
        for (or racing) the write: the summary screen counts it towards the week."""
        exercises = {**self._exercises}
        for exercise in report.exercises:
            exercises[exercise.position] = self._record(exercise)
        return SessionRecord(
            id=self.session_id or 0,
            routine_id=self.timeline.routine.id,
            routine_name=self.timeline.routine.name,
            started_at=self.started_at or self.now(),
            ended_at=self.now(),
            planned_seconds=self.timeline.total,
            active_seconds=report.active_seconds,
            paused_seconds=report.paused_seconds,
            state=str(report.state),
            exercise_count=len(self.timeline.exercises),
            speed=self.speed,
            feeling_before=self.feeling_before,
            feeling_after=self.feeling_after,
            exercises=tuple(exercises[position] for position in sorted(exercises)),
        )

    def close(self) -> None:
        self.store.close()

    @property
    def _id(self) -> int:
        assert self.session_id is not None
        return self.session_id

    def _insert(self) -> None:
        assert self.started_at is not None
        self.session_id = self.store.start_session(
            self.timeline, self.started_at, self.speed, self.feeling_before
        )

    def _record(self, report: ExerciseReport) -> ExerciseRecord:
        exercise = self.timeline.exercises[report.position]
        return ExerciseRecord(
            position=report.position,
            exercise_id=exercise.id,
            name=exercise.name,
            areas=tuple(exercise.good_for),
            outcome=str(report.outcome),
            seconds=report.seconds,
            planned_seconds=self.timeline.exercise_seconds(report.position),
        )

    def _save(
        self, records: list[ExerciseRecord], active: float, paused: float, state: str
    ) -> None:
        if self.session_id is None and self.started_at is not None:
            self._write(self._insert)  # the first write failed (locked?): try again now
        if self.session_id is None:
            return
        self._write(
            lambda: self.store.save_progress(
                self._id,
                records,
                at=self.now(),
                active_seconds=active,
                paused_seconds=paused,
                state=state,
            )
        )

    def _write(self, action: Callable[[], object]) -> None:
        started = time.perf_counter()
        try:
            action()
        except sqlite3.Error as error:
            if not self._warned:
                self._warned = True
                text = f"could not write to the history ({error}); will try again"
                if self.warn is not None:
                    self.warn(text)
                else:
                    log.warning("%s", text)
        finally:
            self.write_seconds.append(time.perf_counter() - started)


def open_log(
    timeline: Timeline, speed: float, warn: Warn, path: Path | None = None
) -> SessionLog | None:
    """A SessionLog on the user's history, or None (after one warning) when it cannot be kept."""
    store = HistoryStore.open(path, warn=warn)
    return None if store is None else SessionLog(store, timeline, speed, warn=warn)
