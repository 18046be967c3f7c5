"""The checks a file's fields get beyond their types, as the validator calls them, and what
a stored core schema needs to be used: the names of what it calls, and what it was built from.

schema.py puts these checks into the core schemas pydantic builds from models.py, and stores
the schemas with them named (core_schemas.json): named, module-level objects, so that
validation.py can validate with pydantic-core alone, without importing pydantic.
"""

from __future__ import annotations

import builtins
import dataclasses
import functools
import re
import sys
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic_core

from stretchtimer.format import describe_character, unsafe_characters
from stretchtimer.library import models


def no_unsafe(text: str) -> str:
    """A text shown to people, refused if a character in it could drive a terminal or hide
    what it says."""
    unsafe = unsafe_characters(text)
    if unsafe:
        where = text.index(unsafe[0]) + 1
        raise ValueError(
            f"character {where} is {describe_character(unsafe[0])}: control, bidi and"
            " zero-width characters are not allowed in text"
        )
    return text


@dataclass(frozen=True, slots=True)
class Matches:
    """A string that must match `pattern`; `in_words` is what a file's error says. Checked
    here rather than by pydantic's `pattern`, whose error shows the raw expression."""

    pattern: str
    in_words: str

    def __call__(self, value: str) -> str:
        if not re.fullmatch(self.pattern, value):
            raise ValueError(self.in_words)
        return value


@dataclass(frozen=True, slots=True)
class RecordsGiven:
    """Builds an instance of `cls` and records on it the fields a file gave
    (`Strict._remembers_given`)."""

    cls: type

    def __call__(self, data: Any, build: Callable[[Any], Any]) -> Any:
        result = build(data)
        if isinstance(data, dict) and not isinstance(data, self.cls):
            result.with_given(frozenset(data))
        return result


# --- naming them -------------------------------------------------------------------------------

_MODULES = {"models": models, "checks": sys.modules[__name__], "builtins": builtins}
"""The modules whose objects a stored schema may name."""


def name_of(value: Any) -> dict[str, Any]:
    """`value` (a class, a function, a class's method or a check) as a stored schema names
    it: `{"$": "models.Amount._from_input"}`, `{"$": "checks.Matches", "args": [...]}`."""
    if isinstance(value, Matches | RecordsGiven):
        args = [getattr(value, field.name) for field in dataclasses.fields(value)]
        stored = [name_of(arg) if callable(arg) else arg for arg in args]
        return {**name_of(type(value)), "args": stored}
    owner = getattr(value, "__self__", None)
    if isinstance(owner, type):  # a class's method, bound to the class
        module, path = owner.__module__, f"{owner.__qualname__}.{value.__name__}"
    else:
        module, path = getattr(value, "__module__", ""), getattr(value, "__qualname__", "")
    short = next((name for name, known in _MODULES.items() if known.__name__ == module), None)
    name = {"$": f"{short}.{path}"}
    try:
        if short is not None and named(name) == value:
            return name
    except AttributeError:  # a function of a function (a closure) cannot be found again
        pass
    raise ValueError(f"{value!r} cannot be named in a stored schema")


def named(name: dict[str, Any]) -> Any:
    """The object `name` (from `name_of`) names."""
    module, *path = name["$"].split(".")
    found: Any = functools.reduce(getattr, path, _MODULES[module])
    if "args" in name:
        return found(*(named(arg) if isinstance(arg, dict) else arg for arg in name["args"]))
    return found


# --- what they were built from -----------------------------------------------------------------

SOURCES = ("checks.py", "models.py", "schema.py", "terms.py")
"""The modules the core schemas are built from: a change to one makes the stored ones stale."""


def built_from() -> dict[str, str]:
    """What stored schemas must have been built from to be used here: this pydantic-core's
    series (its major and minor version: its bug-fix releases read a schema alike), and the
    modules in SOURCES as they are now."""
    folder = Path(__file__).parent
    digest = 0
    for name in SOURCES:
        digest = zlib.crc32((folder / name).read_bytes(), digest)
    series = ".".join(pydantic_core.__version__.split(".")[:2])
    return {"pydantic_core": series, "sources": f"{digest:08x}"}
