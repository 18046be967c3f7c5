"""The hostile corpus, loading side (issue 14): what a file, a setting or a path may try, and
the one line each gets. The whole programs are in tests/program/test_hostile_cli.py."""

from __future__ import annotations

import io
import json
import os
import socket
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_catalog import GOOD_EXERCISE, GOOD_ROUTINE, write

from stretchtimer.cli.views import print_json
from stretchtimer.files import Unreadable, check_regular_file, read_bounded
from stretchtimer.history.report import spreadsheet_text
from stretchtimer.library import cache as catalog_cache
from stretchtimer.library.catalog import CatalogError
from stretchtimer.library.loader import load_catalog, validate_paths
from stretchtimer.library.models import HoldDose, RepsDose, RoundsDose, TimedDose, routine_size
from stretchtimer.library.reader import parse_text
from stretchtimer.library.validation import ValidationError, validate
from stretchtimer.output import SafeOutput
from stretchtimer.paths import builtin_exercises_dir
from stretchtimer.session.plan import plan
from stretchtimer.settings import ConfigError, load_settings


def problems_of(text: str) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        parse_text(text, "f.yaml")
    return [str(problem) for problem in caught.value.problems]


# --- injection: one rule for every text field ---------------------------------------------


@pytest.mark.parametrize(
    ("field", "bad", "shown"),
    [
        (
            "name: Wall Sit",
            'name: "Wall\\e]0;owned\\a Sit"',
            "f.yaml:2: name: character 5 is U+001B",
        ),
        ("summary: Sit against a wall.", 'summary: "Sit \\u202eagainst"', "f.yaml:4: summary"),
        (
            "  - Slide down.",
            '  - "Slide\\u200b down."',
            "f.yaml:10: steps[2]: character 6 is U+200B",
        ),
        ("cues: [Breathe]", 'cues: ["\\x85Breathe"]', "f.yaml:11: cues[1]: character 1 is U+0085"),
        ("cues: [Breathe]", 'cues: ["Bre\\e]52;c;AAAA\\aathe"]', "f.yaml:11: cues[1]"),
    ],
)
def test_control_bidi_and_zero_width_characters_are_refused(
    field: str, bad: str, shown: str
) -> None:
    found = problems_of(GOOD_EXERCISE.replace(field, bad))
    assert len(found) == 1 and found[0].startswith(shown), found
    assert "\x1b" not in found[0] and "\u202e" not in found[0]


def test_markup_is_text_and_is_accepted() -> None:
    for name in ("[/]", "[link=https://x]x[/link]", "Stretch [beta]", "[@click=app.quit]go"):
        item = parse_text(GOOD_EXERCISE.replace("name: Wall Sit", f"name: '{name}'"), "f")[0]
        assert item.name == name


def test_what_reaches_an_output_is_escaped() -> None:
    out = io.StringIO()
    SafeOutput(out).write("Name\x1b]0;pwn\x07 \u202eend\n")
    assert out.getvalue() == "Name\\x1b]0;pwn\\x07 \\u202eend\n"


def test_json_output_escapes_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    print_json({"name": "a\u202eb\x85c\U000e0001"})
    text = capsys.readouterr().out
    assert "\u202e" not in text and "\x85" not in text
    assert json.loads(text) == {"name": "a\u202eb\x85c\U000e0001"}


def test_csv_cells_that_a_spreadsheet_would_run_are_made_text() -> None:
    texts = ['=HYPERLINK("http://x","y")', "+1", "-1", "@SUM(A1)", "\tx", "ok"]
    assert [spreadsheet_text(text) for text in texts] == [
        '\'=HYPERLINK("http://x","y")',
        "'+1",
        "'-1",
        "'@SUM(A1)",
        "'\tx",
        "ok",
    ]
    assert spreadsheet_text(-3.5) == -3.5  # numbers stay numbers


def test_a_config_key_with_an_escape_is_shown_escaped(tmp_path: Path) -> None:
    path = write(tmp_path, "config.toml", '"\\u001b]0;pwn\\u0007" = 1\n')
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert "\x1b" not in str(caught.value) and "\\x1b]0;pwn" in str(caught.value)


