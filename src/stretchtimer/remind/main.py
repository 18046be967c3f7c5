"""`stretchtimer remind`: putting the reminder together, and running it without a screen.

`--background` runs in the foreground of its own process (no forking, as systemd and launchd
expect), says nothing on stdout, and never imports Textual; SIGTERM, SIGINT and SIGHUP end it
cleanly, keeping an open break as it stands.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import logging
import os
import signal
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from stretchtimer.errors import UsageError, warn
from stretchtimer.history.store import HistoryStore
from stretchtimer.paths import data_dir
from stretchtimer.remind.idle import IdleSource, find_idle_source
from stretchtimer.remind.notify import Notifier, find_notifier
from stretchtimer.remind.runner import (
    Book,
    Launcher,
    RemindLoop,
    RunHere,
    SessionWatch,
    SystemClock,
    status_path,
)
from stretchtimer.remind.scheduler import Answer, Rules
from stretchtimer.remind.suggest import Suggestion, Week, suggest
from stretchtimer.reminder_pipe import pipe_path
from stretchtimer.settings import Settings
from stretchtimer.workhours import parse_times, parse_work_hours

if TYPE_CHECKING:
    from stretchtimer.library.catalog import Catalog

log = logging.getLogger(__name__)

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
LOCK_FILE = "remind.lock"
HISTORY_FRESH = 300.0  # seconds the neglected area and the week's count are kept before a reread


@dataclass(frozen=True, slots=True)
class Options:
    """What the command line adds to the settings."""

    every: int | None = None  # minutes
    at: tuple[int, ...] | None = None
    start_command: str | None = None
    speed: float = 1.0
    session_options: tuple[str, ...] = ()
    """What the session it opens gets from this command line (--mute, --volume 40...)."""


def rules_from(settings: Settings, options: Options) -> Rules:
    """The scheduler's rules: config.toml, with the command line on top (both already checked)."""
    every = options.every if options.every is not None else settings.remind_every
    at = options.at if options.at is not None else parse_times(settings.remind_at)
    return Rules(
        every=every * 60.0,
        at=at,
        hours=parse_work_hours(settings.work_hours),
        break_seconds=settings.break_minutes * 60.0,
    )


class Suggester:
    """The suggested routine and this week's count, read from the catalog and the history
    when first asked and again every few minutes."""

    def __init__(self, settings: Settings, history: Path | None = None, lean: bool = False) -> None:
        self.settings = settings
        self.history = history
        self.lean = lean
        self._timelines: list[object] | None = None
        self._read_at = -HISTORY_FRESH
        self._neglected: str | None = None
        self.week: Week | None = None

    def __call__(self) -> Suggestion | None:
        from stretchtimer.session.plan import Timeline

        self._refresh()
        timelines = [t for t in self._timelines or () if isinstance(t, Timeline)]
        return suggest(timelines, self.settings.break_minutes * 60.0, self._neglected)

    def _refresh(self) -> None:
        if self._timelines is not None and time.monotonic() - self._read_at < HISTORY_FRESH:
            return
        self._read_at = time.monotonic()
        self._timelines = list(_timelines(self.settings, self.lean))  # levels may have changed
        from stretchtimer.history.records import utc_now
        from stretchtimer.history.store import read_stats

        sessions, stats = read_stats(
            utc_now(),
            self.settings.weekly_goal,
            path=self.history,
            break_proof=self.settings.break_proof,
        )
        self._neglected = stats.neglected if stats.total_sessions or sessions else None
        self.week = Week(stats.this_week.sessions, stats.goal)

    def forget(self) -> None:
        """A session ended: read the history again next time."""
        self._read_at = -HISTORY_FRESH


def _timelines(settings: Settings, lean: bool = False) -> list[object]:
    """Every routine, planned at the level you chose for it and with your get-ready and rest
    (its length is what the break will take). `lean`: never read the YAML files here (PyYAML
    and pydantic-core would take memory a background reminder cannot spare): on a cache miss
    a child process (`stretchtimer list`) reads them and writes the cache, which is then read."""
    from stretchtimer.library.loader import load_catalog
    from stretchtimer.memory import read_memory
    from stretchtimer.session.plan import session_timeline

    catalog = _cached_catalog() if lean else None
    if catalog is None and lean:
        import subprocess
        import sys

        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(
                [sys.executable, "-m", "stretchtimer", "list"],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                timeout=60,
                check=False,
            )
        catalog = _cached_catalog()
    if catalog is None:
        catalog = load_catalog()
    memory = read_memory()
    timelines: list[object] = []
    for routine_id in catalog.routines:
        try:
            routine = catalog.routine(routine_id)
            exercises = catalog.routine_exercises(routine)
            level = memory.level_of(routine_id)
            timelines.append(session_timeline(routine, exercises, settings, level))
        except Exception as error:  # a routine that cannot be planned is not suggested
            log.warning("routine %s left out: %s", routine_id, error)
    return timelines


def _cached_catalog() -> Catalog | None:
    """The catalog from its cache, when that is current; None otherwise (nothing is parsed)."""
    from stretchtimer.library import cache as catalog_cache
    from stretchtimer.library.sources import find_sources, key_of

    key = key_of(find_sources())
    return None if key is None else catalog_cache.read(key)


