"""What the benchmark scripts share: figures over repeats, ratios, and the machine they ran on.

Every figure is the median over the repeats with the lowest and highest in brackets,
`12.3 [11.0 to 14.2]`, and a ratio is our median over the baseline's median, both measured in
the same run. Nothing here measures anything; see tui.py, timing.py, commands.py and run.py.
"""

from __future__ import annotations

import os
import platform
import statistics
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# The programs measured keep their bytecode caches as on a user's machine, where pip compiles
# an installed package: with PYTHONDONTWRITEBYTECODE set (some shells and CI images set it),
# every start of a checkout would compile stretchtimer's modules from source again (about
# 50 ms), while Textual's were compiled when pip installed it.
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)


def ms(seconds: float) -> float:
    return seconds * 1000.0


def spread(values: list[float], digits: int = 1) -> str:
    """'median [min to max]' over the repeats (just the value when there is one)."""
    middle = statistics.median(values)
    if len(values) == 1:
        return f"{middle:.{digits}f}"
    return f"{middle:.{digits}f} [{min(values):.{digits}f} to {max(values):.{digits}f}]"


def ratio(ours: list[float], base: list[float]) -> float:
    """Our median over the baseline's, on magnitudes (a drift can be below zero)."""
    below = abs(statistics.median(base))
    return abs(statistics.median(ours)) / below if below > 0 else float("inf")


def yes(ok: bool) -> str:
    return "yes" if ok else "no"


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout.strip()


def commit() -> str:
    """The checkout's commit, with '+changes' when tracked files differ from it."""
    try:
        head = git("rev-parse", "--short", "HEAD")
        dirty = git("status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return head + (" +changes" if dirty else "")


def machine() -> str:
    """One line: OS, CPU, cores, memory, Python."""
    try:
        pages = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
        memory = f", {pages / 2**30:.0f} GiB"
    except (ValueError, OSError):
        memory = ""
    return (
        f"{platform.system()} {platform.release()}, {cpu_model()}, {os.cpu_count()} CPUs"
        f"{memory}, Python {platform.python_version()}"
    )
