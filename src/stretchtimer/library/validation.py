"""Validate what a file holds against the file classes, with pydantic-core alone.

pydantic builds the core schemas from models.py (schema.py). Building them imports pydantic
and costs about 60 ms, a third of the time `list` takes to read a thousand new files, so they
are stored (core_schemas.json, with their checks named: checks.py) and pydantic-core, which
validates for pydantic, validates with them. A test keeps the stored schemas equal to what
pydantic builds. Should they not be read (another version of pydantic-core, a damaged file),
pydantic builds them as it runs.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Hashable
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic_core import SchemaError, SchemaValidator, ValidationError

from stretchtimer.library.checks import named

__all__ = ["ValidationError", "validate"]

T = TypeVar("T")

CORE_SCHEMAS = Path(__file__).with_name("core_schemas.json")
"""The stored core schemas: scripts/core_schemas.py writes them."""


def validate(model_type: type[T], data: Any) -> T:
    """`data` (as read from a file) checked and built into `model_type`, a file class or a
    dose class.

    Raises ValidationError, whose errors name the location of each problem.
    """
    result: T = _validator(cast(Hashable, model_type)).validate_python(data)
    return result


@functools.cache
def _validator(model_type: Any) -> SchemaValidator:
    try:
        return SchemaValidator(_restored(_stored()[model_type.__name__]))
    except (OSError, ValueError, LookupError, AttributeError, SchemaError):
        # another pydantic-core, or stored schemas missing, damaged or behind the code
        from stretchtimer.library.schema import core_schema_of

        return SchemaValidator(core_schema_of(model_type))


@functools.cache
def _stored() -> dict[str, Any]:
    stored: dict[str, Any] = json.loads(CORE_SCHEMAS.read_bytes())
    return stored


def _restored(value: Any) -> Any:
    """A stored schema with the objects it names."""
    if isinstance(value, dict):
        if "$" in value:
            return named(value)
        return {key: _restored(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_restored(item) for item in value]
    return value
