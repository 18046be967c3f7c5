"""The history's SQLite file: its schema, opening and repairing it, writing and reading.

One small database in the data folder, in WAL mode with a busy timeout and one short
transaction per write, so two sessions in two terminals can log at once and a killed process
(even kill -9) loses at most the exercise in progress. Timestamps are stored in UTC; weeks are
worked out in local time by `stats`. The schema is versioned with `PRAGMA user_version` and
migrated forward on open; a version this program does not know is left alone.

A database that cannot be used never stops a session. Only a writer (a session starting)
checks the file, at most once a week (the check reads every page), and repairs a damaged one:
under a lock, it copies every row that can still be read into a new file, keeps the damaged
file under a name of its own and puts the copy in its place. Readers (`history`, `stats`, the
app's screens) never change the file: they read what can be read and say so once, and skip a
row that makes no sense (a start that is not a time) with one warning.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import sqlite3
import tempfile
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path
from typing import TypeVar

from stretchtimer.files import Unreadable, check_regular_file
from stretchtimer.history.records import ExerciseRecord, SessionRecord
from stretchtimer.history.stats import Earlier, Stats, compute, window_start
from stretchtimer.paths import data_dir
from stretchtimer.session.plan import Timeline

log = logging.getLogger(__name__)

DB_NAME = "history.sqlite3"
SCHEMA_VERSION = 4
BUSY_TIMEOUT_MS = 2000  # another terminal's write takes a millisecond; never block longer
# A session's log writes on the event loop, which must not stall: a write that would wait
# longer fails, and is made good at the next exercise's end.
LOG_WRITE_WAIT_MS = 50
FEELING_MAX = 10
CHECK_EVERY = timedelta(days=7)  # how often a writer reads every page (320 ms at 100k sessions)

Warn = Callable[[str], object]
_T = TypeVar("_T")

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
    3: (  # every break `stretchtimer remind` offered, and what became of it (history/breaks.py)
        """CREATE TABLE breaks (
            id INTEGER PRIMARY KEY,
            offered_at TEXT NOT NULL,       -- UTC, ISO 8601
            settled_at TEXT,                -- UTC; when its outcome last changed
            reason TEXT NOT NULL,           -- every, at HH:MM, or hand (a session by hand)
            outcome TEXT NOT NULL,          -- offered, snoozed, taken, typing, skipped, away,
                                            -- unanswered
            snoozes INTEGER NOT NULL DEFAULT 0,
            work_seconds REAL NOT NULL DEFAULT 0,  -- work time counted before it
            routine_id TEXT,                -- the routine suggested
            session_id INTEGER REFERENCES sessions (id) ON DELETE SET NULL
        )""",
        "CREATE INDEX breaks_offered ON breaks (offered_at)",
    ),
    4: ("ALTER TABLE sessions ADD COLUMN level TEXT",),  # easy, standard, full; NULL: standard
}
"""Schema version -> the statements that bring the previous version up to it."""

_CORRUPT = {sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB}
SESSION_COLUMNS = (
    "id, routine_id, routine_name, started_at, ended_at, planned_seconds, active_seconds,"
    " paused_seconds, state, speed, feeling_before, feeling_after, exercise_count, level"
)
EXERCISE_COLUMNS = (
    "session_id, position, exercise_id, name, areas, outcome, seconds, planned_seconds"
)
BREAK_COLUMNS = (
    "id, offered_at, settled_at, reason, outcome, snoozes, work_seconds, routine_id, session_id"
)
_DONE_ONE = (
    "EXISTS (SELECT 1 FROM exercises"
    " WHERE exercises.session_id = sessions.id AND exercises.outcome = 'done')"
)
_NOT_IN = "id NOT IN (SELECT value FROM json_each(?))"


def db_path() -> Path:
    return data_dir() / DB_NAME


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(UTC)


def one_line(text: object, width: int = 120) -> str:
    """SQLite's message (a check lists every bad page, one a line) as one short line."""
    line = " ".join(str(text).split())
    return line if len(line) <= width else line[: width - 3] + "..."


class HistoryLocked(Exception):
    """Another program holds a lock on the history for longer than the busy timeout."""


