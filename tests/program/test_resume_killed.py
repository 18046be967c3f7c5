"""Resuming a session cut short, through real processes: kill -9 mid-session, then
`run --resume`, and the history keeps both parts as one session."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from programs import kill_9_at, quick_desk_break, started

from stretchtimer.history.store import read_sessions
from stretchtimer.library.loader import load_catalog


@pytest.fixture(autouse=True)
def routine(user_config: Path) -> str:
    """Desk Break's six exercises in 1:24: the session and its resume take seconds."""
    return quick_desk_break(user_config)


def exercises(routine: str) -> list[tuple[str, str]]:
    """The routine's exercises, (id, name), in order."""
    catalog = load_catalog()
    return [(e.id, e.name) for e in catalog.routine_exercises(catalog.routine(routine))]


def run(*args: str) -> subprocess.Popen[str]:
    return started("run", *args, "--plain", "--mute")


def kill_in_the_third(routine: str) -> None:
    """Run the routine at 20 times and kill -9 it once its third exercise's work is under
    way: the first two are over, the third is in progress."""
    third = exercises(routine)[2][1]
    kill_9_at(
        run(routine, "--speed", "20"),
        lambda line: f"| {third} |" in line and "Get ready" not in line and "Rest" not in line,
    )


def test_a_killed_session_resumes_from_its_exercise_and_is_kept_as_one_session(
    routine: str,
) -> None:
    kill_in_the_third(routine)
    moves = exercises(routine)
    [cut_short] = read_sessions()
    assert cut_short.state == "running"  # it never got to say it ended
    assert [(e.exercise_id, e.outcome) for e in cut_short.exercises] == [
        (moves[0][0], "done"),
        (moves[1][0], "done"),
    ]

    process = run("--resume")  # at the speed it ran at
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0 and err == "", err
    lines = out.splitlines()
    third, count = moves[2][1], len(moves)
    assert f"Going on from {third} (3 of {count}): 2 exercises done before" in out
    steps = [line for line in lines if line.startswith("[")]
    assert f"| {third} | Get ready." in steps[0]  # not from the beginning of the routine
    assert not any(f"| {moves[0][1]} |" in s or f"| {moves[1][1]} |" in s for s in steps)
    assert lines[-1].startswith("Finished:")
    assert f"({count} exercises done, 0 skipped)" in lines[-1]  # it covers both parts

    [session] = read_sessions()
    assert (session.id, session.started_at) == (cut_short.id, cut_short.started_at)
    assert session.state == "finished" and session.speed == 20
    outcomes = [(e.position, e.outcome) for e in session.exercises]
    assert outcomes == [(position, "done") for position in range(count)]
    assert [e.exercise_id for e in session.exercises] == [move for move, _ in moves]
    # the second part's time adds to the first's: at least what the exercises took
    kept = sum(e.seconds for e in session.exercises)
    assert session.active_seconds >= kept > cut_short.active_seconds
    assert session.counts is False  # a preview at --speed 20, as before


def test_a_session_resumed_and_finished_is_not_offered_again(routine: str) -> None:
    kill_in_the_third(routine)
    assert run("--resume", "--speed", "1000").wait(timeout=120) == 0
    process = run("--resume")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err == "stretchtimer: no session to resume: none was cut short in the last 2 hours\n"


def test_resume_of_another_routine_finds_nothing(routine: str) -> None:
    kill_in_the_third(routine)
    process = run("desk-break", "--resume")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "no session of 'desk-break' to resume" in err
    [session] = read_sessions()
    assert session.state == "running"  # left as it was, still to be resumed


def test_a_session_killed_in_its_first_exercise_is_started_again_and_said_so(
    routine: str,
) -> None:
    first = exercises(routine)[0][1]
    work: list[str] = []  # killed at its second step of work: the history has the session

    def second_work_step(line: str) -> bool:
        if f"| {first} |" in line and "Get ready" not in line:
            work.append(line)
        return len(work) == 2

    kill_9_at(run(routine, "--speed", "20"), second_work_step)
    process = run("--resume")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.startswith(
        "stretchtimer: no session to resume: Quick Desk Break stopped in its first exercise ("
    )
    assert err.endswith(f"nothing to go on from; start it again: stretchtimer run {routine}\n")
