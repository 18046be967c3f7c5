"""How closely a real session keeps to its plan: the engine against a naive sum of sleeps.

Runs sessions in real time (MonotonicClock) with the async `Engine` and, beside it, a naive
runner that does `await asyncio.sleep(step.duration / speed)` for every step and sleeps its
way from cue to cue. Both hand their cues to a subscriber through an asyncio queue and a task,
as the engine does, and the subscriber notes `time.monotonic()` on receipt. Figures:

- drift: wall time from start to the moment the subscriber hears the session end, minus the
  planned time (total / speed), in ms;
- cue lateness: for every cue, the time the subscriber received it minus the time it was due
  (for the engine `CueDue.at`; for the naive runner the same plan offset from its start), in ms;
- CPU: process CPU time over wall time, in % of one core.

Each figure is given as the median over the repeats, with the lowest and highest in brackets.
By default the engine and the naive runner of a scenario run at the same time, each in its
own process (the machine needs two cores for that not to skew the figures; `--serial` runs
them one after the other in this process instead).

    .venv/bin/python benchmarks/timing.py            # about 2.5 minutes
    .venv/bin/python benchmarks/timing.py --quick    # about 15 seconds

The scenarios: `one_minute()`, a routine of exactly 60 s built from the models (a hold with
halfway and 3-2-1 cues, reps, a timed move), at speed 1; and the built-in `full-back-session`
(warm-up, strengthening, stretches: 37 minutes planned) at speed 100. benchmarks/run.py runs
the same two through `run_scenarios`.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from common import ms, spread

from stretchtimer.library.loader import load_catalog
from stretchtimer.library.models import Exercise, Routine
from stretchtimer.library.validation import validate
from stretchtimer.session.clock import MonotonicClock
from stretchtimer.session.engine import CueDue, Engine, Event, Finished
from stretchtimer.session.plan import Timeline, plan

TARGET_DRIFT_MS = 10.0
TARGET_CUE_MEDIAN_MS = 3.0
TARGET_CUE_MAX_MS = 15.0

# --- routines, built from the models --------------------------------------------------------


def exercise(exercise_id: str, dose: dict[str, Any]) -> Exercise:
    return validate(
        Exercise,
        {
            "id": exercise_id,
            "name": exercise_id.replace("-", " ").title(),
            "phase": "strength",
            "summary": "A benchmark move.",
            "good_for": ["upper-back"],
            "equipment": ["none"],
            "position": ["standing"],
            "steps": ["Do the move."],
            "dose": dose,
        },
    )


def routine(exercises: list[Exercise], prepare: int, rest: int) -> Routine:
    return validate(
        Routine,
        {
            "id": "benchmark",
            "name": "Benchmark",
            "purpose": "Timing figures.",
            "focus": ["upper-back"],
            "prepare": prepare,
            "rest": rest,
            "exercises": [item.id for item in exercises],
        },
    )


def one_minute() -> Timeline:
    """Exactly 60 s: a 20 s hold (halfway and 3-2-1 cues), 5 reps of 2 s, a 5 s move."""
    exercises = [
        exercise("hold", {"kind": "hold", "seconds": 20}),
        exercise("reps", {"kind": "reps", "reps": 5, "tempo": 2.0}),
        exercise("move", {"kind": "timed", "seconds": 5}),
    ]
    timeline = plan(routine(exercises, prepare=5, rest=5), exercises)
    assert timeline.total == 60.0, timeline.total
    return timeline


@dataclass(frozen=True)
class Scenario:
    name: str  # a key of BUILDERS
    speed: float
    repeat: int

    def build(self) -> Timeline:
        return BUILDERS[self.name]()

    def describe(self, timeline: Timeline) -> str:
        cues = sum(len(step.cues) for step in timeline.steps)
        return (
            f"{self.name}: {timeline.total:.0f} s planned, {len(timeline.steps)} steps, "
            f"{cues} cues, speed {self.speed:g} -> {timeline.total / self.speed:.1f} s wall"
        )


def full_back_session() -> Timeline:
    """The built-in `full-back-session` routine (the user's own files are not read)."""
    catalog = load_catalog(user_dir=Path("/nonexistent"))
    routine = catalog.routine("full-back-session")
    return plan(routine, catalog.routine_exercises(routine))


BUILDERS: dict[str, Callable[[], Timeline]] = {
    "minute": one_minute,
    "full-back-session": full_back_session,
}

# --- the two runners ------------------------------------------------------------------------


@dataclass
class Run:
    """What one run measured, in seconds (drift, lateness) and seconds of CPU."""

    planned: float
    wall: float
    drift: float
    lateness: list[float]
    cpu: float

    @property
    def cpu_share(self) -> float:
        return self.cpu / self.wall if self.wall > 0 else 0.0


class Listener:
    """The subscriber: notes when each cue and the end reach it."""

    def __init__(self) -> None:
        self.lateness: list[float] = []
        self.ended: float | None = None

    def __call__(self, event: Event) -> None:
        received = time.monotonic()
        if isinstance(event, CueDue):
            self.lateness.append(received - event.at)
        elif isinstance(event, Finished):
            self.ended = received


async def run_engine(timeline: Timeline, speed: float) -> Run:
    listener = Listener()
    engine = Engine(timeline, MonotonicClock(), speed)
    engine.subscribe(listener)
    cpu, started = time.process_time(), time.monotonic()
    await engine.run()
    cpu = time.process_time() - cpu
    return _result(timeline, speed, started, listener, cpu)


async def run_naive(timeline: Timeline, speed: float) -> Run:
    """The 'sum of sleeps' timer: sleep to each cue, then to the end of the step."""
    listener = Listener()
    queue: asyncio.Queue[CueDue | None] = asyncio.Queue()

    async def deliver() -> None:
        while (event := await queue.get()) is not None:
            listener(event)
        listener.ended = time.monotonic()  # the end, through the same queue

    delivery = asyncio.create_task(deliver())
    cpu, started = time.process_time(), time.monotonic()
    for step in timeline.steps:
        elapsed = 0.0
        for cue in step.cues:
            await asyncio.sleep((cue.at - elapsed) / speed)
            elapsed = cue.at
            due = started + (step.start + cue.at) / speed
            queue.put_nowait(CueDue(due, step, cue))
        await asyncio.sleep((step.duration - elapsed) / speed)
    queue.put_nowait(None)
    await delivery
    cpu = time.process_time() - cpu
    return _result(timeline, speed, started, listener, cpu)


def _result(
    timeline: Timeline, speed: float, started: float, listener: Listener, cpu: float
) -> Run:
    assert listener.ended is not None, "the session did not finish"
    wall = listener.ended - started
    planned = timeline.total / speed
    return Run(timeline.total, wall, wall - planned, listener.lateness, cpu)


RUNNERS = {"engine": run_engine, "naive sleeps": run_naive}
Row = tuple[Scenario, Timeline, str, list[Run]]  # what run_scenarios gives: one per runner


def measure(builder: str, runner: str, speed: float) -> Run:
    """One run in a fresh event loop (also the entry point of the worker processes)."""
    timeline = BUILDERS[builder]()
    return asyncio.run(RUNNERS[runner](timeline, speed))


# --- reporting ------------------------------------------------------------------------------


def minutes(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.1f} min"


def verdict(runs: list[Run]) -> str:
    worst_drift = max(abs(ms(run.drift)) for run in runs)
    worst_median = max(ms(statistics.median(run.lateness)) for run in runs)
    worst_max = max(ms(max(run.lateness)) for run in runs)
    misses = [
        name
        for name, ok in (
            ("drift", worst_drift < TARGET_DRIFT_MS),
            ("cue median", worst_median < TARGET_CUE_MEDIAN_MS),
            ("cue max", worst_max < TARGET_CUE_MAX_MS),
        )
        if not ok
    ]
    return "yes" if not misses else "no: " + ", ".join(misses)


def table(rows: list[Row]) -> Iterator[str]:
    yield (
        "| routine | speed | runner | runs | planned wall (s) | drift (ms) "
        "| cue lateness median (ms) | cue lateness max (ms) | cues/run | CPU (% of a core) "
        "| meets targets |"
    )
    yield "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---|"
    for scenario, timeline, runner, runs in rows:
        yield (
            f"| {scenario.name} ({minutes(timeline.total)}) | {scenario.speed:g} | {runner} "
            f"| {len(runs)} "
            f"| {timeline.total / scenario.speed:.1f} "
            f"| {spread([ms(run.drift) for run in runs])} "
            f"| {spread([ms(statistics.median(run.lateness)) for run in runs], 2)} "
            f"| {spread([ms(max(run.lateness)) for run in runs])} "
            f"| {len(runs[0].lateness)} "
            f"| {spread([100 * run.cpu_share for run in runs])} "
            f"| {verdict(runs)} |"
        )


# --- main -----------------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog=(
            "Default run: the 60 s routine at speed 1 once (--realtime-repeat, each repeat "
            "costs 60 s, 120 s with --serial), then the built-in full-back-session (37 "
            "minutes) at speed 100 --repeat times (22 s a repeat, twice that with --serial): "
            "about 2.5 minutes. --quick runs the 60 s routine at speed 5 and "
            "full-back-session at speed 1000, once each: about 15 seconds. "
            f"Targets: drift under {TARGET_DRIFT_MS:g} ms, cue lateness median under "
            f"{TARGET_CUE_MEDIAN_MS:g} ms and max under {TARGET_CUE_MAX_MS:g} ms."
        ),
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=3,
        metavar="N",
        help="runs of full-back-session at speed 100; figures are the median (min to max) over "
        "the runs (default 3)",
    )
    parser.add_argument(
        "--realtime-repeat",
        type=int,
        default=1,
        metavar="N",
        help="runs of the 60 s routine at speed 1; each takes a real minute (default 1)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="short routines, one run each: a smoke run"
    )
    parser.add_argument(
        "--serial",
        action="store_true",
        help="run the engine and the naive runner one after the other in this process "
        "instead of side by side in two processes (default on a single-core machine)",
    )
    args = parser.parse_args(argv)
    if args.repeat < 1 or args.realtime_repeat < 1:
        parser.error("repeats must be at least 1")
    return args


