"""The voice: which phrases a session says, and a scheduler that never overlaps or cuts off.

Driven by a virtual clock and a fake speaker (a phrase lasts 60 ms per character), so the
whole session is simulated in milliseconds.
"""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import math
import time

import pytest
from conftest import make_exercise, make_routine

from stretchtimer.library.loader import load_catalog
from stretchtimer.library.models import RepsDose, Spoken
from stretchtimer.session.clock import VirtualClock
from stretchtimer.session.commands import Command
from stretchtimer.session.engine import CueDue, Engine, Event, StepStarted
from stretchtimer.session.plan import Cue, CueKind, StepKind, Timeline, plan
from stretchtimer.sound.announcer import Announcer
from stretchtimer.sound.clips import Clip
from stretchtimer.sound.voice import (
    MIDWAY_MIN_TEMPO,
    Phrase,
    Priority,
    Slot,
    VoiceOptions,
    VoiceScheduler,
    how,
    phrases,
    rehearse,
    script,
)
from stretchtimer.sound.voice import seconds_to_say as voice_seconds


def sided_session() -> Timeline:
    """prepare 10 | right 30 s, switch, left 30 s | rest 15 | prepare | 2 sets of 3 reps."""
    stretch = make_exercise("stretch", kind="hold", seconds=30, per_side=True)
    stretch = dataclasses.replace(
        stretch, cues=["Keep your back flat.", "Breathe out."], safety=["Go gently."]
    )
    squats = make_exercise("squats", kind="reps", reps=3, sets=2, tempo=3, rest=10)
    squats = dataclasses.replace(
        squats,
        steps=["Stand tall.", "Bend your knees."],
        spoken=Spoken(how="Bend your knees and stand up.", release="Up"),
        safety=["Go gently."],
    )
    return plan(make_routine("stretch", "squats", prepare=10, rest=15), [stretch, squats])


def seconds_to_say(text: str) -> float:
    return 0.06 * len(text)


def events_of(timeline: Timeline, speed: float = 1.0) -> list[Event]:
    clock = VirtualClock()
    engine = Engine(timeline, clock, speed)
    seen: list[Event] = []
    engine.subscribe(seen.append)
    asyncio.run(engine.run())
    return seen


def said(timeline: Timeline, full: bool = False, every: int = 1) -> list[str]:
    options = VoiceOptions(full=full, count_every=every)
    return [p.text for e in events_of(timeline) for p in phrases(e, timeline, 1.0, options)]


def test_a_session_is_coached_in_order() -> None:
    texts = said(sided_session())
    assert texts[:2] == [
        "First up: Stretch, hold 30 seconds each side, right side first.",
        "Do the move.",  # no spoken words: its steps
    ]
    # the first safety line, the first time: as the work starts (no time left before it)
    assert texts[2:7] == ["three", "two", "one", "Hold.", "Go gently."]
    assert "Relax. Switch to your left side." in texts
    assert "Halfway" in texts
    rest = texts.index("Rest. Next up: Squats, 2 sets of 3 reps.")
    # its own words; the same safety line is not said twice in a session
    assert texts[rest + 1] == "Bend your knees and stand up."
    assert texts.count("Go gently.") == 1
    assert not any(t.startswith("First up: Squats") for t in texts)
    reps = texts[rest + 2 :]
    assert reps[:5] == ["three", "two", "one", "Go.", "Up"]  # the way back, halfway in a rep
    assert "Rest 10 seconds. Then set 2 of 2." in reps
    assert reps.count("3") == 2 and reps.count("Up") == 6
    assert texts[-1] == "Session done. Well done."


def test_the_rep_count_every_few_reps() -> None:
    squats = make_exercise("squats", kind="reps", reps=10, tempo=2)
    timeline = plan(make_routine("squats"), [squats])
    assert [t for t in said(timeline, every=4) if t.isdigit()] == ["4", "8", "10"]
    assert [t for t in said(timeline) if t.isdigit()] == [str(n) for n in range(2, 11)]


