"""Offering a break where it will be seen, and hearing the answer.

The first that works here, in `ORDER`: a desktop notification with Start / Snooze 5 min /
Snooze 10 min / Skip buttons (org.freedesktop.Notifications over D-Bus, the `desktop` extra:
jeepney), `notify-send --action` (libnotify 0.7.10 or newer), a terminal notification escape
(OSC 9, 99 or 777, passed through tmux), the bell. The first two can be answered; the others
point at the reminder's screen (or `stretchtimer remind start`). Do Not Disturb is respected
where the desktop says so (`quiet`), by every notifier, the terminal's and the bell too: a
break offered then is not shown, and is offered again later.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Protocol

from stretchtimer.remind.dbus import Bus, Unavailable, connect
from stretchtimer.remind.idle import run_program
from stretchtimer.remind.scheduler import SNOOZE_MINUTES, Answer

log = logging.getLogger(__name__)

ORDER = ("desktop", "notify-send", "terminal", "bell", "off")
APP_NAME = "stretchtimer"
NOTIFICATIONS = "org.freedesktop.Notifications"
NOTIFICATIONS_PATH = "/org/freedesktop/Notifications"
PORTAL = "org.freedesktop.portal.Desktop"
PORTAL_PATH = "/org/freedesktop/portal/desktop"

OnAnswer = Callable[[Answer], None]


@dataclass(frozen=True, slots=True)
class Offer:
    """What a notification says, and which answers it offers."""

    title: str
    body: str
    snooze: bool = True  # the snooze buttons (gone once the snoozes are used up)

    def buttons(self) -> list[tuple[str, str]]:
        buttons = [(Answer.START.value, "Start")]
        if self.snooze:
            buttons += [
                (given.value, f"Snooze {minutes} min") for given, minutes in SNOOZE_MINUTES.items()
            ]
        buttons.append((Answer.SKIP.value, "Skip"))
        return buttons


class Notifier(Protocol):
    name: str
    answers: bool
    """Whether its notifications carry buttons whose answers come back."""

    async def offer(self, offer: Offer) -> None: ...

    async def withdraw(self) -> None: ...

    async def quiet(self) -> bool:
        """Whether the desktop asks for no notifications now (Do Not Disturb)."""

    async def close(self) -> None: ...


class DoNotDisturb:
    """Whether the desktop asks for quiet, for a notifier that holds no bus of its own: the
    session bus (if there is one) is reached when first asked, and kept."""

    def __init__(self) -> None:
        self.bus: Bus | None = None
        self.tried = False

    async def on(self) -> bool:
        if not self.tried:
            self.tried = True
            with contextlib.suppress(Unavailable):
                self.bus = await connect()
        return await desktop_quiet(self.bus)

    async def close(self) -> None:
        bus, self.bus = self.bus, None
        if bus is not None:
            await bus.close()


class Silent:
    """notify = "off": the screen (if any) is the only place a break is offered. The base of
    the notifiers that cannot be answered nor taken down, which keep Do Not Disturb (`dnd`)."""

    name = "off"
    answers = False

    def __init__(self, dnd: DoNotDisturb | None = None) -> None:
        self.dnd = dnd

    async def offer(self, offer: Offer) -> None:
        return None

    async def withdraw(self) -> None:
        return None

    async def quiet(self) -> bool:
        return await self.dnd.on() if self.dnd is not None else False

    async def close(self) -> None:
        if self.dnd is not None:
            await self.dnd.close()


class DesktopNotifier:
    """org.freedesktop.Notifications: Notify with actions, ActionInvoked for the answer."""

    name = "desktop"

    def __init__(self, bus: Bus, capabilities: list[str], on_answer: OnAnswer) -> None:
        self.bus = bus
        self.answers = "actions" in capabilities
        self.on_answer = on_answer
        self.shown: int | None = None  # the id of the notification on screen
        self._early: list[tuple[str, tuple[Any, ...]]] = []

    async def listen(self) -> None:
        await self.bus.on_signals(NOTIFICATIONS, NOTIFICATIONS_PATH, self._signal)

    def _signal(self, member: str, body: tuple[Any, ...]) -> None:
        if not body:
            return
        if self.shown is None or body[0] != self.shown:
            # a button pressed before Notify's reply came back: kept until it does
            self._early = [*self._early[-7:], (member, body)]
            return
        if member == "ActionInvoked" and len(body) > 1:
            with contextlib.suppress(ValueError):
                self.on_answer(Answer(str(body[1])))
        elif member == "NotificationClosed":
            self.shown = None

    async def offer(self, offer: Offer) -> None:
        actions: list[str] = []
        if self.answers:
            for key, label in offer.buttons():
                actions += [key, label]
        hints = {"urgency": ("y", 1), "desktop-entry": ("s", APP_NAME)}
        self._early = []
        (self.shown,) = await notifications(
            self.bus,
            "Notify",
            "susssasa{sv}i",
            (APP_NAME, self.shown or 0, "", offer.title, offer.body, actions, hints, 0),
        )
        early, self._early = self._early, []
        for member, body in early:
            self._signal(member, body)

    async def withdraw(self) -> None:
        shown, self.shown = self.shown, None
        if shown is not None:
            with contextlib.suppress(Unavailable):
                await notifications(self.bus, "CloseNotification", "u", (shown,))

    async def quiet(self) -> bool:
        return await desktop_quiet(self.bus)

    async def close(self) -> None:
        await self.withdraw()
        await self.bus.close()


async def notifications(
    bus: Bus, member: str, signature: str = "", body: tuple[Any, ...] = ()
) -> list[Any]:
    """A call to the notification server (org.freedesktop.Notifications)."""
    return await bus.call(NOTIFICATIONS, NOTIFICATIONS_PATH, NOTIFICATIONS, member, signature, body)


async def desktop_quiet(bus: Bus | None) -> bool:
    """Do Not Disturb, as far as the desktop tells: the notification server's `Inhibited`
    (KDE Plasma), GNOME's show-banners through the settings portal, dunst's and mako's own."""
    if bus is not None:
        with contextlib.suppress(Unavailable, ValueError, IndexError):
            inhibited = await bus.get_property(
                NOTIFICATIONS, NOTIFICATIONS_PATH, NOTIFICATIONS, "Inhibited"
            )
            if inhibited is True:
                return True
        with contextlib.suppress(Unavailable, ValueError, IndexError, AttributeError):
            (value,) = await bus.call(
                PORTAL,
                PORTAL_PATH,
                "org.freedesktop.portal.Settings",
                "ReadOne",
                "ss",
                ("org.gnome.desktop.notifications", "show-banners"),
            )
            if value == ("b", False):
                return True
    for argv, says_quiet in (
        (["dunstctl", "is-paused"], lambda out: out.strip() == "true"),
        (["makoctl", "mode"], lambda out: "do-not-disturb" in out),
    ):
        if shutil.which(argv[0]):
            with contextlib.suppress(Unavailable):
                if says_quiet(await run_program(argv)):
                    return True
    return False


