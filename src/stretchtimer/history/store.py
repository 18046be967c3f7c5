"""The history's SQLite file: its schema, opening and repairing it, writing and reading.

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
from datetime import UTC, datetime
from pathlib import Path

from stretchtimer.history.records import ExerciseRecord, SessionRecord
from stretchtimer.paths import data_dir
from stretchtimer.session.plan import Timeline

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


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(UTC)


class NewerSchemaError(Exception):
    """The file was written by a newer stretchtimer; left alone, not logged to."""


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
