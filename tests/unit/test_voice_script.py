"""The coach's script of every built-in routine, pinned: `stretchtimer show ROUTINE --voice`
(and `--voice=full`) prints what tests/unit/golden/ holds. After a change to what the voice
says, regenerate them with `.venv/bin/python scripts/voice_scripts.py` and read the diff."""

from __future__ import annotations

import pytest
from conftest import REPO, script_module

GOLDEN = REPO / "tests" / "unit" / "golden"


SCRIPTS = script_module("voice_scripts")
CASES = [(r, suffix) for r in SCRIPTS.routine_ids() for suffix in SCRIPTS.MODES]


@pytest.mark.parametrize(("routine_id", "suffix"), CASES)
def test_the_script_is_the_golden_file(routine_id: str, suffix: str) -> None:
    golden = GOLDEN / f"{routine_id}.{suffix}.txt"
    assert golden.exists(), f"missing {golden}: run scripts/voice_scripts.py"
    shown = SCRIPTS.shown(routine_id, SCRIPTS.MODES[suffix])
    assert shown == golden.read_text(), f"{golden.name} is stale: run scripts/voice_scripts.py"


def test_every_built_in_routine_has_its_golden_files() -> None:
    expected = {f"{r}.{suffix}.txt" for r, suffix in CASES}
    assert {path.name for path in GOLDEN.glob("*.txt")} == expected
    assert len(SCRIPTS.routine_ids()) == 6


def test_voice_is_for_routines(capsys: pytest.CaptureFixture[str]) -> None:
    from stretchtimer.cli.main import main

    assert main(["show", "neck-roll", "--voice"]) == 2
    assert "'neck-roll' is an exercise" in capsys.readouterr().err
    assert main(["show", "desk-break", "--voice=full"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Desk Break (desk-break) - 5:26, what the voice says (--voice=full)")
