"""The app in a real terminal: startup time, CPU and memory of stretchtimer against bare Textual.

Every program runs in a real terminal: a detached tmux session of 80x24 on a server socket of
its own (`tmux -L <socket> new-session -d -s b -x 80 -y 24 'exec ...'`), so the pane's pid
(`tmux display -p -t b '#{pane_pid}'`) is the app's own process. The baselines are bare Textual
apps, written as small Python sources to a temporary folder and run with this same interpreter.
stretchtimer gets an empty temporary config folder holding only `safety-note-seen` (so no safety
dialog appears) and an empty temporary data folder. Figures:

- startup: wall time from launching the tmux session to the first screen that shows a marker,
  found by polling `tmux capture-pane -p` about every 5 ms. For stretchtimer (`stretchtimer`,
  the routine picker) two markers of the same launch: the picker's title "choose a routine"
  (the first frame) and "Desk Break" (the routine list, filled once the catalog has loaded in
  a worker, or in the first frame from the cards saved by the last start). For the baseline,
  an app showing one Label "ready". Each also as CPU time: what the program had used (all its
  threads, /proc/<pid>/task/*/schedstat) when the marker was seen, steadier than wall time on
  a busy machine. The launches run one at a time, after one unmeasured warm-up launch of each
  program (to warm the disk cache and the bytecode caches, which common.py lets the programs
  write).
- CPU while a session runs: `stretchtimer run desk-break` (speed 1) from the moment its screen
  shows "WARM-UP", against a bare app whose Digits widget shows the time "MM:SS", updated
  once a second by `set_interval(1, ...)` (it also shows a Label "ready" to know it is up).
  CPU time of the process (all its threads, children not counted) from
  /proc/<pid>/task/*/schedstat (nanoseconds; utime + stime in whole 10 ms ticks as a fallback)
  at the start and after --cpu-seconds, over the wall time between the two reads, in % of one
  core. The two programs of a repeat run at the same time, each in its own tmux server.
- peak RSS: VmHWM from /proc/<pid>/status at the end of the CPU window, in MiB.

`side_by_side` runs any number of programs in one such window; benchmarks/run.py adds plain
mode (`stretchtimer run desk-break --speed 1 --plain`, from its first step line "[0:00]") and
termdown to the same windows.

Each figure is the median over the repeats, with the lowest and highest in brackets; the ratio
is stretchtimer's median over the baseline's.

    .venv/bin/python benchmarks/tui.py            # about 3 minutes (5 repeats, 30 s of CPU)
    .venv/bin/python benchmarks/tui.py --quick    # about 45 seconds (3 repeats, 10 s of CPU)

Needs Linux (/proc) and tmux.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import textual
from common import ms, ratio, spread, yes

TARGET_FIRST_FRAME_RATIO = 1.2
TARGET_LIST_RATIO = 1.3
TARGET_CPU_PERCENT = 1.0
TARGET_CPU_RATIO = 1.5  # issue 15: the bigger countdown must not cost more
TARGET_RSS_RATIO = 1.3

POLL_SECONDS = 0.005
MARKER_TIMEOUT = 30.0

STRETCHTIMER = Path(sys.executable).parent / "stretchtimer"
TITLE_MARKER = "choose a routine"
LIST_MARKER = "Desk Break"
SESSION_MARKER = "WARM-UP"
PLAIN_MARKER = "[0:00]"
BARE_MARKER = "ready"

BARE_LABEL = """\
from textual.app import App, ComposeResult
from textual.widgets import Label


