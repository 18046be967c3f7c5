"""Working hours and fixed times: reading them, asking them, and the one-line errors."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from stretchtimer.settings import ConfigError, load_settings
from stretchtimer.workhours import ScheduleError, parse_times, parse_work_hours

MONDAY = datetime(2026, 11, 23)


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return MONDAY.replace(day=23 + day, hour=hour, minute=minute)


def test_office_hours() -> None:
    hours = parse_work_hours("Mon-Fri 09:00-18:00")
    assert hours.contains(at(0, 9)) and hours.contains(at(4, 17, 59))
    assert not hours.contains(at(0, 8, 59)) and not hours.contains(at(0, 18))
    assert not hours.contains(at(5, 12))  # Saturday
    assert hours.text() == "Mon-Fri 09:00-18:00"


def test_several_groups_and_a_lunch_break() -> None:
    hours = parse_work_hours("Mon-Thu 09:00-12:30 13:30-18:00, Fri 09:00-13:00")
    assert hours.contains(at(0, 10)) and not hours.contains(at(0, 13))
    assert hours.contains(at(4, 12)) and not hours.contains(at(4, 14))
    assert parse_work_hours("mon,wed,FRI 10:00-11:00").contains(at(2, 10, 30))
    assert parse_work_hours("Monday 10:00-11:00").contains(at(0, 10, 30))


def test_past_midnight_and_always() -> None:
    night = parse_work_hours("Fri 22:00-06:00")
    assert night.contains(at(4, 23)) and night.contains(at(5, 5))
    assert not night.contains(at(5, 7)) and not night.contains(at(3, 23))
    assert parse_work_hours("always").contains(at(6, 3))
    assert parse_work_hours("Mon-Sun 00:00-24:00").contains(at(6, 23, 59))


def test_seconds_to_change() -> None:
    hours = parse_work_hours("Mon-Fri 09:00-18:00")
    assert hours.seconds_to_change(at(0, 8)) == 3600
    assert hours.seconds_to_change(at(0, 17)) == 3600
    assert hours.seconds_to_change(at(4, 18)) == (2 * 24 + 15) * 3600  # to Monday 09:00
    assert parse_work_hours("always").seconds_to_change(at(0, 8)) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mnday 09:00-18:00", "unknown day 'Mnday'"),
        ("Mon-Fri 09:00-25:00", "25:00 is not a time of day"),
        ("Mon-Fri 9-18", "'9' is not a time of day"),
        ("09:00-18:00", "has no days before it"),
        ("Mon-Fri", "no times after"),
        ("Mon 09:00-09:00", "not a span of time"),
        ("Mon 09:00", "not a span of time"),
    ],
)
def test_bad_work_hours(text: str, message: str) -> None:
    with pytest.raises(ScheduleError, match=message):
        parse_work_hours(text)


def test_times() -> None:
    assert parse_times("17:00, 12:30 12:30") == (12 * 60 + 30, 17 * 60)
    assert parse_times("") == ()
    for bad in ("25:00", "12:60", "noon", "24:00"):
        with pytest.raises(ScheduleError):
            parse_times(bad)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('work_hours = "Mon-Fry 09:00-18:00"\n', ":1: work_hours: unknown day 'Fry'"),
        ('\nwork_hours = "Mon-Fri 09:00-25:00"\n', ":2: work_hours: 25:00 is not a time"),
        ("remind_every = 0\n", ":1: remind_every: 0 is out of range; use 1 to 480"),
        ('remind_at = "12:30, 25:00"\n', ":1: remind_at: 25:00 is not a time of day"),
        ("break_minutes = 90\n", ":1: break_minutes: 90 is out of range; use 1 to 60"),
        ('idle_source = "eyes"\n', ":1: idle_source: 'eyes' is not one of auto,"),
        ('notify = "pigeon"\n', ":1: notify: 'pigeon' is not one of auto,"),
    ],
)
def test_bad_reminder_settings_name_the_key(tmp_path: Path, text: str, expected: str) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value).startswith(f"{path}{expected}")
    assert "\n" not in str(caught.value)


def test_the_readme_s_reminder_settings_are_the_defaults(tmp_path: Path) -> None:
    from conftest import REPO

    from stretchtimer.settings import Settings

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Reminders", 1)[1]
    example = section.split("```toml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "config.toml"
    path.write_text(example, encoding="utf-8")
    assert load_settings(path) == Settings()
    assert {line.split()[0] for line in example.splitlines()} == {
        "remind_every",
        "remind_at",
        "work_hours",
        "break_minutes",
        "idle_source",
        "notify",
        "on_break",
        "on_session_end",
        "break_proof",
    }
