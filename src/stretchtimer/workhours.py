"""Working hours ("Mon-Fri 09:00-18:00") and fixed times ("12:30, 17:00"), read and asked.

Pure: text in, a value or a `ScheduleError` (one line, naming what was wrong) out; a moment
in, whether it is inside working hours and when that next changes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
ALWAYS_WORDS = ("always", "any", "")
MINUTES_A_DAY = 24 * 60

_TIME = re.compile(r"(\d{1,2}):(\d{2})")


class ScheduleError(ValueError):
    """Text that is not a time, a day or a span of working hours; the message is one line."""


def parse_time(text: str) -> int:
    """'09:30' -> minutes after midnight (0 to 1440: '24:00' ends a day)."""
    found = _TIME.fullmatch(text.strip())
    if found is None:
        raise ScheduleError(f"{text.strip()!r} is not a time of day (HH:MM, 00:00 to 24:00)")
    hours, minutes = int(found[1]), int(found[2])
    if hours > 24 or minutes > 59 or (hours == 24 and minutes):
        raise ScheduleError(f"{text.strip()} is not a time of day (HH:MM, 00:00 to 24:00)")
    return hours * 60 + minutes


def time_text(minutes: int) -> str:
    return f"{minutes // 60:02}:{minutes % 60:02}"


def parse_times(text: str) -> tuple[int, ...]:
    """'12:30, 17:00' -> the fixed times, sorted, each once ('' -> none)."""
    parts = [part for part in re.split(r"[,\s]+", text.strip()) if part]
    times = set()
    for part in parts:
        minutes = parse_time(part)
        if minutes == MINUTES_A_DAY:
            raise ScheduleError("24:00 is not a time of day for a break (use 00:00)")
        times.add(minutes)
    return tuple(sorted(times))


FULL_DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def _day(token: str) -> int:
    """'Mon', 'mon' or 'Monday' -> 0."""
    key = token.lower()
    for number, (short, full) in enumerate(zip(DAYS, FULL_DAYS, strict=True)):
        if key in (short, full):
            return number
    raise ScheduleError(f"unknown day {token!r}: use Mon, Tue, Wed, Thu, Fri, Sat or Sun")


def _days(token: str) -> set[int]:
    """'Mon' or 'Mon-Fri' (a range may wrap: 'Sat-Mon')."""
    if "-" not in token:
        return {_day(token)}
    first, _, last = token.partition("-")
    start, end = _day(first), _day(last)
    return {(start + n) % 7 for n in range((end - start) % 7 + 1)}


@dataclass(frozen=True, slots=True)
class Span:
    """Working time on some days: from `start` to `end` minutes after midnight; an end at or
    before the start runs past midnight into the next day."""

    days: frozenset[int]  # 0 is Monday
    start: int
    end: int

    @property
    def overnight(self) -> bool:
        return self.end <= self.start

    def text(self) -> str:
        return f"{time_text(self.start)}-{time_text(self.end)}"


@dataclass(frozen=True, slots=True)
class WorkHours:
    """When reminders may come; no spans means always."""

    spans: tuple[Span, ...] = ()

    @property
    def always(self) -> bool:
        return not self.spans

    def contains(self, moment: datetime) -> bool:
        if self.always:
            return True
        minute = moment.hour * 60 + moment.minute + moment.second / 60
        day = moment.weekday()
        for span in self.spans:
            if span.overnight:
                if (day in span.days and minute >= span.start) or (
                    (day - 1) % 7 in span.days and minute < span.end
                ):
                    return True
            elif day in span.days and span.start <= minute < span.end:
                return True
        return False

    def seconds_to_change(self, moment: datetime) -> float | None:
        """Wall seconds from `moment` until working hours next begin or end (None: never).

        Worked out on the wall clock's face: across a change to or from summer time it is an
        hour out, which the caller's regular wake-ups make good."""
        if self.always:
            return None
        face = moment.replace(tzinfo=None)
        inside = self.contains(face)
        candidates = []
        for offset in range(-1, 9):
            day = face.date() + timedelta(days=offset)
            midnight = datetime.combine(day, time())
            for span in self.spans:
                if day.weekday() not in span.days:
                    continue
                end = span.end + (MINUTES_A_DAY if span.overnight else 0)
                for minutes in (span.start, end):
                    when = midnight + timedelta(minutes=minutes)
                    if when > face:
                        candidates.append(when)
        for when in sorted(candidates):
            if self.contains(when) != inside:
                return (when - face).total_seconds()
        return None

    def text(self) -> str:
        if self.always:
            return "always"
        return ", ".join(f"{_days_text(span.days)} {span.text()}" for span in self.spans)


def _days_text(days: frozenset[int]) -> str:
    ordered = sorted(days)
    if len(ordered) > 2 and ordered == list(range(ordered[0], ordered[-1] + 1)):
        return f"{DAY_NAMES[ordered[0]]}-{DAY_NAMES[ordered[-1]]}"
    return ",".join(DAY_NAMES[day] for day in ordered)


def parse_work_hours(text: str) -> WorkHours:
    """'Mon-Fri 09:00-18:00', 'Mon-Thu 09:00-12:30 13:30-18:00, Fri 09:00-13:00', or 'always'.

    Days (a day or a range) come first, then one or more times from-to; a day after a time
    begins another group. A span whose end is before its start runs past midnight.
    """
    if text.strip().lower() in ALWAYS_WORDS:
        return WorkHours()
    spans: list[Span] = []
    days: set[int] = set()
    times_seen = False
    for token in (part for part in re.split(r"[,;\s]+", text.strip()) if part):
        if token[0].isdigit():
            if not days:
                raise ScheduleError(f"{token!r} has no days before it (e.g. Mon-Fri {token})")
            start, sep, end = token.partition("-")
            if not sep:
                raise ScheduleError(f"{token!r} is not a span of time (e.g. 09:00-18:00)")
            first, last = parse_time(start), parse_time(end)
            if first in (last, MINUTES_A_DAY):
                raise ScheduleError(f"{token} is not a span of time (e.g. 09:00-18:00)")
            spans.append(Span(frozenset(days), first, last))
            times_seen = True
        else:
            if times_seen:
                days, times_seen = set(), False
            days |= _days(token)
    if days and not times_seen:
        raise ScheduleError(f"no times after {text.split()[-1]!r} (e.g. Mon-Fri 09:00-18:00)")
    return WorkHours(tuple(spans))
