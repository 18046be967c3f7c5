"""The history and stats as text, JSON and CSV, for `stretchtimer history` and `stats`.

Pure: records and stats in, strings and dicts out; local times use `tz` (system local time
when None).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from datetime import tzinfo
from typing import Any

from stretchtimer.format import clock, count
from stretchtimer.history.records import SessionRecord
from stretchtimer.history.stats import AREA_DAYS, Stats
from stretchtimer.library.terms import in_words

STATE_NAMES = {"finished": "finished", "stopped": "stopped", "running": "unfinished"}
CSV_FIELDS = (
    "id",
    "started_at",
    "ended_at",
    "routine_id",
    "routine_name",
    "state",
    "exercises_done",
    "exercises_skipped",
    "exercises_total",
    "planned_seconds",
    "active_seconds",
    "paused_seconds",
    "speed",
    "feeling_before",
    "feeling_after",
    "level",
)


def feeling_text(before: int | None, after: int | None) -> str:
    """'5 -> 3', '5 -> ?', or '' when neither was given."""
    if before is None and after is None:
        return ""
    return f"{'?' if before is None else before} -> {'?' if after is None else after}"


def session_json(session: SessionRecord) -> dict[str, Any]:
    return {
        **_flat(session),
        "exercises": [
            {
                "position": e.position,
                "id": e.exercise_id,
                "name": e.name,
                "areas": list(e.areas),
                "outcome": e.outcome,
                "seconds": round(e.seconds, 3),
                "planned_seconds": e.planned_seconds,
            }
            for e in session.exercises
        ],
    }


def _flat(session: SessionRecord) -> dict[str, Any]:
    return {
        "id": session.id,
        "started_at": session.started_at.isoformat(),
        "ended_at": session.ended_at.isoformat() if session.ended_at else None,
        "routine_id": session.routine_id,
        "routine_name": session.routine_name,
        "level": session.level,
        "state": STATE_NAMES.get(session.state, session.state),
        "exercises_done": session.done,
        "exercises_skipped": session.skipped,
        "exercises_total": session.exercise_count,
        "planned_seconds": session.planned_seconds,
        "active_seconds": round(session.active_seconds, 3),
        "paused_seconds": round(session.paused_seconds, 3),
        "speed": session.speed,
        "feeling_before": session.feeling_before,
        "feeling_after": session.feeling_after,
    }


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def history_csv(sessions: Sequence[SessionRecord]) -> str:
    """One row per session, times in UTC, for a spreadsheet: a text cell a spreadsheet would
    run as a formula (a routine named `=HYPERLINK(...)`) gets a quote before it, as OWASP
    recommends."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for session in sessions:
        writer.writerow({key: spreadsheet_text(value) for key, value in _flat(session).items()})
    return out.getvalue()


