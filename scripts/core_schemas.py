"""Write src/stretchtimer/library/core_schemas.json: the core schemas pydantic builds from the
file classes, which the loader validates files with (library/validation.py). Run it after a
change to a module they are built from (checks.SOURCES: models.py, terms.py, checks.py,
schema.py) or to pydantic's version; until then, they are not used, and
tests/unit/test_validation.py says it is due.

    .venv/bin/python scripts/core_schemas.py
"""

from __future__ import annotations

import json

from stretchtimer.library.schema import stored_core_schemas
from stretchtimer.library.validation import CORE_SCHEMAS


def main() -> None:
    CORE_SCHEMAS.write_text(json.dumps(stored_core_schemas(), indent=1) + "\n", encoding="utf-8")
    print(f"wrote {CORE_SCHEMAS}")


if __name__ == "__main__":
    main()
