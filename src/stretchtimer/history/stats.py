"""What the history says: weeks against the goal, the streak, body areas, and how the back feels.

Pure functions over `SessionRecord`s, so every number is tested without a database. Previews
(run with --speed above 1) are left out: they are not exercise. Sessions
are stored in UTC; weeks (Monday to Sunday) and days are counted in local time, or in the
`tz` given, so a session at 23:30 on a Sunday belongs to the week it felt like.

Only the recent sessions are needed whole (`window_start` says from when); of the years before,
the store sums up what the stats need (`Earlier`), so a long history is never read into memory.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, tzinfo

from stretchtimer.history.records import SessionRecord
from stretchtimer.library.terms import AREAS

AREA_DAYS = 28  # "the last 4 weeks" for body areas


@dataclass(frozen=True, slots=True)
class Week:
    start: date  # a Monday
    sessions: int  # sessions with at least one exercise done
    minutes: float  # active minutes of every session that week
    met: bool


@dataclass(frozen=True, slots=True)
class Stats:
    goal: int
    today: date
    weeks: tuple[Week, ...]  # oldest first; the last one is this week
    streak: int  # weeks in a row that met the goal (this week counts once met)
    areas: dict[str, float]  # minutes per body area over the last 4 weeks, every area
    neglected: str  # the area with the fewest of those minutes
    days: tuple[int, ...]  # sessions per day, oldest first, today last, as many as `weeks`
    pain_change: float | None  # mean of (after - before); below 0 means it eased
    pain_pairs: int  # sessions with both a before and an after
    pain_by_week: tuple[float | None, ...]  # mean "before" per week, for the trend
    total_sessions: int  # that count, ever
    logged: int = 0  # sessions in the history, previews and unfinished ones too

    @property
    def this_week(self) -> Week:
        return self.weeks[-1]

    @property
    def to_go(self) -> int:
        return max(0, self.goal - self.this_week.sessions)


@dataclass(frozen=True, slots=True)
class Earlier:
    """What the stats need of the sessions before `window_start`, as the store sums it up."""

    logged: int = 0
    counted: int = 0  # sessions that count
    pain_change_total: float = 0.0  # of (after - before), over the sessions with both
    pain_pairs: int = 0
    counted_starts: Iterable[datetime] = ()
    """The start of each session that counts, newest first: read only as far back as the
    streak goes."""


def window_start(now: datetime, weeks: int = 8, tz: tzinfo | None = None) -> datetime:
    """From when `compute` needs the sessions themselves: the Monday that begins the first week
    shown (or the body areas' 4 weeks, if earlier), at local midnight, in UTC."""
    today = local_day(now, tz)
    first = min(
        week_start(today) - timedelta(weeks=weeks - 1),
        week_start(today - timedelta(days=AREA_DAYS - 1)),
    )
    local = tz or now.astimezone().tzinfo
    return datetime.combine(first, time(), local).astimezone(UTC)


def local_day(moment: datetime, tz: tzinfo | None = None) -> date:
    """The calendar day of a UTC moment where the person is (system local time by default)."""
    return moment.astimezone(tz).date()


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


def compute(
    sessions: Sequence[SessionRecord],
    now: datetime,
    goal: int = 3,
    weeks: int = 8,
    tz: tzinfo | None = None,
    earlier: Earlier | None = None,
    not_counted: Collection[int] = (),
) -> Stats:
    """Everything `stretchtimer stats` and the history screen show, as of `now`: from
    `sessions`, all of them or those since `window_start` with the `earlier` ones summed up.
    `not_counted`: ids of sessions listed but not counted toward the goal (spent typing, as
    `remind` found)."""
    earlier = earlier or Earlier()
    logged = len(sessions) + earlier.logged
    today = local_day(now, tz)
    this_monday = week_start(today)
    counted: dict[date, int] = {}
    minutes: dict[date, float] = {}
    per_day: dict[date, int] = {}
    before: dict[date, list[int]] = {}
    sessions = [session for session in sessions if not session.preview]
    for session in sessions:
        day = local_day(session.started_at, tz)
        monday = week_start(day)
        minutes[monday] = minutes.get(monday, 0.0) + session.active_seconds / 60
        if session.counts and session.id not in not_counted:
            counted[monday] = counted.get(monday, 0) + 1
            per_day[day] = per_day.get(day, 0) + 1
        if session.feeling_before is not None:
            before.setdefault(monday, []).append(session.feeling_before)
    mondays = [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    shown = tuple(
        Week(m, counted.get(m, 0), minutes.get(m, 0.0), counted.get(m, 0) >= goal) for m in mondays
    )
    areas = area_minutes(sessions, today, tz)
    pairs = [
        s.feeling_after - s.feeling_before
        for s in sessions
        if s.feeling_before is not None and s.feeling_after is not None
    ]
    pain_pairs = len(pairs) + earlier.pain_pairs
    pain_total = sum(pairs) + earlier.pain_change_total
    older = _weeks_counted(earlier.counted_starts, tz)
    return Stats(
        goal=goal,
        today=today,
        weeks=shown,
        streak=streak(_Counts(counted, older), this_monday, goal),
        areas=areas,
        neglected=min(AREAS, key=lambda area: areas[area]),
        days=tuple(per_day.get(today - timedelta(days=n), 0) for n in range(weeks * 7 - 1, -1, -1)),
        pain_change=pain_total / pain_pairs if pain_pairs else None,
        pain_pairs=pain_pairs,
        pain_by_week=tuple(
            sum(before[m]) / len(before[m]) if before.get(m) else None for m in mondays
        ),
        total_sessions=sum(counted.values()) + earlier.counted,
        logged=logged,
    )


def _weeks_counted(starts: Iterable[datetime], tz: tzinfo | None) -> Iterator[tuple[date, int]]:
    """(Monday, sessions) of each week with a start in `starts` (newest first), newest first."""
    week: date | None = None
    number = 0
    for start in starts:
        monday = week_start(local_day(start, tz))
        if monday != week:
            if week is not None:
                yield week, number
            week, number = monday, 0
        number += 1
    if week is not None:
        yield week, number


class _Counts:
    """Sessions that count per week: the recent weeks' at hand, older ones read as asked for."""

    def __init__(self, recent: dict[date, int], older: Iterator[tuple[date, int]]) -> None:
        self.recent = recent
        self.older = older
        self.read: dict[date, int] = {}
        self.oldest_read: date | None = None

    def get(self, week: date, default: int = 0) -> int:
        if week in self.recent:
            return self.recent[week]
        while self.oldest_read is None or self.oldest_read > week:
            monday, number = next(self.older, (date.min, 0))
            self.read[monday] = number
            self.oldest_read = monday
        return self.read.get(week, default)


def streak(counted: dict[date, int] | _Counts, this_monday: date, goal: int) -> int:
    """Weeks in a row that met the goal, up to this week; a week still under way never breaks
    it, so the streak shown on Monday morning is last week's."""
    week = this_monday if counted.get(this_monday, 0) >= goal else this_monday - timedelta(weeks=1)
    run = 0
    while counted.get(week, 0) >= goal:
        run += 1
        week -= timedelta(weeks=1)
    return run


def area_minutes(
    sessions: Sequence[SessionRecord], today: date, tz: tzinfo | None = None
) -> dict[str, float]:
    """Minutes per body area over the last 4 weeks (today included); an exercise good for two
    areas counts for both, as it works both."""
    first = today - timedelta(days=AREA_DAYS - 1)
    totals: dict[str, float] = dict.fromkeys(AREAS, 0.0)
    for session in sessions:
        if not first <= local_day(session.started_at, tz) <= today:
            continue
        for exercise in session.exercises:
            for area in exercise.areas:
                if area in totals:
                    totals[area] += exercise.seconds / 60
    return totals
