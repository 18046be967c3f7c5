"""The history database and the session log, against real SQLite files in a temp dir (time
is virtual)."""

from __future__ import annotations

import asyncio
import os
import sqlite3
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from conftest import make_exercise, make_routine

from stretchtimer.history import log as history_log
from stretchtimer.history import store as history
from stretchtimer.history.log import SessionLog
from stretchtimer.history.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    HistoryStore,
    db_path,
    read_sessions,
)
from stretchtimer.paths import data_dir
from stretchtimer.session.clock import VirtualClock
from stretchtimer.session.engine import Command, Engine, Event, Finished
from stretchtimer.session.plan import Timeline, plan
from stretchtimer.wiring import recorder

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def timeline() -> Timeline:
    """Three one-hold exercises: prepare 5 + hold 10, then rest 10 + prepare 5 + hold 10 each."""
    exercises = [make_exercise(name) for name in ("one", "two", "three")]
    return plan(make_routine("one", "two", "three"), exercises)


def open_store(path: Path | None = None) -> HistoryStore:
    warnings: list[str] = []
    store = HistoryStore.open(path or db_path(), warn=warnings.append)
    assert store is not None and not warnings, warnings
    return store


def logged_run(clock: VirtualClock, speed: float = 1.0) -> tuple[Engine, SessionLog]:
    line = timeline()
    engine = Engine(line, clock, speed)
    log = SessionLog(open_store(), line, speed, now=lambda: T0 + timedelta(seconds=clock.now()))
    engine.subscribe(recorder(log))
    return engine, log


