"""pydantic at the boundary: the only module that imports it.

The file classes in models.py are plain frozen dataclasses. Here pydantic builds from them
the JSON Schema published for editors (`file_schema`, `stretchtimer schema`) and the core
schemas that validation.py validates files with, carrying out the hooks models.py leaves in
their annotations (`rules_schema`, `class_schema`). The core schemas are stored
(`stored_core_schemas`, written by scripts/core_schemas.py), so reading a file imports this
module only if the stored ones cannot be used.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, cast, get_args

from pydantic import Discriminator, TypeAdapter
from pydantic_core import core_schema

from stretchtimer.library.checks import Matches, RecordsGiven, built_from, name_of, no_unsafe
from stretchtimer.library.models import (
    CONFIG,
    ROUTINE_KEY,
    SCHEMA_HOOKS,
    AnyDose,
    Exercise,
    Routine,
    Rules,
    Strict,
)

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler

VALIDATED: tuple[type, ...] = (Exercise, Routine, *get_args(AnyDose))
"""The classes validation.py validates data against: the files, and a routine's change to a
dose."""


def file_schema() -> dict[str, Any]:
    """The JSON Schema of a file: an exercise or a routine, told apart as the loader does (a
    file with an `exercises` list is a routine). It describes what the loader accepts, short
    forms included."""
    schema: dict[str, Any] = _adapter(Exercise | Routine, described=True).json_schema()
    exercise, routine = ({"$ref": f"#/$defs/{name}"} for name in ("Exercise", "Routine"))
    assert schema.pop("anyOf") == [exercise, routine], "the schema is of Exercise | Routine"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "stretchtimer exercise or routine",
        "type": "object",
        "if": {"required": [ROUTINE_KEY]},
        "then": routine,
        "else": exercise,
        **schema,
    }


def validator_of(model_type: type) -> Any:
    """pydantic's validator for `model_type`, built as this runs."""
    return _adapter(model_type).validator


def stored_core_schemas() -> dict[str, Any]:
    """What core_schemas.json holds: the core schema of each class in VALIDATED by its name,
    as JSON, with the objects it calls named (checks.name_of), and what they were built from.
    Left out: what only the JSON Schema reads (`metadata`), and the number pydantic adds to
    each reference to a class."""
    schemas = {cls.__name__: _storable(_adapter(cls).core_schema) for cls in VALIDATED}
    return {"built_from": built_from(), "schemas": schemas}


def _storable(value: Any) -> Any:
    if isinstance(value, dict):
        if "$" in value or not all(isinstance(key, str) for key in value):
            raise ValueError(f"a mapping JSON cannot keep as it is: {value!r}")
        return {
            key: re.sub(r":\d+$", "", item) if key in ("ref", "schema_ref") else _storable(item)
            for key, item in value.items()
            if key != "metadata"
        }
    if isinstance(value, list):
        return [_storable(item) for item in value]
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return name_of(value)


@functools.cache
def _adapter(model_type: Hashable, described: bool = False) -> TypeAdapter[Any]:
    """An adapter for `model_type`; `described` gives it the field descriptions.

    pydantic finds those by reading each class's source (inspect: about 100 ms, half the load
    of the built-in files), and only the published schema needs them, not validating a file.
    """
    CONFIG["use_attribute_docstrings"] = described
    try:
        return TypeAdapter(cast(Any, model_type))
    finally:
        CONFIG["use_attribute_docstrings"] = False


def rules_schema(rules: Rules, source: Any, handler: GetCoreSchemaHandler) -> Any:
    """The core schema of a type annotated with `models.Rules`."""
    if rules.tag is not None:
        return Discriminator(rules.tag).__get_pydantic_core_schema__(source, handler)
    schema = handler(source)
    if rules.pattern is not None:
        # checked here rather than by pydantic's `pattern`, whose error shows the raw
        # expression; the schema still has it (models.Rules adds it)
        in_words = rules.in_words or f"should match {rules.pattern}"
        matches = Matches(rules.pattern, in_words)
        schema = core_schema.no_info_after_validator_function(matches, schema)
    if rules.text:
        schema = core_schema.no_info_after_validator_function(no_unsafe, cast(Any, schema))
    return schema


def class_schema(cls: type[Strict], source: Any, handler: GetCoreSchemaHandler) -> Any:
    """The core schema of a file class: pydantic's own for the dataclass, plus

    - mappings are accepted as input (strict mode otherwise takes only instances of a
      dataclass); the fields themselves stay strict;
    - the class's own `_from_input`, if it has one, runs first (short forms: `reps: 10`);
    - for `_remembers_given`, the fields given are recorded on the instance.
    """
    schema: dict[str, Any] = dict(handler(source))
    if schema.get("type") == "dataclass":
        schema["strict"] = False
    ref = schema.pop("ref", None)
    if cls._remembers_given:
        records = RecordsGiven(cls)
        schema = dict(core_schema.no_info_wrap_validator_function(records, cast(Any, schema)))
    if getattr(cls._from_input, "__func__", None) is not vars(Strict)["_from_input"].__func__:
        before = core_schema.no_info_before_validator_function(cls._from_input, cast(Any, schema))
        schema = dict(before)
    if ref is not None:
        schema["ref"] = ref
    return schema


def class_json_schema(cls: type[Strict], core: Any, handler: GetJsonSchemaHandler) -> Any:
    """The JSON Schema of a file class, describing what a file may hold (as `validate` takes it):

    - the short form (`_short_form`) as an alternative to the mapping;
    - the fields `_from_input` fills in (`_filled_in`) are not required in the mapping;
    - a class that remembers the fields given reads a missing field as None, and a file never
      writes that None: `seconds: null` in a routine's override is refused when the routine
      is checked (None is no dose value), so the schema does not offer null.
    """
    reference = handler(core)
    target = handler.resolve_ref_schema(reference)
    if cls._filled_in:
        required = [name for name in target.get("required", []) if name not in cls._filled_in]
        target["required"] = required
    if cls._remembers_given:
        for name, field_schema in target.get("properties", {}).items():
            target["properties"][name] = _without_null(field_schema)
    if cls._short_form is not None:
        mapping = dict(target)
        short = _adapter(cls._short_form).json_schema()
        target.clear()
        for key in ("title", "description"):
            if key in mapping:
                target[key] = mapping.pop(key)
        target["anyOf"] = [short, mapping]
    return reference


def _without_null(field_schema: dict[str, Any]) -> dict[str, Any]:
    """A field's schema without the `null` of `X | None = None`."""
    options = [option for option in field_schema.get("anyOf", []) if option != {"type": "null"}]
    if len(options) != 1:
        return field_schema
    rest = {
        key: value
        for key, value in field_schema.items()
        if key != "anyOf" and not (key == "default" and value is None)
    }
    return {**options[0], **rest}


SCHEMA_HOOKS.class_schema = class_schema  # type: ignore[method-assign]
SCHEMA_HOOKS.class_json_schema = class_json_schema  # type: ignore[method-assign]
SCHEMA_HOOKS.rules_schema = rules_schema  # type: ignore[method-assign]
