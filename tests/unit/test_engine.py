"""The engine's rules, with time passed in by hand (pure core) or by a virtual clock (runner)."""

from __future__ import annotations

import asyncio
import itertools
import time

import pytest
from conftest import make_exercise, make_routine

from stretchtimer.session.clock import STALL_LIMIT, ManualClock, MonotonicClock, VirtualClock
from stretchtimer.session.engine import (
    TRANSITIONS,
    Command,
    CueDue,
    Earlier,
    Engine,
    Event,
    ExerciseEnded,
    ExerciseOutcome,
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
    next_deadline,
    transition,
)
from stretchtimer.session.plan import CueKind, Timeline, plan


def two_exercises() -> Timeline:
    """prepare 5 | hold 10, relax 5, hold 10 | rest 10 | prepare 5 | 3 reps x 2 s = 51 s."""
    first = make_exercise("first", kind="hold", seconds=10, repeats=2, relax=5)
    second = make_exercise("second", kind="reps", reps=3, tempo=2)
    return plan(make_routine("first", "second", prepare=5, rest=10), [first, second])


def started(now: float = 100.0, speed: float = 1.0) -> Session:
    session, _ = transition(Session.new(two_exercises(), speed), Command.START, now)
    return session


def at(session: Session, now: float) -> Session:
    return advance(session, now)[0]


def at_events(session: Session, now: float) -> list[CueDue]:
    return [event for event in advance(session, now)[1] if isinstance(event, CueDue)]


# --- the state table ------------------------------------------------------------------------

ALL_STATES = list(State)
ALL_COMMANDS = list(Command)


def session_in(state: State) -> Session:
    session = started()
    if state is State.READY:
        return Session.new(two_exercises())
    if state is State.PAUSED:
        return transition(at(session, 106), Command.PAUSE, 106)[0]
    if state is State.FINISHED:
        return at(session, 1000)
    if state is State.STOPPED:
        return transition(session, Command.STOP, 101)[0]
    return session


@pytest.mark.parametrize(("state", "command"), itertools.product(ALL_STATES, ALL_COMMANDS))
def test_every_command_in_every_state_is_handled_or_ignored(state: State, command: Command) -> None:
    session = session_in(state)
    after, events = transition(session, command, 106.0)
    if (state, command) not in TRANSITIONS:
        assert after is session and events == ()
    else:
        assert events, f"{command} in {state} should say what it did"


@pytest.mark.parametrize(
    ("state", "command", "expected"),
    [
        (State.READY, Command.START, State.RUNNING),
        (State.READY, Command.TOGGLE, State.RUNNING),
        (State.READY, Command.STOP, State.STOPPED),
        (State.RUNNING, Command.PAUSE, State.PAUSED),
        (State.RUNNING, Command.TOGGLE, State.PAUSED),
        (State.RUNNING, Command.STOP, State.STOPPED),
        (State.RUNNING, Command.SKIP_STEP, State.RUNNING),
        (State.PAUSED, Command.RESUME, State.RUNNING),
        (State.PAUSED, Command.TOGGLE, State.RUNNING),
        (State.PAUSED, Command.SKIP_STEP, State.PAUSED),
        (State.PAUSED, Command.BACK, State.PAUSED),
        (State.PAUSED, Command.STOP, State.STOPPED),
    ],
)
def test_state_changes(state: State, command: Command, expected: State) -> None:
    assert transition(session_in(state), command, 106.0)[0].state is expected


def test_finished_and_stopped_ignore_everything() -> None:
    for state in (State.FINISHED, State.STOPPED):
        session = session_in(state)
        for command in Command:
            assert transition(session, command, 2000)[0] is session


# --- time -----------------------------------------------------------------------------------


