# ruff: noqa: F722, F821
"""A stand-in desktop on a real session bus, for the reminder's tests: a notification server
that declares ActionInvoked and NotificationClosed and presses a button when told, and an
idle time set by the test, told by GNOME's Mutter idle monitor, org.freedesktop.ScreenSaver and
logind's session (point DBUS_SYSTEM_BUS_ADDRESS at this bus for that one).

Run under `dbus-run-session -- python tests/standin_desktop.py`. It takes its names on the bus
before it says `ready <address>` on stdout, so nothing asks for them too early. Then it reads
one command a line on stdin:

    press ACTION          the last notification's button ACTION is pressed (then it closes)
    idle MS [fixed]       Mutter's idle time is MS milliseconds now, growing (or held there)
    inhibit on|off        Do Not Disturb (the server's Inhibited property)
    workrave STAGE        Workrave's RestbreakChanged(STAGE): none, prelude or break

and reports on stdout: `notify ID JSON` for each notification, `close ID` for each closed.
(No `from __future__ import annotations`: dbus-fast reads the signatures from them.)
"""

import asyncio
import json
import os
import sys

from dbus_fast import BusType, Variant
from dbus_fast.aio import MessageBus
from dbus_fast.service import (
    PropertyAccess,
    ServiceInterface,
    dbus_method,
    dbus_property,
    dbus_signal,
)


def say(line: str) -> None:
    print(line, flush=True)


class Notifications(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.freedesktop.Notifications")
        self.last = 0
        self.inhibited = False

    @dbus_method()
    def GetCapabilities(self) -> "as":
        return ["actions", "body"]

    @dbus_method()
    def GetServerInformation(self) -> "ssss":
        return ["stand-in", "stretchtimer tests", "1.0", "1.2"]

    @dbus_method()
    def Notify(
        self,
        app_name: "s",
        replaces_id: "u",
        app_icon: "s",
        summary: "s",
        body: "s",
        actions: "as",
        hints: "a{sv}",
        expire_timeout: "i",
    ) -> "u":
        if replaces_id:
            number = replaces_id
        else:
            self.last += 1
            number = self.last
        self.last = number
        record = {
            "app": app_name,
            "summary": summary,
            "body": body,
            "actions": actions,
            "replaces": replaces_id,
            "urgency": hints["urgency"].value if "urgency" in hints else None,
        }
        say(f"notify {number} {json.dumps(record)}")
        return number

    @dbus_method()
    def CloseNotification(self, number: "u") -> None:
        say(f"close {number}")
        self.NotificationClosed(number, 3)

    @dbus_signal()
    def ActionInvoked(self, number: "u", key: "s") -> "us":
        return [number, key]

    @dbus_signal()
    def NotificationClosed(self, number: "u", reason: "u") -> "uu":
        return [number, reason]

    @dbus_property(access=PropertyAccess.READ)
    def Inhibited(self) -> "b":
        return self.inhibited


class IdleMonitor(ServiceInterface):
    def __init__(self) -> None:
        super().__init__("org.gnome.Mutter.IdleMonitor")
        self.idle_ms = 0
        self.fixed = False
        self.since = asyncio.get_event_loop().time()

    def now_ms(self) -> int:
        growing = self.idle_ms and not self.fixed
        grown = (asyncio.get_event_loop().time() - self.since) * 1000 if growing else 0
        return int(self.idle_ms + grown)

    @dbus_method()
    def GetIdletime(self) -> "t":
        return self.now_ms()


class ScreenSaver(ServiceInterface):
    """KDE's idle time, in seconds, from the same idle time as Mutter's."""

    def __init__(self, monitor: IdleMonitor) -> None:
        super().__init__("org.freedesktop.ScreenSaver")
        self.monitor = monitor

    @dbus_method()
    def GetSessionIdleTime(self) -> "u":
        return self.monitor.now_ms() // 1000


class LoginSession(ServiceInterface):
    """logind's session: IdleHint once idle for 10 s, IdleSinceHint in microseconds."""

    def __init__(self, monitor: IdleMonitor) -> None:
        super().__init__("org.freedesktop.login1.Session")
        self.monitor = monitor

    @dbus_property(access=PropertyAccess.READ)
    def IdleHint(self) -> "b":
        return self.monitor.now_ms() >= 10_000

    @dbus_property(access=PropertyAccess.READ)
    def IdleSinceHint(self) -> "t":
        import time

        return int((time.time() - self.monitor.now_ms() / 1000) * 1e6)


class WorkraveCore(ServiceInterface):
    """Workrave's core: the break signals it sends as a break's stage changes."""

    def __init__(self) -> None:
        super().__init__("org.workrave.CoreInterface")

    @dbus_signal()
    def MicrobreakChanged(self, progress: "s") -> "s":
        return progress

    @dbus_signal()
    def RestbreakChanged(self, progress: "s") -> "s":
        return progress


async def main() -> None:
    bus = await MessageBus(bus_type=BusType.SESSION).connect()
    notifications = Notifications()
    idle = IdleMonitor()
    bus.export("/org/freedesktop/Notifications", notifications)
    bus.export("/org/gnome/Mutter/IdleMonitor/Core", idle)
    bus.export("/org/freedesktop/ScreenSaver", ScreenSaver(idle))
    bus.export("/org/freedesktop/login1/session/auto", LoginSession(idle))
    workrave = WorkraveCore()
    bus.export("/org/workrave/Workrave/Core", workrave)
    for name in (
        "org.freedesktop.Notifications",
        "org.gnome.Mutter.IdleMonitor",
        "org.freedesktop.ScreenSaver",
        "org.freedesktop.login1",  # the system bus's, here on the session bus
        "org.workrave.Workrave",
    ):
        await bus.request_name(name)
    say(f"ready {os.environ['DBUS_SESSION_BUS_ADDRESS']}")
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    await loop.connect_read_pipe(lambda: asyncio.StreamReaderProtocol(reader), sys.stdin)
    while line := (await reader.readline()).decode():
        words = line.split()
        if not words:
            continue
        if words[0] == "press":
            notifications.ActionInvoked(notifications.last, words[1])
            notifications.NotificationClosed(notifications.last, 2)
            say(f"pressed {words[1]}")
        elif words[0] == "idle":
            idle.idle_ms = int(words[1])
            idle.fixed = words[2:] == ["fixed"]
            idle.since = loop.time()
            say(f"idle {words[1]}")
        elif words[0] == "workrave":
            workrave.RestbreakChanged(words[1])
            say(f"workrave {words[1]}")
        elif words[0] == "inhibit":
            notifications.inhibited = words[1] == "on"
            say(f"inhibit {words[1]}")


if __name__ == "__main__":
    _ = Variant  # the hints come as Variants
    asyncio.run(main())
