"""What the voice says and when: the coach's script, and a scheduler that keeps phrases from
talking over or cutting off each other.

The script is a pure function of the timeline. `script(timeline)` lists every phrase of a
session with the session second it is due (`stretchtimer show ROUTINE --voice` prints it), and
`phrases(event, ...)`, what the announcer says at run time, applies the same rules to one engine
event. While you get ready: the exercise's name, dose and first side, how to do it, and the
first time it comes up its first safety line. During the work: each part of a round in its own
words, hold, relax (or the exercise's word for letting go), the rep count, halfway, the last
three seconds; `full` adds the form cues in holds and rep sets.

Pure: no audio and no clock of its own. A phrase's delay and patience are the speaker's seconds
(wall time), since a phrase takes as long to say at --speed 10 as at --speed 1.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, replace
from enum import IntEnum

from stretchtimer.library.models import (
    AnyDose,
    Exercise,
    HoldDose,
    RepsDose,
    RoundsDose,
    TimedDose,
)
from stretchtimer.session.engine import CueDue, Event, StepStarted
from stretchtimer.session.plan import Cue, CueKind, Step, StepKind, Timeline

COUNT_WORDS = {3: "three", 2: "two", 1: "one"}
COUNTDOWN_SECONDS = 3.0
"""The end of a get-ready, kept for its three, two, one."""
RELEASE = "Relax"
"""Said as a hold ends, unless the exercise has its own word."""
MIDWAY_MIN_TEMPO = 2.5
"""Reps at least this long (seconds) hear the word for the way back halfway through."""
FULL_CUE_EVERY = 4
"""voice=full: in a rep set, a form cue instead of the count of reps 3, 7, 11..."""
HOW_OVERRUN = 1.0
"""Seconds how to do it may run into the work: the word that starts it waits that long, within
its patience (`_start_patience`), and is said."""
HOW_MAX_WORDS = 26
"""Without a spoken `how`, the voice reads the first steps, as many as fit these words."""


class Priority(IntEnum):
    """Who gives way: a phrase never delays or drops one of a higher priority."""

    DETAIL = 0  # a form cue (voice=full)
    COUNT = 1  # three, two, one; a rep's number; halfway
    PROMPT = 2  # hold; relax; rest; switch sides; go; the way back in a rep
    INSTRUCTION = 3  # how to do it; a part of a round; a safety line: waits its turn
    NAME = 4  # first up / next up, session done: never dropped for a lower one


@dataclass(frozen=True, slots=True)
class Phrase:
    """Something to say `delay` seconds after its event, and at most `patience` seconds late."""

    text: str
    priority: Priority
    delay: float = 0.0
    patience: float = math.inf
    after: str | None = None
    """Said only right after this text: 'one' follows 'two', or is not said at all."""


@dataclass(frozen=True, slots=True)
class VoiceOptions:
    """How much the voice says: `full` adds form cues; the rep count every `count_every` reps
    (and always the last)."""

    full: bool = False
    count_every: int = 1


@dataclass(frozen=True, slots=True)
class Line:
    """A phrase of the script, asked for at session second `asked` (its step or cue)."""

    asked: float
    phrase: Phrase

    @property
    def at(self) -> float:
        """The session second it is due."""
        return self.asked + self.phrase.delay


def seconds_to_say(text: str) -> float:
    """About how long espeak-ng takes to say `text` at 160 words a minute (fitted on the
    built-in phrases; within a second either way). The script uses it to lay phrases out."""
    stops = len(re.findall(r"[.:;,!?](?:\s|$)", text))
    return 0.55 + 0.047 * len(text) + 0.44 * stops


# --- the script -------------------------------------------------------------------------------


def script(timeline: Timeline, options: VoiceOptions | None = None) -> list[Line]:
    """Every phrase of an uninterrupted session at speed 1, in the order they are asked for
    (a phrase with a delay is due later: `Line.at`)."""
    options = options or VoiceOptions()
    lines: list[Line] = []
    for step in timeline.steps:
        events: list[Event] = [StepStarted(step.start, step)]
        events += [CueDue(step.start + cue.at, step, cue) for cue in step.cues]
        for event in events:
            for phrase in phrases(event, timeline, 1.0, options):
                lines.append(Line(event.at, phrase))
    return sorted(lines, key=lambda line: line.asked)  # stable: in the order they are asked


def texts(timeline: Timeline, options: VoiceOptions | None = None) -> set[str]:
    """Every text a session could say, to render before it is needed."""
    return {line.phrase.text for line in script(timeline, options)}


def phrases(
    event: Event, timeline: Timeline, speed: float = 1.0, options: VoiceOptions | None = None
) -> list[Phrase]:
    """What to say for one engine event (often nothing)."""
    options = options or VoiceOptions()
    if isinstance(event, StepStarted):
        jumped = event.reason not in ("next", "start")
        said = _on_step(event.step, timeline, jumped, event.into)
    elif isinstance(event, CueDue):
        said = _on_cue(event.step, event.cue, timeline, options)
    else:
        return []
    return [_at_speed(phrase, speed) for phrase in said]


def _at_speed(phrase: Phrase, speed: float) -> Phrase:
    """Session seconds to the speaker's seconds."""
    if speed == 1:
        return phrase
    return replace(phrase, delay=phrase.delay / speed, patience=phrase.patience / speed)


