"""The reminder's shell: the clocks, the idle source, the notifier, the history and the
session it opens, around the pure scheduler.

It sleeps between looks (as long as the idle source allows, at most a minute), asks the idle
source once per look, hands the scheduler's actions to whoever acts on them, and wakes early
only for an answer. Nothing here imports Textual: the screen drives it through `answer`,
`on_change` and a launcher that turns its terminal into the session.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from stretchtimer.files import write_atomically
from stretchtimer.format import count
from stretchtimer.history.breaks import add_break, update_break
from stretchtimer.history.records import SessionRecord, utc_now
from stretchtimer.history.store import HistoryStore, db_path, read_sessions
from stretchtimer.paths import data_dir
from stretchtimer.remind import scheduler
from stretchtimer.remind.idle import IdleSource
from stretchtimer.remind.notify import Notifier, Offer
from stretchtimer.remind.scheduler import (
    HAND,
    Action,
    Answer,
    Ask,
    Launch,
    Moment,
    Note,
    Outcome,
    Phase,
    Reminder,
    Rested,
    Rules,
    Unask,
)
from stretchtimer.remind.stretchly import stretchly_paused
from stretchtimer.remind.suggest import Suggestion

log = logging.getLogger(__name__)

STATUS_FILE = "remind.json"
RUNNING_STALE = 15 * 60.0
"""A session whose row was last written this long ago is taken as over (it crashed)."""
SESSION_APPEARS = 120.0
"""Seconds a session started by `--start-command` has to show up in the history."""

Warn = Callable[[str], object]


def boot_seconds() -> float:
    """A clock that runs through suspend (Linux: CLOCK_BOOTTIME; macOS: CLOCK_MONOTONIC, which
    counts sleep there; elsewhere the wall clock, which is the best left)."""
    if sys.platform.startswith("linux"):
        return time.clock_gettime(time.CLOCK_BOOTTIME)
    if sys.platform == "darwin":
        return time.clock_gettime(time.CLOCK_MONOTONIC)
    return time.time()


class SystemClock:
    """The machine's clocks; `speed` above 1 runs the reminder's time faster (for previews and
    tests: `remind --every 1 --speed 60` offers a break after a second)."""

    def __init__(self, speed: float = 1.0) -> None:
        self.speed = speed
        self.mono0 = time.monotonic()
        self.boot0 = boot_seconds()

    def now(self) -> Moment:
        mono = self.mono0 + (time.monotonic() - self.mono0) * self.speed
        boot = self.boot0 + (boot_seconds() - self.boot0) * self.speed
        return Moment(mono, boot, datetime.now().astimezone())


class Clock(Protocol):
    """What the loop reads the time from (a fake one in tests)."""

    def now(self) -> Moment: ...


# --- the history --------------------------------------------------------------------------


class Book:
    """Each break as the scheduler reports it, in the history; a failure is said once."""

    def __init__(self, store: HistoryStore | None, warn: Warn, path: Path | None = None) -> None:
        self.store = store
        self.path = path
        self.warn = warn
        self.current: int | None = None  # the row of the break not settled yet
        self.warned = False
        self.written: list[tuple[str, str]] = []  # (reason, outcome), for the screen's count

    def note(
        self,
        note: Note,
        routine_id: str | None,
        session_id: int | None = None,
        at: datetime | None = None,
    ) -> None:
        at = at or utc_now()
        self.written.append((note.reason, note.outcome.value))
        if self.store is None:
            return
        try:
            if note.new or self.current is None:
                row = add_break(
                    self.store,
                    at=at,
                    reason=note.reason,
                    outcome=note.outcome.value,
                    snoozes=note.snoozes,
                    work_seconds=note.worked,
                    routine_id=routine_id,
                    session_id=session_id,
                )
                self.current = None if note.outcome.settled else row
            else:
                update_break(
                    self.store,
                    self.current,
                    at=at,
                    outcome=note.outcome.value,
                    snoozes=note.snoozes,
                    session_id=session_id,
                )
                if note.outcome.settled:
                    self.current = None
        except Exception as error:  # sqlite3.Error, a full disk: the reminder goes on
            if not self.warned:
                self.warned = True
                self.warn(f"could not keep the break in the history ({error})")

    def close(self) -> None:
        if self.store is not None:
            self.store.close()
            self.store = None


def sessions_since(since: datetime, path: Path | None = None) -> list[SessionRecord]:
    return read_sessions(since=since, path=path)


class SessionWatch:
    """Sessions in the history: whether one runs now. The file is read only when it changed
    (its size or time), so a look costs a stat or two."""

    def __init__(self, path: Path | None = None, since: datetime | None = None) -> None:
        self.path = path or db_path()
        self.since = since or utc_now() - timedelta(hours=6)
        self.stamp: tuple[float, ...] | None = None
        self.running: SessionRecord | None = None

    def _stamp(self) -> tuple[float, ...]:
        stamp: list[float] = []
        for suffix in ("", "-wal"):
            try:
                info = os.stat(f"{self.path}{suffix}")
            except OSError:
                stamp += [0, 0]
            else:
                stamp += [info.st_mtime_ns, info.st_size]
        return tuple(stamp)

    def look(self, now: datetime) -> tuple[SessionRecord | None, SessionRecord | None]:
        """(a session that began, a session that ended) since the last look."""
        stamp = self._stamp()
        running = self.running
        if stamp == self.stamp and running is not None:
            last_write = running.ended_at or running.started_at
            if (now - last_write).total_seconds() > RUNNING_STALE:
                self.running = None
                return None, running
            return None, None
        if stamp == self.stamp:
            return None, None
        self.stamp = stamp
        try:
            sessions = read_sessions(since=self.since, path=self.path)
        except Exception:  # the reminder never stops for the history
            return None, None
        now_running = None
        for session in reversed(sessions):
            last_write = session.ended_at or session.started_at
            if session.state == "running" and (now - last_write).total_seconds() < RUNNING_STALE:
                now_running = session
                break
        self.running = now_running
        if running is not None and (now_running is None or now_running.id != running.id):
            ended = next((s for s in sessions if s.id == running.id), running)
            began = now_running
            return began, ended
        if running is None and now_running is not None:
            return now_running, None
        return None, None


# --- opening a session --------------------------------------------------------------------

RunHere = Callable[[list[str]], Awaitable[int]]


@dataclass
class Launcher:
    """Opens the suggested session where the person is: `start_command` if given; inside tmux
    a popup; else the reminder's own terminal (`run_here`, from its screen)."""

    start_command: str | None = None
    run_here: RunHere | None = None
    speed: float = 1.0
    extra: tuple[str, ...] = ()
    tmux: bool = field(default_factory=lambda: bool(os.environ.get("TMUX")))

    @property
    def how(self) -> str:
        if self.start_command:
            return "start-command"
        if self.tmux:
            return "tmux popup"
        if self.run_here is not None:
            return "this terminal"
        return "none"

    def argv(self, routine_id: str) -> list[str]:
        argv = [sys.executable, "-m", "stretchtimer", "run", routine_id]
        if self.speed != 1:
            argv += ["--speed", f"{self.speed:g}"]
        return [*argv, *self.extra]

    async def open(self, routine_id: str) -> bool:
        """Open the session and wait until it is over; False when it could not be opened."""
        argv = self.argv(routine_id)
        env = {**os.environ, "STRETCHTIMER_ROUTINE": routine_id}
        if self.start_command:
            command = self.start_command.replace("{routine}", routine_id)
            process = await asyncio.create_subprocess_shell(
                command, env=env, stdin=asyncio.subprocess.DEVNULL
            )
            return await process.wait() == 0
        if self.tmux:
            return await _tmux_popup(argv, env)
        if self.run_here is not None:
            await self.run_here(argv)
            return True
        return False