class NewerSchemaError(Exception):
    """The file's schema version is not one this program knows (a newer stretchtimer wrote
    it, or it is not a history at all): it is left alone, not logged to."""

    def __init__(self, version: int) -> None:
        super().__init__(version)
        self.version = version

    def __str__(self) -> str:
        if self.version > SCHEMA_VERSION:
            return f"it is from a newer stretchtimer (schema version {self.version})"
        return f"its schema version {self.version} is not one stretchtimer knows"


# --- the store ------------------------------------------------------------------------------


class HistoryStore:
    """An open history database; every method is one short transaction."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path
        self.bad_rows: list[str] = []  # rows the reads left out, and why
        self.copies: list[sqlite3.Connection] = []  # of a damaged file (`read_damaged`)

    @classmethod
    def open(
        cls,
        path: Path | None = None,
        warn: Warn | None = None,
        writable: bool = True,
        *,
        wait_for_lock: bool = False,
    ) -> HistoryStore | None:
        """Open (create, migrate, now and then check) the database to write to it; None,
        after one warning, if it cannot be used. A damaged file is repaired (`_repair`).

        It waits for another program's lock (up to the busy timeout) and for a repair: a
        session opens it off the event loop (`history.log`). With `wait_for_lock`, a lock
        still held after that raises `HistoryLocked` (the caller tries again later) instead
        of giving up.
        """
        path = path or db_path()
        say: Warn = warn or (lambda text: log.warning("%s", text))
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            check_regular_file(path)
            identity = _identity(path)
            try:
                return cls(_connect_patiently(path, writable), path)
            except sqlite3.DatabaseError as error:
                if not is_corrupt(error):
                    raise
                _repair(path, identity or _identity(path), error, say)
            return cls(_connect_patiently(path, writable), path)
        except NewerSchemaError as error:
            say(f"{path} is left alone: {error}; sessions are not logged")
            return None
        except sqlite3.DatabaseError as error:
            if wait_for_lock and is_locked(error):
                raise HistoryLocked(one_line(error)) from None
            say(
                f"cannot write the history in {path.parent} ({one_line(error)});"
                " sessions are not logged"
            )
            return None
        except OSError as error:
            reason = error.strerror or str(error)
            say(f"cannot write the history in {path.parent} ({reason}); sessions are not logged")
            return None
        except Unreadable as error:
            say(f"cannot write the history {path} ({error}); sessions are not logged")
            return None

    def close(self) -> None:
        for copy in self.copies:
            copy.close()
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
                " planned_seconds, exercise_count, state, speed, feeling_before, level)"
                " VALUES (?, ?, ?, ?, ?, ?, 'running', ?, ?, ?)",
                (
                    timeline.routine.id,
                    timeline.routine.name,
                    _stamp(started_at),
                    _stamp(started_at),
                    timeline.total,
                    len(timeline.exercises),
                    speed,
                    feeling_before,
                    timeline.level,
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
        """Sessions started at or after `since` (all when None), oldest first. A row that
        makes no sense is left out and noted in `bad_rows`."""
        where, params = ("WHERE started_at >= ?", (_stamp(since),)) if since else ("", ())
        return self._sessions(where, params)

    def unfinished(self, ended_since: datetime) -> list[SessionRecord]:
        """Sessions cut short (stopped, or still 'running' when the program died) whose last
        write was at or after `ended_since` and that are their routine's latest, oldest
        first: those that can be resumed."""
        return self._sessions(
            "WHERE state != 'finished' AND ended_at >= ? AND NOT EXISTS (SELECT 1 FROM sessions"
            " AS later WHERE later.routine_id = sessions.routine_id"
            " AND later.started_at > sessions.started_at)",
            (_stamp(ended_since),),
        )

    def finished(self, routine_id: str, last: int) -> list[SessionRecord]:
        """The `last` finished sessions of a routine run in real time (not previews), oldest
        first: what progression looks at."""
        return self._sessions(
            "WHERE id IN (SELECT id FROM sessions WHERE routine_id = ? AND state = 'finished'"
            " AND speed <= 1 ORDER BY started_at DESC, id DESC LIMIT ?)",
            (routine_id, last),
        )

    def _sessions(self, where: str, params: tuple[object, ...]) -> list[SessionRecord]:
        with self.connection:  # one read transaction: sessions and exercises from one moment
            self.connection.execute("BEGIN")
            rows = self.connection.execute(
                f"SELECT {SESSION_COLUMNS} FROM sessions {where} ORDER BY started_at, id",
                params,
            ).fetchall()
            exercises: dict[object, list[ExerciseRecord]] = {}
            for row in self.connection.execute(
                f"SELECT {EXERCISE_COLUMNS} FROM exercises"
                f" WHERE session_id IN (SELECT id FROM sessions {where}) ORDER BY position",
                params,
            ):
                try:
                    exercises.setdefault(row[0], []).append(_exercise_record(row))
                except ValueError as error:
                    self.bad_rows.append(f"an exercise of session {row[0]}: {error}")
        records = []
        for row in rows:
            try:
                records.append(_session_record(row, exercises.get(row[0], [])))
            except ValueError as error:
                self.bad_rows.append(f"session {row[0]}: {error}")
        return records

    def earlier(self, before: datetime, not_counted: Collection[int] = ()) -> Earlier:
        """The sessions started before `before`, summed up by SQL for the stats; the starts of
        those that count are read one at a time, newest first, as far back as the streak
        goes (the connection must stay open until the stats are computed). `not_counted`, as
        for `compute`."""
        stamp = _stamp(before)
        left_out = json.dumps(sorted(not_counted))
        logged, counted, pain_total, pain_pairs = self.connection.execute(
            "SELECT count(*),"
            f" coalesce(sum(speed <= 1 AND {_DONE_ONE} AND {_NOT_IN}), 0),"
            " coalesce(sum(feeling_after - feeling_before) FILTER (WHERE speed <= 1), 0),"
            " count(feeling_after - feeling_before) FILTER (WHERE speed <= 1)"
            " FROM sessions WHERE started_at < ?",
            (left_out, stamp),
        ).fetchone()
        starts = self._counted_starts(stamp, left_out)
        return Earlier(logged, counted, float(pain_total), pain_pairs, starts)

    def spent_typing(self) -> frozenset[int]:
        """The sessions `remind` watched and found spent typing (history/breaks.py)."""
        try:
            rows = self.connection.execute(
                "SELECT session_id FROM breaks WHERE outcome = 'typing' AND session_id IS NOT NULL"
            ).fetchall()
        except sqlite3.OperationalError:  # no breaks kept: a file older than them, read-only
            return frozenset()
        return frozenset(row[0] for row in rows if isinstance(row[0], int))

    def _counted_starts(self, before: str, left_out: str) -> Iterator[datetime]:
        """The starts before `before`, newest first, read as they are asked for (a streak
        reads back only as far as it goes). The query runs now, so that a damaged file fails
        here, within `_read`; a page that fails later ends the list there."""
        cursor = self.connection.execute(
            "SELECT started_at FROM sessions"
            f" WHERE started_at < ? AND speed <= 1 AND {_DONE_ONE} AND {_NOT_IN}"
            " ORDER BY started_at DESC",
            (before, left_out),
        )
        return _times(cursor, self.path)


def _times(cursor: sqlite3.Cursor, path: Path) -> Iterator[datetime]:
    try:
        for (text,) in cursor:
            with contextlib.suppress(TypeError, ValueError):  # not a time: left out
                yield datetime.fromisoformat(text).astimezone(UTC)
    except sqlite3.Error as error:  # damaged further back: the weeks before it count nothing
        log.warning("stopped reading older sessions in %s: %s", path, one_line(error))


def _exercise_record(row: tuple[object, ...]) -> ExerciseRecord:
    _, position, exercise_id, name, areas, outcome, seconds, planned = row
    return ExerciseRecord(
        _whole(position),
        str(exercise_id),
        str(name),
        tuple(filter(None, str(areas).split(","))),
        str(outcome),
        _number(seconds),
        _number(planned),
    )


def _session_record(row: tuple[object, ...], exercises: list[ExerciseRecord]) -> SessionRecord:
    """A session as read back; ValueError when a field is not what the schema says."""
    return SessionRecord(
        id=_whole(row[0]),
        routine_id=str(row[1]),
        routine_name=str(row[2]),
        started_at=_time(row[3]),
        ended_at=None if row[4] is None else _time(row[4]),
        planned_seconds=_number(row[5]),
        active_seconds=_number(row[6]),
        paused_seconds=_number(row[7]),
        state=str(row[8]),
        speed=_number(row[9]),
        feeling_before=None if row[10] is None else _whole(row[10]),
        feeling_after=None if row[11] is None else _whole(row[11]),
        exercise_count=_whole(row[12]),
        exercises=tuple(exercises),
        level="standard" if row[13] is None else str(row[13]),
    )


def _time(value: object) -> datetime:
    try:
        return datetime.fromisoformat(str(value)).astimezone(UTC)
    except ValueError:
        raise ValueError(f"{value!r} is not a time") from None


def _number(value: object) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{value!r} is not a number")
    if not math.isfinite(value):  # SQLite keeps an inf or a NaN: no time or speed is one
        raise ValueError(f"{value!r} is not a finite number")
    return float(value)


def _whole(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{value!r} is not a whole number")
    return value


# --- reading for the commands and screens that only show the history -------------------------


def read_sessions(
    since: datetime | None = None, path: Path | None = None, warn: Warn | None = None
) -> list[SessionRecord]:
    """Every session since `since`; an empty list when there is no history yet.

    Never changes the file: a damaged one is read as far as it can be (and `warn` says so
    once), one that cannot be written (a read-only folder) is read without a warning.
    """
    with _reader(path, warn) as store:
        if store is None:
            return []
        return _read(store, lambda: store.sessions(since), [], warn)


def read_unfinished(
    ended_since: datetime, path: Path | None = None, warn: Warn | None = None
) -> list[SessionRecord]:
    """`HistoryStore.unfinished`, read as `read_sessions` reads (never changing the file)."""
    with _reader(path, warn) as store:
        if store is None:
            return []
        return _read(store, lambda: store.unfinished(ended_since), [], warn)


def read_finished(
    routine_id: str, last: int, path: Path | None = None, warn: Warn | None = None
) -> list[SessionRecord]:
    """`HistoryStore.finished`, read as `read_sessions` reads (never changing the file)."""
    with _reader(path, warn) as store:
        if store is None:
            return []
        return _read(store, lambda: store.finished(routine_id, last), [], warn)


def read_stats(
    now: datetime,
    goal: int,
    weeks: int = 8,
    *,
    break_proof: bool,
    this: SessionRecord | None = None,
    path: Path | None = None,
    warn: Warn | None = None,
    tz: tzinfo | None = None,
) -> tuple[list[SessionRecord], Stats]:
    """The recent sessions (those the stats need whole) and the stats, with `this` session as
    it will be logged. The years before are summed up by SQL, never read whole.

    What counts toward the goal is decided here, once, for every place that shows it (stats,
    the picker, the summary, the reminder): with `break_proof` (the setting), a session that
    `remind` found spent typing is listed but does not count."""
    since = window_start(now, weeks, tz)
    with _reader(path, warn) as store:
        sessions: list[SessionRecord] = []
        earlier = Earlier()
        typing: frozenset[int] = frozenset()
        if store is not None:
            if break_proof:
                typing = _read(store, store.spent_typing, frozenset(), None)
            sessions = _read(store, lambda: store.sessions(since), [], warn)
            earlier = _read(store, lambda: store.earlier(since, typing), Earlier(), None)
        if this is not None:
            sessions = [*(s for s in sessions if s.id != this.id), this]
        return sessions, compute(sessions, now, goal, weeks, tz, earlier, typing)


@contextlib.contextmanager
def _reader(path: Path | None, warn: Warn | None) -> Iterator[HistoryStore | None]:
    """The history opened to read it, without changing it; None (after a warning where one
    is due) when there is none or it cannot be used."""
    path = path or db_path()
    try:
        there = check_regular_file(path)
    except Unreadable as error:
        there = False
        if warn is not None:
            warn(f"cannot read the history {path} ({error})")
    if not there:
        yield None
        return
    try:
        connection = _open_to_read(path)
        try:
            version = _version(connection, migrate=False)
        except BaseException:
            connection.close()
            raise
        if version < SCHEMA_VERSION:  # brought up to date to be read (if it can be written)
            connection.close()
            if version == 0:  # made, never written: no history yet
                yield None
                return
            connection = _connect_patiently(path, writable=False)
    except NewerSchemaError as error:
        if warn is not None:
            warn(f"{path} is not read: {error}")
        yield None
        return
    except sqlite3.DatabaseError as error:
        if is_corrupt(error):
            check_soon(path)
        if warn is not None:
            damaged = "; the next session will repair it" if is_corrupt(error) else ""
            warn(f"cannot read the history in {path} ({one_line(error)}){damaged}")
        yield None
        return
    store = HistoryStore(connection, path)
    try:
        yield store
    finally:
        store.close()


def _open_to_read(path: Path) -> sqlite3.Connection:
    """A read-only connection: the file as another program left it (its WAL included), or,
    in a folder this user cannot write to, the file alone."""
    try:
        connection = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return connection
    except sqlite3.OperationalError as error:
        if is_corrupt(error):
            raise
        return sqlite3.connect(f"{path.as_uri()}?immutable=1", uri=True, isolation_level=None)


def _read(store: HistoryStore, read: Callable[[], _T], empty: _T, warn: Warn | None) -> _T:
    """`read()`, with one warning for the rows it left out; from a damaged file, what can
    still be read (`read_damaged`); `empty` when nothing can."""
    try:
        result = read()
    except sqlite3.DatabaseError as error:
        if warn is not None:
            damaged = "; the next session will repair it" if is_corrupt(error) else ""
            warn(f"cannot read all of the history in {store.path} ({one_line(error)}){damaged}")
        if not is_corrupt(error):
            return empty
        check_soon(store.path)
        return read_damaged(store, read, empty)
    if store.bad_rows and warn is not None:
        count = len(store.bad_rows)
        rows = "row" if count == 1 else "rows"
        warn(f"{store.path.name}: left out {count} {rows} that make no sense ({store.bad_rows[0]})")
    return result


def read_damaged(store: HistoryStore, read: Callable[[], _T], empty: _T) -> _T:
    """`read()` again, on an in-memory copy of every row of the damaged file that can still
    be read, so one bad page does not hide every session."""
    copy = sqlite3.connect(":memory:", isolation_level=None)
    # What `read` returns may read on from it (a streak's older weeks): it closes with the store.
    store.copies.append(copy)
    try:
        _create(copy)
        _copy_rows(store.connection, copy)
        damaged, store.connection = store.connection, copy
        try:
            return read()
        finally:
            store.connection = damaged
    except sqlite3.DatabaseError:
        return empty


# --- opening to write -------------------------------------------------------------------------


def _connect(path: Path, writable: bool = True) -> sqlite3.Connection:
    """Open, switch to WAL, check now and then, migrate; raises sqlite3 errors for the caller
    to sort out."""
    connection = _open(path)
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        if _check_due(path):
            check = connection.execute("PRAGMA quick_check").fetchone()[0]
            if check != "ok":
                raise _CorruptError(f"quick_check: {one_line(check)}")
            _checked(path)
        if connection.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            connection.execute("PRAGMA journal_mode = WAL")  # once, when the file is new
        connection.execute("PRAGMA synchronous = NORMAL")  # WAL: safe against crashes, fast
        connection.execute("PRAGMA foreign_keys = ON")
        _version(connection, migrate=True)
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
            if not is_locked(error) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _open(path: Path) -> sqlite3.Connection:
    return sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )


def _check_due(path: Path) -> bool:
    """Whether a writer should read every page now: once a week, since a check of a long
    history takes a third of a second (and a damaged page also shows when it is read)."""
    try:
        checked = _checked_path(path).stat().st_mtime
    except OSError:
        return True
    return time.time() - checked > CHECK_EVERY.total_seconds()


def _checked(path: Path) -> None:
    with contextlib.suppress(OSError):
        _checked_path(path).touch()


def check_soon(path: Path) -> None:
    """Have the next writer check (and repair) the file: damage was met reading or writing."""
    with contextlib.suppress(OSError):
        _checked_path(path).unlink()


def _checked_path(path: Path) -> Path:
    return path.with_name(path.name + ".checked")


def _check_writable(connection: sqlite3.Connection) -> None:
    """Fail now, not at the first exercise's end, when the file cannot be written (a
    read-only file opens read-only without a word): a write that is rolled back."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        connection.execute(f"PRAGMA user_version = {version}")
    finally:
        connection.execute("ROLLBACK")


