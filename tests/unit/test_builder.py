"""The routine builder: any ask gives a valid routine in the article's order, with only the
equipment at hand and the position asked for, within 10 % of the minutes, or one line that
says what would fit instead."""

from __future__ import annotations

import dataclasses
import functools
import itertools
from pathlib import Path

import pytest
from conftest import REPO, script_module
from hypothesis import event, given, settings
from hypothesis import strategies as st

from stretchtimer.library.catalog import Catalog, Entry
from stretchtimer.library.loader import load_catalog
from stretchtimer.library.models import AREAS, EQUIPMENT, PHASES, Amount, Exercise, at_level
from stretchtimer.library.reader import check_routines, parse_text
from stretchtimer.library.terms import LEVELS, POSITIONS
from stretchtimer.library.writer import routine_text
from stretchtimer.session.builder import (
    TOLERANCE,
    Ask,
    Built,
    CannotBuild,
    build,
    build_another,
)
from stretchtimer.session.plan import plan

GOLDEN = REPO / "tests" / "unit" / "golden" / "built"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return _catalog()


@functools.cache
def _catalog() -> Catalog:
    return load_catalog(cache=False)


def pool(catalog: Catalog) -> list[Exercise]:
    return [catalog.exercise(exercise_id) for exercise_id in catalog.exercises]


def reloaded(catalog: Catalog, built: Built) -> tuple[Catalog, float]:
    """The built routine written as its file and read back as the loader reads it: the
    catalog with it (and its problems), and its planned time."""
    routine, node = parse_text(routine_text(built.routine, "a test"), "built.yaml")
    loaded = Catalog(exercises=dict(catalog.exercises), routines={})
    loaded.routines[routine.id] = Entry(routine, Path("built.yaml"), node, builtin=False)
    check_routines(loaded)
    mine = loaded.routine(routine.id)
    return loaded, plan(mine, loaded.routine_exercises(mine)).total


def floor_blocks(built: Built, phase: str) -> int:
    """How many separate runs of floor exercises a phase has."""
    where = [
        p == "floor"
        for e, p in zip(built.exercises, built.positions, strict=True)
        if e.phase == phase
    ]
    return sum(1 for on_floor, _ in itertools.groupby(where) if on_floor)


asks = st.builds(
    Ask,
    minutes=st.integers(1, 45),
    focus=st.lists(st.sampled_from(AREAS), max_size=3, unique=True).map(tuple),
    equipment=st.just(frozenset(EQUIPMENT)) | st.frozensets(st.sampled_from(EQUIPMENT)),
    position=st.none() | st.sampled_from(POSITIONS),
    level=st.none() | st.sampled_from(LEVELS),
    seed=st.none() | st.integers(0, 2**32),
    rest=st.none() | st.integers(0, 30),
)
worked = st.dictionaries(st.sampled_from(AREAS), st.floats(0, 600))


@settings(max_examples=300, deadline=None)
@given(ask=asks, worked=worked)
def test_any_ask_gives_a_fitting_valid_routine_or_one_line_why_not(
    ask: Ask, worked: dict[str, float]
) -> None:
    catalog = _catalog()
    exercises = pool(catalog)
    try:
        built = build(ask, exercises, worked)
    except CannotBuild as refusal:
        event("refused")
        message = str(refusal)
        assert message and "\n" not in message
        if refusal.fits:  # what it says would fit, does
            fits = dataclasses.replace(ask, focus=refusal.fits)
            assert build(fits, exercises, worked).routine.focus
        return
    event("built")
    target = ask.minutes * 60
    assert abs(built.seconds - target) <= target * TOLERANCE
    loaded, seconds = reloaded(catalog, built)
    assert loaded.problems == []
    assert seconds == built.seconds  # the file runs as long as the builder said
    phases = [PHASES.index(e.phase) for e in built.exercises]
    assert phases == sorted(phases), "warm-up, then strengthening, then stretches"
    at_hand = {*ask.equipment, "none"}
    warm_ups = [
        e
        for e in exercises
        if e.phase == "warm-up"
        and at_hand.intersection(e.equipment)
        and ask.position in (None, *e.position)
    ]
    if warm_ups:
        assert built.exercises[0].phase == "warm-up", "no static stretch before moving"
    for exercise, where in zip(built.exercises, built.positions, strict=True):
        assert at_hand.intersection(exercise.equipment), exercise.id
        assert where in exercise.position
        assert ask.position in (None, where)
        original = catalog.exercise(exercise.id).dose
        for name in ("seconds", "repeats", "reps", "sets", "rounds"):
            mine, theirs = getattr(exercise.dose, name, None), getattr(original, name, None)
            if isinstance(theirs, Amount):
                assert isinstance(mine, Amount)
                assert (mine.min, mine.max) == (theirs.min, theirs.max)
                assert theirs.min <= mine.default <= theirs.max
                if ask.level is not None:
                    leveled = at_level(catalog.exercise(exercise.id), ask.level).dose
                    assert mine == getattr(leveled, name)
    for phase in PHASES:
        assert floor_blocks(built, phase) <= 1, "the floor in one go within a phase"
    for area in ask.focus:
        assert any(area in e.good_for for e in built.exercises), area
    if built.left_out:  # only an ask that named no area leaves some out, and says which
        assert not ask.focus and set(built.left_out).isdisjoint(built.routine.focus)
    moves = [e.move for e in built.exercises]
    assert len(moves) == len(set(moves)), "one form of each move"
    assert build(ask, exercises, worked) == built  # the same ask, the same routine


