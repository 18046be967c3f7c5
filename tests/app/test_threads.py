"""A worker thread that finishes after its app has closed (a browser tab closed while the
history was read) hands over nothing, and says nothing: no traceback on the server's output."""

from __future__ import annotations

import asyncio

from textual.app import App
from textual.screen import Screen

from stretchtimer.tui.threads import call_on_loop


async def test_a_result_reaches_the_screen_while_the_app_runs() -> None:
    got: list[int] = []
    app: App[None] = App()
    async with app.run_test():
        screen = app.screen
        await asyncio.to_thread(call_on_loop, screen, got.append, 1)
        await asyncio.sleep(0.05)
    assert got == [1]


async def test_nothing_happens_once_the_app_has_closed() -> None:
    got: list[int] = []
    app: App[None] = App()
    async with app.run_test():
        screen = app.screen
    detached: Screen[None] = Screen()
    await asyncio.to_thread(call_on_loop, screen, got.append, 1)  # the app's loop has ended
    await asyncio.to_thread(call_on_loop, detached, got.append, 2)  # no app at all
    assert got == []
