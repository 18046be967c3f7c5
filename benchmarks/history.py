"""What the history costs: the write at each exercise's end, opening the file, and the stats.

The write runs on the event loop (in the app, the UI's), so it must stay well under a frame.
Runs every built-in routine through a SessionLog on a virtual clock against a real SQLite file
in a temp dir and times each write; then fills the file with years of sessions and times
opening it (which checks and migrates it), reading it back and computing the stats.

Then, for a history of 10,000 and 100,000 sessions (three years of breaks, six exercises
each), `stretchtimer stats` and `stretchtimer history` as processes (wall time and peak RSS,
against `python -c pass` in the same run) and what the picker does in the app to show the
week's progress (the same read, in this process).

    .venv/bin/python benchmarks/history.py             # 20 of each routine, 5 years of sessions
    .venv/bin/python benchmarks/history.py --quick     # 3 of each, 1 year
    .venv/bin/python benchmarks/history.py --sizes 10000 100000   # only the large histories
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from stretchtimer.history.log import SessionLog
from stretchtimer.history.records import ExerciseRecord
from stretchtimer.history.resume import find_unfinished
from stretchtimer.history.stats import compute
from stretchtimer.history.store import HistoryStore, read_finished, read_sessions
from stretchtimer.library.loader import load_catalog
from stretchtimer.session.clock import VirtualClock
from stretchtimer.session.engine import Engine
from stretchtimer.session.plan import plan
from stretchtimer.wiring import recorder


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.2f} ms"


def writes(path: Path, repeats: int) -> list[float]:
    """Seconds taken by each write of every logged session (start, exercise ends, final)."""
    catalog = load_catalog()
    taken: list[float] = []
    for _ in range(repeats):
        for routine_id in sorted(catalog.routines):
            routine = catalog.routine(routine_id)
            timeline = plan(routine, catalog.routine_exercises(routine))
            store = HistoryStore.open(path)
            assert store is not None
            log = SessionLog(store, timeline)
            engine = Engine(timeline, VirtualClock())
            engine.subscribe(recorder(log))
            asyncio.run(engine.run())
            log.close()
            taken += log.write_seconds
    return taken


def fill(path: Path, years: int) -> int:
    """Four sessions a week of six exercises, for `years` years up to now."""
    catalog = load_catalog()
    routine = catalog.routine("desk-break")
    timeline = plan(routine, catalog.routine_exercises(routine))
    store = HistoryStore.open(path)
    assert store is not None
    start = datetime.now(UTC) - timedelta(days=365 * years)
    count = 0
    with store:
        moment = start
        while moment < datetime.now(UTC):
            session_id = store.start_session(timeline, moment)
            done = [
                ExerciseRecord(n, e.id, e.name, tuple(e.good_for), "done", 50.0, 50.0)
                for n, e in enumerate(timeline.exercises)
            ]
            store.save_progress(
                session_id, done, at=moment, active_seconds=300, paused_seconds=0, state="finished"
            )
            store.set_feeling(session_id, before=5, after=3)
            moment += timedelta(hours=42)
            count += 1
    return count


def bulk_fill(path: Path, sessions: int, years: int = 3) -> None:
    """`sessions` finished desk breaks spread evenly over the last `years` years, written in
    one transaction (as a long-lived history would have them, not as fast as it would)."""
    catalog = load_catalog()
    routine = catalog.routine("desk-break")
    timeline = plan(routine, catalog.routine_exercises(routine))
    HistoryStore.open(path).close()  # type: ignore[union-attr]  # created with its schema
    end = datetime.now(UTC)
    step = timedelta(days=365 * years) / sessions
    connection = sqlite3.connect(path)
    with connection:
        for n in range(sessions):
            moment = (end - step * (sessions - n)).isoformat(timespec="milliseconds")
            cursor = connection.execute(
                "INSERT INTO sessions (routine_id, routine_name, started_at, ended_at,"
                " planned_seconds, exercise_count, active_seconds, state, speed,"
                " feeling_before, feeling_after)"
                " VALUES (?, ?, ?, ?, ?, ?, 300, 'finished', 1, 5, 3)",
                (routine.id, routine.name, moment, moment, timeline.total, 6),
            )
            connection.executemany(
                "INSERT INTO exercises (session_id, position, exercise_id, name, areas, outcome,"
                " seconds, planned_seconds) VALUES (?, ?, ?, ?, ?, 'done', 50, 50)",
                [
                    (cursor.lastrowid, p, e.id, e.name, ",".join(e.good_for))
                    for p, e in enumerate(timeline.exercises)
                ],
            )
    connection.close()


# Started from a small process: a child's peak RSS counts what it had before its exec, and
# this one holds the whole history it just wrote.
MEASURE = """
import resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
seconds = time.perf_counter() - started
assert done.returncode == 0 and not done.stderr, done.stderr
print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def process(args: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall seconds and peak RSS (MiB) of one run of `args`."""
    out = subprocess.run(
        [sys.executable, "-c", MEASURE, *args], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    seconds, rss = out.stdout.split()
    return float(seconds), float(rss)


def large(sizes: list[int], repeats: int) -> None:
    """`stats`, `history` and the picker's read with a history of each size."""
    from stretchtimer.tui.app import StretchTimerApp

    python = [sys.executable, "-c", "pass"]
    for size in sizes:
        with tempfile.TemporaryDirectory() as folder:
            data = Path(folder) / "data"
            data.mkdir()
            path = data / "history.sqlite3"
            started = time.perf_counter()
            bulk_fill(path, size)
            print(f"history of {size} sessions ({time.perf_counter() - started:.1f} s to fill,")
            print(f"  {path.stat().st_size / 2**20:.0f} MiB):")
            env = {**os.environ, "STRETCHTIMER_DATA_DIR": str(data)}
            figures = []
            for name, args in (
                ("python -c pass", python),
                ("stretchtimer stats", [sys.executable, "-m", "stretchtimer", "stats"]),
                ("stretchtimer history", [sys.executable, "-m", "stretchtimer", "history"]),
            ):
                runs = [process(args, env) for _ in range(repeats)]
                figures.append((name, runs))
            base_time = statistics.median(t for t, _ in figures[0][1])
            for name, runs in figures:
                wall = statistics.median(t for t, _ in runs)
                rss = statistics.median(r for _, r in runs)
                print(
                    f"  {name:<22} {wall * 1000:8.0f} ms, peak RSS {rss:6.1f} MiB"
                    f" ({wall / base_time:5.1f}x python -c pass)"
                )
            os.environ["STRETCHTIMER_DATA_DIR"] = str(data)
            app = StretchTimerApp()
            taken = []
            for _ in range(repeats):
                started = time.perf_counter()
                app.read_history()
                taken.append(time.perf_counter() - started)
            read = statistics.median(taken)
            print(f"  the picker's read of the history  {ms(read)}")
            for name, work in (
                ("the picker's resume offer", lambda: find_unfinished(datetime.now(UTC))),
                ("the summary's progression read", lambda: read_finished("desk-break", 30)),
            ):
                taken = []
                for _ in range(repeats):
                    started = time.perf_counter()
                    work()
                    taken.append(time.perf_counter() - started)
                extra = statistics.median(taken)
                print(f"  {name:<32} {ms(extra)} ({extra / read:.2f}x the picker's read)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sessions")
    parser.add_argument(
        "--sizes", type=int, nargs="+", help="only the large histories, of these many sessions"
    )
    parser.add_argument("--repeat", type=int, default=3, help="runs of each large figure")
    args = parser.parse_args()
    if args.sizes:
        large(args.sizes, args.repeat)
        return
    repeats, years = (3, 1) if args.quick else (20, 5)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "history.sqlite3"
        taken = writes(path, repeats)
        taken.sort()
        print(f"writes: {len(taken)} (session start, each exercise's end, the final summary)")
        print(
            f"  median {ms(statistics.median(taken))}, p95 {ms(taken[int(len(taken) * 0.95)])},"
            f" max {ms(taken[-1])}"
        )
        path.unlink()
        for extra in ("-wal", "-shm"):
            Path(str(path) + extra).unlink(missing_ok=True)
        sessions = fill(path, years)
        wal = Path(str(path) + "-wal")
        size = os.path.getsize(path) + (wal.stat().st_size if wal.exists() else 0)
        print(f"history of {years} year(s): {sessions} sessions, {size / 1024:.0f} KiB")
        started = time.perf_counter()
        store = HistoryStore.open(path)
        opened = time.perf_counter() - started
        assert store is not None
        store.close()
        started = time.perf_counter()
        records = read_sessions(path=path)
        read = time.perf_counter() - started
        started = time.perf_counter()
        compute(records, datetime.now(UTC))
        computed = time.perf_counter() - started
        print(f"  open (quick_check, migrate) {ms(opened)}, read all {ms(read)},")
        print(f"  stats {ms(computed)}")
    large([10_000] if args.quick else [10_000, 100_000], 1 if args.quick else args.repeat)


if __name__ == "__main__":
    main()
