"""Files are validated with the core schemas pydantic builds from the file classes, stored
(library/validation.py): the stored ones must be pydantic's own, reading files must not need
pydantic itself, and a pydantic-core that cannot read them must not stop a file being read."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from conftest import REPO

from stretchtimer.library.checks import Matches, RecordsGiven, name_of, named, no_unsafe
from stretchtimer.library.models import ROUTINE_KEY, Amount, DoseOverride, Exercise, Routine
from stretchtimer.library.schema import stored_core_schemas, validator_of
from stretchtimer.library.validation import CORE_SCHEMAS, ValidationError, validate

BAD_FILE = "id: Neck Roll\nname: Neck roll\n"


def test_the_stored_core_schemas_are_the_ones_pydantic_builds() -> None:
    stored = json.loads(CORE_SCHEMAS.read_text(encoding="utf-8"))
    assert stored == stored_core_schemas(), "run scripts/core_schemas.py and commit the change"
    assert len(stored["schemas"]) == 6  # the files, and the four kinds of dose


def read_in_a_process(folder: Path, before: str = "") -> list[str]:
    """What reading `folder`'s files prints (its problems), then whether pydantic and
    pydantic-core were imported and how many exercises came: in a fresh process, so that
    nothing a test imported before counts."""
    code = (
        "import sys\nfrom pathlib import Path\n"
        f"{before}"
        "from stretchtimer.library.loader import load_catalog\n"
        f"catalog = load_catalog(user_dir=Path({str(folder)!r}), cache=False)\n"
        "for problem in catalog.problems:\n"
        "    print(problem)\n"
        "print('pydantic' in sys.modules, 'pydantic_core' in sys.modules, len(catalog.exercises))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=os.environ
    )
    return result.stdout.splitlines()


def test_reading_files_needs_pydantic_core_not_pydantic(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text(BAD_FILE)
    *problems, last = read_in_a_process(tmp_path)
    pydantic, pydantic_core, exercises = last.split()
    assert (pydantic, pydantic_core) == ("False", "True")
    assert int(exercises) > 20  # the built-in ones, validated
    assert any("bad.yaml:1: id: use lower-case letters" in line for line in problems), problems


def stored_with(change: Callable[[dict[str, Any]], object]) -> str:
    stored = json.loads(CORE_SCHEMAS.read_text(encoding="utf-8"))
    change(stored)
    return json.dumps(stored)


UNUSABLE = {
    "built by another pydantic-core": stored_with(
        lambda stored: stored["built_from"].update(pydantic_core="2.49")
    ),
    "built from other code": stored_with(
        lambda stored: stored["built_from"].update(sources="00000000")
    ),
    "unreadable by this pydantic-core": stored_with(
        lambda stored: stored["schemas"].update(Exercise={"type": "no-such-schema"})
    ),
    "naming what is not there": stored_with(
        lambda stored: stored["schemas"].update(Exercise={"$": "checks.gone"})
    ),
    "damaged": '{"built_from": {"pydantic_core": ',
    "not a mapping": "[]",
    "missing": None,
}


@pytest.mark.parametrize("case", UNUSABLE)
def test_stored_schemas_that_cannot_be_used_are_built_by_pydantic(
    tmp_path: Path, case: str
) -> None:
    """Built by another version of pydantic-core or from other code, or damaged, or gone:
    pydantic builds the schemas then, and files are read and refused as they are with the
    stored ones."""
    (tmp_path / "bad.yaml").write_text(BAD_FILE)
    unusable = tmp_path / "core_schemas.json"
    text = UNUSABLE[case]
    if text is not None:
        unusable.write_text(text)
    patch = (
        "from stretchtimer.library import validation\n"
        f"validation.CORE_SCHEMAS = validation.Path({str(unusable)!r})\n"
    )
    *fell_back, last = read_in_a_process(tmp_path, before=patch)
    assert last.split()[0] == "True"  # pydantic built them
    *stored, last_stored = read_in_a_process(tmp_path)
    assert last_stored.split()[0] == "False"
    assert fell_back == stored and last.split()[1:] == last_stored.split()[1:]


def shipped_documents() -> list[dict[str, Any]]:
    return [
        yaml.safe_load(path.read_text()) for path in sorted((REPO / "exercises").rglob("*.yaml"))
    ]


def changed(document: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A copy of `document` with the value at `path` replaced (or removed: `...`)."""
    result = copy.deepcopy(document)
    *parents, last = path
    target: Any = result
    for part in parents:
        target = target[part]
    if value is ...:
        del target[last]
    else:
        target[last] = value
    return result


