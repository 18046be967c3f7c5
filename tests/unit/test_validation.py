"""Files are validated with the core schemas pydantic builds from the file classes, stored
(library/validation.py): the stored ones must be pydantic's own, reading files must not need
pydantic itself, and a pydantic-core that cannot read them must not stop a file being read."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

from stretchtimer.library.checks import Matches, RecordsGiven, name_of, named, no_unsafe
from stretchtimer.library.models import Amount, DoseOverride
from stretchtimer.library.schema import stored_core_schemas
from stretchtimer.library.validation import CORE_SCHEMAS

BAD_FILE = "id: Neck Roll\nname: Neck roll\n"


def test_the_stored_core_schemas_are_the_ones_pydantic_builds() -> None:
    stored = json.loads(CORE_SCHEMAS.read_text(encoding="utf-8"))
    assert stored == stored_core_schemas(), "run scripts/core_schemas.py and commit the change"


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


UNREADABLE = {
    "another pydantic-core": json.dumps(
        {name: {"type": "no-such-schema"} for name in ("Exercise", "Routine")}
    ),
    "damaged": '{"Exercise": {"type": "dataclass", "cls": ',
    "missing": None,
}


@pytest.mark.parametrize("case", UNREADABLE)
def test_stored_schemas_that_cannot_be_read_are_built_by_pydantic(
    tmp_path: Path, case: str
) -> None:
    """Another version of pydantic-core may not read them, or the file may be damaged or
    gone: pydantic builds the schemas then, and files are read and refused as before."""
    (tmp_path / "bad.yaml").write_text(BAD_FILE)
    unreadable = tmp_path / "core_schemas.json"
    text = UNREADABLE[case]
    if text is not None:
        unreadable.write_text(text)
    patch = (
        "from stretchtimer.library import validation\n"
        f"validation.CORE_SCHEMAS = validation.Path({str(unreadable)!r})\n"
    )
    *fell_back, last = read_in_a_process(tmp_path, before=patch)
    assert last.split()[0] == "True"  # pydantic built them
    *stored, last_stored = read_in_a_process(tmp_path)
    assert fell_back == stored and last.split()[1:] == last_stored.split()[1:]


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