def test_each_part_of_a_round_in_its_own_words() -> None:
    rolls = make_exercise(
        "rolls",
        kind="rounds",
        rounds=2,
        parts=[
            {"do": "Roll backwards", "reps": 2, "tempo": 2, "spoken": "Backwards."},
            {"do": "Roll forwards", "reps": 2, "tempo": 2},
        ],
    )
    texts = said(plan(make_routine("rolls"), [rolls]))
    assert texts[texts.index("Backwards.") :][:4] == ["Backwards.", "2", "Roll forwards.", "2"]
    assert "Round 2. Backwards." in texts


def test_a_hold_lets_go_in_the_exercises_own_word() -> None:
    knee = make_exercise(
        "knee", kind="hold", seconds=5, repeats=2, relax=3, per_side=True, alternate=True
    )
    knee = dataclasses.replace(knee, spoken=Spoken(how="Lie down.", release="Lower"))
    texts = said(plan(make_routine("knee"), [knee]))
    holds = [t for t in texts if t.endswith("Hold.") or t == "Lower."]
    assert holds[:4] == ["Right side. Hold.", "Lower.", "Left side. Hold.", "Lower."]
    # and its own words to start each hold
    knee = dataclasses.replace(knee, spoken=Spoken(how="Lie down.", start="Knee to chest."))
    texts = said(plan(make_routine("knee"), [knee]))
    assert "Left side. Knee to chest." in texts and "Relax." in texts


def test_a_set_of_reps_starts_with_the_exercises_own_word() -> None:
    lifts = make_exercise("lifts", kind="reps", reps=3, sets=2, tempo=3, rest=10)
    lifts = dataclasses.replace(
        lifts, spoken=Spoken(how="Lie face down.", start="Lift.", release="Lower")
    )
    texts = said(plan(make_routine("lifts"), [lifts]))
    assert texts.count("Lift.") == 2 and "Go." not in texts  # each set
    assert texts[texts.index("Lift.") :][:4] == ["Lift.", "Lower", "2", "Lower"]


def test_full_voice_reads_form_cues_in_holds_and_rep_sets() -> None:
    assert "Keep your back flat." not in said(sided_session())
    texts = said(sided_session(), full=True)
    assert texts.count("Keep your back flat.") == 1  # one cue a hold, in turn
    assert texts.count("Breathe out.") == 1
    long_set = make_exercise("rows", kind="reps", reps=8, tempo=3)
    long_set = dataclasses.replace(long_set, cues=["Elbows high."])
    full = said(plan(make_routine("rows"), [long_set]), full=True)
    assert full.count("Elbows high.") == 2  # reps 3 and 7, in place of their count
    assert "3" not in full and "7" not in full


def test_script_lists_every_phrase_with_its_time() -> None:
    timeline = sided_session()
    lines = script(timeline, VoiceOptions(full=True))
    assert [line.phrase.text for line in lines] == said(timeline, full=True)
    assert lines[0].at == 0.0 and lines[-1].at == timeline.total
    work = timeline.steps[1]
    assert next(line.at for line in lines if line.phrase.text == "Hold.") == work.start
    assert all(a.asked <= b.asked for a, b in itertools.pairwise(lines))


def test_a_skip_into_a_get_ready_introduces_the_exercise() -> None:
    timeline = sided_session()
    prepare = next(
        s for s in timeline.steps if s.kind is StepKind.PREPARE and s.exercise_index == 1
    )
    assert phrases(StepStarted(0.0, prepare), timeline) == []  # the rest before it did
    jumped = [p.text for p in phrases(StepStarted(0.0, prepare, "skip"), timeline)]
    assert jumped == ["Next up: Squats, 2 sets of 3 reps.", "Bend your knees and stand up."]


def test_every_built_in_exercise_has_its_own_spoken_words() -> None:
    catalog = load_catalog()
    for exercise_id in catalog.exercises:
        exercise = catalog.exercise(exercise_id)
        assert exercise.spoken is not None, exercise_id
        assert len(exercise.spoken.how.split()) <= 25, exercise_id
        assert how(exercise) == exercise.spoken.how


# --- the scheduler ----------------------------------------------------------------------------