def odd_documents() -> list[dict[str, Any]]:
    """Every shipped file as it is, and some ways each kind of file can go wrong."""
    documents = shipped_documents()
    exercise = next(d for d in documents if d["id"] == "knee-to-chest")
    rounds = next(d for d in documents if d["dose"]["kind"] == "rounds" if "dose" in d)
    routine = next(d for d in documents if d["id"] == "desk-break")
    return [
        *documents,
        changed(exercise, ("extra",), 1),
        changed(exercise, ("name",), ...),
        changed(exercise, ("name",), "Knee \x1b[31mred"),
        changed(exercise, ("id",), "Knee To Chest"),
        changed(exercise, ("good_for",), ["neck", "elbows"]),
        changed(exercise, ("dose",), {"kind": "hold", "seconds": 1.5}),
        changed(exercise, ("dose",), {"kind": "hold", "seconds": True}),
        changed(exercise, ("dose",), {"kind": "reps"}),
        changed(exercise, ("dose",), {"kind": "sprint", "seconds": 5}),
        changed(exercise, ("dose",), {"seconds": 5}),
        changed(exercise, ("dose",), {"kind": "reps", "reps": {"min": 12, "max": 8}}),
        changed(exercise, ("dose",), {"kind": "reps", "reps": 10000, "sets": 100}),
        changed(exercise, ("dose",), None),
        changed(exercise, ("steps",), []),
        changed(rounds, ("dose", "parts", 0, "reps"), 0),
        changed(rounds, ("dose", "rounds"), {"min": 2, "max": 3}),
        changed(routine, ("exercises", 0, "dose"), {"rounds": None}),
        changed(routine, ("exercises", 0, "dose"), {}),
        changed(routine, ("exercises", 0, "dose"), {"seconds": 20}),
        changed(routine, ("exercises", 1), {"exercise": "Shoulder Roll"}),
        changed(routine, ("exercises", 2), 7),
        changed(routine, ("rest",), -1),
        changed(routine, ("focus",), "neck"),
    ]


def outcome(validating: Callable[[], Any]) -> Any:
    try:
        return validating()
    except ValidationError as error:
        return error.errors(include_url=False, include_context=False)  # its errors are objects


@pytest.mark.parametrize("document", odd_documents())
def test_the_stored_schemas_validate_as_pydantics_own(document: dict[str, Any]) -> None:
    """The same files accepted and built alike, the same refused with the same errors, with
    the stored schemas as with the ones pydantic builds as it runs."""
    model: type[Exercise | Routine] = Routine if ROUTINE_KEY in document else Exercise
    stored = outcome(lambda: validate(model, document))
    built = outcome(lambda: validator_of(model).validate_python(document))
    assert stored == built


@pytest.mark.parametrize(
    "value",
    [
        no_unsafe,
        Matches(r"^[a-z]+$", "use lower-case letters"),
        RecordsGiven(DoseOverride),
        Amount._from_input,
        Amount,
        list,
    ],
)
def test_what_a_schema_calls_is_named_and_found_again(value: object) -> None:
    assert named(json.loads(json.dumps(name_of(value)))) == value


@pytest.mark.parametrize(
    "value", [lambda text: text, Path.cwd, REPO, Matches(r"^a$", "a").__call__]
)
def test_what_cannot_be_named_is_refused_when_the_schemas_are_stored(value: object) -> None:
    """A closure, or anything from outside the modules a schema may name, could not be found
    again: storing the schemas fails, rather than storing one that cannot be read."""
    with pytest.raises(ValueError, match="cannot be named"):
        name_of(value)
