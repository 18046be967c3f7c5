"""The reminder's pure core: when to offer a break, and what became of it.

In the session engine's style: a `Reminder` is replaced, never changed, and each transition
(`observe`, `answer`, `session_started`, `session_ended`, `stop`) returns the new reminder and
what to do about it (`Action`s), so every rule is tested with a fake clock and a fake idle
source, without an event loop, a desktop or a terminal.

It counts work time, not wall time: time at the computer, which stops once the keyboard and
mouse have been left alone for `present_within` seconds. A break is due after `every` seconds
of it, or at a fixed time of day, and is offered only inside working hours and only while
someone is there to see it. Being away for a break's length (idle, or a suspended laptop: the
monotonic clock stops in suspend, the boot-time clock does not) is a break too, and the count
starts again. An offer can be snoozed (5 or 10 minutes, at most `snooze_limit` times, then it
asks again without that choice), skipped (counted), or taken: the session it starts pauses the
count, as a session started by hand does, and the count starts again when it ends.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime, time, timedelta
from enum import StrEnum

from stretchtimer.workhours import WorkHours, time_text

SUSPEND_SLACK = 2.0
"""Seconds the boot-time clock may run ahead of the monotonic one without it being a suspend."""
MAX_SLEEP = 60.0
"""The longest the shell sleeps between looks, whatever is due: a wall clock set forward, a
resumed laptop (whose monotonic timers ran late) or a fixed time are noticed within it."""
TYPING_SHARE = 0.5
"""During a session, the share of the work steps' time that found fresh input above which the
session counts as spent typing rather than as a break."""
PROOF_SECONDS = 20.0
"""Less work-step time than this, judged by the idle source, proves nothing either way."""
PAUSE_SECONDS = 3600.0


class Phase(StrEnum):
    OFF_HOURS = "off-hours"  # outside working hours: nothing is counted or offered
    WORKING = "working"  # counting work time toward the next break
    OFFERED = "offered"  # a break was offered; waiting for an answer
    SNOOZED = "snoozed"  # the offer comes back at `until`
    PAUSED = "paused"  # reminders paused until `until` (the count goes on)
    SESSION = "session"  # a session is running: the count waits


class Answer(StrEnum):
    START = "start"
    SNOOZE = "snooze"  # 5 minutes
    SNOOZE_LONG = "snooze-long"  # 10 minutes
    SKIP = "skip"
    PAUSE = "pause"  # reminders off for an hour
    RESUME = "resume"


SNOOZE_MINUTES = {Answer.SNOOZE: 5, Answer.SNOOZE_LONG: 10}


class Outcome(StrEnum):
    """What became of a break, as the history keeps it."""

    OFFERED = "offered"  # asked; no answer yet
    SNOOZED = "snoozed"  # put off (final when nothing else came of it)
    TAKEN = "taken"  # a session ran, hands off the keyboard and mouse
    TYPING = "typing"  # a session ran, but the keyboard or mouse was busy through it
    SKIPPED = "skipped"
    AWAY = "away"  # missed while away: idle or suspended for a break's length
    UNANSWERED = "unanswered"  # still asked when the working day (or the reminder) ended

    @property
    def settled(self) -> bool:
        return self not in (Outcome.OFFERED, Outcome.SNOOZED)


HAND = "hand"
"""The reason of a break nobody offered: a session started by hand."""
EVERY = "every"
"""The reason of a break due after `every` seconds of work."""


@dataclass(frozen=True, slots=True)
class Rules:
    """What the person asked for (config.toml and the command line)."""

    every: float = 50 * 60.0
    """Seconds of work time between breaks."""
    at: tuple[int, ...] = ()
    """Fixed breaks: minutes after midnight, local time."""
    hours: WorkHours = field(default_factory=WorkHours)
    break_seconds: float = 5 * 60.0
    """A break's length: away from the computer this long is a break."""
    snooze_limit: int = 2
    present_within: float = 30.0
    """Input this recent means someone is at the computer; longer stops the work count."""
    ask_again: float = 5 * 60.0
    """Work seconds after which an unanswered offer is made again."""

    def present(self, idle: float | None) -> bool:
        """Whether someone is at the computer, from the seconds since their last input (no
        idle source, or a reading that makes no sense, counts as present)."""
        return idle is None or not math.isfinite(idle) or idle < self.present_within

    def __post_init__(self) -> None:
        if not self.every > 0 or not self.break_seconds > 0 or self.snooze_limit < 0:
            raise ValueError("every and break_seconds must be above 0, snooze_limit 0 or more")


