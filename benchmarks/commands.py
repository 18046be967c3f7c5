"""The catalog commands: wall time of `stretchtimer list` and `show`, against `python -c pass`.

Each command is a fresh process started by `subprocess.run` (output to /dev/null) and timed
with `time.perf_counter()` from before the start to after the exit: the interpreter's start,
the imports, loading the built-in exercises and routines, planning and printing. Each is timed
twice: with the catalog cache a previous run left in the data folder (every run after the
first), and with the cache deleted before the run, so it parses and validates every YAML file
(the first run after an install or an edit, which writes the cache again). The baseline is the
same interpreter doing nothing (`python -c pass`), so the ratio says how much stretchtimer adds
to a bare Python start. Before the timed runs each command runs once unmeasured (disk and
bytecode caches); then the repeats go round the commands in turn, so noise from the machine
falls on all of them alike. stretchtimer gets empty config and data folders of its own.

    .venv/bin/python benchmarks/commands.py             # 10 repeats, a few seconds
    .venv/bin/python benchmarks/commands.py --repeat 5

Target: each catalog command under 250 ms, with or without the cache.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import ms, ratio, spread

TARGET_MS = 250.0
STRETCHTIMER = Path(sys.executable).parent / "stretchtimer"
BASELINE = "python -c pass"
NO_CACHE = ", no catalog cache"


def commands() -> dict[str, list[str]]:
    """What is timed: a label for each (as a user would type it) and its command line."""
    timed = {BASELINE: [sys.executable, "-c", "pass"]}
    for words in (["list"], ["show", "full-back-session"]):
        label = " ".join(["stretchtimer", *words])
        timed[label] = timed[label + NO_CACHE] = [str(STRETCHTIMER), *words]
    return timed


def drop_cache(env: dict[str, str]) -> None:
    """Delete the catalog cache in the data folder of `env`, as an install or an edit would."""
    shutil.rmtree(Path(env["STRETCHTIMER_DATA_DIR"]) / "cache", ignore_errors=True)


def wall(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from starting the process to its exit; a failure is an error, not a figure."""
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - started


def measure(repeat: int, env: dict[str, str]) -> dict[str, list[float]]:
    """ms per command over `repeat` rounds, after one unmeasured round.

    `env` must name the config and data folders (the cache is deleted from the data folder).
    """
    timed = commands()
    for argv in timed.values():
        wall(argv, env)
    times: dict[str, list[float]] = {label: [] for label in timed}
    for _ in range(repeat):
        for label, argv in timed.items():
            if label.endswith(NO_CACHE):
                drop_cache(env)
            times[label].append(ms(wall(argv, env)))
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=10, metavar="N", help="default 10")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="stretchtimer-bench-") as folder:
        env = {
            **os.environ,
            "STRETCHTIMER_CONFIG_DIR": str(Path(folder) / "config"),
            "STRETCHTIMER_DATA_DIR": str(Path(folder) / "data"),
        }
        times = measure(args.repeat, env)
    print(f"| command | wall time (ms), median [min to max] | ratio to `{BASELINE}` |")
    print("|---|---:|---:|")
    for label, values in times.items():
        print(f"| `{label}` | {spread(values, 0)} | {ratio(values, times[BASELINE]):.2f}x |")
    print(f"\nTarget: the stretchtimer commands under {TARGET_MS:g} ms.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
