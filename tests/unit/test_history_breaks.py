"""The breaks `remind` offered, in the history: the schema's third version, and its records."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

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
    assert rows("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows("SELECT count(*) FROM breaks") == [(0,)]


T0 = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)  # a Monday


def open_store() -> HistoryStore:
    store = HistoryStore.open()
    assert store is not None
    return store


def test_a_break_is_written_when_offered_and_settled_later() -> None:
    from stretchtimer.history.breaks import add_break, read_breaks, update_break

    with open_store() as store:
        first = add_break(store, at=T0, reason="every", outcome="offered", work_seconds=3000)
        update_break(store, first, at=T0, outcome="snoozed", snoozes=1)
        update_break(store, first, at=T0, outcome="taken", snoozes=1, session_id=None)
        add_break(store, at=T0, reason="hand", outcome="typing", session_id=None)
    [taken, hand] = read_breaks()
    assert (taken.reason, taken.outcome, taken.snoozes, taken.work_seconds) == (
        "every",
        "taken",
        1,
        3000,
    )
    assert taken.offered and not hand.offered
    assert taken.settled_at is not None


def test_breaks_per_week_count_only_those_offered() -> None:
    from datetime import timedelta

    from stretchtimer.history.breaks import BreakRecord, break_weeks

    def record(days: int, outcome: str, reason: str = "every") -> BreakRecord:
        return BreakRecord(0, T0 - timedelta(days=days), None, reason, outcome)

    records = [
        record(0, "taken"),
        record(1, "skipped"),  # Sunday: last week
        record(0, "typing"),
        record(0, "taken", reason="hand"),
        record(0, "away"),
    ]
    *_, last, this = break_weeks(records, T0.date(), weeks=3)
    assert (this.offered, this.taken, this.typing, this.away) == (3, 1, 1, 1)
    assert (last.offered, last.skipped) == (1, 1)


def test_a_repaired_history_keeps_its_breaks() -> None:
    import os
    import time

    from stretchtimer.history import store as history
    from stretchtimer.history.breaks import add_break, read_breaks

    with open_store() as store:
        for n in range(30):
            add_break(store, at=T0, reason="every", outcome="taken", routine_id=f"r{n}")
        with store.connection:
            store.connection.execute(
                "INSERT INTO sessions (routine_id, routine_name, started_at, planned_seconds,"
                " state) VALUES ('x', 'Marker-damage', '2026-11-20T08:00:00.000+00:00', 1,"
                " 'finished')"
            )
    with sqlite3.connect(db_path()) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(db_path().read_bytes())
    page = data.index(b"Marker-damage") // size
    data[page * size + 8 : (page + 1) * size] = b"\xff" * (size - 8)
    db_path().write_bytes(bytes(data))
    old = time.time() - history.CHECK_EVERY.total_seconds() - 60
    os.utime(data_dir() / "history.sqlite3.checked", (old, old))
    said: list[str] = []
    store = HistoryStore.open(warn=said.append)
    assert store is not None and said
    store.close()
    assert len(read_breaks()) == 30


def log_done_sessions(store: HistoryStore, count: int, at: datetime) -> list[int]:
    """`count` finished sessions of one exercise, started at `at`; their ids."""
    from conftest import make_exercise, make_routine

    from stretchtimer.history.records import ExerciseRecord
    from stretchtimer.session.plan import plan

    timeline = plan(make_routine("one"), [make_exercise("one")])
    ids = []
    for _ in range(count):
        session = store.start_session(timeline, at)
        done = [ExerciseRecord(0, "one", "One", ("neck",), "done", 10.0, 10.0)]
        store.save_progress(
            session, done, at=at, active_seconds=15, paused_seconds=0, state="finished"
        )
        ids.append(session)
    return ids


def test_stats_counts_breaks_and_leaves_out_sessions_spent_typing(
    capsys: pytest.CaptureFixture[str], user_config: Path
) -> None:
    import json

    from stretchtimer.cli.main import main
    from stretchtimer.history.breaks import add_break
    from stretchtimer.history.records import utc_now

    now = utc_now()
    with open_store() as store:
        ids = log_done_sessions(store, 2, now)
        add_break(store, at=now, reason="every", outcome="taken", session_id=ids[0])
        add_break(store, at=now, reason="every", outcome="typing", session_id=ids[1])
        add_break(store, at=now, reason="every", outcome="skipped")
    assert main(["stats", "--json", "--weeks", "2"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["this_week"]["sessions"] == 1  # the one spent typing is not counted
    assert stats["breaks"][-1] | {"start": None} == {
        "start": None,
        "offered": 3,
        "taken": 1,
        "typing": 1,
        "skipped": 1,
        "snoozed": 0,
        "away": 0,
    }
    assert main(["stats", "--weeks", "2"]) == 0
    text = capsys.readouterr().out
    assert "Breaks offered by `stretchtimer remind`:" in text
    (user_config / "config.toml").write_text("break_proof = false\n", encoding="utf-8")
    assert main(["stats", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["this_week"]["sessions"] == 2


@pytest.mark.parametrize(("proof", "counted"), [(True, 1), (False, 2)])
def test_sessions_spent_typing_long_ago_are_left_out_of_the_totals_too(
    proof: bool, counted: int
) -> None:
    """Sessions older than the weeks shown are summed up by SQL: the same rule holds there."""
    from datetime import timedelta

    from stretchtimer.history.breaks import add_break
    from stretchtimer.history.store import read_stats

    long_ago = T0 - timedelta(weeks=20)
    with open_store() as store:
        ids = log_done_sessions(store, 2, long_ago)
        add_break(store, at=long_ago, reason="every", outcome="typing", session_id=ids[1])
    _, stats = read_stats(T0, goal=1, break_proof=proof)
    assert stats.total_sessions == counted
