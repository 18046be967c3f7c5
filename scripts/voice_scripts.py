"""Write tests/unit/golden/ROUTINE.voice.txt and ROUTINE.voice-full.txt: what
`stretchtimer show ROUTINE --voice` (and `--voice=full`) prints for every built-in routine.
tests/unit/test_voice_script.py checks them against the program; after a change to what the
voice says, run this and read the difference (`git diff tests/unit/golden`) before you commit.

    .venv/bin/python scripts/voice_scripts.py
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
import tempfile
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "unit" / "golden"
MODES = {"voice": "--voice", "voice-full": "--voice=full"}


def shown(routine_id: str, option: str) -> str:
    """What `show` prints, with no config of the user's (a temporary folder stands in)."""
    from stretchtimer.cli.main import main

    with tempfile.TemporaryDirectory(prefix="stretchtimer-golden-") as folder:
        folders = {
            "STRETCHTIMER_CONFIG_DIR": str(Path(folder) / "config"),
            "STRETCHTIMER_DATA_DIR": str(Path(folder) / "data"),
        }
        out = io.StringIO()
        with mock.patch.dict(os.environ, folders), contextlib.redirect_stdout(out):
            code = main(["show", routine_id, option])
        assert code == 0, f"show {routine_id} {option} exited {code}"
        return out.getvalue()


def routine_ids() -> list[str]:
    from stretchtimer.paths import builtin_exercises_dir

    return sorted(path.stem for path in (builtin_exercises_dir() / "routines").glob("*.yaml"))


def main() -> int:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for routine_id in routine_ids():
        for suffix, option in MODES.items():
            path = GOLDEN / f"{routine_id}.{suffix}.txt"
            path.write_text(shown(routine_id, option))
            print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