def _version(connection: sqlite3.Connection, migrate: bool) -> int:
    """The file's schema version, brought up to SCHEMA_VERSION when `migrate` (in one
    transaction: another process may race); NewerSchemaError for one this program does not
    know."""
    version: int = connection.execute("PRAGMA user_version").fetchone()[0]
    if not 0 <= version <= SCHEMA_VERSION:
        raise NewerSchemaError(version)
    if version == SCHEMA_VERSION or not migrate:
        return version
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]
        if not 0 <= version <= SCHEMA_VERSION:
            raise NewerSchemaError(version)
        _create(connection, version)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    return SCHEMA_VERSION


def _create(connection: sqlite3.Connection, version: int = 0) -> None:
    """The schema from `version` up (0: all of it), in the caller's transaction."""
    for target in range(version + 1, SCHEMA_VERSION + 1):
        for statement in MIGRATIONS[target]:
            connection.execute(statement)
    connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")


class _CorruptError(sqlite3.DatabaseError):
    """The file opened but its pages do not check out."""


def is_locked(error: sqlite3.DatabaseError) -> bool:
    """Whether another connection holds a lock (so trying again later may work)."""
    code = getattr(error, "sqlite_errorcode", 0) & 0xFF
    return code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)


def is_corrupt(error: sqlite3.DatabaseError) -> bool:
    """Whether the file itself is damaged (so it is repaired), not merely locked or
    read-only."""
    if isinstance(error, _CorruptError):
        return True
    code = getattr(error, "sqlite_errorcode", None)
    if code is not None:
        return (code & 0xFF) in _CORRUPT
    return type(error) is sqlite3.DatabaseError