def simulate(
    timeline: Timeline, speed: float = 1.0, full: bool = True
) -> tuple[list[Slot], VoiceScheduler]:
    """Feed a whole session's phrases to the scheduler at their times; return what was said."""
    scheduler = VoiceScheduler()
    played: list[Slot] = []
    asked: list[tuple[float, Phrase]] = []
    for event in events_of(timeline, speed):
        now = event.at / speed if speed != 1 else event.at
        played += scheduler.due(now)
        for phrase in phrases(event, timeline, speed, VoiceOptions(full=full)):
            slot = scheduler.offer(phrase, seconds_to_say(phrase.text), now)
            asked.append((now, phrase))
            if slot is not None:
                assert slot.start >= now + phrase.delay
    played += scheduler.due(math.inf)
    return played, scheduler


@pytest.mark.parametrize("speed", [1.0, 3.0, 10.0])
def test_phrases_never_overlap_and_none_is_cut_off(speed: float) -> None:
    played, _ = simulate(sided_session(), speed)
    for before, after in itertools.pairwise(played):
        assert after.start >= before.end - 1e-9, (before, after)


def test_at_normal_speed_every_exercise_name_is_said() -> None:
    played, scheduler = simulate(sided_session())
    names = [s.phrase.text for s in played if s.phrase.priority >= Priority.INSTRUCTION]
    assert len(names) == 5  # first up and how; next up and how; session done
    assert all(p.priority < Priority.INSTRUCTION for p in scheduler.dropped)


def test_a_busy_voice_drops_an_impatient_count_but_delays_a_name() -> None:
    scheduler = VoiceScheduler()
    scheduler.offer(Phrase("Rest. Next up: a long name", Priority.NAME), 2.0, now=0.0)
    scheduler.due(0.0)
    assert scheduler.offer(Phrase("three", Priority.COUNT, patience=0.3), 0.4, now=1.0) is None
    late_name = scheduler.offer(Phrase("Session done", Priority.NAME), 1.0, now=1.0)
    assert late_name is not None and late_name.start == 2.0  # after, not over, the first


def test_a_waiting_low_phrase_steps_aside_for_a_higher_one() -> None:
    scheduler = VoiceScheduler()
    scheduler.offer(Phrase("Now playing", Priority.PROMPT), 1.0, now=0.0)
    scheduler.due(0.0)
    low = scheduler.offer(Phrase("Halfway", Priority.COUNT, patience=5.0), 0.5, now=0.1)
    assert low is not None and low.start == 1.0
    high = scheduler.offer(Phrase("Switch sides", Priority.PROMPT), 0.8, now=0.2)
    assert high is not None and high.start == 1.0
    assert [(s.phrase.text, s.start) for s in scheduler] == [
        ("Now playing", 0.0),
        ("Switch sides", 1.0),
        ("Halfway", 1.8),
    ]
    impatient = scheduler.offer(Phrase("one", Priority.COUNT, patience=0.1), 0.3, now=0.3)
    assert impatient is None


def test_a_bumped_phrase_past_its_patience_is_dropped() -> None:
    scheduler = VoiceScheduler()
    scheduler.offer(Phrase("a", Priority.PROMPT), 1.0, now=0.0)
    scheduler.due(0.0)
    scheduler.offer(Phrase("low", Priority.COUNT, patience=0.5), 0.5, now=0.5)
    scheduler.offer(Phrase("high", Priority.NAME), 2.0, now=0.6)
    assert [s.phrase.text for s in scheduler] == ["a", "high"]
    assert [p.text for p in scheduler.dropped] == ["low"]


def count(text: str) -> Phrase:
    """A word of the last three seconds, as the script asks for it."""
    step = sided_session().steps[1]  # the first hold: it counts down its last three seconds
    cue = next(
        c
        for c in step.cues
        if c.kind is CueKind.COUNTDOWN and c.count == {"three": 3, "two": 2, "one": 1}[text]
    )
    (phrase,) = phrases(CueDue(step.start + cue.at, step, cue), sided_session())
    return phrase


def test_one_is_never_said_without_the_two_before_it() -> None:
    scheduler = VoiceScheduler()
    scheduler.offer(Phrase("How to do it, at length", Priority.INSTRUCTION), 1.9, now=0.0)
    scheduler.due(0.0)
    assert scheduler.offer(count("three"), 0.4, now=0.0) is None  # the voice is busy
    assert scheduler.offer(count("two"), 0.4, now=1.0) is None
    assert scheduler.offer(count("one"), 0.4, now=2.0) is None  # free by its patience, alone
    heard = [
        scheduler.offer(count(word), 0.4, now=3.0 + n)
        for n, word in enumerate(["three", "two", "one"])
    ]
    assert all(heard)  # a whole count is said