class Bare(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("ready")


Bare().run()
"""

BARE_CLOCK = """\
import time

from textual.app import App, ComposeResult
from textual.widgets import Digits, Label


def now() -> str:
    return time.strftime("%M:%S")


class Clock(App[None]):
    def compose(self) -> ComposeResult:
        yield Label("ready")
        yield Digits(now())

    def on_mount(self) -> None:
        self.set_interval(1, self.tick)

    def tick(self) -> None:
        self.query_one(Digits).update(now())


Clock().run()
"""

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")

# --- a terminal -----------------------------------------------------------------------------


Size = tuple[int, int]  # columns, rows
SIZES: tuple[Size, ...] = ((80, 24), (120, 40))  # the CPU windows: the README's and a big one


@dataclass(frozen=True)
class Seen:
    wall: float  # seconds from launch
    cpu: float  # CPU seconds the program had used by then (all its threads)


class Terminal:
    """A detached tmux session `b` (80x24 unless told) on a server socket of its own, running
    one program."""

    _count = 0

    def __init__(self, tag: str, size: Size = (80, 24)) -> None:
        Terminal._count += 1
        self.size = size
        self.socket = f"stretchtimer-bench-{os.getpid()}-{tag}-{Terminal._count}"
        self.pid: int | None = None
        self.started = 0.0
        self.socket_path: str | None = None

    def tmux(self, *args: str) -> str:
        result = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, check=True
        )
        return result.stdout

    def launch(self, argv: list[str], env: dict[str, str]) -> None:
        """Start the program; `env` goes through `env` so the pane's pid stays the program's."""
        settings = [f"{key}={value}" for key, value in env.items()]
        command = "exec " + shlex.join(["env", *settings, *argv])
        self.started = time.monotonic()
        columns, rows = (str(number) for number in self.size)
        self.tmux("new-session", "-d", "-s", "b", "-x", columns, "-y", rows, command)
        found = self.tmux("display", "-p", "-t", "b", "#{pane_pid} #{socket_path}").strip()
        pid, self.socket_path = found.split(" ", 1)
        self.pid = int(pid)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "b")

    def wait_for(self, *markers: str) -> dict[str, Seen]:
        """When each marker first shows, polling every ~5 ms: seconds from launch, and the
        program's CPU seconds by then."""
        seen: dict[str, Seen] = {}
        deadline = self.started + MARKER_TIMEOUT
        while True:
            screen = self.screen()
            now = time.monotonic()
            for marker in markers:
                if marker not in seen and marker in screen:
                    cpu = cpu_seconds(self.pid) if self.pid is not None else float("nan")
                    seen[marker] = Seen(now - self.started, cpu)
            if len(seen) == len(markers):
                return seen
            if now > deadline:
                missing = [marker for marker in markers if marker not in seen]
                raise RuntimeError(f"{missing} never appeared; the screen:\n{screen}")
            time.sleep(POLL_SECONDS)

    def close(self) -> None:
        """Kill the tmux server, remove its socket file and wait (up to 5 s, then SIGKILL)
        until the program is gone."""
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)
        if self.socket_path:
            Path(self.socket_path).unlink(missing_ok=True)
        if self.pid is None:
            return
        deadline = time.monotonic() + 5
        while alive(self.pid):
            if time.monotonic() > deadline:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(self.pid, signal.SIGKILL)
                deadline = time.monotonic() + 5
            time.sleep(0.01)
        self.pid = None


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def cpu_seconds(pid: int) -> float:
    """CPU time of the process so far (all its threads, not its children), in seconds.

    The sum of each thread's time on a CPU in /proc/<pid>/task/*/schedstat, in nanoseconds.
    utime + stime in /proc/<pid>/stat count whole clock ticks of 10 ms: too coarse for a
    program that uses 0.3 % of a core (10 ticks in 30 s, so one tick moves a ratio by 10 %).
    They are the fallback where the kernel keeps no schedstat.
    """
    try:
        return (
            sum(
                int(path.read_text().split()[0])
                for path in Path(f"/proc/{pid}/task").glob("*/schedstat")
            )
            / 1e9
        )
    except (FileNotFoundError, ProcessLookupError, IndexError, ValueError):
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        # after the ")" field 3 (state) is fields[0], so utime (14) and stime (15) are 11 and 12
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def peak_rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/<pid>/status")


