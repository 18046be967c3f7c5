"""Loading files: good ones load, every bad one gives `path:line: field: message` lines."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from stretchtimer.library.catalog import CatalogError
from stretchtimer.library.loader import load_catalog, validate_paths
from stretchtimer.library.models import Exercise, Routine
from stretchtimer.library.reader import parse_text, read_file

GOOD_EXERCISE = """\
id: wall-sit
name: Wall Sit
phase: strength
summary: Sit against a wall.
good_for: [lower-back]
equipment: [wall]
position: [standing]
steps:
  - Lean your back on the wall.
  - Slide down.
cues: [Breathe]
dose:
  kind: hold
  seconds: {min: 10, max: 20, default: 15}
  repeats: 3
  relax: 5
"""

GOOD_ROUTINE = """\
id: my-break
name: My Break
purpose: A short test break.
focus: [neck]
prepare: 5
rest: 10
exercises:
  - wall-sit
  - exercise: wall-sit
    dose: {repeats: 2}
"""


def write(folder: Path, name: str, text: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    return path


def problems_of(text: str) -> list[str]:
    with pytest.raises(CatalogError) as caught:
        parse_text(text, "f.yaml")
    return [str(problem) for problem in caught.value.problems]


def test_good_files_load_with_ranges_kept(tmp_path: Path) -> None:
    item, _ = read_file(write(tmp_path, "a.yaml", GOOD_EXERCISE))
    assert isinstance(item, Exercise)
    assert item.dose.kind == "hold"
    assert (item.dose.seconds.min, item.dose.seconds.default, item.dose.seconds.max) == (10, 15, 20)
    routine, _ = read_file(write(tmp_path, "r.yaml", GOOD_ROUTINE))
    assert isinstance(routine, Routine)
    assert [item.exercise for item in routine.exercises] == ["wall-sit", "wall-sit"]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("phase: strength", "phase: strenght"),
            "f.yaml:3: phase: expected 'warm-up', 'strength' or 'stretch' (got 'strenght'); "
            "did you mean 'strength'?",
        ),
        (("name: Wall Sit\n", ""), "f.yaml:1: name: required field is missing"),
        (("cues: [Breathe]", "cue: [Breathe]"), "f.yaml:11: cue: unknown field"),
        (
            ("  repeats: 3", "  repeats: three"),
            "f.yaml:15: dose.repeats: expected a whole number or {min, max, default} (got 'three')",
        ),
        (
            ("default: 15}", "default: 25}"),
            "f.yaml:14: dose.seconds: default 25 is outside the range 10-20",
        ),
        (
            ("  - Slide down.", "  - 12"),
            "f.yaml:10: steps[2]: expected text (got 12)",
        ),
        (
            ("kind: hold", "kind: hodl"),
            "f.yaml:13: dose.kind: 'hodl' is not a kind of dose; use one of hold, reps, timed, "
            "rounds; did you mean 'hold'?",
        ),
        (
            ("relax: 5", "relax: 99999"),
            "f.yaml:16: dose.relax: must be at most 3600 (got 99999)",
        ),
        (("[lower-back]", "lower-back"), "f.yaml:5: good_for: expected a list"),
        (  # what an id may hold, in words, not a regular expression
            ("id: wall-sit", "id: Wall Sit"),
            "f.yaml:1: id: use lower-case letters and digits, with single hyphens between words,"
            " e.g. neck-roll (got 'Wall Sit')",
        ),
        (
            ("  - Slide down.", "\t- Slide down."),
            "f.yaml:10: invalid YAML: a tab where YAML wants spaces: indent with spaces",
        ),
        (
            ("  relax: 5", "\trelax: 5"),
            "f.yaml:16: invalid YAML: a tab where YAML wants spaces: indent with spaces",
        ),
    ],
)
def test_each_problem_names_line_and_field(change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in GOOD_EXERCISE
    found = problems_of(GOOD_EXERCISE.replace(old, new))
    assert any(line.startswith(expected) for line in found), found


def validated(folder: Path, text: str) -> list[str]:
    """What `validate` says of `text` as the file f.yaml: its lines, from the file's name on."""
    path = write(folder, "f.yaml", text)
    return [str(problem).removeprefix(f"{folder}/") for problem in validate_paths([path])[1]]


