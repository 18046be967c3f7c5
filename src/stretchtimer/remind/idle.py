"""How long the keyboard and mouse have been left alone: one small interface, many sources.

Each source answers `idle()` with the seconds since the last input (None when it cannot tell
this time) and says how often it needs asking (`poll`). `find_idle_source` takes the first
that works here, in the order of `ORDER`: the desktop's own monitors over D-Bus (GNOME's
Mutter, org.freedesktop.ScreenSaver), swayidle on wlroots Wayland, xprintidle on X11, ioreg on
macOS, logind's IdleHint, tmux's client activity, the reminder's own keys; with none of them,
wall time counts as work time. `doctor` prints what each one said.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import shutil
import signal
import sys
import time
from collections.abc import Sequence
from typing import Protocol

from stretchtimer.remind.dbus import Bus, Unavailable, connect
from stretchtimer.settings import IDLE_SOURCES

log = logging.getLogger(__name__)

ORDER = IDLE_SOURCES[1:]  # the sources tried in turn, best first (the setting's "auto" is them)
PROGRAM_TIMEOUT = 3.0  # seconds a helper program has to answer
SWAYIDLE_AFTER = 10  # seconds of no input after which swayidle says so


class IdleSource(Protocol):
    name: str
    poll: float | None
    """Seconds between looks this source needs; None: it has nothing to say (wall time)."""

    async def idle(self) -> float | None:
        """Seconds since the last input; None when that cannot be told this time."""

    async def close(self) -> None: ...


class NoIdle:
    """Nothing can tell: every second counts as work time."""

    name = "none"
    poll: float | None = None

    async def idle(self) -> float | None:
        return None

    async def close(self) -> None:
        return None


class KeysIdle:
    """The reminder's own keys (its screen): a key there says someone is at the computer; no
    key says nothing (they type elsewhere), so then it cannot tell, and the time counts."""

    name = "keys"
    poll: float | None = 15.0
    RECENT = 30.0  # seconds a key is taken as presence

    def __init__(self) -> None:
        self.last = time.monotonic()

    def touch(self) -> None:
        self.last = time.monotonic()

    async def idle(self) -> float | None:
        since = time.monotonic() - self.last
        return since if since < self.RECENT else None

    async def close(self) -> None:
        return None


class ProgramIdle:
    """A program that prints the idle time: xprintidle (ms), ioreg (ns), tmux (activity)."""

    poll: float | None = 30.0

    def __init__(self, name: str, argv: Sequence[str]) -> None:
        self.name = name
        self.argv = list(argv)

    async def idle(self) -> float | None:
        try:
            text = await run_program(self.argv)
        except Unavailable as error:
            log.debug("%s: %s", self.name, error)
            return None
        return self.read(text)

    def read(self, text: str) -> float | None:
        if self.name == "xprintidle":
            return int(text.strip()) / 1000 if text.strip().isdigit() else None
        if self.name == "ioreg":
            found = re.search(r'"HIDIdleTime"\s*=\s*(\d+)', text)
            return int(found[1]) / 1e9 if found else None
        if self.name == "tmux":  # each client's last activity, in seconds since the epoch
            times = [int(line) for line in text.split() if line.isdigit()]
            return max(0.0, time.time() - max(times)) if times else None
        return None

    async def close(self) -> None:
        return None


class MutterIdle:
    """GNOME (X11 and Wayland): org.gnome.Mutter.IdleMonitor's GetIdletime, in ms."""

    name = "mutter"
    poll: float | None = 10.0
    DEST = "org.gnome.Mutter.IdleMonitor"
    PATH = "/org/gnome/Mutter/IdleMonitor/Core"

    def __init__(self, bus: Bus) -> None:
        self.bus = bus

    async def idle(self) -> float | None:
        try:
            (ms,) = await self.bus.call(self.DEST, self.PATH, self.DEST, "GetIdletime")
        except (Unavailable, ValueError):
            return None
        return int(ms) / 1000

    async def close(self) -> None:
        await self.bus.close()


class ScreenSaverIdle:
    """KDE and others: org.freedesktop.ScreenSaver's GetSessionIdleTime, in seconds."""

    name = "screensaver"
    poll: float | None = 10.0
    DEST = "org.freedesktop.ScreenSaver"
    PATH = "/org/freedesktop/ScreenSaver"

    def __init__(self, bus: Bus) -> None:
        self.bus = bus

    async def idle(self) -> float | None:
        try:
            (seconds,) = await self.bus.call(self.DEST, self.PATH, self.DEST, "GetSessionIdleTime")
        except (Unavailable, ValueError):
            return None
        return float(seconds)

    async def close(self) -> None:
        await self.bus.close()


class LogindIdle:
    """systemd-logind's IdleHint for this session (set by the desktop, or by a locked screen)."""

    name = "logind"
    poll: float | None = 30.0
    DEST = "org.freedesktop.login1"
    PATH = "/org/freedesktop/login1/session/auto"
    IFACE = "org.freedesktop.login1.Session"

    def __init__(self, bus: Bus) -> None:
        self.bus = bus

    async def idle(self) -> float | None:
        try:
            hint = await self.bus.get_property(self.DEST, self.PATH, self.IFACE, "IdleHint")
            if not hint:
                return 0.0
            since = await self.bus.get_property(self.DEST, self.PATH, self.IFACE, "IdleSinceHint")
        except Unavailable:
            return None
        return max(0.0, time.time() - int(since) / 1e6)

    async def close(self) -> None:
        await self.bus.close()