# --- while you get ready ----------------------------------------------------------------------


def _on_step(step: Step, timeline: Timeline, jumped: bool, into: float = 0.0) -> list[Phrase]:
    """`into`: the seconds of `step` passed over as it was entered."""
    if step.kind in (StepKind.EXERCISE_REST, StepKind.PREPARE):
        if jumped:  # you skipped or went back to here: no word for the step you left
            return _introduce(step, timeline, into)
        if step.index == timeline.exercise_starts[step.exercise_index]:
            return _letting_go(step, timeline) + _introduce(step, timeline)
        return []
    patience = max(1.5, step.duration / 2)  # a pause's word may come late, never after it
    if step.kind is StepKind.RELAX:
        return [Phrase(sentence(release(step.exercise)), Priority.PROMPT, patience=patience)]
    if step.kind is StepKind.SWITCH:
        letting_go = f"{sentence(release(step.exercise))} " if _is_hold(step.exercise) else ""
        text = f"{letting_go}Switch to your {step.side} side."
        return [Phrase(text, Priority.PROMPT, patience=patience)]
    if step.kind is StepKind.SET_REST:
        return [Phrase(_rest_text(step, timeline), Priority.PROMPT, patience=1.5)]
    return []


def _letting_go(step: Step, timeline: Timeline) -> list[Phrase]:
    """As an exercise of holds ends: its own word for letting go, if it has one and the next
    exercise's introduction still fits before its work."""
    if step.index == 0:
        return []
    before = timeline.steps[step.index - 1]
    word = before.exercise.spoken.release if before.exercise.spoken else None
    if before.kind is not StepKind.WORK or not _is_hold(before.exercise) or not word:
        return []
    text = sentence(word)
    introduction = [phrase.text for phrase in _introduce(step, timeline)]
    needed = sum(seconds_to_say(said) for said in [text, *introduction])
    if needed > _get_ready_seconds(step, timeline) - 1.0:
        return []
    return [Phrase(text, Priority.PROMPT, patience=1.5)]


