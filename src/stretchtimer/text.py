"""Words and numbers as people read them, shared by the command line, plain mode and the TUI."""

from __future__ import annotations

import math
import sys

from .plan import Step, StepKind, Timeline


def clock(seconds: float, up: bool = True) -> str:
    """'4:05' or '1:02:03'.

    Rounds up by default, so a countdown shows 0:00 only at the very end; elapsed times
    round down (`up=False`).
    """
    whole = max(0, math.ceil(seconds - 1e-9) if up else math.floor(seconds + 1e-9))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


def count(number: int, noun: str) -> str:
    """'1 week', '3 weeks': a count with its noun, plural when it is not one."""
    return f"{number} {noun}{'' if number == 1 else 's'}"


def seconds_text(seconds: float) -> str:
    """'45 s' or '2.5 s'."""
    return f"{seconds:g} s"


def what_now(step: Step, timeline: Timeline) -> str:
    """The instruction for a step, with what comes next where the step is a pause."""
    if step.kind in (StepKind.PREPARE, StepKind.EXERCISE_REST):
        upcoming = timeline.exercises[step.exercise_index]
        lead = "First up" if step.exercise_index == 0 else "Next up"
        verb = "Get ready. " if step.kind is StepKind.PREPARE else "Rest. "
        return f"{verb}{lead}: {upcoming.name}, {upcoming.dose.describe()}"
    return step.text


def step_line(step: Step, timeline: Timeline, elapsed: float) -> str:
    """One line per step for plain mode: session clock, exercise, what to do, counters, length."""
    parts = [
        f"[{clock(elapsed)}]",
        timeline.exercises[step.exercise_index].name,
        what_now(step, timeline),
    ]
    if step.counters:
        parts.append(step.counters)
    parts.append(seconds_text(step.duration))
    return " | ".join(parts)


def up_next(step: Step, timeline: Timeline) -> str:
    """What comes after this exercise; during a prepare or rest, the exercise about to start."""
    position = step.exercise_index
    if step.kind not in (StepKind.PREPARE, StepKind.EXERCISE_REST):
        position += 1
    if position >= len(timeline.exercises):
        return "Up next: the end of the session"
    upcoming = timeline.exercises[position]
    return f"Up next: {upcoming.name}, {upcoming.dose.describe()}"


def headline(step: Step) -> str:
    """The few words that say what to do now: 'Hold - left side', 'Rep 4 of 12', 'Rest'."""
    if step.side and step.kind is StepKind.WORK:
        return f"{step.text} - {step.side} side"
    return step.text


SAFETY_NOTE = """\
Move slowly and gently, and only as far as feels comfortable. Stop at once if you feel sharp \
pain.

See a doctor or physiotherapist before you start if your back or neck pain is severe, spreads \
down a leg below the knee, has lasted more than about six weeks, wakes you at night, or began \
with a fall or an injury.

After an injury, wait until pain, stiffness and swelling have eased before you train again.

stretchtimer times exercises; it is not medical advice."""


def warn(text: str) -> None:
    """A problem, as every command reports one: a line on stderr."""
    print(f"stretchtimer: {text}", file=sys.stderr)
