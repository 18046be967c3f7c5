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

from stretchtimer.session.clock import VirtualClock
from stretchtimer.session.engine import CueDue, Engine, Event, StepStarted
from stretchtimer.session.plan import Cue, CueKind, Timeline, plan
from stretchtimer.sound.announcer import Announcer
from stretchtimer.sound.clips import Clip
from stretchtimer.sound.voice import Phrase, Priority, Slot, VoiceScheduler, phrases, script


def sided_session() -> Timeline:
    """prepare 10 | right 30 s, switch, left 30 s | rest 15 | prepare | 2 sets of 3 reps."""
    stretch = make_exercise("stretch", kind="hold", seconds=30, per_side=True)
    stretch = dataclasses.replace(stretch, cues=["Keep your back flat.", "Breathe out."])
    squats = make_exercise("squats", kind="reps", reps=3, sets=2, tempo=2, rest=10)
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


def said(timeline: Timeline, full: bool = False) -> list[str]:
    return [p.text for e in events_of(timeline) for p in phrases(e, timeline, full=full)]


def test_a_session_is_announced_in_order() -> None:
    texts = said(sided_session())
    assert texts[0] == "First up: Stretch. Hold 30 seconds each side."
    assert texts[1:4] == ["three", "two", "one"]
    assert texts.index("Right side") < texts.index("Switch sides") < texts.index("Left side")
    assert texts.count("Right side") == texts.count("Left side") == 1
    assert "Halfway" in texts
    assert "Rest. Next up: Squats. 2 sets of 3 reps." in texts
    assert not any(t.startswith("First up: Squats") for t in texts)
    assert texts.count("Rest") == 1  # the one rest between the two sets
    assert texts[-1] == "Session done. Well done."


def test_full_voice_reads_form_cues_during_long_holds_only() -> None:
    assert "Keep your back flat." not in said(sided_session())
    texts = said(sided_session(), full=True)
    assert texts.count("Keep your back flat.") == 2  # once on each side
    assert "Breathe out." in texts


def test_script_lists_every_phrase_a_session_can_say() -> None:
    timeline = sided_session()
    assert set(said(timeline, full=True)) <= script(timeline, full=True)
    assert "Left side" in script(timeline)


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
        for phrase in phrases(event, timeline, speed, full):
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
    names = [s.phrase.text for s in played if s.phrase.priority is Priority.NAME]
    assert len(names) == 3  # first up, next up, session done
    assert all(p.priority is not Priority.NAME for p in scheduler.dropped)


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
    step = timeline.steps[1]
    await announcer(CueDue(0.0, step, Cue(0.0, CueKind.SWITCH_SIDES)))
    await announcer(CueDue(0.0, step, Cue(0.0, CueKind.HALFWAY)))
    for _ in range(5):
        await asyncio.sleep(0)
    assert [name for name, _ in player.played] == ["Switch sides"]
    waiting = [s for s in announcer.scheduler if not s.playing]
    assert [s.phrase.text for s in waiting] == ["Halfway"]
    assert waiting[0].start == pytest.approx(player.played[0][1] + seconds_to_say("Switch sides"))
    await announcer(StepStarted(0.0, timeline.steps[0]))  # a name: bumps "Halfway" behind it
    assert [s.phrase.text for s in announcer.scheduler][1].startswith("First up")


async def test_every_phrase_is_rendered_at_the_players_volume() -> None:
    timeline = sided_session()
    # Renders take a moment, so the first phrase is rendered on demand, not by the warm-up.
    player, speaker = FakePlayer(), FakeSpeaker(seconds=0.02)
    player.volume = 30
    announcer = Announcer(player, speaker, timeline)  # type: ignore[arg-type]
    await announcer(StepStarted(0.0, timeline.steps[0]))  # said at once, before the warm-up
    await announcer.finish(limit=0.1)
    assert speaker.volumes == {30}