SCRIPT = script_module("built_routines")


@pytest.mark.parametrize("name", sorted(SCRIPT.ASKS))
def test_the_asks_build_what_their_golden_files_hold(name: str) -> None:
    """`build` for a few asks, pinned: what it prints, its exit code and the file it writes."""
    golden = GOLDEN / f"{name}.txt"
    assert golden.exists(), f"missing {golden}: run scripts/built_routines.py"
    made = SCRIPT.built(SCRIPT.ASKS[name])
    assert made == golden.read_text(), f"{golden.name} is stale: run scripts/built_routines.py"


def test_every_golden_file_has_its_ask() -> None:
    assert {path.stem for path in GOLDEN.glob("*.txt")} == set(SCRIPT.ASKS)


def test_two_minutes_for_every_area_is_refused_with_what_fits(catalog: Catalog) -> None:
    with pytest.raises(CannotBuild) as refusal:
        build(Ask(2, focus=AREAS), pool(catalog), {})
    message = str(refusal.value)
    assert message.startswith("2 min cannot cover the neck, shoulders, chest, upper back")
    assert message.endswith("2 min fits the neck, shoulders, chest and upper back")
    assert refusal.value.fits == ("neck", "shoulders", "chest", "upper-back")


def test_no_area_named_and_too_few_minutes_for_all_covers_those_that_fit(
    catalog: Catalog,
) -> None:
    """`--minutes 2` asks for a routine of 2 minutes, not for every area: it gets the areas
    that `--focus all` is told fit, and says which it left out."""
    exercises = pool(catalog)
    with pytest.raises(CannotBuild) as refusal:
        build(Ask(2, focus=AREAS), exercises, {})
    built = build(Ask(2), exercises, {})
    assert built.routine.focus == list(refusal.value.fits)
    assert built.left_out == ("middle-back", "lower-back")
    assert built.lines()[2] == (
        "Leaves out the middle back and lower back: 2 min is too short for every area."
    )
    assert abs(built.seconds - 120) <= 120 * TOLERANCE
    assert built.ask == Ask(2)  # the file says what was asked: `stretchtimer build --minutes 2`
    # the areas worked least lately are the ones it keeps
    lately = build(Ask(2), exercises, {"neck": 60.0, "shoulders": 60.0, "chest": 60.0})
    assert "middle-back" in lately.routine.focus and "neck" in lately.left_out


def test_the_areas_worked_least_get_the_time(catalog: Catalog) -> None:
    """With the same ask, the history moves the routine toward the area left out lately."""

    def minutes_on(built: Built, area: str) -> float:
        timeline = built.timeline
        return sum(
            timeline.exercise_seconds(n)
            for n, e in enumerate(timeline.exercises)
            if area in e.good_for
        )

    ask = Ask(6, focus=("neck", "lower-back"))
    neck_left_out = build(ask, pool(catalog), {"neck": 0.0, "lower-back": 300.0})
    back_left_out = build(ask, pool(catalog), {"neck": 300.0, "lower-back": 0.0})
    assert minutes_on(neck_left_out, "neck") > minutes_on(back_left_out, "neck")
    assert minutes_on(back_left_out, "lower-back") > minutes_on(neck_left_out, "lower-back")