# --- duplicate keys, clashing ids ---------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        ("phase: strength\n", "phase: strength\nphase: stretch\n", "f.yaml:4: phase: given twice"),
        ("  repeats: 3\n", "  repeats: 3\n  repeats: 4\n", "f.yaml:16: dose.repeats: given twice"),
    ],
)
def test_a_key_given_twice_is_one_line(old: str, new: str, shown: str) -> None:
    found = problems_of(GOOD_EXERCISE.replace(old, new))
    assert found == [f"{shown} (first on line {int(shown.split(':')[1]) - 1})"]


def test_an_exercise_with_a_routine_s_id_is_refused(tmp_path: Path, user_config: Path) -> None:
    builtin = tmp_path / "builtin"
    write(builtin, "wall-sit.yaml", GOOD_EXERCISE)
    write(builtin, "routines/my-break.yaml", GOOD_ROUTINE)
    mine = write(user_config / "exercises", "x.yaml", GOOD_EXERCISE.replace("wall-sit", "my-break"))
    catalog = load_catalog(builtin_dir=builtin)
    assert "my-break" not in catalog.exercises and "my-break" in catalog.routines
    assert [str(p) for p in catalog.problems] == [
        f"{mine}:1: id: 'my-break' is already the id of a routine "
        f"({builtin / 'routines' / 'my-break.yaml'})"
    ]


def test_validate_refuses_an_exercise_named_as_a_builtin_routine(tmp_path: Path) -> None:
    mine = write(tmp_path, "x.yaml", GOOD_EXERCISE.replace("wall-sit", "desk-break"))
    _, problems = validate_paths([mine])
    assert [p.message for p in problems] == [
        f"'desk-break' is already the id of a routine "
        f"({builtin_exercises_dir() / 'routines' / 'desk-break.yaml'})"
    ]


# --- hangs: only regular files, read bounded ----------------------------------------------


def test_fifo_device_folder_and_socket_are_refused_without_waiting(tmp_path: Path) -> None:
    fifo = tmp_path / "fifo.yaml"
    os.mkfifo(fifo)
    sock = tmp_path / "s.yaml"
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sock))
    try:
        for path, kind in [
            (fifo, "a FIFO"),
            (Path("/dev/zero"), "a character device"),
            (tmp_path, "a folder"),
            (sock, "a socket"),
        ]:
            with pytest.raises(Unreadable, match=f"not a regular file \\({kind}\\)"):
                read_bounded(path, 1024)
        _, problems = validate_paths([fifo, Path("/dev/zero"), sock])
        assert [str(p) for p in problems] == [
            f"{fifo}:1: not a regular file (a FIFO)",
            "/dev/zero:1: not a regular file (a character device)",
            f"{sock}:1: not a regular file (a socket)",
        ]
    finally:
        server.close()


def test_config_and_cache_that_are_fifos_are_not_waited_on(tmp_path: Path) -> None:
    fifo = tmp_path / "config.toml"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match=r"config.toml:1: not a regular file \(a FIFO\)"):
        load_settings(fifo)
    assert catalog_cache.read({"any": "key"}, fifo) is None


def test_reads_are_bounded(tmp_path: Path) -> None:
    path = write(tmp_path, "big", b"x" * 2000)
    with pytest.raises(Unreadable, match="file is larger than 1 KiB"):
        read_bounded(path, 1024)
    assert read_bounded(path, 2000) == b"x" * 2000
    assert read_bounded(write(tmp_path, "empty", b""), 10) == b""


