"""A newcomer's path: build the wheel, install it in a fresh venv, use it from elsewhere."""

from __future__ import annotations

import importlib.metadata
import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import REPO

ROOT = REPO


@pytest.mark.slow
def test_installed_wheel_works_from_another_directory(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(ROOT)],
        check=True,
        capture_output=True,
    )
    wheel = next(dist.glob("stretchtimer-*.whl"))
    env_dir = tmp_path / "venv"
    venv.create(env_dir)  # a fresh venv, without a pip of its own: this one installs into it
    python = env_dir / "bin" / "python"
    # with the pydantic the stored core schemas were built with (the test extra pins it)
    pydantic = f"pydantic=={importlib.metadata.version('pydantic')}"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "--python",
            str(python),
            "install",
            "-q",
            str(wheel),
            pydantic,
        ],
        check=True,
        capture_output=True,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    def stretchtimer(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(env_dir / "bin" / "stretchtimer"), *args],
            cwd=elsewhere,
            capture_output=True,
            text=True,
            timeout=120,
        )

    assert stretchtimer("--version").stdout.startswith("stretchtimer ")
    listed = stretchtimer("list")
    assert listed.returncode == 0 and "full-back-session" in listed.stdout, listed.stderr
    exercises = json.loads(stretchtimer("list", "--exercises", "--json").stdout)
    shipped = Path(exercises[0]["source"]).parent
    assert str(env_dir) in str(shipped), "exercises must come from the installed package"
    assert stretchtimer("show", "full-back-session").returncode == 0
    read = "from stretchtimer.library.loader import load_catalog; load_catalog(cache=False)"
    probe = f"import sys; {read}; print('pydantic' in sys.modules)"
    imported = subprocess.run([python, "-c", probe], cwd=elsewhere, capture_output=True, text=True)
    assert imported.stdout == "False\n", imported.stderr  # the stored core schemas were used
    files = sorted(shipped.rglob("*.yaml"))
    assert len(files) >= 28
    checked = stretchtimer("validate", *map(str, files))
    assert checked.returncode == 0 and f"{len(files)} files valid" in checked.stdout
    sounds = shipped.parent / "assets"
    assert sounds.is_dir(), "assets/ must be shipped in the wheel"
    ran = stretchtimer("run", "full-back-session", "--plain", "--speed", "2000", "--mute")
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines()[-1].startswith("Finished: ")