class NotifySend:
    """`notify-send --action ... --wait`: it prints the button pressed."""

    name = "notify-send"
    answers = True

    def __init__(self, program: str, on_answer: OnAnswer) -> None:
        self.program = program
        self.on_answer = on_answer
        self.dnd = DoNotDisturb()
        self.process: asyncio.subprocess.Process | None = None
        self.waiter: asyncio.Task[None] | None = None

    async def offer(self, offer: Offer) -> None:
        await self.withdraw()
        argv = [self.program, f"--app-name={APP_NAME}", "--urgency=normal", "--wait"]
        argv += [f"--action={key}={label}" for key, label in offer.buttons()]
        argv += ["--", offer.title, offer.body]
        self.process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
        self.waiter = asyncio.ensure_future(self._wait(self.process))

    async def _wait(self, process: asyncio.subprocess.Process) -> None:
        out, _ = await process.communicate()
        if process is self.process:
            self.process = None
            key = out.decode(errors="replace").strip()
            with contextlib.suppress(ValueError):
                self.on_answer(Answer(key))

    async def withdraw(self) -> None:
        process, self.process = self.process, None
        if process is not None and process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.terminate()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(process.wait(), 2)

    async def quiet(self) -> bool:
        return await self.dnd.on()

    async def close(self) -> None:
        await self.withdraw()
        await self.dnd.close()
        if self.waiter is not None:
            await asyncio.wait([self.waiter], timeout=2)
            await asyncio.sleep(0)  # the process's pipes close on the next turn


