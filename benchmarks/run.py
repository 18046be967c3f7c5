"""Every figure of stretchtimer against its baseline, in one run: one table, also written down.

    .venv/bin/python benchmarks/run.py           # the full run, about 10 minutes: prints the
                                                 # table, writes benchmarks/results.md and the
                                                 # table between the markers in README.md
    .venv/bin/python benchmarks/run.py --quick   # about 1.5 minutes, 3 repeats: prints only

Each figure is measured in the same run as its baseline, --repeat times (5 by default), and
given as the median with the lowest and highest in brackets, and as the ratio of the two
medians. The pieces, each a script of its own whose docstring says exactly how it measures:

- startup (tui.py `measure_startup`): from launching a detached 80x24 tmux session to the
  first screen showing the picker's title "choose a routine" and to the routine list, polling
  `tmux capture-pane` every 5 ms, as wall time and as the CPU time the program had used by
  then (steadier on a busy machine); the baseline is a bare Textual app showing one Label,
  launched the same way; one unmeasured launch of each first, then they alternate.
- CPU and peak RSS (tui.py `side_by_side`): four programs at once, each in its own 80x24 tmux
  server: `stretchtimer run desk-break` (the TUI session at speed 1), the same with `--plain`,
  a bare Textual app updating a Digits clock once a second, and termdown (anchor.py: `termdown
  30m` from a venv of its own under ~/.cache). Once all four are up, CPU time from /proc (each
  thread's schedstat, in ns; tui.py `cpu_seconds`) over a
  --cpu-seconds window (30 s) in % of one core, and VmHWM at its end in MiB. Then the TUI
  session and the Digits clock again, side by side at 120x40 (the countdown grows with the
  terminal), for its CPU figure.
- the catalog commands (commands.py): wall time of `stretchtimer list` and
  `stretchtimer show full-back-session` as fresh processes, against `python -c pass`.
- timing (timing.py `run_scenarios`): the engine against a naive sum of sleeps, side by side in
  two processes: the 60 s routine at speed 1 and the built-in full-back-session at speed 100;
  drift of the session's end and each cue's lateness at the subscriber.

stretchtimer runs with an empty config folder (only the safety note marked as seen), an empty
data folder and its default settings: sound "auto", which on a machine with no sound device is
"off". Needs Linux (/proc), tmux, and PyPI for termdown the first time (without it the
termdown rows say why they are empty). The machine should be otherwise idle: the figures of a
shared machine are noisy, which is why each ratio is taken within one run.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import anchor
import commands
import textual
import timing
import tui
from common import ROOT, commit, machine, ms, ratio, spread

RESULTS = ROOT / "benchmarks" / "results.md"
README = ROOT / "README.md"
BLOCK_START = "<!-- benchmarks: written by benchmarks/run.py -->"
BLOCK_END = "<!-- /benchmarks -->"

BARE_LABEL = "bare Textual app, one Label"
BARE_CLOCK = "bare Textual app, Digits clock updated 1/s"
TERMDOWN = f"termdown {anchor.VERSION}, `termdown 30m`"
NAIVE = "naive sum of sleeps"
ANCHOR = "none (second anchor)"

Check = Callable[[float, float], bool]  # (our median, ratio) -> met


@dataclass
class Row:
    """One line of the table. `why` set: not measured, and why."""

    figure: str
    ours: list[float]
    baseline: str
    base: list[float]
    target: str
    check: Check | None  # None: shown for reference, no target
    digits: int = 1
    why: str = ""

    def cells(self) -> list[str]:
        if self.why:
            return [self.figure, f"not measured: {self.why}", self.baseline, "", "", "", "-"]
        times = ratio(self.ours, self.base)
        met = "-" if self.check is None else ("yes" if self.check(self.median, times) else "NO")
        return [
            self.figure,
            spread(self.ours, self.digits),
            self.baseline,
            spread(self.base, self.digits),
            f"{times:.2f}x",
            self.target,
            met,
        ]

    @property
    def median(self) -> float:
        return statistics.median(self.ours)


HEADER = [
    "figure",
    "stretchtimer, median [min to max]",
    "baseline",
    "baseline, median [min to max]",
    "ratio",
    "target",
    "met?",
]


def table(rows: list[Row]) -> Iterator[str]:
    yield "| " + " | ".join(HEADER) + " |"
    yield "|---|---:|---|---:|---:|---|---|"
    for row in rows:
        yield "| " + " | ".join(row.cells()) + " |"


# --- targets --------------------------------------------------------------------------------


def within(times: float) -> Check:
    return lambda _median, got: got <= times


def under(limit: float) -> Check:
    return lambda median, _ratio: abs(median) < limit


def cpu_check(median: float, times: float) -> bool:
    return median < tui.TARGET_CPU_PERCENT and times <= tui.TARGET_CPU_RATIO


CPU_TARGET = f"under {tui.TARGET_CPU_PERCENT:g} % and within {tui.TARGET_CPU_RATIO:g}x"


# --- the measurements -----------------------------------------------------------------------


def startup_rows(programs: tui.Programs, repeat: int) -> list[Row]:
    results = tui.Results()
    tui.measure_startup(programs, results, repeat)
    return [
        Row(
            label,
            [ms(value) for value in ours],
            BARE_LABEL,
            [ms(value) for value in base],
            f"within {target:g}x",
            within(target),
            digits=0,
        )
        for label, ours, base, target in tui.startup_figures(results)
    ]


def usage_rows(
    programs: tui.Programs, repeat: int, seconds: float, found: anchor.Found
) -> list[Row]:
    contenders = [
        tui.Contender("session", programs.session(), tui.SESSION_MARKER),
        tui.Contender("plain", programs.plain(), tui.PLAIN_MARKER),
        tui.Contender("clock", programs.bare_clock(), tui.BARE_MARKER),
    ]
    if found.argv:
        contenders.append(tui.Contender("termdown", found.argv, anchor.MARKER))
    windows: list[dict[str, tui.Usage]] = []
    for number in range(1, repeat + 1):
        windows.append(tui.side_by_side(contenders, programs.env, seconds))
        print(
            f"  window {number}/{repeat}: "
            + ", ".join(
                f"{name} {usage.cpu:.2f} % {usage.rss:.1f} MiB"
                for name, usage in windows[-1].items()
            ),
            file=sys.stderr,
            flush=True,
        )

    def cpu(name: str) -> list[float]:
        return [window[name].cpu for window in windows]

    def rss(name: str) -> list[float]:
        return [window[name].rss for window in windows]

    def anchored(figure: str, ours: list[float], of: Callable[[str], list[float]]) -> Row:
        digits = 2 if of is cpu else 1
        if not found.argv:
            return Row(figure, ours, TERMDOWN, [], "", None, digits, why=found.why)
        return Row(figure, ours, TERMDOWN, of("termdown"), ANCHOR, None, digits)

    rss_target = f"within {tui.TARGET_RSS_RATIO:g}x"
    rss_check = within(tui.TARGET_RSS_RATIO)
    rows: list[Row] = []
    for name, label in (("session", "TUI session"), ("plain", "plain mode")):
        cpu_figure = f"CPU, {label}, {seconds:g} s (% of one core)"
        rss_figure = f"peak RSS, {label} (MiB)"
        rows += [
            Row(cpu_figure, cpu(name), BARE_CLOCK, cpu("clock"), CPU_TARGET, cpu_check, 2),
            anchored(cpu_figure, cpu(name), cpu),
            Row(rss_figure, rss(name), BARE_CLOCK, rss("clock"), rss_target, rss_check),
            anchored(rss_figure, rss(name), rss),
        ]
    return [*rows, big_terminal_row(programs, repeat, seconds)]


def big_terminal_row(programs: tui.Programs, repeat: int, seconds: float) -> Row:
    """The TUI session against the Digits clock, side by side in a 120x40 terminal."""
    columns, lines = size = tui.SIZES[-1]
    contenders = [
        tui.Contender("session", programs.session(), tui.SESSION_MARKER),
        tui.Contender("clock", programs.bare_clock(), tui.BARE_MARKER),
    ]
    windows: list[dict[str, tui.Usage]] = []
    for number in range(1, repeat + 1):
        windows.append(tui.side_by_side(contenders, programs.env, seconds, size))
        print(
            f"  window {number}/{repeat} at {columns}x{lines}: "
            + ", ".join(f"{name} {usage.cpu:.2f} %" for name, usage in windows[-1].items()),
            file=sys.stderr,
            flush=True,
        )
    return Row(
        f"CPU, TUI session at {columns}x{lines}, {seconds:g} s (% of one core)",
        [window["session"].cpu for window in windows],
        BARE_CLOCK,
        [window["clock"].cpu for window in windows],
        CPU_TARGET,
        cpu_check,
        2,
    )


def command_rows(repeat: int, env: dict[str, str]) -> list[Row]:
    times = commands.measure(repeat, env)
    base = times.pop(commands.BASELINE)
    target = f"under {commands.TARGET_MS:g} ms"
    return [
        Row(
            f"`{label}` wall time (ms)",
            values,
            f"`{commands.BASELINE}`",
            base,
            target,
            under(commands.TARGET_MS),
            digits=0,
        )
        for label, values in times.items()
    ]


def timing_rows(repeat: int, quick: bool, minute_speed: float) -> list[Row]:
    minute = timing.Scenario("minute", minute_speed, repeat)
    full = timing.Scenario("full-back-session", 1000.0 if quick else 100.0, repeat)
    found = timing.run_scenarios([minute, full], serial=(os.cpu_count() or 1) < 2)
    by_runner = {(scenario, runner): runs for scenario, _, runner, runs in found}
    rows: list[Row] = []
    for scenario, name in ((minute, "60 s routine"), (full, "full-back-session")):
        engine, naive = by_runner[scenario, "engine"], by_runner[scenario, "naive sleeps"]
        where = f"{name} at speed {scenario.speed:g}"
        figures: list[tuple[str, Callable[[timing.Run], float], float]] = [
            ("drift", lambda run: ms(run.drift), timing.TARGET_DRIFT_MS),
            (
                "cue lateness, median",
                lambda run: ms(statistics.median(run.lateness)),
                timing.TARGET_CUE_MEDIAN_MS,
            ),
            ("cue lateness, max", lambda run: ms(max(run.lateness)), timing.TARGET_CUE_MAX_MS),
        ]
        for figure, value, limit in figures:
            rows.append(
                Row(
                    f"{figure}, {where} (ms)",
                    [value(run) for run in engine],
                    NAIVE,
                    [value(run) for run in naive],
                    f"under {limit:g} ms",
                    under(limit),
                    digits=2 if "median" in figure else 1,
                )
            )
    return rows


# --- writing it down ------------------------------------------------------------------------


def tool_version(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def header(
    args: argparse.Namespace, started: datetime.datetime, took: float, found: anchor.Found
) -> list[str]:
    command = "benchmarks/run.py" + (" --quick" if args.quick else "")
    termdown = (
        f"termdown {anchor.VERSION}" if found.argv else f"termdown not measured ({found.why})"
    )
    return [
        f"Measured {started:%Y-%m-%d %H:%M} UTC by `.venv/bin/python {command}` at commit "
        f"{commit()}, in {took / 60:.1f} minutes.",
        "",
        f"- machine: {machine()}",
        f"- software: Textual {textual.__version__}, {tool_version(['tmux', '-V'])}, {termdown}",
        f"- repeats: {args.repeat} of each figure; CPU windows of {args.cpu_seconds:g} s with "
        f"the {'four' if found.argv else 'three'} programs side by side; the timing runners "
        "side by side in two processes",
    ]


NOTES = f"""\
How to read it: a ratio is stretchtimer's median over the baseline's, both from this run;
"met?" judges the median (the range shows the spread). The targets are the project's:
startup within {tui.TARGET_FIRST_FRAME_RATIO:g}x of a bare Textual app to the first frame and \
{tui.TARGET_LIST_RATIO:g}x to the routine list (wall and CPU time); CPU under \
{tui.TARGET_CPU_PERCENT:g} % of one core and within {tui.TARGET_CPU_RATIO:g}x of a bare
Textual clock; peak RSS within {tui.TARGET_RSS_RATIO:g}x of it; drift under \
{timing.TARGET_DRIFT_MS:g} ms; cue lateness median under {timing.TARGET_CUE_MEDIAN_MS:g} ms and
max under {timing.TARGET_CUE_MAX_MS:g} ms; each catalog command under {commands.TARGET_MS:g} ms. \
termdown has no target: it is a second anchor, a terminal countdown people use.

