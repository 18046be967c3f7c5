"""The ways a cue can be heard, best first: simpleaudio, the system's player, the terminal
bell, silence. Each backend's constructor checks it can work here and raises Unavailable
with a short reason if not; `play` starts a clip and returns at once.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
import tempfile
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from stretchtimer.sound.alsa import default_device_problem
from stretchtimer.sound.clips import Clip

PLAYERS = ("pw-play", "paplay", "aplay", "afplay")
"""System players tried after simpleaudio, in order (afplay is macOS's)."""
ORDER = ("simpleaudio", *PLAYERS, "bell", "off")
EARLY_EXIT_SECONDS = 0.05


class Unavailable(Exception):
    """This backend cannot work on this machine; the message says why, in a few words."""


class PlaybackError(Exception):
    """A backend that seemed fine failed to play; the player moves on to the next one."""


class Backend(Protocol):
    name: str
    label: str
    plays_clips: bool
    """False for a backend that does the same for every clip (the bell, silence): the
    player does not load one for it."""

    def play(self, clip: Clip) -> None: ...

    def wait(self, timeout: float) -> None:
        """Wait until what was played has finished; PlaybackError if it failed (doctor)."""
        ...


class SimpleaudioBackend:
    """Plays from memory through ALSA (or the OS's API); each clip on its own stream."""

    name = label = "simpleaudio"
    plays_clips = True

    def __init__(self) -> None:
        if sys.platform.startswith("linux"):
            problem = default_device_problem()  # also silences ALSA before simpleaudio loads
            if problem:
                raise Unavailable(problem)
        try:  # an optional extra (audio): its absence is a reason, not an error
            import simpleaudio
        except ImportError:
            raise Unavailable("not installed (pip install 'stretchtimer[audio]')") from None
        self._simpleaudio: Any = simpleaudio
        self._playing: deque[Any] = deque(maxlen=32)

    def play(self, clip: Clip) -> None:
        try:
            self._playing.append(
                self._simpleaudio.play_buffer(clip.frames, clip.channels, clip.width, clip.rate)
            )
        except Exception as error:
            raise PlaybackError(str(error)) from None

    def wait(self, timeout: float) -> None:
        if self._playing:
            self._playing[-1].wait_done()


class CommandBackend:
    """Hands a WAV file to a player program (pw-play, paplay, aplay, afplay).

    Clips are written once to a private temp folder. A player that exits with an error is
    noticed at the next cue, which then goes to the next backend.
    """

    plays_clips = True

    def __init__(self, program: str) -> None:
        path = shutil.which(program)
        if path is None:
            raise Unavailable("not found")
        if program == "aplay" and sys.platform.startswith("linux"):
            problem = default_device_problem()  # aplay plays through ALSA's default device too
            if problem:
                raise Unavailable(problem)
        self.name = self.label = program
        self._command = [path, "-q"] if program == "aplay" else [path]
        self._folder: Path | None = None
        self._files: dict[str, Path] = {}
        self._running: list[subprocess.Popen[bytes]] = []

    def play(self, clip: Clip) -> None:
        self._check_finished()
        try:
            process = subprocess.Popen(
                [*self._command, str(self._file_for(clip))],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        except OSError as error:
            raise PlaybackError(str(error)) from None
        try:  # a player with no device usually gives up at once: catch that on this cue
            code = process.wait(timeout=EARLY_EXIT_SECONDS)
        except subprocess.TimeoutExpired:
            self._running.append(process)
            return
        if code != 0:
            raise PlaybackError(f"{self.name} exited with code {code}")

    def _file_for(self, clip: Clip) -> Path:
        data = clip.wav_bytes()
        key = hashlib.sha1(data).hexdigest()[:16]
        if key not in self._files:
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(prefix="stretchtimer-sound-"))
            path = self._folder / f"{key}.wav"
            path.write_bytes(data)
            self._files[key] = path
        return self._files[key]

    def _check_finished(self) -> None:
        """Raise if a player started for an earlier cue has since failed."""
        finished = [p for p in self._running if p.poll() is not None]
        self._running = [p for p in self._running if p.returncode is None]
        for process in finished:
            if process.returncode != 0:
                raise PlaybackError(f"{self.name} exited with code {process.returncode}")

    def wait(self, timeout: float) -> None:
        for process in self._running:
            try:
                process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                process.kill()
                raise PlaybackError(f"{self.name} did not finish in {timeout:g} s") from None
        self._check_finished()

    def close(self) -> None:
        if self._folder is not None:
            shutil.rmtree(self._folder, ignore_errors=True)


class BellBackend:
    """The terminal bell: one ring per cue, better than nothing when there is no audio."""

    name = "bell"
    label = "terminal bell"
    plays_clips = False

    def __init__(self, ring: Callable[[], None] | None) -> None:
        if ring is None:
            raise Unavailable("no terminal")
        self._ring = ring

    def play(self, clip: Clip) -> None:
        self._ring()

    def wait(self, timeout: float) -> None:
        pass


class SilentBackend:
    name = "off"
    label = "off"
    plays_clips = False

    def play(self, clip: Clip) -> None:
        pass

    def wait(self, timeout: float) -> None:
        pass


def make_backend(name: str, ring: Callable[[], None] | None = None) -> Backend:
    """The backend called `name`, ready to play; raises Unavailable with the reason."""
    if name == "simpleaudio":
        return SimpleaudioBackend()
    if name in PLAYERS:
        return CommandBackend(name)
    if name == "bell":
        return BellBackend(ring)
    if name == "off":
        return SilentBackend()
    raise Unavailable(f"unknown backend; use one of {', '.join(ORDER)}")


def find_backends(
    preferred: str = "auto", ring: Callable[[], None] | None = None
) -> tuple[list[Backend], dict[str, str]]:
    """The usable backends best first (always ending in silence), and why the others are not.

    `preferred` is "auto" for the whole chain, or one backend's name to force it.
    """
    names = ORDER if preferred == "auto" else (preferred, "off")
    found: list[Backend] = []
    missing: dict[str, str] = {}
    for name in names:
        try:
            found.append(make_backend(name, ring))
        except Unavailable as why:
            missing[name] = str(why)
    return found, missing
