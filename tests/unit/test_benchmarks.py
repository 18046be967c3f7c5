"""The benchmark runner: its table, the README's copy of it, and one quick run end to end."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import REPO

ROOT = REPO
sys.path.insert(0, str(ROOT / "benchmarks"))

import run  # noqa: E402  (benchmarks/run.py, found through the path above)
from common import ratio, spread  # noqa: E402

FIGURES = 23  # rows of the table: every figure, with and without its second anchor


def table_lines(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("|")]


def test_figures_are_the_median_with_the_range_and_ratios_compare_medians() -> None:
    assert spread([3.0, 1.0, 2.0, 10.0, 2.5]) == "2.5 [1.0 to 10.0]"
    assert spread([4.0], 0) == "4"
    assert ratio([2.0, 4.0, 6.0], [1.0, 2.0, 3.0]) == 2.0
    assert ratio([-1.0], [-4.0]) == 0.25  # drifts compare by size
    assert ratio([1.0], [0.0]) == float("inf")


def test_a_row_says_whether_its_target_is_met_or_why_it_was_not_measured() -> None:
    fast = run.Row("startup (ms)", [300, 310, 320], "bare", [200, 210, 220], "x", run.within(1.5))
    assert fast.cells()[4:] == ["1.48x", "x", "yes"]
    slow = run.Row("startup (ms)", [400.0], "bare", [200.0], "x", run.within(1.5))
    assert slow.cells()[-1] == "NO"
    assert run.Row("cpu", [0.4], "b", [0.3], "x", run.cpu_check).cells()[-1] == "yes"
    assert run.Row("cpu", [1.2], "b", [1.0], "x", run.cpu_check).cells()[-1] == "NO"
    reference = run.Row("list (ms)", [500.0], "bare", [200.0], "for reference", None)
    assert reference.cells()[-1] == "-"
    missing = run.Row("CPU", [0.5], "termdown", [], "", None, why="pip could not install it")
    assert missing.cells()[1] == "not measured: pip could not install it"


def test_the_readme_shows_the_table_of_benchmarks_results(tmp_path: Path) -> None:
    results = (ROOT / "benchmarks" / "results.md").read_text()
    readme = (ROOT / "README.md").read_text()
    block = readme.split(run.BLOCK_START, 1)[1].split(run.BLOCK_END, 1)[0]
    assert table_lines(block) == table_lines(results), "run benchmarks/run.py (the full run)"
    assert len(table_lines(results)) == 2 + FIGURES  # header, rule, one line per figure


def test_the_runner_rewrites_only_its_block_of_the_readme(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(f"before\n{run.BLOCK_START}\nold\n{run.BLOCK_END}\nafter\n")
    run.update_readme(readme, f"{run.BLOCK_START}\nnew\n{run.BLOCK_END}")
    assert readme.read_text() == f"before\n{run.BLOCK_START}\nnew\n{run.BLOCK_END}\nafter\n"


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("tmux") is None, reason="needs tmux")
def test_a_quick_run_measures_every_figure_and_says_why_termdown_is_missing(
    tmp_path: Path,
) -> None:
    """One repeat of everything, in short windows and the 60 s routine at x60; termdown's cache
    folder cannot be made, so its rows must say why they are empty instead of failing the run."""
    results = tmp_path / "results.md"
    env = {**os.environ, "XDG_CACHE_HOME": "/dev/null/no-cache"}
    command = [
        *("--quick", "--repeat", "1", "--cpu-seconds", "1", "--minute-speed", "60"),
        *("--results", str(results)),
    ]
    done = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), *command],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    rows = table_lines(results.read_text())[2:]
    assert table_lines(done.stdout)[2:] == rows
    assert len(rows) == FIGURES
    assert any("60 s routine at speed 60 (ms)" in row for row in rows)  # --minute-speed
    termdown = [row for row in rows if "termdown" in row]
    assert len(termdown) == 4
    assert all("not measured: no venv for termdown" in row for row in termdown)
    measured = [row for row in rows if "termdown" not in row]
    for row in measured:
        cells = [cell.strip() for cell in row.strip("|").split("|")]
        assert re.fullmatch(r"-?\d+(\.\d+)?", cells[1]), row  # one repeat: a bare number
        assert cells[4].endswith("x") and cells[6] in ("yes", "NO", "-"), row
