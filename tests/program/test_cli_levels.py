"""`--level` on the command line, run as a subprocess: show, its JSON, run --plain and the
history it leaves, and list's times."""

from __future__ import annotations

import json

import pytest
from programs import stretchtimer

from stretchtimer.memory import PickerMemory, write_memory

# desk-break: 4:18 easy, 5:26 standard, 5:38 full (the README's table; tests/unit/test_levels.py
# works each level out from the ranges).
DESK_BREAK = {"easy": 258.0, "standard": 326.0, "full": 338.0}


@pytest.mark.parametrize("level", ["easy", "standard", "full"])
def test_show_json_follows_the_level(level: str) -> None:
    result = stretchtimer("show", "desk-break", "--json", "--level", level)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert (data["level"], data["total_seconds"]) == (level, DESK_BREAK[level])
    assert data["level_seconds"] == DESK_BREAK
    last = data["timeline"][-1]
    assert last["start_seconds"] + last["duration_seconds"] == DESK_BREAK[level]
    rounds = data["exercises"][0]["dose"]["rounds"]
    assert rounds["default"] == {"easy": 2, "standard": 3, "full": 3}[level]
    assert (rounds["min"], rounds["max"]) == (2, 3)  # the range itself is kept


def test_show_says_the_level_and_the_others() -> None:
    lines = stretchtimer("show", "desk-break", "--level", "easy").stdout.splitlines()
    assert lines[0] == "Desk Break (desk-break) - 4:18, easy level"
    assert "Levels: standard 5:26, full 5:38 (--level)" in lines
    assert (
        stretchtimer("show", "desk-break").stdout.splitlines()[0]
        == "Desk Break (desk-break) - 5:26"
    )
    voice = stretchtimer("show", "lower-back", "--voice", "--level", "full").stdout.splitlines()
    assert voice[0] == "Lower Back (lower-back) - 13:40, full level, what the voice says (--voice)"


def test_show_an_exercise_at_a_level() -> None:
    full = stretchtimer("show", "upper-trapezius-stretch", "--level", "full").stdout
    assert "Dose: hold 15 s each side (range: 10-15 seconds)" in full
    easy = json.loads(
        stretchtimer("show", "upper-trapezius-stretch", "--json", "--level", "easy").stdout
    )
    assert easy["dose"]["seconds"] == {"default": 10, "min": 10, "max": 15}


def test_an_unknown_level_is_refused_in_one_line() -> None:
    result = stretchtimer("show", "desk-break", "--level", "hard")
    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "argument --level: invalid choice: 'hard'" in line  # and the choices, quoted or not
    assert [word in line for word in ("easy", "standard", "full")] == [True] * 3


def test_run_plain_at_a_level_is_kept_in_the_history_with_it() -> None:
    session = stretchtimer(
        "run", "desk-break", "--plain", "--level", "easy", "--speed", "2000", "--mute"
    )
    assert session.returncode == 0, session.stderr
    assert "Desk Break (easy): 6 exercises, 4:18." in session.stdout.splitlines()
    assert "Neck Roll" in session.stdout
    [logged] = json.loads(stretchtimer("history", "--json").stdout)
    assert (logged["routine_id"], logged["level"], logged["planned_seconds"]) == (
        "desk-break",
        "easy",
        DESK_BREAK["easy"],
    )
    assert logged["state"] == "finished"
    assert "Desk Break, easy (x2000)" in stretchtimer("history").stdout


def test_run_without_a_level_takes_the_one_chosen_in_the_app() -> None:
    """What a reminder's break runs (`run ROUTINE`): the level you moved the routine to."""
    assert write_memory(PickerMemory().with_level("desk-break", "full"))
    remembered = stretchtimer("run", "desk-break", "--plain", "--speed", "2000", "--mute")
    assert remembered.returncode == 0, remembered.stderr
    assert "Desk Break (full): 6 exercises, 5:38." in remembered.stdout.splitlines()
    asked = stretchtimer(
        "run", "desk-break", "--plain", "--level", "standard", "--speed", "2000", "--mute"
    )
    assert "Desk Break: 6 exercises, 5:26." in asked.stdout.splitlines()
    levels = [session["level"] for session in json.loads(stretchtimer("history", "--json").stdout)]
    assert sorted(levels) == ["full", "standard"]
    # and `show` says what `run` would run
    assert stretchtimer("show", "desk-break").stdout.startswith("Desk Break (desk-break) - 5:38")
    shown = stretchtimer("show", "desk-break", "--level", "standard").stdout
    assert shown.startswith("Desk Break (desk-break) - 5:26\n")
    assert json.loads(stretchtimer("show", "desk-break", "--json").stdout)["level"] == "full"


def test_list_shows_the_standard_time_and_the_easy_to_full_ones() -> None:
    lines = stretchtimer("list").stdout.splitlines()
    [desk] = [line for line in lines if line.startswith("desk-break ")]
    assert "5:26 (4:18-5:38)" in desk
