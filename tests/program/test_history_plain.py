"""The history kept by whole programs: plain-mode sessions in real processes and terminals."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from programs import kill_9_at, quick_desk_break, signal_at, started
from terminal import Terminal

from stretchtimer.history.store import (
    db_path,
    read_sessions,
)

T0 = datetime(2026, 11, 25, 9, 0, tzinfo=UTC)


def plain(*args: str, routine: str = "desk-break") -> subprocess.Popen[str]:
    return started("run", routine, "--plain", "--mute", *args)


def test_plain_runs_in_two_terminals_at_once_both_log() -> None:
    runs = [plain("--speed", "400") for _ in range(2)]
    for process in runs:
        out, err = process.communicate(timeout=60)
        assert process.returncode == 0 and err == "", err
        assert out.splitlines()[-1].startswith("Finished:")
    sessions = read_sessions()
    assert [(s.state, s.done) for s in sessions] == [("finished", 6), ("finished", 6)]


def test_no_log_keeps_nothing() -> None:
    process = plain("--speed", "1000", "--no-log")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    assert not db_path().exists()


def test_an_unwritable_data_dir_still_runs_the_session(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "a-file").write_text("")
    monkeypatch.setenv("STRETCHTIMER_DATA_DIR", str(tmp_path / "a-file" / "data"))
    out, err = plain("--speed", "1000").communicate(timeout=60)
    assert out.splitlines()[-1].startswith("Finished:")
    [line] = err.splitlines()
    assert line.startswith("stretchtimer: cannot write the history in")


def test_kill_9_mid_session_keeps_the_finished_exercises(user_config: Path) -> None:
    # Desk Break's exercises; the last three take 0.9 s at x20: time to read and kill
    process = plain("--speed", "20", routine=quick_desk_break(user_config))
    # once the fourth exercise begins, the first two ended a whole exercise ago
    kill_9_at(process, lambda line: "Next up: Scapular Squeeze" in line)
    [session] = read_sessions()
    assert session.state == "running"  # it never got to say it ended
    logged = [(e.exercise_id, e.outcome) for e in session.exercises]
    assert logged[:2] == [("neck-roll", "done"), ("shoulder-roll", "done")]
    assert {outcome for _, outcome in logged} == {"done"} and len(logged) < 6
    assert session.active_seconds > 0


def test_plain_mode_asks_how_the_back_feels_in_a_terminal() -> None:
    with Terminal("run", "desk-break", "--plain", "--mute") as terminal:
        terminal.expect("How stiff or sore is your back right now?")
        terminal.press(b"6")
        terminal.expect("Noted: 6 of 10.")
        terminal.press(b"q")
        terminal.expect("Stop this session?")
        terminal.press(b"y")
        terminal.expect("Stopped: ")
        terminal.expect("And now, how stiff or sore is it?")
        terminal.press(b"x")
        terminal.expect("Noted: 10 of 10 (before: 6).")
        assert terminal.process.wait(timeout=10) == 0
    [session] = read_sessions()
    assert (session.state, session.feeling_before, session.feeling_after) == ("stopped", 6, 10)


def test_plain_mode_without_a_terminal_never_asks() -> None:
    out, _ = plain("--speed", "1000").communicate(timeout=60)
    assert "stiff or sore" not in out
    [session] = read_sessions()
    assert session.feeling_before is None and session.feeling_after is None


def test_a_closed_terminal_sighup_keeps_the_session_as_stopped(user_config: Path) -> None:
    process = plain("--speed", "20", routine=quick_desk_break(user_config))
    # the first exercise is done
    signal_at(process, lambda line: "Next up: Shoulder Roll" in line, signal.SIGHUP)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 128 + signal.SIGHUP, err
    assert out.splitlines()[-1].startswith("Stopped: ")
    [session] = read_sessions()
    assert session.state == "stopped"
    assert (session.exercises[0].exercise_id, session.exercises[0].outcome) == (
        "neck-roll",
        "done",
    )


def test_ctrl_c_in_a_terminal_leaves_without_asking_again() -> None:
    with Terminal("run", "desk-break", "--plain", "--mute") as terminal:
        terminal.expect("How stiff or sore is your back right now?")
        terminal.process.send_signal(signal.SIGINT)
        out = terminal.finish(timeout=10)  # well before the question's 30 s
        assert terminal.process.returncode == 130  # 128 + SIGINT, as a shell expects
    assert out.splitlines()[-1].startswith("Stopped: ")
    assert "And now" not in out


@contextmanager
def small_filesystem(where: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs at `where` (as root, as on CI); the test is skipped where none can be
    mounted."""
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(where)], capture_output=True
    )
    if os.geteuid() != 0 or mounted.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here: {mounted.stderr!r}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path) -> Path:
    """Write a file in `folder` until its filesystem is full."""
    filler = folder / "filler"
    with contextlib.suppress(OSError), filler.open("wb", buffering=0) as out:
        while True:
            out.write(b"\0" * 4096)
    return filler


def test_a_really_full_disk_at_the_end_is_told_and_the_session_saved_once_there_is_room(
    tmp_path: Path, user_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with small_filesystem(tmp_path / "small") as data:
        monkeypatch.setenv("STRETCHTIMER_DATA_DIR", str(data))
        process = plain("--speed", "25", routine=quick_desk_break(user_config))  # about 3 s
        assert process.stdout is not None
        deadline = time.monotonic() + 30
        while not read_sessions() and time.monotonic() < deadline:  # its row is written
            time.sleep(0.05)
        filler = fill(data)
        told = ""
        for line in process.stdout:
            if line.startswith("Not saved to the history yet"):
                told = line
                filler.unlink()  # room again: the try before exit writes it
                break
        out, err = process.communicate(timeout=30)
        assert "database or disk is full" in told, (out, err)
        assert out.splitlines()[-1] == "Saved to the history."
        assert process.returncode == 0, err
        [session] = read_sessions()
        assert (session.state, session.done) == ("finished", 6)
