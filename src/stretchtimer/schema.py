"""The JSON Schema of exercise and routine files, for editors that complete and check YAML."""

from __future__ import annotations

from typing import Any

from pydantic import TypeAdapter

from .models import Exercise, Routine


def file_schema() -> dict[str, Any]:
    schema = TypeAdapter(Exercise | Routine).json_schema()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "stretchtimer exercise or routine",
        **schema,
    }
