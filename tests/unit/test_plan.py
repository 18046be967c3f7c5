"""The plan: every step, its length and its cues, known before the session starts."""

from __future__ import annotations

import pytest
from conftest import make_exercise, make_routine

from stretchtimer.session.plan import SWITCH_SECONDS, CueKind, StepKind, Timeline, plan


def plan_one(**dose: object) -> Timeline:
    """One exercise with this dose, 5 s prepare."""
    return plan(make_routine("move", prepare=5), [make_exercise("move", **dose)])


def kinds(timeline: Timeline) -> list[str]:
    return [str(step.kind) for step in timeline.steps]


def test_hold_per_side_does_one_side_then_switches() -> None:
    timeline = plan_one(kind="hold", seconds=10, repeats=3, relax=5, per_side=True)
    assert kinds(timeline) == [
        "prepare",
        *["work", "relax", "work", "relax", "work"],
        "switch-sides",
        *["work", "relax", "work", "relax", "work"],
    ]
    work = [s for s in timeline.steps if s.kind is StepKind.WORK]
    assert [s.side for s in work] == ["right"] * 3 + ["left"] * 3
    assert [str(s.hold) for s in work] == ["1 of 3", "2 of 3", "3 of 3"] * 2
    assert timeline.steps[6].text == "Switch to the left side"
    # 5 prepare + 2 sides x (3 x 10 s + 2 x 5 s relax) + switch
    assert timeline.total == 5 + 2 * (30 + 10) + SWITCH_SECONDS


def test_alternating_holds_change_side_every_hold_without_switch_steps() -> None:
    timeline = plan_one(
        kind="hold", seconds=5, repeats=3, relax=2, per_side=True, alternate=True, first_side="left"
    )
    work = [s for s in timeline.steps if s.kind is StepKind.WORK]
    assert [s.side for s in work] == ["left", "right"] * 3
    assert StepKind.SWITCH not in {s.kind for s in timeline.steps}
    assert timeline.total == 5 + 6 * 5 + 5 * 2


def test_reps_make_one_step_per_rep_with_rest_between_sets() -> None:
    timeline = plan_one(kind="reps", reps=4, sets=2, tempo=3, rest=30)
    work = [s for s in timeline.steps if s.kind is StepKind.WORK]
    assert [s.text for s in work[:4]] == ["Rep 1 of 4", "Rep 2 of 4", "Rep 3 of 4", "Rep 4 of 4"]
    assert [str(s.set) for s in work] == ["1 of 2"] * 4 + ["2 of 2"] * 4
    assert kinds(timeline).count("set-rest") == 1
    assert timeline.total == 5 + 2 * 4 * 3 + 30
    rep_cues = [c for _, c in timeline.cue_times() if c.kind is CueKind.REP]
    assert [c.count for c in rep_cues] == [2, 3, 4] * 2  # rep 1 is the work-start cue


def test_reps_per_side_do_both_sides_in_each_set() -> None:
    timeline = plan_one(kind="reps", reps=2, sets=2, tempo=2, rest=10, per_side=True)
    sides = [s.side for s in timeline.steps if s.kind is StepKind.WORK]
    assert sides == ["right", "right", "left", "left"] * 2
    assert kinds(timeline).count("switch-sides") == 2
    assert timeline.total == 5 + 2 * (2 * 2 * 2 + SWITCH_SECONDS) + 10


def test_rounds_are_planned_part_by_part() -> None:
    parts = [
        {"do": "Roll backwards", "reps": 2, "tempo": 2},
        {"do": "Roll forwards", "reps": 2, "tempo": 2},
    ]
    timeline = plan_one(kind="rounds", parts=parts, rounds=3, rest=5)
    work = [s for s in timeline.steps if s.kind is StepKind.WORK]
    assert [s.text for s in work[:4]] == ["Roll backwards"] * 2 + ["Roll forwards"] * 2
    assert [str(s.round) for s in work[::4]] == ["1 of 3", "2 of 3", "3 of 3"]
    assert kinds(timeline).count("set-rest") == 2
    assert timeline.total == 5 + 3 * 8 + 2 * 5


def test_timed_move_is_one_step_with_countdown_and_halfway() -> None:
    timeline = plan_one(kind="timed", seconds=30)
    step = timeline.steps[1]
    assert (step.kind, step.text, step.duration) == (StepKind.WORK, "Keep moving", 30)
    cues = [(c.at, c.kind, c.count) for c in step.cues]
    assert (15, CueKind.HALFWAY, 0) in cues
    assert [(at, count) for at, kind, count in cues if kind is CueKind.COUNTDOWN] == [
        (27, 3),
        (28, 2),
        (29, 1),
    ]
    assert cues[0] == (0, CueKind.WORK_START, 0)
    assert cues[-1] == (30, CueKind.SESSION_DONE, 0)


