"""The loaded catalog, kept on disk so the next load skips YAML parsing and validation.

One file in the data folder holds what the last full load found: every validated exercise and
routine (as plain data, with the fields each file gave), what replaced what, and the problems
of the broken files, so those are still reported on every run. Its first line is JSON with
everything but the models; each line after it is the JSON of one model, exercises then
routines, in the order of the first line's lists. It is saved under the key of its files
(sources.py: every YAML file's path, size, inode and change times, the program's version and
the library's code) and this file's format: any change to these makes a full load, which
writes a new file. A missing, unreadable or damaged cache file is the same as no cache.

On a hit the models (plain dataclasses) are rebuilt directly, trusting the data as it was
validated when it was saved: neither PyYAML nor pydantic is imported. Each one's line is kept
as it is and rebuilt when first looked up (catalog.Entries), so a warm load does not grow with
a thousand user exercises that the command never uses.
"""

from __future__ import annotations

import functools
import json
import logging
import operator
from collections.abc import Callable
from pathlib import Path
from typing import Any

from stretchtimer.files import read_bounded, save_text
from stretchtimer.library import models
from stretchtimer.library.catalog import Catalog, Entries, Entry, Problem
from stretchtimer.library.sources import Key
from stretchtimer.paths import data_dir

log = logging.getLogger(__name__)

FORMAT = 5
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
        head, _, models_part = read_bounded(path, MAX_CACHE_BYTES).partition(b"\n")
        data = json.loads(head)
        if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("key") != key:
            return None
        return _catalog(data, models_part.split(b"\n")[:-1])  # the file ends with a line end
    except FileNotFoundError:
        return None
    except Exception as error:  # a damaged cache is only a slower start
        log.debug("ignoring the catalog cache %s: %r", path, error)
        return None


def write(key: Key, catalog: Catalog, path: Path | None = None) -> bool:
    """Save `catalog` under `key` (atomically); False if the folder is not writable."""
    entries = [*catalog.exercises.values(), *catalog.routines.values()]
    data = {
        "format": FORMAT,
        "key": key,
        "exercises": [_place(entry) for entry in catalog.exercises.values()],
        "routines": [_place(entry) for entry in catalog.routines.values()],
        "replaced": {item_id: str(where) for item_id, where in catalog.replaced.items()},
        "problems": [
            [problem.path, problem.line, problem.field, problem.message, problem.skipped]
            for problem in catalog.problems
        ],
    }
    # JSON escapes every line end within a text, so each model is one line; the first line in
    # ASCII, as a path that is not UTF-8 (a file name's bytes kept as surrogates) must be
    lines = [
        json.dumps(data, separators=(",", ":")),
        *(_ENCODER.encode(entry.item) for entry in entries),
    ]
    return save_text(path or cache_path(), "\n".join(lines) + "\n", "the catalog cache")


def _place(entry: Entry) -> tuple[str, str, bool]:
    return entry.item.id, str(entry.path), entry.builtin


# --- models as plain data and back ----------------------------------------------------------


def encode(value: Any) -> Any:
    """A model as {"$model": class name, "values": [its fields' values, in order]}; a dose
    override also with "$set", the fields its file gave (they alone replace the exercise's).
    Only the model itself: as json's `default`, it is called again for the models among its
    values (json's C encoder does the rest, several times faster than a walk in Python)."""
    fields = _FIELDS.get(type(value))
    if fields is None:
        if not isinstance(value, models.Strict):
            raise TypeError(f"cannot cache a {type(value).__name__}")
        fields = _FIELDS[type(value)] = _fields_of(type(value))
    data: dict[str, Any] = {"$model": type(value).__name__}
    if isinstance(value, models.DoseOverride):
        data["$set"] = sorted(value.given_names())
    data["values"] = fields(value)
    return data


def _fields_of(model: type[models.Strict]) -> Callable[[Any], tuple[Any, ...]]:
    """What gives a model's field values as a tuple, in order (a single name's attrgetter
    gives the value itself)."""
    names = models.field_names(model)
    if len(names) == 1:
        return lambda value: (getattr(value, names[0]),)
    return operator.attrgetter(*names)


_FIELDS: dict[type, Callable[[Any], tuple[Any, ...]]] = {}
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), default=encode)


def decode(data: Any) -> Any:
    """A model rebuilt from its data, without validation (it was valid when saved)."""
    if isinstance(data, dict):
        model = _MODELS[data["$model"]]
        names = models.field_names(model)
        values = [decode(value) for value in data["values"]]
        if len(values) != len(names):
            raise ValueError(f"the fields of {model.__name__} have changed")
        item = model(**dict(zip(names, values, strict=True)))
        if isinstance(item, models.DoseOverride):
            item.with_given(frozenset(data["$set"]))
        return item
    if isinstance(data, list):
        return [decode(item) for item in data]
    return data


def _catalog(data: dict[str, Any], lines: list[bytes]) -> Catalog:
    exercises, routines = Entries(), Entries()
    places = [
        (exercises, models.Exercise, data["exercises"]),
        (routines, models.Routine, data["routines"]),
    ]
    if len(lines) != sum(len(entries) for _, _, entries in places):
        raise ValueError(f"{len(lines)} models for the entries of the first line")
    made = iter(lines)
    for table, kind, entries in places:
        start = f'{{"$model":"{kind.__name__}"'.encode()
        for item_id, where, builtin in entries:
            line = next(made)
            # checked now: a damaged entry is no cache, not a failure once it is looked up
            if not line.startswith(start) or not isinstance(where, str):
                raise ValueError(f"entry {item_id!r} is not an {kind.__name__}")
            table.add_later(str(item_id), functools.partial(_rebuilt, line, where, builtin))
    catalog = Catalog(exercises=exercises, routines=routines)
    catalog.replaced = {item_id: Path(where) for item_id, where in data["replaced"].items()}
    catalog.problems = [Problem(*problem) for problem in data["problems"]]
    return catalog


def _rebuilt(item: bytes, path: str, builtin: object) -> Entry:
    return Entry(decode(json.loads(item)), Path(path), None, bool(builtin))
