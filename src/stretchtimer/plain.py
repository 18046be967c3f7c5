"""Plain mode: the session as lines of text, for screen readers, plain terminals, logs and scripts.

One line per step as it starts and a last line with what was done. When stdin is a terminal,
single keys steer it (space/p pause, n skip, b back, q stop) and answer how the back feels
(0-9, x for 10) before and after; Ctrl+C, SIGTERM and SIGHUP stop it cleanly and the last line
is still printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, TextIO

from . import feeling
from .clock import Clock
from .config import Settings
from .engine import (
    Command,
    CueDue,
    Engine,
    Event,
    Finished,
    Paused,
    Resumed,
    Skipped,
    StepStarted,
    Stopped,
    Summary,
)
from .plan import StepKind, Timeline
from .safety import remember_safety_seen, safety_seen
from .text import SAFETY_NOTE, clock, count, step_line, warn

if TYPE_CHECKING:
    from .history import SessionLog
    from .sound.player import Player

AFTER_WAIT = 30.0  # seconds the "how does it feel now" question waits for a key

KEYS = {
    " ": Command.TOGGLE,
    "p": Command.TOGGLE,
    "n": Command.SKIP_STEP,
    "N": Command.SKIP_EXERCISE,
    "b": Command.BACK,
    "r": Command.RESTART_STEP,
    "q": Command.STOP,
}


def run_plain(
    timeline: Timeline,
    speed: float = 1.0,
    out: TextIO | None = None,
    clock_: Clock | None = None,
    settings: Settings | None = None,
    mute: bool = False,
) -> int:
    """Run a session in plain mode; 0 when it finished or the user stopped it."""
    from .sound.player import Player

    out = out or sys.stdout
    settings = settings or Settings()
    ring = (lambda: print("\a", end="", file=out, flush=True)) if out.isatty() else None
    history = _open_history(timeline, speed) if settings.log else None
    player = Player(settings.sound, volume=settings.volume, muted=mute, ring=ring).start()
    try:
        ask = settings.ask_feeling and history is not None and sys.stdin.isatty()
        asyncio.run(
            _session(timeline, speed, out, clock_, player, settings.voice, history, ask=ask)
        )
    finally:
        player.close()  # the last chime rings out before we exit
        if history is not None:
            history.close()
    return 0


def _open_history(timeline: Timeline, speed: float) -> SessionLog | None:
    """The session's log, or None after one line on stderr when the history cannot be kept."""
    from .history import open_log

    return open_log(timeline, speed, warn=warn)


async def _session(
    timeline: Timeline,
    speed: float,
    out: TextIO,
    clock_: Clock | None,
    player: Player,
    voice: str,
    history: SessionLog | None = None,
    ask: bool = False,
) -> Summary:
    """Run the session; with `ask`, also ask how the back feels before and after."""
    from .sound.announcer import voice_for

    engine = Engine(timeline, clock_, speed)
    interactive = sys.stdin.isatty()
    asking_before = False
    answer: asyncio.Future[int | None] | None = None  # set while asking "and now?"
    signalled = False  # Ctrl+C, a closed terminal or a kill: leave without asking

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    def on_key(char: str) -> bool:
        """Take a key for a feeling question; False leaves it to the session's keys."""
        nonlocal asking_before
        value = feeling.from_key(char)
        if answer is not None:
            if not answer.done():
                answer.set_result(value)
            return True
        if asking_before and value is not None and history is not None:
            asking_before = False
            history.set_feeling_before(value)
            say(feeling.noted(value))
            return True
        return False

    def show(event: Event) -> None:
        nonlocal asking_before
        elapsed = engine.session.summary(event.at).active_seconds
        if isinstance(event, StepStarted):
            say(step_line(event.step, timeline, elapsed))
            first = event.reason == "start" and event.step.kind is StepKind.PREPARE
            asking_before = ask and first  # only while the first exercise is prepared for
            if asking_before:
                say(feeling.BEFORE)
        elif isinstance(event, Paused):
            say(f"[{clock(elapsed)}] Paused. Press space to resume.")
        elif isinstance(event, Resumed):
            say(f"[{clock(elapsed)}] Resumed.")
        elif isinstance(event, Skipped) and event.steps:
            say(f"[{clock(elapsed)}] Skipped {count(len(event.steps), 'step')}.")
        elif isinstance(event, Finished | Stopped):
            say(final_line(event.summary))

    engine.subscribe(show)
    if history is not None:
        engine.subscribe(history)
    engine.subscribe(
        lambda event: player.play(event.cue.kind) if isinstance(event, CueDue) else None
    )
    announcer, voice_status = voice_for(player, voice, timeline, speed)
    if announcer is not None:
        engine.subscribe(announcer)
    await asyncio.to_thread(player.ready.wait, 2.0)
    keys = "  Keys: space pause, n skip, N next exercise, b back, q stop." if interactive else ""
    if not safety_seen():
        say(SAFETY_NOTE.strip() + "\n")
        remember_safety_seen()
    exercises = count(len(timeline.exercises), "exercise")
    say(f"{timeline.routine.name}: {exercises}, {clock(timeline.total)}.{keys}")
    say(f"{player.status.capitalize()}; {voice_status}.")
    loop = asyncio.get_running_loop()

    def stop() -> None:
        nonlocal signalled
        signalled = True
        engine.send(Command.STOP)
        if answer is not None and not answer.done():
            answer.set_result(None)

    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(number, stop)
    try:
        with _keyboard(engine, on_key) if interactive else contextlib.nullcontext():
            summary = await engine.run()
            if announcer is not None:
                await announcer.finish()
            if ask and not signalled and history is not None and history.session_id is not None:
                say(feeling.AFTER)
                answer = loop.create_future()
                try:
                    value = await asyncio.wait_for(answer, AFTER_WAIT)
                except TimeoutError:
                    value = None
                if value is not None:
                    history.set_feeling_after(value)
                    say(feeling.noted(value, history.feeling_before))
            return summary
    finally:
        for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            loop.remove_signal_handler(number)


def final_line(summary: Summary) -> str:
    verb = "Finished" if summary.state == "finished" else "Stopped"
    return (
        f"{verb}: {summary.steps_done} of {summary.steps_total} steps done, "
        f"{summary.steps_skipped} skipped "
        f"({len(summary.exercises_done)} exercises done, "
        f"{len(summary.exercises_skipped)} skipped); "
        f"active {clock(summary.active_seconds)}, paused {clock(summary.paused_seconds)}."
    )


@contextlib.contextmanager
def _keyboard(engine: Engine, intercept: Callable[[str], bool]) -> Iterator[None]:
    """Read single keys from the terminal without Enter, and put the terminal back after.

    `intercept` sees each key first and returns True for the keys it took.
    """
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    loop = asyncio.get_running_loop()

    def on_key() -> None:
        for char in os.read(fd, 64).decode(errors="ignore"):
            if intercept(char):
                continue
            command = KEYS.get(char)
            if command is not None:
                engine.send(command)

    tty.setcbreak(fd)
    loop.add_reader(fd, on_key)
    try:
        yield
    finally:
        loop.remove_reader(fd)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)
