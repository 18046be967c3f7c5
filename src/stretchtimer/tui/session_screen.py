"""The session: what to do now, a big countdown, and where you are, readable at a glance.

The screen drives the engine with key presses and redraws from the engine's events; it keeps
no time of its own.
"""

from __future__ import annotations

import math

from rich.cells import cell_len
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from .. import feeling
from ..engine import (
    Command,
    Engine,
    Event,
    Finished,
    Paused,
    Resumed,
    StepStarted,
    Stopped,
    Summary,
    Tick,
)
from ..models import Exercise
from ..plan import Step, StepKind, Timeline
from ..text import clock, headline, up_next
from .app import app_of
from .messages import EngineEvent
from .widgets.countdown import Countdown
from .widgets.progress import TimeBar

PHASE_NAMES = {"warm-up": "WARM-UP", "strength": "STRENGTH", "stretch": "STRETCH"}


class SessionScreen(Screen[Summary]):
    """Follows one session; dismissed with the session's summary when it ends."""

    BINDINGS = [
        Binding("space", "toggle_pause", "Pause", key_display="space"),
        Binding("n,right", "skip_step", "Skip", key_display="n"),
        Binding("N", "skip_exercise", "Next exercise", key_display="N"),
        Binding("p,left", "back", "Back", key_display="p"),
        Binding("r", "restart_step", "Restart"),
        Binding("m", "app.toggle_mute", "Mute"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "quit_session", "Quit"),
    ]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (22, "-tall")]

    def __init__(self, engine: Engine) -> None:
        super().__init__()
        self.engine = engine
        self.timeline: Timeline = engine.session.timeline
        self._shown_exercise: int | None = None

    def compose(self) -> ComposeResult:
        with Horizontal(id="top-bar"):
            yield Label(f"stretchtimer - {self.timeline.routine.name}", id="routine-name")
            yield Label("", id="sound-status")
        with Horizontal(id="phase-row"):
            yield Label("", id="phase")
            yield Label("", id="areas")
        yield Label("", id="exercise-name")
        with Horizontal(id="now"):
            yield Countdown("0:00", id="countdown")
            with Vertical(id="now-text"):
                yield Label("", id="headline")
                yield Label("", id="counters")
                yield Label("", id="feeling")
                yield Label("PAUSED - press space to go on", id="paused")
        yield Static("", id="instructions", markup=False)
        yield Label("", id="up-next", markup=False)
        yield TimeBar("exercise", id="exercise-bar")
        yield TimeBar("session ", id="session-bar")
        yield Footer()

    def on_mount(self) -> None:
        # The widgets redrawn every second, found once rather than by a query each time.
        self._countdown = self.query_one(Countdown)
        self._exercise_bar = self.query_one("#exercise-bar", TimeBar)
        self._session_bar = self.query_one("#session-bar", TimeBar)
        self.engine.subscribe(lambda event: self.post_message(EngineEvent(event)))
        self.watch(self.app, "muted", self.update_sound_status)
        self.watch(self.app, "backend_status", self.update_sound_status)
        self.run_worker(self.engine.run(), name="engine", exit_on_error=False)

    # --- keys -------------------------------------------------------------------------------

    def action_toggle_pause(self) -> None:
        self.engine.send(Command.TOGGLE)

    def action_skip_step(self) -> None:
        self.engine.send(Command.SKIP_STEP)

    def action_skip_exercise(self) -> None:
        self.engine.send(Command.SKIP_EXERCISE)

    def action_back(self) -> None:
        self.engine.send(Command.BACK)

    def action_restart_step(self) -> None:
        self.engine.send(Command.RESTART_STEP)

    def action_quit_session(self) -> None:
        from .quit_screen import QuitScreen

        was_running = self.engine.state == "running"
        if was_running:
            self.engine.send(Command.PAUSE)

        def answered(stop: bool | None) -> None:
            if stop:
                self.engine.send(Command.STOP)
            elif was_running:
                self.engine.send(Command.RESUME)

        self.app.push_screen(QuitScreen(self.engine.summary()), answered)

    # --- engine events ----------------------------------------------------------------------

    @on(EngineEvent)
    def show_event(self, message: EngineEvent) -> None:
        event: Event = message.event
        if isinstance(event, StepStarted):
            self.show_step(event.step)
            self.ask_feeling(event.reason == "start" and event.step.kind is StepKind.PREPARE)
        elif isinstance(event, Tick):
            self.show_time(event.step, event.remaining)
        elif isinstance(event, Paused | Resumed):
            self.set_class(isinstance(event, Paused), "-paused")
            self.show_time(event.step, None)
        elif isinstance(event, Finished | Stopped):
            self.dismiss(event.summary)

    def ask_feeling(self, first_prepare: bool) -> None:
        """Ask how the back feels while the first exercise is prepared for, and only then."""
        app = app_of(self)
        asking = first_prepare and app.settings.ask_feeling and app.history is not None
        if asking:
            self.query_one("#feeling", Label).update(feeling.SHORT_BEFORE)
        self.set_class(asking, "-asking")

    def on_key(self, event: events.Key) -> None:
        value = feeling.from_key(event.character)
        history = app_of(self).history
        if self.has_class("-asking") and value is not None and history is not None:
            event.stop()
            history.set_feeling_before(value)
            self.query_one("#feeling", Label).update(feeling.noted(value))

    def show_step(self, step: Step) -> None:
        exercise = step.exercise
        if step.exercise_index != self._shown_exercise:
            self._shown_exercise = step.exercise_index
            self.show_exercise(exercise, step.exercise_index)
        show_line(self.query_one("#headline", Label), headline(step))
        show_line(self.query_one("#counters", Label), step.counters)
        show_line(self.query_one("#up-next", Label), up_next(step, self.timeline))
        # On the countdown, not the screen: a class change restyles the node and its children.
        self._countdown.set_class(step.kind is not StepKind.WORK, "-resting")

    def show_exercise(self, exercise: Exercise, position: int) -> None:
        total = len(self.timeline.exercises)
        phase = PHASE_NAMES[exercise.phase]
        self.query_one("#phase", Label).update(f"{phase}  {position + 1} of {total}")
        self.query_one("#areas", Label).update(", ".join(exercise.good_for).replace("-", " "))
        self.query_one("#exercise-name", Label).update(exercise.name)
        lines = [f"{number}. {text}" for number, text in enumerate(exercise.steps, 1)]
        lines += [f"> {cue}" for cue in exercise.cues]
        lines += [f"! {note}" for note in exercise.safety]
        self.query_one("#instructions", Static).update("\n".join(lines))

    def show_time(self, step: Step, remaining: int | None) -> None:
        """Redraw the countdown and both bars from the engine's state (once a second)."""
        now = self.engine.clock.now()
        session = self.engine.session
        if remaining is None:
            remaining = math.ceil(session.step_remaining(now))
        self._countdown.show_seconds(remaining)
        position = session.position(now)
        this = step.exercise_index
        self._exercise_bar.show(
            position - self.timeline.exercise_start(this), self.timeline.exercise_seconds(this)
        )
        self._session_bar.show(position, self.timeline.total)
        state = "PAUSED - " if session.state == "paused" else ""
        app_of(self).set_terminal_title(
            f"{state}{clock(remaining)} {headline(step)} - {step.exercise.name}"
        )

    def update_sound_status(self, _: object = None) -> None:
        self.query_one("#sound-status", Label).update(app_of(self).sound_status)


def show_line(label: Label, text: str) -> None:
    """Change a label whose width is set by the stylesheet (not by its text).

    A new layout of the screen (and with it a repaint of every widget) is asked for only when
    the old or the new text may wrap onto more lines; otherwise only the label is redrawn.
    """
    old = str(label.content)
    if text == old:
        return
    width = label.size.width
    fits = width > 0 and cell_len(text) <= width and cell_len(old) <= width
    label.update(text, layout=not fits)
