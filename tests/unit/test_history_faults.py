"""A hostile history: damaged pages, rows that make no sense, an unknown schema version, and
programs opening a damaged file at once. Only a writer repairs, and it keeps what can be read."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from conftest import make_exercise, make_routine

from stretchtimer.history import store as history
from stretchtimer.history.records import ExerciseRecord
from stretchtimer.history.store import HistoryStore, db_path, read_sessions, read_stats
from stretchtimer.paths import data_dir
from stretchtimer.session.plan import plan

NOW = datetime.now(UTC)
SESSIONS = 400


def fill(sessions: int = SESSIONS) -> None:
    """`sessions` logged sessions, each with a routine name found nowhere else in the file."""
    timeline = plan(make_routine("one"), [make_exercise("one")])
    store = HistoryStore.open()
    assert store is not None
    with store:
        for n in range(sessions):
            moment = NOW - timedelta(hours=sessions - n)
            session_id = store.start_session(timeline, moment)
            store.connection.execute(
                "UPDATE sessions SET routine_name = ? WHERE id = ?", (f"Marker-{n:05}", session_id)
            )
            done = [ExerciseRecord(0, "one", "One", ("neck",), "done", 10.0, 10.0)]
            store.save_progress(
                session_id, done, at=moment, active_seconds=15, paused_seconds=0, state="finished"
            )
        store.connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def garble_page_of(marker: str) -> bytes:
    """Overwrite the page that holds `marker`; the damaged file's bytes."""
    with sqlite3.connect(db_path()) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(db_path().read_bytes())
    page = data.index(marker.encode()) // size
    data[page * size + 8 : (page + 1) * size] = b"\xff" * (size - 8)
    db_path().write_bytes(bytes(data))
    return bytes(data)


def check_due() -> None:
    """A week since the last check of every page."""
    old = time.time() - history.CHECK_EVERY.total_seconds() - 60
    os.utime(data_dir() / "history.sqlite3.checked", (old, old))


def asides() -> list[Path]:
    """The damaged files kept aside (without their WAL files)."""
    return [
        path
        for path in data_dir().glob("history.sqlite3.corrupt-*")
        if not path.name.endswith(("-wal", "-shm"))
    ]


def cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stretchtimer", *args], capture_output=True, text=True, timeout=60
    )


# --- a damaged page -------------------------------------------------------------------------


def test_a_reader_shows_what_can_be_read_of_a_damaged_history_and_leaves_it() -> None:
    fill()
    damaged = garble_page_of("Marker-00200")
    said: list[str] = []
    sessions = read_sessions(warn=said.append)
    assert SESSIONS * 0.8 < len(sessions) < SESSIONS  # one page lost, not every session
    assert "Marker-00000" in {s.routine_name for s in sessions}
    assert len(said) == 1 and "the next session will repair it" in said[0]
    assert db_path().read_bytes() == damaged  # a reader never changes the file
    assert asides() == []


def test_a_writer_repairs_a_damaged_history_keeping_every_row_it_can_read() -> None:
    fill()
    damaged = garble_page_of("Marker-00200")
    check_due()
    said: list[str] = []
    store = HistoryStore.open(warn=said.append)
    assert store is not None
    store.close()
    [line] = said
    assert "moved to history.sqlite3.corrupt-" in line and "\n" not in line
    [aside] = asides()
    assert aside.read_bytes() == damaged  # the damaged file, kept as it was
    kept = read_sessions()
    assert SESSIONS * 0.8 < len(kept) < SESSIONS
    assert f"holds the {len(kept)} sessions that could be read" in line
    assert all(session.done == 1 for session in kept)  # their exercises came along
    with sqlite3.connect(db_path()) as connection:
        assert connection.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    connection.close()


def test_stats_of_a_damaged_history_show_what_can_be_read_in_one_warning() -> None:
    """`stats` reads the weeks of a streak back as far as it goes, older sessions as it
    needs them: from a damaged file, from the copy of what could be read."""
    fill(9)
    with sqlite3.connect(db_path()) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    connection.close()
    data = bytearray(db_path().read_bytes())
    data[5000:9000] = b"A" * 4000  # across the first pages
    db_path().write_bytes(bytes(data))
    for args in (("stats",), ("stats", "--json")):
        result = cli(*args)
        assert result.returncode == 0, result.stderr
        assert "Traceback" not in result.stderr
        [line] = result.stderr.splitlines()
        assert "cannot read all of the history" in line
    assert '"sessions"' in result.stdout
    # and what can be read is counted: a bad page among 400 sessions costs that page's only
    db_path().unlink()
    fill()
    garble_page_of("Marker-00200")
    result = cli("stats", "--json")
    assert result.returncode == 0 and len(result.stderr.splitlines()) == 1, result.stderr
    counted = sum(week["sessions"] for week in json.loads(result.stdout)["weeks"])
    assert SESSIONS * 0.8 < counted < SESSIONS


def test_the_count_of_sessions_lost_in_a_repair_comes_from_rows_that_could_be_read() -> None:
    """A bad page can give any answer to max(id): the sessions lost are told from the ids
    that the readable rows (sessions and their exercises) give."""
    fill(9)
    with sqlite3.connect(db_path()) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        size = connection.execute("PRAGMA page_size").fetchone()[0]
        root = connection.execute(
            "SELECT rootpage FROM sqlite_master WHERE name = 'sessions'"
        ).fetchone()[0]
    connection.close()
    data = bytearray(db_path().read_bytes())  # every session's page: only exercises are left
    start = (root - 1) * size
    data[start + 8 : start + size] = b"A" * (size - 8)
    db_path().write_bytes(bytes(data))
    check_due()
    said: list[str] = []
    HistoryStore.open(warn=said.append).close()  # type: ignore[union-attr]
    [line] = said
    assert "the new one holds the 0 sessions that could be read (9 lost)" in line