# --- repairing ------------------------------------------------------------------------------


def _identity(path: Path) -> tuple[int, int] | None:
    """Which file is at `path` (device and inode), so a repair moves only the one that
    failed, never one another process has put there since."""
    try:
        status = path.stat()
    except OSError:
        return None
    return status.st_dev, status.st_ino


def _repair(
    path: Path, identity: tuple[int, int] | None, error: sqlite3.DatabaseError, say: Warn
) -> None:
    """Replace the damaged file that failed with a copy of every row that can be read.

    Under a lock beside it, so two programs finding it damaged at once repair it once; the
    second finds another file there and leaves it. The damaged file is kept under a name no
    other file has (`history.sqlite3.corrupt-<time>-<pid>-<n>`), with its WAL file beside it.
    """
    with _lock(path):
        if identity is None or _identity(path) != identity:
            return  # repaired (or removed) by another program meanwhile
        folder = path.parent
        handle, name = tempfile.mkstemp(prefix=f".{path.name}.repair-", dir=folder)
        os.close(handle)
        copy = Path(name)
        try:
            kept, lost = _salvage(path, copy)
            aside = _keep_aside(path)
        except BaseException:
            copy.unlink(missing_ok=True)
            raise
        for extra in ("-wal", "-shm"):
            side = path.with_name(path.name + extra)
            with contextlib.suppress(FileNotFoundError):
                if extra == "-wal":
                    side.rename(aside.with_name(aside.name + extra))
                else:
                    side.unlink()
        os.replace(copy, path)
        _checked(path)
    lost_text = f" ({lost} lost)" if lost else ""
    say(
        f"{path.name} was damaged ({one_line(error, 80)}): moved to {aside.name}; the new one"
        f" holds the {kept} session{'s' * (kept != 1)} that could be read{lost_text}"
    )


