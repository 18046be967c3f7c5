"""The breaks `stretchtimer remind` offered, kept in the history beside the sessions.

One row per break: written when it is first offered (so a crash still leaves it), changed as
it is snoozed, and settled as taken (with its session), spent typing, skipped, missed while
away, or left unanswered. Sessions started by hand while the reminder watched are kept too
(reason `hand`), so the proof that a break was a break covers them; they were never offered,
so they are not counted among the breaks offered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo
from pathlib import Path

from stretchtimer.history.stats import local_day, week_start
from stretchtimer.history.store import HistoryStore, Warn, _read, _reader

HAND = "hand"
TAKEN = "taken"
TYPING = "typing"


@dataclass(frozen=True, slots=True)
class BreakRecord:
    id: int
    offered_at: datetime
    settled_at: datetime | None
    reason: str  # every, at HH:MM, hand
    outcome: str  # offered, snoozed, taken, typing, skipped, away, unanswered
    snoozes: int = 0
    work_seconds: float = 0.0
    routine_id: str | None = None
    session_id: int | None = None

    @property
    def offered(self) -> bool:
        """Offered by the reminder (not a session started by hand)."""
        return self.reason != HAND


@dataclass(frozen=True, slots=True)
class BreakWeek:
    start: date  # a Monday
    offered: int
    taken: int
    typing: int
    skipped: int
    snoozed: int
    away: int


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds")


def _parse(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text).astimezone(UTC)


def add_break(
    store: HistoryStore,
    *,
    at: datetime,
    reason: str,
    outcome: str,
    snoozes: int = 0,
    work_seconds: float = 0.0,
    routine_id: str | None = None,
    session_id: int | None = None,
) -> int:
    settled = None if outcome in ("offered", "snoozed") else _stamp(at)
    with store.connection:
        cursor = store.connection.execute(
            "INSERT INTO breaks (offered_at, settled_at, reason, outcome, snoozes, work_seconds,"
            " routine_id, session_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (_stamp(at), settled, reason, outcome, snoozes, work_seconds, routine_id, session_id),
        )
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def update_break(
    store: HistoryStore,
    break_id: int,
    *,
    at: datetime,
    outcome: str,
    snoozes: int,
    session_id: int | None = None,
) -> None:
    with store.connection:
        store.connection.execute(
            "UPDATE breaks SET settled_at = ?, outcome = ?, snoozes = ?,"
            " session_id = coalesce(?, session_id) WHERE id = ?",
            (_stamp(at), outcome, snoozes, session_id, break_id),
        )


def breaks(store: HistoryStore, since: datetime | None = None) -> list[BreakRecord]:
    where, params = ("WHERE offered_at >= ?", (_stamp(since),)) if since else ("", ())
    rows = store.connection.execute(
        "SELECT id, offered_at, settled_at, reason, outcome, snoozes, work_seconds, routine_id,"
        f" session_id FROM breaks {where} ORDER BY offered_at, id",
        params,
    ).fetchall()
    return [
        BreakRecord(
            id=row[0],
            offered_at=_parse(row[1]) or datetime.min.replace(tzinfo=UTC),
            settled_at=_parse(row[2]),
            reason=row[3],
            outcome=row[4],
            snoozes=row[5],
            work_seconds=row[6],
            routine_id=row[7],
            session_id=row[8],
        )
        for row in rows
    ]


def read_breaks(
    since: datetime | None = None, path: Path | None = None, warn: Warn | None = None
) -> list[BreakRecord]:
    """Every break since `since`; an empty list when there is no history (or no breaks).
    Never changes the file, as `read_sessions`."""
    with _reader(path, warn) as store:
        if store is None:
            return []
        return _read(store, lambda: breaks(store, since), [], warn)


def break_weeks(
    records: Sequence[BreakRecord], today: date, weeks: int = 8, tz: tzinfo | None = None
) -> tuple[BreakWeek, ...]:
    """Breaks offered and what became of them, per week (oldest first, this week last)."""
    this_monday = week_start(today)
    mondays = [this_monday - timedelta(weeks=n) for n in range(weeks - 1, -1, -1)]
    tally: dict[date, dict[str, int]] = {monday: {} for monday in mondays}
    for record in records:
        if not record.offered:
            continue
        monday = week_start(local_day(record.offered_at, tz))
        if monday in tally:
            counts = tally[monday]
            counts["offered"] = counts.get("offered", 0) + 1
            counts[record.outcome] = counts.get(record.outcome, 0) + 1
    return tuple(
        BreakWeek(
            start=monday,
            offered=tally[monday].get("offered", 0),
            taken=tally[monday].get(TAKEN, 0),
            typing=tally[monday].get(TYPING, 0),
            skipped=tally[monday].get("skipped", 0),
            snoozed=tally[monday].get("snoozed", 0),
            away=tally[monday].get("away", 0),
        )
        for monday in mondays
    )


def break_lines(weeks: Sequence[BreakWeek]) -> list[str]:
    """`stats`: the breaks `remind` offered each week and what became of them."""
    lines = [
        "Breaks offered by `stretchtimer remind`:",
        "WEEK OF      TAKEN / OFFERED  TYPING  SKIPPED  AWAY",
    ]
    for week in weeks:
        share = f"{week.taken:>5} / {week.offered:<7}"
        lines.append(
            f"{week.start.strftime('%a %d %b'):<12} {share}  {week.typing:>6}  {week.skipped:>7}"
            f"  {week.away:>4}"
        )
    return lines


def break_weeks_json(weeks: Sequence[BreakWeek]) -> list[dict[str, object]]:
    return [
        {
            "start": week.start.isoformat(),
            "offered": week.offered,
            "taken": week.taken,
            "typing": week.typing,
            "skipped": week.skipped,
            "snoozed": week.snoozed,
            "away": week.away,
        }
        for week in weeks
    ]