def test_a_damaged_page_met_by_a_reader_has_the_next_writer_check() -> None:
    fill()
    garble_page_of("Marker-00200")  # checked less than a week ago: not checked at open...
    read_sessions()  # ...but a reader met the damage
    said: list[str] = []
    store = HistoryStore.open(warn=said.append)
    assert store is not None
    store.close()
    assert len(said) == 1 and "moved to" in said[0]


def test_the_check_of_every_page_is_not_run_at_each_open() -> None:
    fill(10)
    statements: list[str] = []
    real_open = history._open

    def watched(path: Path) -> sqlite3.Connection:
        connection = real_open(path)
        connection.set_trace_callback(statements.append)
        return connection

    history._open = watched  # type: ignore[assignment]
    try:
        HistoryStore.open().close()  # type: ignore[union-attr]
        assert not any("quick_check" in s for s in statements)
        check_due()
        HistoryStore.open().close()  # type: ignore[union-attr]
        assert any("quick_check" in s for s in statements)
    finally:
        history._open = real_open  # type: ignore[assignment]


def test_programs_opening_a_damaged_history_at_once_never_lose_it() -> None:
    """Readers and writers together: one writer repairs, the damaged file is kept exactly
    once under a name of its own, and nobody's file is renamed over another's."""
    fill()
    damaged = garble_page_of("Marker-00200")
    check_due()
    go = threading.Barrier(8)
    opened: list[bool] = []
    said: list[str] = []

    def write() -> None:
        go.wait()
        store = HistoryStore.open(warn=said.append)
        opened.append(store is not None)
        if store is not None:
            store.close()

    def read() -> None:
        go.wait()
        read_sessions()

    threads = [threading.Thread(target=write if n % 2 else read) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert opened == [True] * 4
    [aside] = asides()
    assert aside.read_bytes() == damaged
    assert [line for line in said if "moved to" in line] == [said[0]]
    assert SESSIONS * 0.8 < len(read_sessions()) < SESSIONS


# --- rows that make no sense, a schema this program does not know ---------------------------


def test_a_row_that_makes_no_sense_is_skipped_with_one_warning() -> None:
    fill(7)
    with sqlite3.connect(db_path()) as connection:
        connection.execute("UPDATE sessions SET started_at = 'yesterday' WHERE id = 2")
        connection.execute("UPDATE sessions SET active_seconds = 'long' WHERE id = 3")
        connection.execute("UPDATE sessions SET active_seconds = 1e308 * 10 WHERE id = 6")
        connection.execute("UPDATE exercises SET seconds = -1e308 * 10 WHERE session_id = 7")
    connection.close()
    said: list[str] = []
    kept = read_sessions(warn=said.append)
    assert [s.id for s in kept] == [1, 4, 5, 7]  # 7 without its exercise of -inf seconds
    assert kept[-1].exercises == ()
    assert len(said) == 1 and "left out 4 rows that make no sense" in said[0]
    said.clear()
    sessions, stats = read_stats(NOW, goal=3, warn=said.append, break_proof=True)
    assert [s.id for s in sessions] == [1, 4, 5, 7] and stats.logged == 4
    assert len(said) == 1
    for command in (["history"], ["history", "--json"], ["history", "--csv"], ["stats"]):
        result = cli(*command)
        assert result.returncode == 0, result.stderr
        assert result.stderr.count("\n") == 1 and "make no sense" in result.stderr, command


def test_a_fifo_in_the_history_s_place_is_refused_in_one_line_not_waited_on() -> None:
    """Opened read-only, a FIFO waits for a writer for ever: history and stats hung."""
    db_path().parent.mkdir(parents=True, exist_ok=True)
    os.mkfifo(db_path())
    for command in (["history"], ["stats"]):
        result = cli(*command)  # times out (60 s) if it waits
        assert result.returncode == 0, result.stderr
        assert result.stderr == (
            f"stretchtimer: cannot read the history {db_path()} (not a regular file (a FIFO))\n"
        )
    doctor = cli("doctor").stdout  # its history line, too
    assert f"history        {db_path()} (cannot read: not a regular file (a FIFO))" in doctor
    said: list[str] = []
    assert HistoryStore.open(warn=said.append) is None
    assert said == [
        f"cannot write the history {db_path()} (not a regular file (a FIFO));"
        " sessions are not logged"
    ]


def test_an_unknown_schema_version_is_refused_in_one_line_and_left_alone() -> None:
    fill(3)
    with sqlite3.connect(db_path()) as connection:
        connection.execute("PRAGMA user_version = -1")
    connection.close()
    for command in (["history"], ["stats"], ["stats", "--json"]):
        result = cli(*command)
        assert result.returncode == 0, result.stderr
        [line] = result.stderr.splitlines()
        assert "schema version -1 is not one stretchtimer knows" in line, command
    plain = cli("run", "desk-break", "--plain", "--mute", "--speed", "1000")
    assert plain.returncode == 0 and plain.stdout.splitlines()[-1].startswith("Finished:")
    [line] = plain.stderr.splitlines()
    assert "schema version -1" in line and "sessions are not logged" in line
    with sqlite3.connect(db_path()) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (-1,)
        assert connection.execute("SELECT count(*) FROM sessions").fetchone() == (3,)
    connection.close()
