"""The stretchtimer app: a picker, a session, and the screens around them.

The app owns what outlives a screen (the settings, the catalog, the sound player, the current
session's wiring) and passes each screen what it shows; screens post messages back up.

What the first frame does not need is imported where it is first used, after that frame
(figures: `python -X importtime`, median of 7, after Textual): the catalog's loader 24 ms, a
session's screen with the engine, the wiring, the history and sound 67 ms, the summary 38 ms,
the history 33 ms, help 36 ms, the sound player 8 ms, the picker 6 ms (a session started
from the command line never shows it).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual import events, on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.logging import TextualHandler
from textual.reactive import reactive
from textual.screen import Screen

from stretchtimer.library.sources import Key, find_sources, key_of
from stretchtimer.memory import read_memory
from stretchtimer.safety import remember_safety_seen, safety_seen
from stretchtimer.settings import Settings
from stretchtimer.tui import routine_cards
from stretchtimer.tui.messages import (
    FirstFrameShown,
    OpenBuilder,
    RoutinesShown,
    StartRoutine,
    TerminalGone,
)
from stretchtimer.tui.text import shown
from stretchtimer.tui.upstream import guard_option_list_paging

if TYPE_CHECKING:  # the models, engine and history load after the first frame
    from stretchtimer.history.records import SessionRecord
    from stretchtimer.history.resume import Unfinished
    from stretchtimer.history.stats import Stats
    from stretchtimer.library.catalog import Catalog
    from stretchtimer.library.terms import Level
    from stretchtimer.session.builder import Built
    from stretchtimer.session.clock import Clock
    from stretchtimer.session.engine import Summary
    from stretchtimer.session.plan import Timeline
    from stretchtimer.sound.player import Player
    from stretchtimer.tui.screens.picker_screen import Listing, PickerScreen, ResumeOffer
    from stretchtimer.tui.screens.session_screen import SessionScreen
    from stretchtimer.tui.screens.summary_screen import SummaryScreen
    from stretchtimer.wiring import SessionWiring

log = logging.getLogger(__name__)

LEAVE_SECONDS = 1.0  # after SIGHUP, SIGTERM or a closed terminal, the process ends by then
SAVE_WAIT = 30.0  # seconds the summary tries again to save a session the history did not take
EXIT_SAVE_WAIT = 5.0  # and the exit, for what is still not saved

guard_option_list_paging()


def resume_garbage_collection() -> None:
    """Turn the cyclic collector back on after the first frame, if the CLI paused it for the
    start-up. What start-up built (modules, styles, widgets) lives as long as the app, so it is
    frozen first: later collections skip it rather than walk it again."""
    if not gc.isenabled():
        gc.freeze()
        gc.enable()


class StretchTimerApp(App[None]):
    """Pick a routine and follow it; `routine_id` opens that session straight away."""

    CSS_PATH = "stretchtimer.tcss"
    TITLE = "stretchtimer"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [Binding("ctrl+c", "quit_now", "Quit", show=False, priority=True)]

    muted: reactive[bool] = reactive(False)
    backend_status: reactive[str] = reactive("sound: starting")

    def __init__(
        self,
        *,
        routine_id: str | None = None,
        resuming: Unfinished | None = None,
        level: Level = "standard",
        speed: float = 1.0,
        mute: bool = False,
        clock: Clock | None = None,
        load: Callable[[], Catalog] | None = None,
        settings: Settings | None = None,
        transcript: Path | None = None,
    ) -> None:
        super().__init__()
        self.transcript = transcript
        self.routine_id = routine_id
        self.resuming = resuming  # with routine_id: the session cut short to go on with
        self.level: Level = level
        self.speed = speed
        self.clock = clock
        self.settings = settings or Settings()
        self._load = load
        self.catalog: Catalog | None = None
        self._catalog_lock = threading.Lock()
        self.player: Player | None = None
        self.wiring: SessionWiring | None = None  # the current (or just ended) session's
        self.session_screen: SessionScreen | None = None  # while a session runs
        self._history_warned = False
        self._log_handler = TextualHandler()
        self._leaving: threading.Timer | None = None  # set once the app must leave at once
        self._cards_key: Key | None = None  # under which the picker's cards are saved
        self.first_frame_shown = False
        self.set_reactive(StretchTimerApp.muted, mute)

    @property
    def sound_status(self) -> str:
        return "sound: muted" if self.muted else self.backend_status

    def watch_muted(self, muted: bool) -> None:
        if self.player is not None:
            self.player.muted = muted
        self._show_sound_status()

    def watch_backend_status(self) -> None:
        self._show_sound_status()

    def _show_sound_status(self) -> None:
        if self.session_screen is not None:
            self.session_screen.sound_status = self.sound_status

    def on_mount(self) -> None:
        # What the modules log goes to Textual's log (`textual console` shows it).
        logging.getLogger("stretchtimer").addHandler(self._log_handler)
        self._stop_on_signals()
        if self.routine_id is not None:
            self.start_session(self.routine_id, self.level, self.resuming)

    def on_ready(self) -> None:
        """The first frame is on the terminal (Textual's Ready comes after its first paint;
        `call_after_refresh` may run before it)."""
        self.first_frame_shown = True
        resume_garbage_collection()
        for screen in self.screen_stack:
            screen.post_message(FirstFrameShown())

    def get_driver_class(self) -> type[Driver]:
        """Textual's driver for this terminal; on Linux and macOS, one that never blocks on a
        closed terminal (tui/terminal.py); in a browser tab (`stretchtimer serve`), one for
        which a closed tab is a closed terminal (tui/browser.py)."""
        driver = super().get_driver_class()
        from textual.drivers.linux_driver import LinuxDriver

        if driver is LinuxDriver:
            from stretchtimer.tui.terminal import TerminalDriver

            return TerminalDriver
        from textual.drivers.web_driver import WebDriver

        if driver is WebDriver:
            from stretchtimer.tui.browser import BrowserDriver

            return BrowserDriver
        return driver

    def _stop_on_signals(self) -> None:
        """A closed terminal (SIGHUP) or a kill (SIGTERM) ends the session as Ctrl+C does, so
        the history says it was stopped and keeps the exercise in progress.

        Plain handlers rather than the event loop's: they run even if the loop were stuck."""
        if self.is_headless:  # under test: the test runner's own handlers stay
            return
        loop = asyncio.get_running_loop()

        def stop(signum: int, _frame: object) -> None:
            self.leave_within_a_second(loop, 128 + signum)  # 143, 129: as plain mode exits

        for signum in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(ValueError):  # not the main thread
                signal.signal(signum, stop)

    @on(TerminalGone)
    def terminal_gone(self) -> None:
        """The terminal went away (a write to it failed): as on SIGHUP."""
        self.leave_within_a_second(asyncio.get_running_loop(), 128 + signal.SIGHUP)

    def leave_within_a_second(self, loop: asyncio.AbstractEventLoop, code: int = 0) -> None:
        """Stop the session and leave with exit code `code`, with nobody to ask; if anything
        holds the exit up (the terminal is gone), the process ends a second later all the
        same. What the session did is in the history by then: each exercise is written as it
        ends, and the stop at once, on the event loop."""
        if self._leaving is None:
            self._leaving = threading.Timer(LEAVE_SECONDS, os._exit, args=(code,))
            self._leaving.daemon = True
            self._leaving.start()
            loop.call_soon_threadsafe(self.action_quit_now, code)

    async def on_event(self, event: events.Event) -> None:
        """A newline from the terminal is Enter: the terminal turns Enter into one while it is
        still in line mode, so an Enter typed as the app starts would otherwise be lost."""
        if isinstance(event, events.Key) and event.key == "ctrl+j" and not event.is_forwarded:
            event = events.Key("enter", "\r")
        await super().on_event(event)

    def _ring(self) -> None:
        """The terminal bell, rung from the sound thread straight onto the terminal's output
        queue (thread-safe): through the app's loop, a cue a second would wake the loop and
        block the sound thread on a future each time."""
        if self._running and not self._closed:
            self.bell()

    def _from_sound_thread(self, callback: Callable[[], object]) -> None:
        """Run `callback` on the app's loop; the sound thread may outlive the app by a moment."""
        with contextlib.suppress(RuntimeError):
            self.call_from_thread(callback)

    def on_unmount(self) -> None:
        if self.player is not None:
            self.player.close()
        self._close_wiring(EXIT_SAVE_WAIT)
        logging.getLogger("stretchtimer").removeHandler(self._log_handler)

    def load_catalog(self) -> Catalog:
        """Load the catalog once. The picker calls this off the first frame, in a thread; a
        routine chosen from its saved cards before that load is done waits for it here."""
        with self._catalog_lock:
            if self.catalog is None:
                if self._load is not None:
                    self.catalog = self._load()
                else:
                    from stretchtimer.library.loader import load_catalog  # 24 ms

                    self.catalog = load_catalog()
            return self.catalog

    # --- sessions ---------------------------------------------------------------------------

    @on(StartRoutine)
    def routine_chosen(self, message: StartRoutine) -> None:
        self.start_session(message.routine_id, message.level, message.resuming)

    def start_session(
        self, routine_id: str, level: Level = "standard", resuming: Unfinished | None = None
    ) -> None:
        """Show the safety note once ever, then the session (going on with `resuming`, a
        session cut short, where given); its summary after it ends."""
        if not safety_seen():

            def after_note(_: None) -> None:
                if not remember_safety_seen():
                    self.notify("Could not save that the safety note was read.", severity="warning")
                self._open_session(routine_id, level, resuming)

            from stretchtimer.tui.screens.safety_screen import SafetyScreen

            self.push_screen(SafetyScreen(), after_note)
        else:
            self._open_session(routine_id, level, resuming)

    def _open_session(
        self, routine_id: str, level: Level, resuming: Unfinished | None = None
    ) -> None:
        from stretchtimer.session.engine import Engine  # with the next three: 67 ms
        from stretchtimer.tui.screens.session_screen import SessionScreen
        from stretchtimer.wiring import SessionWiring, earlier_of

        # The sound thread probes the devices: after the next frame, not competing with it.
        # Cues asked for meanwhile wait in its queue.
        self.call_after_refresh(self.start_player)
        catalog = self.load_catalog()
        if resuming is not None:  # at the level it ran at
            from stretchtimer.history.progress import session_level

            level = session_level(resuming.record)
        timeline = self.planned(routine_id, level)
        if resuming is not None and not resuming.fits(timeline):
            self.notify(
                f"Cannot resume {resuming.record.routine_name}: its routine has changed since."
                " Starting it from the beginning.",
                severity="warning",
                markup=False,
            )
            resuming = None
        # A resumed session goes on at the speed it ran at, unless one was asked for.
        speed = resuming.record.speed if resuming is not None and self.speed == 1 else self.speed
        earlier = earlier_of(resuming) if resuming is not None else None
        engine = Engine(timeline, self.clock, speed, earlier)
        self._close_wiring()
        wiring = SessionWiring(
            engine,
            self.sound_player(),
            self.settings,
            warn=self._history_warning,
            speed=speed,
            catalog=catalog,
            transcript=self.transcript,
            resuming=resuming,
        )
        self.wiring = wiring
        if self.settings.voice != "off" and wiring.announcer is None:
            self.notify(wiring.voice_status.capitalize(), severity="warning")

        def show_summary(summary: Summary | None) -> None:
            self.session_screen = None
            self.show_title(self.title)  # no step to name any more
            if summary is not None:
                self._show_summary(summary, timeline, wiring)

        self.session_screen = SessionScreen(engine, wiring, self.sound_status, self.show_title)
        self.push_screen(self.session_screen, show_summary)

    def _show_summary(self, summary: Summary, timeline: Timeline, wiring: SessionWiring) -> None:
        from stretchtimer.tui.screens.summary_screen import SummaryScreen

        record = wiring.record(summary)
        ask = wiring if wiring.asks_after else None
        unsaved = wiring.unsaved
        screen = SummaryScreen(
            summary,
            timeline,
            logged=record is not None,
            ask=ask,
            unsaved=unsaved,
            progression=lambda: wiring.progression(summary),
        )
        self.push_screen(screen, self._summary_closed)
        if record is not None:
            self._show_week_progress(screen, record)
        if unsaved is not None:
            self._save_again(screen, wiring)

    @work(thread=True, name="save-again", exit_on_error=False)
    def _save_again(self, screen: SummaryScreen, wiring: SessionWiring) -> None:
        """Try again to save a session the history did not take (a full disk, a lock held by
        another program) while its summary is up; the summary says how it went."""
        unsaved = wiring.save_again(SAVE_WAIT)
        self.call_from_thread(screen.show_saved, unsaved)

    def read_history(self, this: SessionRecord | None = None) -> tuple[list[SessionRecord], Stats]:
        """The logged sessions and their stats, with `this` session as it will be logged.

        Called in a thread: SQLite reads the disk. Only the weeks shown are read whole.
        """
        from stretchtimer.history.records import utc_now
        from stretchtimer.history.store import read_stats

        def warn(text: str) -> None:
            self.call_from_thread(self.history_warning, text)

        return read_stats(
            utc_now(),
            self.settings.weekly_goal,
            this=this,
            warn=warn,
            break_proof=self.settings.break_proof,
        )

    @work(thread=True, name="week-progress", exit_on_error=False)
    def _show_week_progress(self, screen: SummaryScreen, this: SessionRecord) -> None:
        """This session against the week's goal, on its summary (left blank if it fails)."""
        from stretchtimer.history.report import goal_line

        _, stats = self.read_history(this)
        self.call_from_thread(screen.show_progress, goal_line(stats, this))

    def _history_warning(self, text: str) -> None:
        """`history_warning` from any thread (the history is opened and saved in threads)."""
        try:
            self.call_from_thread(self.history_warning, text)
        except RuntimeError:  # on the app's own thread, or the app is not running
            self.history_warning(text)

    def history_warning(self, text: str) -> None:
        """Say once per run that the history has a problem; the session goes on regardless."""
        log.warning("%s", text)
        if not self._history_warned:
            self._history_warned = True
            message = shown(text[:1].upper() + text[1:]).plain
            self.notify(message, severity="warning", timeout=10, markup=False)

    def _close_wiring(self, wait: float = 0.0) -> None:
        """Close the session's history; with `wait`, try that long to save what it did not
        take yet (at exit)."""
        if self.wiring is not None:
            self.wiring.close(wait)
            self.wiring = None

    def _summary_closed(self, _: None = None) -> None:
        self._close_wiring()
        self._show_picker()

    @on(RoutinesShown)
    def start_player(self) -> None:
        """Start the sound thread (it probes the devices) if it is not running yet."""
        player = self.sound_player()
        if not player.started:
            player.start()

    def sound_player(self) -> Player:
        """The player, made when first needed: after the first frame (its modules take about
        8 ms to import, `python -X importtime`)."""
        if self.player is None:
            from stretchtimer.sound.player import Player

            self.player = Player(
                self.settings.sound,
                volume=self.settings.volume,
                muted=self.muted,
                ring=self._ring,
                on_status=lambda status: self._from_sound_thread(
                    lambda: setattr(self, "backend_status", status)
                ),
            )
        return self.player

    # --- the builder ------------------------------------------------------------------------

    @on(OpenBuilder)
    @work(thread=True, exclusive=True, name="builder", exit_on_error=False)
    def open_builder(self, message: OpenBuilder) -> None:
        """The builder, given the exercises and the minutes each body area got lately (read
        in a thread: the catalog and the history are on disk)."""
        catalog = self.load_catalog()
        _, stats = self.read_history()
        worked = dict(stats.areas) if stats.logged else {}
        self.call_from_thread(self._show_builder, catalog, worked, message.not_at_hand)

    def _show_builder(
        self, catalog: Catalog, worked: dict[str, float], not_at_hand: frozenset[str]
    ) -> None:
        from stretchtimer.library.writer import routine_path, why_not_free
        from stretchtimer.paths import user_exercises_dir
        from stretchtimer.tui.screens.builder_screen import BuilderScreen

        folder = user_exercises_dir()

        def taken(routine_id: str) -> str | None:
            return why_not_free(catalog, routine_id, routine_path(folder, routine_id))

        exercises = [catalog.exercise(exercise_id) for exercise_id in catalog.exercises]
        screen = BuilderScreen(
            exercises,
            worked,
            taken,
            prepare=self.settings.prepare,
            rest=self.settings.rest,
            not_at_hand=not_at_hand,
        )
        self.push_screen(screen, self._keep_built)

    def _keep_built(self, built: Built | None) -> None:
        """Write the routine the builder made, as `stretchtimer build` does, and show it in
        the list of routines."""
        if built is None:
            return
        from stretchtimer.errors import BadInput
        from stretchtimer.library.writer import routine_path, routine_text, write_whole
        from stretchtimer.paths import user_exercises_dir
        from stretchtimer.tui.screens.picker_screen import PickerScreen

        path = routine_path(user_exercises_dir(), built.routine.id)
        try:
            write_whole(routine_text(built.routine, built.ask.command()), path)
        except BadInput as error:
            self.notify(shown(str(error)).plain, severity="error", timeout=10, markup=False)
            return
        self.notify(shown(f"Saved {built.routine.name} to {path}").plain, markup=False)
        with self._catalog_lock:  # read again from the files, the new one too
            self.catalog, self._load = None, None
        self._cards_key = self._routine_cards_key()
        for screen in self.screen_stack:
            if isinstance(screen, PickerScreen):
                screen.reload(built.routine.id)

    def get_default_screen(self) -> Screen[None]:
        """The picker, unless a routine was given: the first frame is the picker's own (with
        no blank screen before it), and Textual's Ready comes after it."""
        if self.routine_id is None:
            return self._new_picker()  # the player starts once the routines are on screen
        return super().get_default_screen()

    def _show_picker(self) -> None:
        from stretchtimer.tui.screens.picker_screen import PickerScreen

        if not any(isinstance(screen, PickerScreen) for screen in self.screen_stack):
            self.push_screen(self._new_picker())

    def _new_picker(self) -> PickerScreen:
        from stretchtimer.tui.screens.picker_screen import PickerScreen

        self._cards_key = self._routine_cards_key()
        cards = routine_cards.read(self._cards_key)
        memory = read_memory()
        if self.routine_id is not None:  # after `run ROUTINE`: that routine, highlighted
            memory = replace(memory, routine=self.routine_id)
        return PickerScreen(
            self.routine_listing,
            self.read_history,
            cards,
            drawn=self.first_frame_shown,
            read_offer=self.resume_offer,
            memory=memory,
        )

    def resume_offer(self) -> ResumeOffer | None:
        """The session cut short that the picker offers to resume, if its routine is still
        the one it ran (called in a thread)."""
        from stretchtimer.history.records import utc_now
        from stretchtimer.history.resume import find_unfinished
        from stretchtimer.tui.screens.picker_screen import resume_offer

        def warn(text: str) -> None:
            self.call_from_thread(self.history_warning, text)

        now = utc_now()
        unfinished = find_unfinished(now, warn=warn)
        if unfinished is None:
            return None
        catalog = self.load_catalog()
        if unfinished.record.routine_id not in catalog.routines:
            return None
        from stretchtimer.history.progress import session_level

        level = session_level(unfinished.record)
        timeline = self.planned(unfinished.record.routine_id, level)
        return resume_offer(unfinished, timeline, now) if unfinished.fits(timeline) else None

    def _routine_cards_key(self) -> Key | None:
        """The key of the saved cards of the routines on disk; None for a catalog given by
        the caller (a test's), which is never saved."""
        if self._load is not None:
            return None
        catalog_key = key_of(find_sources())
        return routine_cards.key_of(catalog_key, self.settings.prepare, self.settings.rest)

    def routine_listing(self) -> Listing:
        """Every routine's card at each level, planned as its session will run, and the
        catalog's problems; the cards are saved for the next start. Called in a thread."""
        from stretchtimer.library.terms import LEVELS

        catalog = self.load_catalog()
        cards = []
        for routine_id in sorted(catalog.routines):
            timelines = [self.planned(routine_id, level) for level in LEVELS]
            totals = {timeline.level: timeline.total for timeline in timelines}
            cards += [routine_cards.card_of(timeline, totals) for timeline in timelines]
        routine_cards.write(self._cards_key, cards)
        return cards, catalog.problems

    def planned(self, routine_id: str, level: Level = "standard") -> Timeline:
        """A routine of the catalog at `level`, planned as its session runs (the settings'
        pacing)."""
        from stretchtimer.session.plan import session_timeline

        catalog = self.load_catalog()
        routine = catalog.routine(routine_id)
        return session_timeline(routine, catalog.routine_exercises(routine), self.settings, level)

    # --- app-wide actions -------------------------------------------------------------------

    def action_toggle_mute(self) -> None:
        self.muted = not self.muted

    def action_help(self) -> None:
        """Every key of the screen it is opened from; a running session waits while you read,
        and goes on after."""
        from stretchtimer.session.engine import Command
        from stretchtimer.tui.screens.help_screen import HelpScreen, help_keys

        session = self.session_screen
        pausing = session is not None and session.engine.state == "running"
        if pausing and session is not None:
            session.engine.send(Command.PAUSE)

        def closed(_: None) -> None:
            if pausing and session is not None and session.engine.state == "paused":
                session.engine.send(Command.RESUME)

        self.push_screen(HelpScreen(help_keys(self.screen)), closed)

    async def action_quit(self) -> None:
        """Every way out (`q`, Textual's ctrl+q, the palette's Quit): in a session it asks
        first, as `q` does, so the session ends on its summary; elsewhere it leaves."""
        from stretchtimer.tui.screens.quit_screen import QuitScreen
        from stretchtimer.tui.screens.session_screen import SessionScreen

        sessions = [screen for screen in self.screen_stack if isinstance(screen, SessionScreen)]
        if not sessions:
            self.exit()
        elif not isinstance(self.screen, QuitScreen):  # not asked twice at once
            sessions[-1].action_quit()

    def action_quit_now(self, code: int = 0) -> None:
        """Ctrl+C: stop any session (so what was done is kept) and leave at once."""
        if self.session_screen is not None:
            self.session_screen.stop_session()
        self.exit(return_code=code)

    def show_title(self, title: str) -> None:
        """Name the terminal tab after the step, so a hidden tab still tells the time.

        The session screen calls this once a second (it is given it, as it is given the
        engine): a message would wake the app's queue every second for it."""
        from stretchtimer.tui.terminal import TerminalDriver

        driver = self._driver
        if driver is None or self.is_headless:
            return
        clean = "".join(char for char in title if char.isprintable())
        if isinstance(driver, TerminalDriver):
            driver.set_title(clean)  # with the frame of the same second
        else:
            driver.write(f"\x1b]2;{clean}\x07")

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        for command in super().get_system_commands(screen):
            if command.callback != self.action_quit:  # Textual's "quit as soon as possible"
                yield command
        yield SystemCommand(
            "Quit",
            "Leave the app; in a session, asks first and keeps what you did",
            self.action_quit,
        )
        yield SystemCommand("Help", "Every key, and the safety note", self.action_help)
        yield SystemCommand("Mute", "Turn sound cues off or on", self.action_toggle_mute)
        for binding in screen.BINDINGS:
            if (
                isinstance(binding, Binding)
                and binding.action.isidentifier()
                and binding.action != "quit"  # the Quit above, which asks the screen
            ):
                action = binding.action

                def run(action: str = action) -> None:
                    self.call_later(screen.run_action, action)

                yield SystemCommand(
                    binding.description, f"key: {binding.key_display or binding.key}", run
                )