def _introduce(step: Step, timeline: Timeline, into: float = 0.0) -> list[Phrase]:
    """Name, dose and side; how to do it; the first safety line the first time.

    How to do it is said only where it ends by HOW_OVERRUN into the work: said further over
    the start, it would drop the word that starts the work ("Turn, and hold."), which a person
    with eyes closed cannot do without. Where it does not fit, the name line says the side to
    start on (the words of how to do it would have said it); where even that would keep the
    start waiting past its patience (3 s to get ready for 5 s holds, after a skip), the name
    line leaves out the dose, which the words of the work tell."""
    exercise = step.exercise
    work = _first_work_step(step, timeline)
    window = _get_ready_seconds(step, timeline) - into
    opening = "First up" if step.exercise_index == 0 else "Next up"
    if step.kind is StepKind.EXERCISE_REST:
        opening = f"Rest. {opening}"
    name, told = _name_line(opening, exercise), how(exercise)
    if seconds_to_say(name) + seconds_to_say(told) > window + HOW_OVERRUN:
        line = _name_line(opening, exercise, side=True)
        if work is not None and seconds_to_say(line) > window + _start_patience(work, timeline):
            line = _name_line(opening, exercise, side=True, dose=False)
        return [Phrase(line, Priority.NAME, patience=window)]
    latest = window - seconds_to_say(told) + HOW_OVERRUN
    said = [
        Phrase(name, Priority.NAME, patience=window),
        Phrase(told, Priority.INSTRUCTION, patience=latest),
    ]
    if _safety_while_getting_ready(step, timeline):
        said.append(Phrase(exercise.safety[0], Priority.INSTRUCTION, patience=window))
    return said


def _name_line(opening: str, exercise: Exercise, side: bool = False, dose: bool = True) -> str:
    """'Next up: Upper Trapezius Stretch, hold 12 seconds each side.'; with `side`, the side
    to start on even where how to do it names it; without `dose`, the name (and side) only."""
    if not dose:
        first = _side_first(exercise.dose) if exercise.dose.per_side else ""
        return f"{opening}: {exercise.name}{first}."
    words = dose_words(exercise, side)
    return f"{opening}: {exercise.name}, {words[:1].lower()}{words[1:]}."


def _get_ready_seconds(step: Step, timeline: Timeline) -> float:
    """From this step to the exercise's first work."""
    work = _first_work_step(step, timeline)
    return (work.start if work else step.end) - step.start


def _first_work_step(step: Step, timeline: Timeline) -> Step | None:
    """The exercise's first work step from `step` on."""
    for index in timeline.exercise_span(step.exercise_index):
        later = timeline.steps[index]
        if later.index >= step.index and later.kind is StepKind.WORK:
            return later
    return None


def dose_words(exercise: Exercise, side: bool = False) -> str:
    """The dose as it is said: 'Hold 12 seconds each side, left side first' (the side left
    out where how to do it says it, unless `side`)."""
    dose = exercise.dose
    text = dose.describe()
    text = re.sub(r"\b(\d+) x ", r"\1 sets of ", text)
    text = re.sub(r"\b1 s\b", "1 second", text)
    text = re.sub(r"\b(\d+) s\b", r"\1 seconds", text)
    if isinstance(dose, TimedDose):
        text = f"Keep going {text}"
    told = re.search(rf"\b{dose.first_side}\b", how(exercise).lower())
    if dose.per_side and (side or not told):
        text += _side_first(dose)
    return text[:1].upper() + text[1:]


def _side_first(dose: AnyDose) -> str:
    return f", {dose.first_side} side first"


def how(exercise: Exercise) -> str:
    """How to do it, in a sentence or two: the exercise's own words, or its first steps."""
    if exercise.spoken is not None:
        return exercise.spoken.how
    said = [exercise.steps[0]]
    for step in exercise.steps[1:]:
        if len(" ".join([*said, step]).split()) > HOW_MAX_WORDS:
            break
        said.append(step)
    return " ".join(said)


def sentence(words: str) -> str:
    """Words ending as a sentence: 'Lower' -> 'Lower.'."""
    return words if words.endswith((".", "!", "?")) else f"{words}."


def start(exercise: Exercise, default: str) -> str:
    """The words that start a hold or a set of reps."""
    words = exercise.spoken.start if exercise.spoken else None
    return words or default


def release(exercise: Exercise) -> str:
    """The word for letting go of a hold."""
    word = exercise.spoken.release if exercise.spoken else None
    return word or RELEASE


