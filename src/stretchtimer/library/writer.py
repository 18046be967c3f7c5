"""Write a routine as an ordinary routine file in the person's folder, as the builder makes
one (`stretchtimer build`, the app's builder screen), never over a file they wrote."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from stretchtimer.errors import BadInput
from stretchtimer.library.catalog import Catalog
from stretchtimer.library.models import Amount, Routine

MARK = "# Made by stretchtimer build"
"""The first line of every file the builder writes: such a file may be written again."""


def routine_data(routine: Routine) -> dict[str, Any]:
    """The routine as a file holds it: an exercise's id alone, or with the dose it changes."""
    items: list[Any] = []
    for item in routine.exercises:
        if item.dose is None:
            items.append(item.exercise)
            continue
        dose = {name: _value(value) for name, value in sorted(item.dose.given().items())}
        items.append({"exercise": item.exercise, "dose": dose})
    return {
        "id": routine.id,
        "name": routine.name,
        "purpose": routine.purpose,
        "focus": list(routine.focus),
        "prepare": routine.prepare,
        "rest": routine.rest,
        "exercises": items,
    }


def _value(value: object) -> object:
    if isinstance(value, Amount):
        return {"min": value.min, "max": value.max, "default": value.default}
    return value


def routine_text(routine: Routine, note: str) -> str:
    """The file's text: the builder's mark and `note` (how it was made), then the routine."""
    import yaml

    body = yaml.safe_dump(
        routine_data(routine),
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=None,
        width=100,
    )
    return f"{MARK}: {note}\n# Build it again with the same name to replace it.\n{body}"


def routine_path(folder: Path, routine_id: str) -> Path:
    return folder / f"{routine_id}.yaml"


def why_not_free(catalog: Catalog, routine_id: str, path: Path) -> str | None:
    """Why a built routine may not take `routine_id` at `path`, or None: the id of another
    routine or exercise, or a file there that the builder did not write."""
    for table, kind in ((catalog.routines, "routine"), (catalog.exercises, "exercise")):
        entry = table.get(routine_id)
        if entry is None or (kind == "routine" and entry.path == path):
            continue
        where = "a built-in" if entry.builtin else f"your {entry.path}"
        return f"'{routine_id}' is {where} {kind}: choose another name"
    if path.exists() and not _made_here(path):
        return f"{path} is not a file the builder wrote: choose another name"
    return None


def _made_here(path: Path) -> bool:
    try:
        with path.open(encoding="utf-8", errors="replace") as file:
            return file.readline().startswith(MARK)
    except OSError:
        return False


def write_whole(text: str, path: Path) -> None:
    """Write `text` to `path` whole or not at all (BadInput, one line, if it cannot)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(f".{path.name}.partial")
        partial.write_text(text, encoding="utf-8")
        partial.replace(path)
    except OSError as error:
        raise BadInput(f"{path}: cannot write: {error.strerror or error}") from None