@dataclass(frozen=True, slots=True)
class Moment:
    """One reading of the clocks: `mono` stops in suspend, `boot` runs through it, `wall` is
    local time (for working hours and fixed times)."""

    mono: float
    boot: float
    wall: datetime


# --- what to do -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Action:
    """Something for the shell to do."""


@dataclass(frozen=True, slots=True)
class Ask(Action):
    """Offer the break: a notification, the screen, the bell."""

    reason: str
    snoozes_left: int
    again: bool  # the same break, offered once more


@dataclass(frozen=True, slots=True)
class Unask(Action):
    """Take the offer down: it was answered, or overtaken."""


@dataclass(frozen=True, slots=True)
class Note(Action):
    """The current break as the history should keep it; `new` for a break not written yet."""

    outcome: Outcome
    reason: str
    snoozes: int
    worked: float
    new: bool = False


@dataclass(frozen=True, slots=True)
class Launch(Action):
    """Open the suggested session where the person is."""

    reason: str


@dataclass(frozen=True, slots=True)
class Rested(Action):
    """Away long enough for a break: the count starts again."""

    seconds: float


Result = tuple["Reminder", tuple[Action, ...]]


# --- the state ------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Reminder:
    """Everything the reminder knows at one moment."""

    rules: Rules
    phase: Phase = Phase.OFF_HOURS
    last: Moment | None = None  # the previous look
    worked: float = 0.0  # work seconds since the last break
    due: str | None = None  # why a break is due ("every", "at 12:30"); None: not yet
    open: bool = False  # a break was offered and is not settled yet
    reason: str = ""  # the open break's reason
    snoozes: int = 0  # of the open break
    until: float | None = None  # monotonic time a snooze or a pause ends
    asked_worked: float = 0.0  # `worked` when the open break was last asked
    resting: bool = False  # away for a break's length, not back yet
    work_since: float | None = None  # monotonic time the session's work step began; None: none
    judged: float = 0.0  # during a session: monotonic time the work steps are judged up to
    work_seen: float = 0.0  # during a session: seconds of work steps judged
    work_busy: float = 0.0  # of those, seconds in which the keyboard or mouse was used

    @property
    def snoozes_left(self) -> int:
        return max(0, self.rules.snooze_limit - self.snoozes)

    def seconds_to_break(self, now: Moment | None = None, counting: bool = False) -> float | None:
        """Work (or snooze, or pause) seconds until the next offer; 0 when one is up; None
        when none is coming (outside working hours, during a session). With `counting` (the
        person was at the computer at the last look), the work time since that look counts
        too: a screen's countdown goes on between looks, which come only every half minute."""
        now = now or self.last
        if self.phase is Phase.OFFERED:
            return 0.0
        if self.phase in (Phase.SNOOZED, Phase.PAUSED):
            left = (self.until or 0.0) - (now.mono if now else 0.0)
            if self.phase is Phase.PAUSED and not self.open:
                left += max(0.0, self.rules.every - self.worked)
            return max(0.0, left)
        if self.phase is not Phase.WORKING:
            return None
        if self.due is not None:
            return 0.0
        left = max(0.0, self.rules.every - self.worked)
        if counting and now is not None and self.last is not None:
            left = max(0.0, left - max(0.0, now.mono - self.last.mono))
        if now is not None and self.rules.at:
            fixed = seconds_to_fixed(self.rules, now.wall)
            if fixed is not None:
                left = min(left, fixed)
        return left


