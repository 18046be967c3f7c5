"""Clocks the engine waits on: the real monotonic one, and a virtual one for tests.

The engine never sleeps for a duration; it asks the clock to wait until a deadline or until
it is woken by a command. Swapping the clock is how tests run a 40-minute session in
milliseconds.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import time
from collections.abc import Callable
from typing import Protocol

STALL_LIMIT = 2.0
"""Seconds: a wake-up this much later than its deadline means the program was not running.

The engine wakes at every deadline, and deadlines are never more than one session second apart
(a tick each second), so a running program wakes within milliseconds of each (the benchmarks'
worst cue lateness is 2.5 ms). Waking 2 s late means it missed two ticks: it was stopped
(Ctrl+Z, SIGSTOP, a paused VM), and catching up would play the backlog at once. A shorter
hiccup (a loaded machine, a slow terminal) is caught up, with at most a second or two of cues.
"""


class Clock(Protocol):
    stall_limit: float | None
    """How late after a deadline a wake-up may come before the engine takes it for a stall
    (the program was not running) and pauses the session; None: time may jump."""

    def now(self) -> float: ...

    async def wait(self, wake: asyncio.Event, deadline: float | None) -> None:
        """Return when `wake` is set or the clock reaches `deadline` (None: no deadline)."""

    def kept_busy(self) -> bool:
        """Whether the program ran all along since its last wait began, so that being late
        only means it had more to do than time to do it (a huge session at --speed 10000):
        a late wake-up is then caught up, not taken for a stall."""


class MonotonicClock:
    """Real time from `time.monotonic`, which never jumps with the wall clock (nor runs while
    the machine sleeps)."""

    stall_limit: float | None = STALL_LIMIT

    def __init__(self) -> None:
        self._wait_began = (time.monotonic(), time.process_time())

    def now(self) -> float:
        return time.monotonic()

    def kept_busy(self) -> bool:
        """A stopped program uses no CPU time while the clock runs on; a busy one uses about
        as much as the time goes by (half of it is enough, on a machine shared with others)."""
        began, cpu = self._wait_began
        return time.process_time() - cpu >= (time.monotonic() - began) / 2

    async def wait(self, wake: asyncio.Event, deadline: float | None) -> None:
        self._wait_began = (time.monotonic(), time.process_time())
        if deadline is None:
            await wake.wait()
            return
        # A timer that sets `wake` rather than asyncio.wait_for, which wraps the wait in a
        # task of its own each time: this runs once or twice a second for a whole session.
        timer = asyncio.get_running_loop().call_later(
            max(0.0, deadline - time.monotonic()), wake.set
        )
        try:
            await wake.wait()
        finally:
            timer.cancel()


class VirtualClock:
    """Time that jumps straight to the next deadline, with actions scheduled at set times.

    `at(t, action)` runs `action` (e.g. sending a command) when virtual time reaches `t`.
    With nothing scheduled and no deadline, it waits for a real wake-up.
    """

    stall_limit: float | None = None

    def __init__(self, start: float = 0.0) -> None:
        self._now = start
        self._actions: list[tuple[float, int, Callable[[], object]]] = []
        self._order = itertools.count()

    def now(self) -> float:
        return self._now

    def kept_busy(self) -> bool:
        return False  # virtual time never runs late

    def at(self, when: float, action: Callable[[], object]) -> None:
        heapq.heappush(self._actions, (when, next(self._order), action))

    def advance(self, seconds: float) -> None:
        self._now += seconds

    async def wait(self, wake: asyncio.Event, deadline: float | None) -> None:
        await asyncio.sleep(0)  # let subscribers and other tasks run, as real time would
        if wake.is_set():
            return
        if self._actions and (deadline is None or self._actions[0][0] <= deadline):
            when, _, action = heapq.heappop(self._actions)
            self._now = max(self._now, when)
            action()
            return
        if deadline is None:
            await wake.wait()
            return
        self._now = max(self._now, deadline)


class ManualClock:
    """Time that moves only when `advance` is called, for driving a live app in tests.

    Each `advance` wakes the engine so it re-checks its deadlines, as real time passing would.
    A jump is time passing unless `stall_limit` is given: then a jump that far past a deadline
    is a stall, as on the real clock.
    """

    def __init__(
        self, start: float = 0.0, stall_limit: float | None = None, busy: bool = False
    ) -> None:
        """`busy`: a jump past a deadline is a program that kept running (see `kept_busy`)."""
        self._now = start
        self.stall_limit = stall_limit
        self.busy = busy
        self._waiting: asyncio.Event | None = None

    def now(self) -> float:
        return self._now

    def kept_busy(self) -> bool:
        return self.busy

    def advance(self, seconds: float) -> None:
        self._now += seconds
        if self._waiting is not None:
            self._waiting.set()

    async def wait(self, wake: asyncio.Event, deadline: float | None) -> None:
        if deadline is not None and self._now >= deadline:
            return
        self._waiting = wake
        await wake.wait()
