"""Resuming a session cut short, through real processes: kill -9 mid-session, then
`run --resume`, and the history keeps both parts as one session."""

from __future__ import annotations

import signal
import subprocess
import sys

from stretchtimer.history.store import read_sessions
from stretchtimer.library.loader import load_catalog

ROUTINE = "lower-back"


def exercises() -> list[tuple[str, str]]:
    """The routine's exercises, (id, name), in order."""
    catalog = load_catalog()
    return [(e.id, e.name) for e in catalog.routine_exercises(catalog.routine(ROUTINE))]


def run(*args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "stretchtimer", "run", *args, "--plain", "--mute"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        stdin=subprocess.DEVNULL,
        text=True,
    )


def kill_in_the_third() -> None:
    """Run the routine at 20 times and kill -9 it once its third exercise's work is under
    way: the first two are over, the third is in progress."""
    third = exercises()[2][1]
    process = run(ROUTINE, "--speed", "20")
    assert process.stdout is not None
    try:
        for line in process.stdout:
            if f"| {third} |" in line and "Get ready" not in line and "Rest" not in line:
                break
        else:
            raise AssertionError("the session ended early")
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=10)
    finally:
        process.kill()
        process.communicate()


def test_a_killed_session_resumes_from_its_exercise_and_is_kept_as_one_session() -> None:
    kill_in_the_third()
    moves = exercises()
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


def test_a_session_resumed_and_finished_is_not_offered_again() -> None:
    kill_in_the_third()
    assert run("--resume", "--speed", "1000").wait(timeout=120) == 0
    process = run("--resume")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err == "stretchtimer: no session to resume: none was cut short in the last 2 hours\n"


def test_resume_of_another_routine_finds_nothing() -> None:
    kill_in_the_third()
    process = run("desk-break", "--resume")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert "no session of 'desk-break' to resume" in err
    [session] = read_sessions()
    assert session.state == "running"  # left as it was, still to be resumed