# --- the programs ---------------------------------------------------------------------------


@dataclass
class Programs:
    """Command lines and environments, with the temporary folders behind them."""

    root: Path
    env: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(cls, root: Path) -> Programs:
        config, data = root / "config", root / "data"
        config.mkdir()
        data.mkdir()
        (config / "safety-note-seen").touch()
        (root / "bare_label.py").write_text(BARE_LABEL)
        (root / "bare_clock.py").write_text(BARE_CLOCK)
        env = {"STRETCHTIMER_CONFIG_DIR": str(config), "STRETCHTIMER_DATA_DIR": str(data)}
        return cls(root, env)

    def picker(self) -> list[str]:
        return [str(STRETCHTIMER)]

    def session(self) -> list[str]:
        return [str(STRETCHTIMER), "run", "desk-break", "--speed", "1"]

    def plain(self) -> list[str]:
        """The same session in plain mode (its first step's line starts with PLAIN_MARKER)."""
        return [*self.session(), "--plain"]

    def bare_label(self) -> list[str]:
        return [sys.executable, str(self.root / "bare_label.py")]

    def bare_clock(self) -> list[str]:
        return [sys.executable, str(self.root / "bare_clock.py")]


# --- the measurements -----------------------------------------------------------------------


@dataclass
class Results:
    title: list[float] = field(default_factory=list)  # stretchtimer, s to "choose a routine"
    listed: list[float] = field(default_factory=list)  # stretchtimer, s to "Desk Break"
    bare_ready: list[float] = field(default_factory=list)  # bare app, s to "ready"
    # CPU seconds by then: the same three, less sensitive to a busy machine than wall time
    title_cpu: list[float] = field(default_factory=list)
    listed_cpu: list[float] = field(default_factory=list)
    bare_ready_cpu: list[float] = field(default_factory=list)
    cpu: list[float] = field(default_factory=list)  # stretchtimer session, % of a core
    bare_cpu: list[float] = field(default_factory=list)
    rss: list[float] = field(default_factory=list)  # MiB
    bare_rss: list[float] = field(default_factory=list)


def startup(programs: Programs, argv: list[str], *markers: str) -> dict[str, Seen]:
    terminal = Terminal("startup")
    try:
        terminal.launch(argv, programs.env)
        return terminal.wait_for(*markers)
    finally:
        terminal.close()


def measure_startup(programs: Programs, results: Results, repeat: int) -> None:
    startup(programs, programs.picker(), TITLE_MARKER, LIST_MARKER)  # warm-up, not counted
    startup(programs, programs.bare_label(), BARE_MARKER)
    for number in range(1, repeat + 1):
        seen = startup(programs, programs.picker(), TITLE_MARKER, LIST_MARKER)
        bare = startup(programs, programs.bare_label(), BARE_MARKER)
        title, listed, ready = seen[TITLE_MARKER], seen[LIST_MARKER], bare[BARE_MARKER]
        results.title.append(title.wall)
        results.listed.append(listed.wall)
        results.bare_ready.append(ready.wall)
        results.title_cpu.append(title.cpu)
        results.listed_cpu.append(listed.cpu)
        results.bare_ready_cpu.append(ready.cpu)
        print(
            f"  startup {number}/{repeat}: title {ms(title.wall):.0f} ms "
            f"(CPU {ms(title.cpu):.0f}), list {ms(listed.wall):.0f} ms "
            f"(CPU {ms(listed.cpu):.0f}), bare {ms(ready.wall):.0f} ms (CPU {ms(ready.cpu):.0f})",
            file=sys.stderr,
            flush=True,
        )


@dataclass(frozen=True)
class Contender:
    """One program of a CPU window: its name, its command line and what shows it is up."""

    name: str
    argv: list[str]
    marker: str


@dataclass(frozen=True)
class Usage:
    cpu: float  # % of one core over the window
    rss: float  # peak RSS (VmHWM) at the end of the window, MiB


