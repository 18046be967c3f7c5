"""Turn a routine into a timeline: every step, its length and its cues, before anything runs.

A pure function of the routine and its exercises, so the total time and every sound of a
session are known (and testable) up front. The engine only walks this timeline.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from stretchtimer.library.models import (
    STANDARD,
    SWITCH_SECONDS,
    Exercise,
    HoldDose,
    Level,
    RepsDose,
    RoundsDose,
    Routine,
    Side,
    TimedDose,
    at_level,
    routine_size,
)
from stretchtimer.settings import Settings

COUNTDOWN_FROM = 3
COUNTDOWN_MIN_WORK = 10.0  # shorter work steps (single reps) get a rep cue, not a countdown
COUNTDOWN_MIN_PAUSE = 4.0
HALFWAY_MIN = 20.0


class StepKind(StrEnum):
    PREPARE = "prepare"
    WORK = "work"
    RELAX = "relax"  # between holds or reps
    SET_REST = "set-rest"  # between sets or rounds
    SWITCH = "switch-sides"
    EXERCISE_REST = "exercise-rest"  # between exercises

    @property
    def is_work(self) -> bool:
        return self is StepKind.WORK


class CueKind(StrEnum):
    EXERCISE_START = "exercise-start"
    WORK_START = "work-start"
    COUNTDOWN = "countdown"
    HALFWAY = "halfway"
    REP = "rep"
    SWITCH_SIDES = "switch-sides"
    REST = "rest"
    EXERCISE_DONE = "exercise-done"
    SESSION_DONE = "session-done"


@dataclass(frozen=True, slots=True)
class Cue:
    """A sound due `at` seconds into its step; `count` is 3-2-1 or the rep number."""

    at: float
    kind: CueKind
    count: int = 0


@dataclass(frozen=True, slots=True)
class Count:
    """'2 of 3': a set, rep, hold or round number and its total."""

    number: int
    total: int

    def __str__(self) -> str:
        return f"{self.number} of {self.total}"


@dataclass(frozen=True, slots=True)
class Step:
    """One timed step of a session, with everything a screen or a speaker needs to say."""

    index: int
    kind: StepKind
    exercise: Exercise
    exercise_index: int
    text: str
    start: float
    duration: float
    cues: tuple[Cue, ...] = ()
    side: Side | None = None
    set: Count | None = None
    rep: Count | None = None
    hold: Count | None = None
    round: Count | None = None

    @property
    def end(self) -> float:
        return self.start + self.duration

    @property
    def counters(self) -> str:
        """'set 2 of 3 · rep 4 of 12 · left side', for a line of text."""
        return " · ".join(self.counter_parts)

    @property
    def counter_parts(self) -> list[str]:
        """['set 2 of 3', 'rep 4 of 12', 'left side']."""
        parts = [
            f"{name} {count}"
            for name, count in (
                ("round", self.round),
                ("set", self.set),
                ("hold", self.hold),
                ("rep", self.rep),
            )
            if count is not None and count.total > 1
        ]
        if self.side:
            parts.append(f"{self.side} side")
        return parts


@dataclass(frozen=True)
class Timeline:
    """The whole session, step by step; immutable once planned."""

    routine: Routine
    exercises: tuple[Exercise, ...]
    """At the session's level: each dose's `default` is what the session does."""
    steps: tuple[Step, ...]
    exercise_starts: tuple[int, ...] = field(repr=False)
    level: Level = STANDARD

    @property
    def total(self) -> float:
        return self.steps[-1].end if self.steps else 0.0

    @property
    def name(self) -> str:
        """The routine's name, with its level unless standard: 'Desk Break (easy)'."""
        name = self.routine.name
        return name if self.level == STANDARD else f"{name} ({self.level})"

    def exercise_span(self, exercise_index: int) -> range:
        """Indices of the steps that belong to one exercise (its prepare and rest included)."""
        first = self.exercise_starts[exercise_index]
        last = (
            self.exercise_starts[exercise_index + 1]
            if exercise_index + 1 < len(self.exercise_starts)
            else len(self.steps)
        )
        return range(first, last)

    def exercise_start(self, exercise_index: int) -> float:
        """Session seconds at which the exercise's first step (its rest or prepare) begins."""
        return self.steps[self.exercise_starts[exercise_index]].start

    def exercise_seconds(self, exercise_index: int) -> float:
        span = self.exercise_span(exercise_index)
        return self.steps[span[-1]].end - self.exercise_start(exercise_index)

    def cue_times(self) -> list[tuple[float, Cue]]:
        """Every cue of the session with its time from the start, in order."""
        return [(step.start + cue.at, cue) for step in self.steps for cue in step.cues]


