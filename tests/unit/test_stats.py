"""Stats over a generated multi-week history: weeks in local time, streaks, areas, pain."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import subprocess
import sys
import time
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from conftest import make_exercise, make_routine

from stretchtimer.history.records import ExerciseRecord, SessionRecord
from stretchtimer.history.report import history_csv, history_rows, stats_json, stats_lines
from stretchtimer.history.stats import compute, streak
from stretchtimer.history.store import HistoryStore, read_sessions
from stretchtimer.session.plan import plan
from stretchtimer.tui.screens.history_screen import areas_text

NEW_YORK = ZoneInfo("America/New_York")
BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)  # a Wednesday
THIS_MONDAY = date(2026, 11, 23)


def record(
    when: datetime,
    *,
    done: int = 1,
    skipped: int = 0,
    seconds: float = 300.0,
    areas: tuple[str, ...] = ("neck",),
    before: int | None = None,
    after: int | None = None,
    speed: float = 1.0,
    ident: int = 0,
) -> SessionRecord:
    exercises = tuple(
        ExerciseRecord(n, f"move-{n}", f"Move {n}", areas, outcome, seconds, seconds)
        for n, outcome in enumerate(["done"] * done + ["skipped"] * skipped)
    )
    return SessionRecord(
        id=ident,
        routine_id="test-routine",
        routine_name="Test Routine",
        started_at=when,
        ended_at=when + timedelta(minutes=10),
        planned_seconds=seconds * len(exercises),
        active_seconds=seconds * done,
        paused_seconds=0.0,
        state="finished" if not skipped else "stopped",
        speed=speed,
        feeling_before=before,
        feeling_after=after,
        exercises=exercises,
        exercise_count=len(exercises),
    )


def weeks_of_sessions(per_week: list[int], last_monday: date = THIS_MONDAY) -> list[SessionRecord]:
    """`per_week[-1]` sessions in the week of `last_monday`, the ones before in earlier weeks,
    each at 10:00 UTC on Monday, Tuesday, ..."""
    sessions = []
    for back, count in enumerate(reversed(per_week)):
        monday = last_monday - timedelta(weeks=back)
        for day in range(count):
            moment = datetime.combine(monday + timedelta(days=day), datetime.min.time(), UTC)
            sessions.append(record(moment + timedelta(hours=10)))
    return sorted(sessions, key=lambda s: s.started_at)


def test_weeks_count_sessions_and_minutes_and_the_goal() -> None:
    stats = compute(weeks_of_sessions([3, 1, 0, 4, 2]), NOW, goal=3, weeks=5, tz=UTC)
    assert [w.start for w in stats.weeks] == [
        THIS_MONDAY - timedelta(weeks=n) for n in range(4, -1, -1)
    ]
    assert [w.sessions for w in stats.weeks] == [3, 1, 0, 4, 2]
    assert [w.met for w in stats.weeks] == [True, False, False, True, False]
    assert stats.weeks[-2].minutes == 20
    assert stats.this_week.sessions == 2 and stats.to_go == 1
    assert stats.total_sessions == 10


def test_the_streak_counts_weeks_in_a_row_and_this_week_never_breaks_it() -> None:
    assert compute(weeks_of_sessions([3, 3, 4, 1]), NOW, tz=UTC).streak == 3
    assert compute(weeks_of_sessions([3, 3, 4, 3]), NOW, tz=UTC).streak == 4
    assert compute(weeks_of_sessions([3, 2, 4, 0]), NOW, tz=UTC).streak == 1
    assert compute(weeks_of_sessions([3, 3, 0, 0]), NOW, tz=UTC).streak == 0
    assert compute(weeks_of_sessions([1, 1, 0]), NOW, goal=1, tz=UTC).streak == 2
    counted = {THIS_MONDAY - timedelta(weeks=n): 3 for n in range(1, 30)}
    assert streak(counted, THIS_MONDAY, 3) == 29  # longer than the weeks shown


def test_a_sunday_night_session_belongs_to_the_local_week() -> None:
    # Monday 23 Nov 04:30 UTC is still Sunday 22 Nov, 23:30, in New York
    late = record(datetime(2026, 11, 23, 4, 30, tzinfo=UTC))
    in_new_york = compute([late], NOW, weeks=2, tz=NEW_YORK)
    in_utc = compute([late], NOW, weeks=2, tz=UTC)
    assert [w.sessions for w in in_new_york.weeks] == [1, 0]
    assert [w.sessions for w in in_utc.weeks] == [0, 1]
    assert in_new_york.days[-4:] == (1, 0, 0, 0)  # Sun, Mon, Tue, Wed (today)
    assert in_utc.days[-4:] == (0, 1, 0, 0)


def test_weeks_across_a_daylight_saving_change() -> None:
    # Berlin leaves summer time on Sunday 25 Oct 2026: 22:30 UTC is 23:30 that Sunday,
    # 23:30 UTC is 00:30 on Monday 26 Oct
    sunday = record(datetime(2026, 10, 25, 22, 30, tzinfo=UTC))
    monday = record(datetime(2026, 10, 25, 23, 30, tzinfo=UTC))
    stats = compute([sunday, monday], NOW, weeks=6, tz=BERLIN)
    by_week = {w.start: w.sessions for w in stats.weeks}
    assert by_week[date(2026, 10, 19)] == 1 and by_week[date(2026, 10, 26)] == 1
    summer = record(datetime(2026, 10, 18, 22, 30, tzinfo=UTC))  # 00:30 Monday 19 Oct (UTC+2)
    stats = compute([summer, sunday, monday], NOW, weeks=7, tz=BERLIN)
    by_week = {w.start: w.sessions for w in stats.weeks}
    assert by_week[date(2026, 10, 12)] == 0  # not 23:30 on Sunday 18 Oct (UTC+1 all along)
    assert by_week[date(2026, 10, 19)] == 2 and by_week[date(2026, 10, 26)] == 1


def test_the_system_time_zone_is_used_by_default() -> None:
    late = record(datetime(2026, 11, 23, 4, 30, tzinfo=UTC))
    saved = os.environ.get("TZ")
    os.environ["TZ"] = "America/New_York"
    time.tzset()
    try:
        assert [w.sessions for w in compute([late], NOW, weeks=2).weeks] == [1, 0]
    finally:
        if saved is None:
            del os.environ["TZ"]
        else:
            os.environ["TZ"] = saved
        time.tzset()


def test_body_areas_over_the_last_four_weeks_and_the_neglected_one() -> None:
    sessions = [
        record(NOW - timedelta(days=2), done=2, seconds=120, areas=("lower-back", "middle-back")),
        record(NOW - timedelta(days=10), seconds=60, areas=("neck",)),
        record(NOW - timedelta(days=27), seconds=60, areas=("chest",)),
        record(NOW - timedelta(days=29), seconds=600, areas=("shoulders",)),  # too old
        record(NOW - timedelta(days=1), seconds=6000, areas=("shoulders",), speed=10),  # preview
    ]
    stats = compute(sessions, NOW, tz=UTC)
    assert stats.areas == {
        "neck": 1.0,
        "shoulders": 0.0,
        "chest": 1.0,
        "upper-back": 0.0,
        "middle-back": 4.0,
        "lower-back": 4.0,
    }
    assert stats.neglected == "shoulders"  # the first of the least worked
    ties = compute([], NOW, tz=UTC)
    assert ties.neglected == "neck" and set(ties.areas.values()) == {0.0}


def test_the_pain_change_and_its_weekly_trend() -> None:
    sessions = [
        record(NOW - timedelta(days=8), before=6, after=4),
        record(NOW - timedelta(days=1), before=4, after=3),
        record(NOW - timedelta(hours=1), before=2),  # no after: not in the change
        record(NOW - timedelta(hours=2)),
    ]
    stats = compute(sessions, NOW, weeks=3, tz=UTC)
    assert stats.pain_change == -1.5 and stats.pain_pairs == 2
    assert stats.pain_by_week == (None, 6.0, 3.0)
    assert compute([], NOW, tz=UTC).pain_change is None


def test_stopped_sessions_without_an_exercise_done_and_previews_do_not_count() -> None:
    sessions = [
        record(NOW - timedelta(hours=3), done=0, skipped=2),
        record(NOW - timedelta(hours=2), speed=50),
        record(NOW - timedelta(hours=1)),
    ]
    stats = compute(sessions, NOW, tz=UTC)
    assert stats.this_week.sessions == 1
    assert stats.this_week.minutes == 5  # the skipped one had no active time


def test_the_text_json_and_csv_reports() -> None:
    sessions = weeks_of_sessions([3, 3, 1])
    sessions.append(record(NOW - timedelta(hours=1), done=2, skipped=1, before=5, after=3, ident=9))
    stats = compute(sessions, NOW, tz=UTC)
    lines = stats_lines(stats)
    assert lines[0] == "This week: 2 of 3 sessions, 15 min - 1 to go"
    assert lines[1] == "Streak: 2 weeks in a row with 3 or more sessions"
    assert "Mon 16 Nov         3 * ##########       15" in lines
    assert any("<- least worked" in line and "shoulders" in line for line in lines)
    assert "  neck            50  ####################" in lines
    assert "  shoulders        0    <- least worked" in lines
    assert lines[-1] == "Stiffness or pain eased by 2.0 on average (0-10, over 1 session)"
    data = stats_json(stats)
    assert data["streak_weeks"] == 2 and data["this_week"] == {"sessions": 2, "to_go": 1}
    assert json.loads(json.dumps(data)) == data
    header, rows = history_rows(sessions, tz=UTC)
    assert header[:3] == ["WHEN", "ROUTINE", "STATE"]
    assert rows[0] == [
        "Wed 25 Nov 2026 11:00",
        "Test Routine",
        "stopped",
        "2/3",
        "10:00",
        "0:00",
        "5 -> 3",
    ]
    table = list(csv.DictReader(io.StringIO(history_csv(sessions))))
    assert len(table) == len(sessions)
    assert table[-1]["feeling_before"] == "5" and table[-1]["exercises_skipped"] == "1"
    assert table[-1]["started_at"] == "2026-11-25T11:00:00+00:00"


def test_the_weeks_numbers_stand_under_their_headings() -> None:
    sessions = weeks_of_sessions([12, 3, 1])
    lines = stats_lines(compute(sessions, NOW, tz=UTC))
    header = next(line for line in lines if line.startswith("WEEK OF"))
    weeks = [line for line in lines if line[:3] in ("Mon", "Sun")]
    assert len(weeks) == 8
    for heading in ("SESSIONS", "MINUTES"):
        end = header.index(heading) + len(heading)
        for line in weeks:  # a number whose last digit is under the heading's last letter
            assert line[end - 1].isdigit() and not line[end : end + 1].strip(), (header, line)
    assert {line.index("#") for line in weeks if "#" in line} == {header.index("SESSIONS") + 11}


# --- through the command line ---------------------------------------------------------------


def cli(*args: str, tz: str = "UTC") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "stretchtimer", *args],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "TZ": tz},
    )


def store_sessions(*moments: datetime) -> None:
    timeline = plan(make_routine("one"), [make_exercise("one")])
    store = HistoryStore.open()
    assert store is not None
    with store:
        for moment in moments:
            session_id = store.start_session(timeline, moment)
            done = [ExerciseRecord(0, "one", "One", ("neck",), "done", 10.0, 10.0)]
            store.save_progress(
                session_id, done, at=moment, active_seconds=15, paused_seconds=0, state="finished"
            )


def test_history_and_stats_commands_in_two_time_zones() -> None:
    now = datetime.now(UTC)
    # the latest Monday 04:30 UTC in the past: Sunday night in New York
    monday = now.date() - timedelta(days=now.weekday())
    late = datetime.combine(monday, datetime.min.time(), UTC) + timedelta(hours=4, minutes=30)
    if late > now:
        late -= timedelta(weeks=1)
    store_sessions(late, late - timedelta(days=40))
    utc = json.loads(cli("stats", "--json", "--weeks", "2").stdout)
    new_york = json.loads(cli("stats", "--json", "--weeks", "2", tz="America/New_York").stdout)
    assert [w["sessions"] for w in utc["weeks"]] == [0, 1]
    assert [w["sessions"] for w in new_york["weeks"]] == [1, 0]
    text = cli("history", "--days", "30", tz="America/New_York")
    assert text.returncode == 0, text.stderr
    [header, row] = text.stdout.splitlines()
    assert header.split()[:2] == ["WHEN", "ROUTINE"] and row.startswith("Sun ")
    assert "23:30  Test Routine  finished  1/1" in row
    assert len(json.loads(cli("history", "--json", "--days", "60").stdout)) == 2
    assert cli("history", "--csv").stdout.count("\n") == 2  # the header and one session
    assert cli("stats").stdout.startswith("This week: ")
    assert [s.id for s in read_sessions()] == [2, 1]


def test_bad_numbers_are_one_line_and_exit_2() -> None:
    for args in (
        ["history", "--days", "-1"],
        ["history", "--days", "0"],
        ["history", "--days", "many"],
        ["stats", "--weeks", "0"],
        ["history", "--json", "--csv"],
    ):
        result = cli(*args)
        assert result.returncode == 2, args
        assert result.stderr.startswith("stretchtimer: ") and result.stderr.count("\n") == 1


def test_empty_history_says_how_to_start() -> None:
    result = cli("history")
    assert result.returncode == 0
    assert result.stdout.startswith("No sessions in the last 30 days.")
    assert json.loads(cli("history", "--json").stdout) == []
    assert (
        cli("stats").stdout
        == "No sessions yet. Start one with `stretchtimer`; your goal is 3 a week.\n"
    )
    assert json.loads(cli("stats", "--json").stdout)["streak_weeks"] == 0


def test_a_few_seconds_on_an_area_are_not_shown_as_zero_beside_a_full_bar() -> None:
    stats = compute([record(NOW - timedelta(hours=1), seconds=18)], NOW, tz=UTC)
    rows = [line for line in stats_lines(stats) if line.startswith("  neck ")]
    assert rows == ["  neck           0.3  ####################"]
    # and the same in the app's history screen
    [row] = [line for line in areas_text(stats).splitlines() if line.startswith("neck ")]
    assert row.startswith("neck        0.3 ######")


def test_plain_mode_s_last_line_and_the_history_give_a_session_the_same_seconds() -> None:
    """Elapsed times round down everywhere: 104.6 s is 1:44 in the last line as in `history`
    (the last line said 1:45)."""
    from stretchtimer.plain import final_line
    from stretchtimer.session.engine import Summary

    summary = Summary("stopped", 3, 0, 9, (0,), (), active_seconds=287.4, paused_seconds=104.6)
    assert final_line(summary).endswith("active 4:47, paused 1:44.")
    session = record(NOW - timedelta(hours=1), seconds=287.4)
    session = dataclasses.replace(session, active_seconds=287.4, paused_seconds=104.6)
    [row] = history_rows([session], tz=UTC)[1]
    assert row[4:6] == ["4:47", "1:44"]


def test_the_app_s_recent_sessions_say_a_preview_and_a_level_as_history_does() -> None:
    from stretchtimer.tui.screens.history_screen import recent_text

    preview = dataclasses.replace(record(NOW, speed=20), level="easy")
    [line] = recent_text([preview]).splitlines()[1:]
    assert "  Test Routine, easy (x20)  " in line
    [row] = history_rows([preview], tz=UTC)[1]
    assert row[1] == "Test Routine, easy (x20)"