def test_two_may_start_a_count_cut_short() -> None:
    scheduler = VoiceScheduler()
    scheduler.offer(Phrase("Hold.", Priority.PROMPT), 1.2, now=0.0)
    scheduler.due(0.0)
    assert scheduler.offer(count("three"), 0.4, now=0.5) is None
    assert scheduler.offer(count("two"), 0.4, now=1.1) is not None
    assert scheduler.offer(count("one"), 0.4, now=2.1) is not None


def test_a_skip_between_two_and_one_leaves_no_lone_one() -> None:
    scheduler = VoiceScheduler()
    scheduler.offer(count("two"), 0.4, now=0.0)
    scheduler.due(0.0)
    scheduler.forget_waiting()  # a skip: the next step's count starts afresh
    assert scheduler.offer(count("one"), 0.4, now=0.5) is None


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("routine_id", sorted(load_catalog().routines))
def test_no_built_in_script_has_a_lone_one(routine_id: str, full: bool) -> None:
    catalog = load_catalog()
    routine = catalog.routine(routine_id)
    timeline = plan(routine, catalog.routine_exercises(routine))
    heard = [slot.phrase.text for slot in rehearse(script(timeline, VoiceOptions(full=full)))]
    for before, word in itertools.pairwise(heard):
        if word == "one":
            assert before == "two", heard


def test_a_waiting_low_phrase_keeps_its_place_before_a_later_higher_one() -> None:
    scheduler = VoiceScheduler()
    scheduler.offer(Phrase("Back up", Priority.PROMPT), 0.9, now=0.0)
    scheduler.due(0.0)
    count_ = scheduler.offer(Phrase("2", Priority.COUNT, patience=0.3), 0.6, now=0.8)
    later = Phrase("Back up", Priority.PROMPT, delay=2.5, patience=2.5)
    scheduler.offer(later, 0.9, now=0.8)
    assert count_ is not None and [s.phrase.text for s in scheduler] == ["Back up", "2", "Back up"]


@pytest.mark.parametrize("full", [False, True])
@pytest.mark.parametrize("routine_id", sorted(load_catalog().routines))
def test_every_rep_that_leans_or_lifts_hears_its_way_back(routine_id: str, full: bool) -> None:
    """Eyes closed, a rep with no word back ('Back up', 'Lower') leaves you leaning."""
    catalog = load_catalog()
    routine = catalog.routine(routine_id)
    timeline = plan(routine, catalog.routine_exercises(routine))
    heard = rehearse(script(timeline, VoiceOptions(full=full)))
    for step in timeline.steps:
        spoken = step.exercise.spoken
        word = spoken.release if spoken else None
        if step.kind is not StepKind.WORK or step.rep is None or not word:
            continue
        if not isinstance(step.exercise.dose, RepsDose) or step.duration < MIDWAY_MIN_TEMPO:
            continue
        within = [s.phrase.text for s in heard if step.start < s.start <= step.end]
        assert word in within, (step.exercise.id, step.start, within)


# --- the announcer at run time, with a fake speaker and player ------------------------------


class FakeSpeaker:
    name = "fake"

    def __init__(self, seconds: float = 0.0) -> None:
        self.seconds = seconds  # how long a render takes
        self.volumes: set[int] = set()

    def render(self, text: str, volume: int) -> Clip:
        time.sleep(self.seconds)
        self.volumes.add(volume)
        frames = b"\0\0" * int(44100 * seconds_to_say(text))
        return Clip(text, frames)


class FakePlayer:
    volume = 100

    def __init__(self) -> None:
        self.played: list[tuple[str, float]] = []

    def play_clip(self, clip: Clip) -> None:
        self.played.append((clip.name, asyncio.get_running_loop().time()))