def side_by_side(
    contenders: list[Contender], env: dict[str, str], seconds: float, size: Size = (80, 24)
) -> dict[str, Usage]:
    """One CPU window: every program in its own tmux server of `size` at the same time. The
    window starts once all of them show their markers, and nothing polls their terminals
    during it."""
    terminals = {contender.name: Terminal(contender.name, size) for contender in contenders}
    try:
        for contender in contenders:
            terminals[contender.name].launch(contender.argv, env)
        for contender in contenders:
            terminals[contender.name].wait_for(contender.marker)
        pids = {name: terminal.pid for name, terminal in terminals.items()}
        start = {name: (time.monotonic(), cpu_seconds(pid)) for name, pid in pids.items() if pid}
        time.sleep(seconds)
        usage: dict[str, Usage] = {}
        for name, (wall, cpu) in start.items():
            pid = pids[name]
            assert pid is not None
            share = 100 * (cpu_seconds(pid) - cpu) / (time.monotonic() - wall)
            usage[name] = Usage(share, peak_rss_mib(pid))
        return usage
    finally:
        for terminal in terminals.values():
            terminal.close()


def measure_cpu(programs: Programs, results: Results, repeat: int, seconds: float) -> None:
    """The session and the bare clock side by side, `repeat` windows of `seconds`."""
    contenders = [
        Contender("session", programs.session(), SESSION_MARKER),
        Contender("clock", programs.bare_clock(), BARE_MARKER),
    ]
    for number in range(1, repeat + 1):
        usage = side_by_side(contenders, programs.env, seconds)
        results.cpu.append(usage["session"].cpu)
        results.bare_cpu.append(usage["clock"].cpu)
        results.rss.append(usage["session"].rss)
        results.bare_rss.append(usage["clock"].rss)
        print(
            f"  CPU {number}/{repeat}: stretchtimer {results.cpu[-1]:.2f} % "
            f"({results.rss[-1]:.1f} MiB), bare {results.bare_cpu[-1]:.2f} % "
            f"({results.bare_rss[-1]:.1f} MiB)",
            file=sys.stderr,
            flush=True,
        )


# --- reporting ------------------------------------------------------------------------------


def startup_figures(results: Results) -> list[tuple[str, list[float], list[float], float]]:
    """(what, stretchtimer's seconds, the bare app's, the target ratio) for each startup figure:
    wall time and CPU time to the first frame and to the routine list."""
    return [
        (
            f'startup to first frame, "{TITLE_MARKER}" (ms)',
            results.title,
            results.bare_ready,
            TARGET_FIRST_FRAME_RATIO,
        ),
        (
            f'startup to routine list, "{LIST_MARKER}" (ms)',
            results.listed,
            results.bare_ready,
            TARGET_LIST_RATIO,
        ),
        (
            f'CPU time to first frame, "{TITLE_MARKER}" (ms)',
            results.title_cpu,
            results.bare_ready_cpu,
            TARGET_FIRST_FRAME_RATIO,
        ),
        (
            f'CPU time to routine list, "{LIST_MARKER}" (ms)',
            results.listed_cpu,
            results.bare_ready_cpu,
            TARGET_LIST_RATIO,
        ),
    ]