@contextlib.contextmanager
def _lock(path: Path) -> Iterator[None]:
    """An exclusive lock on `<history>.lock` (POSIX); held for a repair only."""
    try:
        import fcntl
    except ImportError:  # Windows: no lock, the identity check still holds
        yield
        return
    with open(path.with_name(path.name + ".lock"), "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _keep_aside(path: Path) -> Path:
    """Give the damaged file a second name of its own (a new name every time, never one that
    exists), so replacing `path` keeps it."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    for attempt in range(100):
        aside = path.with_name(f"{path.name}.corrupt-{stamp}-{os.getpid()}-{attempt}")
        try:
            os.link(path, aside)
            return aside
        except FileExistsError:
            continue
        except OSError:  # no hard links here: a copy, then
            if aside.exists():
                continue
            with open(path, "rb") as source, open(aside, "xb") as target:
                while block := source.read(1 << 20):
                    target.write(block)
            return aside
    raise OSError(f"no free name beside {path}")


def _salvage(damaged: Path, into: Path) -> tuple[int, int]:
    """Copy every row of `damaged` that can be read into a new history at `into`: (sessions
    kept, sessions lost as far as the ids read tell)."""
    source = sqlite3.connect(f"{damaged.as_uri()}?mode=ro", uri=True, isolation_level=None)
    target = sqlite3.connect(into, isolation_level=None)
    try:
        target.execute("PRAGMA journal_mode = WAL")
        target.execute("BEGIN")
        _create(target)
        _copy_rows(source, target)
        target.execute("COMMIT")
        # Ids count up from 1 and no session is ever deleted: the highest id known from a
        # row that could be read (a session's, or one its exercises name) tells how many
        # there were. The damaged file's own max(id) is not asked: a bad page can answer
        # anything.
        kept, highest = target.execute(
            "SELECT count(*), max(coalesce(max(id), 0),"
            " (SELECT coalesce(max(session_id), 0) FROM exercises)) FROM sessions"
        ).fetchone()
        return kept, max(0, highest - kept)
    finally:
        source.close()
        target.close()


def _copy_rows(source: sqlite3.Connection, target: sqlite3.Connection) -> None:
    """Every readable row of every table, from `source` into `target`'s (empty) tables."""
    tables = [("sessions", SESSION_COLUMNS), ("exercises", EXERCISE_COLUMNS)]
    with contextlib.suppress(sqlite3.DatabaseError):
        if source.execute("SELECT 1 FROM sqlite_master WHERE name = 'breaks'").fetchone():
            tables.append(("breaks", BREAK_COLUMNS))
    for table, every_column in tables:
        columns = _columns_of(source, table, every_column)
        marks = ", ".join("?" * len(columns.split(",")))
        for chunk in _readable_rows(source, table, columns):
            target.executemany(f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({marks})", chunk)


def _columns_of(source: sqlite3.Connection, table: str, columns: str) -> str:
    """Those of `columns` that `table` in `source` has: a file of an older version lacks the
    newer ones, which its rows leave at their defaults."""
    with contextlib.suppress(sqlite3.DatabaseError):
        has = {row[1] for row in source.execute(f"PRAGMA table_info({table})")}
        if has:
            return ", ".join(name for name in map(str.strip, columns.split(",")) if name in has)
    return columns


def _readable_rows(
    source: sqlite3.Connection, table: str, columns: str, chunk: int = 500
) -> Iterator[list[tuple[object, ...]]]:
    """The rows of `table` that can be read, in rowid order, a chunk at a time. Where a read
    fails (a bad page), the rows from there are read one at a time, and past the bad page the
    reading goes on from the first row that can be read again."""
    last = -(1 << 63)
    query = f"SELECT rowid, {columns} FROM {table} WHERE rowid > ? ORDER BY rowid LIMIT ?"

    def fetch(after: int, limit: int) -> list[tuple[object, ...]] | None:
        try:
            return source.execute(query, (after, limit)).fetchall()
        except sqlite3.DatabaseError:
            return None

    while True:
        rows = fetch(last, chunk)
        if rows is None:
            rows = fetch(last, 1)
            if rows is None:  # the next row is on a bad page: find the first one past it
                found = _first_readable_after(fetch, last)
                if found is None:
                    return
                last = found
                continue
        if not rows:
            return
        yield [row[1:] for row in rows]
        last = int(rows[-1][0])  # type: ignore[call-overload]


def _first_readable_after(
    fetch: Callable[[int, int], list[tuple[object, ...]] | None], last: int
) -> int | None:
    """The rowid to read on from after a bad page following `last`: reads from past the bad
    page succeed and reads into it fail, so double the jump until one succeeds, then halve
    the gap to the last that failed."""
    bad, jump = last, 1
    while True:
        probe = last + jump
        if probe >= (1 << 63) - 1:
            return None
        if fetch(probe, 1) is not None:
            break
        bad, jump = probe, jump * 2
    good = probe
    while good - bad > 1:
        middle = (good + bad) // 2
        if fetch(middle, 1) is None:
            bad = middle
        else:
            good = middle
    return good