@dataclass(frozen=True, slots=True)
class _Draft:
    """A step before its place in the session is known."""

    kind: StepKind
    text: str
    duration: float
    cues: tuple[Cue, ...] = ()
    side: Side | None = None
    set: Count | None = None
    rep: Count | None = None
    hold: Count | None = None
    round: Count | None = None


def paced(
    routine: Routine,
    exercises: Sequence[Exercise],
    prepare: int | None = None,
    rest: int | None = None,
    level: Level = STANDARD,
) -> Routine:
    """`routine` with the get-ready and rest between exercises you chose (config.toml,
    --prepare, --rest); as it is when it would then be longer than a routine may be at
    `level`."""
    if prepare is None and rest is None:
        return routine
    mine = dataclasses.replace(
        routine,
        prepare=routine.prepare if prepare is None else prepare,
        rest=routine.rest if rest is None else rest,
    )
    return routine if routine_size(mine, list(exercises), level).too_big("it") else mine


def session_timeline(
    routine: Routine, exercises: Sequence[Exercise], settings: Settings, level: Level = STANDARD
) -> Timeline:
    """The timeline a session of `routine` at `level` runs with your get-ready and rest: the
    one place a routine's time comes from, so what the picker, `list` and `show` say is what
    it takes."""
    return plan(paced(routine, exercises, settings.prepare, settings.rest, level), exercises, level)


def plan(routine: Routine, exercises: Sequence[Exercise], level: Level = STANDARD) -> Timeline:
    """Lay out every step of `routine` at `level`, whose exercises (the routine's changes to
    their doses applied) are given."""
    exercises = [at_level(exercise, level) for exercise in exercises]
    steps: list[Step] = []
    starts: list[int] = []
    clock = 0.0
    for position, exercise in enumerate(exercises):
        starts.append(len(steps))
        drafts = list(_exercise_drafts(routine, exercises, position))
        for number, draft in enumerate(drafts):
            cues = draft.cues
            if number == len(drafts) - 1:
                done = (
                    CueKind.SESSION_DONE
                    if position == len(exercises) - 1
                    else CueKind.EXERCISE_DONE
                )
                cues = (*cues, Cue(draft.duration, done))
            steps.append(
                Step(
                    index=len(steps),
                    kind=draft.kind,
                    exercise=exercise,
                    exercise_index=position,
                    text=draft.text,
                    start=clock,
                    duration=draft.duration,
                    cues=cues,
                    side=draft.side,
                    set=draft.set,
                    rep=draft.rep,
                    hold=draft.hold,
                    round=draft.round,
                )
            )
            clock += draft.duration
    return Timeline(routine, tuple(exercises), tuple(steps), tuple(starts), level)


def _exercise_drafts(
    routine: Routine, exercises: Sequence[Exercise], position: int
) -> Iterator[_Draft]:
    exercise = exercises[position]
    if position > 0 and routine.rest > 0:
        yield _pause(StepKind.EXERCISE_REST, "Rest", routine.rest)
    if routine.prepare > 0:
        yield _Draft(
            StepKind.PREPARE,
            "Get ready",
            float(routine.prepare),
            (Cue(0.0, CueKind.EXERCISE_START), *_countdown(routine.prepare, COUNTDOWN_MIN_PAUSE)),
        )
    dose = exercise.dose
    if isinstance(dose, HoldDose):
        yield from _holds(dose)
    elif isinstance(dose, RepsDose):
        yield from _reps(dose)
    elif isinstance(dose, TimedDose):
        yield from _timed(dose)
    else:
        yield from _rounds(exercise, dose)