def table(results: Results) -> Iterator[str]:
    yield "| metric | stretchtimer | bare Textual | ratio | target | met |"
    yield "|---|---:|---:|---:|---|---|"
    for label, values, base, target in startup_figures(results):
        ours, bare_ms = [ms(value) for value in values], [ms(value) for value in base]
        times = ratio(ours, bare_ms)
        yield (
            f'| {label} | {spread(ours, 0)} | {spread(bare_ms, 0)} ("{BARE_MARKER}") '
            f"| {times:.2f}x | within {target:g}x | {yes(times <= target)} |"
        )
    times = ratio(results.cpu, results.bare_cpu)
    cpu_ok = statistics.median(results.cpu) < TARGET_CPU_PERCENT and times <= TARGET_CPU_RATIO
    yield (
        f"| CPU while a session runs (% of one core) | {spread(results.cpu, 2)} "
        f"| {spread(results.bare_cpu, 2)} (Digits clock) | {times:.2f}x "
        f"| under {TARGET_CPU_PERCENT:g} % and within {TARGET_CPU_RATIO:g}x | {yes(cpu_ok)} |"
    )
    times = ratio(results.rss, results.bare_rss)
    yield (
        f"| peak RSS, VmHWM (MiB) | {spread(results.rss)} | {spread(results.bare_rss)} "
        f"(Digits clock) | {times:.2f}x | within {TARGET_RSS_RATIO:g}x "
        f"| {yes(times <= TARGET_RSS_RATIO)} |"
    )


# --- main -----------------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog=(
            "Default run: --repeat 5 launches of each program for startup (one at a time), "
            "then 5 windows of --cpu-seconds 30 with both programs side by side: about 3 "
            "minutes. --quick: 3 repeats and 10 s windows, about 45 seconds. Targets: "
            f"startup within {TARGET_FIRST_FRAME_RATIO:g}x of bare Textual to the first frame "
            f"and {TARGET_LIST_RATIO:g}x to the routine list; CPU under "
            f"{TARGET_CPU_PERCENT:g} % of one core and within {TARGET_CPU_RATIO:g}x of a bare "
            f"clock; peak RSS within {TARGET_RSS_RATIO:g}x."
        ),
    )
    parser.add_argument(
        "--repeat",
        type=int,
        default=None,
        metavar="N",
        help="launches per startup figure and CPU windows; figures are the median (min to "
        "max) over them (default 5, 3 with --quick)",
    )
    parser.add_argument(
        "--cpu-seconds",
        type=float,
        default=None,
        metavar="S",
        help="length of each CPU window in seconds (default 30, 10 with --quick)",
    )
    parser.add_argument(
        "--quick", action="store_true", help="3 repeats and 10 s CPU windows: a smoke run"
    )
    args = parser.parse_args(argv)
    if args.repeat is None:
        args.repeat = 3 if args.quick else 5
    if args.cpu_seconds is None:
        args.cpu_seconds = 10.0 if args.quick else 30.0
    if args.repeat < 1 or args.cpu_seconds <= 0:
        parser.error("--repeat must be at least 1 and --cpu-seconds above 0")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if shutil.which("tmux") is None:
        print("tui.py needs tmux", file=sys.stderr)
        return 2
    if not STRETCHTIMER.exists():
        print(f"no {STRETCHTIMER}: install the project in this venv", file=sys.stderr)
        return 2
    print(
        f"# stretchtimer in a terminal: Python {platform.python_version()}, Textual "
        f"{textual.__version__}, {platform.system()}, {os.cpu_count()} CPUs, tmux 80x24"
    )
    results = Results()
    with tempfile.TemporaryDirectory(prefix="stretchtimer-bench-") as folder:
        programs = Programs.create(Path(folder))
        print(f"- startup, {args.repeat} launches each", file=sys.stderr, flush=True)
        measure_startup(programs, results, args.repeat)
        print(
            f"- CPU, {args.repeat} windows of {args.cpu_seconds:g} s, side by side",
            file=sys.stderr,
            flush=True,
        )
        measure_cpu(programs, results, args.repeat, args.cpu_seconds)
    print()
    for line in table(results):
        print(line)
    print()
    print(
        f"Figures: median over {args.repeat} runs [lowest to highest]; ratio = stretchtimer's "
        f"median / bare Textual's. CPU over {args.cpu_seconds:g} s windows from the first "
        f'"{SESSION_MARKER}" of `stretchtimer run desk-break` at speed 1; the baseline is a bare '
        "app with a Digits clock updated once a second."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