async def build(
    settings: Settings,
    options: Options,
    *,
    screen: bool,
    write: Callable[[str], object] | None,
    run_here: RunHere | None = None,
    history: Path | None = None,
) -> tuple[RemindLoop, list[tuple[str, str]], list[tuple[str, str]]]:
    """The reminder's loop, with the idle source and notifier that work here; and what each
    idle source and notifier tried said."""
    idle, idle_tried = await find_idle_source(settings.idle_source, screen=screen)
    answers: list[RemindLoop] = []

    def on_answer(given: Answer) -> None:
        if answers:
            answers[0].answer(given)

    notifier, notify_tried = await find_notifier(settings.notify, on_answer, write)
    store = HistoryStore.open(history, warn=warn) if settings.log else None
    loop = RemindLoop(
        rules_from(settings, options),
        idle,
        notifier,
        book=Book(store, warn),
        launcher=Launcher(
            options.start_command, run_here, options.speed, extra=options.session_options
        ),
        suggestion=Suggester(settings, history, lean=not screen),
        watch=SessionWatch(history) if store is not None else None,
        hooks={"on_break": settings.on_break, "on_session_end": settings.on_session_end},
        status=status_path(),
        history_path=history,
        control=pipe_path(),
        clock_=SystemClock(options.speed),
    )
    answers.append(loop)
    return loop, idle_tried, notify_tried


def claim(path: Path | None = None) -> int | None:
    """Make this the one reminder (of this data folder) for as long as the process lives, and
    return the lock's file; a second one would offer every break twice and share the pipe and
    the status file, so it is refused in one line that names the first. None: no lock can be
    taken here (a read-only folder), and the reminder runs without one."""
    path = path or data_dir() / LOCK_FILE
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as error:
        log.warning("cannot take %s: %s", path, error)
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        holder = os.read(fd, 32).decode(errors="replace").strip()
        os.close(fd)
        pid = f" (pid {holder})" if holder.isdigit() else ""
        raise UsageError(
            f"a reminder is already running{pid}: one at a time (`stretchtimer status` shows it)"
        ) from None
    os.ftruncate(fd, 0)
    os.write(fd, f"{os.getpid()}\n".encode())
    return fd


def run_background(settings: Settings, options: Options) -> int:
    """No screen: notifications only. Ends with 0 on a signal."""
    return asyncio.run(_background(settings, options))


async def _background(settings: Settings, options: Options) -> int:
    tty = _open_tty()
    write = None
    if tty is not None:

        def write(text: str) -> None:
            with contextlib.suppress(OSError):
                os.write(tty, text.encode())

    loop, _, _ = await build(settings, options, screen=False, write=write)
    await asyncio.to_thread(loop.suggestion)  # the catalog and the history, before any break
    log.info("idle source: %s; notifications: %s", loop.idle.name, loop.notifier.name)
    if not loop.notifier.answers and loop.launcher.how == "none":
        warn(
            "breaks can be offered here but not answered: use --start-command, run inside tmux,"
            " or answer with `stretchtimer remind start`"
        )
    events = asyncio.get_running_loop()
    for number in SIGNALS:
        events.add_signal_handler(number, loop.close)
    try:
        await loop.run()
    finally:
        for number in SIGNALS:
            events.remove_signal_handler(number)
        if tty is not None:
            os.close(tty)
    return 0


def _open_tty() -> int | None:
    """The controlling terminal, for the terminal's notification and bell (none as a service)."""
    try:
        return os.open("/dev/tty", os.O_WRONLY | os.O_NOCTTY)
    except OSError:
        return None


def describe(idle: IdleSource, notifier: Notifier, launcher: Launcher) -> str:
    return f"idle: {idle.name}; notify: {notifier.name}; start: {launcher.how}"


async def probe(settings: Settings) -> list[str]:
    """`doctor`'s lines: which idle source and notifier `remind` would use here, what each
    one tried said, and how Start would open a session."""
    idle, idle_tried = await find_idle_source(settings.idle_source, screen=False)
    notifier, notify_tried = await find_notifier(settings.notify, lambda _: None, _tty_writer())
    quiet = await notifier.quiet()
    await idle.close()
    await notifier.close()
    hours = parse_work_hours(settings.work_hours).text()
    lines = [
        _row("when", f"every {settings.remind_every} min of work, {hours}"),
        _row("idle source", f"{idle.name} (setting: {settings.idle_source})"),
        *(_row(f"  {name}", said) for name, said in idle_tried),
        _row("notifications", f"{notifier.name} (setting: {settings.notify})"),
        *(_row(f"  {name}", said) for name, said in notify_tried),
        _row("do not disturb", "on: breaks are not shown" if quiet else "off"),
        _row("start", Launcher().how.replace("none", "--start-command, tmux or the screen")),
    ]
    return lines


def _tty_writer() -> Callable[[str], object] | None:
    """Something that writes to the terminal, if there is one (doctor writes nothing)."""
    return (lambda text: None) if os.isatty(1) or os.path.exists("/dev/tty") else None


def _row(name: str, value: str) -> str:
    return f"  {name:<14} {value}"
