"""Levels: each dose at the least, the default or the most of its ranges; their totals against
the ranges, the README's table of them, and the history's record of a session's level."""

from __future__ import annotations

import asyncio
import re
import sqlite3
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import REPO, make_exercise, make_routine
from test_history_faults import asides, check_due, fill, garble_page_of

from stretchtimer.format import clock
from stretchtimer.history.report import history_csv, history_rows, session_json
from stretchtimer.history.store import (
    MIGRATIONS,
    SCHEMA_VERSION,
    HistoryStore,
    db_path,
    read_sessions,
)
from stretchtimer.library.loader import load_catalog
from stretchtimer.library.models import (
    LEVELS,
    Amount,
    HoldDose,
    RepsDose,
    RoundsDose,
    TimedDose,
    at_level,
    field_names,
    routine_size,
)
from stretchtimer.paths import data_dir
from stretchtimer.session.clock import VirtualClock
from stretchtimer.session.engine import Engine
from stretchtimer.session.plan import StepKind, plan
from stretchtimer.wiring import recorder

# --- one exercise, totals worked out by hand --------------------------------------------------

# Each dose with its ranges, and its work at each level (prepare 5 s before it, no rest):
# hold: easy 2 x 10 s + 1 relax of 5 s, standard 3 x 15 + 2 x 5, full 4 x 20 + 3 x 5.
# reps (tempo 2, rest 30): easy 1 set of 8, standard 2 x 10 + a rest, full 3 x 12 + 2 rests.
# timed, per side: easy 30 s + switch 5 + 30, standard 45 + 5 + 45, full 60 + 5 + 60.
# rounds of one 4 s part (two reps of 2 s): 2, 3 or 4 rounds.
DOSES: list[tuple[dict[str, Any], tuple[float, float, float]]] = [
    (
        {
            "kind": "hold",
            "seconds": {"min": 10, "max": 20, "default": 15},
            "repeats": {"min": 2, "max": 4, "default": 3},
            "relax": 5,
        },
        (2 * 10 + 5, 3 * 15 + 2 * 5, 4 * 20 + 3 * 5),
    ),
    (
        {
            "kind": "reps",
            "reps": {"min": 8, "max": 12, "default": 10},
            "sets": {"min": 1, "max": 3, "default": 2},
            "tempo": 2,
            "rest": 30,
        },
        (8 * 2, 2 * 10 * 2 + 30, 3 * 12 * 2 + 2 * 30),
    ),
    (
        {"kind": "timed", "seconds": {"min": 30, "max": 60, "default": 45}, "per_side": True},
        (30 + 5 + 30, 45 + 5 + 45, 60 + 5 + 60),
    ),
    (
        {
            "kind": "rounds",
            "rounds": {"min": 2, "max": 4, "default": 3},
            "parts": [{"do": "Circle", "reps": 2, "tempo": 2}],
        },
        (2 * 4, 3 * 4, 4 * 4),
    ),
]


@pytest.mark.parametrize(("dose", "work"), DOSES, ids=[d["kind"] for d, _ in DOSES])
def test_each_level_takes_the_min_default_or_max_of_every_range(
    dose: dict[str, Any], work: tuple[float, float, float]
) -> None:
    exercise = make_exercise("move", **dose)
    routine = make_routine("move", prepare=5, rest=0)
    for level, seconds in zip(LEVELS, work, strict=True):
        timeline = plan(routine, [exercise], level)
        assert (timeline.level, timeline.total) == (level, 5 + seconds)
        assert routine_size(routine, [exercise], level).seconds == timeline.total


def test_a_level_keeps_the_range_and_leaves_a_fixed_dose_as_it_is() -> None:
    exercise = make_exercise("move", kind="hold", seconds={"min": 10, "max": 20}, repeats=3)
    easy = at_level(exercise, "easy").dose
    assert isinstance(easy, HoldDose)
    assert easy.seconds == Amount(default=10, min=10, max=20)
    assert easy.repeats == Amount(default=3, min=3, max=3)
    fixed = make_exercise("still", kind="hold", seconds=30)
    assert all(at_level(fixed, level) is fixed for level in LEVELS)
    assert at_level(exercise, "standard") is exercise


def test_a_dose_too_long_at_the_full_level_is_refused_where_it_is_read() -> None:
    with pytest.raises(Exception, match="this dose at the full level lasts 4 h 10 min"):
        make_exercise(
            "move",
            kind="hold",
            seconds={"min": 10, "max": 5000, "default": 10},
            repeats={"min": 1, "max": 3, "default": 1},
        )


# --- every built-in routine ------------------------------------------------------------------


def amounts(dose: HoldDose | RepsDose | TimedDose | RoundsDose) -> dict[str, Amount]:
    return {
        name: value
        for name in field_names(type(dose))
        if isinstance(value := getattr(dose, name), Amount)
    }


