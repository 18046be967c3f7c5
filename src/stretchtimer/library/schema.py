"""The JSON Schema of exercise and routine files, for editors that complete and check YAML.

It describes what the loader accepts, short forms included (validation.py), and tells the two
kinds of file apart as the loader does: a file with an `exercises` list is a routine.
"""

from __future__ import annotations

from typing import Any

from stretchtimer.library.models import ROUTINE_KEY
from stretchtimer.library.validation import json_schema


def file_schema() -> dict[str, Any]:
    schema = json_schema()
    exercise, routine = ({"$ref": f"#/$defs/{name}"} for name in ("Exercise", "Routine"))
    assert schema.pop("anyOf") == [exercise, routine], "json_schema() is of Exercise | Routine"
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "stretchtimer exercise or routine",
        "type": "object",
        "if": {"required": [ROUTINE_KEY]},
        "then": routine,
        "else": exercise,
        **schema,
    }