def _says_safety(exercise_index: int, timeline: Timeline) -> bool:
    """The first safety line is said the first time an exercise comes up, unless an earlier
    exercise has said the same words ('Stop if you feel sharp pain.')."""
    exercise = timeline.exercises[exercise_index]
    if not exercise.safety:
        return False
    earlier = timeline.exercises[:exercise_index]
    return all(e.id != exercise.id and e.safety[:1] != exercise.safety[:1] for e in earlier)


def _safety_while_getting_ready(step: Step, timeline: Timeline) -> bool:
    """The first safety line is said while you get ready when it fits before the three, two,
    one; otherwise as the work starts."""
    exercise = step.exercise
    if not _says_safety(step.exercise_index, timeline):
        return False
    first = timeline.steps[timeline.exercise_starts[step.exercise_index]]
    opening = "Rest. Next up" if first.kind is StepKind.EXERCISE_REST else "Next up"
    needed = sum(
        seconds_to_say(text)
        for text in (_name_line(opening, exercise), how(exercise), exercise.safety[0])
    )
    return needed <= _get_ready_seconds(first, timeline) - COUNTDOWN_SECONDS


def _rest_text(step: Step, timeline: Timeline) -> str:
    """'Rest 45 seconds. Then set 2 of 3.', from the step after the rest."""
    after = timeline.steps[step.index + 1] if step.index + 1 < len(timeline.steps) else None
    rest = f"Rest {step.duration:g} seconds."
    if after is not None and after.set is not None:
        return f"{rest} Then set {after.set}."
    if after is not None and after.round is not None:
        return f"{rest} Then round {after.round}."
    return rest


# --- during the work ------------------------------------------------------------------------


def _on_cue(step: Step, cue: Cue, timeline: Timeline, options: VoiceOptions) -> list[Phrase]:
    kind = cue.kind
    if kind is CueKind.COUNTDOWN and cue.count in COUNT_WORDS:
        if _get_ready_follows(step, timeline):  # counting down to a get-ready says nothing
            return []
        # A lone "one" (its "two" lost to a busy voice or a skip) sounds like a rep count.
        after = COUNT_WORDS[2] if cue.count == 1 else None
        return [Phrase(COUNT_WORDS[cue.count], Priority.COUNT, patience=0.3, after=after)]
    if kind is CueKind.HALFWAY:
        return [Phrase("Halfway", Priority.COUNT, patience=1.0)]
    if kind is CueKind.SESSION_DONE:
        return [Phrase("Session done. Well done.", Priority.NAME)]
    if kind in (CueKind.WORK_START, CueKind.REP):
        return list(_work(step, timeline, options))
    return []


def _work(step: Step, timeline: Timeline, options: VoiceOptions) -> Iterator[Phrase]:
    """The words as a hold, a rep or a part of a round starts."""
    exercise, dose = step.exercise, step.exercise.dose
    said: list[Phrase] = []
    late = _start_patience(step, timeline)
    if isinstance(dose, HoldDose):
        side = f"{step.side.capitalize()} side. " if dose.alternate and step.side else ""
        said.append(Phrase(f"{side}{start(exercise, 'Hold.')}", Priority.PROMPT, patience=late))
    elif isinstance(dose, TimedDose):
        said.append(Phrase("Go.", Priority.PROMPT, patience=late))
    elif step.rep is not None:
        said += _rep(step, timeline, options)
    if (
        _first_work(step, timeline)
        and _says_safety(step.exercise_index, timeline)
        and not _safety_while_getting_ready(step, timeline)
    ):
        # After the word that starts the work (same priority, so it waits behind it), and
        # before the rep's way back, which waits behind it in turn: "Reach over. Lean only as
        # far as is comfortable. Back up.", not "Back up" and then the next rep unsaid.
        patience = max(step.duration, 3.0)
        safety = Phrase(exercise.safety[0], Priority.PROMPT, patience=patience)
        now = [phrase for phrase in said if not phrase.delay]
        said = [*now, safety, *(phrase for phrase in said if phrase.delay)]
    if options.full and isinstance(dose, HoldDose):
        said += _hold_cue(step, said)
    return iter(said)


