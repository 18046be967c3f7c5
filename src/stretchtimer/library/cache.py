"""The loaded catalog, kept on disk so the next load skips YAML parsing and validation.

One JSON file in the data folder holds what the last full load found: every validated
exercise and routine (as plain data, with the fields each file gave), what replaced what, and
the problems of the broken files, so those are still reported on every run. It is saved under
the key of its files (sources.py: every YAML file's path, size, inode and change times, the
program's version and the library's code) and this file's format: any change to these makes a
full load, which writes a new file. A missing, unreadable or damaged cache file is the same
as no cache.

On a hit the models (plain dataclasses) are rebuilt directly, trusting the data as it was
validated when it was saved: neither PyYAML nor pydantic is imported. Each one is kept as JSON
text of its own and rebuilt when first looked up (catalog.Entries), so a warm load does not
grow with a thousand user exercises that the command never uses.
"""

from __future__ import annotations

import functools
import json
import logging
from pathlib import Path
from typing import Any

from stretchtimer.files import read_bounded, save_json
from stretchtimer.library import models
from stretchtimer.library.catalog import Catalog, Entries, Entry, Problem
from stretchtimer.library.sources import Key
from stretchtimer.paths import data_dir

log = logging.getLogger(__name__)

FORMAT = 4
FILE_NAME = "catalog.json"
MAX_CACHE_BYTES = 64 * 2**20
"""Far more than thousands of files make; past it (or for anything but a regular file, such as
a FIFO left in its place) the cache is not read, and a full load writes a new one."""

_MODELS: dict[str, type[models.Strict]] = {
    name: value
    for name, value in vars(models).items()
    if isinstance(value, type) and issubclass(value, models.Strict) and value is not models.Strict
}


def cache_path() -> Path:
    return data_dir() / "cache" / FILE_NAME


def read(key: Key, path: Path | None = None) -> Catalog | None:
    """The catalog saved under `key`, or None (no file, another key, or a damaged file)."""
    path = path or cache_path()
    try:
        data = json.loads(read_bounded(path, MAX_CACHE_BYTES))
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
            return None
        return _catalog(data)
    except FileNotFoundError:
        return None
    except Exception as error:  # a damaged cache is only a slower start
        log.debug("ignoring the catalog cache %s: %r", path, error)
        return None


def write(key: Key, catalog: Catalog, path: Path | None = None) -> bool:
    """Save `catalog` under `key` (atomically); False if the folder is not writable."""
    path = path or cache_path()
    data = {
        "format": FORMAT,
        "key": key,
        "exercises": [_entry(entry) for entry in catalog.exercises.values()],
        "routines": [_entry(entry) for entry in catalog.routines.values()],
        "replaced": {item_id: str(where) for item_id, where in catalog.replaced.items()},
        "problems": [
            [problem.path, problem.line, problem.field, problem.message, problem.skipped]
            for problem in catalog.problems
        ],
    }
    return save_json(path, data, "the catalog cache")


# --- models as plain data and back ----------------------------------------------------------


def encode(value: Any) -> Any:
    """A model as {"$model": class name, "fields": {...}}; a dose override also with "$set",
    the fields its file gave (they alone replace the exercise's). Only the model itself: as
    json's `default`, it is called again for the models in its fields (json's C encoder does
    the rest, several times faster than a walk in Python)."""
    if isinstance(value, models.Strict):
        data: dict[str, Any] = {"$model": type(value).__name__}
        if isinstance(value, models.DoseOverride):
            data["$set"] = sorted(value.given_names())
        data["fields"] = {name: getattr(value, name) for name in models.field_names(type(value))}
        return data
    raise TypeError(f"cannot cache a {type(value).__name__}")


def decode(data: Any) -> Any:
    """A model rebuilt from its data, without validation (it was valid when saved)."""
    if isinstance(data, dict):
        model = _MODELS[data["$model"]]
        fields = {name: decode(value) for name, value in data["fields"].items()}
        if set(fields) != set(models.field_names(model)):
            raise ValueError(f"the fields of {model.__name__} have changed")
        item = model(**fields)
        if isinstance(item, models.DoseOverride):
            item.with_given(frozenset(data["$set"]))
        return item
    if isinstance(data, list):
        return [decode(item) for item in data]
    return data


def _entry(entry: Entry) -> dict[str, Any]:
    item = json.dumps(entry.item, ensure_ascii=False, separators=(",", ":"), default=encode)
    return {"id": entry.item.id, "path": str(entry.path), "builtin": entry.builtin, "item": item}


def _catalog(data: dict[str, Any]) -> Catalog:
    exercises, routines = Entries(), Entries()
    for table, kind, entries in (
        (exercises, models.Exercise, data["exercises"]),
        (routines, models.Routine, data["routines"]),
    ):
        for entry in entries:
            item = entry["item"]
            # checked now: a damaged entry is no cache, not a failure once it is looked up
            if not isinstance(item, str) or not item.startswith(f'{{"$model":"{kind.__name__}"'):
                raise ValueError(f"entry {entry['id']!r} is not an {kind.__name__}")
            made = functools.partial(_rebuilt, item, Path(entry["path"]), bool(entry["builtin"]))
            table.add_later(str(entry["id"]), made)
    catalog = Catalog(exercises=exercises, routines=routines)
    catalog.replaced = {item_id: Path(where) for item_id, where in data["replaced"].items()}
    catalog.problems = [Problem(*problem) for problem in data["problems"]]
    return catalog


def _rebuilt(item: str, path: Path, builtin: bool) -> Entry:
    return Entry(decode(json.loads(item)), path, None, builtin)