class TerminalNotifier(Silent):
    """A notification escape to the terminal: OSC 99 (kitty), 777 (foot, rxvt), else OSC 9
    (iTerm2, WezTerm, Windows Terminal, Ghostty...); wrapped for tmux to pass through. It
    cannot be answered: the reminder's screen or `stretchtimer remind start` can."""

    name = "terminal"

    def __init__(self, write: Callable[[str], object], term: str, tmux: bool) -> None:
        super().__init__(DoNotDisturb())
        self.write = write
        self.term = term
        self.tmux = tmux

    async def offer(self, offer: Offer) -> None:
        # and the bell, for a terminal that shows no notification for the escape
        self.write(terminal_notification(offer.title, offer.body, self.term, self.tmux) + "\a")


class BellNotifier(Silent):
    """The terminal's bell: the least a terminal can do."""

    name = "bell"

    def __init__(self, write: Callable[[str], object]) -> None:
        super().__init__(DoNotDisturb())
        self.write = write

    async def offer(self, offer: Offer) -> None:
        self.write("\a")


def terminal_notification(title: str, body: str, term: str, tmux: bool) -> str:
    """The escape that asks the terminal `term` to show a notification (tmux-wrapped)."""
    clean_title = _clean(title)
    clean_body = _clean(body)
    if "kitty" in term:
        sequence = f"\x1b]99;;{clean_title}: {clean_body}\x1b\\"
    elif term.startswith(("foot", "rxvt", "urxvt")):
        sequence = f"\x1b]777;notify;{clean_title};{clean_body}\x1b\\"
    else:
        sequence = f"\x1b]9;{clean_title}: {clean_body}\x07"
    if tmux:  # DCS passthrough: every ESC inside doubled (tmux: set allow-passthrough on)
        sequence = "\x1bPtmux;" + sequence.replace("\x1b", "\x1b\x1b") + "\x1b\\"
    return sequence


def _clean(text: str) -> str:
    """Only printable characters, and none that ends an escape early (';' ends a field)."""
    return "".join(char for char in text if char.isprintable() and char != ";")


def outer_terminal() -> tuple[str, bool]:
    """The terminal's TERM (outside tmux, when inside it) and whether tmux is in between."""
    term = os.environ.get("TERM", "")
    if os.environ.get("KITTY_WINDOW_ID"):
        term = "xterm-kitty"
    return term, bool(os.environ.get("TMUX"))


async def find_notifier(
    setting: str,
    on_answer: OnAnswer,
    write: Callable[[str], object] | None,
) -> tuple[Notifier, list[tuple[str, str]]]:
    """The notifier to use, and what each one tried said. `write` reaches the terminal (None:
    there is none, as for a service)."""
    names = ORDER if setting == "auto" else (setting,)
    tried: list[tuple[str, str]] = []
    for name in names:
        try:
            notifier = await _try(name, on_answer, write)
        except Unavailable as error:
            tried.append((name, str(error)))
            continue
        tried.append((name, "works" + ("" if notifier.answers else " (no buttons)")))
        return notifier, tried
    return Silent(), tried


async def _try(name: str, on_answer: OnAnswer, write: Callable[[str], object] | None) -> Notifier:
    if name == "off":
        return Silent()
    if name == "desktop":
        bus = await connect()
        try:
            if not await bus.has_owner(NOTIFICATIONS):
                raise Unavailable("no notification server on the session bus")
            (capabilities,) = await notifications(bus, "GetCapabilities")
            notifier = DesktopNotifier(bus, list(capabilities), on_answer)
            await notifier.listen()
        except (Unavailable, ValueError) as error:
            await bus.close()
            raise Unavailable(str(error)) from None
        return notifier
    if name == "notify-send":
        program = shutil.which("notify-send")
        if program is None:
            raise Unavailable("notify-send is not installed")
        if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
            raise Unavailable("no session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
        if "--action" not in await run_program([program, "--help"]):
            raise Unavailable("this notify-send has no --action (libnotify 0.7.10 or newer)")
        return NotifySend(program, on_answer)
    if write is None:
        raise Unavailable("no terminal")
    if name == "terminal":
        term, tmux = outer_terminal()
        if not term or term == "dumb":
            raise Unavailable("the terminal is unknown (TERM is not set)")
        return TerminalNotifier(write, term, tmux)
    if name == "bell":
        return BellNotifier(write)
    raise Unavailable(f"unknown notifier {name!r}")
