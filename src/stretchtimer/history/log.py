"""A running session kept in the history as the engine reports it.

The engine says when an exercise ends, how it ended and how long it took; this module only
writes that down, so the history can never disagree with the session. It never imports the
engine: what it needs of an event is written as the protocols below.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import datetime
from pathlib import Path
from typing import Protocol

from stretchtimer.history.records import ExerciseRecord, SessionRecord, utc_now
from stretchtimer.history.resume import Unfinished
from stretchtimer.history.store import (
    LOG_WRITE_WAIT_MS,
    HistoryLocked,
    HistoryStore,
    Warn,
    check_soon,
    is_corrupt,
    one_line,
)
from stretchtimer.session.plan import Timeline

log = logging.getLogger(__name__)

RETRY_PAUSE = 0.25  # seconds between tries while the history is locked or the disk is full


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

    Every write is one short transaction on the event loop (it waits at most
    LOG_WRITE_WAIT_MS for a lock). What a write could not put down (another program holds a
    lock, the disk is full) is kept here and written by the next one, so a failed write is
    reported once and made good later; `pending` says why something is not written yet, and
    `retry` (off the loop, or at exit) tries again patiently. The store may be opened in a
    thread (`open_log`): until it is, every write is left pending, never dropped.
    """

    def __init__(
        self,
        store: HistoryStore | None,
        timeline: Timeline,
        speed: float = 1.0,
        *,
        now: Callable[[], datetime] = utc_now,
        warn: Warn | None = None,
        resuming: Unfinished | None = None,
    ) -> None:
        """`resuming`: a session cut short, which this one goes on with in the same row."""
        self.store: HistoryStore | None = None
        self.timeline = timeline
        self.speed = speed
        self.now = now
        self.warn = warn
        self.session_id: int | None = None
        self.started_at: datetime | None = None
        self.feeling_before: int | None = None
        self.feeling_after: int | None = None
        self.ended = False
        self.lost = False  # the history cannot be used: nothing is kept (after one warning)
        self._why: str | None = None  # why the last write failed
        self.write_seconds: list[float] = []  # how long each write took, for the benchmark
        self._exercises: dict[int, ExerciseRecord] = {}
        self._unsaved: dict[int, ExerciseRecord] = {}  # reported, not written yet
        self._totals: tuple[float, float, str] | None = None  # active, paused, state
        self._totals_saved = True
        self._feelings_unsaved: dict[str, int] = {}
        self._warned = False
        self._writing = threading.Lock()  # the loop's writes and `retry` in a thread
        self._opening: Future[HistoryStore | None] | None = None
        self._said: list[str] = []  # what opening it in a thread had to say
        self._loop: asyncio.AbstractEventLoop | None = None  # told when the store is open
        self._taking = threading.Lock()
        self._closing = threading.Event()
        self.resuming = resuming
        if resuming is not None:
            earlier = resuming.record
            self.session_id, self.started_at = earlier.id, earlier.started_at
            self.feeling_before = earlier.feeling_before
            self._exercises = {
                e.position: e for e in earlier.exercises if e.position < resuming.position
            }
        if store is not None:
            self._use(store)

    # --- what the engine reports ------------------------------------------------------------

    def started(self) -> None:
        """The session began: its row, so even a crash in the first exercise leaves a trace."""
        self.started_at = self.started_at or self.now()
        if self.resuming is not None and self._totals is None:  # running again, from now
            earlier = self.resuming.record
            self._set_totals(earlier.active_seconds, earlier.paused_seconds, "running")
        self._when_open_write()
        self._write()

    def exercise_ended(self, report: ExerciseReport) -> None:
        if self.ended:
            return
        record = self._record(report)
        self._exercises[record.position] = self._unsaved[record.position] = record
        self._set_totals(report.active_seconds, report.paused_seconds, "running")
        self._write()

    def session_ended(self, report: SessionReport) -> None:
        """Write every exercise's last report and the totals; nothing if it never began."""
        if self.ended:
            return
        self.ended = True
        if self.started_at is None:
            return
        for exercise in report.exercises:
            record = self._record(exercise)
            if self._exercises.get(record.position) != record:
                self._exercises[record.position] = self._unsaved[record.position] = record
        self._set_totals(report.active_seconds, report.paused_seconds, str(report.state))
        self._write()

    def set_feeling_before(self, value: int) -> None:
        self.feeling_before = value
        self._feelings_unsaved["before"] = value
        self._write()

    def set_feeling_after(self, value: int) -> None:
        self.feeling_after = value
        self._feelings_unsaved["after"] = value
        self._write()

    # --- what the front ends ask ------------------------------------------------------------

    @property
    def keeps(self) -> bool:
        """Whether this session is (or will be, once written) in the history."""
        return not self.lost and self.started_at is not None

    @property
    def pending(self) -> str | None:
        """Why what the session reported is not all in the history yet; None when it is."""
        if not self.keeps:
            return None
        unsaved = (
            self.session_id is None
            or self._unsaved
            or not self._totals_saved
            or self._feelings_unsaved
        )
        return (self._why or "the history is not open yet") if unsaved else None

    @property
    def failed(self) -> str | None:
        """Why a write failed (a full disk, a lock another program holds), while what it
        was to write is still pending; None otherwise (a store still opening is no failure)."""
        return self._why if self.pending else None

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
            level=self.timeline.level,
        )

    def retry(self, wait: float) -> str | None:
        """Try to write what is pending for up to `wait` seconds (it blocks: call it in a
        thread, or at exit); None once everything is written, else why not."""
        deadline = time.monotonic() + wait
        while True:
            self._take_store(wait=max(0.0, deadline - time.monotonic()))
            if self.lost:
                return None
            if self._write(block=True) or time.monotonic() >= deadline or self._closing.is_set():
                return self.pending
            time.sleep(RETRY_PAUSE)

    def close(self, wait: float = 0.0) -> str | None:
        """Try again for up to `wait` seconds if something is not written yet, then close;
        None when the history holds everything, else why not (and it was said once)."""
        pending = self.retry(wait) if self.pending else None
        if pending is not None:
            self._say(f"this session could not be saved to the history ({pending})", force=True)
        self._closing.set()
        with self._writing:
            if self.store is not None:
                self.store.close()
                self.store = None
        return pending

    # --- the store ------------------------------------------------------------------------

    def open_in_thread(self, path: Path | None = None) -> None:
        """Open the history in a thread, waiting as long as another program holds its lock
        (until `close`): neither the lock, a weekly check of every page nor a repair keeps
        the event loop waiting. Its warnings are said on the loop, at the next write."""
        opening: Future[HistoryStore | None] = Future()
        self._opening = opening

        def run() -> None:
            store: HistoryStore | None = None
            while not self._closing.is_set():
                try:
                    store = HistoryStore.open(path, self._said.append, wait_for_lock=True)
                except HistoryLocked as error:
                    self._why = f"the history is locked by another program ({error})"
                    self._closing.wait(RETRY_PAUSE)
                    continue
                except Exception as error:
                    self._said.append(f"cannot open the history ({error}); sessions are not logged")
                opening.set_result(store)
                break
            loop = self._loop
            if loop is not None and opening.done():
                with contextlib.suppress(RuntimeError):  # the loop is closed: nothing to tell
                    loop.call_soon_threadsafe(self._write)

        threading.Thread(target=run, name="history-open", daemon=True).start()

    def _when_open_write(self) -> None:
        """On the loop: write the session down as soon as the store is open."""
        with contextlib.suppress(RuntimeError):  # no loop running: the next write does it
            self._loop = asyncio.get_running_loop()

    def _take_store(self, wait: float = 0.0) -> None:
        """The store once the thread has opened it (or the news that it cannot be used)."""
        opening = self._opening
        if opening is None:
            return
        try:
            store = opening.result(timeout=wait)
        except FutureTimeout:
            return
        with self._taking:
            if self._opening is not opening:
                return  # taken meanwhile
            self._opening = None
        for text in self._said:
            self._say(text, force=True)
        if store is None:
            self.lost = True
        else:
            self._use(store)

    def _use(self, store: HistoryStore) -> None:
        store.connection.execute(f"PRAGMA busy_timeout = {LOG_WRITE_WAIT_MS}")
        self.store = store

    # --- writing --------------------------------------------------------------------------

    def _set_totals(self, active: float, paused: float, state: str) -> None:
        self._totals = (active, paused, state)
        self._totals_saved = False

    def _write(self, block: bool = False) -> bool:
        """Write what is not written yet; True when nothing is left. Never waits for a
        `retry` in progress (it writes this too), unless `block`."""
        self._take_store()
        if self.lost or self.started_at is None:
            return True
        if self.store is None:
            return False
        if not self._writing.acquire(blocking=block):
            return False
        started = time.perf_counter()
        try:
            self._write_unsaved(self.store)
        except sqlite3.Error as error:
            self._why = one_line(error)
            if isinstance(error, sqlite3.DatabaseError) and is_corrupt(error):
                check_soon(self.store.path)
            self._say(f"could not write to the history ({self._why}); will try again")
            return False
        finally:
            self.write_seconds.append(time.perf_counter() - started)
            self._writing.release()
        self._why = None
        return True

    def _write_unsaved(self, store: HistoryStore) -> None:
        """The session's row, the exercises and totals not yet written, and the feelings."""
        if self.session_id is None:
            assert self.started_at is not None
            self.session_id = store.start_session(
                self.timeline, self.started_at, self.speed, self.feeling_before
            )
            self._feelings_unsaved.pop("before", None)
        records = dict(self._unsaved)
        totals = self._totals
        if totals is not None and (records or not self._totals_saved):
            active, paused, state = totals
            store.save_progress(
                self.session_id,
                [records[position] for position in sorted(records)],
                at=self.now(),
                active_seconds=active,
                paused_seconds=paused,
                state=state,
            )
            for position, record in records.items():
                if self._unsaved.get(position) is record:  # not reported again meanwhile
                    del self._unsaved[position]
            self._totals_saved = self._totals is totals
        for which, value in list(self._feelings_unsaved.items()):
            store.set_feeling(self.session_id, **{which: value})
            if self._feelings_unsaved.get(which) == value:
                del self._feelings_unsaved[which]

    def _say(self, text: str, force: bool = False) -> None:
        """One warning about writing (the first); `force`: said whatever came before."""
        if self._warned and not force:
            return
        self._warned = True
        if self.warn is not None:
            self.warn(text)
        else:
            log.warning("%s", text)

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


def open_log(
    timeline: Timeline,
    speed: float,
    warn: Warn,
    path: Path | None = None,
    resuming: Unfinished | None = None,
) -> SessionLog:
    """A SessionLog on the user's history, opened in a thread (see `open_in_thread`)."""
    session_log = SessionLog(None, timeline, speed, warn=warn, resuming=resuming)
    session_log.open_in_thread(path)
    return session_log
