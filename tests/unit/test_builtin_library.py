"""The built-in exercises and routines as a whole: the order the article asks for, an
equipment vocabulary in which every word is needed by something, and the README's table of
them kept true."""

from __future__ import annotations

import re
from itertools import pairwise

import pytest
from conftest import REPO

from stretchtimer.format import clock
from stretchtimer.library.catalog import Catalog
from stretchtimer.library.loader import load_catalog
from stretchtimer.library.models import Exercise
from stretchtimer.library.terms import EQUIPMENT, PHASES
from stretchtimer.session.plan import plan


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    catalog = load_catalog(cache=False)
    assert catalog.problems == []
    return catalog


def phase_going_back(exercises: list[Exercise]) -> str | None:
    """Where a list of exercises goes back to an earlier phase (warm-up, then strength, then
    stretch), or None."""
    for before, after in pairwise(exercises):
        if PHASES.index(after.phase) < PHASES.index(before.phase):
            return f"{after.id} ({after.phase}) comes after {before.id} ({before.phase})"
    return None


def test_every_built_in_routine_keeps_the_phases_in_order(catalog: Catalog) -> None:
    assert len(catalog.routines) >= 6
    for routine_id in catalog.routines:
        exercises = catalog.routine_exercises(catalog.routine(routine_id))
        assert phase_going_back(exercises) is None, routine_id


def test_the_phase_check_finds_a_routine_that_goes_back(catalog: Catalog) -> None:
    exercises = catalog.routine_exercises(catalog.routine("full-back-session"))
    childs_pose = catalog.exercise("childs-pose")
    assert phase_going_back([*exercises, catalog.exercise("neck-roll")]) == (
        "neck-roll (warm-up) comes after levator-scapulae-stretch (stretch)"
    )
    assert phase_going_back([childs_pose, *exercises]) is not None


def test_every_equipment_word_is_needed_by_a_built_in_exercise(catalog: Catalog) -> None:
    """A word nothing needs makes a box in the picker's filter that filters nothing."""
    needed = {word for key in catalog.exercises for word in catalog.exercise(key).equipment}
    assert needed == set(EQUIPMENT)


def test_the_superman_has_an_easier_form_that_the_short_routines_use(catalog: Catalog) -> None:
    easier, full = catalog.exercise("alternating-superman"), catalog.exercise("superman")
    assert easier.good_for == full.good_for and easier.phase == full.phase == "strength"
    assert easier.dose.size().seconds < full.dose.size().seconds
    assert any("Alternating Superman" in line for line in full.safety)
    for routine_id in catalog.routines:
        ids = [item.exercise for item in catalog.routine(routine_id).exercises]
        if routine_id == "full-back-session":
            assert "superman" in ids
        else:
            assert "superman" not in ids, routine_id


def test_the_readme_lists_every_built_in_routine_with_its_time(catalog: Catalog) -> None:
    readme = (REPO / "README.md").read_text()
    rows = dict(re.findall(r"^\| `([a-z-]+)` \|(.*)$", readme, flags=re.M))
    for routine_id in catalog.routines:
        routine = catalog.routine(routine_id)
        total = plan(routine, catalog.routine_exercises(routine)).total
        assert f" {clock(total)} " in rows[routine_id], routine_id
