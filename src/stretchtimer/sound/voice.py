"""What the voice says and when: phrases from engine events, and a scheduler that keeps them
from talking over or cutting off each other.

Pure: no audio and no clock of its own. Times are the speaker's seconds (wall time), since a
phrase takes as long to say at --speed 10 as at --speed 1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from enum import IntEnum

from stretchtimer.session.engine import CueDue, Event, StepStarted
from stretchtimer.session.plan import CueKind, Step, StepKind, Timeline

COUNT_WORDS = {3: "three", 2: "two", 1: "one"}
DETAIL_DELAY = 4.0
"""Seconds into a long hold before its form cues are read (voice=full)."""
DETAIL_MIN_HOLD = 20.0


class Priority(IntEnum):
    """Who gives way: a phrase never delays or drops one of a higher priority."""

    DETAIL = 0  # a form cue read during a long hold
    COUNT = 1  # three, two, one; halfway
    PROMPT = 2  # rest; left side; switch sides
    NAME = 3  # first up / next up, session done: never dropped for a lower one


@dataclass(frozen=True, slots=True)
class Phrase:
    """Something to say `delay` seconds after its event, and at most `patience` seconds late."""

    text: str
    priority: Priority
    delay: float = 0.0
    patience: float = math.inf


def phrases(
    event: Event, timeline: Timeline, speed: float = 1.0, full: bool = False
) -> list[Phrase]:
    """What to say for one engine event (often nothing)."""
    if isinstance(event, StepStarted):
        return _on_step(event.step, timeline, speed)
    if isinstance(event, CueDue):
        return _on_cue(event, timeline, speed, full)
    return []


def script(timeline: Timeline, full: bool = False) -> set[str]:
    """Every text a session could say, to render before it is needed."""
    texts: set[str] = set()
    for step in timeline.steps:
        events: list[Event] = [StepStarted(0.0, step)]
        events += [CueDue(0.0, step, cue) for cue in step.cues]
        for event in events:
            texts.update(phrase.text for phrase in phrases(event, timeline, full=full))
    return texts


def _on_step(step: Step, timeline: Timeline, speed: float) -> list[Phrase]:
    """Name the exercise once, at the first rest or prepare step before it."""
    if step.kind is StepKind.EXERCISE_REST:
        opening = "Rest. Next up"
    elif step.kind is StepKind.PREPARE and step.index == timeline.exercise_starts[0]:
        opening = "First up"
    elif step.kind is StepKind.PREPARE and step.index in timeline.exercise_starts:
        opening = "Next up"  # no rest step before it
    else:
        return []
    exercise = step.exercise
    return [
        Phrase(
            f"{opening}: {exercise.name}. {spoken(exercise.dose.describe())}.",
            Priority.NAME,
            patience=max(0.0, step.duration / speed / 2),
        )
    ]


def spoken(text: str) -> str:
    """A dose as it is said: 'hold 30 s each side' -> 'Hold 30 seconds each side'."""
    text = re.sub(r"\b(\d+) x ", r"\1 sets of ", text)
    text = re.sub(r"\b1 s\b", "1 second", text)
    text = re.sub(r"\b(\d+) s\b", r"\1 seconds", text)
    return text[:1].upper() + text[1:]


def _on_cue(event: CueDue, timeline: Timeline, speed: float, full: bool) -> list[Phrase]:
    step, kind = event.step, event.cue.kind
    if kind is CueKind.COUNTDOWN and event.cue.count in COUNT_WORDS:
        return [Phrase(COUNT_WORDS[event.cue.count], Priority.COUNT, patience=0.3)]
    if kind is CueKind.HALFWAY:
        return [Phrase("Halfway", Priority.COUNT, patience=1.0)]
    if kind is CueKind.SWITCH_SIDES:
        return [Phrase("Switch sides", Priority.PROMPT, patience=1.5)]
    if kind is CueKind.REST and step.kind is StepKind.SET_REST:
        return [Phrase("Rest", Priority.PROMPT, patience=1.5)]
    if kind is CueKind.SESSION_DONE:
        return [Phrase("Session done. Well done.", Priority.NAME)]
    if kind is CueKind.WORK_START:
        said: list[Phrase] = []
        if step.side is not None and _first_work_on_side(step, timeline):
            said.append(Phrase(f"{step.side.capitalize()} side", Priority.PROMPT, patience=1.5))
        if full and step.duration >= DETAIL_MIN_HOLD:
            window = step.duration / speed - DETAIL_DELAY - 5.0
            said += [
                Phrase(
                    step.exercise.on_side(text, step.side),
                    Priority.DETAIL,
                    delay=DETAIL_DELAY,
                    patience=window,
                )
                for text in step.exercise.cues[:2]
                if window > 0
            ]
        return said
    return []


def _first_work_on_side(step: Step, timeline: Timeline) -> bool:
    """True for the first work step of its exercise on its side (say the side once)."""
    for index in timeline.exercise_span(step.exercise_index):
        earlier = timeline.steps[index]
        if earlier.index >= step.index:
            return True
        if earlier.kind is StepKind.WORK and earlier.side == step.side:
            return False
    return True


# --- scheduling -------------------------------------------------------------------------------


@dataclass(slots=True)
class Slot:
    """A phrase given its time on air: from `start` for `seconds`, if still on by `latest`."""

    phrase: Phrase
    start: float
    seconds: float
    latest: float
    playing: bool = False

    @property
    def end(self) -> float:
        return self.start + self.seconds


class VoiceScheduler:
    """One voice, one phrase at a time.

    A phrase starts when asked or as soon as the voice is free, if that is within its
    patience; otherwise it is dropped. A phrase already playing is never cut off. A waiting
    phrase of lower priority steps aside for a new higher one and is then fitted in after it
    (or dropped if it has run out of patience).
    """

    def __init__(self) -> None:
        self._slots: list[Slot] = []  # playing or waiting, in start order
        self.dropped: list[Phrase] = []

    def offer(self, phrase: Phrase, seconds: float, now: float) -> Slot | None:
        """Fit in a phrase asked for at `now` that takes `seconds`; None if it is dropped."""
        self._slots = [slot for slot in self._slots if not (slot.playing and slot.end <= now)]
        wanted = now + phrase.delay
        new = Slot(phrase, wanted, seconds, latest=wanted + phrase.patience)
        stays: list[Slot] = []
        bumped: list[Slot] = []
        for slot in self._slots:
            keeps = slot.playing or slot.phrase.priority >= phrase.priority
            (stays if keeps else bumped).append(slot)
        if not self._fit(new, stays):
            self.dropped.append(phrase)
            return None
        for slot in bumped:  # lower ones that were waiting try again, after the new one
            if not self._fit(slot, self._slots):
                self.dropped.append(slot.phrase)
        return new

    def _fit(self, slot: Slot, others: list[Slot]) -> bool:
        """Place `slot` at its start or after the last of `others`; False if too late."""
        slot.start = max([slot.start, *(other.end for other in others)])
        if slot.start > slot.latest:
            return False
        self._slots = sorted([*others, slot], key=lambda s: s.start)
        return True

    def due(self, now: float) -> list[Slot]:
        """The waiting phrases whose time has come; they count as playing from now on."""
        ready = [s for s in self._slots if not s.playing and s.start <= now]
        for slot in ready:
            slot.playing = True
        return ready

    def next_start(self) -> float | None:
        """When the next waiting phrase is due, to sleep until then."""
        return min((s.start for s in self._slots if not s.playing), default=None)

    def __iter__(self) -> Iterator[Slot]:
        return iter(list(self._slots))
