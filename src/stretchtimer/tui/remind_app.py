"""`stretchtimer remind` in a terminal: a small screen that tells when the next break is, this
week's sessions against the goal and the routine it suggests, with keys to start now, snooze,
skip or pause reminders for an hour. Start turns this terminal into the session (in tmux, a
popup opens over the window instead) and comes back here when it ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal

from textual import events
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from stretchtimer.format import clock
from stretchtimer.remind.idle import KeysIdle
from stretchtimer.remind.main import Options, Suggester, build, describe
from stretchtimer.remind.notify import Offer
from stretchtimer.remind.runner import RemindLoop
from stretchtimer.remind.scheduler import Answer, Phase
from stretchtimer.settings import Settings
from stretchtimer.tui.widgets.key_bar import KeyBar

log = logging.getLogger(__name__)


class RemindScreen(Screen[None]):
    BINDINGS = [
        Binding("s", "answer('start')", "Start now"),
        Binding("z", "answer('snooze')", "Snooze 5 min"),
        Binding("Z", "answer('snooze-long')", "Snooze 10 min"),
        Binding("n", "answer('skip')", "Skip"),
        Binding("p", "pause", "Pause 1 h"),
        Binding("q", "app.quit", "Quit"),
    ]
    DEFAULT_CSS = """
    RemindScreen { padding: 1 2; }
    #remind-next { text-style: bold; height: 1; }
    #remind-offer { color: $accent; text-style: bold; height: auto; }
    #remind-week, #remind-routine, #remind-count { height: 1; }
    #remind-how { color: $text-muted; height: auto; }
    """

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Starting...", id="remind-next", markup=False)
            yield Static("", id="remind-offer", markup=False)
            yield Static("", id="remind-week", markup=False)
            yield Static("", id="remind-routine", markup=False)
            yield Static("", id="remind-count", markup=False)
            yield Static("", id="remind-how", markup=False)
        yield KeyBar()

    def action_answer(self, given: str) -> None:
        app = self.app
        if isinstance(app, RemindApp) and app.loop is not None:
            app.loop.answer(Answer(given))

    def action_pause(self) -> None:
        app = self.app
        if isinstance(app, RemindApp) and app.loop is not None:
            paused = app.loop.reminder.phase is Phase.PAUSED
            app.loop.answer(Answer.RESUME if paused else Answer.PAUSE)


class RemindApp(App[None]):
    TITLE = "stretchtimer remind"
    BINDINGS = [Binding("ctrl+c", "quit", "Quit", show=False, priority=True)]

    def __init__(self, settings: Settings, options: Options) -> None:
        super().__init__()
        self.settings = settings
        self.options = options
        self.loop: RemindLoop | None = None
        self.problem: str | None = None
        self.stepped_aside = False  # a session has this terminal: nothing is drawn

    def on_mount(self) -> None:
        if not self.is_headless:  # a closed terminal or a kill: an open break is kept as is
            events = asyncio.get_running_loop()
            for number in (signal.SIGTERM, signal.SIGHUP):
                with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                    events.add_signal_handler(number, lambda: self.call_later(self.action_quit))
        self.push_screen(RemindScreen())
        self.run_worker(self._remind(), exclusive=True, exit_on_error=False)
        self.set_interval(1.0, self.show)

    async def _remind(self) -> None:
        loop, _, _ = await build(
            self.settings,
            self.options,
            screen=True,
            write=self._write,
            run_here=self.run_here,
        )
        await asyncio.to_thread(loop.suggestion)  # the catalog and history, off the screen's loop
        loop.on_change = self.show
        self.loop = loop
        self.show()
        await loop.run()

    def _write(self, text: str) -> None:
        """The terminal's notification or bell, through the app's own output."""
        driver = self._driver
        if driver is not None and not self.is_headless:
            driver.write(text)
            driver.flush()

    async def run_here(self, argv: list[str]) -> int:
        """The session in this terminal: the screen steps aside until it ends. Nothing is
        drawn meanwhile: with the driver's writer stopped, a redraw (the session's steps
        wake the reminder) would fill its queue and hang the app."""
        self.stepped_aside = True
        try:
            with self.suspend():
                process = await asyncio.create_subprocess_exec(*argv)
                return await process.wait()
        finally:
            self.stepped_aside = False
            self.show()

    def on_key(self, event: events.Key) -> None:
        if self.loop is not None and isinstance(self.loop.idle, KeysIdle):
            self.loop.idle.touch()

    async def action_quit(self) -> None:
        if self.loop is not None:
            self.loop.close()
        self.exit()

    def show(self) -> None:
        """The screen's lines, from the loop as it is now."""
        loop = self.loop
        if loop is None or self.stepped_aside or not isinstance(self.screen, RemindScreen):
            return
        screen = self.screen
        screen.query_one("#remind-next", Static).update(next_line(loop))
        offer = loop.offer
        screen.query_one("#remind-offer", Static).update(offer_text(offer) if offer else "")
        suggester = loop.suggestion
        week = suggester.week if isinstance(suggester, Suggester) else None
        screen.query_one("#remind-week", Static).update(week.text() if week else "")
        routine = loop.current or (suggester() if week is not None else None)
        screen.query_one("#remind-routine", Static).update(
            f"Suggested: {routine.text()}" if routine else ""
        )
        counts = loop.counts
        offered = counts.get("offered", 0) + loop.reminder.open  # the one standing counts too
        screen.query_one("#remind-count", Static).update(
            f"Breaks so far: {counts.get('taken', 0)} taken, {counts.get('skipped', 0)} skipped"
            f" of {offered} offered"
        )
        screen.query_one("#remind-how", Static).update(
            describe(loop.idle, loop.notifier, loop.launcher)
        )


def offer_text(offer: Offer) -> str:
    """The offer standing, with the keys that answer it (no snooze once they are used up)."""
    snooze = "  z: snooze 5 min  Z: 10 min" if offer.snooze else ""
    return f"{offer.title}\n{offer.body}  s: start{snooze}  n: skip"


def next_line(loop: RemindLoop) -> str:
    """'Next break in 42:10', 'Break time', 'Snoozed: 4:10', 'Paused: 58:00'..."""
    r = loop.reminder
    here = r.rules.present(loop.last_idle)
    left = r.seconds_to_break(loop.clock.now(), counting=here)
    if r.phase is Phase.OFFERED:
        return "Break time"
    if r.phase is Phase.SESSION:
        return "A session is running"
    if r.phase is Phase.OFF_HOURS:
        return f"Outside working hours ({r.rules.hours.text()})"
    if r.phase is Phase.SNOOZED and left is not None:
        return f"Snoozed: the break comes back in {clock(left)}"
    if r.phase is Phase.PAUSED and left is not None:
        return f"Reminders paused: next break in {clock(left)} (p resumes)"
    if left is None:
        return "Starting..."
    away = "" if here else " (counting stops while you are away)"
    return f"Next break in {clock(left)} of work{away}"


def run_screen(settings: Settings, options: Options) -> int:
    app = RemindApp(settings, options)
    app.run()
    return app.return_code or 0
