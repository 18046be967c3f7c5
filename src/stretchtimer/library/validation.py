"""pydantic at the boundary: the only module that imports it.

The file classes in models.py are plain frozen dataclasses; this module validates data
against them (`validate`), publishes their JSON Schema (`json_schema`), and carries out the
hooks models.py leaves in their annotations (`rules_schema`, `class_schema`) while pydantic
builds its validators. It is imported when a file is read or the schema is printed, never
when the catalog comes from the cache.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Hashable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from pydantic import Discriminator, TypeAdapter, ValidationError
from pydantic_core import core_schema

from stretchtimer.format import describe_character, unsafe_characters
from stretchtimer.library.models import CONFIG, SCHEMA_HOOKS, Exercise, Routine, Rules, Strict

if TYPE_CHECKING:
    from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler

__all__ = ["ValidationError", "json_schema", "validate"]

T = TypeVar("T")


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


def validate(model_type: type[T], data: Any) -> T:
    """`data` (as read from a file) checked and built into `model_type`.

    Raises ValidationError, whose errors name the location of each problem.
    """
    result: T = _adapter(cast(Hashable, model_type)).validate_python(data)
    return result


def json_schema() -> dict[str, Any]:
    """The JSON Schema of a file: an exercise or a routine."""
    schema: dict[str, Any] = _adapter(Exercise | Routine, described=True).json_schema()
    return schema


def rules_schema(rules: Rules, source: Any, handler: GetCoreSchemaHandler) -> Any:
    """The core schema of a type annotated with `models.Rules`."""
    if rules.tag is not None:
        return Discriminator(rules.tag).__get_pydantic_core_schema__(source, handler)
    schema = handler(source)
    if rules.pattern is not None:
        # checked here rather than by pydantic's `pattern`, whose error shows the raw
        # expression; the schema still has it (models.Rules adds it)
        matches = re.compile(rules.pattern).fullmatch
        in_words = rules.in_words or f"should match {rules.pattern}"

        def check(value: str) -> str:
            if not matches(value):
                raise ValueError(in_words)
            return value

        schema = core_schema.no_info_after_validator_function(check, schema)
    if rules.text:
        schema = core_schema.no_info_after_validator_function(_no_unsafe, cast(Any, schema))
    return schema


def _no_unsafe(text: str) -> str:
    unsafe = unsafe_characters(text)
    if unsafe:
        where = text.index(unsafe[0]) + 1
        raise ValueError(
            f"character {where} is {describe_character(unsafe[0])}: control, bidi and"
            " zero-width characters are not allowed in text"
        )
    return text


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

        def record(data: Any, build: core_schema.ValidatorFunctionWrapHandler) -> Any:
            result = build(data)
            if isinstance(data, dict) and not isinstance(data, cls):
                result.with_given(frozenset(data))
            return result

        schema = dict(core_schema.no_info_wrap_validator_function(record, cast(Any, schema)))
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
