"""The history: every session in a SQLite file, written as the session goes.

One small database in the data folder, in WAL mode with a busy timeout and one short
transaction per write, so two sessions in two terminals can log at once and a killed process
(even kill -9) loses at most the exercise in progress. Timestamps are stored in UTC; weeks are
worked out in local time by `stats`. The schema is versioned with `PRAGMA user_version` and
migrated forward on open. A database that cannot be used never stops a session: a corrupt one
is moved aside and a new one started; an unwritable one turns logging off with one warning.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .engine import (
    Event,
    Finished,
    Outcome,
    Paused,
    Resumed,
    Skipped,
    StepStarted,
    Stopped,
    Summary,
    exercise_outcome,
)
from .paths import data_dir
from .plan import Timeline

log = logging.getLogger(__name__)

DB_NAME = "history.sqlite3"
SCHEMA_VERSION = 2
BUSY_TIMEOUT_MS = 2000  # another terminal's write takes a millisecond; never block longer
# A session's log writes on the event loop, which must not stall: a write that would wait
# longer fails, and is made good at the next exercise's end.
LOG_WRITE_WAIT_MS = 50
FEELING_MAX = 10

Warn = Callable[[str], object]

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE sessions (
            id INTEGER PRIMARY KEY,
            routine_id TEXT NOT NULL,
            routine_name TEXT NOT NULL,
            started_at TEXT NOT NULL,       -- UTC, ISO 8601
            ended_at TEXT,                  -- UTC; the last write while running
            planned_seconds REAL NOT NULL,
            exercise_count INTEGER NOT NULL DEFAULT 0,
            active_seconds REAL NOT NULL DEFAULT 0,
            paused_seconds REAL NOT NULL DEFAULT 0,
            state TEXT NOT NULL,            -- running (or cut short), finished, stopped
            speed REAL NOT NULL DEFAULT 1
        )""",
        "CREATE INDEX sessions_started ON sessions (started_at)",
        """CREATE TABLE exercises (
            session_id INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            exercise_id TEXT NOT NULL,
            name TEXT NOT NULL,
            areas TEXT NOT NULL,            -- comma-separated body areas
            outcome TEXT NOT NULL,          -- done, skipped, partial
            seconds REAL NOT NULL,          -- active session seconds spent on it
            planned_seconds REAL NOT NULL,
            PRIMARY KEY (session_id, position)
        )""",
    ),
    2: (
        "ALTER TABLE sessions ADD COLUMN feeling_before INTEGER",
        "ALTER TABLE sessions ADD COLUMN feeling_after INTEGER",
    ),
}
"""Schema version -> the statements that bring the previous version up to it."""

_CORRUPT = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}


def db_path() -> Path:
    return data_dir() / DB_NAME


def utc_now() -> datetime:
    return datetime.now(UTC)


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(UTC)


class NewerSchemaError(Exception):
    """The file was written by a newer stretchtimer; left alone, not logged to."""


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


# --- the store ------------------------------------------------------------------------------


