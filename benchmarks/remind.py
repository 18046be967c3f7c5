"""What `stretchtimer remind --background` costs all day, against Safe Eyes, in the same run.

    .venv/bin/python benchmarks/remind.py              # 60 s, 3 repeats; writes
                                                        # benchmarks/results-remind.md
    .venv/bin/python benchmarks/remind.py --seconds 20 --repeat 1 --no-write

Both run side by side on one private session bus (dbus-run-session) and one virtual screen
(Xvfb :<n>), idle between breaks: the reminder with no idle source (it sleeps up to a minute
between looks), the reminder asking the stand-in desktop's Mutter idle monitor every 10 s
(tests/standin_desktop.py, which also stands in for logind on the system bus's address), and
Safe Eyes (Debian's package, `safeeyes`, its defaults). Once both are up and have settled
(5 s), CPU time from /proc (each thread's schedstat, in ns) over --seconds, in % of one core,
and VmHWM (peak RSS) at the end, in MiB. Needs Linux, Xvfb and safeeyes (apt-get install
xvfb safeeyes); without Safe Eyes its rows say why they are empty.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from common import ROOT, spread
from tui import cpu_seconds, peak_rss_mib

RESULTS = ROOT / "benchmarks" / "results-remind.md"
STANDIN = ROOT / "tests" / "standin_desktop.py"
SETTLE = 5.0


@contextlib.contextmanager
def session(display: int) -> Iterator[dict[str, str]]:
    """A virtual screen and a session bus with the stand-in desktop on it; their env."""
    xvfb = subprocess.Popen(
        ["Xvfb", f":{display}", "-screen", "0", "1280x800x24", "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    bus = subprocess.Popen(
        ["dbus-run-session", "--", sys.executable, str(STANDIN)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        start_new_session=True,
    )
    try:
        assert bus.stdout is not None
        address = bus.stdout.readline().split(" ", 1)[1].strip()
        time.sleep(1)  # Xvfb up
        yield {
            "DISPLAY": f":{display}",
            "DBUS_SESSION_BUS_ADDRESS": address,
            "DBUS_SYSTEM_BUS_ADDRESS": address,  # Safe Eyes listens for logind's suspend there
        }
    finally:
        os.killpg(bus.pid, signal.SIGTERM)
        xvfb.terminate()
        bus.wait(10)
        xvfb.wait(10)


def measure(argv: list[str], env: dict[str, str], seconds: float) -> tuple[float, float]:
    """(% of one core over `seconds`, peak RSS in MiB) of the program `argv`."""
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=log
        )
        try:
            time.sleep(SETTLE)
            if process.poll() is not None:
                log.seek(0)
                said = log.read().decode(errors="replace").strip().splitlines()[-1:]
                raise RuntimeError(f"{argv[0]} ended at once ({process.returncode}): {said}")
            start = cpu_seconds(process.pid)
            time.sleep(seconds)
            used = cpu_seconds(process.pid) - start
            return 100 * used / seconds, peak_rss_mib(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-write", action="store_true")
    args = parser.parse_args()
    if shutil.which("Xvfb") is None or shutil.which("dbus-run-session") is None:
        print("needs Xvfb and dbus-run-session (apt-get install xvfb dbus-daemon)")
        return 1
    safeeyes = shutil.which("safeeyes")
    rows: dict[str, tuple[list[float], list[float]]] = {}
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        (home / "config").mkdir()
        (home / "config" / "config.toml").write_text(
            'work_hours = "always"\nidle_source = "none"\n'
        )
        mutter = home / "config-mutter"
        mutter.mkdir()
        (mutter / "config.toml").write_text('work_hours = "always"\nidle_source = "mutter"\n')
        base = {
            **{
                k: v
                for k, v in os.environ.items()
                if k not in ("TMUX", "DISPLAY", "XDG_CONFIG_HOME", "XDG_DATA_HOME")
            },
            "HOME": str(home),
            "STRETCHTIMER_DATA_DIR": str(home / "data"),
        }
        remind = [sys.executable, "-m", "stretchtimer", "remind", "--background"]
        programs = [
            ("stretchtimer remind --background (no idle source)", remind, home / "config"),
            ("stretchtimer remind --background (Mutter, every 10 s)", remind, mutter),
        ]
        if safeeyes:
            programs.append(("Safe Eyes (safeeyes), idle", [safeeyes], home / "config"))
        for n in range(args.repeat):
            with session(90 + n) as desktop:
                for name, argv, config in programs:
                    env = {**base, **desktop, "STRETCHTIMER_CONFIG_DIR": str(config)}
                    try:
                        cpu, rss = measure(argv, env, args.seconds)
                    except (RuntimeError, OSError) as error:
                        print(f"{name}: {error}")
                        continue
                    cpus, rsss = rows.setdefault(name, ([], []))
                    cpus.append(cpu)
                    rsss.append(rss)
                    print(f"{name}: {cpu:.3f} % of a core, {rss:.1f} MiB")
    lines = [
        "| program | CPU, idle (% of one core) | peak RSS (MiB) |",
        "|---|---:|---:|",
    ]
    for name, (cpus, rsss) in rows.items():
        lines.append(f"| {name} | {spread(cpus, 3)} | {spread(rsss, 1)} |")
    if not safeeyes:
        lines.append("| Safe Eyes | not installed (apt-get install safeeyes) | |")
    table = "\n".join(lines)
    print(table)
    if not args.no_write:
        when = datetime.date.today().isoformat()
        figures = {name: statistics.median(c) for name, (c, _) in rows.items()}
        RESULTS.write_text(
            f"# `stretchtimer remind` against Safe Eyes\n\nMeasured {when} by"
            f" `benchmarks/remind.py` ({args.repeat} x {args.seconds:g} s; how: its"
            f" docstring).\n\n{table}\n",
            encoding="utf-8",
        )
        print(f"wrote {RESULTS.relative_to(ROOT)}; medians: {figures}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