async def test_the_announcer_plays_a_phrase_now_and_queues_the_next() -> None:
    timeline = sided_session()
    player = FakePlayer()
    announcer = Announcer(player, FakeSpeaker(), timeline)  # type: ignore[arg-type]
    holds = make_exercise("holds", kind="hold", seconds=30, repeats=2, relax=5)
    relax = next(s for s in plan(make_routine("holds"), [holds]).steps if s.kind == "relax")
    heard: list[str] = []
    announcer.listeners.append(heard.append)
    loop = asyncio.get_running_loop()
    asked = loop.time()
    await announcer(StepStarted(0.0, relax))
    offered = loop.time()
    await announcer(CueDue(0.0, relax, Cue(0.0, CueKind.HALFWAY)))
    for _ in range(5):  # no time to wait: it is due at once
        await asyncio.sleep(0)
    said = "Relax."
    assert [name for name, _ in player.played] == [said] == heard
    [playing] = [s for s in announcer.scheduler if s.playing]
    assert playing.phrase.text == said and asked <= playing.start <= offered  # now
    assert player.played[0][1] >= playing.start
    waiting = [s for s in announcer.scheduler if not s.playing]
    assert [s.phrase.text for s in waiting] == ["Halfway"]
    # next, once the first has been said in full (however late the loop got to playing it)
    assert playing.seconds == pytest.approx(seconds_to_say(said))
    assert waiting[0].start == playing.end
    await announcer(StepStarted(0.0, timeline.steps[0]))  # a name: bumps "Halfway" behind it
    assert [s.phrase.text for s in announcer.scheduler][1].startswith("First up")
    await announcer(StepStarted(0.0, timeline.steps[0], "skip"))  # a jump: waiting ones go
    assert next(s.phrase.text for s in announcer.scheduler if not s.playing).startswith("First")


async def test_every_phrase_is_rendered_at_the_players_volume() -> None:
    timeline = sided_session()
    # Renders take a moment, so the first phrase is rendered on demand, not by the warm-up.
    player, speaker = FakePlayer(), FakeSpeaker(seconds=0.02)
    player.volume = 30
    announcer = Announcer(player, speaker, timeline)  # type: ignore[arg-type]
    await announcer(StepStarted(0.0, timeline.steps[0]))  # said at once, before the warm-up
    await announcer.finish(limit=0.1)
    assert speaker.volumes == {30}


@pytest.mark.parametrize("prepare", [3, 5, 8, 10])
@pytest.mark.parametrize("routine_id", sorted(load_catalog().routines))
def test_the_word_that_starts_each_exercise_s_work_is_always_said(
    routine_id: str, prepare: int
) -> None:
    """Eyes closed, the work begins when the voice says so. How to do it, said over the start,
    dropped that word ("Turn, and hold." in Chair Rotation with a short get-ready): where it
    cannot end in time it gives way, and the name line says the side to start on; the first
    start waits for the name line (said late, not dropped); and where the name line would
    keep it waiting too long (3 s to get ready for Knee-to-Chest's 5 s holds), the name line
    is the name and side only."""
    from stretchtimer.session.plan import session_timeline
    from stretchtimer.settings import Settings

    catalog = load_catalog()
    routine = catalog.routine(routine_id)
    settings = Settings(prepare=prepare, rest=0)
    timeline = session_timeline(routine, catalog.routine_exercises(routine), settings)
    lines = script(timeline, VoiceOptions())
    heard = {id(slot.phrase) for slot in rehearse(lines)}
    for index in range(len(timeline.exercises)):
        work = next(
            step
            for step in timeline.steps
            if step.exercise_index == index and step.kind is StepKind.WORK
        )
        starting = [  # "Hold.", "Lift.", or a round's first part: "Cat: round your back."
            line.phrase
            for line in lines
            if line.asked == work.start
            and line.phrase.priority in (Priority.PROMPT, Priority.INSTRUCTION)
            and line.phrase.text not in work.exercise.safety
        ]
        assert starting, (routine_id, work.exercise.id)
        assert id(starting[0]) in heard, (routine_id, work.exercise.id, starting[0].text)
        dose = work.exercise.dose
        if dose.per_side:
            named = [line.phrase.text for line in lines if line.phrase.priority is Priority.NAME]
            said_how = any(line.phrase.text == how(work.exercise) for line in lines)
            assert said_how or any(
                f"{work.exercise.name}," in text and f"{dose.first_side} side first" in text
                for text in named
            ), (routine_id, work.exercise.id)