class HistoryStore:
    """An open history database; every method is one short transaction."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path

    @classmethod
    def open(
        cls, path: Path | None = None, warn: Warn | None = None, writable: bool = True
    ) -> HistoryStore | None:
        """Open (create, migrate) the database; None, after one warning, if it cannot be used.

        A corrupt file is moved aside (with a warning) and a fresh one is started. `writable`
        checks at once that it can be written; a reader leaves that out, so another
        terminal's write in progress does not hold it up.
        """
        path = path or db_path()
        say: Warn = warn or (lambda text: log.warning("%s", text))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            return cls(_connect_patiently(path, writable), path)
        except NewerSchemaError:
            say(f"{path} is from a newer stretchtimer; sessions are not logged")
            return None
        except sqlite3.DatabaseError as error:
            if not is_corrupt(error):
                say(f"cannot write the history in {path.parent} ({error}); sessions are not logged")
                return None
            aside = _move_aside(path)
            if aside is None:
                say(f"{path} is unreadable and cannot be moved; sessions are not logged")
                return None
            say(f"{path.name} was unreadable ({error}): moved to {aside.name}, starting a new one")
            try:
                return cls(_connect_patiently(path, writable), path)
            except (sqlite3.DatabaseError, NewerSchemaError) as again:
                say(f"cannot start a new history in {path.parent} ({again})")
                return None
        except OSError as error:
            reason = error.strerror or str(error)
            say(f"cannot write the history in {path.parent} ({reason}); sessions are not logged")
            return None

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> HistoryStore:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    # --- writing ----------------------------------------------------------------------------

    def start_session(
        self,
        timeline: Timeline,
        started_at: datetime,
        speed: float = 1.0,
        feeling_before: int | None = None,
    ) -> int:
        with self.connection:
            cursor = self.connection.execute(
                "INSERT INTO sessions (routine_id, routine_name, started_at, ended_at,"
                " planned_seconds, exercise_count, state, speed, feeling_before)"
                " VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?)",
                (
                    timeline.routine.id,
                    timeline.routine.name,
                    _stamp(started_at),
                    _stamp(started_at),
                    timeline.total,
                    len(timeline.exercises),
                    speed,
                    feeling_before,
                ),
            )
        assert cursor.lastrowid is not None
        return cursor.lastrowid

    def save_progress(
        self,
        session_id: int,
        exercises: Sequence[ExerciseRecord],
        *,
        at: datetime,
        active_seconds: float,
        paused_seconds: float,
        state: str = "running",
    ) -> None:
        """Record exercises' outcomes and the session's running totals, in one transaction."""
        with self.connection:
            self.connection.executemany(
                "INSERT OR REPLACE INTO exercises (session_id, position, exercise_id, name,"
                " areas, outcome, seconds, planned_seconds) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        session_id,
                        e.position,
                        e.exercise_id,
                        e.name,
                        ",".join(e.areas),
                        e.outcome,
                        e.seconds,
                        e.planned_seconds,
                    )
                    for e in exercises
                ],
            )
            self.connection.execute(
                "UPDATE sessions SET ended_at = ?, active_seconds = ?, paused_seconds = ?,"
                " state = ? WHERE id = ?",
                (_stamp(at), active_seconds, paused_seconds, state, session_id),
            )

    def set_feeling(
        self, session_id: int, *, before: int | None = None, after: int | None = None
    ) -> None:
        for column, value in (("feeling_before", before), ("feeling_after", after)):
            if value is not None:
                if not 0 <= value <= FEELING_MAX:
                    raise ValueError(f"a feeling is 0 to {FEELING_MAX}, not {value}")
                with self.connection:
                    self.connection.execute(
                        f"UPDATE sessions SET {column} = ? WHERE id = ?", (value, session_id)
                    )

    # --- reading ----------------------------------------------------------------------------

    def sessions(self, since: datetime | None = None) -> list[SessionRecord]:
        """Sessions started at or after `since` (all when None), oldest first."""
        where, params = ("WHERE started_at >= ?", (_stamp(since),)) if since else ("", ())
        with self.connection:  # one read transaction: sessions and exercises from one moment
            self.connection.execute("BEGIN")
            rows = self.connection.execute(
                "SELECT id, routine_id, routine_name, started_at, ended_at, planned_seconds,"
                " active_seconds, paused_seconds, state, speed, feeling_before, feeling_after,"
                " exercise_count"
                f" FROM sessions {where} ORDER BY started_at, id",
                params,
            ).fetchall()
            exercises: dict[int, list[ExerciseRecord]] = {}
            for row in self.connection.execute(
                "SELECT session_id, position, exercise_id, name, areas, outcome, seconds,"
                " planned_seconds FROM exercises"
                f" WHERE session_id IN (SELECT id FROM sessions {where}) ORDER BY position",
                params,
            ):
                exercises.setdefault(row[0], []).append(
                    ExerciseRecord(
                        row[1], row[2], row[3], tuple(filter(None, row[4].split(","))), *row[5:]
                    )
                )
        return [
            SessionRecord(
                id=row[0],
                routine_id=row[1],
                routine_name=row[2],
                started_at=_parse(row[3]) or datetime.min.replace(tzinfo=UTC),
                ended_at=_parse(row[4]),
                planned_seconds=row[5],
                active_seconds=row[6],
                paused_seconds=row[7],
                state=row[8],
                speed=row[9],
                feeling_before=row[10],
                feeling_after=row[11],
                exercise_count=row[12],
                exercises=tuple(exercises.get(row[0], ())),
            )
            for row in rows
        ]


def read_sessions(
    since: datetime | None = None, path: Path | None = None, warn: Warn | None = None
) -> list[SessionRecord]:
    """Every session since `since`; an empty list when there is no history yet.

    A corrupt file is moved aside (and `warn` says so); one that cannot be written (a
    read-only folder) is still read, without a warning.
    """
    path = path or db_path()
    if not path.exists():
        return []
    said: list[str] = []
    store = HistoryStore.open(path, warn=said.append, writable=False)
    if store is None:  # unwritable but perhaps readable
        try:
            connection = sqlite3.connect(f"{path.as_uri()}?immutable=1", uri=True)
            store = HistoryStore(connection, path)
        except sqlite3.Error as error:
            if warn is not None:
                warn(f"cannot read the history in {path} ({error})")
            return []
    elif warn is not None:
        for text in said:
            warn(text)
    try:
        return store.sessions(since)
    except sqlite3.Error as error:
        if warn is not None:
            warn(f"cannot read the history in {path} ({error})")
        return []
    finally:
        store.close()


def _connect(path: Path, writable: bool = True) -> sqlite3.Connection:
    """Open, switch to WAL, check and migrate; raises sqlite3 errors for the caller to sort."""
    connection = _open(path)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        check = connection.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            raise _CorruptError(f"quick_check: {check}")
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode = WAL")  # once, when the file is new
        connection.execute("PRAGMA synchronous = NORMAL")  # WAL: safe against crashes, fast
        connection.execute("PRAGMA foreign_keys = ON")
        _migrate(connection)
        if writable:
            _check_writable(connection)
        # Python's context manager commits; keep statements in explicit transactions.
        connection.isolation_level = "DEFERRED"
    except BaseException:
        connection.close()
        raise
    return connection


def _connect_patiently(path: Path, writable: bool = True) -> sqlite3.Connection:
    """`_connect`, tried again for up to the busy timeout while another process holds a lock
    SQLite will not wait for (turning a brand-new file to WAL needs it to itself)."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            return _connect(path, writable)
        except sqlite3.OperationalError as error:
            code = getattr(error, "sqlite_errorcode", 0) & 0xFF
            if code != sqlite3.SQLITE_BUSY or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _open(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)


