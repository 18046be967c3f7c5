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
    assert "](docs/session.svg)" in (ROOT / "README.md").read_text()