def scenarios(args: argparse.Namespace) -> list[Scenario]:
    if args.quick:
        return [
            Scenario("minute", 5.0, 1),
            Scenario("full-back-session", 1000.0, 1),
        ]
    return [
        Scenario("minute", 1.0, args.realtime_repeat),
        Scenario("full-back-session", 100.0, args.repeat),
    ]


def run_scenarios(scenarios: list[Scenario], serial: bool) -> list[Row]:
    """Every scenario with both runners, side by side in two processes unless `serial`;
    one row per scenario and runner."""
    rows: list[Row] = []
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        if not serial:  # start both workers before the clock matters
            list(pool.map(int, ["1", "2"]))
        for scenario in scenarios:
            timeline = scenario.build()
            print(f"- {scenario.describe(timeline)}", file=sys.stderr, flush=True)
            results: dict[str, list[Run]] = {runner: [] for runner in RUNNERS}
            for _ in range(scenario.repeat):
                if serial:
                    for runner in RUNNERS:
                        results[runner].append(measure(scenario.name, runner, scenario.speed))
                else:
                    futures = {
                        runner: pool.submit(measure, scenario.name, runner, scenario.speed)
                        for runner in RUNNERS
                    }
                    for runner, future in futures.items():
                        results[runner].append(future.result())
            rows += [(scenario, timeline, runner, runs) for runner, runs in results.items()]
    return rows


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    serial = args.serial or (os.cpu_count() or 1) < 2
    print(
        f"# stretchtimer timing: Python {platform.python_version()} on {platform.system()}, "
        f"{os.cpu_count()} CPUs, runners {'one after the other' if serial else 'side by side'}"
    )
    rows = run_scenarios(scenarios(args), serial)
    print()
    for line in table(rows):
        print(line)
    print()
    print(
        f"Targets: |drift| under {TARGET_DRIFT_MS:g} ms at any length; cue lateness median "
        f"under {TARGET_CUE_MEDIAN_MS:g} ms, max under {TARGET_CUE_MAX_MS:g} ms. "
        "Figures: median over the runs (lowest to highest)."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
