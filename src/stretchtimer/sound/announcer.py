"""The voice at run time: turns engine events into phrases (voice.py says which and when),
renders them off the event loop, and hands each to the player when the scheduler says so.
Whoever listens (plain mode's `say:` lines, a transcript) hears of each phrase as it starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable

from stretchtimer.session.engine import Event, StepStarted
from stretchtimer.session.plan import Timeline
from stretchtimer.sound.clips import Clip, ClipError
from stretchtimer.sound.player import Player
from stretchtimer.sound.speech import Speaker, find_speaker
from stretchtimer.sound.voice import Phrase, VoiceOptions, VoiceScheduler, phrases, texts

log = logging.getLogger(__name__)


class Announcer:
    """An engine subscriber that speaks. Scheduling runs on the event loop's own clock."""

    def __init__(
        self,
        player: Player,
        speaker: Speaker,
        timeline: Timeline,
        speed: float = 1.0,
        options: VoiceOptions | None = None,
    ) -> None:
        self.player = player
        self.speaker = speaker
        self.timeline = timeline
        self.speed = speed
        self.options = options or VoiceOptions()
        self.scheduler = VoiceScheduler()
        self.listeners: list[Callable[[str], object]] = []
        """Told the text of each phrase as it starts to play."""
        self._clips: dict[str, Clip] = {}
        self._timer: asyncio.TimerHandle | None = None
        self._warming: asyncio.Future[None] | None = None

    async def __call__(self, event: Event) -> None:
        loop = asyncio.get_running_loop()
        if self._warming is None:  # render the rest of the session's phrases in the background
            self._warming = loop.run_in_executor(None, self._render_all)
        if isinstance(event, StepStarted) and event.reason not in ("next", "start"):
            self.scheduler.forget_waiting()  # a skip or a back: what waited is out of date
        for phrase in phrases(event, self.timeline, self.speed, self.options):
            clip = await self._clip(phrase)
            if clip is not None:
                self.scheduler.offer(phrase, clip.seconds, loop.time())
        self._arm(loop)

    async def _clip(self, phrase: Phrase) -> Clip | None:
        if phrase.text not in self._clips:
            try:
                self._clips[phrase.text] = await asyncio.to_thread(self._render, phrase.text)
            except ClipError as error:
                log.warning("%s", error)
                return None
        return self._clips[phrase.text]

    def _render_all(self) -> None:
        for text in sorted(texts(self.timeline, self.options), key=len):
            if text not in self._clips:
                with contextlib.suppress(ClipError):
                    self._clips[text] = self._render(text)

    def _render(self, text: str) -> Clip:
        """A phrase at the player's volume (the player plays phrases as they come)."""
        return self.speaker.render(text, self.player.volume)

    async def finish(self, limit: float = 10.0) -> None:
        """Let the phrases still waiting be said (the session is over, the loop may end)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + limit
        while (start := self.scheduler.next_start()) is not None and start < deadline:
            await asyncio.sleep(max(0.0, start - loop.time()) + 0.001)

    def _arm(self, loop: asyncio.AbstractEventLoop) -> None:
        """Wake once, when the next waiting phrase is due."""
        if self._timer is not None:
            self._timer.cancel()
        start = self.scheduler.next_start()
        self._timer = None if start is None else loop.call_at(start, self._speak, loop)

    def _speak(self, loop: asyncio.AbstractEventLoop) -> None:
        for slot in self.scheduler.due(loop.time()):
            self.player.play_clip(self._clips[slot.phrase.text])
            for listener in self.listeners:
                listener(slot.phrase.text)
        self._arm(loop)


def voice_for(
    player: Player, voice: str, timeline: Timeline, speed: float, count_every: int = 1
) -> tuple[Announcer | None, str]:
    """The announcer for `voice` (off, on, full) if a speech engine is here, and a status."""
    if voice == "off":
        return None, "voice: off"
    speaker, _ = find_speaker()
    if speaker is None:
        return None, "voice: off, no espeak-ng or say found"
    options = VoiceOptions(full=voice == "full", count_every=count_every)
    announcer = Announcer(player, speaker, timeline, speed, options)
    return announcer, f"voice: {speaker.name}"
