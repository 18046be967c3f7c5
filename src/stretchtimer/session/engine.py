"""The session engine: an explicit state machine over a timeline, and its async runner.

The core is pure: `transition(session, command, now)` and `advance(session, now)` return a new
`Session` and the events it caused, so every rule is tested without an event loop. Time is
kept as deadlines from one origin (session start + planned offsets + paused time), never as a
sum of sleeps, so a session cannot drift. `Engine` is the thin async shell that waits for the
next deadline or command and hands events to subscribers. It knows nothing of screens or sound.
"""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from stretchtimer.session.clock import Clock, MonotonicClock
from stretchtimer.session.commands import Command as Command  # where it was always imported from
from stretchtimer.session.plan import Cue, Step, StepKind, Timeline

log = logging.getLogger(__name__)

BACK_RESTARTS_AFTER = 3.0  # seconds into a step after which "back" restarts it
GET_READY_AFTER_SKIP = 3.0  # seconds of get-ready left when a skip lands on one


class State(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"
    STOPPED = "stopped"

    @property
    def is_over(self) -> bool:
        return self in (State.FINISHED, State.STOPPED)


class Outcome(StrEnum):
    """A step's outcome."""

    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"


class ExerciseOutcome(StrEnum):
    """How an exercise ended: all its work done, any of it skipped, or cut short (stopped, or
    left by going back)."""

    DONE = "done"
    SKIPPED = "skipped"
    PARTIAL = "partial"


# --- events ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Event:
    """Something that happened at clock time `at`."""

    at: float


@dataclass(frozen=True, slots=True)
class StepStarted(Event):
    step: Step
    reason: str = "next"  # next, skip, back, restart, start
    into: float = 0.0  # seconds of the step passed over (a skip lands on a get-ready's last 3)


@dataclass(frozen=True, slots=True)
class Tick(Event):
    """The whole seconds left in the step (session time), each time that number changes."""

    step: Step
    remaining: int


@dataclass(frozen=True, slots=True)
class CueDue(Event):
    step: Step
    cue: Cue


@dataclass(frozen=True, slots=True)
class Paused(Event):
    step: Step
    stalled: float = 0.0
    """Clock seconds the program was not running, when the engine paused the session itself
    (see `advance`); 0 for a pause that was asked for."""


@dataclass(frozen=True, slots=True)
class Resumed(Event):
    step: Step


@dataclass(frozen=True, slots=True)
class Skipped(Event):
    steps: tuple[Step, ...]


@dataclass(frozen=True, slots=True)
class ExerciseEnded(Event):
    """The session left an exercise (to another one, or at its end); going back to it later
    ends it again, and the later report stands. Times are session seconds."""

    position: int
    outcome: ExerciseOutcome
    seconds: float
    """Time spent on it while running (its rest and get-ready included), pauses left out."""
    active_seconds: float
    """The session's running time so far."""
    paused_seconds: float
    """The session's paused time so far."""


@dataclass(frozen=True, slots=True)
class Summary:
    """What was done, for the last line, the summary screen and the history log.

    Times are in session seconds (at --speed N, N times the wall time).
    """

    state: State
    steps_done: int
    steps_skipped: int
    steps_total: int
    exercises_done: tuple[int, ...]
    exercises_skipped: tuple[int, ...]
    active_seconds: float
    paused_seconds: float
    exercises: tuple[ExerciseEnded, ...] = ()
    """The last report of every exercise the session left, in their order."""

    @property
    def stopped_in(self) -> int | None:
        """The exercise a stop left part-done, if it did."""
        last = self.exercises[-1] if self.exercises else None
        if self.state is State.STOPPED and last and last.outcome is ExerciseOutcome.PARTIAL:
            return last.position
        return None


@dataclass(frozen=True, slots=True)
class Finished(Event):
    summary: Summary


@dataclass(frozen=True, slots=True)
class Stopped(Event):
    summary: Summary


# --- the pure core --------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Earlier:
    """What an earlier run of the same session did, for one resumed where it was cut short:
    it goes on from the exercise at `position`; those before it were done, but for the ones
    in `skipped`. Its times (session seconds) count towards this run's, so the summary and
    every report cover the whole session."""

    position: int
    skipped: frozenset[int] = frozenset()
    active_seconds: float = 0.0
    paused_seconds: float = 0.0


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _Settled:
    """A settled step on top of the ones settled before it.

    The steps before the current one are always settled and the ones after it never are (the
    current one too once the session finishes), so the outcomes are a stack: a step that ends
    or is skipped goes on top, going back takes the top off. Each entry keeps the counts so far,
    so settling a step, the summary's counts and an exercise's outcome cost the same at the
    10,000th step of a session as at the first. Compared by identity: a session shares it with
    the sessions made from it.
    """

    below: _Settled | None
    index: int
    exercise: int
    outcome: Outcome
    done: int  # steps done, this one included
    skipped: int
    work_done: int  # work steps of this step's exercise done, this one included
    work_skipped: int


def _settle(below: _Settled | None, step: Step, outcome: Outcome) -> _Settled:
    same = below is not None and below.exercise == step.exercise_index
    done = outcome is Outcome.DONE
    work = step.kind.is_work
    return _Settled(
        below,
        step.index,
        step.exercise_index,
        outcome,
        (below.done if below else 0) + done,
        (below.skipped if below else 0) + (not done),
        (below.work_done if below and same else 0) + (work and done),
        (below.work_skipped if below and same else 0) + (work and not done),
    )


@dataclass(frozen=True, slots=True, eq=False, repr=False)
class _Spent:
    """One exercise's running time and last report, and the exercises beside it.

    The session keeps the current exercise's, with the ones before it and the ones after it it
    has been in as two stacks (nearest on top): it only ever moves to the next exercise or back
    to the previous one, so moving costs one entry, whatever the routine's length.
    """

    position: int
    seconds: float  # clock seconds run in it
    report: ExerciseEnded | None
    below: _Spent | None = None

    def on(self, stack: _Spent | None) -> _Spent:
        return replace(self, below=stack)


@dataclass(frozen=True)
class Session:
    """Everything the engine knows at one moment; replaced, never changed.

    Replacing one costs the same at any step: what grows with the session (outcomes, each
    exercise's time) is kept in stacks shared with the session it was made from.
    """

    timeline: Timeline
    speed: float = 1.0
    stall_limit: float | None = None
    """Clock seconds a wake-up may come after its deadline before the engine takes it for a
    stall (see `advance`); None: time may jump, as it does on a virtual clock."""
    state: State = State.READY
    index: int = 0
    origin: float = 0.0  # clock time of plan offset 0, moved by pauses, skips and backs
    paused_at: float | None = None
    next_cue: int = 0  # cues of the current step already fired
    entered_into: float = 0.0  # session seconds of the current step passed over on entering it
    announced: int = 0  # whole seconds left last ticked
    settled: _Settled | None = field(default=None, repr=False)
    paused_total: float = 0.0  # clock seconds
    active: float = 0.0  # clock seconds run, up to `running_since`
    running_since: float | None = None
    spent: _Spent = field(default=_Spent(0, 0.0, None), repr=False)  # the current exercise's
    earlier: _Spent | None = field(default=None, repr=False)  # the ones before it
    later: _Spent | None = field(default=None, repr=False)  # those after it, already visited
    work_steps: tuple[int, ...] = field(default=(), repr=False)  # work steps per exercise
    begins: int = 0  # the first step of this run (past what an earlier run did)
    earlier_active: float = 0.0  # session seconds an earlier run spent running
    earlier_paused: float = 0.0  # and paused

    @classmethod
    def new(
        cls,
        timeline: Timeline,
        speed: float = 1.0,
        stall_limit: float | None = None,
        earlier: Earlier | None = None,
    ) -> Session:
        """A session from its first step, or, given what an `earlier` run did, from the start
        of the exercise it was in (its steps before settled as that run left them)."""
        if not speed > 0 or math.isinf(speed):
            raise ValueError("speed must be a positive number")
        work = [0] * len(timeline.exercises)
        for step in timeline.steps:
            work[step.exercise_index] += step.kind.is_work
        session = cls(timeline, speed, stall_limit, work_steps=tuple(work))
        if earlier is None:
            return session
        if not 0 <= earlier.position < len(timeline.exercises):
            raise ValueError(f"no exercise {earlier.position} to go on from")
        begins = timeline.exercise_starts[earlier.position]
        if timeline.steps[begins].kind is StepKind.EXERCISE_REST:  # rested enough meanwhile
            begins += 1
        settled = None
        for step in timeline.steps[:begins]:
            skipped = step.exercise_index in earlier.skipped
            settled = _settle(settled, step, Outcome.SKIPPED if skipped else Outcome.DONE)
        return replace(
            _go_to(replace(session, settled=settled), begins),
            begins=begins,
            earlier_active=earlier.active_seconds,
            earlier_paused=earlier.paused_seconds,
        )

    @property
    def step(self) -> Step:
        return self.timeline.steps[self.index]

    @property
    def outcomes(self) -> tuple[Outcome, ...]:
        """Every step's outcome, in order (built on demand: it is as long as the session)."""
        settled: list[Outcome] = []
        entry = self.settled
        while entry is not None:
            settled.append(entry.outcome)
            entry = entry.below
        settled.reverse()
        return (*settled, *(Outcome.PENDING,) * (len(self.timeline.steps) - len(settled)))

    def due(self, offset: float) -> float:
        """Clock time at which the plan offset `offset` (session seconds) is reached."""
        return self.origin + offset / self.speed

    def step_elapsed(self, now: float) -> float:
        """Session seconds into the current step (frozen while paused)."""
        anchor = self.paused_at if self.paused_at is not None else now
        if self.state is State.READY:
            return 0.0
        return min(
            max(0.0, (anchor - self.origin) * self.speed - self.step.start), self.step.duration
        )

    def step_remaining(self, now: float) -> float:
        return self.step.duration - self.step_elapsed(now)

    def position(self, now: float) -> float:
        """Where in the plan the session is, in session seconds (skips jump, pauses hold)."""
        if self.state is State.FINISHED:
            return self.timeline.total
        return self.step.start + self.step_elapsed(now)

    def active_seconds(self, now: float) -> float:
        """Session seconds spent running, up to `now` (an earlier run's included)."""
        return self.earlier_active + _active_until(self, now) * self.speed

    def paused_seconds(self, now: float) -> float:
        """Session seconds spent paused, up to `now` (an earlier run's included)."""
        paused = self.paused_total + ((now - self.paused_at) if self.paused_at is not None else 0)
        return self.earlier_paused + paused * self.speed

    def summary(self, now: float) -> Summary:
        """What was done (built on demand: it reads every step's outcome)."""
        done, skipped = _exercise_outcomes(self.timeline, self.outcomes)
        return Summary(
            state=self.state,
            steps_done=self.settled.done if self.settled else 0,
            steps_skipped=self.settled.skipped if self.settled else 0,
            steps_total=len(self.timeline.steps),
            exercises_done=done,
            exercises_skipped=skipped,
            active_seconds=self.active_seconds(now),
            paused_seconds=self.paused_seconds(now),
            exercises=tuple(spent.report for spent in _in_order(self) if spent.report is not None),
        )


def _in_order(session: Session) -> list[_Spent]:
    """Every exercise the session has been in, in the routine's order."""
    before: list[_Spent] = []
    entry = session.earlier
    while entry is not None:
        before.append(entry)
        entry = entry.below
    after: list[_Spent] = []
    entry = session.later
    while entry is not None:
        after.append(entry)
        entry = entry.below
    return [*reversed(before), session.spent, *after]


def exercise_outcome(
    timeline: Timeline, outcomes: Sequence[Outcome], position: int
) -> ExerciseOutcome:
    """DONE when all the exercise's work was done, SKIPPED when any of it was skipped, and
    PARTIAL otherwise (not reached, or cut short)."""
    work = [outcomes[i] for i in timeline.exercise_span(position) if timeline.steps[i].kind.is_work]
    if Outcome.SKIPPED in work:
        return ExerciseOutcome.SKIPPED
    if work and all(outcome is Outcome.DONE for outcome in work):
        return ExerciseOutcome.DONE
    return ExerciseOutcome.PARTIAL


def _current_outcome(session: Session) -> ExerciseOutcome:
    """`exercise_outcome` of the current exercise, read off the top of the settled steps: its
    own are the top ones, but for the few of the next exercise that a skip settles on its way
    to that exercise's get-ready."""
    top, position = session.settled, session.step.exercise_index
    while top is not None and top.exercise > position:
        top = top.below
    done, skipped = (
        (top.work_done, top.work_skipped) if top and top.exercise == position else (0, 0)
    )
    if skipped:
        return ExerciseOutcome.SKIPPED
    if done and done == session.work_steps[position]:
        return ExerciseOutcome.DONE
    return ExerciseOutcome.PARTIAL


def _exercise_outcomes(
    timeline: Timeline, outcomes: tuple[Outcome, ...]
) -> tuple[tuple[int, ...], tuple[int, ...]]:
    each = [exercise_outcome(timeline, outcomes, p) for p in range(len(timeline.exercises))]
    done = tuple(p for p, outcome in enumerate(each) if outcome is ExerciseOutcome.DONE)
    skipped = tuple(p for p, outcome in enumerate(each) if outcome is ExerciseOutcome.SKIPPED)
    return done, skipped


Result = tuple[Session, tuple[Event, ...]]
Handler = Callable[[Session, float], Result]


def _start(session: Session, now: float) -> Result:
    if not session.timeline.steps:
        return _end(session, now, State.FINISHED)
    session = replace(session, state=State.RUNNING, origin=now, running_since=now)
    return _enter(session, session.begins, now, "start")


def _pause(session: Session, now: float, stalled: float = 0.0) -> Result:
    session = replace(_credit(session, now), state=State.PAUSED, paused_at=now, running_since=None)
    return session, (Paused(now, session.step, stalled),)


def _active_until(session: Session, now: float) -> float:
    """Clock seconds spent running, counting the current run up to `now`."""
    running = now - session.running_since if session.running_since is not None else 0.0
    return session.active + running


def _credit(session: Session, until: float) -> Session:
    """Count the running time up to `until` to the current exercise."""
    if session.running_since is None:
        return session
    ran = max(0.0, until - session.running_since)
    spent = session.spent
    return replace(
        session,
        spent=replace(spent, seconds=spent.seconds + ran),
        active=session.active + ran,
        running_since=until,
    )


def _exercise_ended(session: Session, at: float) -> tuple[Session, ExerciseEnded]:
    """Report the current exercise's end at `at`, its running time credited up to then."""
    session = _credit(session, at)
    report = ExerciseEnded(
        at,
        session.step.exercise_index,
        _current_outcome(session),
        session.spent.seconds * session.speed,
        session.active_seconds(at),
        session.paused_seconds(at),
    )
    return replace(session, spent=replace(session.spent, report=report)), report


def _go_to(session: Session, index: int) -> Session:
    """Make step `index` current; when it belongs to another exercise, that exercise's time
    and report come to the top (the session moves one exercise at a time)."""
    spent, earlier, later = session.spent, session.earlier, session.later
    target = session.timeline.steps[index].exercise_index
    while spent.position < target:  # forward: the current one goes below, the next comes up
        earlier = spent.on(earlier)
        if later is not None and later.position == spent.position + 1:
            spent, later = later.on(None), later.below
        else:
            spent = _Spent(spent.position + 1, 0.0, None)
    while spent.position > target:  # back
        assert earlier is not None
        later = spent.on(later)
        spent, earlier = earlier.on(None), earlier.below
    return replace(session, index=index, spent=spent, earlier=earlier, later=later)


def _resume(session: Session, now: float) -> Result:
    held = now - (session.paused_at if session.paused_at is not None else now)
    session = replace(
        session,
        state=State.RUNNING,
        origin=session.origin + held,
        paused_at=None,
        paused_total=session.paused_total + held,
        running_since=now,
    )
    return session, (Resumed(now, session.step),)


def _skip_step(session: Session, now: float) -> Result:
    return _skip_to(session, session.index + 1, now)


def _skip_exercise(session: Session, now: float) -> Result:
    span = session.timeline.exercise_span(session.step.exercise_index)
    return _skip_to(session, span[-1] + 1, now)


def _skip_to(session: Session, target: int, now: float) -> Result:
    left = None
    if target < len(session.timeline.steps):
        target, left = _get_ready_after_skip(session.timeline, target)
    settled = session.settled
    steps = session.timeline.steps[session.index : target]  # all pending: they are ahead
    for step in steps:
        settled = _settle(settled, step, Outcome.SKIPPED)
    session = replace(session, settled=settled)
    event = Skipped(now, steps)
    if target >= len(session.timeline.steps):
        session, events = _end(session, now, State.FINISHED)
        return session, (event, *events)
    session, events = _enter(session, target, now, "skip", left)
    return session, (event, *events)


def _get_ready_after_skip(timeline: Timeline, target: int) -> tuple[int, float | None]:
    """A skip that lands on an exercise's rest or get-ready goes to its last few seconds of
    get-ready (you have just moved on: no need to wait the whole of it); the step and the
    seconds left in it, None for all of it."""
    step = timeline.steps[target]
    if step.kind not in (StepKind.EXERCISE_REST, StepKind.PREPARE):
        return target, None
    while (
        target + 1 < len(timeline.steps)
        and timeline.steps[target + 1].kind is StepKind.PREPARE
        and timeline.steps[target + 1].exercise_index == step.exercise_index
    ):
        target += 1
    return target, min(GET_READY_AFTER_SKIP, timeline.steps[target].duration)


def _back(session: Session, now: float) -> Result:
    if session.step_elapsed(now) - session.entered_into > BACK_RESTARTS_AFTER:
        return _restart_step(session, now)
    if session.index <= session.begins:  # what an earlier run did is not gone back into
        return session, ()
    target = session.index - 1
    if session.timeline.steps[target].kind is StepKind.EXERCISE_REST and target > session.begins:
        target -= 1  # back past a rest between exercises: to the exercise before it
    # The current step is still to do; the ones from `target` on, on top, are to do again.
    settled = session.settled
    while settled is not None and settled.index >= target:
        settled = settled.below
    session = replace(session, settled=settled)
    return _enter(session, target, now, "back")


def _restart_step(session: Session, now: float) -> Result:
    return _enter(session, session.index, now, "restart")


def _stop(session: Session, now: float) -> Result:
    return _end(session, now, State.STOPPED)


def _enter(
    session: Session, index: int, now: float, reason: str, left: float | None = None
) -> Result:
    """Make step `index` current, starting now (or at the moment of the pause), with `left`
    seconds of it to go (all of it when None; cues before that point are due at once)."""
    anchor = session.paused_at if session.paused_at is not None else now
    step = session.timeline.steps[index]
    ended: tuple[Event, ...] = ()
    if reason != "start" and step.exercise_index != session.step.exercise_index:
        session, report = _exercise_ended(session, now)
        ended = (report,)
    into = 0.0 if left is None else step.duration - left
    # Entered part-way: the step's opening cues (a sound that says what it is) still play, now;
    # the cues of the part passed over do not.
    passed = sum(1 for cue in step.cues if cue.at < into)
    opening = tuple(CueDue(now, step, cue) for cue in step.cues[:passed] if cue.at == 0)
    whole = math.ceil(step.duration - into)
    session = replace(
        _go_to(session, index),
        origin=anchor - (step.start + into) / session.speed,
        next_cue=passed,
        entered_into=into,
        announced=whole,
    )
    started = StepStarted(now, step, reason, into)
    return session, (*ended, started, *opening, Tick(now, step, whole))


def _end(session: Session, now: float, state: State) -> Result:
    """Finish or stop; the exercise in progress ends too, if the session had begun."""
    if session.state is State.PAUSED:
        session, _ = _resume(session, now)
    ended: tuple[Event, ...] = ()
    if session.state is State.RUNNING:
        session, report = _exercise_ended(session, now)
        ended = (report,)
    session = replace(session, state=state, running_since=None)
    summary = session.summary(now)
    return session, (*ended, (Finished if state is State.FINISHED else Stopped)(now, summary))


TRANSITIONS: dict[tuple[State, Command], Handler] = {
    (State.READY, Command.START): _start,
    (State.READY, Command.TOGGLE): _start,
    (State.READY, Command.STOP): _stop,
    (State.RUNNING, Command.PAUSE): _pause,
    (State.RUNNING, Command.TOGGLE): _pause,
    (State.RUNNING, Command.SKIP_STEP): _skip_step,
    (State.RUNNING, Command.SKIP_EXERCISE): _skip_exercise,
    (State.RUNNING, Command.BACK): _back,
    (State.RUNNING, Command.RESTART_STEP): _restart_step,
    (State.RUNNING, Command.STOP): _stop,
    (State.PAUSED, Command.RESUME): _resume,
    (State.PAUSED, Command.TOGGLE): _resume,
    (State.PAUSED, Command.SKIP_STEP): _skip_step,
    (State.PAUSED, Command.SKIP_EXERCISE): _skip_exercise,
    (State.PAUSED, Command.BACK): _back,
    (State.PAUSED, Command.RESTART_STEP): _restart_step,
    (State.PAUSED, Command.STOP): _stop,
}
"""Every legal (state, command) pair; anything else is ignored."""


def transition(
    session: Session, command: Command, now: float, *, kept_busy: bool = False
) -> Result:
    """Apply a command at clock time `now`; an illegal command changes nothing. `kept_busy`:
    as for `advance`, when the command finds the session behind."""
    handler = TRANSITIONS.get((session.state, command))
    if handler is None:
        return session, ()
    caught_up: tuple[Event, ...] = ()
    if session.state is State.RUNNING:  # act on the session as it is at `now`
        session, caught_up = advance(session, now, kept_busy=kept_busy)
        handler = TRANSITIONS.get((session.state, command))
        if handler is None:  # it finished meanwhile (or stalled, and this was a pause)
            return session, caught_up
    session, events = handler(session, now)
    events = (*caught_up, *events)
    if session.state is State.RUNNING:
        session, more = advance(session, now)
        events = (*events, *more)
    return session, events


def advance(session: Session, now: float, *, kept_busy: bool = False) -> Result:
    """Let time pass up to `now`: fire due cues and ticks, end steps whose deadline passed.

    The stall rule: when `now` is more than `session.stall_limit` clock seconds past the next
    deadline, the program was not running (stopped with Ctrl+Z or SIGSTOP, a paused VM), not
    merely late. Then nothing due since is played as a backlog: the session is paused at that
    deadline, before what was due there, so the time since counts as paused, never as active,
    and it goes on from where it stopped once resumed. With `kept_busy` (the program ran all
    along, with more to do than time: the clock's `kept_busy`), it is caught up instead.
    """
    if session.state is State.RUNNING and session.stall_limit is not None and not kept_busy:
        deadline = next_deadline(session)
        if deadline is not None and now - deadline > session.stall_limit:
            return _pause(session, deadline, stalled=now - deadline)
    events: list[Event] = []
    steps = session.timeline.steps
    while session.state is State.RUNNING:
        step = steps[session.index]
        cues = step.cues
        fired = session.next_cue
        while fired < len(cues) and now >= session.due(step.start + cues[fired].at):
            events.append(CueDue(session.due(step.start + cues[fired].at), step, cues[fired]))
            fired += 1
        announced = session.announced
        while announced > 1 and now >= session.due(step.end - (announced - 1)):
            announced -= 1
        if announced != session.announced:
            events.append(Tick(session.due(step.end - announced), step, announced))
        if fired != session.next_cue or announced != session.announced:
            session = replace(session, next_cue=fired, announced=announced)
        if now < session.due(step.end):
            break
        session = replace(session, settled=_settle(session.settled, step, Outcome.DONE))
        ended_at = session.due(step.end)
        if session.index + 1 >= len(steps):
            session, final = _end(session, ended_at, State.FINISHED)
            events.extend(final)
            break
        nxt = steps[session.index + 1]
        if nxt.exercise_index != step.exercise_index:
            session, report = _exercise_ended(session, ended_at)
            events.append(report)
        session = replace(
            _go_to(session, session.index + 1),
            next_cue=0,
            entered_into=0.0,
            announced=math.ceil(nxt.duration),
        )
        events += [StepStarted(ended_at, nxt), Tick(ended_at, nxt, session.announced)]
    return session, tuple(events)


def next_deadline(session: Session) -> float | None:
    """When something is next due (a cue, a tick, the end of the step); None when idle."""
    if session.state is not State.RUNNING:
        return None
    step = session.step
    deadline = session.due(step.end)
    if session.next_cue < len(step.cues):
        deadline = min(deadline, session.due(step.start + step.cues[session.next_cue].at))
    if session.announced > 1:
        deadline = min(deadline, session.due(step.end - (session.announced - 1)))
    return deadline


# --- the async shell ------------------------------------------------------------------------

Subscriber = Callable[[Event], object]


class Engine:
    """Runs a timeline in real (or virtual) time and tells subscribers what happens.

    Commands are applied at once by `send`; `run` sleeps until the next deadline or command.
    Each subscriber has its own queue and task, so a slow or failing one delays only itself.
    """

    def __init__(
        self,
        timeline: Timeline,
        clock: Clock | None = None,
        speed: float = 1.0,
        earlier: Earlier | None = None,
    ) -> None:
        """`earlier`: what a run cut short did; this one goes on from where it was."""
        self.clock = clock or MonotonicClock()
        self.session = Session.new(timeline, speed, self.clock.stall_limit, earlier)
        self._wake = asyncio.Event()
        self._queues: list[tuple[asyncio.Queue[Event | None], bool]] = []  # and: with ticks
        self._tasks: list[asyncio.Task[None]] = []
        self._subscribers: list[tuple[Subscriber, bool]] = []

    @property
    def state(self) -> State:
        return self.session.state

    def subscribe(self, subscriber: Subscriber, *, ticks: bool = True) -> None:
        """Hand `subscriber` every event from the start on; with `ticks=False`, every event
        but the Tick of each second (a subscriber with nothing to do for it is not woken for
        it once a second)."""
        self._subscribers.append((subscriber, ticks))

    def send(self, command: Command) -> None:
        """Apply a command now; safe to call from key handlers on the same event loop."""
        now, busy = self.clock.now(), self.clock.kept_busy()
        self.session, events = transition(self.session, command, now, kept_busy=busy)
        self._publish(events)
        self._wake.set()

    def summary(self) -> Summary:
        return self.session.summary(self.clock.now())

    async def run(self, start: bool = True) -> Summary:
        """Run until the session is finished or stopped, and return its summary."""
        self._start_subscribers()
        try:
            if start:
                self.send(Command.START)
            while not self.session.state.is_over:
                self._wake.clear()
                await self.clock.wait(self._wake, next_deadline(self.session))
                now, busy = self.clock.now(), self.clock.kept_busy()
                self.session, events = advance(self.session, now, kept_busy=busy)
                self._publish(events)
        except asyncio.CancelledError:
            if not self.session.state.is_over:
                self.send(Command.STOP)
            raise
        finally:
            await self._close_subscribers()
        return self.summary()

    def _publish(self, events: tuple[Event, ...]) -> None:
        for queue, ticks in self._queues:
            for event in events:
                if ticks or not isinstance(event, Tick):
                    queue.put_nowait(event)

    def _start_subscribers(self) -> None:
        for subscriber, ticks in self._subscribers:
            queue: asyncio.Queue[Event | None] = asyncio.Queue()
            self._queues.append((queue, ticks))
            self._tasks.append(asyncio.create_task(_deliver(queue, subscriber)))

    async def _close_subscribers(self, grace: float = 1.0) -> None:
        for queue, _ in self._queues:
            queue.put_nowait(None)
        if self._tasks:
            _, late = await asyncio.wait(self._tasks, timeout=grace)
            for task in late:
                task.cancel()
        self._queues.clear()
        self._tasks.clear()


async def _deliver(queue: asyncio.Queue[Event | None], subscriber: Subscriber) -> None:
    failed = False
    while (event := await queue.get()) is not None:
        try:
            result = subscriber(event)
            if asyncio.iscoroutine(result):
                await result
        except Exception:
            if not failed:  # say it once; keep delivering to it, the timer is unaffected
                log.exception("subscriber %r failed", subscriber)
                failed = True
