"""Write tests/unit/golden/built/ASK.txt: what `stretchtimer build` prints and writes for a
few asks (those the README and issue 17 name, and one naming no area with too few minutes for
every area), with no history and no settings of the user's.
tests/unit/test_builder.py checks them against the program; after a change to the builder or
the exercises, run this and read the difference (`git diff tests/unit/golden/built`).

    .venv/bin/python scripts/built_routines.py
"""

from __future__ import annotations

import contextlib
import io
import os
import shlex
import sys
import tempfile
from pathlib import Path
from unittest import mock

ROOT = Path(__file__).resolve().parents[1]
GOLDEN = ROOT / "tests" / "unit" / "golden" / "built"
ASKS = {
    "4-min-seated-neck": "--minutes 4 --position seated --focus neck",
    "10-min-floor-lower-back": "--minutes 10 --position floor --focus lower-back",
    "15-min-no-equipment": "--minutes 15 --equipment none",
    "25-min-everything": "--minutes 25",
    "2-min-everything": "--minutes 2 --focus all",
    "2-min-no-area-named": "--minutes 2",
    "20-min-easy-band-standing": "--minutes 20 --equipment band wall --position standing "
    "--level easy --name 'Band at the wall'",
}


def built(options: str) -> str:
    """The command, what it printed (the folder shown as ~/.config/...), its exit code and
    the file it wrote."""
    from stretchtimer.cli.main import main

    argv = ["build", *shlex.split(options)]
    with tempfile.TemporaryDirectory(prefix="stretchtimer-golden-") as folder:
        config = Path(folder) / "config"
        folders = {
            "STRETCHTIMER_CONFIG_DIR": str(config),
            "STRETCHTIMER_DATA_DIR": str(Path(folder) / "data"),
        }
        out, err = io.StringIO(), io.StringIO()
        with (
            mock.patch.dict(os.environ, folders),
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
        ):
            code = main(argv)
        text = f"$ stretchtimer {shlex.join(argv)}\n{out.getvalue()}{err.getvalue()}exit {code}\n"
        text = text.replace(str(config), "~/.config/stretchtimer")
        for path in sorted((config / "exercises").glob("*.yaml")):
            text += f"\n--- {path.name}\n{path.read_text()}"
        return text


def main() -> int:
    GOLDEN.mkdir(parents=True, exist_ok=True)
    for name, options in ASKS.items():
        path = GOLDEN / f"{name}.txt"
        path.write_text(built(options))
        print(f"wrote {path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
