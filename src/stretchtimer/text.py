"""Words and numbers as people read them, shared by the command line, plain mode and the TUI."""

from __future__ import annotations

import math

from .plan import Step, StepKind, Timeline


def clock(seconds: float) -> str:
    """'4:05' or '1:02:03'; rounds up, so a countdown shows 0:00 only at the very end."""
    whole = max(0, math.ceil(seconds - 1e-9))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02}:{secs:02}" if hours else f"{minutes}:{secs:02}"


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