def _rep(step: Step, timeline: Timeline, options: VoiceOptions) -> list[Phrase]:
    exercise, dose = step.exercise, step.exercise.dose
    rep = step.rep
    assert rep is not None
    said: list[Phrase] = []
    part_start = rep.number == 1
    word = exercise.spoken.release if exercise.spoken else None
    way_back = word if isinstance(dose, RepsDose) and step.duration >= MIDWAY_MIN_TEMPO else None
    half = step.duration / 2
    if isinstance(dose, RoundsDose) and part_start:
        words = _part_words(step)
        if step.round is not None and step.round.number > 1 and _first_part(step, timeline):
            words = f"Round {step.round.number}. {words}"
        said.append(Phrase(words, Priority.INSTRUCTION, patience=_start_patience(step, timeline)))
    elif part_start:
        late = _start_patience(step, timeline)
        said.append(Phrase(start(exercise, "Go."), Priority.PROMPT, patience=late))
    elif (cue := _rep_cue(step, options, way_back)) is not None:
        # After the way back, if the rep has one: said over it, it would leave you leaning.
        delay = half + seconds_to_say(way_back) if way_back else 0.0
        said.append(Phrase(cue, Priority.DETAIL, delay=delay, patience=1.0 if delay else 0.3))
    elif rep.number % options.count_every == 0 or rep.number == rep.total:
        said.append(Phrase(str(rep.number), Priority.COUNT, patience=0.3))
    if way_back:
        # Never lost: with your eyes closed, a lean or a lift with no word back is held on.
        # It may wait (behind a safety line, say) until the next rep starts.
        said.append(Phrase(way_back, Priority.PROMPT, delay=half, patience=half))
    return said


