"""Plain mode: the session as lines of text, for screen readers, plain terminals, logs and scripts.

One line per step as it starts and a last line with what was done. When stdin is a terminal,
single keys steer it (space/p pause, n skip, b back, q stop); Ctrl+C, SIGTERM and SIGHUP stop
it cleanly and the last line is still printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING, TextIO

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
from .plan import Timeline
from .safety import remember_safety_seen, safety_seen
from .text import SAFETY_NOTE, clock, step_line

if TYPE_CHECKING:
    from .history import SessionLog
    from .sound.player import Player

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
        asyncio.run(_session(timeline, speed, out, clock_, player, settings.voice, history))
    finally:
        player.close()  # the last chime rings out before we exit
        if history is not None:
            history.close()
    return 0


def _open_history(timeline: Timeline, speed: float) -> SessionLog | None:
    """The session's log, or None after one line on stderr when the history cannot be kept."""
    from .history import open_log

    return open_log(
        timeline, speed, warn=lambda text: print(f"stretchtimer: {text}", file=sys.stderr)
    )


async def _session(
    timeline: Timeline,
    speed: float,
    out: TextIO,
    clock_: Clock | None,
    player: Player,
    voice: str,
    history: SessionLog | None = None,
) -> Summary:
    from .sound.announcer import voice_for

    engine = Engine(timeline, clock_, speed)
    interactive = sys.stdin.isatty()

    def say(text: str) -> None:
        print(text, file=out, flush=True)

    def show(event: Event) -> None:
        elapsed = engine.session.summary(event.at).active_seconds
        if isinstance(event, StepStarted):
            say(step_line(event.step, timeline, elapsed))
        elif isinstance(event, Paused):
            say(f"[{clock(elapsed)}] Paused. Press space to resume.")
        elif isinstance(event, Resumed):
            say(f"[{clock(elapsed)}] Resumed.")
        elif isinstance(event, Skipped) and event.steps:
            count = len(event.steps)
            say(f"[{clock(elapsed)}] Skipped {count} step{'s' if count != 1 else ''}.")
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
    count = len(timeline.exercises)
    say(f"{timeline.routine.name}: {count} exercises, {clock(timeline.total)}.{keys}")
    say(f"{player.status.capitalize()}; {voice_status}.")
    loop = asyncio.get_running_loop()
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        loop.add_signal_handler(number, engine.send, Command.STOP)
    try:
        with _keyboard(engine) if interactive else contextlib.nullcontext():
            summary = await engine.run()
            if announcer is not None:
                await announcer.finish()
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
def _keyboard(engine: Engine) -> Iterator[None]:
    """Read single keys from the terminal without Enter, and put the terminal back after."""
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    loop = asyncio.get_running_loop()

    def on_key() -> None:
        for char in os.read(fd, 64).decode(errors="ignore"):
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