async def _tmux_popup(argv: list[str], env: dict[str, str]) -> bool:
    """The session in a tmux popup over the current window; waits until it closes."""
    import shlex

    channel = f"stretchtimer-{os.getpid()}-{time.monotonic_ns()}"
    inner = f"{shlex.join(argv)}; tmux wait-for -S {channel}"
    popup = await asyncio.create_subprocess_exec(
        "tmux",
        "display-popup",
        "-E",
        "-w",
        "90%",
        "-h",
        "90%",
        "-T",
        " stretchtimer ",
        inner,
        env=env,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    waiter = await asyncio.create_subprocess_exec(
        "tmux",
        "wait-for",
        channel,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.DEVNULL,
    )
    _, err = await popup.communicate()
    if popup.returncode:
        log.warning("tmux display-popup failed: %s", err.decode(errors="replace").strip())
        with contextlib.suppress(ProcessLookupError):
            waiter.kill()
        await waiter.wait()
        return False
    await waiter.wait()
    return True


# --- hooks --------------------------------------------------------------------------------


async def run_hook(command: str, values: dict[str, str]) -> None:
    """A command from config.toml, with what happened in its environment; never waited on
    for long, never fatal."""
    if not command:
        return
    env = {**os.environ, **{f"STRETCHTIMER_{key.upper()}": value for key, value in values.items()}}
    try:
        process = await asyncio.create_subprocess_shell(
            command,
            env=env,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as error:
        log.warning("hook %r could not start: %s", command, error)
        return
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(process.wait(), 60)


# --- the status file ----------------------------------------------------------------------


def status_path() -> Path:
    return data_dir() / STATUS_FILE


def write_status(path: Path, status: dict[str, Any]) -> None:
    """Atomically: a reader sees the old file or the new one, never half of one."""
    try:
        write_atomically(path, json.dumps(status))
    except OSError as error:
        log.debug("cannot write %s: %s", path, error)


# --- the loop -----------------------------------------------------------------------------


class RemindLoop:
    """The scheduler in real time."""

    def __init__(
        self,
        rules: Rules,
        idle: IdleSource,
        notifier: Notifier,
        *,
        book: Book,
        launcher: Launcher,
        suggestion: Callable[[], Suggestion | None],
        watch: SessionWatch | None = None,
        clock_: Clock | None = None,
        hooks: dict[str, str] | None = None,
        status: Path | None = None,
        on_change: Callable[[], object] | None = None,
        history_path: Path | None = None,
        control: Path | None = None,
    ) -> None:
        self.reminder = Reminder(rules)
        self.idle = idle
        self.notifier = notifier
        self.book = book
        self.launcher = launcher
        self.suggestion = suggestion
        self.watch = watch
        self.clock = clock_ or SystemClock()
        self.speed = getattr(self.clock, "speed", 1.0)
        self.hooks = hooks or {}
        self.status = status
        self.on_change = on_change
        self.history_path = history_path
        self.control = control
        self.offer: Offer | None = None  # the offer standing, for the screen
        self.current: Suggestion | None = None  # the routine the open break suggests
        self.last_idle: float | None = None
        self.hand_session: int | None = None  # a session started by hand, running
        self.session_task: asyncio.Task[None] | None = None
        self.counts: dict[str, int] = {}
        self._wake = asyncio.Event()
        self._answers: list[Answer] = []
        self._steps: list[tuple[Moment, bool]] = []  # a session's steps heard: when, work or not
        self._lock = asyncio.Lock()
        self._closing = False
        self._written: tuple[Any, ...] | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    # --- from outside ---------------------------------------------------------------------

    def answer(self, given: Answer) -> None:
        """An answer (a button, a key); acted on at once."""
        self._answers.append(given)
        self._wake.set()

    def step_heard(self, work: bool) -> None:
        """A session began a step (work or not); the idle source is asked at once, so the
        step before it is judged up to its end."""
        self._steps.append((self.clock.now(), work))
        self._wake.set()

    def close(self) -> None:
        self._closing = True
        self._wake.set()

    # --- the loop ---------------------------------------------------------------------------

    async def run(self) -> None:
        listener = None
        if self.control is not None:
            from stretchtimer.remind.control import Listener

            listener = Listener(self.answer, self.control, on_step=self.step_heard)
            if not listener.open():
                listener = None
        try:
            while not self._closing:
                await self.step()
                await self._sleep(scheduler.next_look(self.reminder, self.idle.poll) / self.speed)
        finally:
            if listener is not None:
                listener.close()
            await self._shut()

    async def step(self) -> None:
        async with self._lock:
            now = self.clock.now()
            while self._answers:
                given = self._answers.pop(0)
                await self._apply(scheduler.answer(self.reminder, given, now))
            idle = await self.idle.idle()
            if idle is not None:
                idle *= self.speed
            self.last_idle = idle
            while self._steps:  # each judged as of when it was heard
                heard, work = self._steps.pop(0)
                await self._apply(scheduler.session_step(self.reminder, heard, idle, work))
            await self._apply(scheduler.observe(self.reminder, now, idle))
            await self._watch_sessions(now)
        self._changed()

    async def _sleep(self, seconds: float) -> None:
        if self._answers or self._steps or self._closing:
            return
        self._wake.clear()
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), max(0.0, seconds))

    async def _shut(self) -> None:
        async with self._lock:
            await self._apply(scheduler.stop(self.reminder))
        if self.session_task is not None:
            self.session_task.cancel()
        for task in list(self._tasks):
            with contextlib.suppress(TimeoutError, asyncio.CancelledError):
                await asyncio.wait_for(task, 2)
        with contextlib.suppress(Exception):
            await self.notifier.close()
        with contextlib.suppress(Exception):
            await self.idle.close()
        self.book.close()
        if self.status is not None:
            with contextlib.suppress(OSError):
                self.status.unlink()

    # --- acting on the scheduler ------------------------------------------------------------

    async def _apply(self, result: tuple[Reminder, tuple[Action, ...]]) -> None:
        self.reminder, actions = result
        for action in actions:
            await self._act(action)

    async def _act(self, action: Action, session_id: int | None = None) -> None:
        if isinstance(action, Ask):
            await self._ask(action)
        elif isinstance(action, Unask):
            self.offer = None
            with contextlib.suppress(Exception):
                await self.notifier.withdraw()
        elif isinstance(action, Note):
            self._note(action, session_id)
        elif isinstance(action, Launch):
            self.offer = None
            routine = self.current or self.suggestion()
            self.session_task = asyncio.create_task(self._session(routine))
        elif isinstance(action, Rested):
            log.info("away %.0f s: a break; the count starts again", action.seconds)

    def _note(self, note: Note, session_id: int | None) -> None:
        if note.new and note.outcome is Outcome.OFFERED:
            self.current = self.suggestion()
        routine = self.current.routine_id if self.current else None
        self.book.note(note, routine, session_id)
        self.counts[note.outcome.value] = self.counts.get(note.outcome.value, 0) + (
            1 if note.outcome.settled else 0
        )
        if note.outcome.settled and note.reason != HAND:
            self.counts["offered"] = self.counts.get("offered", 0) + 1
        if note.outcome.settled:
            self.current = None

    async def _ask(self, ask: Ask) -> None:
        routine = self.current or self.suggestion()
        self.current = routine
        self.offer = offer_for(ask, routine, self.reminder.rules)
        if not ask.again and routine is not None:
            self._spawn(
                run_hook(
                    self.hooks.get("on_break", ""),
                    {
                        "event": "break",
                        "routine": routine.routine_id,
                        "routine_name": routine.name,
                        "reason": ask.reason,
                    },
                )
            )
        try:
            if await self.notifier.quiet():
                log.info("do not disturb: the break is not shown")
                return
            await self.notifier.offer(self.offer)
        except Exception as error:  # a desktop gone away: the screen still shows it
            log.warning("could not offer the break: %s", error)

    def _spawn(self, work: Awaitable[None]) -> None:
        task = asyncio.ensure_future(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    # --- sessions ---------------------------------------------------------------------------

    async def _session(self, routine: Suggestion | None) -> None:
        """Open the session, wait for its end, and tell the scheduler how it went."""
        began = utc_now() - timedelta(seconds=2)
        opened = False
        if routine is not None:
            try:
                with stretchly_paused():
                    opened = await self.launcher.open(routine.routine_id)
            except OSError as error:
                log.warning("could not open the session: %s", error)
        record = None
        if opened:
            if self.launcher.how == "start-command":
                record = await self._wait_for_session(began)
            else:
                record = _newest(sessions_since(began, self.history_path))
        async with self._lock:
            now = self.clock.now()
            if record is None or record.done == 0:  # not opened, or left before any exercise
                await self._apply(scheduler.launch_failed(self.reminder, now))
            else:
                await self._end_session(now, record)
            if self.watch is not None:
                self.watch.running = None
                self.watch.stamp = None
        self._changed()

    async def _wait_for_session(self, began: datetime) -> SessionRecord | None:
        """A session opened elsewhere (a new terminal window, a script): wait for it to show
        up in the history, then for its end."""
        deadline = time.monotonic() + SESSION_APPEARS
        while True:
            newest = _newest(sessions_since(began, self.history_path))
            if newest is not None:
                last_write = newest.ended_at or newest.started_at
                stale = (utc_now() - last_write).total_seconds() > RUNNING_STALE
                if newest.state != "running" or stale:
                    return newest
            elif time.monotonic() > deadline:
                return None
            await asyncio.sleep(2.0)

    async def _end_session(self, now: Moment, record: SessionRecord) -> None:
        self.reminder, actions = scheduler.session_ended(self.reminder, now)
        outcome = ""
        for action in actions:
            if isinstance(action, Note):
                outcome = action.outcome.value
            await self._act(action, session_id=record.id)
        self._spawn(
            run_hook(
                self.hooks.get("on_session_end", ""),
                {
                    "event": "session-end",
                    "routine": record.routine_id,
                    "routine_name": record.routine_name,
                    "outcome": outcome,
                    "state": record.state,
                    "session_id": str(record.id),
                },
            )
        )

    async def _watch_sessions(self, now: Moment) -> None:
        """Sessions started by hand (in another terminal, the app) pause and reset the count."""
        if self.watch is None or (self.session_task is not None and not self.session_task.done()):
            return
        began, ended = self.watch.look(now.wall.astimezone(UTC))
        if ended is not None and self.hand_session == ended.id:
            self.hand_session = None
            if ended.done > 0:
                await self._end_session(now, ended)
            else:  # opened and left at once: no break, and the count goes on
                await self._apply(scheduler.launch_failed(self.reminder, now))
        if began is not None and self.reminder.phase is not Phase.SESSION:
            self.hand_session = began.id
            await self._apply(scheduler.session_started(self.reminder, now))

    # --- what the screen and `status` show --------------------------------------------------

    def _changed(self) -> None:
        if self.status is not None:
            status = self.status_data()
            key = (status["phase"], round((status["next_break"] or 0) / 60))
            if key != self._written:
                self._written = key
                write_status(self.status, status)
        if self.on_change is not None:
            self.on_change()

    def status_data(self) -> dict[str, Any]:
        r = self.reminder
        left = r.seconds_to_break(self.clock.now())
        routine = self.current or None
        return {
            "pid": os.getpid(),
            "phase": r.phase.value,
            "next_break": None if left is None else time.time() + left / self.speed,
            "reason": r.reason if r.open else None,
            "snoozes_left": r.snoozes_left,
            "routine": routine.routine_id if routine else None,
            "routine_name": routine.name if routine else None,
            "updated": time.time(),
        }


def _newest(sessions: list[SessionRecord]) -> SessionRecord | None:
    return sessions[-1] if sessions else None


def minutes(seconds: float) -> str:
    """'50 minutes', '1 minute'; '1 h 30 min' past an hour."""
    whole = max(1, round(seconds / 60))
    if whole < 60:
        return count(whole, "minute")
    hours, rest = divmod(whole, 60)
    return f"{hours} h {rest} min" if rest else count(hours, "hour")


def offer_for(ask: Ask, routine: Suggestion | None, rules: Rules) -> Offer:
    """The words of a notification."""
    what = routine.text() if routine else "a stretch"
    if ask.reason.startswith("at "):
        why = f"It is {ask.reason.removeprefix('at ')}, your set time."
    elif ask.reason == "every":
        why = f"{minutes(rules.every)} at the computer."
    else:
        why = "Time for a break."
    again = " (again)" if ask.again else ""
    return Offer(f"Time to stretch{again}: {what}", why, snooze=ask.snoozes_left > 0)
