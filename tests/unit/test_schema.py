"""The published JSON Schema, read by a validator nobody here wrote (`jsonschema`), as an
editor's YAML language server reads it: it must accept every file the loader accepts (short
forms included) and refuse the bad files the loader refuses, where a schema can say why."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import REPO

from stretchtimer.library.catalog import Problem
from stretchtimer.library.loader import validate_paths
from stretchtimer.library.reader import parse_text
from stretchtimer.library.schema import file_schema

SHIPPED = REPO / "exercises"


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads((SHIPPED / "stretchtimer.schema.json").read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def problems(validator: jsonschema.Draft202012Validator, document: Any) -> list[str]:
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in validator.iter_errors(document)
    ]


def readme_documents() -> list[tuple[str, str]]:
    """Every YAML example in the README as a whole file: (name, text).

    The block of other kinds of dose holds several `dose:` snippets; each goes into the full
    exercise example in place of its dose.
    """
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```yaml\n(.*?)```", readme, flags=re.S)
    whole = [block for block in blocks if block.startswith("# yaml-language-server")]
    snippets = [block for block in blocks if block not in whole]
    assert len(whole) == 2 and len(snippets) == 1, "a full exercise, the other doses, a routine"
    exercise = whole[0]
    documents = [(f"example {number}", text) for number, text in enumerate(whole, 1)]
    doses = re.split(r"^(?=dose:)", snippets[0], flags=re.M)
    body = exercise[: exercise.index("\ndose:") + 1]
    for number, dose in enumerate(filter(None, doses), 1):
        documents.append((f"dose {number}", body + dose))
    assert len(documents) == 5
    return documents


SHIPPED_FILES = sorted(SHIPPED.rglob("*.yaml"))


def test_the_schema_is_the_generated_one_and_the_whole_library_is_checked() -> None:
    assert json.loads((SHIPPED / "stretchtimer.schema.json").read_text()) == file_schema()
    assert len(SHIPPED_FILES) >= 28


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda path: path.name)
def test_every_shipped_file_is_valid(
    validator: jsonschema.Draft202012Validator, path: Path
) -> None:
    assert problems(validator, yaml.safe_load(path.read_text())) == []


@pytest.mark.parametrize(
    ("name", "text"), [pytest.param(*document, id=document[0]) for document in readme_documents()]
)
def test_every_readme_example_is_valid(
    validator: jsonschema.Draft202012Validator, name: str, text: str
) -> None:
    parse_text(text, name)  # the loader takes it
    assert problems(validator, yaml.safe_load(text)) == []


EXERCISE = """\
id: wall-sit
name: Wall Sit
phase: strength
summary: Sit against a wall.
good_for: [lower-back]
equipment: [wall]
position: [standing]
steps: [Lean your back on the wall.]
dose: {kind: hold, seconds: 15, repeats: {min: 2, max: 4}, per_side: true, first_side: left}
"""

ROUTINE = """\
id: my-break
name: My Break
purpose: A short test break.
focus: [neck]
exercises:
  - neck-roll
  - exercise: wall-angel
    dose: {sets: 1}
  - exercise: scapular-squeeze
"""


def loader_problems(text: str, folder: Path) -> list[Problem]:
    """What `stretchtimer validate` finds in `text` (a routine against the built-ins)."""
    path = folder / "f.yaml"
    path.write_text(text)
    return validate_paths([path])[1]


@pytest.mark.parametrize("text", [EXERCISE, ROUTINE], ids=["exercise", "routine"])
def test_the_short_forms_are_valid(
    validator: jsonschema.Draft202012Validator, text: str, tmp_path: Path
) -> None:
    assert loader_problems(text, tmp_path) == []
    assert problems(validator, yaml.safe_load(text)) == []


@pytest.mark.parametrize(
    ("text", "old", "new"),
    [
        (EXERCISE, "id: wall-sit", "id: Wall Sit"),  # an id's letters
        (EXERCISE, "name: Wall Sit\n", ""),  # a required field
        (EXERCISE, "steps:", "step:"),  # an unknown field
        (EXERCISE, "phase: strength", "phase: cooldown"),  # not one of the phases
        (EXERCISE, "seconds: 15", "seconds: 0"),  # under the least amount
        (EXERCISE, "seconds: 15", "seconds: true"),  # a yes/no for a number
        (EXERCISE, "seconds: 15", "seconds: '15'"),  # text for a number
        (EXERCISE, "{min: 2, max: 4}", "{min: 2}"),  # a range without its top
        (EXERCISE, "kind: hold", "kind: stretch"),  # no such dose
        (EXERCISE, "kind: hold, seconds: 15", "kind: reps, seconds: 15"),  # a hold's field
        (EXERCISE, "first_side: left", "first_side: up"),
        (EXERCISE, "[Lean your back on the wall.]", "[]"),  # no steps
        (EXERCISE, "good_for: [lower-back]", "good_for: lower-back"),  # not a list
        (ROUTINE, "  - neck-roll", "  - Neck Roll"),  # an item's id
        (ROUTINE, "  - neck-roll", "  - 3"),
        (ROUTINE, "{sets: 1}", "{sets: null}"),  # an override's null
        (ROUTINE, "{sets: 1}", "{kind: reps}"),  # not a field an override changes
        (
            ROUTINE,
            "exercise: scapular-squeeze",
            "exercise: scapular-squeeze\n    reps: 3",
        ),  # not in an item
        (ROUTINE, "focus: [neck]", "focus: [neck]\nphase: strength"),  # an exercise's field
    ],
)
def test_bad_files_the_loader_refuses_the_schema_refuses(
    validator: jsonschema.Draft202012Validator, text: str, old: str, new: str, tmp_path: Path
) -> None:
    assert old in text
    bad = text.replace(old, new)
    assert loader_problems(bad, tmp_path) != []
    assert problems(validator, yaml.safe_load(bad)) != []
