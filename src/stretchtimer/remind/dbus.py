"""A few D-Bus calls over jeepney (the `desktop` extra), without introspection.

Idle sources and notifications ask the desktop over D-Bus: one call on an open connection
costs far less than starting a program. jeepney is pure Python and adds about half a MiB to
the reminder (dbus-fast, compiled, adds 4 to 6 MiB, a fifth of what `remind --background` may
use). Everything here is optional: without jeepney, or without a bus, `connect` says why and
the callers fall back to something else. Variants are (signature, value) pairs, as jeepney
has them.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

log = logging.getLogger(__name__)

CALL_TIMEOUT = 2.0  # seconds a desktop has to answer one call
BUS_NAME = "org.freedesktop.DBus"
BUS_PATH = "/org/freedesktop/DBus"

SignalHandler = Callable[[str, tuple[Any, ...]], None]
"""Called with a signal's member name and its values."""


class Unavailable(Exception):
    """D-Bus cannot be used for this: the message says why, in a few words."""


class Bus:
    """One connection to the session (or system) bus, with its receiving task."""

    def __init__(self, connection: Any, router: Any) -> None:
        self.connection = connection
        self.router = router
        self._filters: list[Any] = []
        self._pumps: list[asyncio.Task[None]] = []

    async def call(
        self,
        destination: str,
        path: str,
        interface: str,
        member: str,
        signature: str = "",
        body: Sequence[Any] = (),
    ) -> list[Any]:
        """A method call; its reply's values. Raises Unavailable on an error or no answer."""
        from jeepney import DBusAddress, HeaderFields, MessageType, new_method_call

        address = DBusAddress(path, bus_name=destination, interface=interface)
        message = new_method_call(address, member, signature or None, tuple(body))
        try:
            reply = await asyncio.wait_for(self.router.send_and_get_reply(message), CALL_TIMEOUT)
        except TimeoutError:
            raise Unavailable(f"{destination} did not answer") from None
        except Exception as error:  # a closed connection, a body that does not fit
            raise Unavailable(str(error) or type(error).__name__) from None
        if reply.header.message_type == MessageType.error:
            name = reply.header.fields.get(HeaderFields.error_name, "error")
            detail = reply.body[0] if reply.body and isinstance(reply.body[0], str) else ""
            raise Unavailable(f"{name}: {detail}".rstrip(": "))
        return list(reply.body)

    async def get_property(self, destination: str, path: str, interface: str, name: str) -> Any:
        (variant,) = await self.call(
            destination, path, "org.freedesktop.DBus.Properties", "Get", "ss", (interface, name)
        )
        return variant[1]

    async def has_owner(self, name: str) -> bool:
        try:
            (owned,) = await self.call(BUS_NAME, BUS_PATH, BUS_NAME, "NameHasOwner", "s", (name,))
        except Unavailable:
            return False
        return bool(owned)

    async def on_signals(self, interface: str, path: str, handler: SignalHandler) -> None:
        """Call `handler` with each signal of `interface` sent from `path`."""
        from jeepney import HeaderFields, MatchRule

        rule = MatchRule(type="signal", interface=interface, path=path)
        await self.call(BUS_NAME, BUS_PATH, BUS_NAME, "AddMatch", "s", (rule.serialise(),))
        queue: asyncio.Queue[Any] = asyncio.Queue(64)
        self._filters.append(self.router.filter(rule, queue=queue))

        async def pump() -> None:
            while True:
                message = await queue.get()
                member = message.header.fields.get(HeaderFields.member, "")
                try:
                    handler(member, tuple(message.body))
                except Exception:
                    log.exception("a D-Bus signal handler failed")

        self._pumps.append(asyncio.ensure_future(pump()))

    async def close(self) -> None:
        for task in self._pumps:
            task.cancel()
        for handle in self._filters:
            with contextlib.suppress(Exception):
                handle.close()
        with contextlib.suppress(Exception):
            await self.router.__aexit__(None, None, None)
        with contextlib.suppress(Exception):
            await self.connection.close()


async def connect(system: bool = False) -> Bus:
    """The session bus (or the system bus); Unavailable says why not."""
    if not system and not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
        raise Unavailable("no session bus (DBUS_SESSION_BUS_ADDRESS is not set)")
    try:
        from jeepney.io.asyncio import DBusRouter, open_dbus_connection
    except ImportError:
        raise Unavailable("needs jeepney: pip install 'stretchtimer[desktop]'") from None
    which = "system" if system else "session"
    try:
        connection = await asyncio.wait_for(
            open_dbus_connection("SYSTEM" if system else "SESSION"), CALL_TIMEOUT
        )
    except Exception as error:
        raise Unavailable(
            f"cannot reach the {which} bus ({error or type(error).__name__})"
        ) from None
    router = DBusRouter(connection)
    return Bus(connection, router)
