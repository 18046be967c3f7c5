"""A one-sided move's words are written for its first side; on the other side they say the
mirrored words, on the screen, in the plan and in the voice."""

from __future__ import annotations

import dataclasses

from conftest import make_exercise, make_routine
from test_voice import said

from stretchtimer.library.loader import load_catalog
from stretchtimer.session.plan import StepKind, plan


def test_the_other_side_swaps_left_and_right_and_keeps_their_case() -> None:
    move = make_exercise("move", kind="hold", seconds=10, per_side=True, first_side="right")
    text = "Right hand up, left hand down; RIGHT. Bright lights, leftovers."
    assert move.on_side(text, "right") == text
    assert move.on_side(text, None) == text
    assert (
        move.on_side(text, "left")
        == "Left hand up, right hand down; LEFT. Bright lights, leftovers."
    )
    both = make_exercise("both", kind="hold", seconds=10)
    assert both.on_side(text, "left") == text  # a two-sided move is not mirrored


def test_a_rounds_parts_say_the_side_they_are_done_on() -> None:
    move = make_exercise(
        "circles",
        kind="rounds",
        rounds=1,
        per_side=True,
        first_side="left",
        parts=[{"do": "Circle your left arm", "reps": 1, "tempo": 2}],
    )
    timeline = plan(make_routine("circles"), [move])
    work = [(step.side, step.text) for step in timeline.steps if step.kind is StepKind.WORK]
    assert work == [("left", "Circle your left arm"), ("right", "Circle your right arm")]


def test_the_full_voice_says_a_cue_in_the_sides_words() -> None:
    stretch = make_exercise("stretch", kind="hold", seconds=30, per_side=True)
    stretch = dataclasses.replace(stretch, cues=["Keep your right shoulder down."])
    texts = said(plan(make_routine("stretch"), [stretch]), full=True)
    right = next(i for i, text in enumerate(texts) if "right side first" in text)
    left = texts.index("Relax. Switch to your left side.")
    assert texts.index("Keep your right shoulder down.") in range(right, left)
    assert texts.index("Keep your left shoulder down.") > left


def test_no_built_in_step_names_the_side_to_change_to() -> None:
    """Mirrored, 'then change to your left arm' would say the side you are on."""
    for entry in load_catalog().exercises.values():
        if entry.item.dose.per_side:
            for step in entry.item.steps:
                assert "change to your" not in step, (entry.item.id, step)


def test_each_count_and_side_is_shown_once_beside_what_to_do() -> None:
    """'Rep 2 of 5 - right side' was followed by 'rep 2 of 5 · right side' on the session
    screen, and plain mode printed '| Rep 1 of 5 | rep 1 of 5 · right side |'."""
    from stretchtimer.session.words import headline, other_counters, step_line

    reach = make_exercise("reach", kind="reps", reps=5, sets=2, tempo=3, per_side=True)
    timeline = plan(make_routine("reach"), [reach])
    rep = next(step for step in timeline.steps if step.kind is StepKind.WORK)
    assert headline(rep) == "Rep 1 of 5 - right side"
    assert other_counters(rep, headline(rep)) == "set 1 of 2"
    assert step_line(rep, timeline, rep.start).split(" | ")[2:4] == [
        "Rep 1 of 5",
        "set 1 of 2 · right side",
    ]
