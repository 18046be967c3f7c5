"""What was done, at the end of a session or after quitting: against the week's goal, and how
the back feels now (one optional key)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Static

from stretchtimer.format import clock
from stretchtimer.session import feeling
from stretchtimer.session.engine import Summary
from stretchtimer.session.plan import Timeline
from stretchtimer.tui.text import shown
from stretchtimer.tui.threads import call_on_loop
from stretchtimer.tui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from stretchtimer.wiring import SessionWiring


class SummaryScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "back", "Routines"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(
        self,
        summary: Summary,
        timeline: Timeline,
        *,
        logged: bool = False,
        ask: SessionWiring | None = None,
        unsaved: str | None = None,
        progression: Callable[[], str | None] | None = None,
    ) -> None:
        """`logged`: the session is in the history, so a line shows it against the week's goal
        (filled in by `show_progress`); `ask`: its wiring, to ask how the back feels now;
        `unsaved`: why the history does not hold all of it yet (a full disk), said until
        `show_saved` tells how trying again went; `progression`, called in a thread (it reads
        the history), what the routine's last sessions suggest: the next level, or easing off
        (asked again once the back's feeling is noted)."""
        super().__init__()
        self.summary = summary
        self.timeline = timeline
        self.logged = logged
        self.asking = ask
        self.unsaved = unsaved
        self.progression = progression

    def compose(self) -> ComposeResult:
        summary, timeline = self.summary, self.timeline
        finished = summary.state == "finished"
        title = "Well done: session finished" if finished else "Session stopped"
        names = [exercise.name for exercise in timeline.exercises]
        done = [names[i] for i in summary.exercises_done]
        skipped = [names[i] for i in summary.exercises_skipped]
        left_in = summary.stopped_in
        lines = [
            timeline.name,
            "",
            f"Exercises done     {len(done)} of {len(names)}",
            f"Exercises skipped  {len(skipped)}" + (f": {', '.join(skipped)}" if skipped else ""),
            *([] if left_in is None else [f"Stopped in         {names[left_in]}"]),
            f"Active time        {clock(summary.active_seconds, up=False)}",
            f"Paused             {clock(summary.paused_seconds, up=False)}",
            f"Planned            {clock(timeline.total)}",
        ]
        with VerticalScroll(id="summary"):
            yield Label(title, id="summary-title")
            yield Static(shown("\n".join(lines)), id="summary-text")
            if self.logged:
                yield Label("", id="summary-goal", markup=False)
            if self.unsaved is not None:
                yield Label(
                    shown(f"Not saved to the history yet ({self.unsaved}): trying again."),
                    id="summary-saved",
                )
            asking = Label(feeling.SHORT_AFTER, id="summary-feeling", markup=False)
            asking.display = self.asking is not None
            yield asking
            advice = Static("", id="summary-next", markup=False)
            advice.display = False
            yield advice
        yield KeyBar()

    def on_mount(self) -> None:
        self.suggest()

    @work(thread=True, exclusive=True, name="progression", exit_on_error=False)
    def suggest(self) -> None:
        """What the routine's last sessions suggest, read in a thread, shown when it comes."""
        if self.progression is not None:
            call_on_loop(self, self.show_suggestion, self.progression())

    def show_suggestion(self, text: str | None) -> None:
        for advice in self.query("#summary-next").results(Static):
            advice.update(shown(text or ""))
            advice.display = text is not None

    def show_progress(self, line: str) -> None:
        # No label once the screen has been left: the line came too late, and is not needed.
        for label in self.query("#summary-goal").results(Label):
            label.update(line)

    def show_saved(self, unsaved: str | None) -> None:
        """How trying again to save the session went: None when it is saved."""
        text = (
            "Saved to the history."
            if unsaved is None
            else f"Could not save this session to the history ({unsaved})."
        )
        for label in self.query("#summary-saved").results(Label):
            label.update(shown(text))

    def on_key(self, event: events.Key) -> None:
        value = feeling.from_key(event.character)
        if self.asking is not None and value is not None:
            event.stop()
            answer = self.asking.answer_after(value)
            advice = self.asking.advice(value)
            answer += f"\n\n{advice}" if advice else ""
            self.query_one("#summary-feeling", Label).update(answer)
            self.suggest()  # the answer counts

    def action_back(self) -> None:
        self.dismiss(None)
