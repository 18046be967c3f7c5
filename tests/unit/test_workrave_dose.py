"""Workrave's loop of images as a dose: whatever the loop, the dose lasts Workrave's time."""

from __future__ import annotations

import math

from conftest import make_exercise
from hypothesis import assume, given
from hypothesis import strategies as st

from stretchtimer.cli.workrave import Image, WorkraveExercise, dose_of

images = st.lists(st.builds(Image, st.integers(1, 120), st.booleans()), min_size=1, max_size=5).map(
    tuple
)


@given(images, st.integers(1, 3600))
def test_every_loop_becomes_a_valid_dose_that_lasts_as_long(
    loop: tuple[Image, ...], seconds: int
) -> None:
    assume(seconds >= sum(image.seconds for image in loop))  # Workrave shows the whole loop
    exercise = WorkraveExercise({"en": "Move"}, {}, seconds, loop)
    dose = make_exercise(**dose_of(exercise)).dose
    assert math.isclose(dose.size().seconds, seconds)


def test_a_mirrored_pair_is_a_hold_on_each_side_in_turn() -> None:
    pair = (Image(10, False), Image(10, True))
    dose = dose_of(WorkraveExercise({"en": "Reach"}, {}, 40, pair))
    assert dose == {
        "kind": "hold",
        "seconds": 10,
        "repeats": 2,
        "per_side": True,
        "alternate": True,
    }
