"""Resume and progression in the app (Pilot, time moved by hand): the picker offers the
session cut short, and the summary offers the next level or suggests easing off."""

from __future__ import annotations

from datetime import datetime, timedelta

from test_tui import seen_safety, session_of, settle
from test_tui_history import finish, picker, session_app
from textual.widgets import Label, OptionList, Static

from stretchtimer.history.records import ExerciseRecord, utc_now
from stretchtimer.history.resume import find_unfinished
from stretchtimer.history.store import HistoryStore, read_sessions
from stretchtimer.library.loader import load_catalog
from stretchtimer.safety import RED_FLAGS, URGENT
from stretchtimer.session.clock import ManualClock
from stretchtimer.session.plan import Timeline, plan
from stretchtimer.tui.app import StretchTimerApp
from stretchtimer.tui.screens.summary_screen import SummaryScreen


def desk_break() -> Timeline:
    catalog = load_catalog()
    routine = catalog.routine("desk-break")
    return plan(routine, catalog.routine_exercises(routine))


def log_session(
    started: datetime,
    outcomes: list[str],
    state: str,
    before: int | None = None,
    after: int | None = None,
) -> int:
    """A desk-break session in the history, its exercises ending as `outcomes` say."""
    timeline = desk_break()
    store = HistoryStore.open()
    assert store is not None
    with store:
        session_id = store.start_session(timeline, started, feeling_before=before)
        records = [
            ExerciseRecord(
                position,
                timeline.exercises[position].id,
                timeline.exercises[position].name,
                tuple(timeline.exercises[position].good_for),
                outcome,
                timeline.exercise_seconds(position),
                timeline.exercise_seconds(position),
            )
            for position, outcome in enumerate(outcomes)
        ]
        active = sum(record.seconds for record in records)
        ended = started + timedelta(seconds=active)
        store.save_progress(
            session_id, records, at=ended, active_seconds=active, paused_seconds=0, state=state
        )
        if after is not None:
            store.set_feeling(session_id, after=after)
    return session_id


def prompts(options: OptionList) -> list[str]:
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_picker_offers_the_session_cut_short_and_enter_goes_on_with_it(
    user_config: object,
) -> None:
    seen_safety(user_config)  # type: ignore[arg-type]
    names = [exercise.name for exercise in desk_break().exercises]
    ended = utc_now() - timedelta(minutes=12)
    cut_short = log_session(
        ended - timedelta(seconds=180), ["done", "skipped", "partial"], "stopped", before=5
    )
    app = StretchTimerApp(clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await picker(pilot)
        options = screen.query_one("#routines", OptionList)
        first = " ".join(prompts(options)[0].split())  # on two lines or more
        assert first == f"Resume Desk Break from {names[2]} (ended 12 min ago)"
        assert screen.offer is not None and screen.offer.unfinished.record.id == cut_short
        options.highlighted = 0
        await settle(pilot)
        details = str(screen.query_one("#routine-details", Static).content)
        assert f"Resume Desk Break from {names[2]} (ended 12 min ago)." in details
        assert "1 exercise of 6 done; it goes on from exercise 3" in details
        assert details.endswith("Enter to resume")

        await pilot.press("enter")
        await settle(pilot)
        session = session_of(pilot)
        assert session.engine.session.step.exercise_index == 2
        assert not str(session.query_one("#feeling", Label).content)  # asked the first time
        clock = app.clock
        assert isinstance(clock, ManualClock)
        for _ in range(12):
            clock.advance(30)
            await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        await app.workers.wait_for_complete()
    [session] = read_sessions()
    assert (session.id, session.state, session.feeling_before) == (cut_short, "finished", 5)
    assert [e.outcome for e in session.exercises] == ["done", "skipped", *["done"] * 4]
    assert [e.exercise_id for e in session.exercises] == [e.id for e in desk_break().exercises]


async def test_a_session_cut_short_long_ago_or_started_afresh_since_is_not_offered(
    user_config: object,
) -> None:
    now = utc_now()
    log_session(now - timedelta(hours=3), ["done", "partial"], "stopped")  # too long ago
    app = StretchTimerApp(clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await picker(pilot)
        assert screen.offer is None
        assert not prompts(screen.query_one("#routines", OptionList))[0].startswith("Resume")
    log_session(now - timedelta(minutes=30), ["done", "partial"], "running")
    log_session(now - timedelta(minutes=10), ["done"] * 6, "finished")  # started afresh
    app = StretchTimerApp(clock=ManualClock())
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await picker(pilot)
        assert screen.offer is None


def log_finished(*feelings: tuple[int | None, int | None]) -> None:
    start = utc_now() - timedelta(days=len(feelings))
    for day, (before, after) in enumerate(feelings):
        log_session(start + timedelta(days=day), ["done"] * 6, "finished", before, after)


async def summary_advice(user_config: object) -> str:
    async with session_app(user_config) as (pilot, clock):  # type: ignore[arg-type]
        await finish(pilot, clock)
        advice = pilot.app.screen.query_one("#summary-next", Static)
        return str(advice.content) if advice.display else ""


async def test_the_third_session_without_more_stiffness_offers_the_next_level(
    user_config: object,
) -> None:
    log_finished((5, 3), (4, 4))
    advice = await summary_advice(user_config)
    assert advice == (
        "3 Desk Break sessions done at the standard level, and your back was no stiffer after"
        " any you rated. Ready for a little more? Try the full level next time"
        " (l in the list of routines, or --level full)."
    )


async def test_stiffness_rising_on_average_suggests_easing_off_with_the_red_flags(
    user_config: object,
) -> None:
    log_finished((3, 6), (4, 6))
    advice = await summary_advice(user_config)
    assert advice.startswith(
        "Over your last 3 Desk Break sessions your back felt stiffer afterwards than before"
        " (+2.5 of 10 on average, 2 rated). Ease off for a while: go back to the easy level"
    )
    assert advice.endswith(f"{RED_FLAGS}\n\n{URGENT}")


async def test_two_sessions_are_not_enough_to_suggest_anything(user_config: object) -> None:
    log_finished((5, 3))
    assert await summary_advice(user_config) == ""


async def test_run_resume_opens_the_app_straight_into_the_session_cut_short(
    user_config: object,
) -> None:
    """What `stretchtimer run --resume` does without --plain."""
    seen_safety(user_config)  # type: ignore[arg-type]
    log_session(utc_now() - timedelta(minutes=5), ["done", "done"], "running")
    found = find_unfinished(utc_now())
    assert found is not None and found.position == 2
    clock = ManualClock()
    app = StretchTimerApp(routine_id="desk-break", resuming=found, clock=clock, speed=100)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert session_of(pilot).engine.session.step.exercise_index == 2
        for _ in range(4):
            clock.advance(1)
            await settle(pilot)
        assert isinstance(app.screen, SummaryScreen)
        text = str(app.screen.query_one("#summary-text", Static).content)
        assert "Exercises done     6 of 6" in text  # both parts
        await app.workers.wait_for_complete()
    [session] = read_sessions()
    assert (session.id, session.state, session.done) == (found.record.id, "finished", 6)