def start(rules: Rules) -> Reminder:
    return Reminder(rules)


# --- transitions ----------------------------------------------------------------------------


def observe(reminder: Reminder, now: Moment, idle: float | None) -> Result:
    """A look at the clocks and the idle source: `idle` is the seconds since the last input,
    None when nothing can tell (then all time counts as work)."""
    r = reminder
    last = r.last
    if last is None:  # the first look: nothing to count yet
        phase = r.phase
        if phase is not Phase.SESSION:
            phase = Phase.WORKING if r.rules.hours.contains(now.wall) else Phase.OFF_HOURS
        return replace(r, last=now, phase=phase), ()
    step = max(0.0, now.mono - last.mono)
    slept = now.boot - last.boot - step
    slept = slept if slept > SUSPEND_SLACK else 0.0
    away = max(0.0, idle) if idle is not None and math.isfinite(idle) else 0.0
    r = replace(r, last=now)

    if r.phase is Phase.SESSION:
        return _judge(r, now, idle), ()

    rules = r.rules
    if not rules.hours.contains(now.wall):
        if r.phase is Phase.OFF_HOURS:
            return r, ()
        r, settled = _settle_open(r, Outcome.SNOOZED if r.snoozes else Outcome.UNANSWERED)
        return _reset(r, Phase.OFF_HOURS), settled

    actions: list[Action] = []
    counted = min(step, max(0.0, step - max(0.0, away - rules.present_within)))
    if r.phase is Phase.OFF_HOURS:  # a working day (or span) begins: count from here
        r, counted = _reset(r, Phase.WORKING), 0.0
    fixed = fixed_passed(rules, last.wall, now.wall)

    rest = slept + away
    if rest >= rules.break_seconds:
        if not r.resting:
            actions.append(Rested(rest))
        if r.open:
            r, away_ = _settle_open(r, Outcome.AWAY)
            actions += away_
        elif fixed is not None or (r.due or "").startswith("at "):
            reason = fixed or r.due or ""
            actions.append(Note(Outcome.AWAY, reason, 0, r.worked, new=True))
        phase = Phase.PAUSED if r.phase is Phase.PAUSED else Phase.WORKING
        until = r.until if phase is Phase.PAUSED else None
        return replace(_reset(r, phase), until=until, resting=True), tuple(actions)

    present = rules.present(idle)
    r = replace(r, worked=r.worked + counted, resting=r.resting and not present)
    if r.due is None and fixed is not None:
        r = replace(r, due=fixed)
    elif r.due is None and r.worked >= rules.every:
        r = replace(r, due=EVERY)

    if r.phase is Phase.PAUSED:
        if r.until is not None and now.mono < r.until:
            return r, tuple(actions)
        r = replace(r, phase=Phase.WORKING, until=None)
    if not present:
        return r, tuple(actions)
    if r.phase is Phase.SNOOZED and r.until is not None and now.mono >= r.until:
        return _ask(r, again=True, actions=actions)
    if r.phase is Phase.OFFERED and r.worked - r.asked_worked >= rules.ask_again:
        return _ask(r, again=True, actions=actions)
    if r.phase is Phase.WORKING and (r.due is not None or r.open):
        return _ask(r, again=r.open, actions=actions)
    return r, tuple(actions)