ROUTINE_OF_BUILTINS = GOOD_ROUTINE.replace("wall-sit", "neck-roll").replace(
    "{repeats: 2}", "{rounds: 2}"
)


@pytest.mark.parametrize(
    ("text", "old", "new", "expected"),
    [
        (ROUTINE_OF_BUILTINS, "{rounds: 2}", "{set: 1}", "f.yaml:10: exercises[2].dose.set: sets"),
        (ROUTINE_OF_BUILTINS, "    dose:", "    dos:", "f.yaml:10: exercises[2].dos: dose"),
        (GOOD_EXERCISE, "cues:", "cue:", "f.yaml:11: cue: cues"),
        (GOOD_EXERCISE, "default: 15}", "defualt: 15}", "f.yaml:14: dose.seconds.defualt: default"),
        (
            GOOD_EXERCISE,
            "cues:",
            "spoken: {how: Sit., strat: Go.}\ncues:",
            "f.yaml:11: spoken.strat: start",
        ),
        (
            GOOD_EXERCISE,
            "  kind: hold\n  seconds: {min: 10, max: 20, default: 15}\n  repeats: 3\n  relax: 5\n",
            "  kind: rounds\n  rounds: 2\n  parts: [{do: Roll., tempo: 2, rpes: 5}]\n",
            "f.yaml:15: dose.parts[1].rpes: reps",
        ),
    ],
    ids=["routine-dose", "routine-item", "exercise", "range", "spoken", "round-part"],
)
def test_an_unknown_field_near_a_known_one_suggests_it(
    tmp_path: Path, text: str, old: str, new: str, expected: str
) -> None:
    """At any depth, in an exercise or a routine: `expected` is where, then the field meant."""
    assert old in text
    where, meant = expected.rsplit(": ", 1)
    found = validated(tmp_path, text.replace(old, new))
    assert found == [f"{where}: unknown field; did you mean '{meant}'?"]


def test_an_unknown_field_suggests_only_a_close_field_not_given(tmp_path: Path) -> None:
    """`repeats` is close to `reps`, which this dose has: no hint, rather than a wrong one."""
    reps = "  kind: reps\n  reps: 10\n  tempo: 2\n  per_sid: true\n  repeats: 3\n  colour: red\n"
    found = validated(tmp_path, GOOD_EXERCISE.split("dose:")[0] + "dose:\n" + reps)
    assert found == [
        "f.yaml:16: dose.per_sid: unknown field; did you mean 'per_side'?",
        "f.yaml:17: dose.repeats: unknown field",
        "f.yaml:18: dose.colour: unknown field",
    ]


@pytest.mark.parametrize(
    ("text", "old", "new", "expected"),
    [
        (
            GOOD_EXERCISE,
            "good_for:",
            "good_fro:",
            "f.yaml:5: good_fro: unknown field; did you mean 'good_for'?",
        ),
        (
            GOOD_EXERCISE,
            "cues:",
            "spoken: {hwo: Sit.}\ncues:",
            "f.yaml:11: spoken.hwo: unknown field; did you mean 'how'?",
        ),
        (
            ROUTINE_OF_BUILTINS,
            "  - exercise: neck-roll",
            "  - exercse: neck-roll",
            "f.yaml:9: exercises[2].exercse: unknown field; did you mean 'exercise'?",
        ),
    ],
    ids=["exercise", "spoken", "routine-item"],
)
def test_a_misspelt_required_field_is_one_line_on_its_own_line(
    tmp_path: Path, text: str, old: str, new: str, expected: str
) -> None:
    """Not also 'good_for: required field is missing' on line 1: the suggestion says it."""
    assert old in text
    assert validated(tmp_path, text.replace(old, new)) == [expected]


HOLD = "  kind: hold\n  seconds: {min: 10, max: 20, default: 15}\n  repeats: 3\n  relax: 5\n"


