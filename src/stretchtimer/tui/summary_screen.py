"""What was done, at the end of a session or after quitting."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Footer, Label, Static

from ..engine import Summary
from ..plan import Timeline
from ..text import clock


class SummaryScreen(Screen[None]):
    BINDINGS = [
        Binding("enter", "back", "Routines"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, summary: Summary, timeline: Timeline) -> None:
        super().__init__()
        self.summary = summary
        self.timeline = timeline

    def compose(self) -> ComposeResult:
        summary, timeline = self.summary, self.timeline
        finished = summary.state == "finished"
        title = "Well done: session finished" if finished else "Session stopped"
        names = [exercise.name for exercise in timeline.exercises]
        done = [names[i] for i in summary.exercises_done]
        skipped = [names[i] for i in summary.exercises_skipped]
        lines = [
            f"{timeline.routine.name}",
            "",
            f"Exercises done     {len(done)} of {len(names)}",
            f"Exercises skipped  {len(skipped)}" + (f": {', '.join(skipped)}" if skipped else ""),
            f"Active time        {clock(summary.active_seconds, up=False)}",
            f"Paused             {clock(summary.paused_seconds, up=False)}",
            f"Planned            {clock(timeline.total)}",
        ]
        with Vertical(id="summary"):
            yield Label(title, id="summary-title")
            yield Static("\n".join(lines), markup=False, id="summary-text")
        yield Footer()

    def action_back(self) -> None:
        self.dismiss(None)
