"""The routine a reminder suggests, and the length it says: the length the session will take
with your get-ready and rest, as the picker and `show` say it."""

from __future__ import annotations

from pathlib import Path

from stretchtimer.library.loader import load_catalog
from stretchtimer.memory import PickerMemory, write_memory
from stretchtimer.remind.main import Suggester
from stretchtimer.session.plan import plan, session_timeline
from stretchtimer.settings import Settings


def test_the_suggested_length_is_the_session_with_your_pacing(tmp_path: Path) -> None:
    settings = Settings(prepare=3, rest=3, break_minutes=5)
    suggestion = Suggester(settings, history=tmp_path / "history.sqlite3")()

    assert suggestion is not None
    catalog = load_catalog()
    routine = catalog.routine(suggestion.routine_id)
    exercises = catalog.routine_exercises(routine)
    paced = session_timeline(routine, exercises, settings).total
    assert paced != plan(routine, exercises).total  # the pacing changes this routine's length
    assert suggestion.seconds == paced


def test_a_short_break_gets_a_routine_that_fits_it(tmp_path: Path) -> None:
    suggestion = Suggester(Settings(break_minutes=6), history=tmp_path / "history.sqlite3")()

    assert suggestion is not None
    assert suggestion.seconds <= 6 * 60 * 1.1
    assert suggestion.routine_id == "desk-break"


def test_the_suggested_length_is_at_the_level_you_chose(tmp_path: Path) -> None:
    assert write_memory(PickerMemory().with_level("desk-break", "full"))
    settings = Settings(break_minutes=6)
    suggestion = Suggester(settings, history=tmp_path / "history.sqlite3")()

    assert suggestion is not None and suggestion.routine_id == "desk-break"
    catalog = load_catalog()
    routine = catalog.routine("desk-break")
    exercises = catalog.routine_exercises(routine)
    assert suggestion.seconds == session_timeline(routine, exercises, settings, "full").total
    assert suggestion.seconds > session_timeline(routine, exercises, settings).total
