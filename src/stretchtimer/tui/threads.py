"""Handing a worker thread's result to the screen."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from textual.message_pump import MessagePump


def call_on_loop(node: MessagePump, callback: Callable[..., object], *args: Any) -> None:
    """From a worker thread: run `callback(*args)` on the app's loop. Nothing once the app has
    closed while the thread worked (a browser tab closed, a quit): the screen is gone, and its
    `app` with it (NoActiveAppError, a RuntimeError, as is calling a loop that has ended)."""
    with contextlib.suppress(RuntimeError):
        node.app.call_from_thread(callback, *args)