def test_steps_end_on_planned_deadlines_from_one_origin() -> None:
    session = started(now=100)
    assert session.index == 0 and next_deadline(session) == 101  # first tick: 4 s left
    session = at(session, 104.999)
    assert session.index == 0
    session = at(session, 105)
    assert session.index == 1 and session.step.text == "Hold"
    session = at(session, 100 + 25.5)  # prepare 5 + hold 10 + relax 5 + 5.5 into hold 2
    assert session.index == 3
    assert session.step_remaining(125.5) == pytest.approx(4.5)


def test_speed_divides_every_duration() -> None:
    session = started(now=0, speed=10)
    session = at(session, 0.5)  # 5 s of plan
    assert session.index == 1
    assert at(session, 5.1 - 1e-9).state is State.RUNNING
    finished = at(session, 5.1)  # 51 s of plan
    assert finished.state is State.FINISHED
    summary = finished.summary(5.1)
    assert summary.active_seconds == pytest.approx(51)


def test_pause_freezes_the_step_and_pushes_deadlines_back() -> None:
    session = at(started(now=0), 7)  # 2 s into the first hold
    session, events = transition(session, Command.PAUSE, 7)
    assert isinstance(events[0], Paused)
    assert next_deadline(session) is None
    assert session.step_remaining(50) == pytest.approx(8)  # frozen while paused
    session, events = transition(session, Command.RESUME, 57)
    assert isinstance(events[0], Resumed)
    assert at(session, 64.9).index == 1
    assert at(session, 65).index == 2  # hold ended 8 s after the resume
    summary = at(session, 65).summary(65)
    assert summary.paused_seconds == pytest.approx(50)
    assert summary.active_seconds == pytest.approx(15)


def test_skip_step_marks_it_skipped_and_starts_the_next_now() -> None:
    session = at(started(now=0), 6)
    session, events = transition(session, Command.SKIP_STEP, 6)
    assert isinstance(events[0], Skipped) and events[0].steps[0].index == 1
    assert isinstance(events[1], StepStarted) and events[1].step.index == 2
    assert session.outcomes[:3] == (Outcome.DONE, Outcome.SKIPPED, Outcome.PENDING)
    assert session.step_remaining(6) == 5  # relax starts in full
    assert at(session, 11).index == 3


def test_skip_exercise_goes_to_the_next_exercise_with_a_short_get_ready() -> None:
    session = at(started(now=0), 6)
    session, events = transition(session, Command.SKIP_EXERCISE, 6)
    # past its rest, to the last 3 s of its get-ready: you have just moved on
    assert session.step.exercise.id == "second" and session.step.kind == "prepare"
    assert session.step_remaining(6) == 3
    assert session.outcomes[1:5] == (Outcome.SKIPPED,) * 4  # the rest passed over too
    assert isinstance(events[0], Skipped) and len(events[0].steps) == 4
    started_ = [e for e in events if isinstance(e, StepStarted)]
    assert started_[-1].reason == "skip" and started_[-1].step.kind == "prepare"
    summary = session.summary(6)
    assert summary.exercises_skipped == (0,)
    assert at(session, 9).step.kind == "work"  # 3 s later the work starts
    back, _ = transition(session, Command.BACK, 7)  # 1 s into it: back to what was skipped
    assert back.step.exercise.id == "first"
    # the get-ready's opening sound at once, then its 3-2-1 on time (not the part passed over)
    cues = [(e.at, e.cue.kind, e.cue.count) for e in events if isinstance(e, CueDue)]
    assert cues == [(6, "exercise-start", 0), (6, "countdown", 3)]
    assert [(e.at, e.cue.count) for e in at_events(session, 8.5)] == [(7, 2), (8, 1)]


def test_a_skip_from_a_rest_to_the_get_ready_shortens_it_too() -> None:
    session = at(started(now=0), 31)  # 1 s into the rest before the second exercise
    assert session.step.kind == "exercise-rest"
    session, _ = transition(session, Command.SKIP_STEP, 31)
    assert session.step.kind == "prepare" and session.step_remaining(31) == 3


