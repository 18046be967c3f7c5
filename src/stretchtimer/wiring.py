"""What a session has besides its screen, attached the same way for every front end: the cue
sounds, the voice, the history, and the question of how the back feels.

The engine reports what happens; this module hands each report to whoever acts on it. Plain
mode and the app both build a session through `SessionWiring`, so they cannot drift apart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from stretchtimer.format import clock, printable
from stretchtimer.history.log import SessionLog, open_log
from stretchtimer.history.progress import advice_text, progression, session_level
from stretchtimer.history.records import SessionRecord
from stretchtimer.history.resume import Unfinished
from stretchtimer.history.store import read_finished
from stretchtimer.reminder_pipe import tell_step
from stretchtimer.session import feeling
from stretchtimer.session.engine import (
    CueDue,
    Earlier,
    Engine,
    Event,
    ExerciseEnded,
    Finished,
    Paused,
    Resumed,
    StepStarted,
    Stopped,
    Summary,
)
from stretchtimer.settings import Settings
from stretchtimer.sound.announcer import Announcer, voice_for
from stretchtimer.sound.player import Player

if TYPE_CHECKING:
    from stretchtimer.library.catalog import Catalog

log = logging.getLogger(__name__)

Warn = Callable[[str], object]
READ_BACK = 30  # finished sessions of a routine read for progression (levels are mixed in)


class SessionWiring:
    """The cues, voice, log and feeling question of one session.

    Built before the engine runs; `close` it once the session (and its summary) is over.
    """

    def __init__(
        self,
        engine: Engine,
        player: Player | None,
        settings: Settings,
        *,
        warn: Warn,
        speed: float = 1.0,
        catalog: Catalog | None = None,
        transcript: Path | None = None,
        resuming: Unfinished | None = None,
    ) -> None:
        """`catalog`, where given, is where a gentler routine is found for a bad day;
        `resuming`, the session cut short that this one goes on with (the engine's `Earlier`
        made by `earlier_of` from it)."""
        timeline = engine.session.timeline
        self.timeline, self.catalog = timeline, catalog
        self.settings = settings
        self.resuming = resuming
        # Opened in a thread: a lock held by another program, or the weekly check of every
        # page, never holds up the session (what it reports meanwhile is written later).
        self.log: SessionLog | None = (
            open_log(timeline, speed, warn, resuming=resuming) if settings.log else None
        )
        self.announcer: Announcer | None = None
        self.voice_status = "voice: off"
        # One subscriber for what takes no time (each subscriber is a task woken per event);
        # the voice, which renders speech, has its own. Neither has anything to do with the
        # tick of each second.
        handlers: list[Callable[[Event], None]] = [_note, _tell_reminder]
        if self.log is not None:
            handlers.append(recorder(self.log))
        if player is not None:
            handlers.append(lambda event: _play_cue(player, event))

        def handle(event: Event) -> None:
            for handler in handlers:
                handler(event)

        engine.subscribe(handle, ticks=False)
        if player is not None:
            self.announcer, self.voice_status = voice_for(
                player, settings.voice, timeline, speed, settings.voice_count
            )
            if self.announcer is not None:
                engine.subscribe(self.announcer, ticks=False)
        self._transcript: TextIO | None = None
        if transcript is not None:
            self._open_transcript(transcript, engine, warn)

    def _open_transcript(self, path: Path, engine: Engine, warn: Warn) -> None:
        """`--transcript FILE`: each phrase the voice says, as it starts, with the session
        time: '[1:05] Hold.'. Each session adds to the file under a line of its own ('# Desk
        Break, 2026-12-04 09:30'), so the sessions of one app, or of tabs in a browser, are
        all kept."""
        if self.announcer is None:
            warn(f"--transcript: nothing to write, {self.voice_status} (use --voice)")
            return
        try:
            self._transcript = path.open("a", encoding="utf-8")
            started = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M")
            self._transcript.write(f"# {printable(self.timeline.name)}, {started}\n")
            self._transcript.flush()
        except OSError as error:
            warn(f"{path}: cannot write the transcript: {error.strerror or error}")
            return
        out = self._transcript

        def write(text: str) -> None:
            at = engine.session.position(engine.clock.now())
            try:
                out.write(f"[{clock(at, up=False)}] {text}\n")
                out.flush()
            except (OSError, ValueError):  # a full disk, or closed after the session
                pass

        self.announcer.listeners.append(write)

    # --- how does your back feel? -----------------------------------------------------------

    @property
    def asks_feeling(self) -> bool:
        """The question is asked only where the answer is kept."""
        return self.settings.ask_feeling and self.log is not None and not self.log.lost

    def asking_before(self, event: StepStarted) -> bool:
        """Whether the question before the session is up from this step on (not when it
        goes on with one cut short: that one was asked)."""
        return self.asks_feeling and self.resuming is None and feeling.asked_before(event)

    def answer_before(self, value: int) -> str:
        """Keep the answer given before the session; what to show for it."""
        assert self.log is not None
        self.log.set_feeling_before(value)
        return feeling.noted(value)

    def advice(self, value: int) -> str | None:
        """For a very stiff or sore back (feeling.HIGH or more): when to see someone first,
        and a gentler routine; None for any other answer."""
        if value < feeling.HIGH:
            return None
        gentler = (
            None
            if self.catalog is None
            else feeling.gentler_routine(self.timeline, self.catalog, self.settings)
        )
        return feeling.advice(value, gentler)

    @property
    def asks_after(self) -> bool:
        """After the session, only when it is kept (not stopped before it began)."""
        return self.asks_feeling and self.logged

    def answer_after(self, value: int) -> str:
        assert self.log is not None
        self.log.set_feeling_after(value)
        return feeling.noted(value, self.log.feeling_before)

    # --- the end ----------------------------------------------------------------------------

    @property
    def logged(self) -> bool:
        """Whether the history keeps this session (once written: see `unsaved`)."""
        return self.log is not None and self.log.keeps

    @property
    def unsaved(self) -> str | None:
        """Why the history failed to take what the session did (the disk is full, another
        program holds a lock); None once it has it, or when it is not kept at all."""
        return None if self.log is None else self.log.failed

    def save_again(self, wait: float) -> str | None:
        """Try again to write what is not saved, for up to `wait` seconds (blocking: from a
        thread); None once it is saved."""
        return None if self.log is None else self.log.retry(wait)

    def record(self, summary: Summary) -> SessionRecord | None:
        """The session as the history will keep it, or None when it is not kept."""
        if self.log is None or not self.log.keeps:
            return None
        return self.log.record(summary)

    def progression(self, summary: Summary) -> str | None:
        """After a finished session: the next level to try, or easing off, as the routine's
        last sessions suggest (history/progress.py); None when they suggest nothing. It reads
        the history: call it off the event loop."""
        record = self.record(summary)
        if record is None or record.state != "finished" or record.preview:
            return None
        earlier = read_finished(record.routine_id, READ_BACK, warn=log.warning)
        sessions = [*(s for s in earlier if s.id != record.id or not record.id), record]
        advice = progression(sessions, record.routine_id, session_level(record))
        return None if advice is None else advice_text(advice)

    async def finish(self) -> None:
        """Let the voice say what it still has to say."""
        if self.announcer is not None:
            await self.announcer.finish()

    def close(self, wait: float = 0.0) -> str | None:
        """Close the transcript and the history, after trying for up to `wait` seconds to write
        what is not saved yet; None when everything is saved, else why not (also said through
        `warn`)."""
        if self._transcript is not None:
            self._transcript.close()
            self._transcript = None
        if self.log is None:
            return None
        unsaved = self.log.close(wait)
        self.log = None
        return unsaved


def earlier_of(unfinished: Unfinished) -> Earlier:
    """What the engine needs to know of a session cut short to go on from where it was."""
    record = unfinished.record
    return Earlier(
        unfinished.position, unfinished.skipped, record.active_seconds, record.paused_seconds
    )


def recorder(log: SessionLog) -> Callable[[Event], None]:
    """An engine subscriber that writes down what the engine reports: the start, each
    exercise's end, and the session's end."""

    def keep(event: Event) -> None:
        if isinstance(event, StepStarted) and event.reason == "start":
            log.started()
        elif isinstance(event, ExerciseEnded):
            log.exercise_ended(event)
        elif isinstance(event, Finished | Stopped):
            log.session_ended(event.summary)

    return keep


def _note(event: Event) -> None:
    """The session's course in the log (`--log FILE`, `textual console`)."""
    if isinstance(event, StepStarted) and event.reason != "next":
        log.debug("%s: step %d (%s)", event.reason, event.step.index, event.step.text)
    elif isinstance(event, ExerciseEnded):
        log.info("exercise %d ended: %s, %.1f s", event.position, event.outcome, event.seconds)
    elif isinstance(event, Finished | Stopped):
        summary = event.summary
        log.info("session %s: active %.1f s", summary.state, summary.active_seconds)


def _tell_reminder(event: Event) -> None:
    """A running `stretchtimer remind` judges the proof of a break over the work steps only:
    it hears when one begins and when anything else does (a pause, the end)."""
    if isinstance(event, StepStarted | Resumed):
        tell_step(event.step.kind.is_work)
    elif isinstance(event, Paused | Finished | Stopped):
        tell_step(False)


def _play_cue(player: Player, event: Event) -> None:
    if isinstance(event, CueDue):
        player.play(event.cue.kind)
