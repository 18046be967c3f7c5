"""Text to speech as clips: espeak-ng (or macOS `say`) renders a phrase to WAV in a few
milliseconds, so a spoken phrase goes through the same player as a cue, volume and mute
included, and its exact length is known before it plays.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Protocol

from stretchtimer.sound.backends import Unavailable
from stretchtimer.sound.clips import Clip, ClipError, gain, read_wav

ENGINES = ("espeak-ng", "espeak", "say")
WORDS_PER_MINUTE = 160


class Speaker(Protocol):
    name: str

    def render(self, text: str, volume: int) -> Clip:
        """The phrase as a clip, already at `volume` (so the player need not scale it)."""
        ...


class CommandSpeaker:
    """A speech program that can write WAV: espeak-ng/espeak to stdout, say to a file."""

    def __init__(self, program: str) -> None:
        path = shutil.which(program)
        if path is None:
            raise Unavailable("not found")
        self.name = program
        self._path = path

    def render(self, text: str, volume: int) -> Clip:
        try:
            if self.name == "say":
                return self._render_say(text).scaled(volume)
            amplitude = str(round(100 * gain(volume)))  # espeak scales for us, in C
            done = subprocess.run(
                [self._path, "--stdout", "-s", str(WORDS_PER_MINUTE), "-a", amplitude, "--", text],
                capture_output=True,
                timeout=10,
                check=True,
            )
            return read_wav(done.stdout, text)
        except (OSError, subprocess.SubprocessError) as error:
            raise ClipError(f"{self.name} could not say {text!r}: {error}") from None

    def _render_say(self, text: str) -> Clip:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "phrase.wav"
            subprocess.run(
                [
                    self._path,
                    "-r",
                    str(WORDS_PER_MINUTE),
                    "-o",
                    str(path),
                    "--file-format=WAVE",
                    "--data-format=LEI16@22050",
                    "--",
                    text,
                ],
                capture_output=True,
                timeout=10,
                check=True,
            )
            return read_wav(path, text)


def find_speaker() -> tuple[Speaker | None, dict[str, str]]:
    """The first speech engine found, and why the others are not there."""
    missing: dict[str, str] = {}
    for name in ENGINES:
        try:
            return CommandSpeaker(name), missing
        except Unavailable as why:
            missing[name] = str(why)
    return None, missing
