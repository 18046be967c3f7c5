"""The command line, run as a subprocess the way a person or a script runs it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import REPO
from programs import stretchtimer
from terminal import Terminal

from stretchtimer.library.loader import load_catalog
from stretchtimer.library.schema import file_schema
from stretchtimer.paths import builtin_exercises_dir

BUILTIN_ROUTINES = {
    "desk-break",
    "neck-and-shoulders",
    "lower-back",
    "warm-up",
    "strength-no-equipment",
    "full-back-session",
}


def test_version_and_help_on_every_command() -> None:
    assert stretchtimer("--version").stdout.startswith("stretchtimer ")
    for command in ([], ["list"], ["show"], ["validate"], ["schema"], ["run"]):
        result = stretchtimer(*command, "--help")
        assert result.returncode == 0 and "usage: stretchtimer" in result.stdout
    assert "N times faster" in stretchtimer("run", "--help").stdout


@pytest.mark.parametrize(
    ("words", "mode"),
    [
        (["--voice", "on"], "on"),  # as --help writes them: two words
        (["--voice", "full"], "full"),
        (["--voice", "off"], "off"),
        (["--voice=full"], "full"),
        (["--voice"], "on"),  # bare: on, and the command after it is still the command
    ],
)
def test_voice_takes_its_mode_as_a_separate_word(words: list[str], mode: str) -> None:
    done = stretchtimer(*words, "doctor")
    assert done.returncode == 0, done.stderr
    assert f"Voice (setting: {mode}):" in done.stdout
    session = stretchtimer("run", *words, "desk-break", "--plain", "--speed", "2000", "--mute")
    assert session.returncode == 0, session.stderr
    assert any(line.startswith("Finished: ") for line in session.stdout.splitlines())


def test_list_shows_routines_with_computed_durations() -> None:
    result = stretchtimer("list")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split()[:3] == ["ID", "NAME", "TIME"]
    assert {line.split()[0] for line in lines[1:]} >= BUILTIN_ROUTINES


@pytest.mark.parametrize("words", [["list"], ["list", "--exercises"]])
def test_list_fits_an_80_column_terminal(words: list[str]) -> None:
    def lines(columns: str | None) -> list[str]:
        env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
        done = subprocess.run(
            [sys.executable, "-m", "stretchtimer", *words],
            capture_output=True,
            text=True,
            env=env if columns is None else {**env, "COLUMNS": columns},
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.splitlines()

    whole, fitted = lines(None), lines("80")  # a pipe gets whole lines, one per row
    assert max(map(len, whole)) > 100
    assert max(map(len, fitted)) <= 80
    rows = [line for line in fitted if line[:1].strip() and not line.startswith("(")]
    assert [line.split()[0] for line in rows] == [line.split()[0] for line in whole]
    # every word is still there, but those of the columns that the last line says it left out
    header = whole[0]
    names = re.findall(r"\S+(?: FOR)?", header)
    starts = [header.index(name) for name in names]
    words = {
        name: {word for line in whole[1:] for word in line[start:end].split()}
        for name, start, end in zip(names, starts, [*starts[1:], None], strict=True)
    }
    note = re.fullmatch(r"\((.*) left out to fit 80 columns; --json has everything\)", fitted[-1])
    left_out = note.group(1).split(", ") if note else []
    missing = set().union(*words.values()) - set(" ".join(fitted).split())
    assert missing <= set().union(*(words[name] for name in left_out))


def test_at_50_columns_list_keeps_the_time_and_says_in_50_what_it_left_out() -> None:
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}
    done = subprocess.run(
        [sys.executable, "-m", "stretchtimer", "list"],
        capture_output=True,
        text=True,
        env={**env, "COLUMNS": "50"},
        timeout=60,
    )
    lines = done.stdout.splitlines()
    assert lines[0].split() == ["ID", "NAME", "TIME"]
    assert max(map(len, lines)) <= 50
    desk = lines.index(next(line for line in lines if line.startswith("desk-break ")))
    assert lines[desk].endswith(" 5:26") and lines[desk + 1].strip() == "(4:18-5:38)"
    note = " ".join(lines[-2:])
    assert note == "(FOCUS, EQUIPMENT left out to fit 50 columns; --json has everything)"


def test_show_wraps_its_sentences_at_words_to_the_terminal() -> None:
    env = {key: value for key, value in os.environ.items() if key != "COLUMNS"}

    def shown(item: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "stretchtimer", "show", item],
            capture_output=True,
            text=True,
            env={**env, "COLUMNS": "60"},
            timeout=60,
        ).stdout

    neck = shown("neck-roll")
    assert max(map(len, neck.splitlines())) <= 60
    assert neck.split() == stretchtimer("show", "neck-roll").stdout.split()  # every word whole
    lines = neck.splitlines()
    first = lines.index(next(line for line in lines if line.startswith("  1. ")))
    assert lines[first + 1].startswith("     ") and lines[first + 1].strip()  # under the words
    purpose = shown("full-back-session").splitlines()[1:3]  # its purpose, on two lines
    assert max(map(len, purpose)) <= 60 and purpose[1][:1].isalpha()


def test_list_json_matches_the_plan() -> None:
    routines = json.loads(stretchtimer("list", "--json").stdout)
    by_id = {r["id"]: r for r in routines}
    assert set(by_id) >= BUILTIN_ROUTINES
    desk = by_id["desk-break"]
    assert 4 * 60 <= desk["total_seconds"] <= 6 * 60
    assert desk["equipment"] == ["none"]
    assert 7 * 60 <= by_id["neck-and-shoulders"]["total_seconds"] <= 9 * 60
    assert 9 * 60 <= by_id["lower-back"]["total_seconds"] <= 11 * 60
    phases = [e["phase"] for e in by_id["full-back-session"]["exercises"]]
    assert phases == sorted(phases, key=["warm-up", "strength", "stretch"].index)
    assert set(phases) == {"warm-up", "strength", "stretch"}
    for routine in routines:
        assert routine["name"] and routine["total_seconds"] == pytest.approx(
            sum(e["seconds"] for e in routine["exercises"])
        )


def test_list_exercises_json_has_the_whole_library() -> None:
    exercises = json.loads(stretchtimer("list", "--exercises", "--json").stdout)
    assert len(exercises) >= 22
    for exercise in exercises:
        assert exercise["id"] and exercise["name"] and exercise["steps"]
        assert exercise["dose"]["kind"] in {"hold", "reps", "timed", "rounds"}


def test_show_routine_lists_exercises_and_total() -> None:
    result = stretchtimer("show", "desk-break")
    assert result.returncode == 0
    assert "Desk Break" in result.stdout and "Total:" in result.stdout
    assert "Neck Roll" in result.stdout


def test_show_routine_json_carries_the_timeline() -> None:
    data = json.loads(stretchtimer("show", "full-back-session", "--json").stdout)
    assert data["id"] == "full-back-session" and data["name"]
    steps = data["timeline"]
    assert steps[0]["kind"] == "prepare"
    assert steps[-1]["cues"][-1]["kind"] == "session-done"
    assert data["total_seconds"] == pytest.approx(
        steps[-1]["start_seconds"] + steps[-1]["duration_seconds"]
    )


def test_show_exercise_in_text_and_json() -> None:
    text = stretchtimer("show", "dumbbell-row").stdout
    assert "range: 8-12 reps" in text  # done one arm at a time: its steps say which
    assert "Steps (right side first; on the left side, left and right swap):" in text
    assert "\nAnother form of Band Row (row): a built routine has one or the other.\n" in text
    assert json.loads(stretchtimer("show", "dumbbell-row", "--json").stdout)["variant_of"] == "row"
    assert "\nSteps:\n" in stretchtimer("show", "wall-angel").stdout
    data = json.loads(stretchtimer("show", "knee-to-chest", "--json").stdout)
    assert data["id"] == "knee-to-chest" and data["name"]
    assert "back" in " ".join(data["steps"]).lower()  # done lying on the back


def test_unknown_ids_and_bad_arguments_are_one_line_and_exit_2() -> None:
    for args, expected in [
        (
            ["show", "desk-brake"],
            "unknown routine or exercise 'desk-brake' (did you mean 'desk-break'?)",
        ),
        (["run", "nope", "--plain"], "unknown routine 'nope'"),
        (["run", "desk-break", "--speed", "fast"], "invalid speed 'fast'"),
        (["run", "desk-break", "--speed", "-2"], "invalid speed '-2'"),
        (["frobnicate"], "invalid choice: 'frobnicate'"),
        (["list", "--bogus"], "unrecognized arguments: --bogus"),
    ]:
        result = stretchtimer(*args)
        assert result.returncode == 2, (args, result)
        assert result.stdout == ""
        assert len(result.stderr.splitlines()) == 1, result.stderr
        assert expected in result.stderr


def test_validate_good_and_bad_files(tmp_path: Path) -> None:
    assert stretchtimer("validate", str(builtin_exercises_dir())).returncode == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nname: X\nphase: nope\n")
    result = stretchtimer("validate", str(bad), str(tmp_path / "missing.yaml"))
    assert result.returncode == 2
    lines = result.stderr.splitlines()
    assert f"{bad}:3: phase: expected 'warm-up', 'strength' or 'stretch' (got 'nope')" in lines
    assert f"{tmp_path / 'missing.yaml'}:1: no such file or folder" in lines
    assert all(line.startswith(str(tmp_path)) for line in lines)


def test_validate_refuses_what_loading_the_files_refuses(user_config: Path) -> None:
    """Two files with one id, a routine with an exercise's id, a routine naming an exercise
    none of them has: `validate` reports each as `list` does, in the same words, and exits 2."""
    folder = user_config / "exercises"
    exercise = (builtin_exercises_dir() / "wall-angel.yaml").read_text()
    exercise = exercise.replace("id: wall-angel", "id: my-angel")
    (folder / "my-angel.yaml").write_text(exercise)
    (folder / "my-angel-copy.yaml").write_text(exercise)
    routine = "name: R\npurpose: Test.\nfocus: [neck]\nexercises: [{exercise: my-angle}]\n"
    (folder / "r.yaml").write_text("id: my-routine\n" + routine)
    (folder / "s.yaml").write_text("id: my-angel\n" + routine.replace("my-angle", "my-angel"))
    listed = stretchtimer("list").stderr.splitlines()
    assert len(listed) == 3 and all(line.startswith("stretchtimer: skipped ") for line in listed)
    result = stretchtimer("validate", str(folder))
    assert result.returncode == 2, result
    assert sorted(result.stderr.splitlines()) == sorted(
        line.removeprefix("stretchtimer: skipped ") for line in listed
    )
    assert f"{folder / 'my-angel.yaml'}:1: id: 'my-angel' is also defined in " in result.stderr


def test_broken_user_file_is_reported_and_the_rest_still_loads(user_config: Path) -> None:
    (user_config / "exercises" / "broken.yaml").write_text("id: [oops\n")
    mine = (builtin_exercises_dir() / "neck-roll.yaml").read_text()
    (user_config / "exercises" / "neck-roll.yaml").write_text(
        mine.replace("name: Neck Roll", "name: My Neck Roll")
    )
    result = stretchtimer("list")
    assert result.returncode == 0
    assert {line.split()[0] for line in result.stdout.splitlines()[1:]} >= BUILTIN_ROUTINES
    assert result.stderr.startswith("stretchtimer: skipped ")
    assert "broken.yaml:1: invalid YAML" in result.stderr
    shown = stretchtimer("show", "neck-roll")
    assert "My Neck Roll" in shown.stdout and "replaces the built-in" in shown.stdout


def test_schema_is_json_schema_and_the_shipped_copy_is_current() -> None:
    schema = json.loads(stretchtimer("schema").stdout)
    assert schema["$schema"].startswith("https://json-schema.org/")
    shipped = json.loads((builtin_exercises_dir() / "stretchtimer.schema.json").read_text())
    assert shipped == file_schema(), (
        "regenerate: stretchtimer schema > exercises/stretchtimer.schema.json"
    )


def test_builtin_files_are_valid_and_named_by_id() -> None:
    catalog = load_catalog()
    assert catalog.problems == []
    assert len(catalog.exercises) >= 22 and set(catalog.routines) >= BUILTIN_ROUTINES
    for entry in [*catalog.exercises.values(), *catalog.routines.values()]:
        assert entry.path.stem == entry.item.id


def test_plain_run_prints_a_line_per_step_and_a_final_line() -> None:
    result = stretchtimer("run", "desk-break", "--plain", "--speed", "500", "--mute")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    data = json.loads(stretchtimer("show", "desk-break", "--json").stdout)
    step_lines = [line for line in lines if line.startswith("[")]
    assert len(step_lines) == len(data["timeline"])
    assert step_lines[0].startswith("[0:00] | Neck Roll | Get ready. First up: Neck Roll")
    assert lines[-1].startswith("Finished: ")
    assert f"{len(data['timeline'])} of {len(data['timeline'])} steps done, 0 skipped" in lines[-1]
    # each exercise's steps, form cues and safety lines, in words, as it comes up
    first = lines.index(step_lines[0])
    catalog = load_catalog()
    neck = catalog.exercise("neck-roll")
    expected = [f"    {n}. {text}" for n, text in enumerate(neck.steps, 1)]
    expected += [f"    Form cue: {text}" for text in neck.cues]
    expected += [f"    Safety: {text}" for text in neck.safety]
    assert lines[first + 1 : first + 1 + len(expected)] == expected
    for position in data["exercises"]:
        exercise = catalog.exercise(position["id"])
        assert lines.count(f"    Safety: {exercise.safety[0]}") >= 1
    assert lines.count(expected[0]) == 1  # once, not at every step


def test_plain_runs_last_line_counts_one_exercise_in_the_singular(user_config: Path) -> None:
    (user_config / "exercises" / "one.yaml").write_text(
        "id: one\nname: One\npurpose: One move.\nfocus: [neck]\nexercises: [neck-roll]\n"
    )
    result = stretchtimer("run", "one", "--plain", "--speed", "1000", "--mute")
    assert result.returncode == 0, result.stderr
    assert "(1 exercise done, 0 skipped)" in result.stdout.splitlines()[-1]


def test_plain_run_shows_the_safety_note_the_first_time_only() -> None:
    first = stretchtimer("run", "desk-break", "--plain", "--speed", "1000", "--mute").stdout
    assert first.startswith("Move slowly and gently")
    assert "it is not medical advice." in first.split("Desk Break:")[0]
    again = stretchtimer("run", "desk-break", "--plain", "--speed", "1000", "--mute").stdout
    assert again.startswith("Desk Break:")
    assert "not medical advice" not in again


def test_plain_run_stops_cleanly_on_sigint_and_sigterm() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM):
        process = subprocess.Popen(
            [sys.executable, "-m", "stretchtimer", "run", "desk-break", "--plain"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        assert process.stdout is not None
        while not (line := process.stdout.readline()).startswith("Sound:"):
            assert line, "no sound line"
        time.sleep(0.3)
        process.send_signal(signum)
        out, err = process.communicate(timeout=10)
        assert process.returncode == 128 + signum, err  # 130 for Ctrl+C, 143 for a kill
        assert err == ""
        assert out.splitlines()[-1].startswith("Stopped: ")


def test_plain_run_takes_single_keys_from_a_terminal() -> None:
    with Terminal("run", "desk-break", "--plain") as terminal:
        assert "Keys: space pause" in terminal.expect("Desk Break:")
        terminal.expect("Get ready")
        steps = [  # the keys of the app (session/keys.py), doing the same
            (b" ", ["Paused."]),
            (b" ", ["Resumed."]),
            (b"n", ["Skipped 1 step of Neck Roll.", "| Neck Roll | Roll"]),
            (b"N", ["of Neck Roll.", "| Shoulder Roll | Get ready. Next up: Shoulder Roll"]),
            (b"p", ["| Neck Roll | Now the other way"]),  # back within 3 s: the previous step
            (b"\x1b[C", ["Skipped 1 step of Neck Roll."]),  # the right arrow skips, as n does
            (b"?", ["Keys:", "restart this step", "Safety note:", "Paused while you read"]),
            (b"m", ["Resumed."]),  # any key closes the keys, and the session goes on
            (b"m", ["Sound off."]),
            (b"q", ["Stop this session?"]),  # asks first, as the app does
            (b"n", ["Resumed."]),  # no: the session goes on
            (b"q", ["Stop this session?"]),
            (b"y", ["Stopped: ", "And now, how stiff or sore"]),
            (b"\n", []),  # any key that is not 0-9 or x skips the question
        ]
        for key, expected in steps:
            terminal.press(key)
            for text in expected:
                terminal.expect(text)
        assert terminal.process.wait(timeout=10) == 0


def test_plain_mode_waits_while_the_keys_are_shown_as_the_app_does() -> None:
    with Terminal("run", "desk-break", "--plain", "--mute", "--speed", "20") as terminal:
        terminal.expect("| Get ready")
        terminal.press(b"?")
        terminal.expect("Press any key to carry on.")
        terminal.expect("Paused while you read the keys.")
        reading = len(terminal.seen)
        time.sleep(1.5)  # 30 s of session at speed 20: steps would have gone by
        terminal.press(b" ")
        terminal.expect("Resumed.")
        assert not [line for line in terminal.seen[reading:] if "| " in line]
        terminal.press(b" ")  # paused by hand: the keys leave it paused
        terminal.expect("Paused. Press space to resume.")
        terminal.press(b"?")
        terminal.expect("Press any key to carry on.")
        terminal.press(b"q")
        terminal.expect("Still paused. Press space to resume.")
        terminal.press(b" ")
        terminal.expect("Resumed.")
        asking = len(terminal.seen)
        terminal.press(b"q")  # the question says what to press: no "Paused. Press space" after
        terminal.expect("Stop this session?")
        terminal.press(b"n")
        terminal.expect("Resumed.")
        assert not [line for line in terminal.seen[asking:] if "Paused" in line]


def test_plain_mode_keeps_the_keys_typed_before_it_reads_them() -> None:
    with Terminal("run", "desk-break", "--plain", "--mute") as terminal:
        terminal.press(b" ")  # long before the program has started, as a quick hand does
        terminal.expect("Desk Break:")
        terminal.expect("Paused.")


def test_a_very_stiff_back_is_told_when_to_see_someone_and_offered_a_gentler_routine() -> None:
    with Terminal("run", "neck-and-shoulders", "--plain", "--mute") as terminal:
        terminal.expect("How stiff or sore is your back right now?")
        terminal.press(b"x")
        terminal.expect("Noted: 10 of 10.")
        line = terminal.expect("10 of 10 is a lot")
        assert "See a doctor or physiotherapist" in line
        assert "A gentler routine for a day like this: Desk Break (5:26)." in line


def test_readme_examples_are_valid_files(tmp_path: Path) -> None:
    import re

    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    whole = [block for block in blocks if block.lstrip().startswith("# yaml-language-server")]
    assert len(whole) == 2, "the README shows one full exercise and one full routine"
    for number, block in enumerate(whole):
        (tmp_path / f"example-{number}.yaml").write_text(block)
    result = stretchtimer("validate", str(tmp_path))
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize(
    ("env", "shown"),
    [
        ({"TERM": "xterm-256color"}, "256 (TERM=xterm-256color)"),
        ({"TERM": "xterm", "COLORTERM": "truecolor"}, "true colour (COLORTERM=truecolor)"),
        ({"TERM": "xterm-256color", "NO_COLOR": "1"}, "none (NO_COLOR is set)"),
        ({"TERM": ""}, "16 (TERM is not set)"),  # what Rich, which draws the app, then uses
        ({"TERM": "xterm-kitty"}, "256 (TERM=xterm-kitty)"),
        (
            {"TERM": "xterm", "TEXTUAL_COLOR_SYSTEM": "truecolor"},
            "true colour (TEXTUAL_COLOR_SYSTEM",
        ),
        ({"TERM": "dumb"}, "none (TERM=dumb: the app cannot be drawn here; plain mode runs"),
    ],
)
def test_doctor_says_which_colours_and_which_setting_says_so(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], shown: str
) -> None:
    for name in ("COLORTERM", "NO_COLOR", "TEXTUAL_COLOR_SYSTEM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    done = stretchtimer("doctor")
    assert done.returncode == 0, done.stderr
    assert any(line.startswith(f"  colours        {shown}") for line in done.stdout.splitlines())


def test_log_writes_what_the_session_did_to_a_file(tmp_path: Path) -> None:
    log = tmp_path / "stretchtimer.log"
    done = stretchtimer(
        "--log", str(log), "run", "desk-break", "--plain", "--speed", "1000", "--mute"
    )
    assert done.returncode == 0, done.stderr
    text = log.read_text()
    assert "stretchtimer.wiring: exercise 0 ended: done" in text
    assert "session finished" in text
    assert "stretchtimer.wiring" not in done.stdout + done.stderr  # only in the file


def test_a_log_file_that_cannot_be_written_is_one_line_and_exit_2(tmp_path: Path) -> None:
    done = stretchtimer("--log", str(tmp_path / "missing" / "x.log"), "list")
    assert done.returncode == 2
    assert done.stderr.count("\n") == 1 and "cannot write the log" in done.stderr


@pytest.mark.parametrize(
    ("config", "options"),
    [("prepare = 3\nrest = 0\n", []), ("", ["--prepare", "3", "--rest", "0"])],
)
def test_list_and_show_give_the_time_the_session_takes(
    user_config: Path, config: str, options: list[str]
) -> None:
    """With your get-ready and rest (config.toml or --prepare/--rest), as `run` plans it."""
    (user_config / "config.toml").write_text(config)
    session = stretchtimer(
        "run", "lower-back", "--plain", "--speed", "1000", "--mute", "--no-log", *options
    )
    found = re.search(r"Lower Back: \d+ exercises, (\d+:\d\d)\.", session.stdout)
    assert found is not None, session.stdout
    total = found.group(1)
    assert total != "9:45"  # the routine's own get-ready and rest give 9:45
    listed = {row.split()[0]: row for row in stretchtimer("list", *options).stdout.splitlines()}
    assert f" {total} " in listed["lower-back"]
    shown = stretchtimer("show", "lower-back", *options).stdout
    assert shown.startswith(f"Lower Back (lower-back) - {total}\n")
    assert "Get ready 3 s before each exercise, rest 0 s between." in shown
    assert f"Total: {total} " in shown
    script = stretchtimer("show", "lower-back", "--voice", *options).stdout
    assert script.startswith(f"Lower Back (lower-back) - {total}, what the voice says")
    data = json.loads(stretchtimer("show", "lower-back", "--json", *options).stdout)
    assert (data["prepare_seconds"], data["rest_seconds"]) == (3, 0)
    minutes, seconds = total.split(":")
    assert round(data["total_seconds"]) == 60 * int(minutes) + int(seconds)


def test_a_log_file_on_a_full_disk_is_one_line_and_logging_stops() -> None:
    """Logging's own handler printed a traceback for every record (some nine a session)."""
    if not Path("/dev/full").exists():
        pytest.skip("needs /dev/full")
    result = stretchtimer(
        "--log", "/dev/full", "run", "desk-break", "--plain", "--mute", "--speed", "10000"
    )
    assert result.returncode == 0
    assert result.stderr == (
        "stretchtimer: /dev/full: cannot write the log (No space left on device); logging stops\n"
    )


def test_a_record_that_cannot_be_formatted_does_not_stop_the_log(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import logging

    from stretchtimer.cli.main import log_to

    path = tmp_path / "log.txt"
    log_to(path)
    logger = logging.getLogger("stretchtimer")
    handler = logger.handlers[-1]
    logger.propagate = False  # pytest's own handler raises on such a record
    try:
        logging.getLogger("stretchtimer.test").debug("a %s %s", 1)  # logging's own complaint
        logging.getLogger("stretchtimer.test").debug("and on")
    finally:
        logger.propagate = True
        logger.removeHandler(handler)
        handler.close()
    assert "and on" in path.read_text()
    assert "logging stops" not in capsys.readouterr().err
