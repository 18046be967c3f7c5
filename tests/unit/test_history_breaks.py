"""The breaks `remind` offered, in the history: the schema's third version, and its records."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime

from stretchtimer.history.store import MIGRATIONS, SCHEMA_VERSION, HistoryStore, db_path
from stretchtimer.paths import data_dir


def rows(sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path()) as connection:
        return connection.execute(sql).fetchall()


def test_a_version_2_history_opens_as_before_and_gains_a_breaks_table() -> None:
    data_dir().mkdir(parents=True)
    with sqlite3.connect(db_path()) as connection:
        for version in (1, 2):
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
        connection.execute(
            "INSERT INTO sessions (routine_id, routine_name, started_at, planned_seconds, state,"
            " feeling_before) VALUES ('desk-break', 'Desk Break', '2026-11-20T08:00:00.000+00:00',"
            " 301, 'finished', 5)"
        )
        connection.execute("PRAGMA user_version = 2")
    connection.close()
    warnings: list[str] = []
    store = HistoryStore.open(warn=warnings.append)
    assert store is not None and not warnings
    with store:
        [session] = store.sessions()
    assert (session.routine_id, session.feeling_before) == ("desk-break", 5)
    assert session.started_at == datetime(2026, 11, 20, 8, tzinfo=UTC)
    assert SCHEMA_VERSION == 3
    assert rows("PRAGMA user_version") == [(3,)]
    assert rows("SELECT count(*) FROM breaks") == [(0,)]