def heard_with_skips(timeline: Timeline, skips: list[float]) -> list[str]:
    """What a listener hears of a session at speed 1 with a skip of the exercise at each of
    `skips` (session seconds), as the announcer schedules it: what waited is forgotten at a
    jump."""
    clock = VirtualClock()
    engine = Engine(timeline, clock)
    events: list[Event] = []
    engine.subscribe(events.append)
    for at in skips:
        clock.at(at, lambda: engine.send(Command.SKIP_EXERCISE))
    asyncio.run(engine.run())
    scheduler = VoiceScheduler()
    heard: list[Slot] = []
    for event in events:
        heard += scheduler.due(event.at)
        if isinstance(event, StepStarted) and event.reason not in ("next", "start"):
            scheduler.forget_waiting()
        for phrase in phrases(event, timeline):
            scheduler.offer(phrase, voice_seconds(phrase.text), event.at)
    heard += scheduler.due(math.inf)
    return [slot.phrase.text for slot in heard]


@pytest.mark.parametrize("routine_id", sorted(load_catalog().routines))
def test_after_a_skip_the_next_exercise_is_named_and_its_start_said(routine_id: str) -> None:
    """A skip lands on the last 3 s of the next exercise's get-ready. The voice planned for the
    whole get-ready: the name line and how to do it ran on for seconds into the work, and its
    first word ("Left side. Knee to chest.") was dropped."""
    catalog = load_catalog()
    routine = catalog.routine(routine_id)
    timeline = plan(routine, catalog.routine_exercises(routine))
    for index in range(len(timeline.exercises) - 1):
        work = next(s for s in timeline.steps if s.exercise_index == index and s.kind == "work")
        heard = heard_with_skips(timeline, [work.start + 1.0])
        after = timeline.exercises[index + 1]
        first_work = next(
            s for s in timeline.steps if s.exercise_index == index + 1 and s.kind == "work"
        )
        starts = [  # "Hold.", "Lift.", or a round's first part: "Cat: round your back."
            line.phrase.text
            for line in script(timeline)
            if line.asked == first_work.start
            and line.phrase.priority in (Priority.PROMPT, Priority.INSTRUCTION)
            and line.phrase.text not in after.safety
        ][:1]
        named = [text for text in heard if text.startswith(f"Next up: {after.name}")]
        assert named and starts and starts[0] in heard[heard.index(named[0]) :], (
            routine_id,
            after.id,
            heard,
        )


def test_a_first_start_after_a_name_longer_than_the_get_ready_is_said_late() -> None:
    """Workrave's routine: a 5 s get-ready, a name line of about 6 s. 'Right side. Hold.' was
    dropped, and the first words after the name were the countdown of a hold never begun."""
    stretch = make_exercise("a-stretch-with-a-long-name-indeed", kind="hold", seconds=10)
    stretch = dataclasses.replace(
        stretch,
        name="Shoulder and arm stretch across the chest",  # a name line of 6 s or more
        dose=dataclasses.replace(stretch.dose, per_side=True, alternate=True),
    )
    timeline = plan(make_routine(stretch.id, prepare=5, rest=0), [stretch])
    heard = [slot.phrase.text for slot in rehearse(script(timeline, VoiceOptions()))]
    assert heard[0].startswith("First up: Shoulder") and heard[1] == "Right side. Hold."


@pytest.mark.parametrize("routine_id", sorted(load_catalog().routines))
def test_full_voice_s_form_cue_takes_one_count_s_place_not_three(routine_id: str) -> None:
    """A cue longer than a rep swallowed the next counts and stacked the ways back: '2, Slowly
    back, Slowly back, Keep your shoulders down..., Slowly back, Slowly back, 6'."""
    catalog = load_catalog()
    routine = catalog.routine(routine_id)
    timeline = plan(routine, catalog.routine_exercises(routine))
    heard = [slot.phrase.text for slot in rehearse(script(timeline, VoiceOptions(full=True)))]
    counts = [int(text) for text in heard if text.isdigit()]
    for before, after in itertools.pairwise(counts):
        assert after <= 2 or after - before <= 2, (routine_id, before, after)
