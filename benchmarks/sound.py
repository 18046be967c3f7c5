"""Does sound delay the timer? The engine's cue lateness with and without sound and voice.

Runs the one-minute benchmark routine in real time, first with only a timing subscriber, then
with the cue player (simpleaudio -> ALSA, captured to files by tests/fixtures/alsa-capture.conf
so no sound card is needed) and the voice (espeak-ng) subscribed too, alternating. Figures:

- cue lateness: when the timing subscriber received each CueDue, minus when it was due, in ms;
- hand-off: when the player thread gave each cue to the backend, minus when it was due, in ms
  (how late a cue is heard, before the device's own buffering).

    .venv/bin/python benchmarks/sound.py            # 3 runs of each at speed 2, about 3 minutes
    .venv/bin/python benchmarks/sound.py --quick    # 1 run of each at speed 6
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from common import spread
from timing import one_minute

from stretchtimer.session.clock import MonotonicClock
from stretchtimer.session.engine import CueDue, Engine, Event
from stretchtimer.session.plan import CueKind
from stretchtimer.sound.announcer import voice_for
from stretchtimer.sound.clips import Clip
from stretchtimer.sound.player import Player

CUE_KINDS = {str(kind) for kind in CueKind}
CAPTURE_CONF = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "alsa-capture.conf"


class TimedPlayer(Player):
    """A player that notes when each clip reaches the backend."""

    def __init__(self) -> None:
        super().__init__(volume=100)
        self.handed: list[float] = []

    def _send(self, clip: Clip) -> None:
        if clip.name in CUE_KINDS:  # not a spoken phrase
            self.handed.append(time.monotonic())
        super()._send(clip)


async def session(speed: float, sound: bool) -> tuple[list[float], list[float], str]:
    timeline = one_minute()
    engine = Engine(timeline, MonotonicClock(), speed)
    late: list[float] = []
    due: list[float] = []

    def note(event: Event) -> None:
        if isinstance(event, CueDue):
            late.append(time.monotonic() - event.at)
            due.append(event.at)

    engine.subscribe(note)
    player: TimedPlayer | None = None
    if sound:
        player = TimedPlayer()
        player.start().ready.wait(5)
        engine.subscribe(lambda e: player.play(e.cue.kind) if isinstance(e, CueDue) else None)
        announcer, _ = voice_for(player, "on", timeline, speed)
        if announcer is not None:
            engine.subscribe(announcer)
    await engine.run()
    if player is None:
        return late, [], "none"
    player.close()
    handoff = [handed - at for handed, at in zip(player.handed, due, strict=True)]
    return late, handoff, player.status


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    speed, runs = (6.0, 1) if args.quick else (2.0, 3)
    capture = tempfile.mkdtemp(prefix="stretchtimer-bench-")
    os.environ["ALSA_CONFIG_PATH"] = f"/usr/share/alsa/alsa.conf:{CAPTURE_CONF}"
    os.environ["ALSA_CAPTURE_FILE"] = f"{capture}/cue.raw"
    quiet: list[float] = []
    loud: list[float] = []
    handoff: list[float] = []
    status = ""
    for _ in range(runs):
        late, _, _ = asyncio.run(session(speed, sound=False))
        quiet.append(statistics.median(late) * 1000)
        late, handed, status = asyncio.run(session(speed, sound=True))
        loud.append(statistics.median(late) * 1000)
        handoff += [h * 1000 for h in handed]
    files = len(list(Path(capture).iterdir()))
    print(f"one-minute routine at speed {speed:g}, {runs} run(s) each; {status}")
    print(f"cue lateness, median per run: no sound {spread(quiet, 2)} ms,")
    print(f"                              with cues and voice {spread(loud, 2)} ms")
    ratio = statistics.median(loud) / statistics.median(quiet)
    print(f"  ratio with/without: {ratio:.2f}x")
    print(
        f"hand-off to the backend after the cue was due: median {statistics.median(handoff):.2f}"
        f" ms, max {max(handoff):.2f} ms over {len(handoff)} cues ({files} streams captured)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
