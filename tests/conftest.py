"""Shared by every test: an empty user config dir for each, small model builders, and where
the repository is.

The tests are grouped: `unit/` the core and each part on its own (no Textual app, no
terminal), `app/` the Textual app driven by Pilot, `program/` whole programs (the command
line in processes and terminals, tmux, real sound through ALSA, the installed wheel).
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from stretchtimer.library.models import Exercise, Routine
from stretchtimer.library.validation import validate

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures"


@pytest.fixture(autouse=True)
def user_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own empty config and data dirs, never the developer's own."""
    config = tmp_path / "config"
    (config / "exercises").mkdir(parents=True)
    monkeypatch.setenv("STRETCHTIMER_CONFIG_DIR", str(config))
    monkeypatch.setenv("STRETCHTIMER_DATA_DIR", str(tmp_path / "data"))
    # Nor the width of whoever runs them: a program's output in a pipe has none (pytest-xdist's
    # workers set COLUMNS=80; a test that wants a width gives its own).
    monkeypatch.delenv("COLUMNS", raising=False)
    monkeypatch.delenv("LINES", raising=False)
    return config


def make_exercise(exercise_id: str = "move", **dose: Any) -> Exercise:
    """A valid exercise with the given dose (default: one 10 s hold)."""
    return validate(
        Exercise,
        {
            "id": exercise_id,
            "name": exercise_id.replace("-", " ").title(),
            "phase": "stretch",
            "summary": "A test move.",
            "good_for": ["neck"],
            "equipment": ["none"],
            "position": ["standing"],
            "steps": ["Do the move."],
            "dose": dose or {"kind": "hold", "seconds": 10},
        },
    )


def make_routine(*ids: str, prepare: int = 5, rest: int = 10) -> Routine:
    return validate(
        Routine,
        {
            "id": "test-routine",
            "name": "Test Routine",
            "purpose": "For tests.",
            "focus": ["neck"],
            "prepare": prepare,
            "rest": rest,
            "exercises": list(ids),
        },
    )


def script_module(name: str) -> ModuleType:
    """One of the repository's scripts/NAME.py, imported (the tests check what it writes)."""
    spec = importlib.util.spec_from_file_location(name, REPO / "scripts" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module
