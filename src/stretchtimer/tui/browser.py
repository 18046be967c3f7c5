"""Textual's web driver, made to end a session as a closed terminal does.

textual-serve runs one app process per browser tab and talks to it through the process's
stdin and stdout. When the tab closes (or the server stops) it sends "quit", on which Textual's
driver exits the app as if nothing were running; a server that died shows as the end of stdin,
which the driver ignores, and the next frame's write to its pipe then fails; the server's
Ctrl+C reaches every tab's process too (one process group), as an exit. Here each of those is
`TerminalGone`, as for a closed terminal: the app stops the session (the history keeps it, as
stopped) and leaves.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from functools import partial
from typing import Any

from textual.drivers.web_driver import WebDriver

from stretchtimer.tui.messages import TerminalGone


class BrowserDriver(WebDriver):
    """WebDriver that reports a closed tab, a lost server and a failed write as `TerminalGone`."""

    def __init__(self, app: Any, **options: Any) -> None:
        super().__init__(app, **options)
        self._told = threading.Event()
        self._output_lost = False
        self._write = partial(self._write_or_drop, self._write)

    def _write_or_drop(self, write: Callable[[bytes], int], data: bytes) -> int:
        """Write to the server's pipe; once that fails (EPIPE: the server is gone), drop it."""
        if self._output_lost:
            return 0
        try:
            return write(data)
        except OSError:
            self._output_lost = True
            self._gone()
            return 0

    def _gone(self) -> None:
        """Tell the app once, from any thread."""
        if not self._told.is_set():
            self._told.set()
            self.send_message(TerminalGone())

    def start_application_mode(self) -> None:
        super().start_application_mode()
        self._loop.add_signal_handler(signal.SIGINT, self._gone)  # instead of Textual's exit

    def on_meta(self, packet_type: str, payload: dict[str, object]) -> None:
        if packet_type == "quit":  # the tab closed, or the server is stopping
            self._gone()
        else:
            super().on_meta(packet_type, payload)

    def run_input_thread(self) -> None:
        super().run_input_thread()
        if not self.exit_event.is_set():  # stdin ended before the app did: the server is gone
            self._gone()