def test_skipping_within_an_exercise_starts_the_next_step_in_full() -> None:
    session = at(started(now=0), 1)  # in the first get-ready
    session, _ = transition(session, Command.SKIP_STEP, 1)
    assert session.step.kind == "work" and session.step_remaining(1) == 10


def test_skipping_past_the_end_finishes() -> None:
    session = started(now=0)
    session, _ = transition(session, Command.SKIP_EXERCISE, 1)
    session, events = transition(session, Command.SKIP_EXERCISE, 2)
    assert session.state is State.FINISHED
    assert isinstance(events[-1], Finished)
    assert events[-1].summary.steps_skipped == len(session.timeline.steps)


def test_back_restarts_the_step_when_more_than_3_s_in() -> None:
    session = at(started(now=0), 9)  # 4 s into the first hold
    session, events = transition(session, Command.BACK, 9)
    assert session.index == 1
    assert isinstance(events[0], StepStarted) and events[0].reason == "restart"
    assert session.step_remaining(9) == 10


def test_back_goes_to_the_previous_step_early_in_a_step() -> None:
    session = at(started(now=0), 16)  # 1 s into relax
    session, _ = transition(session, Command.BACK, 16)
    assert session.index == 1 and session.outcomes[1] is Outcome.PENDING
    assert session.step_remaining(16) == 10


def test_back_at_the_very_start_is_ignored() -> None:
    session = at(started(now=0), 1)
    assert transition(session, Command.BACK, 1) == (session, ())


def test_restart_step_while_paused_stays_paused_with_full_time() -> None:
    session = at(started(now=0), 9)
    session, _ = transition(session, Command.PAUSE, 9)
    session, _ = transition(session, Command.RESTART_STEP, 12)
    assert session.state is State.PAUSED
    assert session.step_remaining(30) == 10
    session, _ = transition(session, Command.RESUME, 40)
    assert at(session, 49.9).index == 1 and at(session, 50).index == 2


def test_stop_keeps_what_was_done() -> None:
    session = at(started(now=0), 20)
    session, events = transition(session, Command.STOP, 20)
    assert isinstance(events[-1], Stopped)
    summary = events[-1].summary
    assert summary.steps_done == 3 and summary.steps_skipped == 0  # prepare, hold, relax
    assert summary.active_seconds == pytest.approx(20)


def test_cues_fire_once_at_their_offsets() -> None:
    session = started(now=0)
    events: list[Event] = []
    for now in range(0, 60):
        session, new = advance(session, float(now))
        events.extend(new)
    cues = [(e.at, e.cue.kind) for e in events if isinstance(e, CueDue)]
    expected = [(t, c.kind) for t, c in session.timeline.cue_times() if t > 0]
    assert cues == expected  # (the cue at 0 came with START)
    ticks = [e.remaining for e in events if isinstance(e, Tick) and e.step.index == 1]
    assert ticks == [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]


def test_a_late_wakeup_fires_missed_cues_once_with_their_due_times() -> None:
    session = started(now=0)
    session, events = advance(session, 40.0)  # overslept by 40 s
    cue_times = [e.at for e in events if isinstance(e, CueDue)]
    due = [t for t, _ in session.timeline.cue_times() if 0 < t <= 40]
    assert cue_times == due
    assert advance(session, 40.0)[1] == ()  # nothing twice


def test_bad_speed_is_refused() -> None:
    for speed in (0, -1, float("inf"), float("nan")):
        with pytest.raises(ValueError):
            Session.new(two_exercises(), speed)


# --- the async runner -----------------------------------------------------------------------


async def test_runner_finishes_a_long_session_in_virtual_time() -> None:
    exercises = [
        make_exercise(f"m{i}", kind="hold", seconds=60, repeats=5, relax=30) for i in range(8)
    ]
    timeline = plan(make_routine(*[e.id for e in exercises], prepare=10, rest=20), exercises)
    assert timeline.total > 40 * 60
    clock = VirtualClock(start=1000)
    engine = Engine(timeline, clock)
    seen: list[Event] = []
    engine.subscribe(seen.append)
    summary = await asyncio.wait_for(engine.run(), timeout=10)
    assert summary.state is State.FINISHED
    assert clock.now() == 1000 + timeline.total
    assert isinstance(seen[-1], Finished)
    assert sum(isinstance(e, CueDue) for e in seen) == len(timeline.cue_times())