def _check_writable(connection: sqlite3.Connection) -> None:
    """Fail now, not at the first exercise's end, when the file cannot be written (a
    read-only file opens read-only without a word): a write that is rolled back."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        connection.execute(f"PRAGMA user_version = {version}")
    finally:
        connection.execute("ROLLBACK")


def _migrate(connection: sqlite3.Connection) -> None:
    """Bring the schema up to SCHEMA_VERSION, in one transaction (another process may race)."""
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version > SCHEMA_VERSION:
        raise NewerSchemaError(version)
    if version == SCHEMA_VERSION:
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        for target in range(version + 1, SCHEMA_VERSION + 1):
            for statement in MIGRATIONS[target]:
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {max(version, SCHEMA_VERSION)}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


class _CorruptError(sqlite3.DatabaseError):
    """The file opened but its pages do not check out."""


def is_corrupt(error: sqlite3.DatabaseError) -> bool:
    """Whether the file itself is damaged (so it is moved aside), not merely locked or
    read-only."""
    if isinstance(error, _CorruptError):
        return True
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _CORRUPT
    return type(error) is sqlite3.DatabaseError


def _move_aside(path: Path) -> Path | None:
    """Rename a bad database (and its WAL files) to `<name>.corrupt-<time>`."""
    suffix = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    aside = path.with_name(f"{path.name}.corrupt-{suffix}")
    try:
        path.rename(aside)
        for extra in ("-wal", "-shm"):
            side = path.with_name(path.name + extra)
            if side.exists():
                side.rename(aside.with_name(aside.name + extra))
    except OSError:
        return None
    return aside


# --- the engine subscriber ------------------------------------------------------------------


class SessionLog:
    """Keeps a running session in the history: a row at its start, each exercise at its end.

    It follows the engine's events only (it never reads the engine), mirroring which steps
    were done or skipped; the final summary then settles every exercise's outcome. A failing
    write is reported once and retried at the next exercise's end: the timer never waits.
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
        self._outcomes = [Outcome.PENDING] * len(timeline.steps)
        self._seconds: dict[int, float] = {}  # active clock seconds per exercise position
        self._current: int | None = None
        self._mark: float | None = None  # clock time up to which time has been credited
        self._paused = False
        self._paused_total = 0.0
        self._warned = False

    def __call__(self, event: Event) -> None:
        if self.ended:
            return
        if self._mark is not None:
            self._credit(event.at)
        if isinstance(event, StepStarted):
            self._step_started(event)
        elif isinstance(event, Skipped):
            for step in event.steps:
                self._outcomes[step.index] = Outcome.SKIPPED
        elif isinstance(event, Paused):
            self._paused = True
        elif isinstance(event, Resumed):
            self._paused = False
        elif isinstance(event, Finished | Stopped):
            self._end(event.summary)

    def set_feeling_before(self, value: int) -> None:
        self.feeling_before = value
        if self.session_id is not None:
            self._write(lambda: self.store.set_feeling(self._id, before=value))

    def set_feeling_after(self, value: int) -> None:
        self.feeling_after = value
        if self.session_id is not None:
            self._write(lambda: self.store.set_feeling(self._id, after=value))

    @property
    def _id(self) -> int:
        assert self.session_id is not None
        return self.session_id

    def _credit(self, at: float) -> None:
        assert self._mark is not None
        spent = max(0.0, at - self._mark)
        self._mark = max(self._mark, at)  # events carry their due time: never step back
        if self._paused:
            self._paused_total += spent
        else:
            assert self._current is not None  # set with the mark, at the start
            self._seconds[self._current] = self._seconds.get(self._current, 0.0) + spent

    def _step_started(self, event: StepStarted) -> None:
        step = event.step
        if event.reason == "start":
            self._mark = event.at
            self._write(self._start)
        elif event.reason == "next" and step.index > 0:
            self._outcomes[step.index - 1] = Outcome.DONE
        elif event.reason == "back":
            for index in (step.index, step.index + 1):
                if index < len(self._outcomes):
                    self._outcomes[index] = Outcome.PENDING
        if step.exercise_index != self._current:
            left = self._current
            self._current = step.exercise_index
            if left is not None:
                self._save([self._record(left, None)])

    def _start(self) -> None:
        self.started_at = self.started_at or self.now()
        self.session_id = self.store.start_session(
            self.timeline, self.started_at, self.speed, self.feeling_before
        )

    def record(self, summary: Summary) -> SessionRecord:
        """This session as the history will hold it once the summary is written, without
        waiting for (or racing) the write: the summary screen counts it towards the week."""
        started = self.started_at or self.now()
        return SessionRecord(
            id=self.session_id or 0,
            routine_id=self.timeline.routine.id,
            routine_name=self.timeline.routine.name,
            started_at=started,
            ended_at=self.now(),
            planned_seconds=self.timeline.total,
            active_seconds=summary.active_seconds,
            paused_seconds=summary.paused_seconds,
            state=str(summary.state),
            exercise_count=len(self.timeline.exercises),
            speed=self.speed,
            feeling_before=self.feeling_before,
            feeling_after=self.feeling_after,
            exercises=tuple(self._exercises(summary)),
        )

    def _end(self, summary: Summary) -> None:
        self.ended = True
        if self.started_at is None:  # stopped before it began: nothing to keep
            return
        self._save(self._exercises(summary), summary)

    def _exercises(self, summary: Summary) -> list[ExerciseRecord]:
        """Every exercise begun or settled, with the outcome the summary gives it."""
        outcomes = _settled(summary)
        positions = sorted(set(self._seconds) | set(outcomes))
        return [self._record(position, outcomes.get(position)) for position in positions]

    def _save(self, records: list[ExerciseRecord], summary: Summary | None = None) -> None:
        if self.session_id is None and self.started_at is not None:
            self._write(self._start)  # the first write failed (locked?): try again now
        if self.session_id is None:
            return
        active = summary.active_seconds if summary else sum(self._seconds.values()) * self.speed
        paused = summary.paused_seconds if summary else self._paused_total * self.speed
        state = str(summary.state) if summary else "running"
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

    def _record(self, position: int, outcome: str | None) -> ExerciseRecord:
        exercise = self.timeline.exercises[position]
        return ExerciseRecord(
            position=position,
            exercise_id=exercise.id,
            name=exercise.name,
            areas=tuple(exercise.good_for),
            outcome=outcome or self._mirrored_outcome(position),
            seconds=self._seconds.get(position, 0.0) * self.speed,
            planned_seconds=self.timeline.exercise_seconds(position),
        )

    def _mirrored_outcome(self, position: int) -> str:
        outcome = exercise_outcome(self.timeline, self._outcomes, position)
        return OUTCOME_NAMES.get(outcome, "partial")

    def close(self) -> None:
        self.store.close()

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


OUTCOME_NAMES = {Outcome.DONE: "done", Outcome.SKIPPED: "skipped"}  # anything else: partial


def _settled(summary: Summary) -> dict[int, str]:
    """Each exercise's outcome as the session's summary settles it (position -> name)."""
    return {
        **{position: "done" for position in summary.exercises_done},
        **{position: "skipped" for position in summary.exercises_skipped},
    }


def open_log(
    timeline: Timeline, speed: float, warn: Warn, path: Path | None = None
) -> SessionLog | None:
    """A SessionLog on the user's history, or None (after one warning) when it cannot be kept."""
    store = HistoryStore.open(path, warn=warn)
    return None if store is None else SessionLog(store, timeline, speed, warn=warn)