def test_short_holds_have_no_halfway_cue() -> None:
    timeline = plan_one(kind="hold", seconds=15)
    assert CueKind.HALFWAY not in {c.kind for _, c in timeline.cue_times()}


def test_prepare_and_rest_say_what_comes_next_and_count_down() -> None:
    first = make_exercise("first", kind="timed", seconds=10)
    second = make_exercise("second", kind="timed", seconds=10)
    timeline = plan(make_routine("first", "second", prepare=10, rest=15), [first, second])
    assert kinds(timeline) == ["prepare", "work", "exercise-rest", "prepare", "work"]
    rest = timeline.steps[2]
    assert rest.exercise.id == "second" and rest.duration == 15
    assert rest.cues[0].kind is CueKind.REST
    assert [c.count for c in timeline.steps[3].cues if c.kind is CueKind.COUNTDOWN] == [3, 2, 1]
    done = [(round(t, 6), c.kind) for t, c in timeline.cue_times() if c.kind.name.endswith("DONE")]
    assert done == [(20, CueKind.EXERCISE_DONE), (55, CueKind.SESSION_DONE)]


def test_steps_tile_the_session_without_gaps() -> None:
    timeline = plan_one(kind="reps", reps=12, sets=3, tempo=2.5, rest=45, per_side=True)
    for before, after in zip(timeline.steps, timeline.steps[1:], strict=False):
        assert after.start == before.end
        assert after.index == before.index + 1
    assert timeline.total == sum(step.duration for step in timeline.steps)
    for step in timeline.steps:
        assert all(0 <= cue.at <= step.duration for cue in step.cues)


def test_no_prepare_or_rest_when_routine_sets_zero() -> None:
    exercises = [make_exercise("a"), make_exercise("b")]
    timeline = plan(make_routine("a", "b", prepare=0, rest=0), exercises)
    assert kinds(timeline) == ["work", "work"]
    assert timeline.exercise_span(1) == range(1, 2)
    assert timeline.exercise_seconds(0) == 10


def test_pacing_changes_a_routines_get_ready_and_rest() -> None:
    from stretchtimer.library.loader import load_catalog
    from stretchtimer.session.plan import paced

    catalog = load_catalog()
    routine = catalog.routine("lower-back")
    exercises = catalog.routine_exercises(routine)
    assert paced(routine, exercises) is routine
    mine = plan(paced(routine, exercises, prepare=4, rest=0), exercises)
    assert {s.duration for s in mine.steps if s.kind == "prepare"} == {4}
    assert not any(s.kind == "exercise-rest" for s in mine.steps)
    assert paced(routine, exercises, prepare=3600) is routine  # longer than a routine may be


@pytest.mark.parametrize("routine_id", ["desk-break"])
def test_desk_break_spends_at_most_15_percent_waiting(routine_id: str) -> None:
    """Waiting: the rest and get-ready between exercises (the rests between sets are the
    article's, and stay)."""
    from stretchtimer.library.loader import load_catalog

    catalog = load_catalog()
    routine = catalog.routine(routine_id)
    timeline = plan(routine, catalog.routine_exercises(routine))
    waiting = sum(s.duration for s in timeline.steps if s.kind in ("prepare", "exercise-rest"))
    assert waiting / timeline.total <= 0.15, f"{waiting / timeline.total:.1%}"


def test_a_dose_says_one_rep_and_one_round_in_the_singular() -> None:
    one_rep = make_exercise(kind="reps", reps=1, tempo=3, per_side=True)
    assert one_rep.dose.describe() == "1 rep each side"
    sets = make_exercise(kind="reps", reps=1, sets=3, tempo=3)
    assert sets.dose.describe() == "3 x 1 rep"
    assert make_exercise(kind="reps", reps=12, tempo=3).dose.describe() == "12 reps"


def test_one_round_of_parts_of_several_reps_says_what_it_holds() -> None:
    """Arm Circles showed '1 round' in the list and the picker: 20 circles forwards and 20
    backwards, 2 minutes of them."""
    part = {"do": "Circle", "reps": 20, "tempo": 2.5}
    circles = make_exercise(kind="rounds", parts=[part, {**part, "do": "Back"}], rounds=1)
    assert circles.dose.describe() == "20 + 20 reps"
    rolls = make_exercise(kind="rounds", parts=[{"do": "Roll", "tempo": 5}], rounds=1)
    assert rolls.dose.describe() == "1 round"
    twice = make_exercise(kind="rounds", parts=[part], rounds=2, per_side=True)
    assert twice.dose.describe() == "2 rounds each side"