async def test_runner_applies_commands_at_their_times() -> None:
    clock = VirtualClock()
    engine = Engine(two_exercises(), clock)
    clock.at(7, lambda: engine.send(Command.PAUSE))
    clock.at(20, lambda: engine.send(Command.RESUME))
    clock.at(21, lambda: engine.send(Command.SKIP_EXERCISE))
    summary = await asyncio.wait_for(engine.run(), timeout=10)
    assert summary.state is State.FINISHED
    assert summary.paused_seconds == 13
    assert summary.exercises_skipped == (0,) and summary.exercises_done == (1,)
    # 7 s, then exercise 2 after the skip at 21: the last 3 s of its get-ready, and 6 s of reps
    assert clock.now() == 21 + 3 + 6


async def test_a_subscriber_can_leave_out_the_ticks_and_gets_everything_else() -> None:
    """Sound, history and the voice have nothing to do with the tick of each second: they
    subscribe without it, and are not woken for it."""
    engine = Engine(two_exercises(), VirtualClock())
    everything: list[Event] = []
    no_ticks: list[Event] = []
    engine.subscribe(everything.append)
    engine.subscribe(no_ticks.append, ticks=False)
    await asyncio.wait_for(engine.run(), timeout=10)
    assert any(isinstance(event, Tick) for event in everything)
    assert no_ticks == [event for event in everything if not isinstance(event, Tick)]


async def test_a_failing_or_slow_subscriber_does_not_delay_the_timer() -> None:
    clock = VirtualClock()
    engine = Engine(two_exercises(), clock)
    good: list[Event] = []

    def broken(event: Event) -> None:
        raise RuntimeError("boom")

    async def slow(event: Event) -> None:
        await asyncio.sleep(3600)

    engine.subscribe(broken)
    engine.subscribe(slow)
    engine.subscribe(good.append)
    summary = await asyncio.wait_for(engine.run(), timeout=5)
    assert summary.state is State.FINISHED
    assert isinstance(good[-1], Finished)
    assert any(isinstance(e, CueDue) and e.cue.kind is CueKind.SESSION_DONE for e in good)


async def test_cancelling_the_runner_stops_the_session_and_tells_subscribers() -> None:
    clock = VirtualClock()
    engine = Engine(two_exercises(), clock)
    seen: list[Event] = []
    engine.subscribe(seen.append)
    clock.at(6, lambda: engine.send(Command.PAUSE))
    task = asyncio.create_task(engine.run())
    for _ in range(50):
        await asyncio.sleep(0)
    assert engine.state is State.PAUSED
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert engine.state is State.STOPPED
    assert isinstance(seen[-1], Stopped)


# --- an exercise's end, as the engine reports it ---------------------------------------------


def ends(events: tuple[Event, ...]) -> list[ExerciseEnded]:
    return [event for event in events if isinstance(event, ExerciseEnded)]


def test_each_exercise_end_is_reported_with_its_time_and_outcome() -> None:
    session, events = advance(started(), 100 + 51)
    first, second = ends(events)
    assert (first.position, first.outcome, first.at) == (0, ExerciseOutcome.DONE, 130.0)
    assert first.seconds == 30 and first.active_seconds == 30 and first.paused_seconds == 0
    assert (second.position, second.outcome, second.seconds) == (1, ExerciseOutcome.DONE, 21)
    assert session.summary(151).exercises == (first, second)
    kinds = [type(event) for event in events]
    assert kinds.index(ExerciseEnded) < kinds.index(StepStarted, kinds.index(ExerciseEnded))
    assert kinds[-2:] == [ExerciseEnded, Finished]  # the last exercise ends with the session