def spreadsheet_text(value: object) -> object:
    """`value`, with a quote before a text that starts like a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


def session_title(session: SessionRecord) -> str:
    """'Desk Break, easy (x20)': the routine, its level unless standard, and the speed of a
    preview (run faster than real time: kept, not counted)."""
    level = f", {session.level}" if session.level != "standard" else ""
    speed = f" (x{session.speed:g})" if session.speed != 1 else ""
    return session.routine_name + level + speed


def history_rows(
    sessions: Sequence[SessionRecord], tz: tzinfo | None = None
) -> tuple[list[str], list[list[str]]]:
    """The header and rows of the history table, newest first, in local time."""
    header = ["WHEN", "ROUTINE", "STATE", "DONE", "ACTIVE", "PAUSED", "FEELING"]
    rows = []
    for session in reversed(sessions):
        when = session.started_at.astimezone(tz).strftime("%a %d %b %Y %H:%M")
        rows.append(
            [
                when,
                session_title(session),
                STATE_NAMES.get(session.state, session.state),
                f"{session.done}/{session.exercise_count}",
                clock(session.active_seconds, up=False),
                clock(session.paused_seconds, up=False),
                feeling_text(session.feeling_before, session.feeling_after),
            ]
        )
    return header, rows


def bar(value: float, most: float, width: int = 20) -> str:
    if most <= 0 or value <= 0:
        return ""
    return "#" * max(1, round(width * value / most))


def stats_lines(stats: Stats) -> list[str]:
    """`stretchtimer stats`: this week, the streak, the weeks, the areas, how it feels."""
    week = stats.this_week
    lines = [
        f"This week: {week.sessions} of {count(stats.goal, 'session')}, "
        f"{week.minutes:.0f} min" + (" - goal met" if week.met else f" - {stats.to_go} to go"),
        f"Streak: {count(stats.streak, 'week')} in a row with {stats.goal} or more sessions",
        "",
        # each number right under the end of its heading; the goal mark and a bar between
        f"{'WEEK OF':<10}  {'SESSIONS':>8} {'':12}  {'MINUTES':>7}",
    ]
    most = max(w.sessions for w in stats.weeks)
    for w in stats.weeks:
        mark = "*" if w.met else " "
        sessions = f"{w.sessions:>8} {mark} {bar(w.sessions, max(most, stats.goal), 10):<10}"
        lines.append(f"{w.start.strftime('%a %d %b'):<10}  {sessions}  {w.minutes:>7.0f}")
    lines += ["(* the goal was met)", "", f"Body areas, last {AREA_DAYS // 7} weeks (minutes):"]
    top = max(stats.areas.values())
    for area, minutes in sorted(stats.areas.items(), key=lambda item: -item[1]):
        note = "  <- least worked" if area == stats.neglected else ""
        name = in_words(area)
        text = f"  {name:<12} {minutes_shown(minutes):>5}  {bar(minutes, top)}{note}"
        lines.append(text.rstrip())
    lines.append("")
    lines.append(pain_line(stats))
    return lines


def minutes_shown(minutes: float) -> str:
    """An area's minutes, with a tenth below 10: a few seconds of work show as 0.3, never as a
    bare 0 beside a bar."""
    return f"{minutes:.1f}" if 0 < minutes < 9.95 else f"{minutes:.0f}"


def pain_line(stats: Stats) -> str:
    if stats.pain_change is None:
        return "Stiffness or pain: not noted yet (0-10 before and after a session)"
    change = stats.pain_change
    trend = "eased" if change < 0 else "rose" if change > 0 else "stayed the same"
    sessions = count(stats.pain_pairs, "session")
    return f"Stiffness or pain {trend} by {abs(change):.1f} on average (0-10, over {sessions})"


def stats_json(stats: Stats) -> dict[str, Any]:
    return {
        "goal": stats.goal,
        "streak_weeks": stats.streak,
        "this_week": {"sessions": stats.this_week.sessions, "to_go": stats.to_go},
        "weeks": [
            {
                "start": w.start.isoformat(),
                "sessions": w.sessions,
                "minutes": round(w.minutes, 1),
                "met": w.met,
            }
            for w in stats.weeks
        ],
        "area_minutes": {area: round(m, 1) for area, m in stats.areas.items()},
        "area_days": AREA_DAYS,
        "neglected_area": stats.neglected,
        "pain_change": None if stats.pain_change is None else round(stats.pain_change, 2),
        "pain_sessions": stats.pain_pairs,
    }


def goal_line(stats: Stats, this: SessionRecord) -> str:
    """The summary screen's line: this session against the week's goal."""
    if this.preview:
        return f"A preview at x{this.speed:g}: kept in the history, not counted towards your goal."
    if not this.counts:
        return f"This week: {stats.this_week.sessions} of {stats.goal} sessions (none done here)."
    week = stats.this_week
    if week.met:
        streak = count(stats.streak, "week")
        return f"This week: {week.sessions} of {stats.goal} sessions - goal met. Streak: {streak}."
    more = count(stats.to_go, "more session")
    return f"This week: {week.sessions} of {stats.goal} sessions - {more} to reach your goal."