def _rep_cue(step: Step, options: VoiceOptions, way_back: str | None) -> str | None:
    """voice=full: the form cue said in this rep instead of its count, in turn, if one is due
    and it fits in what is left of the rep (after its way back, said halfway through).
    One that does not fit is left out: said over the next reps, it swallowed their counts and
    stacked their ways back ('Slowly back, Slowly back')."""
    exercise, rep = step.exercise, step.rep
    if not options.full or not exercise.cues or rep is None or rep.number % FULL_CUE_EVERY != 3:
        return None
    cue = exercise.cues[(step.index // FULL_CUE_EVERY) % len(exercise.cues)]
    cue = exercise.on_side(cue, step.side)
    room = step.duration - (step.duration / 2 + seconds_to_say(way_back) if way_back else 0.0)
    return cue if seconds_to_say(cue) <= room else None


def _part_words(step: Step) -> str:
    dose = step.exercise.dose
    assert isinstance(dose, RoundsDose)
    exercise = step.exercise
    for part in dose.parts:  # the plan's text is the part's, in the words of its side
        if exercise.on_side(part.do, step.side) == step.text:
            return exercise.on_side(part.spoken or f"{part.do}.", step.side)
    return f"{step.text}."


def _first_part(step: Step, timeline: Timeline) -> bool:
    before = timeline.steps[step.index - 1] if step.index > 0 else None
    return before is None or before.round != step.round or before.kind is not StepKind.WORK


def _start_patience(step: Step, timeline: Timeline) -> float:
    """How late the words that start a work step may be said. The exercise's first start is
    said late rather than not at all (a get-ready shorter than the name line: an imported
    routine's 5 s); later ones keep to the beat. A round's part is said within its part."""
    if isinstance(step.exercise.dose, RoundsDose):
        return max(step.duration, 3.0)
    first = _first_work(step, timeline)
    if step.rep is not None:
        return max(1.0, step.duration) if first else 1.0
    return max(1.5, step.duration / 2) if first else 1.5


def _first_work(step: Step, timeline: Timeline) -> bool:
    """True for the exercise's first work step."""
    for index in timeline.exercise_span(step.exercise_index):
        if timeline.steps[index].kind is StepKind.WORK:
            return index == step.index
    return False


def _hold_cue(step: Step, before: list[Phrase]) -> list[Phrase]:
    """voice=full: a form cue in a hold (a different one each hold), if it fits before the
    hold's last seconds."""
    cues = step.exercise.cues
    if not cues:
        return []
    number = step.hold.number if step.hold else 1
    side = 1 if step.side == "left" else 0
    cue = step.exercise.on_side(cues[(number - 1 + side) % len(cues)], step.side)
    delay = sum(seconds_to_say(phrase.text) for phrase in before) + 0.5
    reserve = COUNTDOWN_SECONDS + 0.5 if step.duration >= 10 else 0.3
    room = step.duration - reserve - delay - seconds_to_say(cue)
    if room < 0:
        return []
    return [Phrase(cue, Priority.DETAIL, delay=delay, patience=room)]


def _get_ready_follows(step: Step, timeline: Timeline) -> bool:
    after = step.index + 1
    return after < len(timeline.steps) and timeline.steps[after].kind is StepKind.PREPARE


def _is_hold(exercise: Exercise) -> bool:
    return isinstance(exercise.dose, HoldDose)


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
    (or dropped if it has run out of patience). A phrase that goes on from another
    (`Phrase.after`) is dropped unless that one is the last kept so far.
    """

    def __init__(self) -> None:
        self._slots: list[Slot] = []  # playing or waiting, in start order
        self.dropped: list[Phrase] = []
        self._last_kept: Phrase | None = None  # the last phrase kept, while it still is

    def offer(self, phrase: Phrase, seconds: float, now: float) -> Slot | None:
        """Fit in a phrase asked for at `now` that takes `seconds`; None if it is dropped."""
        self._slots = [slot for slot in self._slots if not (slot.playing and slot.end <= now)]
        wanted = now + phrase.delay
        new = Slot(phrase, wanted, seconds, latest=wanted + phrase.patience)
        stays: list[Slot] = []
        bumped: list[Slot] = []
        for slot in self._slots:
            # A waiting lower phrase steps aside only if it is in the new one's way.
            clear = slot.end <= wanted
            keeps = slot.playing or slot.phrase.priority >= phrase.priority or clear
            (stays if keeps else bumped).append(slot)
        if not self._goes_on(phrase) or not self._fit(new, stays):
            self._drop(phrase)
            return None
        self._last_kept = phrase
        for slot in bumped:  # lower ones that were waiting try again, after the new one
            if not self._fit(slot, self._slots):
                self._drop(slot.phrase)
        return new

    def _goes_on(self, phrase: Phrase) -> bool:
        """False for a phrase that goes on from one that is not being said."""
        if phrase.after is None:
            return True
        return self._last_kept is not None and self._last_kept.text == phrase.after

    def _drop(self, phrase: Phrase) -> None:
        self.dropped.append(phrase)
        if phrase is self._last_kept:
            self._last_kept = None

    def _fit(self, slot: Slot, others: list[Slot]) -> bool:
        """Place `slot` at its start or after the last of `others`; False if too late."""
        slot.start = max([slot.start, *(other.end for other in others)])
        if slot.start > slot.latest:
            return False
        self._slots = sorted([*others, slot], key=lambda s: s.start)
        return True

    def forget_waiting(self) -> None:
        """Drop every phrase not yet playing (the session jumped: they are about a step that is
        no longer the one you are on); the one playing is never cut off."""
        self._slots = [slot for slot in self._slots if slot.playing]
        self._last_kept = None  # what comes next goes on from nothing said before the jump

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


def rehearse(lines: list[Line], seconds: dict[str, float] | None = None) -> list[Slot]:
    """The script through the scheduler, each phrase taking `seconds[text]` (or about what
    espeak-ng takes): what a listener hears at speed 1, with start times. Dropped phrases are
    left out."""
    scheduler = VoiceScheduler()
    heard: list[Slot] = []
    for line in lines:
        heard += scheduler.due(line.asked)
        length = (seconds or {}).get(line.phrase.text) or seconds_to_say(line.phrase.text)
        scheduler.offer(line.phrase, length, line.asked)
    heard += scheduler.due(math.inf)
    return heard
