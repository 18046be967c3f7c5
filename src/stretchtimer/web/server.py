"""`stretchtimer serve`: the app in browser tabs, through textual-serve (the `web` extra).

textual-serve starts one process of the app per tab (the command below, with Textual's web
driver named in TEXTUAL_DRIVER), so each tab is a session and a history writer of its own, and
sound plays on this computer. The page is ours (templates/app_index.html): nothing from the
internet, the server found at the address the browser used, the step in the tab's title.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import ipaddress
import logging
import shlex
import signal
import socket
import threading
import webbrowser
from collections.abc import Callable, Sequence
from pathlib import Path

from aiohttp import web
from textual_serve.server import Server

TEMPLATES = Path(__file__).parent / "templates"
WILDCARDS = ("", "0.0.0.0", "::")  # every interface
STOP_WAIT = 10.0  # seconds each tab's app has to stop its session, once the server stops


def is_local(host: str) -> bool:
    """Whether only this computer can reach `host` (then nobody else can drive the app)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def page_url(host: str, port: int) -> str:
    """The address of the page; on every interface, this computer's address on its network
    (what a tablet beside it types), else its name."""
    if host in WILDCARDS:
        host = network_address() or socket.gethostname()
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}/"


def network_address() -> str | None:
    """This computer's address on the network its default route leads to, or None. Connecting
    a UDP socket only chooses the route: nothing is sent."""
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("192.0.2.1", 9))  # TEST-NET-1: never a real host
        address: str = probe.getsockname()[0]
        return address
    return None


def app_command(argv: Sequence[str]) -> str:
    """The shell command textual-serve runs for each tab; `exec`, so that no shell stays
    between the server and the app."""
    return f"exec {shlex.join(argv)}"


class AppServer(Server):
    """textual-serve's server with our page, quiet, and telling `serving` once it listens."""

    def __init__(
        self, command: str, host: str, port: int, serving: Callable[[str], object]
    ) -> None:
        url = page_url(host, port)
        super().__init__(
            command,
            host=host,
            port=port,
            title="stretchtimer",
            public_url=url.rstrip("/"),
            templates_path=TEMPLATES,
        )
        self.url = url
        self._serving = serving
        self._tabs: set[asyncio.Task[object]] = set()

    def initialize_logging(self) -> None:
        """Only textual-serve's warnings and errors (an app that failed to start), as lines on
        stderr: not its banner, nor a line per request."""
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("stretchtimer serve: %(message)s"))
        logger = logging.getLogger("textual-serve")
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)

    async def on_startup(self, app: web.Application) -> None:
        """Nothing yet (textual-serve prints its banner here, before it listens)."""

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """A tab: its app runs as long as this; kept so that a stop can end each one."""
        task = asyncio.current_task()
        assert task is not None
        self._tabs.add(task)
        try:
            return await super().handle_websocket(request)
        finally:
            self._tabs.discard(task)

    async def on_shutdown(self, app: web.Application) -> None:
        """Stop every tab's app (each stops its session, which the history keeps as stopped),
        rather than leave them running until aiohttp's minute-long grace runs out."""
        for task in self._tabs:
            task.cancel()  # textual-serve then tells the app to quit and waits for it
        if self._tabs:
            await asyncio.wait(self._tabs, timeout=STOP_WAIT)
        # Each app's process transport is left in a reference cycle: collected after aiohttp
        # closes the loop, it prints a traceback ("Event loop is closed"). Collected now, it
        # closes quietly.
        gc.collect()

    def serve(self, debug: bool = False) -> None:
        """Listen until SIGINT or SIGTERM; `serving` gets the page's address once listening
        (textual-serve's own `serve` says nothing then). Raises OSError when it cannot."""
        self.initialize_logging()

        def listening(*_: object) -> None:  # aiohttp's "Running on ..." line
            self._serving(self.url)

        loop = asyncio.new_event_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, self.request_exit)
        try:
            web.run_app(
                self._make_app(),
                host=self.host or None,
                port=self.port,
                handle_signals=False,
                loop=loop,
                access_log=None,
                print=listening,
            )
        finally:
            loop.close()


def open_in_browser(url: str) -> None:
    """Open the page in the desktop's browser, off the server's loop (a browser command may
    take a while to return)."""
    threading.Thread(target=webbrowser.open, args=(url,), daemon=True).start()