def test_every_built_in_routine_at_each_level_does_what_the_ranges_say() -> None:
    """Every work step of every exercise, counted and timed from the ranges, at each level."""
    catalog = load_catalog()
    for routine_id in catalog.routines:
        routine = catalog.routine(routine_id)
        exercises = catalog.routine_exercises(routine)
        totals = []
        for level in LEVELS:
            timeline = plan(routine, exercises, level)
            totals.append(timeline.total)
            for position, exercise in enumerate(exercises):
                ranges = amounts(exercise.dose)
                value = {name: amount.at(level) for name, amount in ranges.items()}
                work = [
                    step
                    for step in timeline.steps
                    if step.exercise_index == position and step.kind is StepKind.WORK
                ]
                sides = len(exercise.dose.sides)
                dose = exercise.dose
                if isinstance(dose, HoldDose):
                    assert len(work) == sides * value["repeats"]
                    assert {step.duration for step in work} == {value["seconds"]}
                elif isinstance(dose, RepsDose):
                    assert len(work) == sides * value["sets"] * value["reps"]
                elif isinstance(dose, TimedDose):
                    assert [step.duration for step in work] == [value["seconds"]] * sides
                else:
                    per_round = sum(part.reps for part in dose.parts)
                    assert len(work) == sides * value["rounds"] * per_round
        assert totals == sorted(totals), routine_id  # easy <= standard <= full


def test_the_readme_table_shows_each_built_in_routine_at_the_three_levels() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- routines:", 1)[1].split("\n\n", 1)[0]
    rows = re.findall(r"^\| `([a-z0-9-]+)` \| ([0-9:]+) \| ([0-9:]+) \| ([0-9:]+) \|", table, re.M)
    catalog = load_catalog()
    expected = []
    for routine_id, *_ in rows:
        routine = catalog.routine(routine_id)
        exercises = catalog.routine_exercises(routine)
        times = [clock(plan(routine, exercises, level).total) for level in LEVELS]
        expected.append((routine_id, *times))
    assert sorted(routine_id for routine_id, *_ in rows) == sorted(catalog.routines)
    assert rows == expected, "README.md's routine table should read:\n" + "\n".join(
        f"| `{routine_id}` | {' | '.join(times)} |" for routine_id, *times in expected
    )


# --- the history -----------------------------------------------------------------------------


def test_a_session_is_logged_with_its_level() -> None:
    from stretchtimer.history.log import SessionLog

    exercise = make_exercise("move", kind="hold", seconds={"min": 10, "max": 20})
    timeline = plan(make_routine("move"), [exercise], "full")
    store = HistoryStore.open()
    assert store is not None
    engine = Engine(timeline, VirtualClock())
    log = SessionLog(store, timeline, 1.0)
    engine.subscribe(recorder(log))
    asyncio.run(engine.run())
    log.close()
    [session] = read_sessions()
    assert (session.level, session.planned_seconds) == ("full", 5 + 20)
    assert session_json(session)["level"] == "full"
    assert history_csv([session]).splitlines()[1].endswith(",full")
    assert history_rows([session])[1][0][1] == "Test Routine, full"


def test_a_version_3_history_opens_as_before_its_sessions_at_the_standard_level() -> None:
    data_dir().mkdir(parents=True)
    with sqlite3.connect(db_path()) as connection:
        for version in (1, 2, 3):
            for statement in MIGRATIONS[version]:
                connection.execute(statement)
        connection.execute(
            "INSERT INTO sessions (routine_id, routine_name, started_at, planned_seconds, state)"
            " VALUES ('desk-break', 'Desk Break', '2026-11-20T08:00:00.000+00:00', 326,"
            " 'finished')"
        )
        connection.execute("PRAGMA user_version = 3")
    connection.close()
    [session] = read_sessions()  # a reader leaves the file as it is
    assert (session.routine_id, session.level) == ("desk-break", "standard")
    warnings: list[str] = []
    store = HistoryStore.open(warn=warnings.append)
    assert store is not None and not warnings
    with store:
        [session] = store.sessions()
        assert session.started_at == datetime(2026, 11, 20, 8, tzinfo=UTC)
        assert session.level == "standard"
        store.start_session(plan(make_routine("one"), [make_exercise("one")], "easy"), NOW)
    with sqlite3.connect(db_path()) as connection:
        assert connection.execute("PRAGMA user_version").fetchone() == (SCHEMA_VERSION,)
        levels = connection.execute("SELECT level FROM sessions ORDER BY id").fetchall()
    connection.close()
    assert levels == [(None,), ("easy",)]
    assert [s.level for s in read_sessions()] == ["standard", "easy"]


NOW = datetime.now(UTC)


def test_a_damaged_version_3_history_is_repaired_with_its_sessions() -> None:
    """The repair copies the columns an older file has; the level is left to its default."""
    fill()
    with sqlite3.connect(db_path()) as connection:
        connection.execute("ALTER TABLE sessions DROP COLUMN level")
        connection.execute("PRAGMA user_version = 3")
    connection.close()
    garble_page_of("Marker-00200")
    check_due()
    store = HistoryStore.open(warn=lambda _: None)
    assert store is not None
    store.close()
    assert len(asides()) == 1
    kept = read_sessions()
    assert len(kept) > 300
    assert {session.level for session in kept} == {"standard"}
