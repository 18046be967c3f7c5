"""The README's picture of the session screen is what scripts/screenshot.py makes now."""

from __future__ import annotations

import subprocess
import sys

from conftest import REPO

ROOT = REPO


def test_the_committed_screenshot_is_what_the_script_makes() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "screenshot.py"), "--check"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def test_the_readme_shows_it() -> None:
    readme = (ROOT / "README.md").read_text()
    assert "](docs/session.svg)" in readme and "](docs/session-120x40.svg)" in readme
