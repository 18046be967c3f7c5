"""The catalog commands: wall time of `stretchtimer list` and `show`, against `python -c pass`.

Each command is a fresh process started by `subprocess.run` (output to /dev/null) and timed
with `time.perf_counter()` from before the start to after the exit: the interpreter's start,
the imports, loading and validating every built-in exercise and routine, planning and
printing. The baseline is the same interpreter doing nothing (`python -c pass`), so the ratio
says how much stretchtimer adds to a bare Python start. Before the timed runs each command runs
once unmeasured (disk and bytecode caches); then the repeats go round the commands in turn, so
noise from the machine falls on all of them alike. stretchtimer gets an empty config folder
(`STRETCHTIMER_CONFIG_DIR`), so only the built-ins load.

    .venv/bin/python benchmarks/commands.py             # 10 repeats, a few seconds
    .venv/bin/python benchmarks/commands.py --repeat 5

Target: each catalog command under 250 ms.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ms, ratio, spread

TARGET_MS = 250.0
STRETCHTIMER = Path(sys.executable).parent / "stretchtimer"
BASELINE = "python -c pass"


def commands() -> dict[str, list[str]]:
    """What is timed: a label for each (as a user would type it) and its command line."""
    return {
        BASELINE: [sys.executable, "-c", "pass"],
        "stretchtimer list": [str(STRETCHTIMER), "list"],
        "stretchtimer show full-back-session": [str(STRETCHTIMER), "show", "full-back-session"],
    }


def wall(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from starting the process to its exit; a failure is an error, not a figure."""
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - started


def measure(repeat: int, env: dict[str, str]) -> dict[str, list[float]]:
    """ms per command over `repeat` rounds, after one unmeasured round."""
    timed = commands()
    for argv in timed.values():
        wall(argv, env)
    times: dict[str, list[float]] = {label: [] for label in timed}
    for _ in range(repeat):
        for label, argv in timed.items():
            times[label].append(ms(wall(argv, env)))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=10, metavar="N", help="default 10")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="stretchtimer-bench-") as folder:
        env = {**os.environ, "STRETCHTIMER_CONFIG_DIR": folder}
        times = measure(args.repeat, env)
    print(f"| command | wall time (ms), median [min to max] | ratio to `{BASELINE}` |")
    print("|---|---:|---:|")
    for label, values in times.items():
        print(f"| `{label}` | {spread(values, 0)} | {ratio(values, times[BASELINE]):.2f}x |")
    print(f"\nTarget: the stretchtimer commands under {TARGET_MS:g} ms.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
