"""The reminder's pure core, with a fake clock and a fake idle source: examples of each rule,
then hypothesis properties over random days (never asks while idle, never outside working
hours, the snooze limit holds, a session resets the count)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from stretchtimer.remind.scheduler import (
    EVERY,
    HAND,
    Action,
    Answer,
    Ask,
    Launch,
    Moment,
    Note,
    Outcome,
    Phase,
    Reminder,
    Rested,
    Rules,
    Unask,
    answer,
    fixed_passed,
    launch_failed,
    next_look,
    observe,
    session_ended,
    session_started,
    session_step,
    stop,
)
from stretchtimer.workhours import parse_times, parse_work_hours

MONDAY_9 = datetime(2026, 11, 23, 9, 0)  # a Monday


@dataclass
class Desk:
    """A fake day at a desk: three clocks and an idle source, driven by hand."""

    rules: Rules
    wall: datetime = MONDAY_9
    mono: float = 1000.0
    boot: float = 5000.0
    reminder: Reminder = field(init=False)
    actions: list[Action] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.reminder = Reminder(self.rules)
        self.look(0.0)

    @property
    def now(self) -> Moment:
        return Moment(self.mono, self.boot, self.wall)

    def apply(self, result: tuple[Reminder, tuple[Action, ...]]) -> tuple[Action, ...]:
        self.reminder, actions = result
        self.actions += actions
        return actions

    def look(self, idle: float | None) -> tuple[Action, ...]:
        return self.apply(observe(self.reminder, self.now, idle))

    def work(self, seconds: float, step: float = 30.0, idle: float | None = 0.0) -> list[Action]:
        """Time passes at the computer (or idle, with `idle` growing), looked at every `step`."""
        seen: list[Action] = []
        gone = 0.0
        idle_now = idle
        while gone < seconds - 1e-9:
            advance = min(step, seconds - gone)
            self.pass_time(advance)
            gone += advance
            if idle is not None and idle > 0:
                idle_now = idle + gone
            seen += self.look(idle_now)
        return seen

    def away(self, seconds: float, step: float = 30.0) -> list[Action]:
        """Hands off the keyboard for `seconds`, looked at every `step`."""
        seen: list[Action] = []
        gone = 0.0
        while gone < seconds - 1e-9:
            advance = min(step, seconds - gone)
            self.pass_time(advance)
            gone += advance
            seen += self.look(gone)
        return seen

    def suspend(self, seconds: float) -> None:
        self.boot += seconds
        self.wall += timedelta(seconds=seconds)

    def pass_time(self, seconds: float) -> None:
        self.mono += seconds
        self.boot += seconds
        self.wall += timedelta(seconds=seconds)

    def say(self, given: Answer) -> tuple[Action, ...]:
        return self.apply(answer(self.reminder, given, self.now))

    def step(self, work: bool, idle: float | None) -> tuple[Action, ...]:
        """The session begins a step (the idle source asked at once)."""
        return self.apply(session_step(self.reminder, self.now, idle, work))

    def session(self, *steps: tuple[bool, float, bool], look: float = 10.0) -> Outcome:
        """A session of steps (work or not, seconds, keys used through it), looked at every
        `look` seconds; what the history keeps of it."""
        idle = 0.0
        for work, seconds, keys in steps:
            self.step(work, idle)
            gone = 0.0
            while gone < seconds - 1e-9:
                advance = min(look, seconds - gone)
                self.pass_time(advance)
                gone += advance
                idle = 0.0 if keys else idle + advance
                self.look(idle)
        self.step(False, idle)
        self.apply(session_ended(self.reminder, self.now))
        return notes(self.actions)[-1].outcome


def asks(actions: list[Action] | tuple[Action, ...]) -> list[Ask]:
    return [a for a in actions if isinstance(a, Ask)]


def notes(actions: list[Action] | tuple[Action, ...]) -> list[Note]:
    return [a for a in actions if isinstance(a, Note)]


def rules(**changes: object) -> Rules:
    base: dict[str, object] = {
        "every": 50 * 60.0,
        "hours": parse_work_hours("Mon-Fri 09:00-18:00"),
        "break_seconds": 300.0,
    }
    base.update(changes)
    return Rules(**base)  # type: ignore[arg-type]


# --- examples -------------------------------------------------------------------------------


def test_a_break_is_offered_after_the_work_time_not_before() -> None:
    desk = Desk(rules())
    assert not asks(desk.work(49 * 60))
    offered = asks(desk.work(60))
    assert offered == [Ask(EVERY, 2, False)]
    assert desk.reminder.phase is Phase.OFFERED
    assert notes(desk.actions) == [Note(Outcome.OFFERED, EVERY, 0, pytest.approx(3000), new=True)]


def test_a_screen_s_countdown_goes_on_between_looks_while_someone_is_there() -> None:
    """Looks come every half minute or so; the screen shows the time left every second."""
    desk = Desk(rules())
    desk.work(10 * 60)
    looked = desk.reminder.seconds_to_break(desk.now)
    assert looked == pytest.approx(40 * 60)
    desk.pass_time(25)  # no look yet
    assert desk.reminder.seconds_to_break(desk.now) == pytest.approx(40 * 60)
    assert desk.reminder.seconds_to_break(desk.now, counting=True) == pytest.approx(40 * 60 - 25)
    desk.pass_time(3600)
    assert desk.reminder.seconds_to_break(desk.now, counting=True) == 0.0  # never below


def test_time_away_from_the_keyboard_is_not_work_time() -> None:
    desk = Desk(rules())
    desk.work(30 * 60)
    desk.away(4 * 60)  # a coffee: shorter than a break, so the count is kept, not added to
    assert desk.reminder.worked == pytest.approx(30 * 60 + 30, abs=31)
    assert not asks(desk.work(19 * 60))
    assert asks(desk.work(2 * 60))


def test_idle_for_a_break_s_length_is_a_break_and_the_count_starts_again() -> None:
    desk = Desk(rules())
    desk.work(45 * 60)
    rested = desk.away(6 * 60)
    assert [a for a in rested if isinstance(a, Rested)]
    assert desk.reminder.worked == 0
    assert not asks(desk.work(45 * 60))


def test_a_suspended_laptop_is_a_break() -> None:
    desk = Desk(rules())
    desk.work(45 * 60)
    desk.suspend(20 * 60)  # the monotonic clock stood still; the boot clock did not
    rested = desk.look(0.0)
    assert [a for a in rested if isinstance(a, Rested)]
    assert desk.reminder.worked == 0


def test_a_short_suspend_is_neither_work_nor_a_break() -> None:
    desk = Desk(rules())
    desk.work(40 * 60)
    desk.suspend(60)
    desk.look(0.0)
    assert desk.reminder.worked == pytest.approx(40 * 60)


def test_an_offer_missed_while_away_is_kept_as_away() -> None:
    desk = Desk(rules())
    desk.work(50 * 60)
    assert desk.reminder.phase is Phase.OFFERED
    desk.away(6 * 60)
    assert notes(desk.actions)[-1].outcome is Outcome.AWAY
    assert Unask() in desk.actions
    assert desk.reminder.phase is Phase.WORKING and not desk.reminder.open


def test_snooze_twice_then_it_asks_without_snooze() -> None:
    desk = Desk(rules())
    desk.work(50 * 60)
    assert desk.say(Answer.SNOOZE) == (Unask(), Note(Outcome.SNOOZED, EVERY, 1, 3000.0))
    assert not asks(desk.work(4 * 60))
    assert asks(desk.work(60)) == [Ask(EVERY, 1, True)]
    desk.say(Answer.SNOOZE_LONG)
    assert not asks(desk.work(9 * 60))
    assert asks(desk.work(60)) == [Ask(EVERY, 0, True)]
    assert desk.say(Answer.SNOOZE) == ()  # past the limit: ignored, the offer stands
    assert desk.reminder.phase is Phase.OFFERED


def test_skip_is_counted_and_the_count_starts_again() -> None:
    desk = Desk(rules())
    desk.work(50 * 60)
    assert notes(desk.say(Answer.SKIP)) == [Note(Outcome.SKIPPED, EVERY, 0, 3000.0)]
    assert desk.reminder.worked == 0 and desk.reminder.phase is Phase.WORKING
    assert desk.say(Answer.SKIP) == ()  # nothing to skip now


def test_start_launches_then_the_session_end_keeps_it_taken() -> None:
    desk = Desk(rules())
    desk.work(50 * 60)
    assert desk.say(Answer.START) == (Unask(), Launch(EVERY))
    assert desk.reminder.phase is Phase.SESSION
    desk.away(60 * 60)  # a long session: the count waits
    assert desk.reminder.worked == pytest.approx(3000)
    desk.apply(session_ended(desk.reminder, desk.now))
    assert notes(desk.actions)[-1] == Note(Outcome.TAKEN, EVERY, 0, 3000.0)
    assert desk.reminder.worked == 0 and desk.reminder.phase is Phase.WORKING


EXERCISE, REST = True, False
TYPING, HANDS_OFF = True, False


def break_of(*steps: tuple[bool, float, bool]) -> Outcome:
    """What the history keeps of a break offered after 50 minutes of work, started, and run
    as `steps`."""
    desk = Desk(rules())
    desk.work(50 * 60)
    desk.say(Answer.START)
    return desk.session(*steps)


def test_a_session_spent_typing_is_kept_as_typing() -> None:
    outcome = break_of((EXERCISE, 60, TYPING), (REST, 20, TYPING), (EXERCISE, 60, TYPING))
    assert outcome is Outcome.TYPING


def test_keys_outside_the_work_steps_do_not_count_against_the_break() -> None:
    """Get ready, rest and the feeling question are for keys: only work steps are judged."""
    outcome = break_of(
        (REST, 60, TYPING),  # the feeling question, get ready
        (EXERCISE, 45, HANDS_OFF),
        (REST, 90, TYPING),
        (EXERCISE, 45, HANDS_OFF),
        (REST, 120, TYPING),  # the feeling question after
    )
    assert outcome is Outcome.TAKEN


def test_typing_through_the_work_steps_is_typing_however_still_the_rests() -> None:
    outcome = break_of(
        (REST, 200, HANDS_OFF),
        (EXERCISE, 40, TYPING),
        (REST, 200, HANDS_OFF),
        (EXERCISE, 40, TYPING),
    )
    assert outcome is Outcome.TYPING


def test_a_few_keys_during_a_session_are_still_a_break() -> None:
    outcome = break_of((EXERCISE, 10, TYPING), (EXERCISE, 60, HANDS_OFF), (EXERCISE, 60, HANDS_OFF))
    assert outcome is Outcome.TAKEN


def test_too_little_work_judged_proves_nothing() -> None:
    assert break_of((REST, 300, TYPING), (EXERCISE, 10, TYPING)) is Outcome.TAKEN


def test_a_work_step_begun_before_the_reminder_saw_the_session_counts_from_its_start() -> None:
    desk = Desk(rules())
    desk.work(20 * 60)
    desk.step(EXERCISE, 0.0)  # a session started by hand, not yet found in the history
    desk.pass_time(40)
    desk.apply(session_started(desk.reminder, desk.now))
    desk.look(0.0)  # typed through it
    desk.step(REST, 0.0)
    desk.apply(session_ended(desk.reminder, desk.now))
    assert notes(desk.actions)[-1].outcome is Outcome.TYPING


def test_a_session_started_by_hand_takes_the_offer_and_resets() -> None:
    desk = Desk(rules())
    desk.work(50 * 60)
    assert desk.apply(session_started(desk.reminder, desk.now)) == (Unask(),)
    desk.apply(session_ended(desk.reminder, desk.now))
    assert notes(desk.actions)[-1].outcome is Outcome.TAKEN
    assert not asks(desk.work(49 * 60))


def test_a_session_by_hand_with_nothing_offered_is_a_break_by_hand() -> None:
    desk = Desk(rules())
    desk.work(20 * 60)
    desk.apply(session_started(desk.reminder, desk.now))
    desk.apply(session_ended(desk.reminder, desk.now))
    assert notes(desk.actions) == [Note(Outcome.TAKEN, HAND, 0, 1200.0, new=True)]
    assert desk.reminder.worked == 0


def test_a_session_that_cannot_open_leaves_the_offer_standing() -> None:
    desk = Desk(rules())
    desk.work(50 * 60)
    desk.say(Answer.START)
    assert asks(desk.apply(launch_failed(desk.reminder, desk.now))) == [Ask(EVERY, 2, True)]


def test_pause_for_an_hour_then_it_asks_again() -> None:
    desk = Desk(rules())
    desk.work(50 * 60)
    assert desk.say(Answer.PAUSE) == (Unask(),)
    assert not asks(desk.work(59 * 60))
    assert asks(desk.work(60)) == [Ask(EVERY, 2, True)]


def test_resume_ends_a_pause() -> None:
    desk = Desk(rules())
    desk.say(Answer.PAUSE)
    desk.say(Answer.RESUME)
    assert desk.reminder.phase is Phase.WORKING


def test_an_unanswered_offer_is_made_again_after_more_work() -> None:
    desk = Desk(rules(ask_again=300.0))
    desk.work(50 * 60)
    assert not asks(desk.work(4 * 60))
    assert asks(desk.work(60)) == [Ask(EVERY, 2, True)]


def test_not_outside_working_hours_and_a_new_day_starts_at_zero() -> None:
    desk = Desk(rules(), wall=datetime(2026, 11, 23, 17, 30))
    desk.work(29 * 60)
    assert not asks(desk.work(2 * 60 * 60))  # past 18:00
    assert desk.reminder.phase is Phase.OFF_HOURS
    desk.pass_time(14 * 60 * 60)  # Tuesday 09:something
    desk.look(0.0)
    assert desk.reminder.phase is Phase.WORKING and desk.reminder.worked == 0


def test_the_end_of_the_day_settles_an_open_offer() -> None:
    desk = Desk(rules(), wall=datetime(2026, 11, 23, 17, 0))
    desk.work(50 * 60)
    desk.work(15 * 60)
    assert notes(desk.actions)[-1].outcome is Outcome.UNANSWERED


def test_a_fixed_time_is_offered_when_it_comes() -> None:
    desk = Desk(rules(at=parse_times("12:30")), wall=datetime(2026, 11, 23, 12, 0))
    assert not asks(desk.work(29 * 60))
    assert asks(desk.work(60)) == [Ask("at 12:30", 2, False)]


def test_a_fixed_time_while_away_is_kept_as_missed() -> None:
    desk = Desk(rules(at=parse_times("12:30")), wall=datetime(2026, 11, 23, 12, 20))
    desk.away(20 * 60)
    missed = [n for n in notes(desk.actions) if n.reason == "at 12:30"]
    assert missed == [Note(Outcome.AWAY, "at 12:30", 0, 0.0, new=True)]
    assert not asks(desk.actions)


def test_no_idle_source_means_wall_time_counts() -> None:
    desk = Desk(rules())
    assert asks(desk.work(50 * 60, idle=None))


def test_stop_keeps_an_open_offer_as_it_stands() -> None:
    desk = Desk(rules())
    desk.work(50 * 60)
    desk.say(Answer.SNOOZE)
    _, actions = stop(desk.reminder)
    assert notes(actions) == [Note(Outcome.SNOOZED, EVERY, 1, 3000.0)]


def test_next_look_sleeps_until_the_break_without_an_idle_source() -> None:
    desk = Desk(rules(every=120.0))
    assert next_look(desk.reminder, None) == 60.0
    desk.work(90, idle=None)
    assert next_look(desk.reminder, None) == pytest.approx(30)
    assert next_look(desk.reminder, 15.0) == 15.0


def test_next_look_off_hours_waits_for_the_day_to_begin() -> None:
    desk = Desk(rules(), wall=datetime(2026, 11, 23, 8, 59, 30))
    assert desk.reminder.phase is Phase.OFF_HOURS
    assert next_look(desk.reminder, 5.0) == pytest.approx(30)


def test_fixed_passed_across_midnight() -> None:
    r = rules(at=parse_times("00:10, 23:50"))
    assert fixed_passed(r, datetime(2026, 1, 1, 23, 40), datetime(2026, 1, 2, 0, 20)) == "at 00:10"
    assert fixed_passed(r, datetime(2026, 1, 1, 23, 40), datetime(2026, 1, 1, 23, 45)) is None


# --- properties -----------------------------------------------------------------------------

WORK = st.tuples(st.just("work"), st.floats(1, 300), st.floats(0, 29))
REPLY = st.tuples(st.sampled_from(list(Answer)), st.just(0.0), st.just(0.0))
STEP = st.one_of(
    WORK,
    WORK,
    WORK,
    WORK,
    st.tuples(st.just("idle"), st.floats(1, 900), st.floats(30, 4000)),
    st.tuples(st.just("unknown"), st.floats(1, 900), st.just(0.0)),
    st.tuples(st.just("suspend"), st.floats(1, 4 * 3600), st.just(0.0)),
    st.tuples(st.just("jump"), st.floats(60, 6 * 3600), st.just(0.0)),
    REPLY,
    REPLY,
    REPLY,
    st.tuples(st.sampled_from(["start-session", "end-session"]), st.just(0.0), st.just(0.0)),
)
RULES = st.builds(
    Rules,
    every=st.floats(60, 1200),
    at=st.sampled_from([(), (12 * 60 + 30,), (9 * 60, 17 * 60)]),
    hours=st.sampled_from(
        [
            parse_work_hours(text)
            for text in ("Mon-Fri 09:00-18:00", "always", "Sat-Mon 22:00-02:00")
        ]
    ),
    break_seconds=st.floats(60, 900),
    snooze_limit=st.integers(0, 3),
    present_within=st.floats(5, 60),
    ask_again=st.floats(60, 900),
)


def run_day(rules_: Rules, steps: list[tuple[str, float, float]]) -> list[tuple[str, object]]:
    """Drive a reminder through `steps`; a log of (what, detail) for the properties."""
    desk = Desk(rules_)
    log: list[tuple[str, object]] = []
    for kind, seconds, idle in steps:
        if kind in ("work", "idle", "unknown"):
            desk.pass_time(seconds)
            reading = None if kind == "unknown" else idle
            for action in desk.look(reading):
                log.append(("action", (action, reading, desk.wall, desk.reminder)))
        elif kind == "suspend":
            desk.suspend(seconds)
            for action in desk.look(0.0):
                log.append(("action", (action, 0.0, desk.wall, desk.reminder)))
        elif kind == "jump":  # the wall clock alone moves (a time zone, a clock set)
            desk.wall += timedelta(seconds=seconds)
        elif kind == "start-session":
            desk.apply(session_started(desk.reminder, desk.now))
            log.append(("session-start", desk.mono))
        elif kind == "end-session":
            if desk.reminder.phase is Phase.SESSION:
                log.append(("session-end", desk.mono))
            for action in desk.apply(session_ended(desk.reminder, desk.now)):
                log.append(("action", (action, None, desk.wall, desk.reminder)))
        else:
            before = desk.reminder
            for action in desk.say(Answer(kind)):
                log.append(("answer", (Answer(kind), action, before)))
        log.append(("state", desk.reminder))
    return log


@settings(max_examples=300, deadline=None)
@given(RULES, st.lists(STEP, max_size=80))
def test_never_asks_while_idle_nor_outside_working_hours(
    rules_: Rules, steps: list[tuple[str, float, float]]
) -> None:
    for what, detail in run_day(rules_, steps):
        if what == "action":
            action, idle, wall, _ = detail  # type: ignore[misc]
            if isinstance(action, Ask):
                assert idle is None or idle < rules_.present_within
                assert rules_.hours.contains(wall)
        if what == "answer":
            assert not isinstance(detail[1], Ask)  # type: ignore[index]


@settings(max_examples=300, deadline=None)
@given(RULES, st.lists(STEP, max_size=80))
def test_the_snooze_limit_holds(rules_: Rules, steps: list[tuple[str, float, float]]) -> None:
    for what, detail in run_day(rules_, steps):
        if what == "state":
            assert 0 <= detail.snoozes <= rules_.snooze_limit  # type: ignore[attr-defined]
        if what == "action" and isinstance(detail[0], Ask):  # type: ignore[index]
            ask = detail[0]  # type: ignore[index]
            assert 0 <= ask.snoozes_left <= rules_.snooze_limit
        if what == "action" and isinstance(detail[0], Note):  # type: ignore[index]
            assert detail[0].snoozes <= rules_.snooze_limit  # type: ignore[index]


@settings(max_examples=300, deadline=None)
@given(RULES, st.lists(STEP, max_size=80))
def test_a_session_resets_the_count(rules_: Rules, steps: list[tuple[str, float, float]]) -> None:
    """After a session, no break for work time comes before `every` seconds have passed, and
    none at all while the session runs."""
    in_session = False
    ended_at: float | None = None
    mono = 0.0
    for what, detail in run_day(rules_, steps):
        if what == "session-start":
            in_session = True
        elif what == "session-end":
            in_session, ended_at = False, detail  # type: ignore[assignment]
        elif what == "state":
            reminder: Reminder = detail  # type: ignore[assignment]
            if reminder.last is not None:
                mono = reminder.last.mono
            in_session = reminder.phase is Phase.SESSION
            if in_session:
                assert reminder.worked >= 0
        elif what == "action" and isinstance(detail[0], Ask):  # type: ignore[index]
            assert not in_session
            ask: Ask = detail[0]  # type: ignore[index]
            mono = detail[3].last.mono  # type: ignore[index]
            if ended_at is not None and ask.reason == EVERY and not ask.again:
                assert mono - ended_at >= rules_.every - 1e-6


@settings(max_examples=200, deadline=None)
@given(RULES, st.lists(STEP, max_size=80))
def test_every_break_written_is_settled_once(
    rules_: Rules, steps: list[tuple[str, float, float]]
) -> None:
    """Each break is written new once, then changed until it settles; nothing after that."""
    open_break = False
    for what, detail in run_day(rules_, steps):
        action = detail[1] if what == "answer" else detail[0] if what == "action" else None  # type: ignore[index]
        if isinstance(action, Note):
            if action.new:
                assert not open_break or action.reason == HAND or action.outcome is Outcome.AWAY
                open_break = not action.outcome.settled
            else:
                assert open_break
                open_break = not action.outcome.settled


@settings(max_examples=200, deadline=None)
@given(
    RULES,
    st.lists(st.tuples(st.floats(1, 400), st.sampled_from([Answer.SNOOZE, Answer.SNOOZE_LONG]))),
)
def test_someone_who_always_snoozes_gets_at_most_the_limit_then_is_asked_again(
    rules_: Rules, chunks: list[tuple[float, Answer]]
) -> None:
    rules_ = Rules(
        every=rules_.every,
        hours=parse_work_hours("always"),
        break_seconds=rules_.break_seconds,
        snooze_limit=rules_.snooze_limit,
        present_within=rules_.present_within,
        ask_again=rules_.ask_again,
    )
    desk = Desk(rules_)
    snoozed = 0
    for seconds, reply in [*chunks, *[(60.0, Answer.SNOOZE)] * 60]:
        for action in desk.work(seconds, step=20):
            if isinstance(action, Ask):
                assert action.snoozes_left == rules_.snooze_limit - snoozed
        if desk.reminder.phase is Phase.OFFERED:
            if notes(desk.say(reply)):
                snoozed += 1
            assert snoozed <= rules_.snooze_limit
        assert desk.reminder.snoozes == snoozed
    # in the end it still asks, without the snooze it no longer offers
    assert snoozed == rules_.snooze_limit
    assert desk.reminder.phase is Phase.OFFERED


@settings(max_examples=200, deadline=None)
@given(RULES, st.floats(0, 4000), st.floats(1, 3600), st.floats(0, 3600))
def test_after_a_session_the_next_break_needs_the_whole_work_time(
    rules_: Rules, before: float, session: float, after: float
) -> None:
    rules_ = Rules(
        every=rules_.every,
        hours=parse_work_hours("always"),
        break_seconds=rules_.break_seconds,
        present_within=rules_.present_within,
    )
    desk = Desk(rules_)
    desk.work(before, step=20)
    desk.apply(session_started(desk.reminder, desk.now))
    assert not asks(desk.work(session, step=20))
    desk.apply(session_ended(desk.reminder, desk.now))
    assert desk.reminder.worked == 0
    offered = asks(desk.work(after, step=20))
    if after < rules_.every - 1e-6:  # the clocks' sums round: 59.999... may count as 60
        assert not offered
    if after >= rules_.every + 20:  # looked at every 20 s
        assert offered