@pytest.mark.parametrize(
    ("text", "old", "new", "expected"),
    [
        (
            GOOD_EXERCISE,
            "  relax: 5",
            "  relax: 2.5",
            "f.yaml:16: dose.relax: expected a whole number (got 2.5)",
        ),
        (
            GOOD_EXERCISE,
            HOLD,
            "  kind: reps\n  reps: 5\n  tempo: fast\n",
            "f.yaml:15: dose.tempo: expected a number (got 'fast')",
        ),
        (
            GOOD_EXERCISE,
            "  relax: 5",
            "  per_side: 1",
            "f.yaml:16: dose.per_side: expected true or false (got 1)",
        ),
        (
            GOOD_EXERCISE,
            "cues: [Breathe]",
            "spoken: [Sit.]",
            "f.yaml:11: spoken: expected a mapping of fields",
        ),
        (
            GOOD_EXERCISE,
            "dose:\n" + HOLD,
            "dose: 5\n",
            "f.yaml:12: dose: expected a mapping of fields (got 5)",
        ),
        (
            GOOD_EXERCISE,
            "  repeats: 3",
            "  repeats: 0",
            "f.yaml:15: dose.repeats: must be at least 1 (got 0)",
        ),
        (GOOD_EXERCISE, "name: Wall Sit", "name: ''", "f.yaml:2: name: needs at least 1 character"),
        (
            GOOD_EXERCISE,
            "name: Wall Sit",
            "name: " + "Sit " * 20,
            "f.yaml:2: name: has 79 characters; at most 60 are allowed",
        ),
        (
            ROUTINE_OF_BUILTINS,
            ROUTINE_OF_BUILTINS[ROUTINE_OF_BUILTINS.index("exercises:") :],
            "exercises: []\n",
            "f.yaml:7: exercises: needs at least 1 item",
        ),
        (
            GOOD_EXERCISE,
            "cues: [Breathe]",
            "cues: [" + "Breathe, " * 21 + "]",
            "f.yaml:11: cues: has 21 items; at most 20 are allowed",
        ),
    ],
    ids=[
        "whole-number",
        "number",
        "boolean",
        "mapping",
        "dose-mapping",
        "at-least",
        "empty-text",
        "long-text",
        "empty-list",
        "long-list",
    ],
)
def test_each_kind_of_mistake_is_said_in_plain_words(
    tmp_path: Path, text: str, old: str, new: str, expected: str
) -> None:
    """Not pydantic's ('list should have at least 1 item after validation, not 0')."""
    assert old in text
    assert validated(tmp_path, text.replace(old, new)) == [expected]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "f.yaml:1: file is empty"),
        ("# only a comment\n", "f.yaml:1: file is empty"),
        ("- a\n- b\n", "f.yaml:1: expected a mapping of fields, found a list"),
        ("just words", "f.yaml:1: expected a mapping of fields, found a single value"),
        ("id: [unclosed\nname: x\n", "f.yaml:2: invalid YAML"),
        ("a: 1\n---\nb: 2\n", "f.yaml:2: invalid YAML: expected a single document"),
        (
            "id: !!python/object:os.system x\n",
            "f.yaml:1: invalid YAML: could not determine a constructor for the tag",
        ),
        ("a: &x 1\nb: *y\n", "f.yaml:2: invalid YAML: found undefined alias"),
        ("[" * 5000 + "]" * 5000, "f.yaml:1: invalid YAML"),
        ("id: " + "9" * 5000 + "\n", "f.yaml:1: id: number too long (5000 digits)"),
    ],
)
def test_broken_files_give_one_line_not_a_traceback(text: str, expected: str) -> None:
    found = problems_of(text)
    assert len(found) == 1 and found[0].startswith(expected), found


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("id: [unclosed", "f.yaml:1: invalid YAML: while parsing a flow sequence"),
        ("id: [unclosed\n", "f.yaml:1: invalid YAML: while parsing a flow sequence"),
        ("name: X\nsteps: [a, b\n\n# the end\n", "f.yaml:2: invalid YAML: while parsing a flow"),
        ("name: X\nid: {a: 1\n", "f.yaml:2: invalid YAML: while parsing a flow mapping"),
        ('id: "wall-sit\nname: X\n', "f.yaml:1: invalid YAML: while scanning a quoted scalar"),
    ],
)
def test_a_bracket_or_quote_left_open_is_reported_where_it_opens(
    tmp_path: Path, text: str, expected: str
) -> None:
    """Not on the line after the file's last, where libyaml finds that it never closes."""
    (found,) = validated(tmp_path, text)
    assert found.startswith(expected), found