class SwayIdle:
    """wlroots Wayland (sway, river, Hyprland...): a swayidle child that says when input stops
    and starts again."""

    name = "swayidle"
    poll: float | None = 30.0

    def __init__(self, process: asyncio.subprocess.Process) -> None:
        self.process = process
        self.idle_since: float | None = None
        self.reader = asyncio.ensure_future(self._read())

    async def _read(self) -> None:
        assert self.process.stdout is not None
        async for line in self.process.stdout:
            word = line.decode(errors="replace").strip()
            if word == "idle":
                self.idle_since = time.monotonic() - SWAYIDLE_AFTER
            elif word == "active":
                self.idle_since = None

    async def idle(self) -> float | None:
        if self.process.returncode is not None:
            return None
        return 0.0 if self.idle_since is None else time.monotonic() - self.idle_since

    async def close(self) -> None:
        if self.process.returncode is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGTERM)  # it and the commands it runs
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.process.wait(), 2)
        # its output ends with it: the reader finishes, and the pipe is closed
        with contextlib.suppress(TimeoutError, asyncio.CancelledError):
            await asyncio.wait_for(self.reader, 2)


async def run_program(argv: Sequence[str], timeout: float = PROGRAM_TIMEOUT) -> str:
    """A program's standard output; Unavailable when it is missing, fails or hangs."""
    try:
        process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as error:
        raise Unavailable(f"{argv[0]}: {error.strerror or error}") from None
    try:
        out, err = await asyncio.wait_for(process.communicate(), timeout)
    except TimeoutError:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise Unavailable(f"{argv[0]} did not answer in {timeout:g} s") from None
    if process.returncode:
        detail = err.decode(errors="replace").strip().splitlines()
        raise Unavailable(f"{argv[0]} failed" + (f": {detail[-1]}" if detail else ""))
    return out.decode(errors="replace")


# --- finding one that works -----------------------------------------------------------------


async def _try(name: str, screen: bool) -> IdleSource:
    """The source `name`, checked to work here; Unavailable says why not."""
    if name == "none":
        return NoIdle()
    if name == "keys":
        if not screen:
            raise Unavailable("only with the reminder's screen (not --background)")
        return KeysIdle()
    if name in ("mutter", "screensaver", "logind"):
        bus = await connect(system=name == "logind")
        source: MutterIdle | ScreenSaverIdle | LogindIdle
        if name == "mutter":
            source = MutterIdle(bus)
        elif name == "screensaver":
            source = ScreenSaverIdle(bus)
        else:
            source = LogindIdle(bus)
        try:
            await _check(source)
        except Unavailable:
            await bus.close()
            raise
        return source
    if name == "swayidle":
        if not os.environ.get("WAYLAND_DISPLAY"):
            raise Unavailable("not a Wayland session (WAYLAND_DISPLAY is not set)")
        program = _which("swayidle")
        process = await asyncio.create_subprocess_exec(
            program,
            "-w",
            "timeout",
            str(SWAYIDLE_AFTER),
            "echo idle",
            "resume",
            "echo active",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
        await asyncio.sleep(0.3)
        if process.returncode is not None:
            raise Unavailable("swayidle stopped at once (a wlroots compositor is needed)")
        return SwayIdle(process)
    program_source = _program_source(name)
    await _check(program_source)
    return program_source


def _program_source(name: str) -> ProgramIdle:
    if name == "xprintidle":
        if not os.environ.get("DISPLAY"):
            raise Unavailable("not an X11 session (DISPLAY is not set)")
        return ProgramIdle(name, [_which("xprintidle")])
    if name == "ioreg":
        if sys.platform != "darwin":
            raise Unavailable("macOS only")
        return ProgramIdle(name, [_which("ioreg"), "-c", "IOHIDSystem", "-d", "4", "-r"])
    if name == "tmux":
        if not os.environ.get("TMUX"):
            raise Unavailable("not inside tmux (TMUX is not set)")
        return ProgramIdle(name, [_which("tmux"), "list-clients", "-F", "#{client_activity}"])
    raise Unavailable(f"unknown idle source {name!r}")


def _which(program: str) -> str:
    found = shutil.which(program)
    if found is None:
        raise Unavailable(f"{program} is not installed")
    return found


async def _check(source: IdleSource) -> None:
    if await source.idle() is None:
        raise Unavailable("gave no idle time")


async def find_idle_source(
    setting: str = "auto", screen: bool = False
) -> tuple[IdleSource, list[tuple[str, str]]]:
    """The source to use, and what each one tried said ((name, "works" or why not))."""
    names = ORDER if setting == "auto" else (setting,)
    tried: list[tuple[str, str]] = []
    for name in names:
        try:
            source = await _try(name, screen)
        except Unavailable as error:
            tried.append((name, str(error)))
            continue
        tried.append((name, "works" if name != "none" else "wall time counts as work time"))
        return source, tried
    if setting != "auto":
        tried.append(("none", f"{setting} does not work here: wall time counts as work time"))
    return NoIdle(), tried