def test_paused_time_is_not_an_exercises_time() -> None:
    session, _ = transition(at(started(), 110), Command.PAUSE, 110)
    session, _ = transition(session, Command.RESUME, 117)
    _, events = advance(session, 137)
    [first] = ends(events)
    assert (first.seconds, first.paused_seconds, first.at) == (30, 7, 137)


def test_skipping_an_exercise_reports_it_skipped_with_the_time_spent() -> None:
    _, events = transition(at(started(), 112), Command.SKIP_EXERCISE, 112)
    [first] = ends(events)
    assert (first.position, first.outcome, first.seconds) == (0, ExerciseOutcome.SKIPPED, 12)


def test_a_stop_reports_the_exercise_in_progress_as_partial() -> None:
    session = at(started(), 135)  # 5 s into the rest before the second exercise
    _, events = transition(session, Command.STOP, 135)
    [second] = ends(events)
    assert (second.position, second.outcome, second.seconds) == (1, ExerciseOutcome.PARTIAL, 5)
    assert isinstance(events[-1], Stopped) and events[-1].summary.exercises[-1] == second


def test_going_back_into_an_exercise_ends_it_again_later_with_all_its_time() -> None:
    session = at(started(), 131)  # 1 s into the second exercise's rest
    session, events = transition(session, Command.BACK, 131)  # back to the first's last hold
    [left] = ends(events)
    assert (left.position, left.outcome, left.seconds) == (1, ExerciseOutcome.PARTIAL, 1)
    session, events = advance(session, 141)
    [again] = ends(events)
    assert (again.position, again.outcome, again.seconds) == (0, ExerciseOutcome.DONE, 40)
    session, _ = advance(session, 200)
    reports = session.summary(200).exercises
    assert [(r.position, r.seconds) for r in reports] == [(0, 40), (1, 22)]
    assert sum(r.seconds for r in reports) == session.summary(200).active_seconds


def test_exercise_times_are_session_seconds_at_any_speed() -> None:
    _, events = advance(started(speed=3.0), 100 + 51 / 3)
    assert [round(end.seconds, 9) for end in ends(events)] == [30, 21]


def test_a_session_stopped_before_it_began_reports_no_exercise() -> None:
    _, events = transition(Session.new(two_exercises()), Command.STOP, 100)
    assert ends(events) == [] and events[-1].summary.exercises == ()  # type: ignore[attr-defined]


# --- a stall: the program was stopped (Ctrl+Z, SIGSTOP, a paused VM) -------------------------


def walk(session: Session, until: float) -> tuple[Session, list[Event]]:
    """Woken at every deadline up to `until`, as the runner of a program that keeps running."""
    events: list[Event] = []
    while (deadline := next_deadline(session)) is not None and deadline <= until:
        session, new = advance(session, deadline)
        events += new
    session, new = advance(session, until)
    return session, events + list(new)


def stalling(until: float) -> Session:
    """Started at 100 with the real clock's stall limit (2 s), and run up to `until`."""
    session, _ = transition(Session.new(two_exercises(), 1.0, STALL_LIMIT), Command.START, 100)
    return walk(session, until)[0]


def test_a_stall_pauses_where_it_stopped_and_plays_no_backlog() -> None:
    session = stalling(107)  # 2 s into the first hold; the next tick is due at 108
    session, events = advance(session, 120)  # stopped from then until 120
    assert events == (Paused(108, session.step, 12),)  # no cue, tick or step of the 12 s
    assert session.state is State.PAUSED and session.index == 1
    summary = session.summary(120)
    assert (summary.active_seconds, summary.paused_seconds) == (8, 12)  # the gap is not active
    assert session.step_remaining(120) == 7
    assert advance(session, 200) == (session, ())  # it waits for a person


