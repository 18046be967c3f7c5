"""A very stiff or sore back (8 of 10 or more) is told when to see someone, and offered a
gentler routine."""

from __future__ import annotations

from stretchtimer.library.loader import load_catalog
from stretchtimer.safety import RED_FLAGS, SAFETY_NOTE
from stretchtimer.session.feeling import HIGH, advice, gentler_routine
from stretchtimer.session.plan import plan


def test_from_8_up_the_answer_gets_the_red_flags_and_a_gentler_routine() -> None:
    assert HIGH == 8 and RED_FLAGS in SAFETY_NOTE
    assert advice(7, "Desk Break (5:26)") is None
    said = advice(10, "Desk Break (5:26)")
    assert said is not None and RED_FLAGS in said and "Desk Break (5:26)" in said
    alone = advice(8, None)
    assert alone is not None and RED_FLAGS in alone and "gentler" not in alone


def test_the_gentler_routine_is_shorter_with_no_more_strengthening_and_shares_an_area() -> None:
    catalog = load_catalog()

    def gentler(routine_id: str) -> str | None:
        routine = catalog.routine(routine_id)
        return gentler_routine(plan(routine, catalog.routine_exercises(routine)), catalog)

    assert gentler("full-back-session") == "Desk Break (5:26)"
    assert gentler("neck-and-shoulders") == "Desk Break (5:26)"
    assert gentler("lower-back") == "Warm-Up (9:15)"  # the one for the lower back
    assert gentler("desk-break") is None  # the shortest already
