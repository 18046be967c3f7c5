"""The hostile corpus, whole programs (issue 14): odd numbers, no terminal, closed and full
outputs, FIFOs, formulas in a spreadsheet. Each ends in one line and an exit code, never a
hang or a traceback."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

STRETCHTIMER = [sys.executable, "-m", "stretchtimer"]


def run(*args: str, **kwargs: object) -> subprocess.CompletedProcess[str]:
    options: dict[str, object] = {"capture_output": True, "text": True, "timeout": 60}
    options.update(kwargs)
    if "stdin" not in options and "input" not in options:
        options["stdin"] = subprocess.DEVNULL
    return subprocess.run([*STRETCHTIMER, *args], **options)  # type: ignore[call-overload, no-any-return]


def shell(command: str) -> subprocess.CompletedProcess[str]:
    """`command` in bash, with $ST the program: for redirections such as `<&-`."""
    line = " ".join(STRETCHTIMER)
    return subprocess.run(
        ["bash", "-c", command.replace("$ST", line)], capture_output=True, text=True, timeout=60
    )


@pytest.mark.parametrize("speed", ["1e-300", "0", "inf", "nan", "-2", "10001", "fast"])
def test_a_speed_that_cannot_run_is_refused_with_the_real_range(speed: str) -> None:
    done = run("run", "desk-break", "--plain", "--speed", speed)
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        f"stretchtimer: argument --speed: invalid speed '{speed}': use a number from 0.1 to 10000"
        " (see 'stretchtimer run --help')\n"
    )


def test_odd_digits_are_a_plain_message() -> None:
    done = run("stats", "--weeks", "²")
    assert done.returncode == 2
    assert "invalid number '²': use 1 to 520" in done.stderr
    assert "invalid parse value" not in done.stderr


def test_the_app_without_a_terminal_says_so_and_exits_2(tmp_path: Path) -> None:
    for args in ([], ["run", "desk-break"]):
        done = run(*args, timeout=20)  # stdin /dev/null, stderr a pipe: no terminal
        assert done.returncode == 2, done.stderr[:300]
        assert (
            done.stderr
            == "stretchtimer: no terminal: use --plain (stretchtimer run ROUTINE --plain)\n"
        )


def test_a_closed_pipe_stops_a_plain_session_which_is_kept_as_stopped() -> None:
    run("run", "desk-break", "--plain", "--speed", "1000", "--mute", "--no-log")  # the note
    done = shell("$ST run desk-break --plain --speed 20 --mute | head -3; echo ${PIPESTATUS[0]}")
    lines = done.stdout.splitlines()
    assert len(lines) == 4 and lines[-1] == "1", done
    assert done.stderr == (
        "stretchtimer: cannot write the output: Broken pipe: the session was stopped\n"
    )
    history = json.loads(run("history", "--json").stdout)
    assert [session["state"] for session in history] == ["stopped"]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("$ST run desk-break --plain --mute <&-", "standard input is closed"),
        ("$ST run desk-break --plain --mute >&-", "standard output is closed"),
        ("$ST list >&-", "standard output is closed"),
        ("$ST --help >&-", "standard output is closed"),
        ("$ST show --help >&-", "standard output is closed"),
        ("$ST --version >&-", "standard output is closed"),
        ("$ST --help >/dev/full", "cannot write the output: No space left on device"),
        ("$ST list >/dev/full", "cannot write the output: No space left on device"),
        ("$ST history --days 3 >/dev/full", "cannot write the output: No space left on device"),
        ("$ST schema >/dev/full", "cannot write the output: No space left on device"),
    ],
)
def test_closed_or_full_streams_are_one_line_and_a_failure(command: str, message: str) -> None:
    done = shell(command)
    assert done.returncode != 0
    assert done.stderr == f"stretchtimer: {message}\n" or done.stderr.startswith(
        f"stretchtimer: {message}:"
    ), done.stderr
    assert "Traceback" not in done.stderr


def test_fifos_given_as_files_are_refused_at_once(tmp_path: Path, user_config: Path) -> None:
    fifo = tmp_path / "x.yaml"
    os.mkfifo(fifo)
    done = run("validate", str(fifo), "/dev/zero", str(tmp_path / "missing.yaml"), timeout=20)
    assert done.returncode == 2
    assert done.stderr.splitlines() == [
        f"{tmp_path / 'missing.yaml'}:1: no such file or folder",
        f"{fifo}:1: not a regular file (a FIFO)",
        "/dev/zero:1: not a regular file (a character device)",
    ]
    os.mkfifo(user_config / "config.toml")
    done = run("stats", timeout=20)
    assert done.returncode == 2
    assert done.stderr == (
        f"stretchtimer: {user_config / 'config.toml'}:1: not a regular file (a FIFO)\n"
    )


def test_history_csv_makes_formulas_text(user_config: Path) -> None:
    routine = (
        'id: sheet\nname: \'=HYPERLINK("http://evil","x")\'\npurpose: p\nfocus: [neck]\n'
        "prepare: 0\nrest: 0\nexercises: [neck-roll]\n"
    )
    (user_config / "exercises" / "sheet.yaml").write_text(routine)
    assert run("run", "sheet", "--plain", "--speed", "1000", "--mute").returncode == 0
    rows = run("history", "--csv").stdout.splitlines()
    assert rows[1].split(",")[4] == '"\'=HYPERLINK(""http://evil""'


def test_an_unknown_id_with_escapes_is_echoed_escaped() -> None:
    done = run("show", "x\x1b]0;owned\x07")
    assert done.returncode == 2
    assert "\x1b" not in done.stderr and "x\\x1b]0;owned\\x07" in done.stderr


def test_a_crash_of_the_app_exits_non_zero(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app ends on an error (here: the catalog cannot load); `cli` passes its code on."""
    from textual.app import App

    from stretchtimer.cli.main import main
    from stretchtimer.tui.app import StretchTimerApp

    def broken(self: StretchTimerApp) -> None:
        raise RuntimeError("the disk went away")

    def headless(self: StretchTimerApp) -> None:
        App.run(self, headless=True)

    monkeypatch.setattr(StretchTimerApp, "load_catalog", broken)
    monkeypatch.setattr(StretchTimerApp, "run", headless)
    monkeypatch.setattr(os, "isatty", lambda fd: True)
    assert main([]) == 1