def answer(reminder: Reminder, given: Answer, now: Moment) -> Result:
    """The person answered (a notification's button, a key); what makes no sense now is
    ignored, as a snooze past the limit is."""
    r = reminder
    if given is Answer.START:
        if r.phase is Phase.SESSION:
            return r, ()
        actions: tuple[Action, ...] = (Unask(),) if r.phase is Phase.OFFERED else ()
        reason = r.reason if r.open else HAND
        return _in_session(r), (*actions, Launch(reason))
    if given in SNOOZE_MINUTES:
        if r.phase is not Phase.OFFERED or r.snoozes >= r.rules.snooze_limit:
            return r, ()
        until = now.mono + SNOOZE_MINUTES[given] * 60
        r = replace(r, phase=Phase.SNOOZED, until=until, snoozes=r.snoozes + 1)
        return r, (Unask(), _note(r, Outcome.SNOOZED))
    if given is Answer.SKIP:
        if not r.open or r.phase is Phase.SESSION:
            return r, ()
        actions = (Unask(),) if r.phase is Phase.OFFERED else ()
        note = _note(r, Outcome.SKIPPED)
        return _reset(r, Phase.WORKING), (*actions, note)
    if given is Answer.PAUSE:
        if r.phase not in (Phase.WORKING, Phase.OFFERED, Phase.SNOOZED, Phase.PAUSED):
            return r, ()
        actions = (Unask(),) if r.phase is Phase.OFFERED else ()
        return replace(r, phase=Phase.PAUSED, until=now.mono + PAUSE_SECONDS), actions
    if given is Answer.RESUME:
        if r.phase is not Phase.PAUSED:
            return r, ()
        return replace(r, phase=Phase.WORKING, until=None), ()
    return r, ()


def session_started(reminder: Reminder, now: Moment) -> Result:
    """A session began: the one this reminder launched, or one started by hand."""
    r = reminder
    if r.phase is Phase.SESSION:
        return r, ()
    actions: tuple[Action, ...] = (Unask(),) if r.phase is Phase.OFFERED else ()
    return _in_session(r), actions


def session_step(reminder: Reminder, now: Moment, idle: float | None, work: bool) -> Result:
    """The session (whichever process runs it) began a step: `work` for an exercise's work,
    False for anything else (get ready, rest, a pause, the feeling question, its end). Only
    the work steps are judged for the proof of a break: in the others, keys are expected."""
    r = _judge(reminder, now, idle)
    return replace(r, work_since=now.mono if work else None), ()


def session_ended(reminder: Reminder, now: Moment) -> Result:
    """The session is over: the open break (or the session started by hand) is kept as taken,
    or as spent typing (the keyboard or mouse used through most of its work steps); the count
    starts again."""
    r = reminder
    if r.phase is not Phase.SESSION:
        return r, ()
    typing = r.work_seen >= PROOF_SECONDS and r.work_busy > TYPING_SHARE * r.work_seen
    outcome = Outcome.TYPING if typing else Outcome.TAKEN
    note = Note(outcome, r.reason if r.open else HAND, r.snoozes, r.worked, new=not r.open)
    return replace(_reset(r, Phase.WORKING), last=now, work_since=None), (note,)


def launch_failed(reminder: Reminder, now: Moment) -> Result:
    """The session never began (it could not be opened, or was left before its first
    exercise): no break, the count goes on, and an open offer stands."""
    r = reminder
    if r.phase is not Phase.SESSION:
        return r, ()
    r = replace(r, phase=Phase.WORKING, work_since=None)
    if not r.open:
        return r, ()
    return _ask(r, again=True, actions=[])


def stop(reminder: Reminder) -> Result:
    """The reminder is closing: an open break is kept as it stands."""
    r, actions = _settle_open(reminder, Outcome.SNOOZED if reminder.snoozes else Outcome.UNANSWERED)
    return r, actions


def _in_session(r: Reminder) -> Reminder:
    """A session begins: nothing of its work steps judged yet (a work step it is already in
    counts from that step's start)."""
    return replace(r, phase=Phase.SESSION, until=None, judged=0.0, work_seen=0.0, work_busy=0.0)