def test_resuming_after_a_stall_goes_on_from_where_it_stopped() -> None:
    session, _ = advance(stalling(107), 120)
    session, events = transition(session, Command.TOGGLE, 125)
    assert [type(event) for event in events] == [Resumed, Tick]  # the tick due when it stopped
    assert (events[1].at, events[1].remaining) == (125, 7)  # type: ignore[attr-defined]
    assert walk(session, 131.9)[0].index == 1 and walk(session, 132)[0].index == 2
    session, events = walk(session, 1000)
    assert session.state is State.FINISHED
    first = ends(tuple(events))[0]
    assert first.seconds == 30 and first.paused_seconds == 17  # 12 s stalled, 5 s paused


def test_a_key_pressed_after_a_stall_acts_on_the_paused_session() -> None:
    session = stalling(107)
    session, events = transition(session, Command.TOGGLE, 120)  # space, before the timer woke
    assert [type(event) for event in events] == [Paused, Resumed, Tick]
    assert session.state is State.RUNNING and session.step_remaining(120) == 7
    session, events = transition(stalling(107), Command.PAUSE, 120)
    assert [type(event) for event in events] == [Paused] and session.state is State.PAUSED


def test_a_wakeup_late_by_less_than_the_limit_catches_up() -> None:
    session, events = advance(stalling(107), 108 + STALL_LIMIT)
    assert session.state is State.RUNNING and not any(isinstance(e, Paused) for e in events)
    assert [e.remaining for e in events if isinstance(e, Tick)] == [5]  # one tick, the latest


async def let_it_run() -> None:
    for _ in range(20):
        await asyncio.sleep(0)


async def test_the_runner_pauses_a_stalled_session_and_plays_no_backlog() -> None:
    clock = ManualClock(start=100, stall_limit=STALL_LIMIT)
    engine = Engine(two_exercises(), clock)
    seen: list[Event] = []
    engine.subscribe(seen.append)
    task = asyncio.create_task(engine.run())
    for _ in range(7):  # 7 s of real time, a second at a time
        await let_it_run()
        clock.advance(1)
    await let_it_run()
    before = len(seen)
    clock.advance(30)  # stopped for 30 s
    await let_it_run()
    assert engine.state is State.PAUSED
    assert [type(event) for event in seen[before:]] == [Paused]
    engine.send(Command.STOP)
    summary = await asyncio.wait_for(task, timeout=5)
    assert summary.active_seconds == 8 and summary.paused_seconds == 29


async def test_a_program_late_only_because_it_was_busy_catches_up_rather_than_pausing() -> None:
    """A huge session at --speed 10000 in the app falls seconds behind while the program runs
    flat out: that is no stall ("the program was stopped for 2 s" was a false alarm)."""
    clock = ManualClock(start=100, stall_limit=STALL_LIMIT, busy=True)
    engine = Engine(two_exercises(), clock)
    seen: list[Event] = []
    engine.subscribe(seen.append)
    task = asyncio.create_task(engine.run())
    await let_it_run()
    clock.advance(7)
    await let_it_run()
    clock.advance(30)  # 30 s behind, busy all along
    await let_it_run()
    assert engine.state is not State.PAUSED
    clock.advance(7)  # and a key pressed while it is behind again
    engine.send(Command.SKIP_STEP)
    await let_it_run()
    assert engine.state is not State.PAUSED
    assert not [event for event in seen if isinstance(event, Paused)]
    engine.send(Command.STOP)
    summary = await asyncio.wait_for(task, timeout=5)
    assert summary.paused_seconds == 0 and summary.active_seconds == 44