def test_shuffle_gives_another_routine_for_the_same_ask(catalog: Catalog) -> None:
    ask = Ask(15, equipment=frozenset({"none"}))
    usual = build(ask, pool(catalog), {})
    other = build_another(ask, pool(catalog), {}, seed=1)
    assert other.routine.exercises != usual.routine.exercises
    assert abs(other.seconds - 900) <= 90


@pytest.mark.parametrize("minutes", [8, 15])
def test_shuffle_never_gives_the_same_moves_with_other_doses(
    catalog: Catalog, minutes: int
) -> None:
    """Some seeds choose the usual exercises in the usual order and only tune the doses
    otherwise: that is not another routine to a person."""
    ask = Ask(minutes, equipment=frozenset({"none"}))
    usual = [item.exercise for item in build(ask, pool(catalog), {}).routine.exercises]
    for seed in range(0, 2000, 7):
        other = build_another(ask, pool(catalog), {}, seed=seed).routine.exercises
        assert [item.exercise for item in other] != usual, seed


def test_equipment_missing_for_an_area_names_what_would_do(catalog: Catalog) -> None:
    with pytest.raises(CannotBuild, match=r"nothing for the chest fits .*door frame"):
        build(Ask(10, focus=("chest",), equipment=frozenset({"none"})), pool(catalog), {})


def test_more_minutes_than_the_exercises_allow_says_the_most_that_fits(catalog: Catalog) -> None:
    ask = Ask(60, equipment=frozenset({"none"}), position="seated")
    with pytest.raises(CannotBuild, match=r"seated, with no equipment fits at most \d+:\d\d"):
        build(ask, pool(catalog), {})
    # at a level, the doses are that level's, and a higher one is a way to more minutes
    easy = dataclasses.replace(ask, minutes=20, level="easy")
    with pytest.raises(CannotBuild) as refusal:
        build(easy, pool(catalog), {})
    assert "at the easy level): ask for fewer minutes, a higher level, or" in str(refusal.value)
    assert "every dose at its most" not in str(refusal.value)


@pytest.mark.parametrize("name", ["", "   ", "x" * 61, "bad\x1b[31m", "!!!"])
def test_a_name_that_cannot_be_a_routine_is_refused(catalog: Catalog, name: str) -> None:
    with pytest.raises(CannotBuild):
        build(Ask(10, name=name), pool(catalog), {})


def test_a_name_gives_the_routine_its_id(catalog: Catalog) -> None:
    built = build(Ask(10, name="Morning  Back!"), pool(catalog), {})
    assert (built.routine.name, built.routine.id) == ("Morning Back!", "morning-back")


def test_levels_put_every_dose_at_its_least_usual_or_most(catalog: Catalog) -> None:
    row = catalog.exercise("row")
    assert [at_level(row, level).dose.sets.default for level in LEVELS] == [2, 2, 3]  # type: ignore[union-attr]
    assert [at_level(row, level).dose.reps.default for level in LEVELS] == [8, 10, 12]  # type: ignore[union-attr]


def test_a_routine_takes_one_form_of_a_move(catalog: Catalog) -> None:
    """The superman and its easier alternating form (and the other variants) are one move:
    a routine has the one or the other, however many minutes it has to fill."""
    exercises = pool(catalog)
    variants = {e.id: e.variant_of for e in exercises if e.variant_of}
    assert variants == {
        "alternating-superman": "superman",
        "dumbbell-row": "row",
        "foam-roller-thoracic-extension": "thoracic-extension",
    }
    for minutes, seed in itertools.product((5, 10, 15, 30, 45), (None, 1, 2, 3)):
        for focus in ((), ("lower-back",), ("upper-back",), ("middle-back",)):
            ask = Ask(minutes=minutes, focus=focus, seed=seed)
            try:
                ids = {e.id for e in build(ask, exercises, {}).exercises}
            except CannotBuild:
                continue
            for variant, move in variants.items():
                assert not {variant, move} <= ids, (ask, variant)


def test_the_areas_asked_for_fill_the_time_before_other_moves(catalog: Catalog) -> None:
    """Their moves go longer before a move for another area comes in; one that must come in
    is done where the others are (a neck routine standing gets no superman on the floor)."""
    exercises = pool(catalog)
    lower = build(Ask(10, focus=("lower-back",), position="floor"), exercises, {})
    assert all("lower-back" in e.good_for for e in lower.exercises)
    for minutes in (3, 4):
        neck = build(Ask(minutes, focus=("neck",)), exercises, {})
        assert set(neck.positions) == {"standing"}, neck.lines()
