"""The JSON Schema of exercise and routine files, for editors that complete and check YAML."""

from __future__ import annotations

from typing import Any

from stretchtimer.library.validation import json_schema


def file_schema() -> dict[str, Any]:
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "stretchtimer exercise or routine",
        **json_schema(),
    }
