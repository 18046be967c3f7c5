"""The engine's pure core driven by random commands and random jumps in time.

A hypothesis rule-based state machine plans a small random routine, then sends commands with
`transition(session, command, now)` and lets time pass with `advance(session, now)`, like the
runner does. Beside the engine it keeps its own record of what must have happened (when each
step visit began, how long it was paused, when the session ran or was paused) built only from
the events, and checks after every rule that the engine agrees with it.

Time only moves through `advance` here, so every command arrives at a moment the engine has
already caught up with, as when the runner keeps up with its deadlines. A command that arrives
after a deadline the engine has not processed yet is covered by the last test in this file.

Some sessions have a stall limit, as the real clock gives them: a jump in time that far past
the next deadline is a stall (the program was stopped), and the model expects the session to
be paused at that deadline with nothing played since and the time since counted as paused.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import make_exercise, make_routine
from hypothesis import HealthCheck, settings
from hypothesis import event as note_event
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from stretchtimer.session.engine import (
    GET_READY_AFTER_SKIP,
    TRANSITIONS,
    Command,
    CueDue,
    Event,
    ExerciseEnded,
    Finished,
    Outcome,
    Paused,
    Resumed,
    Session,
    Skipped,
    State,
    StepStarted,
    Stopped,
    Tick,
    advance,
    exercise_outcome,
    next_deadline,
    transition,
)
from stretchtimer.session.plan import Cue, Step, Timeline, plan

TOL = 1e-6  # clock seconds; float error in these sums is around 1e-9

# --- small random routines ------------------------------------------------------------------

TEMPOS = st.sampled_from([0.5, 1.5, 2.0, 3.25])
SIDED = {"per_side": st.booleans(), "first_side": st.sampled_from(["left", "right"])}

HOLD = st.fixed_dictionaries(
    {
        "kind": st.just("hold"),
        "seconds": st.integers(1, 25),  # 20 s and more get a halfway cue
        "repeats": st.integers(1, 3),
        "relax": st.integers(0, 5),
        "alternate": st.booleans(),
        **SIDED,
    }
)
REPS = st.fixed_dictionaries(
    {
        "kind": st.just("reps"),
        "reps": st.integers(1, 3),
        "sets": st.integers(1, 2),
        "tempo": TEMPOS,
        "rest": st.integers(0, 5),
        **SIDED,
    }
)
TIMED = st.fixed_dictionaries({"kind": st.just("timed"), "seconds": st.integers(5, 30), **SIDED})
ROUNDS = st.fixed_dictionaries(
    {
        "kind": st.just("rounds"),
        "parts": st.lists(
            st.fixed_dictionaries(
                {"do": st.just("Roll the shoulders"), "reps": st.integers(1, 2), "tempo": TEMPOS}
            ),
            min_size=1,
            max_size=2,
        ),
        "rounds": st.integers(1, 2),
        "rest": st.integers(0, 4),
        **SIDED,
    }
)
DOSES = st.one_of(HOLD, REPS, TIMED, ROUNDS)


@st.composite
def timelines(draw: st.DrawFn) -> Timeline:
    doses: list[dict[str, Any]] = draw(st.lists(DOSES, min_size=1, max_size=3))
    exercises = [make_exercise(f"move-{n}", **dose) for n, dose in enumerate(doses)]
    routine = make_routine(
        *(exercise.id for exercise in exercises),
        prepare=draw(st.integers(0, 6)),
        rest=draw(st.integers(0, 5)),
    )
    return plan(routine, exercises)


# Jumps in clock seconds: often tiny, sometimes none, sometimes across several steps.
JUMPS = st.one_of(
    st.just(0.0),
    st.floats(0.0, 1.0, allow_nan=False),
    st.floats(0.0, 30.0, allow_nan=False),
)


# Every command, illegal ones included; stop is rarer so that most sessions run for a while.
COMMANDS = st.sampled_from([c for c in Command if c is not Command.STOP] * 3 + [Command.STOP])
RESUMING = (Command.RESUME, Command.TOGGLE)

# --- what the events say must have happened -------------------------------------------------


@dataclass
class Visit:
    """One stay in a step, from its StepStarted to the next one (or the end)."""

    step: Step
    began: float  # clock time of its StepStarted
    paused: float = 0.0  # clock seconds paused since then
    paused_since: float | None = None
    cues: int = 0  # cues fired so far in this visit
    remaining: int | None = None  # last Tick
    into: float = 0.0  # session seconds of the step passed over on entry (a skip to a get-ready)

    def due(self, offset: float, speed: float) -> float:
        """When `offset` session seconds into the step are reached, given the pauses so far."""
        return self.began + self.paused + (offset - self.into) / speed

    @property
    def expected_cues(self) -> list[Cue]:
        """Its opening cues at once, then those from where it was entered."""
        cues = self.step.cues
        return [c for c in cues if c.at == 0 < self.into] + [c for c in cues if c.at >= self.into]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=0.0, abs_tol=TOL)


class EngineMachine(RuleBasedStateMachine):
    """Random commands and jumps in time against one session, checked by a parallel record."""

    session: Session
    now: float

    @initialize(
        timeline=timelines(),
        speed=st.sampled_from([1.0, 0.5, 3.0, 60.0]),
        start=st.sampled_from([0.0, 100.0, 12345.678]),
        stall_limit=st.sampled_from([None, 0.5, 2.0]),
    )
    def plan_a_session(
        self, timeline: Timeline, speed: float, start: float, stall_limit: float | None
    ) -> None:
        self.timeline = timeline
        self.steps = timeline.steps
        self.speed = speed
        self.stall_limit = stall_limit
        self.session = Session.new(timeline, speed, stall_limit)
        self.now = start
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self.stop_sent = False
        # The record, kept from events alone.
        self.visit: Visit | None = None
        self.running_since: float | None = None
        self.active = 0.0  # clock seconds running, up to `running_since`
        self.paused_since: float | None = None
        self.paused = 0.0  # clock seconds paused, up to `paused_since`
        self.last_at: dict[type[Event], float] = {}
        self.ends = 0  # Finished or Stopped events seen
        # Running clock seconds per exercise, credited between events up to `mark`.
        self.exercise_active: dict[int, float] = {}
        self.mark: float | None = None
        self.reports: dict[int, ExerciseEnded] = {}  # the last report of each exercise
        self.ended_exercise: int | None = None  # reported, and not yet followed by a step
        self.stalled = False  # paused by a stall, where it stopped (no step or resume since)

    # --- rules ---------------------------------------------------------------------------

    @precondition(lambda self: self.session.state is State.READY)
    @rule()
    def start(self) -> None:
        self.send(Command.START)

    @rule(command=COMMANDS)
    def send(self, command: Command) -> None:
        before = self.session
        after, events = transition(before, command, self.now)
        if (before.state, command) not in TRANSITIONS:
            assert after is before and events == (), "an illegal command must change nothing"
        if command is Command.STOP and not before.state.is_over:
            self.stop_sent = True
        completed = after.outcomes.count(Outcome.DONE) - before.outcomes.count(Outcome.DONE)
        if self.stalled and before.state is State.PAUSED and command in RESUMING:
            # Paused by a stall at a deadline: what was due there happens on resuming.
            assert completed <= 1, "resuming after a stall plays a backlog"
        else:
            assert completed <= 0, "a command at a time already reached cannot complete a step"
        self._take(before, after, events, self.now, command)

    @rule(jump=JUMPS)
    def wait(self, jump: float) -> None:
        self._advance_to(self.now + jump)

    @precondition(lambda self: next_deadline(self.session) is not None)
    @rule(extra=st.sampled_from([0.0, 0.0, 1e-9, 0.25]))
    def wait_for_the_deadline(self, extra: float) -> None:
        """Wake on (or a hair after) the next deadline, as the runner does."""
        deadline = next_deadline(self.session)
        assert deadline is not None
        events = self._advance_to(deadline + extra)
        assert events, "reaching a deadline must make something happen"

    @precondition(lambda self: next_deadline(self.session) is not None)
    @rule(fraction=st.floats(0.0, 1.0, exclude_max=True, allow_nan=False))
    def wait_short_of_the_deadline(self, fraction: float) -> None:
        """Before the next deadline nothing is due: a spurious wake-up changes nothing."""
        deadline = next_deadline(self.session)
        assert deadline is not None
        moment = self.now + fraction * (deadline - self.now)
        if moment >= deadline:  # rounding
            return
        before = self.session
        events = self._advance_to(moment)
        assert events == () and self.session == before

    # --- bookkeeping -----------------------------------------------------------------------

    def _advance_to(self, moment: float) -> tuple[Event, ...]:
        before = self.session
        after, events = advance(before, moment)
        if before.state is not State.RUNNING:
            assert after is before and events == (), "time passing only matters while running"
        deadline = next_deadline(before)
        if (
            self.stall_limit is not None
            and deadline is not None
            and moment - deadline > self.stall_limit
        ):
            self._check_stall(before, after, events, deadline, moment)
        if before.state is State.PAUSED:
            assert after.summary(moment).active_seconds == before.summary(self.now).active_seconds
        assert after.outcomes.count(Outcome.SKIPPED) == before.outcomes.count(Outcome.SKIPPED)
        reached, self.now = self.now, moment
        self._take(before, after, events, reached, None)
        return events

    def _check_stall(
        self,
        before: Session,
        after: Session,
        events: tuple[Event, ...],
        deadline: float,
        moment: float,
    ) -> None:
        """A stall pauses the session at the deadline it missed, before what was due there:
        no cue, tick or step of the backlog, and none of the time since counted as active."""
        assert events == (Paused(deadline, before.step, moment - deadline),), events
        self.stalled = True
        assert after.state is State.PAUSED and after.index == before.index
        assert (after.next_cue, after.announced) == (before.next_cue, before.announced)
        assert after.outcomes == before.outcomes
        assert math.isclose(
            after.active_seconds(moment), before.active_seconds(deadline), abs_tol=TOL
        )
        assert math.isclose(
            after.paused_seconds(moment) - before.paused_seconds(self.now),
            (moment - deadline) * self.speed,
            abs_tol=TOL * self.speed,
        )
        note_event("a stall")  # hypothesis's statistics show how often one is tried

    def _take(
        self,
        before: Session,
        after: Session,
        events: tuple[Event, ...],
        reached: float,
        command: Command | None,
    ) -> None:
        """Check a call's events against the record, in order, and update the record."""
        if before.state.is_over:
            assert after is before and events == (), "a finished or stopped session is final"
        self.session = after
        skipped_here = False
        # a stall paused the session at the last step's end: resuming ends it, on the command
        from_stall = self.stalled and before.state is State.PAUSED and command in RESUMING
        for event in events:
            assert reached - TOL <= event.at <= self.now + TOL, (
                f"{event!r} is dated outside the time this call covered"
            )
            kind = type(event)
            assert event.at >= self.last_at.get(kind, -math.inf) - TOL, (
                f"{kind.__name__} events went back in time"
            )
            self.last_at[kind] = event.at
            if kind is not Tick:  # a late wake-up sends one Tick, for the latest second
                assert event.at >= self.last_at.get(Event, -math.inf) - TOL, "events out of order"
                self.last_at[Event] = event.at
            if not isinstance(event, Tick | CueDue | Skipped):
                self._credit(event.at)
            if isinstance(event, StepStarted | Resumed):
                self.stalled = False
            if isinstance(event, ExerciseEnded):
                self._exercise_ended(event)
            elif isinstance(event, StepStarted):
                self._step_started(event, after)
            elif isinstance(event, Tick):
                self._tick(event)
            elif isinstance(event, CueDue):
                self._cue(event)
            elif isinstance(event, Paused):
                self._paused(event)
            elif isinstance(event, Resumed):
                self._resumed(event)
            elif isinstance(event, Skipped):
                skipped_here = True
                assert all(after.outcomes[step.index] is Outcome.SKIPPED for step in event.steps)
            elif isinstance(event, Finished | Stopped):
                self._ended(event, after, command, skipped_here, from_stall)

    def _credit(self, at: float) -> None:
        """Running time up to `at` belongs to the exercise of the step being visited."""
        if self.mark is not None and self.paused_since is None and self.visit is not None:
            position = self.visit.step.exercise_index
            self.exercise_active[position] = self.exercise_active.get(position, 0.0) + (
                at - self.mark
            )
        self.mark = at

    def _exercise_ended(self, event: ExerciseEnded) -> None:
        """The engine reports an exercise's end as the session leaves it, with the time the
        record gives it and the session's totals so far."""
        assert self.visit is not None and event.position == self.visit.step.exercise_index
        assert self.ended_exercise is None, "one report per change of exercise"
        seconds = self.exercise_active.get(event.position, 0.0) * self.speed
        assert close(event.seconds, seconds), "an exercise's time is its running time"
        active = sum(self.exercise_active.values()) * self.speed
        assert close(event.active_seconds, active)
        assert event.outcome == exercise_outcome(
            self.timeline, self.session.outcomes, event.position
        )
        self.reports[event.position] = event
        self.ended_exercise = event.position

    def _step_started(self, event: StepStarted, after: Session) -> None:
        old = self.visit
        if old is not None and event.step.exercise_index != old.step.exercise_index:
            assert self.ended_exercise == old.step.exercise_index, "left without a report"
        else:
            assert self.ended_exercise is None, "a report without a change of exercise"
        self.ended_exercise = None
        if event.reason == "start":
            assert old is None and event.step.index == 0
            self.started_at = self.running_since = event.at
        else:
            assert old is not None
            back = old.step.index - 1
            if back > 0 and self.steps[back].kind == "exercise-rest":
                back -= 1  # back passes over a rest between exercises
            expected_index = {
                "next": old.step.index + 1,
                "restart": old.step.index,
                "back": back,
            }.get(event.reason)
            if expected_index is None:
                assert event.reason == "skip" and event.step.index > old.step.index
            else:
                assert event.step.index == expected_index, event.reason
        if event.reason == "next":
            assert old is not None
            self._check_visit_complete(old, event.at)
        self.visit = Visit(event.step, event.at)
        if event.reason == "skip" and event.step.kind in ("prepare", "exercise-rest"):
            # a skip lands on the last 3 s of a get-ready (after its rest)
            assert event.step.kind == "prepare" or not self._prepare_follows(event.step)
            self.visit.into = max(0.0, event.step.duration - GET_READY_AFTER_SKIP)
        if self.paused_since is not None:  # skipped or gone back while paused
            self.visit.paused_since = event.at

    def _prepare_follows(self, step: Step) -> bool:
        after = step.index + 1
        return after < len(self.steps) and self.steps[after].kind == "prepare"

    def _check_visit_complete(self, visit: Visit, at: float) -> None:
        """A step that ran out lasted exactly its duration of unpaused time, all cues fired."""
        assert close(at, visit.due(visit.step.duration, self.speed)), "step ended off its plan"
        assert visit.cues == len(visit.expected_cues), "a step ended with cues not fired"
        assert self.session.outcomes[visit.step.index] is Outcome.DONE

    def _tick(self, event: Tick) -> None:
        visit = self.visit
        assert visit is not None and event.step == visit.step
        if visit.remaining is None:
            assert event.remaining == math.ceil(visit.step.duration - visit.into)
            assert event.at == visit.began
        else:
            assert 1 <= event.remaining < visit.remaining, "ticks count down"
            offset = visit.step.duration - event.remaining
            assert close(event.at, visit.due(offset, self.speed))
        visit.remaining = event.remaining

    def _cue(self, event: CueDue) -> None:
        visit = self.visit
        assert visit is not None and event.step == visit.step, "a cue of another step"
        expected = visit.expected_cues
        assert visit.cues < len(expected), "a cue fired twice in one visit"
        assert event.cue == expected[visit.cues], "cues out of order"
        due = visit.began if event.cue.at < visit.into else visit.due(event.cue.at, self.speed)
        assert close(event.at, due), "a cue dated off its plan"
        visit.cues += 1

    def _paused(self, event: Paused) -> None:
        assert self.visit is not None and event.step == self.visit.step
        assert self.running_since is not None and self.paused_since is None
        self.active += event.at - self.running_since
        self.running_since = None
        self.paused_since = self.visit.paused_since = event.at

    def _resumed(self, event: Resumed) -> None:
        visit = self.visit
        assert visit is not None and event.step == visit.step
        assert self.paused_since is not None and visit.paused_since is not None
        self.paused += event.at - self.paused_since
        visit.paused += event.at - visit.paused_since
        self.paused_since = visit.paused_since = None
        self.running_since = event.at

    def _ended(
        self,
        event: Finished | Stopped,
        after: Session,
        command: Command | None,
        skipped_here: bool,
        from_stall: bool = False,
    ) -> None:
        self.ends += 1
        assert self.ends == 1, "a session ends once"
        if isinstance(event, Stopped):
            assert command is Command.STOP and after.state is State.STOPPED
        else:
            assert after.state is State.FINISHED
            assert Outcome.PENDING not in after.outcomes, "finished with steps left"
            if not skipped_here:  # ran out: the last step ended on time
                assert (command is None or from_stall) and self.visit is not None
                assert self.visit.step.index == len(self.steps) - 1
                self._check_visit_complete(self.visit, event.at)
        if self.running_since is not None:
            self.active += event.at - self.running_since
        if self.paused_since is not None:
            self.paused += event.at - self.paused_since
        self.running_since = self.paused_since = None
        self.ended_at = event.at
        assert event.summary == after.summary(event.at)
        if self.started_at is None:
            assert event.summary.exercises == (), "nothing to report before the start"
        else:  # the exercise in progress ended with the session
            assert self.visit is not None
            assert self.ended_exercise == self.visit.step.exercise_index
        assert event.summary.exercises == tuple(
            self.reports[position] for position in sorted(self.reports)
        ), "the summary holds the last report of each exercise"
        total = sum(report.seconds for report in event.summary.exercises)
        assert close(total, event.summary.active_seconds), "exercise times add up to active"

    # --- invariants ------------------------------------------------------------------------

    @invariant()
    def step_index_in_range(self) -> None:
        assert 0 <= self.session.index < len(self.steps)

    @invariant()
    def time_left_in_step_is_within_its_duration(self) -> None:
        session = self.session
        remaining = session.step_remaining(self.now)
        assert 0.0 <= remaining <= session.step.duration
        if session.state is State.READY:
            assert remaining == session.step.duration
        if session.state is State.RUNNING:
            deadline = session.due(session.step.end)
            assert remaining > 0.0 or close(self.now, deadline), (
                "a running step with no time left should have ended"
            )
        if session.state is State.RUNNING and self.visit is not None:
            elapsed = (self.now - self.visit.began - self.visit.paused) * self.speed
            assert close(remaining, session.step.duration - self.visit.into - elapsed)

    @invariant()
    def paused_time_is_never_active_time(self) -> None:
        session = self.session
        summary = session.summary(self.now)
        if self.started_at is None:
            assert summary.active_seconds == summary.paused_seconds == 0.0
            return
        until = self.ended_at if self.ended_at is not None else self.now
        wall = (until - self.started_at) * self.speed
        assert math.isclose(
            summary.active_seconds + summary.paused_seconds, wall, abs_tol=TOL * self.speed
        ), "active + paused must add up to the time since the start"
        active, paused = self.active, self.paused
        if self.running_since is not None:
            active += self.now - self.running_since
        if self.paused_since is not None:
            paused += self.now - self.paused_since
        assert math.isclose(summary.active_seconds, active * self.speed, abs_tol=TOL * self.speed)
        assert math.isclose(summary.paused_seconds, paused * self.speed, abs_tol=TOL * self.speed)

    @invariant()
    def outcomes_cover_every_step(self) -> None:
        session = self.session
        summary = session.summary(self.now)
        pending = session.outcomes.count(Outcome.PENDING)
        assert summary.steps_done + summary.steps_skipped + pending == len(self.steps)
        assert summary.steps_total == len(self.steps)
        assert not set(summary.exercises_done) & set(summary.exercises_skipped)
        if session.state is State.FINISHED:
            assert pending == 0
        elif session.state is not State.STOPPED:
            # Steps before the current one are settled; it and all after it are still to do.
            index = session.index
            assert Outcome.PENDING not in session.outcomes[:index]
            assert set(session.outcomes[index:]) <= {Outcome.PENDING}

    @invariant()
    def only_a_stop_stops_and_the_end_is_final(self) -> None:
        state = self.session.state
        assert (state is State.STOPPED) <= self.stop_sent
        assert (self.ends == 1) == state.is_over
        if state.is_over:
            frozen = self.session.summary(self.now)
            assert frozen == self.session.summary(self.now + 1000.0)

    @invariant()
    def next_deadline_is_in_the_future_and_only_while_running(self) -> None:
        deadline = next_deadline(self.session)
        if self.session.state is not State.RUNNING:
            assert deadline is None
        else:
            assert deadline is not None and deadline > self.now, "the runner would busy-loop"


EngineMachine.TestCase.settings = settings(
    max_examples=120,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestEngineStateful = EngineMachine.TestCase


# --- a command that arrives after a deadline the engine has not processed yet ---------------


def test_a_command_sees_the_session_as_it_is_when_sent() -> None:
    first = make_exercise("first", kind="hold", seconds=10)
    second = make_exercise("second", kind="hold", seconds=10)
    timeline = plan(make_routine("first", "second", prepare=0, rest=0), [first, second])
    session, _ = transition(Session.new(timeline), Command.START, 100.0)
    session, _ = advance(session, 109.9)  # the runner's last wake-up before the hold ends
    # The hold ended at 110.0; a pause key arrives at 110.5, before the runner wakes.
    session, paused = transition(session, Command.PAUSE, 110.5)
    session, resumed = transition(session, Command.RESUME, 120.0)
    events = paused + resumed
    dates = [event.at for event in events]
    assert dates == sorted(dates), [(type(e).__name__, e.at) for e in events]
    assert session.step_remaining(120.0) == pytest.approx(9.5)  # 0.5 s ran before the pause
