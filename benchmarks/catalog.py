"""The catalog commands with and without the catalog cache, against a bare Python start.

Each command is a fresh process (`subprocess.run`, output to /dev/null), timed with
`time.perf_counter()` from before its start to after its exit. stretchtimer gets an empty
config folder and a data folder of its own: "cache hit" runs find the catalog cache a first
unmeasured run wrote there; "no cache" runs have it deleted before each run, so they parse and
validate every YAML file as the first run after an install or an edit does (and write the
cache again). The baselines are the same interpreter doing nothing (`python -c pass`) and
importing PyYAML (`python -c "import yaml"`). The repeats go round all the commands in turn,
so noise from the machine falls on all of them alike.

    .venv/bin/python benchmarks/catalog.py              # 10 repeats, about 15 seconds
    .venv/bin/python benchmarks/catalog.py --repeat 5

Target: `stretchtimer list` and `stretchtimer show full-back-session` under 250 ms.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_MS = 250.0
STRETCHTIMER = Path(sys.executable).parent / "stretchtimer"
COMMANDS = {
    "stretchtimer list": ["list"],
    "stretchtimer show full-back-session": ["show", "full-back-session"],
}
BASELINES = {
    "python -c pass": [sys.executable, "-c", "pass"],
    'python -c "import yaml"': [sys.executable, "-c", "import yaml"],
}


def run(argv: list[str], env: dict[str, str]) -> float:
    """Seconds from start to exit of one process."""
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def spread(values: list[float]) -> str:
    return (
        f"{1000 * statistics.median(values):.0f} "
        f"({1000 * min(values):.0f} to {1000 * max(values):.0f})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--repeat", type=int, default=10, metavar="N", help="runs of each (5+)")
    args = parser.parse_args(argv)
    if args.repeat < 5:
        parser.error("--repeat must be at least 5")
    with tempfile.TemporaryDirectory(prefix="stretchtimer-bench-") as folder:
        config, data = Path(folder) / "config", Path(folder) / "data"
        config.mkdir()
        env = {
            **os.environ,
            "STRETCHTIMER_CONFIG_DIR": str(config),
            "STRETCHTIMER_DATA_DIR": str(data),
        }
        cache = data / "cache"
        runs: dict[str, list[str]] = dict(BASELINES)
        for label, extra in COMMANDS.items():
            runs[f"{label} (cache hit)"] = [str(STRETCHTIMER), *extra]
            runs[f"{label} (no cache)"] = [str(STRETCHTIMER), *extra]
        times: dict[str, list[float]] = {label: [] for label in runs}
        for argv_ in runs.values():  # warm the disk and bytecode caches; writes the catalog cache
            run(argv_, env)
        for _ in range(args.repeat):
            for label, argv_ in runs.items():
                if label.endswith("(no cache)"):
                    shutil.rmtree(cache, ignore_errors=True)
                times[label].append(run(argv_, env))
    base = statistics.median(times["python -c pass"])
    print(f"# catalog commands, Python {sys.version.split()[0]}, {args.repeat} runs each")
    print("| command | median (min to max), ms | minus `python -c pass`, ms | under 250 ms |")
    print("|---|---:|---:|---|")
    for label, values in times.items():
        middle = statistics.median(values)
        target = "" if label in BASELINES else ("yes" if 1000 * middle < TARGET_MS else "no")
        print(f"| `{label}` | {spread(values)} | {1000 * (middle - base):.0f} | {target} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