def rows(sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(db_path()) as connection:
        return connection.execute(sql).fetchall()


def test_a_finished_session_is_logged_with_every_exercise() -> None:
    clock = VirtualClock()
    engine, log = logged_run(clock)
    asyncio.run(engine.run())
    log.close()
    [session] = read_sessions()
    assert (session.routine_id, session.state) == ("test-routine", "finished")
    assert session.started_at == T0
    assert session.planned_seconds == session.active_seconds == 65
    assert session.paused_seconds == 0
    assert [(e.exercise_id, e.outcome) for e in session.exercises] == [
        ("one", "done"),
        ("two", "done"),
        ("three", "done"),
    ]
    assert [e.seconds for e in session.exercises] == [15, 25, 25]
    assert session.exercises[0].areas == ("neck",)
    assert session.counts and session.done == 3


def test_each_exercise_is_written_when_it_ends_before_the_session_does() -> None:
    clock = VirtualClock()
    engine, log = logged_run(clock)
    seen: dict[float, list[tuple[object, ...]]] = {}
    for moment in (1.0, 16.0, 41.0):  # in exercise one, two, three

        def look(moment: float = moment) -> None:
            seen[moment] = rows("SELECT position, outcome FROM exercises ORDER BY position")

        clock.at(moment, look)
    asyncio.run(engine.run())
    log.close()
    assert seen == {1.0: [], 16.0: [(0, "done")], 41.0: [(0, "done"), (1, "done")]}


def test_pauses_skips_and_a_stop_are_kept() -> None:
    clock = VirtualClock()
    engine, log = logged_run(clock, speed=2.0)
    clock.at(1.0, lambda: engine.send(Command.PAUSE))
    clock.at(4.0, lambda: engine.send(Command.RESUME))  # 3 s paused = 6 session seconds
    # exercise one (15 s at speed 2) ends at 7.5 + 3 paused: 1.5 s into two, skip the rest of it
    clock.at(12.0, lambda: engine.send(Command.SKIP_EXERCISE))
    clock.at(14.0, lambda: engine.send(Command.STOP))  # 2 s (4 session s) into exercise three
    asyncio.run(engine.run())
    log.close()
    [session] = read_sessions()
    assert session.state == "stopped" and session.speed == 2.0
    assert session.paused_seconds == pytest.approx(6)
    assert session.active_seconds == pytest.approx(22)
    outcomes = [(e.exercise_id, e.outcome) for e in session.exercises]
    assert outcomes == [("one", "done"), ("two", "skipped"), ("three", "partial")]
    assert [e.seconds for e in session.exercises] == pytest.approx([15, 3, 4])
    assert not read_sessions(since=T0 + timedelta(seconds=1))


def test_back_into_an_earlier_exercise_rewrites_it() -> None:
    clock = VirtualClock()
    engine, log = logged_run(clock)
    clock.at(15.5, lambda: engine.send(Command.BACK))  # early in two's rest: back to one's hold
    clock.at(16.0, lambda: engine.send(Command.STOP))
    asyncio.run(engine.run())
    log.close()
    [session] = read_sessions()
    assert [(e.position, e.outcome) for e in session.exercises] == [(0, "partial"), (1, "partial")]


def test_a_session_stopped_before_it_started_is_not_logged() -> None:
    engine, log = logged_run(VirtualClock())
    engine.send(Command.STOP)
    asyncio.run(engine.run(start=False))
    log.close()
    assert read_sessions() == []


def test_feelings_before_and_after_are_stored() -> None:
    clock = VirtualClock()
    engine, log = logged_run(clock)
    log.set_feeling_before(6)  # pressed before the first write: goes in with the start row
    asyncio.run(engine.run())
    log.set_feeling_after(3)
    log.close()
    [session] = read_sessions()
    assert (session.feeling_before, session.feeling_after) == (6, 3)
    with open_store() as store, pytest.raises(ValueError):
        store.set_feeling(session.id, after=11)


def test_an_older_schema_is_migrated_and_keeps_its_sessions() -> None:
    data_dir().mkdir(parents=True)
    with sqlite3.connect(db_path()) as connection:
        for statement in MIGRATIONS[1]:
            connection.execute(statement)
        connection.execute(
            "INSERT INTO sessions (routine_id, routine_name, started_at, planned_seconds, state)"
            " VALUES ('desk-break', 'Desk Break', '2026-11-20T08:00:00.000+00:00', 301, 'finished')"
        )
        connection.execute("PRAGMA user_version = 1")
    connection.close()
    with open_store() as store:
        [session] = store.sessions()
        store.set_feeling(session.id, before=4)
    assert rows("PRAGMA user_version") == [(SCHEMA_VERSION,)]
    assert rows("PRAGMA journal_mode") == [("wal",)]
    [session] = read_sessions()
    assert session.routine_name == "Desk Break" and session.feeling_before == 4
    assert session.started_at == datetime(2026, 11, 20, 8, tzinfo=UTC)


def test_a_newer_schema_is_left_alone() -> None:
    data_dir().mkdir(parents=True)
    with sqlite3.connect(db_path()) as connection:
        connection.execute("PRAGMA user_version = 99")
    connection.close()
    warnings: list[str] = []
    assert HistoryStore.open(warn=warnings.append) is None
    assert len(warnings) == 1 and "newer stretchtimer" in warnings[0]
    assert rows("PRAGMA user_version") == [(99,)]


def test_a_corrupt_database_is_moved_aside_and_a_new_one_started() -> None:
    data_dir().mkdir(parents=True)
    db_path().write_bytes(b"this is not a database" * 100)
    warnings: list[str] = []
    store = HistoryStore.open(warn=warnings.append)
    assert store is not None
    store.close()
    assert len(warnings) == 1 and "moved to history.sqlite3.corrupt-" in warnings[0]
    [aside] = data_dir().glob("history.sqlite3.corrupt-*")
    assert aside.read_bytes().startswith(b"this is not a database")
    assert read_sessions() == []


def test_a_damaged_page_is_caught_by_the_check_on_open() -> None:
    clock = VirtualClock()
    engine, log = logged_run(clock)
    asyncio.run(engine.run())
    log.close()
    with sqlite3.connect(db_path()) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        page_size = connection.execute("PRAGMA page_size").fetchone()[0]
    connection.close()
    data = bytearray(db_path().read_bytes())
    data[page_size + 8 : page_size * 2] = b"\xff" * (page_size - 8)  # garble page 2
    db_path().write_bytes(bytes(data))
    a_week_ago = time.time() - history.CHECK_EVERY.total_seconds() - 60
    os.utime(data_dir() / "history.sqlite3.checked", (a_week_ago, a_week_ago))  # check due
    warnings: list[str] = []
    store = HistoryStore.open(warn=warnings.append)
    assert store is not None and len(warnings) == 1 and "moved to" in warnings[0]
    store.close()


def test_an_unwritable_data_dir_means_one_warning_and_no_log(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    warnings: list[str] = []
    assert HistoryStore.open(blocker / "data" / "history.sqlite3", warn=warnings.append) is None
    assert len(warnings) == 1 and "sessions are not logged" in warnings[0]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders anyway")
def test_a_read_only_data_dir_still_reads_the_history() -> None:
    clock = VirtualClock()
    engine, log = logged_run(clock)
    asyncio.run(engine.run())
    log.close()
    data_dir().chmod(0o500)
    db_path().chmod(0o400)
    try:
        warnings: list[str] = []
        assert HistoryStore.open(warn=warnings.append) is None
        assert len(warnings) == 1
        assert len(read_sessions()) == 1
    finally:
        data_dir().chmod(0o700)
        db_path().chmod(0o600)


def test_a_read_only_file_means_one_warning_no_log_and_it_is_still_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    clock = VirtualClock()
    engine, log = logged_run(clock)
    asyncio.run(engine.run())
    log.close()

    def read_only(path: Path) -> sqlite3.Connection:  # as a read-only file opens, even as root
        return sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True, isolation_level=None)

    monkeypatch.setattr(history, "_open", read_only)
    warnings: list[str] = []
    session_log = history_log.open_log(timeline(), 1.0, warn=warnings.append)
    session_log.started()
    assert session_log.close(wait=5) is None and session_log.lost
    assert len(warnings) == 1 and "readonly" in warnings[0]
    assert "sessions are not logged" in warnings[0]
    [session] = read_sessions(warn=warnings.append)
    assert session.done == 3 and len(warnings) == 1


def test_two_stores_write_at_once() -> None:
    open_store().close()  # the file exists, as it does once a first session was logged
    line = timeline()
    together = threading.Barrier(2)

    def write(offset: int) -> None:  # one terminal: its own store, 20 writes
        store = open_store()
        session_id = store.start_session(line, T0 + timedelta(seconds=offset))
        together.wait()
        for seconds in range(1, 21):
            store.save_progress(
                session_id, [], at=T0, active_seconds=seconds * offset, paused_seconds=0
            )
        store.close()

    writers = [threading.Thread(target=write, args=(offset,)) for offset in (1, 2)]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    assert [s.active_seconds for s in read_sessions()] == [20, 40]
    assert rows("PRAGMA journal_mode") == [("wal",)]


def test_a_reader_is_not_held_up_by_a_write_in_progress() -> None:
    logging = open_store()  # another terminal's session: its rows still in the WAL file
    logging.start_session(timeline(), T0)
    writer = sqlite3.connect(db_path(), isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # and it is writing right now
    try:
        said: list[str] = []
        assert len(read_sessions(warn=said.append)) == 1
        assert said == []
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        logging.close()


def test_a_failed_write_warns_once_and_is_made_good_at_the_next_exercise_end() -> None:
    clock = VirtualClock()
    line = timeline()
    engine = Engine(line, clock)
    warnings: list[str] = []
    log = SessionLog(open_store(), line, now=lambda: T0, warn=warnings.append)
    blocker = sqlite3.connect(db_path(), timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")  # another process holds the file
    engine.subscribe(recorder(log))
    clock.at(1.0, blocker.commit)  # ...and lets go during exercise one
    asyncio.run(engine.run())
    log.close()
    blocker.close()
    assert len(warnings) == 1 and "could not write to the history" in warnings[0]
    [session] = read_sessions()
    assert session.state == "finished" and session.done == 3


def test_a_lock_held_at_the_start_neither_holds_up_the_loop_nor_loses_the_session(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another program holds the history for longer than the busy timeout as the session
    starts: the file is opened (and checked, when due) in a thread, and the session is
    written once the lock frees."""
    open_store().close()
    history.check_soon(db_path())  # the weekly check of every page is due
    loop_thread = threading.current_thread()
    opened_on: list[threading.Thread] = []
    connect = history._connect

    def spy(path: Path, writable: bool = True) -> sqlite3.Connection:
        opened_on.append(threading.current_thread())
        return connect(path, writable)

    monkeypatch.setattr(history, "_connect", spy)
    monkeypatch.setattr(history, "BUSY_TIMEOUT_MS", 100)  # gives up on the lock sooner
    blocker = sqlite3.connect(db_path(), timeout=0)
    blocker.execute("BEGIN EXCLUSIVE")
    clock = VirtualClock()
    line = timeline()
    engine = Engine(line, clock)
    warnings: list[str] = []
    session_log = history_log.open_log(line, 1.0, warn=warnings.append)
    engine.subscribe(recorder(session_log))
    asyncio.run(engine.run())  # the whole session, with the history locked throughout
    assert session_log.keeps and session_log.pending is not None
    deadline = time.monotonic() + 10
    while "locked" not in str(session_log.pending) and time.monotonic() < deadline:
        time.sleep(0.01)  # the thread found the lock still held, and waits for it
    assert "locked by another program" in str(session_log.pending)
    blocker.rollback()  # the other program lets go
    blocker.close()
    assert session_log.close(wait=10) is None
    [session] = read_sessions()
    assert (session.state, session.done) == ("finished", 3)
    assert opened_on and loop_thread not in opened_on
    assert (data_dir() / "history.sqlite3.checked").exists()  # checked, in the thread
    assert warnings == []


class FullDisk(HistoryStore):
    """A store whose writes fail as on a full disk while `full` is set."""

    full = False

    def save_progress(self, *args: Any, **kwargs: Any) -> None:
        if self.full:
            raise sqlite3.OperationalError("database or disk is full")
        super().save_progress(*args, **kwargs)


def full_disk_store() -> FullDisk:
    store = open_store()
    return FullDisk(store.connection, store.path)


def test_a_full_disk_at_the_end_is_told_and_the_end_written_when_there_is_room() -> None:
    clock = VirtualClock()
    line = timeline()
    engine = Engine(line, clock)
    store = full_disk_store()
    warnings: list[str] = []
    session_log = SessionLog(store, line, now=lambda: T0, warn=warnings.append)

    def fill_at_the_end(event: Event) -> None:
        store.full = store.full or isinstance(event, Finished)

    engine.subscribe(fill_at_the_end)  # before the log sees the end
    engine.subscribe(recorder(session_log))
    asyncio.run(engine.run())
    assert session_log.pending == "database or disk is full"
    assert len(warnings) == 1 and "database or disk is full" in warnings[0]
    store.full = False  # room again
    assert session_log.close(wait=5) is None
    [session] = read_sessions()
    assert (session.state, session.done) == ("finished", 3)


def test_a_disk_still_full_at_exit_is_said() -> None:
    clock = VirtualClock()
    line = timeline()
    engine = Engine(line, clock)
    store = full_disk_store()
    warnings: list[str] = []
    session_log = SessionLog(store, line, now=lambda: T0, warn=warnings.append)
    engine.subscribe(recorder(session_log))
    store.full = True
    asyncio.run(engine.run())
    assert session_log.close(wait=0.5) == "database or disk is full"
    assert "could not be saved" in warnings[-1] and "disk is full" in warnings[-1]
    [session] = read_sessions()
    assert (session.state, session.done) == ("running", 0)


def test_reading_a_corrupt_history_leaves_it_alone_and_says_so_once() -> None:
    """Only a writer repairs: `history` and `stats` never move or change the file."""
    data_dir().mkdir(parents=True)
    db_path().write_bytes(b"garbage" * 1000)
    warnings: list[str] = []
    assert read_sessions(warn=warnings.append) == []
    assert len(warnings) == 1 and "the next session will repair it" in warnings[0]
    assert sorted(path.name for path in data_dir().iterdir()) == ["history.sqlite3"]
    assert db_path().read_bytes() == b"garbage" * 1000


def test_no_log_is_accepted_before_and_after_run() -> None:
    from stretchtimer.cli.commands import settings_of
    from stretchtimer.cli.main import build_parser

    for argv in (["--no-log"], ["run", "desk-break", "--no-log"], ["--no-log", "run", "x"]):
        assert settings_of(build_parser().parse_args(argv)).log is False
    assert settings_of(build_parser().parse_args(["run", "desk-break"])).log is True


def test_doctor_names_the_history_file_and_counts_its_sessions() -> None:
    from stretchtimer.cli.doctor import _history
    from stretchtimer.settings import Settings

    assert _history(Settings()) == f"{db_path()} (none yet)"
    clock = VirtualClock()
    engine, log = logged_run(clock)
    asyncio.run(engine.run())
    log.close()
    assert _history(Settings(log=False)) == f"{db_path()} (1 session; log = false: not logging)"
    db_path().write_bytes(b"junk" * 100)
    assert "cannot read" in _history(Settings())
    assert "the app will move it aside" in _history(Settings())
    db_path().unlink()
    db_path().mkdir()  # cannot be opened, but not damaged: nothing would be moved aside
    assert "cannot read" in _history(Settings())
    assert "move it aside" not in _history(Settings())


def test_many_first_opens_at_once_all_get_the_history(tmp_path: Path) -> None:
    """Two terminals starting their first-ever session together race to create the file."""
    import threading

    def open_one(
        path: Path, go: threading.Barrier, warnings: list[str], opened: list[bool]
    ) -> None:
        go.wait()
        store = HistoryStore.open(path, warn=warnings.append)
        opened.append(store is not None)
        if store is not None:
            store.close()

    for attempt in range(15):
        path = tmp_path / f"race-{attempt}" / "history.sqlite3"
        warnings: list[str] = []
        opened: list[bool] = []
        go = threading.Barrier(4)
        threads = [
            threading.Thread(target=open_one, args=(path, go, warnings, opened)) for _ in range(4)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert warnings == [] and opened == [True] * 4, warnings
