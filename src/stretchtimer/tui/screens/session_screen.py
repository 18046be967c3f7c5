"""The session: what to do now, a big countdown, and where you are, readable at a glance.

The countdown grows with the terminal and says the phase in words (GET READY, WORK, REST) as
well as in colour; during reps it shows the rep ('4 / 12') and the tempo within it. The
steps, cues and safety lines scroll (up and down) when they do not fit, with a marker saying so.

The screen drives the engine with key presses and redraws from the engine's events; it keeps
no time of its own.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.reactive import reactive
from textual.screen import Screen
from textual.widgets import Label, Static

from stretchtimer.format import clock
from stretchtimer.library.models import Exercise, Side
from stretchtimer.library.terms import in_words
from stretchtimer.session import feeling
from stretchtimer.session.engine import (
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
from stretchtimer.session.keys import SESSION_KEYS, display
from stretchtimer.session.plan import Step, StepKind, Timeline
from stretchtimer.session.words import headline, instructions, other_counters, stalled, up_next
from stretchtimer.tui.messages import EngineEvent
from stretchtimer.tui.screens.help_screen import SESSION_HELP
from stretchtimer.tui.screens.quit_screen import QuitScreen
from stretchtimer.tui.text import Listed, shown
from stretchtimer.tui.widgets.boxes import Column, Row
from stretchtimer.tui.widgets.countdown import BigCountdown
from stretchtimer.tui.widgets.key_bar import KeyBar
from stretchtimer.tui.widgets.progress import TimeBars

if TYPE_CHECKING:
    from stretchtimer.wiring import SessionWiring

SHOWN_EVENTS = (StepStarted, Tick, Paused, Resumed, Finished, Stopped)
APP_ACTIONS = {"toggle_mute", "help"}  # the keys that act on the whole app, not the session
PHASE_NAMES = {"warm-up": "WARM-UP", "strength": "STRENGTH", "stretch": "STRETCH"}
COUNTDOWN_PHASES = {
    StepKind.PREPARE: "ready",
    StepKind.SWITCH: "ready",
    StepKind.WORK: "work",
    StepKind.RELAX: "rest",
    StepKind.SET_REST: "rest",
    StepKind.EXERCISE_REST: "rest",
}
MORE_BELOW = "more below: press \N{DOWNWARDS ARROW} to read on"
MORE_ABOVE = "press \N{UPWARDS ARROW} to read from the top"


def phase_name(exercise: Exercise, position: int, total: int) -> str:
    """'WARM-UP  3 of 9': the exercise's phase, and where it is in the session."""
    return f"{PHASE_NAMES[exercise.phase]}  {position + 1} of {total}"


def phase_line(step: Step, total: int) -> str:
    return phase_name(step.exercise, step.exercise_index, total)


def areas_line(exercise: Exercise) -> str:
    """'neck, upper back': what the exercise is good for."""
    return ", ".join(map(in_words, exercise.good_for))


def instructions_text(exercise: Exercise, side: Side | None) -> Listed:
    """The steps, cues and notes in the words of `side` (written for the first side), each
    step's wrapped rows under its words."""
    return Listed("\n".join(exercise.on_side(line, side) for line in instructions(exercise)))


def widest_number(timeline: Timeline) -> str:
    """The widest text the countdown will show in this session (its width stays put)."""
    longest = max((step.duration for step in timeline.steps), default=0.0)
    texts = [clock(longest), "0:00"]
    texts += [
        f"{step.rep.total} / {step.rep.total}"
        for step in timeline.steps
        if step.rep is not None and step.rep.total > 1
    ]
    return max(("".join("0" if c.isdigit() else c for c in t) for t in texts), key=len)


def countdown_text(step: Step, remaining: float) -> str:
    """'4 / 12' during reps; the seconds left otherwise."""
    if step.kind is StepKind.WORK and step.rep is not None and step.rep.total > 1:
        return f"{step.rep.number} / {step.rep.total}"
    return clock(remaining)