def test_the_real_clock_tells_a_busy_program_from_a_stopped_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Over the time since the wait began, a busy program used about as much CPU time; a
    stopped one used next to none (its CPU time stands still while the clock runs on)."""
    wall, cpu = [1000.0], [50.0]
    monkeypatch.setattr(time, "monotonic", lambda: wall[0])
    monkeypatch.setattr(time, "process_time", lambda: cpu[0])
    clock = MonotonicClock()
    asyncio.run(clock.wait(asyncio.Event(), 999.0))  # a wait begins (its deadline is past)
    wall[0] += 5.0  # 5 s on, with no CPU time used: stopped (Ctrl+Z)
    assert not clock.kept_busy()
    cpu[0] += 2.0  # 2 s of the 5: less than half, still stopped most of the time
    assert not clock.kept_busy()
    cpu[0] += 1.0  # 3 s of the 5: busy (on a machine shared with others, not all of it)
    assert clock.kept_busy()


# --- a session resumed where an earlier run was cut short ------------------------------------


def three_exercises() -> Timeline:
    """prepare 5 | hold 10 | rest 10 | prepare 5 | hold 10 | rest 10 | prepare 5 | hold 10."""
    moves = [make_exercise(name, kind="hold", seconds=10) for name in ("a", "b", "c")]
    return plan(make_routine("a", "b", "c", prepare=5, rest=10), moves)


def resumed(earlier: Earlier, now: float = 100.0) -> tuple[Session, tuple[Event, ...]]:
    return transition(Session.new(three_exercises(), earlier=earlier), Command.START, now)


def test_a_resumed_session_starts_at_the_get_ready_of_the_exercise_it_was_in() -> None:
    session, events = resumed(Earlier(position=1, active_seconds=20, paused_seconds=4))
    [start] = [event for event in events if isinstance(event, StepStarted)]
    assert (start.reason, start.step.kind, start.step.exercise_index) == ("start", "prepare", 1)
    assert session.position(100) == 25  # the plan's clock: past the first exercise and its rest
    assert (session.active_seconds(100), session.paused_seconds(100)) == (20, 4)


def test_a_resumed_session_reports_only_what_it_does_and_the_whole_sessions_totals() -> None:
    session, _ = resumed(Earlier(position=1, active_seconds=20, paused_seconds=4))
    session, events = advance(session, 100 + 15 + 25)  # b, the rest, and c: to the end
    b, c = ends(events)
    assert (b.position, b.outcome, b.seconds, b.active_seconds) == (1, "done", 15, 35)
    assert (c.position, c.seconds, c.active_seconds, c.paused_seconds) == (2, 25, 60, 4)
    summary = events[-1].summary  # type: ignore[attr-defined]
    assert summary.state is State.FINISHED and summary.exercises == (b, c)
    assert summary.exercises_done == (0, 1, 2)  # the earlier run's exercise counts too
    assert summary.steps_done == summary.steps_total


def test_what_the_earlier_run_skipped_stays_skipped() -> None:
    session, _ = resumed(Earlier(position=2, skipped=frozenset({0})))
    summary = transition(at(session, 103), Command.STOP, 103)[0].summary(103)
    assert (summary.exercises_done, summary.exercises_skipped) == ((1,), (0,))
    assert [(e.position, e.outcome) for e in summary.exercises] == [(2, "partial")]


def test_back_never_goes_into_what_the_earlier_run_did() -> None:
    session, _ = resumed(Earlier(position=1))
    session, events = transition(at(session, 101), Command.BACK, 101)
    assert events == () and session.index == session.begins
    session, events = transition(at(session, 110), Command.BACK, 110)  # 10 s in: restart
    assert [e.reason for e in events if isinstance(e, StepStarted)] == ["restart"]
    assert session.step.exercise_index == 1


def test_resuming_from_an_exercise_the_routine_lacks_is_refused() -> None:
    with pytest.raises(ValueError, match="no exercise 3"):
        Session.new(three_exercises(), earlier=Earlier(position=3))


async def test_the_runner_resumes_on_a_virtual_clock() -> None:
    engine = Engine(three_exercises(), VirtualClock(), earlier=Earlier(position=2))
    seen: list[Event] = []
    engine.subscribe(seen.append)
    summary = await engine.run()
    assert summary.state is State.FINISHED and summary.exercises_done == (0, 1, 2)
    assert [e.position for e in seen if isinstance(e, ExerciseEnded)] == [2]
    assert summary.active_seconds == 15  # the get-ready and the hold of the last exercise
