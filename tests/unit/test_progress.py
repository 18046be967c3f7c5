"""The progression rule: next level, easing off, or nothing yet (a pure function)."""

from __future__ import annotations

import io
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from conftest import make_exercise, make_routine

from stretchtimer import plain
from stretchtimer.history.progress import Advice, Step, advice_text, progression
from stretchtimer.history.records import SessionRecord
from stretchtimer.history.store import HistoryStore
from stretchtimer.safety import RED_FLAGS, URGENT
from stretchtimer.session.clock import VirtualClock
from stretchtimer.session.plan import plan
from stretchtimer.settings import Settings

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def sessions(
    *feelings: tuple[int | None, int | None],
    routine: str = "lower-back",
    state: str = "finished",
    speed: float = 1.0,
) -> list[SessionRecord]:
    return [
        SessionRecord(
            id=day,
            routine_id=routine,
            routine_name="Lower Back",
            started_at=T0 + timedelta(days=day),
            ended_at=T0 + timedelta(days=day, minutes=10),
            planned_seconds=585,
            active_seconds=585,
            paused_seconds=0,
            state=state,
            speed=speed,
            feeling_before=before,
            feeling_after=after,
        )
        for day, (before, after) in enumerate(feelings)
    ]


def advice(history: list[SessionRecord], level: str = "standard") -> Advice | None:
    return progression(history, "lower-back", level)


def test_three_finished_sessions_without_stiffness_rising_offer_the_next_level() -> None:
    found = advice(sessions((5, 3), (4, 4), (3, 2)))
    assert found == Advice(Step.UP, "Lower Back", "standard", "full", rated=3)
    assert advice(sessions((5, 3), (4, 4), (3, 2)), "easy") is None  # none at easy
    assert advice(sessions((2, 2), (2, 1), (2, 2)), "full") is None  # none above full


def test_fewer_than_three_suggest_nothing() -> None:
    assert advice(sessions((5, 3), (4, 4))) is None
    assert advice(sessions((3, 9), (3, 9))) is None


def test_only_finished_real_time_sessions_of_the_routine_count() -> None:
    two = sessions((5, 3), (4, 4))
    for other in (
        sessions((3, 3), state="stopped"),
        sessions((3, 3), state="running"),
        sessions((3, 3), speed=20),
        sessions((3, 3), routine="desk-break"),
    ):
        assert advice([*two, *other]) is None
    assert advice([*two, *sessions((3, 3))]) is not None


def test_each_level_counts_its_own_sessions() -> None:
    easy = [replace(record, level="easy") for record in sessions((5, 3), (4, 4), (3, 2))]
    assert advice(easy) is None  # none at standard
    assert advice(easy, "easy") == Advice(Step.UP, "Lower Back", "easy", "standard", rated=3)
    unknown = [replace(record, level="hard") for record in sessions((5, 3), (4, 4), (3, 2))]
    assert advice(unknown) is not None  # a level this version does not know: standard


def test_only_the_last_three_count() -> None:
    rose_long_ago = sessions((1, 9), (5, 3), (4, 4), (3, 2))
    assert advice(rose_long_ago) == Advice(Step.UP, "Lower Back", "standard", "full", rated=3)


def test_stiffness_rising_on_average_suggests_easing_off() -> None:
    found = advice(sessions((3, 5), (4, 4), (3, 4)))
    assert found is not None and found.step is Step.EASE
    assert (found.to, found.rated, found.rise) == ("easy", 3, pytest.approx(1))
    easy = [replace(record, level="easy") for record in sessions((3, 5), (4, 4), (3, 4))]
    at_easy = advice(easy, "easy")
    assert at_easy is not None and at_easy.step is Step.EASE and at_easy.to is None


def test_one_rise_that_is_not_a_rise_on_average_suggests_nothing() -> None:
    assert advice(sessions((3, 4), (5, 3), (4, 4))) is None


def test_unrated_sessions_count_as_done_and_are_left_out_of_the_average() -> None:
    unrated = advice(sessions((None, None), (None, None), (None, None)))
    assert unrated == Advice(Step.UP, "Lower Back", "standard", "full", rated=0)
    half_rated = advice(sessions((None, None), (2, None), (2, 5)))
    assert half_rated is not None and (half_rated.step, half_rated.rated) == (Step.EASE, 1)


def test_the_words() -> None:
    up = advice_text(Advice(Step.UP, "Lower Back", "standard", "full", rated=3))
    assert up == (
        "3 Lower Back sessions done at the standard level, and your back was no stiffer after"
        " any of them. Ready for a little more? Try the full level next time"
        " (l in the list of routines, or --level full)."
    )
    unrated = advice_text(Advice(Step.UP, "Lower Back", "easy", "standard", rated=0))
    assert unrated.startswith("3 Lower Back sessions done at the easy level. Ready")
    ease = advice_text(Advice(Step.EASE, "Lower Back", "easy", None, rated=2, rise=1.5))
    assert "(+1.5 of 10 on average, 2 rated)" in ease
    assert "go back to a shorter routine, or fewer sessions a week" in ease
    assert ease.endswith(f"{RED_FLAGS}\n\n{URGENT}")


# --- in plain mode, after the session -------------------------------------------------------


def test_plain_mode_says_it_after_the_session(monkeypatch: pytest.MonkeyPatch) -> None:
    """A real-time session (virtual clock) of a routine finished twice before without more
    stiffness: its last lines offer the next level."""
    monkeypatch.setattr(plain, "safety_seen", lambda: True)
    line = plan(make_routine("one", "two"), [make_exercise("one"), make_exercise("two")])
    store = HistoryStore.open()
    assert store is not None
    with store:
        for day in (2, 1):
            session_id = store.start_session(line, T0 - timedelta(days=day), feeling_before=4)
            store.save_progress(
                session_id, [], at=T0, active_seconds=40, paused_seconds=0, state="finished"
            )
            store.set_feeling(session_id, after=3)
    out = io.StringIO()
    code = plain.run_plain(line, out=out, clock_=VirtualClock(), settings=Settings(sound="off"))
    *_, last, advice = out.getvalue().splitlines()
    assert code == 0 and last.startswith("Finished:")
    assert advice == (
        "3 Test Routine sessions done at the standard level, and your back was no stiffer after"
        " any you rated. Ready for a little more? Try the full level next time"
        " (l in the list of routines, or --level full)."
    )
