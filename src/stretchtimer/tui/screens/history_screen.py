"""The history at a glance: the last 8 weeks, the streak, the body areas and the pain trend.

Everything shown is computed by `stats` from the history file; this screen only lays it out.
"""

from __future__ import annotations

from datetime import timedelta

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Label, Sparkline, Static

from stretchtimer.format import clock, count
from stretchtimer.history.records import SessionRecord
from stretchtimer.history.report import STATE_NAMES, bar, minutes_shown, pain_line, session_title
from stretchtimer.history.stats import AREA_DAYS, Stats
from stretchtimer.library.terms import in_words
from stretchtimer.tui.text import shown
from stretchtimer.tui.widgets.key_bar import KeyBar


class HistoryScreen(Screen[None]):
    """Opened with `h` from the picker; Esc goes back."""

    HELP_KEYS = (
        ("esc or h", "back to the routines"),
        ("?", "these keys"),
        ("ctrl+p", "every command"),
        ("q", "quit"),
    )
    BINDINGS = [
        Binding("escape,h", "back", "Back", key_display="esc"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, stats: Stats, sessions: list[SessionRecord]) -> None:
        super().__init__()
        self.stats = stats
        self.sessions = sessions

    def compose(self) -> ComposeResult:
        stats = self.stats
        with VerticalScroll(id="history"):
            yield Label(f"History - the last {len(stats.weeks)} weeks", id="history-title")
            if not stats.logged:
                yield Label("No sessions yet: each one you do is kept here.", id="history-week")
            else:
                yield Label(week_line(stats), id="history-week", markup=False)
            yield Label("Sessions per day", classes="history-label")
            yield Sparkline(list(stats.days), summary_function=max, id="history-days")
            yield Label(days_axis(stats), id="history-axis", markup=False)
            with Horizontal(id="history-columns"):
                yield Static(weeks_text(stats), id="history-weeks", markup=False)
                yield Static(areas_text(stats), id="history-areas", markup=False)
            yield Static(pain_text(stats), id="history-pain", markup=False)
            yield Static(shown(recent_text(self.sessions)), id="history-recent")
        yield KeyBar()

    def action_back(self) -> None:
        self.dismiss(None)


def week_line(stats: Stats) -> str:
    week = stats.this_week
    goal = "goal met" if week.met else f"{stats.to_go} to go"
    streak = count(stats.streak, "week")
    return f"This week: {week.sessions} of {stats.goal} sessions, {goal}.  Streak: {streak}."


def days_axis(stats: Stats) -> str:
    """The dates under the sparkline: its first day on the left, today on the right."""
    first = stats.today - timedelta(days=len(stats.days) - 1)
    width = len(stats.days)
    left = first.strftime("%d %b")
    return left + "today".rjust(max(0, width - len(left)))


def weeks_text(stats: Stats) -> str:
    most = max([stats.goal, *(w.sessions for w in stats.weeks)])
    lines = ["Week of  sessions  min"]
    for week in stats.weeks:
        mark = "*" if week.met else " "
        lines.append(
            f"{week.start.strftime('%d %b'):<6} {bar(week.sessions, most, 6):<6} "
            f"{week.sessions:>2}{mark} {week.minutes:>4.0f}"
        )
    lines.append(f"* goal met ({stats.goal}+)")
    return "\n".join(lines)


def areas_text(stats: Stats) -> str:
    top = max(stats.areas.values())
    lines = [f"Areas, last {AREA_DAYS // 7} weeks (min)"]
    for area, minutes in sorted(stats.areas.items(), key=lambda item: -item[1]):
        note = " least" if area == stats.neglected else ""
        name = in_words(area)
        lines.append(f"{name:<11}{minutes_shown(minutes):>4} {bar(minutes, top, 6):<6}{note}")
    return "\n".join(lines)


def pain_text(stats: Stats) -> str:
    trend = " ".join("-" if v is None else f"{v:.0f}" for v in stats.pain_by_week)
    return f"{pain_line(stats)}\nBefore a session, week by week: {trend}"


def recent_text(sessions: list[SessionRecord], count: int = 5) -> str:
    if not sessions:
        return ""
    lines = ["Recent sessions"]
    for session in reversed(sessions[-count:]):
        when = session.started_at.astimezone().strftime("%a %d %b %H:%M")
        state = STATE_NAMES.get(session.state, session.state)
        lines.append(
            f"{when}  {session_title(session)}  {state}  "
            f"{session.done}/{session.exercise_count}  {clock(session.active_seconds, up=False)}"
        )
    return "\n".join(lines)
