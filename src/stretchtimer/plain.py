"""Plain mode: the session as lines of text, for screen readers, plain terminals, logs and scripts.

One line per step as it starts, the steps, form cues and safety lines of each exercise as it
comes up, what the voice says (`say: ...`, with --voice), and a last line with what was done.
When stdin is a terminal, single keys steer it (the same keys as the app, from session/keys.py)
and answer how the back feels (0-9, x for 10) before and after; Ctrl+C, SIGTERM and SIGHUP stop
it cleanly and the last line is still printed.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import termios
import tty
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from stretchtimer.errors import warn
from stretchtimer.format import clock, count
from stretchtimer.output import OutputLost, bell
from stretchtimer.safety import SAFETY_NOTE, remember_safety_seen, safety_seen
from stretchtimer.session import feeling
from stretchtimer.session.clock import Clock
from stretchtimer.session.engine import (
    Command,
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
from stretchtimer.session.keys import by_character, help_lines, split_keys
from stretchtimer.session.plan import Timeline
from stretchtimer.session.words import instructions, stalled, step_line
from stretchtimer.settings import Settings
from stretchtimer.sound.player import Player
from stretchtimer.wiring import SessionWiring, earlier_of

if TYPE_CHECKING:
    from stretchtimer.history.resume import Unfinished
    from stretchtimer.library.catalog import Catalog

AFTER_WAIT = 30.0  # seconds the "how does it feel now" question waits for a key
SAVE_WAIT = 5.0  # seconds to try again at exit to save a session the history did not take
SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STOP_KEYS = ("y", "Y", "q", "\r", "\n")


def run_plain(
    timeline: Timeline,
    speed: float = 1.0,
    out: TextIO | None = None,
    clock_: Clock | None = None,
    settings: Settings | None = None,
    mute: bool = False,
    catalog: Catalog | None = None,
    transcript: Path | None = None,
    resuming: Unfinished | None = None,
) -> int:
    """Run a session in plain mode; 0 when it finished or the user stopped it, 128 + the
    signal's number when a signal stopped it (130 for Ctrl+C, 143 for a kill), 1 when its
    output was lost (a closed pipe, a full disk) or the history could not save it (after
    trying again for SAVE_WAIT seconds). The history keeps it as stopped either way.
    `catalog` offers a gentler routine to a very stiff or sore back; `resuming` is a session
    cut short that this one goes on with, from the exercise it was in."""
    out = out or sys.stdout
    settings = settings or Settings()
    ring = (lambda: bell(out)) if out.isatty() else None
    player = Player(settings.sound, volume=settings.volume, muted=mute, ring=ring).start()
    session = PlainSession(
        timeline, speed, out, clock_, player, settings, catalog, transcript, resuming
    )
    try:
        asyncio.run(session.run())
    finally:
        player.close()  # the last chime rings out before we exit
        told = session.wiring.unsaved is not None
        unsaved = session.wiring.close(wait=SAVE_WAIT)  # says why, if it still fails
        if told and unsaved is None:
            session.say("Saved to the history.")
    if session.output_lost is not None:
        warn(f"{session.output_lost}: the session was stopped")
        return 1
    return 128 + session.signal if session.signal else int(unsaved is not None)


class PlainSession:
    """One session printed as it goes, steered by single keys when stdin is a terminal."""

    def __init__(
        self,
        timeline: Timeline,
        speed: float,
        out: TextIO,
        clock_: Clock | None,
        player: Player,
        settings: Settings,
        catalog: Catalog | None = None,
        transcript: Path | None = None,
        resuming: Unfinished | None = None,
    ) -> None:
        self.timeline = timeline
        self.out = out
        self.player = player
        self.interactive = sys.stdin.isatty()
        self.resuming = resuming
        earlier = earlier_of(resuming) if resuming is not None else None
        self.engine = Engine(timeline, clock_, speed, earlier)
        self.engine.subscribe(self.show, ticks=False)  # a line a step, not a second
        self.wiring = SessionWiring(
            self.engine,
            player,
            settings,
            warn=warn,
            speed=speed,
            catalog=catalog,
            transcript=transcript,
            resuming=resuming,
        )
        if self.wiring.announcer is not None:  # each phrase as the voice starts it
            self.wiring.announcer.listeners.append(lambda text: self.say(f"say: {text}"))
        self.keys = by_character()
        self.asking_before = False
        self.answer: asyncio.Future[int | None] | None = None  # while asking "and now?"
        self.resume_after_question: bool | None = None  # while asking "stop?"
        self.resume_after_help: bool | None = None  # while the keys are shown
        self.signal = 0  # the signal that stopped it (Ctrl+C, a closed terminal, a kill)
        self.output_lost: OutputLost | None = None  # stopped because nothing could be printed
        self.shown_exercise: int | None = None  # whose steps were printed last

    @property
    def signalled(self) -> bool:
        """Stopped from outside: leave without asking anything."""
        return bool(self.signal) or self.output_lost is not None

    def say(self, text: str) -> None:
        if self.output_lost is not None:
            return
        try:
            print(text, file=self.out, flush=True)
        except (OutputLost, OSError) as error:  # `| head -3` is done, the disk is full
            self.output_lost = error if isinstance(error, OutputLost) else OutputLost(error)
            self.engine.send(Command.STOP)  # as a signal would: the history keeps it as stopped

    async def run(self) -> Summary:
        await asyncio.to_thread(self.player.ready.wait, 2.0)
        self.introduce()
        loop = asyncio.get_running_loop()
        for number in SIGNALS:
            loop.add_signal_handler(number, self.stop_now, number)
        try:
            with self.keyboard() if self.interactive else contextlib.nullcontext():
                summary = await self.engine.run()
                unsaved = self.wiring.unsaved
                if unsaved is not None:
                    self.say(f"Not saved to the history yet ({unsaved}); trying again.")
                await self.wiring.finish()
                if not self.signalled and self.interactive and self.wiring.asks_after:
                    await self.ask_after()
                if not self.signalled:
                    advice = await asyncio.to_thread(self.wiring.progression, summary)
                    if advice is not None:
                        self.say(advice)
                return summary
        finally:
            for number in SIGNALS:
                loop.remove_signal_handler(number)

    def introduce(self) -> None:
        if not safety_seen():
            self.say(SAFETY_NOTE.strip() + "\n")
            remember_safety_seen()
        timeline = self.timeline
        exercises = count(len(timeline.exercises), "exercise")
        keys = "  Keys: space pause, n skip, N next exercise, p back, ? help, q stop."
        self.say(
            f"{timeline.name}: {exercises}, {clock(timeline.total)}."
            + (keys if self.interactive else "")
        )
        if self.resuming is not None:
            self.say(resumed_line(self.resuming, timeline))
        self.say(f"{self.player.status.capitalize()}; {self.wiring.voice_status}.")

    def show(self, event: Event) -> None:
        elapsed = self.engine.session.active_seconds(event.at)
        if isinstance(event, StepStarted):
            self.say(step_line(event.step, self.timeline, elapsed))
            if event.step.exercise_index != self.shown_exercise:  # how to do it, once
                self.shown_exercise = event.step.exercise_index
                how = instructions(event.step.exercise, words=True)
                self.say("\n".join(f"    {line}" for line in how))
            self.asking_before = self.interactive and self.wiring.asking_before(event)
            if self.asking_before:
                self.say(feeling.BEFORE)
        elif isinstance(event, Paused) and event.stalled and not self.interactive:
            # Nobody at a keyboard to resume it: go on from where it stopped.
            self.say(f"[{clock(elapsed)}] {stalled(event.stalled)}.")
            self.engine.send(Command.RESUME)
        elif isinstance(event, Paused) and self.resume_after_help:
            self.say(f"[{clock(elapsed)}] Paused while you read the keys.")
        elif isinstance(event, Paused) and self.resume_after_question is not None:
            pass  # the question just asked says what to press
        elif isinstance(event, Paused):
            why = stalled(event.stalled) if event.stalled else "Paused"
            self.say(f"[{clock(elapsed)}] {why}. Press space to resume.")
        elif isinstance(event, Resumed):
            self.say(f"[{clock(elapsed)}] Resumed.")
        elif isinstance(event, Skipped) and event.steps:
            # the next exercise's rest and get-ready, gone over on the way, are not its
            left = event.steps[0].exercise_index
            steps = sum(step.exercise_index == left for step in event.steps)
            name = event.steps[0].exercise.name
            self.say(f"[{clock(elapsed)}] Skipped {count(steps, 'step')} of {name}.")
        elif isinstance(event, Finished | Stopped):
            self.say(final_line(event.summary))

    # --- keys -------------------------------------------------------------------------------

    def on_key(self, key: str) -> None:
        """One key from the terminal: an answer to a question, or a session key."""
        value = feeling.from_key(key)
        if self.answer is not None:
            if not self.answer.done():
                self.answer.set_result(value)
        elif self.resume_after_question is not None:
            self.answer_stop(key in STOP_KEYS)
        elif self.resume_after_help is not None:
            self.close_help()
        elif self.asking_before and value is not None:
            self.asking_before = False
            self.say(self.wiring.answer_before(value))
            self.say_advice(value)
        elif (entry := self.keys.get(key)) is not None:
            if entry.command is not None:
                self.engine.send(entry.command)
            elif entry.action == "toggle_mute":
                self.player.muted = not self.player.muted
                self.say("Sound off." if self.player.muted else "Sound on.")
            elif entry.action == "help":
                self.open_help()
            elif entry.action == "quit":
                self.ask_stop()

    def open_help(self) -> None:
        """As in the app, the session waits while you read the keys; any key carries on."""
        running = self.engine.state == "running"
        self.resume_after_help = running
        if running:
            self.engine.send(Command.PAUSE)
        lines = ["Keys:", *(f"  {line}" for line in help_lines()), "", "Safety note:", SAFETY_NOTE]
        self.say("\n".join([*lines, "", "Press any key to carry on."]))

    def close_help(self) -> None:
        resume, self.resume_after_help = self.resume_after_help, None
        if self.engine.state != "paused":
            return
        if resume:
            self.engine.send(Command.RESUME)
        else:
            self.say("Still paused. Press space to resume.")

    def ask_stop(self) -> None:
        """As in the app, quitting asks first (the session waits, paused)."""
        if self.engine.state.is_over:
            return
        running = self.engine.state == "running"
        if running:
            self.engine.send(Command.PAUSE)
        self.resume_after_question = running
        done = count(len(self.engine.summary().exercises_done), "exercise")
        self.say(f"Stop this session? What you did is kept ({done} done). y: stop, n: carry on")

    def answer_stop(self, stop: bool) -> None:
        resume, self.resume_after_question = self.resume_after_question, None
        if stop:
            self.engine.send(Command.STOP)
        elif resume:
            self.engine.send(Command.RESUME)

    def stop_now(self, signum: int = signal.SIGTERM) -> None:
        """Ctrl+C, SIGTERM or SIGHUP: stop at once; what was done is kept."""
        self.signal = signum
        self.engine.send(Command.STOP)
        if self.answer is not None and not self.answer.done():
            self.answer.set_result(None)

    async def ask_after(self) -> None:
        self.say(feeling.AFTER)
        self.answer = asyncio.get_running_loop().create_future()
        try:
            value = await asyncio.wait_for(self.answer, AFTER_WAIT)
        except TimeoutError:
            value = None
        if value is not None:
            self.say(self.wiring.answer_after(value))
            self.say_advice(value)

    def say_advice(self, value: int) -> None:
        """For a very stiff or sore back: when to see someone, and a gentler routine."""
        advice = self.wiring.advice(value)
        if advice is not None:
            self.say(advice)

    @contextlib.contextmanager
    def keyboard(self) -> Iterator[None]:
        """Read single keys from the terminal without Enter, and put the terminal back after."""
        fd = sys.stdin.fileno()
        saved = termios.tcgetattr(fd)
        loop = asyncio.get_running_loop()

        def read() -> None:
            for key in split_keys(os.read(fd, 64).decode(errors="ignore")):
                self.on_key(key)

        def again() -> None:
            """Continued after Ctrl+Z (or SIGSTOP): the shell put the terminal back in line
            mode, so single keys again, keeping what was typed. Only in the foreground: from the
            background, changing the terminal would stop the program again; `fg` continues it
            once more."""
            try:
                foreground = os.tcgetpgrp(fd) == os.getpgrp()
            except OSError:  # not the controlling terminal: nothing to stop the program
                foreground = True
            if foreground:
                tty.setcbreak(fd, termios.TCSANOW)

        # at once (TCSANOW): the default, TCSAFLUSH, throws away the keys typed so far
        tty.setcbreak(fd, termios.TCSANOW)
        loop.add_reader(fd, read)
        loop.add_signal_handler(signal.SIGCONT, again)
        try:
            yield
        finally:
            loop.remove_signal_handler(signal.SIGCONT)
            loop.remove_reader(fd)
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def resumed_line(resuming: Unfinished, timeline: Timeline) -> str:
    """What a resumed session says first: where it goes on from, and what was done before."""
    before = resuming.position - len(resuming.skipped)
    name = timeline.exercises[resuming.position].name
    return (
        f"Going on from {name} ({resuming.position + 1} of {len(timeline.exercises)}):"
        f" {count(before, 'exercise')} done before, kept in the same session."
    )


def final_line(summary: Summary) -> str:
    verb = "Finished" if summary.state == "finished" else "Stopped"
    return (
        f"{verb}: {summary.steps_done} of {count(summary.steps_total, 'step')} done, "
        f"{summary.steps_skipped} skipped "
        f"({count(len(summary.exercises_done), 'exercise')} done, "
        f"{len(summary.exercises_skipped)} skipped); "
        f"active {clock(summary.active_seconds, up=False)}, "
        f"paused {clock(summary.paused_seconds, up=False)}."
    )
