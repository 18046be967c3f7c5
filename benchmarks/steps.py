"""What a step costs as a session grows: the engine alone, and a whole plain-mode session.

A step should cost the same whether it is the 10th or the 10,000th of its session. This runs
sessions of 1,000, 3,000 and 10,000 steps (sets of one-second reps, as a long `reps` dose
plans them) on a virtual clock, so only the program's own work is timed, never a sleep:

- engine: `Engine.run` with no subscriber, every deadline reached in turn;
- plain mode: `PlainSession` as `stretchtimer run ROUTINE --plain --speed 10000` runs it,
  printing to memory and logging to a history in a temp dir.

It prints each size's time and steps per second, and the ratio of the smallest size's steps
per second to each size's (1.0x: a step costs the same at any length; 10x at 10,000 steps
means a step costs ten times more there, as it does when work per step grows with the
session). The baseline is the smallest size, measured in the same run.

    .venv/bin/python benchmarks/steps.py                  # 1,000, 3,000 and 10,000 steps
    .venv/bin/python benchmarks/steps.py --sizes 500 2000
"""

from __future__ import annotations

import argparse
import asyncio
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from stretchtimer.library.models import Exercise, Routine
from stretchtimer.library.validation import validate
from stretchtimer.session.clock import VirtualClock
from stretchtimer.session.engine import Engine
from stretchtimer.session.plan import Timeline, plan

REPS = 100  # reps a set
SETS = 10  # sets an exercise: about 1,000 steps an exercise
SPEED = 10000.0


def timeline(steps: int) -> Timeline:
    """A routine of exercises of one-second reps, about `steps` steps in all."""
    per_exercise = REPS * SETS
    count = max(1, round(steps / per_exercise))
    exercises = [
        validate(
            Exercise,
            {
                "id": f"move-{n}",
                "name": f"Move {n}",
                "phase": "strength",
                "summary": "A benchmark move.",
                "good_for": ["neck"],
                "equipment": ["none"],
                "position": ["standing"],
                "steps": ["Do the move."],
                "dose": {"kind": "reps", "reps": REPS, "sets": SETS, "tempo": 1.0, "rest": 5},
            },
        )
        for n in range(count)
    ]
    routine = validate(
        Routine,
        {
            "id": "benchmark",
            "name": "Benchmark",
            "purpose": "Many steps.",
            "focus": ["neck"],
            "exercises": [exercise.id for exercise in exercises],
        },
    )
    return plan(routine, exercises)


def engine_alone(line: Timeline) -> None:
    asyncio.run(Engine(line, VirtualClock(), SPEED).run())


def plain_mode(line: Timeline) -> None:
    from stretchtimer.plain import PlainSession
    from stretchtimer.settings import Settings
    from stretchtimer.sound.player import Player

    player = Player("off", muted=True).start()
    session = PlainSession(line, SPEED, io.StringIO(), VirtualClock(), player, Settings())
    session.interactive = False  # keys from a terminal would be read, and questions asked
    try:
        asyncio.run(session.run())
    finally:
        player.close()
        session.wiring.close()


def timed(run: Callable[[Timeline], None], line: Timeline, repeats: int) -> list[float]:
    taken = []
    for _ in range(repeats):
        started = time.perf_counter()
        run(line)
        taken.append(time.perf_counter() - started)
    return taken


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 3000, 10000])
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (median shown)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        # Plain mode keeps its history and its "safety note seen" here, not in your own.
        os.environ["STRETCHTIMER_DATA_DIR"] = str(Path(folder) / "data")
        os.environ["STRETCHTIMER_CONFIG_DIR"] = str(Path(folder) / "config")
        lines = [timeline(size) for size in args.sizes]
        for name, run in (("engine", engine_alone), ("plain mode", plain_mode)):
            run(lines[0])  # once unmeasured: the first run also pays for imports and caches
            print(f"{name}, speed {SPEED:g}, virtual clock (median of {args.repeat}):")
            base: float | None = None
            for line in lines:
                steps = len(line.steps)
                seconds = statistics.median(timed(run, line, args.repeat))
                rate = steps / seconds
                base = base or rate
                print(
                    f"  {steps:>6} steps: {seconds:8.3f} s, {rate:9.0f} steps/s,"
                    f" {seconds / steps * 1e6:7.1f} us a step,"
                    f" cost a step {base / rate:5.2f}x the first size's"
                )
                sys.stdout.flush()


if __name__ == "__main__":
    main()
