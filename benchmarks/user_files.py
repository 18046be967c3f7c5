"""Many user exercise files: wall time of `stretchtimer list`, cold and warm, against the YAML
parse floor.

The user folder gets N copies of exercises/neck-roll.yaml under other ids. Each figure is a
fresh process timed from its start to its exit (output to /dev/null), the median over the
repeats, taken in turns so noise from the machine falls on all alike:
- floor: a bare script that reads the files a cold `list` reads (the N files and the
  built-in exercises and routines) and `yaml.load`s each with `yaml.CSafeLoader` (libyaml's
  parser and PyYAML's constructor: a plain load of them, with no check, no validation and no
  cache to write);
- cold: `stretchtimer list` with the catalog cache deleted (every file parsed and checked);
- warm: `stretchtimer list` with the cache left by the run before;
- warm, no user files: the same with an empty user folder (what a warm load costs anyway).

    .venv/bin/python benchmarks/user_files.py                 # 1000 files, 5 repeats
    .venv/bin/python benchmarks/user_files.py --files 5000 --repeat 3

Targets (issue 14): cold within 1.5x of the floor; warm not growing with files untouched
(close to warm with no user files).
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

from common import ROOT, ms, ratio, spread

STRETCHTIMER = Path(sys.executable).parent / "stretchtimer"
FLOOR = """
import sys, yaml
from pathlib import Path
for folder in sys.argv[1:]:
    for path in sorted(Path(folder).rglob("*.yaml")):
        yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
"""


def make_files(folder: Path, count: int) -> None:
    text = (ROOT / "exercises" / "neck-roll.yaml").read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    for n in range(count):
        copy = text.replace("id: neck-roll", f"id: user-move-{n}")
        (folder / f"user-move-{n}.yaml").write_text(copy, encoding="utf-8")


def wall(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="stretchtimer-bench-") as temporary:
        root = Path(temporary)
        many, none = root / "many", root / "none"
        make_files(many / "config" / "exercises", args.files)
        (none / "config" / "exercises").mkdir(parents=True)

        def env(where: Path) -> dict[str, str]:
            return {
                **os.environ,
                "STRETCHTIMER_CONFIG_DIR": str(where / "config"),
                "STRETCHTIMER_DATA_DIR": str(where / "data"),
            }

        list_command = [str(STRETCHTIMER), "list"]
        folders = [ROOT / "exercises", many / "config" / "exercises"]
        floor_command = [sys.executable, "-c", FLOOR, *map(str, folders)]
        for where in (many, none):  # unmeasured: disk and bytecode caches, the first cache
            wall(list_command, env(where))
        wall(floor_command, env(many))
        figures: dict[str, list[float]] = {
            "floor": [],
            "cold": [],
            "warm": [],
            "warm, no user files": [],
        }
        for _ in range(args.repeat):
            figures["floor"].append(wall(floor_command, env(many)))
            shutil.rmtree(many / "data" / "cache", ignore_errors=True)
            figures["cold"].append(wall(list_command, env(many)))
            figures["warm"].append(wall(list_command, env(many)))
            figures["warm, no user files"].append(wall(list_command, env(none)))
    print(f"{args.files} user exercise files, {args.repeat} runs, ms: median [min to max]")
    for label, values in figures.items():
        print(f"  {label:22} {spread([ms(v) for v in values])}")
    cold = ratio(figures["cold"], figures["floor"])
    warm = ratio(figures["warm"], figures["warm, no user files"])
    print(f"  cold / floor           {cold:.2f}x (target: within 1.5x)")
    print(f"  warm / no user files   {warm:.2f}x (target: close to 1x)")


if __name__ == "__main__":
    main()
