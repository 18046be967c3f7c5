"""What the history costs: the write at each exercise's end, opening the file, and the stats.

The write runs on the event loop (in the app, the UI's), so it must stay well under a frame.
Runs every built-in routine through a SessionLog on a virtual clock against a real SQLite file
in a temp dir and times each write; then fills the file with years of sessions and times
opening it (which checks and migrates it), reading it back and computing the stats.

    .venv/bin/python benchmarks/history.py             # 20 of each routine, 5 years of sessions
    .venv/bin/python benchmarks/history.py --quick     # 3 of each, 1 year
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from stretchtimer.history.log import SessionLog
from stretchtimer.history.records import ExerciseRecord
from stretchtimer.history.stats import compute
from stretchtimer.history.store import HistoryStore, read_sessions
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer sessions")
    args = parser.parse_args()
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


if __name__ == "__main__":
    main()