def test_binary_and_huge_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(CatalogError, match=r"b\.yaml:1: not UTF-8 text"):
        read_file(write(tmp_path, "b.yaml", bytes(range(256))))
    with pytest.raises(CatalogError, match=r"h\.yaml:1: file is larger than 256 KiB"):
        read_file(write(tmp_path, "h.yaml", "a: " + "x" * 300_000))


def test_user_file_replaces_a_builtin_and_broken_ones_are_skipped(
    tmp_path: Path, user_config: Path
) -> None:
    builtin = tmp_path / "builtin"
    write(builtin, "wall-sit.yaml", GOOD_EXERCISE)
    write(builtin, "routines/my-break.yaml", GOOD_ROUTINE)
    user = user_config / "exercises"
    write(user, "mine.yaml", GOOD_EXERCISE.replace("name: Wall Sit", "name: My Wall Sit"))
    write(user, "broken.yaml", "id: [")
    write(user, "other.yaml", GOOD_EXERCISE.replace("wall-sit", "other-sit"))
    catalog = load_catalog(builtin_dir=builtin)
    assert catalog.exercise("wall-sit").name == "My Wall Sit"
    assert catalog.replaced == {"wall-sit": builtin / "wall-sit.yaml"}
    assert "other-sit" in catalog.exercises and "my-break" in catalog.routines
    assert [p.path for p in catalog.problems] == [str(user / "broken.yaml")]


def test_routine_with_unknown_exercise_suggests_the_closest(tmp_path: Path) -> None:
    write(tmp_path, "wall-sit.yaml", GOOD_EXERCISE)
    write(tmp_path, "r.yaml", GOOD_ROUTINE.replace("  - wall-sit\n", "  - wall-sitt\n"))
    count, problems = validate_paths([tmp_path])
    assert count == 2
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'r.yaml'}:8: exercises[1]: unknown exercise 'wall-sitt' "
        "(did you mean 'wall-sit'?)"
    ]


def test_routine_override_must_fit_the_dose_kind(tmp_path: Path) -> None:
    write(tmp_path, "wall-sit.yaml", GOOD_EXERCISE)
    write(tmp_path, "r.yaml", GOOD_ROUTINE.replace("{repeats: 2}", "{reps: 2}"))
    _, problems = validate_paths([tmp_path])
    assert [str(p) for p in problems] == [
        f"{tmp_path / 'r.yaml'}:9: exercises[2].dose: 'reps' does not apply to a hold dose"
    ]


def test_duplicate_ids_in_one_folder_are_reported(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD_EXERCISE)
    write(tmp_path, "b.yaml", GOOD_EXERCISE)
    catalog = load_catalog(builtin_dir=tmp_path)
    assert len(catalog.problems) == 1
    assert "'wall-sit' is also defined in" in catalog.problems[0].message


def test_validate_reads_a_file_given_twice_once(tmp_path: Path) -> None:
    """A folder and a file in it: the file is not its own duplicate."""
    path = write(tmp_path, "wall-sit.yaml", GOOD_EXERCISE)
    assert validate_paths([tmp_path, path]) == (1, [])


def test_a_variant_of_a_variant_whose_own_name_leads_nowhere_is_kept(tmp_path: Path) -> None:
    """B names no exercise, so B is a move of its own, and A, a variant of B, is fine: in
    whichever order the files come."""
    for first, second in (("a", "b"), ("b", "a")):
        folder = tmp_path / first
        a_text = GOOD_EXERCISE.replace("id: wall-sit", "id: move-a") + "variant_of: move-b\n"
        b_text = GOOD_EXERCISE.replace("id: wall-sit", "id: move-b") + "variant_of: nothing\n"
        write(folder, f"1-{first}.yaml", a_text if first == "a" else b_text)
        write(folder, f"2-{second}.yaml", b_text if first == "a" else a_text)
        catalog = load_catalog(builtin_dir=folder, cache=False)
        assert catalog.exercise("move-a").move == "move-b"
        assert catalog.exercise("move-b").move == "move-b"
        assert [problem.field for problem in catalog.problems] == ["variant_of"]
        assert "unknown exercise 'nothing'" in catalog.problems[0].message


