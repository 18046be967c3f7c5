"""What a step says in words: the instruction, the headline, what comes next, and plain mode's
line. Shared by plain mode, the app and the voice so they all say the same."""

from __future__ import annotations

from stretchtimer.format import clock, seconds_text
from stretchtimer.library.models import Exercise
from stretchtimer.session.plan import Step, StepKind, Timeline


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
    now = what_now(step, timeline)
    parts = [f"[{clock(elapsed)}]", timeline.exercises[step.exercise_index].name, now]
    if counters := other_counters(step, now):
        parts.append(counters)
    parts.append(seconds_text(step.duration))
    return " | ".join(parts)


def other_counters(step: Step, said: str) -> str:
    """The step's counters that `said` does not give already: 'set 2 of 3' beside 'Rep 4 of
    12 - left side' (not 'rep 4 of 12' again)."""
    told = said.lower()
    return " · ".join(part for part in step.counter_parts if part not in told)


def up_next(step: Step, timeline: Timeline) -> str:
    """What comes after this exercise; during a prepare or rest, which is before its exercise
    starts, that exercise's dose first: 'Now: Neck Roll, 3 rounds - then Shoulder Roll'."""
    position = step.exercise_index + 1
    after = timeline.exercises[position] if position < len(timeline.exercises) else None
    if step.kind in (StepKind.PREPARE, StepKind.EXERCISE_REST):
        now = timeline.exercises[step.exercise_index]
        then = after.name if after else "the end"
        return f"Now: {now.name}, {now.dose.describe()} - then {then}"
    if after is None:
        return "Up next: the end of the session"
    return f"Up next: {after.name}, {after.dose.describe()}"


def headline(step: Step) -> str:
    """The few words that say what to do now: 'Hold - left side', 'Rep 4 of 12', 'Rest'."""
    if step.side and step.kind is StepKind.WORK:
        return f"{step.text} - {step.side} side"
    return step.text


def stalled(seconds: float) -> str:
    """Why the engine paused a session by itself: the program was stopped (Ctrl+Z, a paused
    machine) for `seconds` clock seconds, and the session waits where it was."""
    return f"Paused: the program was stopped for {seconds:.0f} s"


def instructions(exercise: Exercise, words: bool = False) -> list[str]:
    """How to do an exercise: its numbered steps, then its form cues and safety lines, marked
    '> ' and '! ' on the session screen, or said in words for plain mode's screen readers."""
    cue, safety = ("Form cue: ", "Safety: ") if words else ("> ", "! ")
    lines = [f"{number}. {text}" for number, text in enumerate(exercise.steps, 1)]
    lines += [f"{cue}{text}" for text in exercise.cues]
    lines += [f"{safety}{text}" for text in exercise.safety]
    return lines