class SessionScreen(Screen[Summary]):
    """Follows one session; dismissed with the session's summary when it ends."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(
                ",".join(entry.keys),
                f"app.{entry.action}" if entry.action in APP_ACTIONS else entry.action,
                entry.label,
                key_display=display(entry.keys[0]),
            )
            for entry in SESSION_KEYS
        ),
        Binding("down", "read(1)", "Read on", show=False),
        Binding("up", "read(-1)", "Read back", show=False),
    ]
    HELP_KEYS = SESSION_HELP
    BLANK = True  # its background is all it draws (see widgets/boxes.py)
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (70, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (22, "-tall")]

    sound_status: reactive[str] = reactive("", init=False)
    """What the sound plays through, set by the app."""

    def __init__(
        self,
        engine: Engine,
        wiring: SessionWiring,
        sound_status: str = "",
        show_title: Callable[[str], object] | None = None,
    ) -> None:
        """`show_title` names the terminal (the app's): the step and the time left, each
        second."""
        super().__init__()
        self.engine = engine
        self.wiring = wiring
        self.show_title = show_title
        self.set_reactive(SessionScreen.sound_status, sound_status)
        self.timeline: Timeline = engine.session.timeline
        self._shown_exercise: int | None = None
        self._shown_side: Side | None = None
        self._asking = False  # how the back feels, while the first exercise is prepared for

        self._pending_step = 0  # steps started that the screen has not shown yet

    def compose(self) -> ComposeResult:
        # Textual repaints every widget whose container touches the box around what changed.
        # So what changes every second (countdown, bars) sits together, and what changes once
        # an exercise sits in containers of its own, out of that box. The screen comes with
        # the step the session starts with (or goes on from) in place, at the countdown's size
        # for this terminal: put there after the first frame, they would lay it out again.
        steps, index = self.timeline.steps, self.engine.session.index
        first = steps[index] if index < len(steps) else None
        exercise = first.exercise if first is not None else None
        if first is not None:
            self._shown_exercise, self._shown_side = first.exercise_index, first.side
        countdown = BigCountdown(widest_number(self.timeline), id="countdown")
        countdown.fit(*self.app.size)
        if first is not None:
            countdown.show(COUNTDOWN_PHASES[first.kind], countdown_text(first, first.duration))
        with Column(id="header"):
            with Row(id="top-bar"):
                name = shown(f"stretchtimer - {self.timeline.name}")
                yield Label(name, id="routine-name")
                yield Label(shown(self.sound_status), id="sound-status")
            with Row(id="phase-row"):
                total = len(self.timeline.exercises)
                yield Label(phase_line(first, total) if first else "", id="phase")
                yield Label(areas_line(exercise) if exercise else "", id="areas")
            yield Label(shown(exercise.name) if exercise else "", id="exercise-name")
        with Row(id="now"):
            yield countdown
            with Column(id="now-text"):
                yield Label(shown(headline(first)) if first else "", id="headline", markup=False)
                counters = other_counters(first, headline(first)) if first else ""
                yield Label(shown(counters), id="counters", markup=False)
                yield Label("", id="feeling")
                yield Label("PAUSED - press space to go on", id="paused")
        yield TimeBars("exercise", "session", id="bars")
        with Column(id="details"):
            with VerticalScroll(id="instructions-box", can_focus=False):
                text = instructions_text(first.exercise, first.side) if first else ""
                yield Static(text, id="instructions", markup=False)
            yield Label("", id="more")
            next_up = shown(up_next(first, self.timeline)) if first else ""
            yield Label(next_up, id="up-next", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        # The widgets redrawn every second, found once rather than by a query each time.
        self._countdown = self.query_one(BigCountdown)
        self._bars = self.query_one(TimeBars)
        box = self.query_one("#instructions-box", VerticalScroll)
        self.watch(box, "scroll_y", self.show_more, init=False)
        self.watch(box, "max_scroll_y", self.show_more, init=False)
        self.call_after_refresh(self.show_more)  # once the steps are laid out
        self.show_sound_status(self.sound_status)  # if it changed since the screen was made
        self.engine.subscribe(self.queue_shown_event)
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

    def stop_session(self) -> None:
        """Stop at once (Ctrl+C, a signal): what was done is kept, the summary follows."""
        self.engine.send(Command.STOP)

    def action_read(self, lines: int) -> None:
        """Scroll the steps, cues and safety lines (when they do not all fit)."""
        self.query_one("#instructions-box", VerticalScroll).scroll_relative(
            y=lines * 3, animate=False
        )

    def on_resize(self, event: events.Resize) -> None:
        self._countdown.fit(event.size.width, event.size.height)
        self.call_after_refresh(self.show_more)

    def show_more(self) -> None:
        """Say when some of the steps are out of sight, and which key shows them."""
        box = self.query_one("#instructions-box", VerticalScroll)
        if box.max_scroll_y <= 0:
            text = ""
        elif box.scroll_y < box.max_scroll_y:
            text = MORE_BELOW
        else:
            text = MORE_ABOVE
        # A line of its own, blank when everything is in sight: showing and hiding the line
        # would lay the screen out again.
        show_line(self.query_one("#more", Label), text)

    def action_quit(self) -> None:
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

    def queue_shown_event(self, event: Event) -> None:
        """Queue the events this screen shows (cues and skips are for the sound and the log):
        each queued message wakes the screen's message loop. A tick, the one event of every
        second, is shown at once (this runs on the app's loop too): a message for it would
        cost a dispatch a second for nothing."""
        if isinstance(event, Tick):
            if self.is_mounted and not self._pending_step:
                self.show_time(event.step, event.remaining)
            else:  # after a step the screen has yet to show: in its turn
                self.post_message(EngineEvent(event, is_tick=True))
        elif isinstance(event, SHOWN_EVENTS):
            self._pending_step += isinstance(event, StepStarted)
            self.post_message(EngineEvent(event))

    @on(EngineEvent)
    def show_event(self, message: EngineEvent) -> None:
        event: Event = message.event
        if isinstance(event, StepStarted):
            self._pending_step -= 1
            self.show_step(event.step)
            self.ask_feeling(self.wiring.asking_before(event))
        elif isinstance(event, Tick):
            self.show_time(event.step, event.remaining)
        elif isinstance(event, Paused | Resumed):
            self.set_class(isinstance(event, Paused), "-paused")
            self.show_time(event.step, None)
            if isinstance(event, Paused) and event.stalled:
                self.notify(f"{stalled(event.stalled)}.", timeout=10)
        elif isinstance(event, Finished | Stopped):
            self.dismiss(event.summary)

    def ask_feeling(self, asking: bool) -> None:
        """Ask how the back feels while the first exercise is prepared for, and only then.

        The question has a line of its own, blank when nothing is asked: showing or hiding
        the line would lay the whole screen out again (twice: the column beside the
        countdown changes height too)."""
        self._asking = asking
        show_line(self.query_one("#feeling", Label), feeling.SHORT_BEFORE if asking else "")

    def on_key(self, event: events.Key) -> None:
        value = feeling.from_key(event.character)
        if self._asking and value is not None:
            event.stop()
            show_line(self.query_one("#feeling", Label), self.wiring.answer_before(value))
            advice = self.wiring.advice(value)
            if advice is not None:  # beside the countdown there is room for a line, not this
                self.notify(advice, title="Go gently", severity="warning", timeout=30)

    def show_step(self, step: Step) -> None:
        exercise = step.exercise
        if step.exercise_index != self._shown_exercise:
            self._shown_exercise = step.exercise_index
            self._shown_side = step.side
            self.show_exercise(exercise, step.exercise_index)
            self.show_instructions(exercise, step.side)
        elif step.side is not None and step.side != self._shown_side:  # a rest keeps the side
            self._shown_side = step.side
            self.show_instructions(exercise, step.side)
        show_line(self.query_one("#headline", Label), headline(step))
        show_line(self.query_one("#counters", Label), other_counters(step, headline(step)))
        show_line(self.query_one("#up-next", Label), up_next(step, self.timeline))
        # On the countdown, not the screen: a class change restyles the node and its children.
        phase = COUNTDOWN_PHASES[step.kind]
        if not self._countdown.has_class(f"-{phase}"):  # a change of class restyles it
            self._countdown.remove_class("-ready", "-work", "-rest")
            self._countdown.add_class(f"-{phase}")

    def show_exercise(self, exercise: Exercise, position: int) -> None:
        total = len(self.timeline.exercises)
        show_line(self.query_one("#phase", Label), phase_name(exercise, position, total))
        show_line(self.query_one("#areas", Label), areas_line(exercise))
        show_line(self.query_one("#exercise-name", Label), exercise.name)

    def show_instructions(self, exercise: Exercise, side: Side | None) -> None:
        """The steps, cues and notes in the words of `side` (written for the first side)."""
        self.query_one("#instructions", Static).update(instructions_text(exercise, side))
        self.query_one("#instructions-box", VerticalScroll).scroll_home(animate=False)
        self.call_after_refresh(self.show_more)  # once the new lines are laid out

    def show_time(self, step: Step, remaining: int | None) -> None:
        """Redraw the countdown and both bars from the engine's state (once a second)."""
        now = self.engine.clock.now()
        session = self.engine.session
        if remaining is None:
            remaining = math.ceil(session.step_remaining(now))
        tempo = None
        if step.kind is StepKind.WORK and step.rep is not None and step.rep.total > 1:
            tempo = session.step_elapsed(now) / step.duration if step.duration else 1.0
        self._countdown.show(COUNTDOWN_PHASES[step.kind], countdown_text(step, remaining), tempo)
        position = session.position(now)
        this = step.exercise_index
        self._bars.show(
            (position - self.timeline.exercise_start(this), self.timeline.exercise_seconds(this)),
            (position, self.timeline.total),
        )
        if self.show_title is not None:
            state = "PAUSED - " if session.state == "paused" else ""
            self.show_title(f"{state}{clock(remaining)} {headline(step)} - {step.exercise.name}")

    def watch_sound_status(self, status: str) -> None:
        if self.is_mounted:  # before that, on_mount shows the latest
            self.show_sound_status(status)

    def show_sound_status(self, status: str) -> None:
        # The sound thread may report while the screen is being put up or taken down.
        for label in self.query("#sound-status").results(Label):
            show_line(label, status)


def show_line(label: Label, text: str) -> None:
    """Change a plain-text label whose width is set by the stylesheet (not by its text).

    A new layout of the screen (and with it a repaint of every widget) is asked for only when
    the label's height changes: when the new text takes a different number of lines, within
    the stylesheet's bounds (the headline keeps two lines for one line of text or two);
    otherwise only the label is redrawn.
    """
    content = shown(text)
    if content.plain == str(label.content):
        return
    width, height = label.size
    styles = label.styles
    lines = content.get_height(styles.get_render_rules(), width)
    if styles.min_height is not None and styles.min_height.cells is not None:
        lines = max(lines, styles.min_height.cells)
    if styles.max_height is not None and styles.max_height.cells is not None:
        lines = min(lines, styles.max_height.cells)
    label.update(content, layout=width <= 0 or lines != height)