def test_files_are_read_in_the_order_of_their_paths_folder_by_folder(tmp_path: Path) -> None:
    """Which of two files with one id is kept does not depend on the folder's listing: the
    first by path, compared folder by folder (`a/` before `a-b/`, though '-' sorts before
    '/')."""
    write(tmp_path, "a-b/a.yaml", GOOD_EXERCISE)
    write(tmp_path, "a/z.yaml", GOOD_EXERCISE)
    catalog = load_catalog(builtin_dir=tmp_path, cache=False)
    assert catalog.exercises["wall-sit"].path == tmp_path / "a" / "z.yaml"
    assert [problem.path for problem in catalog.problems] == [str(tmp_path / "a-b" / "a.yaml")]


@pytest.mark.parametrize(
    ("variant_of", "message"),
    [
        ("wall-sits", "unknown exercise 'wall-sits' (did you mean 'wall-sit'?)"),
        ("other-sit", "an exercise is not a variant of itself"),
        ("third-sit", "'third-sit' is itself a variant of 'wall-sit': name that one"),
    ],
)
def test_a_variant_of_what_is_no_move_is_used_as_a_move_of_its_own(
    tmp_path: Path, variant_of: str, message: str
) -> None:
    write(tmp_path, "wall-sit.yaml", GOOD_EXERCISE)
    third = GOOD_EXERCISE.replace("id: wall-sit", "id: third-sit")
    write(tmp_path, "third-sit.yaml", third + "variant_of: wall-sit\n")
    other = GOOD_EXERCISE.replace("id: wall-sit", "id: other-sit")
    path = write(tmp_path, "other-sit.yaml", other + f"variant_of: {variant_of}\n")
    line = len(other.splitlines()) + 1
    for catalog, problems in (
        (load_catalog(builtin_dir=tmp_path, cache=False), None),
        (None, validate_paths([tmp_path])[1]),
    ):
        if catalog is not None:
            assert catalog.exercise("other-sit").move == "other-sit"  # still there, on its own
            assert catalog.exercise("third-sit").move == "wall-sit"
            problems = catalog.problems
        assert [str(problem) for problem in problems or []] == [
            f"{path}:{line}: variant_of: {message}; it is used as a move of its own"
        ]


def test_routine_exercises_apply_overrides(tmp_path: Path) -> None:
    write(tmp_path, "wall-sit.yaml", GOOD_EXERCISE)
    write(tmp_path, "routines/my-break.yaml", GOOD_ROUTINE)
    catalog = load_catalog(builtin_dir=tmp_path)
    plain, changed = catalog.routine_exercises(catalog.routine("my-break"))
    assert plain.dose == catalog.exercise("wall-sit").dose
    assert changed.id == "wall-sit" and changed.dose.kind == "hold"
    assert changed.dose.repeats.default == 2  # the routine's {repeats: 2}
    assert changed.dose.seconds == plain.dose.seconds  # the rest is the exercise's own


yaml_scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20))
yaml_values = st.recursive(
    yaml_scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = [
    "id",
    "name",
    "phase",
    "summary",
    "good_for",
    "equipment",
    "position",
    "steps",
    "cues",
    "safety",
    "dose",
    "kind",
    "seconds",
    "reps",
    "sets",
    "tempo",
    "exercises",
    "focus",
    "purpose",
    "min",
    "max",
    "default",
    "parts",
    "rounds",
    "do",
]
documents = st.dictionaries(st.sampled_from(FIELDS), yaml_values, max_size=12)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.text(max_size=300))
def test_no_text_makes_the_loader_raise_anything_else(text: str) -> None:
    try:
        parse_text(text, "f.yaml")
    except CatalogError as error:
        assert error.problems and all(str(p).startswith("f.yaml:") for p in error.problems)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(documents)
def test_no_structure_makes_the_loader_raise_anything_else(document: dict[str, object]) -> None:
    import yaml

    text = yaml.safe_dump(document)
    try:
        parse_text(text, "f.yaml")
    except CatalogError as error:
        assert error.problems
        for problem in error.problems:
            assert "\n" not in str(problem)
            assert 1 <= problem.line <= text.count("\n") + 1


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=200))
def test_no_bytes_make_the_loader_raise_anything_else(data: bytes) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.yaml"
        path.write_bytes(data)
        try:
            read_file(path)
        except CatalogError as error:
            assert error.problems