What each figure is and how it is measured: the docstrings of benchmarks/run.py, tui.py (startup,
CPU, RSS in tmux), commands.py (catalog commands), timing.py (drift, cue lateness) and
anchor.py (termdown).

Reproduce:

```sh
python3 -m venv .venv && .venv/bin/pip install -e '.[test,audio]'
sudo apt-get install tmux            # Debian or Ubuntu
.venv/bin/python benchmarks/run.py           # the full run: this file and README.md
.venv/bin/python benchmarks/run.py --quick   # a quick check, prints only
```
"""


def results_page(head: list[str], rows: list[Row]) -> str:
    return "\n".join(["# Benchmarks", "", *head, "", *table(rows), "", NOTES])


def readme_block(started: datetime.datetime, rows: list[Row]) -> str:
    return "\n".join(
        [
            BLOCK_START,
            f"Measured {started:%Y-%m-%d} on {machine()} by `benchmarks/run.py`; how, and on "
            "what: [benchmarks/results.md](benchmarks/results.md).",
            "",
            *table(rows),
            BLOCK_END,
        ]
    )


def update_readme(path: Path, block: str) -> None:
    text = path.read_text()
    if BLOCK_START not in text or BLOCK_END not in text:
        raise SystemExit(f"{path} has no {BLOCK_START} ... {BLOCK_END} block to write into")
    before, rest = text.split(BLOCK_START, 1)
    after = rest.split(BLOCK_END, 1)[1]
    path.write_text(before + block + after)


# --- main -----------------------------------------------------------------------------------


def parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        epilog="Full run: 5 repeats, 30 s CPU windows, timing at speeds 1 and 100, writes "
        "benchmarks/results.md and README.md. --quick: 3 repeats, 10 s windows, timing at "
        "speeds 5 and 1000, writes nothing unless --results or --readme is given.",
    )
    parser.add_argument("--quick", action="store_true", help="a fast check, see below")
    parser.add_argument("--repeat", type=int, metavar="N", help="repeats of every figure")
    parser.add_argument("--cpu-seconds", type=float, metavar="S", help="each CPU window")
    parser.add_argument(
        "--minute-speed",
        type=float,
        metavar="S",
        help="the speed of the 60 s routine's timing run (1; --quick: 5)",
    )
    parser.add_argument("--results", type=Path, metavar="PATH", help="write the page here")
    parser.add_argument("--readme", type=Path, metavar="PATH", help="update this README")
    parser.add_argument("--no-termdown", action="store_true", help="leave termdown out")
    args = parser.parse_args(argv)
    if args.repeat is None:
        args.repeat = 3 if args.quick else 5
    if args.cpu_seconds is None:
        args.cpu_seconds = 10.0 if args.quick else 30.0
    if args.minute_speed is None:
        args.minute_speed = 5.0 if args.quick else 1.0
    if not args.quick:
        args.results = args.results or RESULTS
        args.readme = args.readme or README
    if args.repeat < 1 or args.cpu_seconds <= 0 or args.minute_speed <= 0:
        parser.error("--repeat must be at least 1, --cpu-seconds and --minute-speed above 0")
    return args


def say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    if shutil.which("tmux") is None or not tui.STRETCHTIMER.exists():
        say(f"run.py needs tmux and {tui.STRETCHTIMER} (install the project in this venv)")
        return 2
    started = datetime.datetime.now(datetime.UTC)
    clock = time.monotonic()
    say(f"# stretchtimer benchmarks: {machine()}, {platform.node()}")
    found = anchor.Found(None, "--no-termdown given") if args.no_termdown else anchor.termdown()
    rows: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="stretchtimer-bench-") as folder:
        programs = tui.Programs.create(Path(folder))
        say(f"- startup, {args.repeat} launches each")
        rows += startup_rows(programs, args.repeat)
        say(f"- CPU and RSS, {args.repeat} windows of {args.cpu_seconds:g} s")
        rows += usage_rows(programs, args.repeat, args.cpu_seconds, found)
        say(f"- catalog commands, {args.repeat} rounds")
        rows += command_rows(args.repeat, {**os.environ, **programs.env})
    say(f"- timing, {args.repeat} runs of each")
    rows += timing_rows(args.repeat, args.quick, args.minute_speed)
    head = header(args, started, time.monotonic() - clock, found)
    print()
    print("\n".join(head))
    print()
    print("\n".join(table(rows)))
    if args.results:
        args.results.write_text(results_page(head, rows))
        say(f"wrote {args.results}")
    if args.readme:
        update_readme(args.readme, readme_block(started, rows))
        say(f"updated {args.readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
