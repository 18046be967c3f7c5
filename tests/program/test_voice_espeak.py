"""The coach's script said by the real espeak-ng at speed 1: every instruction fits the time it
is said in, and nothing important is dropped, in every built-in routine.

A phrase that cannot fit its window is dropped by design (a count gives way; an instruction
waits at most until the work starts). These tests measure each phrase's real length, as the
app does before it speaks, and play the whole script through the scheduler with them.
"""

from __future__ import annotations

import functools
import itertools
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from stretchtimer.library.loader import load_catalog
from stretchtimer.session.plan import StepKind, Timeline, plan
from stretchtimer.sound.speech import CommandSpeaker
from stretchtimer.sound.voice import (
    Priority,
    VoiceOptions,
    rehearse,
    script,
    seconds_to_say,
    texts,
)

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="needs espeak-ng")

ROUTINES = sorted(load_catalog().routines)
OPTIONS = [VoiceOptions(), VoiceOptions(full=True)]


@functools.cache
def timeline(routine_id: str) -> Timeline:
    catalog = load_catalog()
    routine = catalog.routine(routine_id)
    return plan(routine, catalog.routine_exercises(routine))


@functools.cache
def speaker() -> CommandSpeaker:
    return CommandSpeaker("espeak-ng")


@functools.cache
def seconds(text: str) -> float:
    return speaker().render(text, 100).seconds


def real_seconds(routine_id: str, options: VoiceOptions) -> dict[str, float]:
    return {text: seconds(text) for text in texts(timeline(routine_id), options)}


@pytest.mark.parametrize("routine_id", ROUTINES)
def test_each_get_ready_is_long_enough_for_what_is_said_in_it(routine_id: str) -> None:
    """Name, dose, side and how to do it, said in full before the exercise's work starts."""
    plan_ = timeline(routine_id)
    lengths = real_seconds(routine_id, VoiceOptions())
    heard = rehearse(script(plan_), lengths)
    for position, exercise in enumerate(plan_.exercises):
        span = plan_.exercise_span(position)
        first_step = plan_.steps[span[0]]
        work = next(plan_.steps[i] for i in span if plan_.steps[i].kind is StepKind.WORK)
        said = [
            slot
            for slot in heard
            if first_step.start <= slot.start < work.start
            and slot.phrase.priority >= Priority.INSTRUCTION
        ]
        assert [s.phrase.priority for s in said][:2] == [Priority.NAME, Priority.INSTRUCTION], (
            exercise.id,
            [s.phrase.text for s in said],
        )
        late = [(s.phrase.text, round(s.end - work.start, 2)) for s in said if s.end > work.start]
        assert not late, f"{routine_id}: {exercise.id}: said past the start of the work: {late}"


@pytest.mark.parametrize("options", OPTIONS, ids=["on", "full"])
@pytest.mark.parametrize("routine_id", ROUTINES)
def test_no_instruction_is_dropped_and_no_phrase_overlaps(
    routine_id: str, options: VoiceOptions
) -> None:
    plan_ = timeline(routine_id)
    lines = script(plan_, options)
    heard = rehearse(lines, real_seconds(routine_id, options))
    kept = {id(slot.phrase) for slot in heard}
    dropped = [
        line.phrase.text
        for line in lines
        if id(line.phrase) not in kept and line.phrase.priority >= Priority.PROMPT
    ]
    assert not dropped, f"{routine_id}: dropped {dropped}"
    for before, after in itertools.pairwise(heard):
        assert after.start >= before.end - 1e-9


def test_the_estimate_the_script_lays_out_with_is_close_to_espeak() -> None:
    """`seconds_to_say` decides where a safety line goes and what `show --voice` prints."""
    every = set().union(*(texts(timeline(r), VoiceOptions(full=True)) for r in ROUTINES))
    errors = {text: seconds_to_say(text) - seconds(text) for text in every}
    worst = max(errors.items(), key=lambda item: abs(item[1]))
    assert abs(worst[1]) < 1.2, worst


# --- a session speaking: plain mode's `say:` lines and --transcript -------------------------

SHORT_EXERCISE = """\
id: short-hold
name: Short Hold
phase: stretch
summary: A short hold.
good_for: [neck]
equipment: [none]
position: [standing]
steps: [Stand tall.]
safety: [Go gently.]
spoken: {how: Stand tall., release: Let go}
dose: {kind: hold, seconds: 4, repeats: 2, relax: 3}
"""
SHORT_ROUTINE = """\
id: short
name: Short
purpose: For tests.
focus: [neck]
prepare: 8
rest: 0
exercises: [short-hold]
"""


def test_plain_mode_prints_each_phrase_as_it_is_said_and_the_transcript_keeps_it(
    user_config: Path, tmp_path: Path
) -> None:
    (user_config / "exercises" / "short-hold.yaml").write_text(SHORT_EXERCISE)
    (user_config / "exercises" / "short.yaml").write_text(SHORT_ROUTINE)
    transcript = tmp_path / "said.txt"
    transcript.write_text("[0:07] Said in an earlier session.\n")
    done = subprocess.run(
        [
            *(sys.executable, "-m", "stretchtimer", "run", "short", "--plain", "--voice"),
            *("--mute", "--no-log", "--transcript", str(transcript)),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
        env=os.environ,
    )
    assert done.returncode == 0, done.stderr
    said = [line[len("say: ") :] for line in done.stdout.splitlines() if line.startswith("say: ")]
    assert said[:2] == ["First up: Short Hold, hold 4 seconds, 2 times.", "Stand tall."]
    assert "Hold." in said and "Let go." in said and said[-1] == "Session done. Well done."
    earlier, header, *kept = transcript.read_text().splitlines()
    assert earlier == "[0:07] Said in an earlier session."  # each session adds to the file
    assert re.fullmatch(r"# Short, \d{4}-\d\d-\d\d \d\d:\d\d", header)
    assert [line.split("] ", 1)[1] for line in kept] == said
    assert kept[0].startswith("[0:00] ") and kept[-1].startswith("[0:19] ")
    # the plain line of a step comes before what is said in it
    lines = done.stdout.splitlines()
    assert lines.index("say: Hold.") > next(i for i, line in enumerate(lines) if "| Hold |" in line)