def _judge(r: Reminder, now: Moment, idle: float | None) -> Reminder:
    """During a session, the work-step time since the last judgement: busy when the last
    input came after its start. Outside work steps, and without an idle source, nothing."""
    if r.phase is not Phase.SESSION:
        return r
    judged = replace(r, judged=now.mono)
    if r.work_since is None or idle is None or not math.isfinite(idle):
        return judged
    span = now.mono - max(r.judged, r.work_since)
    if span <= 0:
        return judged
    busy = span if max(0.0, idle) < span else 0.0
    return replace(judged, work_seen=r.work_seen + span, work_busy=r.work_busy + busy)


# --- when to look next ----------------------------------------------------------------------


def next_look(reminder: Reminder, poll: float | None) -> float:
    """Seconds until the shell should look again: `poll` is what the idle source needs (None
    when there is none, so only the clocks matter); never more than MAX_SLEEP."""
    r = reminder
    wait = MAX_SLEEP if poll is None else min(poll, MAX_SLEEP)
    last = r.last
    if last is None:
        return 0.0
    if r.phase is Phase.OFF_HOURS:
        change = r.rules.hours.seconds_to_change(last.wall)
        return MAX_SLEEP if change is None else max(1.0, min(change, MAX_SLEEP))
    if r.phase in (Phase.SNOOZED, Phase.PAUSED) and r.until is not None:
        wait = min(wait, max(0.0, r.until - last.mono))
    if r.phase is Phase.WORKING and poll is None:
        left = r.seconds_to_break(last)
        if left is not None:
            wait = min(wait, max(0.0, left))
    return max(0.0, wait)


# --- fixed times ----------------------------------------------------------------------------


def fixed_passed(rules: Rules, before: datetime, now: datetime) -> str | None:
    """'at 12:30' when a fixed time fell in (before, now], on the wall clock's face; the
    latest, when several did."""
    if not rules.at:
        return None
    start, end = before.replace(tzinfo=None), now.replace(tzinfo=None)
    if end <= start:
        return None
    start = max(start, end - timedelta(days=1))
    found: datetime | None = None
    day = start.date()
    while day <= end.date():
        midnight = datetime.combine(day, time())
        for minutes in rules.at:
            when = midnight + timedelta(minutes=minutes)
            if start < when <= end and (found is None or when > found):
                found = when
        day += timedelta(days=1)
    return None if found is None else f"at {time_text(found.hour * 60 + found.minute)}"


def seconds_to_fixed(rules: Rules, now: datetime) -> float | None:
    """Wall seconds until the next fixed time (None when there are none)."""
    if not rules.at:
        return None
    face = now.replace(tzinfo=None)
    midnight = datetime.combine(face.date(), time())
    times = [midnight + timedelta(days=d, minutes=m) for d in (0, 1) for m in rules.at]
    return min((when - face).total_seconds() for when in times if when > face)


# --- helpers --------------------------------------------------------------------------------


def _note(r: Reminder, outcome: Outcome, new: bool = False) -> Note:
    return Note(outcome, r.reason, r.snoozes, r.worked, new=new)


def _ask(r: Reminder, *, again: bool, actions: list[Action]) -> Result:
    """Offer the break (or offer the open one again)."""
    if not r.open:
        r = replace(r, open=True, reason=r.due or EVERY, snoozes=0)
        actions.append(_note(r, Outcome.OFFERED, new=True))
    r = replace(r, phase=Phase.OFFERED, until=None, asked_worked=r.worked)
    return r, (*actions, Ask(r.reason, r.snoozes_left, again))


def _settle_open(r: Reminder, outcome: Outcome) -> Result:
    if not r.open:
        return r, ()
    actions: list[Action] = [Unask()] if r.phase is Phase.OFFERED else []
    actions.append(_note(r, outcome))
    return replace(r, open=False, snoozes=0), tuple(actions)


def _reset(r: Reminder, phase: Phase) -> Reminder:
    """The count starts again, with no break due or open."""
    return replace(
        r,
        phase=phase,
        worked=0.0,
        due=None,
        open=False,
        reason="",
        snoozes=0,
        until=None,
        asked_worked=0.0,
        resting=False,
        work_seen=0.0,
        work_busy=0.0,
    )
