"""Validate what a file holds against the file classes, with pydantic-core alone.

pydantic builds the core schemas from models.py (schema.py). Building them imports pydantic
and costs about 60 ms, a third of the time `list` takes to read a thousand new files, so they
are stored (core_schemas.json, with their checks named: checks.py) and pydantic-core, which
validates for pydantic, validates with them. They are used only with the pydantic-core and
the code they were built from (a test keeps them so); otherwise, or if they cannot be read,
pydantic builds them as it runs.
"""

from __future__ import annotations

import functools
import json
import logging
from collections.abc import Hashable
from pathlib import Path
from typing import Any, TypeVar, cast

from pydantic_core import SchemaError, SchemaValidator, ValidationError

from stretchtimer.library.checks import built_from, named

__all__ = ["ValidationError", "validate"]

T = TypeVar("T")

log = logging.getLogger(__name__)

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
def _validator(model_type: Any) -> Any:
    """A SchemaValidator for `model_type` (or pydantic's, which has its `validate_python`)."""
    stored = _stored()
    if model_type.__name__ in stored:
        try:
            return SchemaValidator(_restored(stored[model_type.__name__]))
        except (ValueError, LookupError, AttributeError, TypeError, SchemaError) as error:
            log.warning("the stored core schema of %s cannot be used: %s", model_type, error)
    from stretchtimer.library.schema import validator_of

    return validator_of(model_type)


@functools.cache
def _stored() -> dict[str, Any]:
    """The stored schemas by class name, if they were built from what is here; else none."""
    try:
        stored, here = json.loads(CORE_SCHEMAS.read_bytes()), built_from()
        if stored["built_from"] == here:
            schemas: dict[str, Any] = stored["schemas"]
            return schemas
        log.info("stored core schemas built from %s, not %s", stored["built_from"], here)
    except (OSError, ValueError, LookupError, TypeError) as error:
        log.warning("cannot read the stored core schemas: %s", error)
    return {}


def _restored(value: Any) -> Any:
    """A stored schema with the objects it names."""
    if isinstance(value, dict):
        if "$" in value:
            return named(value)
        return {key: _restored(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_restored(item) for item in value]
    return value
