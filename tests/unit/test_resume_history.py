"""Resuming a session cut short: which session and exercise (pure), the store's query, and
the log going on in the same row (real SQLite in a temp dir, virtual time)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from conftest import make_exercise, make_routine

from stretchtimer.history.log import SessionLog
from stretchtimer.history.records import ExerciseRecord, SessionRecord
from stretchtimer.history.resume import (
    RESUME_WITHIN,
    Unfinished,
    latest_unfinished,
    resume_point,
    stopped_at_the_start,
)
from stretchtimer.history.store import HistoryStore, db_path, read_sessions, read_unfinished
from stretchtimer.session.clock import VirtualClock
from stretchtimer.session.engine import Command, Engine
from stretchtimer.session.plan import Timeline, plan
from stretchtimer.wiring import earlier_of, recorder

NOW = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)
IDS = ("one", "two", "three")


def timeline(ids: tuple[str, ...] = IDS) -> Timeline:
    """Three one-hold exercises: prepare 5 + hold 10, then rest 10 + prepare 5 + hold 10 each."""
    return plan(make_routine(*ids), [make_exercise(name) for name in ids])


def exercise(position: int, outcome: str, exercise_id: str | None = None) -> ExerciseRecord:
    name = exercise_id or IDS[position]
    return ExerciseRecord(position, name, name.title(), ("neck",), outcome, 15.0, 15.0)


def record(
    *outcomes: str, state: str = "stopped", ended: timedelta = timedelta(minutes=10), id: int = 1
) -> SessionRecord:
    return SessionRecord(
        id=id,
        routine_id="test-routine",
        routine_name="Test Routine",
        started_at=NOW - ended - timedelta(minutes=1),
        ended_at=NOW - ended,
        planned_seconds=65,
        active_seconds=30,
        paused_seconds=5,
        state=state,
        exercise_count=3,
        exercises=tuple(exercise(p, outcome) for p, outcome in enumerate(outcomes)),
    )


# --- which exercise, which session (pure) -----------------------------------------------------


def test_it_goes_on_from_the_first_exercise_neither_done_nor_skipped() -> None:
    assert resume_point(record("done")) == 1  # killed in the second: no record of it yet
    assert resume_point(record("done", "partial")) == 1  # stopped in the second
    assert resume_point(record("done", "skipped", "partial")) == 2
    assert resume_point(record("done", "done", "done")) is None  # nothing left to do
    assert resume_point(record()) is None  # cut short in the first: that is starting again
    assert resume_point(record("partial")) is None


def test_the_latest_session_cut_short_within_two_hours_is_offered() -> None:
    older = record("done", ended=timedelta(minutes=50), id=1)
    newer = record("done", "done", ended=timedelta(minutes=5), id=2)
    found = latest_unfinished([newer, older], NOW)
    assert found == Unfinished(newer, 2)
    assert latest_unfinished([older], NOW, routine_id="another") is None
    stale = record("done", ended=RESUME_WITHIN + timedelta(seconds=1))
    assert latest_unfinished([stale], NOW) is None
    assert latest_unfinished([record("done", state="finished")], NOW) is None
    assert Unfinished(newer, 2).offer(timeline(), NOW) == (
        "Resume Test Routine from Three (ended 5 min ago)"
    )


def test_a_session_cut_short_in_its_first_exercise_is_not_resumed_but_found() -> None:
    """Nothing to go on from, but the one a person asking to resume means: `run --resume`
    says so, rather than that nothing was cut short."""
    early = record("partial", ended=timedelta(minutes=1), id=2)
    assert latest_unfinished([early], NOW) is None
    assert stopped_at_the_start([early], NOW) == Unfinished(early, 0)
    assert stopped_at_the_start([early], NOW, routine_id="another") is None
    later = record("done", ended=timedelta(seconds=30), id=3)  # the latest went further
    assert stopped_at_the_start([early, later], NOW) is None
    assert stopped_at_the_start([record("partial", state="finished")], NOW) is None


def test_what_was_skipped_stays_skipped_and_an_edited_routine_cannot_be_resumed_into() -> None:
    unfinished = Unfinished(record("skipped", "done", "partial"), 2)
    assert unfinished.skipped == {0}
    assert unfinished.fits(timeline())
    assert not unfinished.fits(timeline(("one", "other", "three")))  # a move replaced
    assert not unfinished.fits(timeline(("one", "two")))  # one taken out


def test_how_long_ago_reads_naturally() -> None:
    def ago(minutes: float) -> str:
        return Unfinished(record("done", ended=timedelta(minutes=minutes)), 1).ago(NOW)

    assert [ago(0.2), ago(12), ago(60), ago(95)] == [
        "just now",
        "12 min ago",
        "1 h ago",
        "1 h 35 min ago",
    ]


# --- the store and the log --------------------------------------------------------------------


def open_store() -> HistoryStore:
    store = HistoryStore.open(db_path())
    assert store is not None
    return store


def cut_short_run(stop_at: float) -> None:
    """A session of timeline() logged at NOW + its clock, stopped (as a kill leaves it:
    'running', its last exercise not written) at `stop_at` clock seconds."""
    clock = VirtualClock()
    line = timeline()
    engine = Engine(line, clock)
    log = SessionLog(open_store(), line, now=lambda: NOW + timedelta(seconds=clock.now()))
    log.set_feeling_before(6)
    engine.subscribe(recorder(log))
    clock.at(stop_at, lambda: engine.send(Command.STOP))
    asyncio.run(engine.run())
    log.close()


def test_the_resumed_run_goes_on_in_the_same_row_and_the_session_ends_whole() -> None:
    cut_short_run(stop_at=20.0)  # 5 s into the second exercise: the first done
    [stopped] = read_sessions()
    later = NOW + timedelta(minutes=30)
    found = latest_unfinished(read_unfinished(later - RESUME_WITHIN), later)
    assert found is not None and found.position == 1 and found.record.id == stopped.id

    clock = VirtualClock()
    line = timeline()
    engine = Engine(line, clock, earlier=earlier_of(found))
    log = SessionLog(
        open_store(), line, now=lambda: later + timedelta(seconds=clock.now()), resuming=found
    )
    engine.subscribe(recorder(log))
    seen: list[tuple[object, ...]] = []
    clock.at(1.0, lambda: seen.append((read_sessions()[0].state, read_sessions()[0].ended_at)))
    summary = asyncio.run(engine.run())
    log.close()

    assert seen == [("running", later)]  # marked running again as it goes on
    [session] = read_sessions()
    assert (session.id, session.started_at, session.state) == (stopped.id, NOW, "finished")
    assert session.feeling_before == 6  # asked once, before the first part
    assert [(e.exercise_id, e.outcome) for e in session.exercises] == [
        ("one", "done"),
        ("two", "done"),
        ("three", "done"),
    ]
    assert session.exercises[1].seconds == 15  # its get-ready and hold again, not its rest
    # the stop's 5 s in the second exercise, then the second (15 s) and third (25 s)
    assert session.active_seconds == stopped.active_seconds + 40 == summary.active_seconds
    assert read_unfinished(later - RESUME_WITHIN) == []


def test_a_new_session_of_the_routine_since_means_nothing_to_resume() -> None:
    cut_short_run(stop_at=20.0)
    store = open_store()
    with store:
        store.start_session(timeline(), NOW + timedelta(minutes=5))
    [new] = read_unfinished(NOW)  # the new one only, and it has nothing to go on from
    assert new.id == 2 and latest_unfinished([new], NOW + timedelta(minutes=6)) is None


def test_an_old_history_file_still_opens_and_offers_nothing() -> None:
    """No schema change: a history of an earlier version reads as before (its sessions are
    older than two hours, so none is offered)."""
    cut_short_run(stop_at=20.0)
    assert latest_unfinished(read_unfinished(NOW), NOW + RESUME_WITHIN * 2) is None