def _countdown(duration: float, minimum: float) -> tuple[Cue, ...]:
    if duration < minimum:
        return ()
    return tuple(Cue(duration - n, CueKind.COUNTDOWN, n) for n in range(COUNTDOWN_FROM, 0, -1))


def _pause(kind: StepKind, text: str, seconds: float) -> _Draft:
    cues = (Cue(0.0, CueKind.REST), *_countdown(seconds, COUNTDOWN_MIN_PAUSE))
    return _Draft(kind, text, float(seconds), cues)


def _switch(to: Side) -> _Draft:
    cues = (Cue(0.0, CueKind.SWITCH_SIDES), *_countdown(SWITCH_SECONDS, COUNTDOWN_MIN_PAUSE))
    seconds = float(SWITCH_SECONDS)
    return _Draft(StepKind.SWITCH, f"Switch to the {to} side", seconds, cues, side=to)


def _work_cues(seconds: float) -> tuple[Cue, ...]:
    halfway = (Cue(seconds / 2, CueKind.HALFWAY),) if seconds >= HALFWAY_MIN else ()
    return (Cue(0.0, CueKind.WORK_START), *halfway, *_countdown(seconds, COUNTDOWN_MIN_WORK))


def _holds(dose: HoldDose) -> Iterator[_Draft]:
    seconds, total = float(dose.seconds.default), dose.repeats.default
    if dose.alternate and dose.per_side:
        order = [(side, n) for n in range(1, total + 1) for side in dose.sides]
    else:
        order = [(side, n) for side in dose.sides for n in range(1, total + 1)]
    previous: Side | None = order[0][0]
    for index, (side, number) in enumerate(order):
        if index > 0:
            if side is not None and side != previous and not dose.alternate:
                yield _switch(side)
            elif dose.relax > 0:
                yield _pause(StepKind.RELAX, "Relax", dose.relax)
        yield _Draft(
            StepKind.WORK,
            "Hold",
            seconds,
            _work_cues(seconds),
            side=side,
            hold=Count(number, total),
        )
        previous = side


def _reps(dose: RepsDose) -> Iterator[_Draft]:
    sets, reps = dose.sets.default, dose.reps.default
    for set_number in range(1, sets + 1):
        if set_number > 1 and dose.rest > 0:
            yield _pause(StepKind.SET_REST, "Rest", dose.rest)
        for side_index, side in enumerate(dose.sides):
            if side_index > 0 and side is not None:
                yield _switch(side)
            yield from _rep_steps(None, reps, dose.tempo, side, set=Count(set_number, sets))


def _rep_steps(
    label: str | None, reps: int, tempo: float, side: Side | None, **counts: Count
) -> Iterator[_Draft]:
    """One step per rep, so a person sees 'Rep 4 of 12' and hears each rep."""
    for number in range(1, reps + 1):
        cue = Cue(0.0, CueKind.WORK_START) if number == 1 else Cue(0.0, CueKind.REP, number)
        text = label or f"Rep {number} of {reps}"
        yield _Draft(
            StepKind.WORK, text, tempo, (cue,), side=side, rep=Count(number, reps), **counts
        )


def _timed(dose: TimedDose) -> Iterator[_Draft]:
    seconds = float(dose.seconds.default)
    for index, side in enumerate(dose.sides):
        if index > 0 and side is not None:
            yield _switch(side)
        yield _Draft(StepKind.WORK, "Keep moving", seconds, _work_cues(seconds), side=side)


def _rounds(exercise: Exercise, dose: RoundsDose) -> Iterator[_Draft]:
    rounds = dose.rounds.default
    for index, side in enumerate(dose.sides):
        if index > 0 and side is not None:
            yield _switch(side)
        for number in range(1, rounds + 1):
            if number > 1 and dose.rest > 0:
                yield _pause(StepKind.SET_REST, "Rest", dose.rest)
            for part in dose.parts:
                yield from _rep_steps(
                    exercise.on_side(part.do, side),
                    part.reps,
                    part.tempo,
                    side,
                    round=Count(number, rounds),
                )