def test_a_read_goes_past_the_size_the_file_gave(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The size is only where a read starts: a file that says 0 (as in /proc) is read whole,
    and one that grew past the limit between its stat and its read is still refused."""
    proc = Path("/proc/self/status")
    if proc.exists():
        assert proc.stat().st_size == 0 and b"Name:" in read_bounded(proc, 64 * 1024)
    path = write(tmp_path, "grows", b"x" * 10)
    real_fstat = os.fstat

    def before_it_grew(fd: int) -> os.stat_result:
        info = real_fstat(fd)
        path.write_bytes(b"x" * 200_000)
        return info

    monkeypatch.setattr(os, "fstat", before_it_grew)
    with pytest.raises(Unreadable, match="file is larger than 64 KiB"):
        read_bounded(path, 64 * 1024)
    assert len(read_bounded(path, 300_000)) == 200_000


# --- resources ------------------------------------------------------------------------------


def test_a_dose_that_plans_too_much_is_refused() -> None:
    huge = GOOD_EXERCISE.replace(
        "  kind: hold\n  seconds: {min: 10, max: 20, default: 15}\n  repeats: 3\n  relax: 5\n",
        "  kind: reps\n  reps: 10000\n  sets: 100\n  tempo: 1\n",
    )
    assert problems_of(huge) == [
        "f.yaml:13: dose: this dose makes 1,000,000 steps; at most 5,000 are allowed"
    ]
    long = GOOD_EXERCISE.replace("  repeats: 3\n", "  repeats: 1000\n")
    assert problems_of(long)[0].startswith("f.yaml:13: dose: this dose lasts 5 h 33 min;")


def test_a_routine_that_plans_too_much_is_refused(tmp_path: Path) -> None:
    write(tmp_path, "wall-sit.yaml", GOOD_EXERCISE.replace("repeats: 3", "repeats: 300"))
    many = GOOD_ROUTINE.split("exercises:")[0] + "exercises:\n" + "  - wall-sit\n" * 4
    write(tmp_path, "r.yaml", many)
    _, problems = validate_paths([tmp_path])
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'r.yaml'}:7: exercises: this routine lasts 6 h 40 min; at most 4 h are "
        "allowed"
    ]


amounts = st.integers(1, 6)
sides = st.fixed_dictionaries(
    {"per_side": st.booleans(), "first_side": st.sampled_from(["left", "right"])}
)
doses = st.one_of(
    st.builds(
        lambda s, r, x, a, side: (
            {"kind": "hold", "seconds": s, "repeats": r, "relax": x} | {"alternate": a} | side
        ),
        amounts,
        amounts,
        st.integers(0, 5),
        st.booleans(),
        sides,
    ),
    st.builds(
        lambda r, n, t, x, side: (
            {"kind": "reps", "reps": r, "sets": n, "tempo": t, "rest": x} | side
        ),
        amounts,
        amounts,
        st.sampled_from([0.5, 1, 2.5]),
        st.integers(0, 5),
        sides,
    ),
    st.builds(lambda s, side: {"kind": "timed", "seconds": s} | side, amounts, sides),
    st.builds(
        lambda n, x, parts, side: {"kind": "rounds", "rounds": n, "rest": x, "parts": parts} | side,
        amounts,
        st.integers(0, 5),
        st.lists(
            st.builds(lambda r: {"do": "Roll", "reps": r, "tempo": 1}, amounts),
            min_size=1,
            max_size=20,  # what a dose may have
        ),
        sides,
    ),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(doses, min_size=1, max_size=3), st.integers(0, 5), st.integers(0, 5))
def test_the_size_a_file_is_checked_by_is_what_the_plan_makes(
    chosen: list[dict[str, object]], prepare: int, rest: int
) -> None:
    from conftest import make_exercise, make_routine

    exercises = [make_exercise(f"move-{n}", **dose) for n, dose in enumerate(chosen)]
    routine = make_routine(*(e.id for e in exercises), prepare=prepare, rest=rest)
    timeline = plan(routine, exercises)
    size = routine_size(routine, exercises)
    assert size.steps == len(timeline.steps)
    assert size.seconds == pytest.approx(timeline.total)
    for dose in (e.dose for e in exercises):
        assert isinstance(dose, HoldDose | RepsDose | TimedDose | RoundsDose)


# --- overrides and messages -----------------------------------------------------------------


def test_a_broken_user_routine_leaves_the_builtin_it_meant_to_replace(user_config: Path) -> None:
    desk = (builtin_exercises_dir() / "routines" / "desk-break.yaml").read_text()
    mine = write(user_config / "exercises", "desk-break.yaml", desk + "  - no-such-move\n")
    catalog = load_catalog()
    assert catalog.routines["desk-break"].builtin
    assert "desk-break" not in catalog.replaced
    assert [p.path for p in catalog.problems] == [str(mine)]
    assert "unknown exercise 'no-such-move'" in catalog.problems[0].notice()


def test_a_user_exercise_that_unfits_a_builtin_change_keeps_the_routine(user_config: Path) -> None:
    angel = (builtin_exercises_dir() / "wall-angel.yaml").read_text()
    dose = angel[angel.index("dose:") :]
    mine = write(
        user_config / "exercises",
        "wall-angel.yaml",
        angel.replace(dose, "dose: {kind: hold, seconds: 10, repeats: 3}\n"),
    )
    catalog = load_catalog()
    assert "neck-and-shoulders" in catalog.routines  # still there, and it plans
    exercises = catalog.routine_exercises(catalog.routine("neck-and-shoulders"))
    assert any(e.id == "wall-angel" and e.dose.kind == "hold" for e in exercises)
    assert len(catalog.problems) == 1
    problem = catalog.problems[0]
    assert problem.path == str(mine) and not problem.skipped
    assert "the built-in routine 'neck-and-shoulders' changes this dose" in problem.notice()
    assert not problem.notice().startswith("skipped")


def test_an_unreadable_sub_folder_is_reported(
    user_config: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    locked = user_config / "exercises" / "locked"
    write(locked, "x.yaml", GOOD_EXERCISE)
    scandir = os.scandir

    def refuse(path: object = ".") -> object:  # as chmod 000 does for anyone but root
        if str(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return scandir(path)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "scandir", refuse)
    catalog = load_catalog()
    assert [p.notice() for p in catalog.problems] == [
        f"skipped {locked}:1: cannot read folder: Permission denied"
    ]
    again = load_catalog()  # from the cache: still said
    assert [str(p) for p in again.problems] == [str(p) for p in catalog.problems]


@pytest.mark.parametrize(
    ("old", "new", "shown"),
    [
        (
            "  kind: hold\n  seconds: {min: 10, max: 20, default: 15}\n  repeats: 3\n  relax: 5\n",
            "  kind: reps\n  reps: 10\n  tempo: 0.1\n",
            "f.yaml:15: dose.tempo: must be at least 0.5 (got 0.1)",
        ),
        (
            "  kind: hold\n",
            "",
            "f.yaml:13: dose.kind: required field is missing: the kind of dose, one of hold, "
            "reps, timed, rounds",
        ),
        ("repeats: 3", "repeats: 1" + "0" * 5000, "f.yaml:15: dose.repeats: number too long"),
    ],
)
def test_field_errors_blame_the_field_in_plain_words(old: str, new: str, shown: str) -> None:
    found = problems_of(GOOD_EXERCISE.replace(old, new))
    assert len(found) == 1 and found[0].startswith(shown), found
    assert "sys.set_int_max_str_digits" not in found[0]


def test_a_dose_change_too_big_for_its_routine_is_caught_at_validation() -> None:
    base = {"kind": "reps", "reps": 10, "tempo": 1}
    validate(RepsDose, base)
    with pytest.raises(ValidationError, match="at most 5,000"):
        validate(RepsDose, {**base, "sets": 1000})


def test_a_history_in_a_folder_that_cannot_be_read_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A data folder chmod 000 (for a user other than root): `history` and `stats` ended in a
    PermissionError traceback. The readers of the history say so in one line and go on."""
    from stretchtimer.history.store import db_path, read_sessions

    real_stat = os.stat

    def refused(path: object, *args: object, **kwargs: object) -> os.stat_result:
        if str(path) == str(db_path()):
            raise PermissionError(13, "Permission denied", str(path))
        return real_stat(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "stat", refused)
    said: list[str] = []
    assert read_sessions(warn=said.append) == []
    assert said == [f"cannot read the history {db_path()} (Permission denied)"]
    assert not check_regular_file(tmp_path / "missing")
    (tmp_path / "a-file").write_text("")
    assert not check_regular_file(tmp_path / "a-file" / "under-a-file")
    with pytest.raises(Unreadable, match=r"not a regular file \(a folder\)"):
        check_regular_file(tmp_path)
