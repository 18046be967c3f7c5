"""Audio clips in memory: loaded from WAV, scaled for volume, written back as WAV."""

from __future__ import annotations

import array
import io
import sys
import wave
from dataclasses import dataclass
from pathlib import Path

from stretchtimer.paths import sounds_dir


@dataclass(frozen=True, slots=True)
class Clip:
    """16-bit PCM frames and their format: everything a backend needs to play them."""

    name: str
    frames: bytes
    rate: int = 44100
    channels: int = 1
    width: int = 2

    @property
    def seconds(self) -> float:
        return len(self.frames) / (self.rate * self.channels * self.width)

    def scaled(self, volume: int) -> Clip:
        """The clip at `volume` (0-100). A loop in Python: done once per clip, then cached."""
        factor = gain(volume)
        if factor == 1:
            return self
        samples = array.array("h")
        samples.frombytes(self.frames)
        if sys.byteorder == "big":  # WAV data is little-endian
            samples.byteswap()
        scaled = array.array("h", (int(sample * factor) for sample in samples))
        if sys.byteorder == "big":
            scaled.byteswap()
        return Clip(self.name, scaled.tobytes(), self.rate, self.channels, self.width)

    def wav_bytes(self) -> bytes:
        buffer = io.BytesIO()
        with wave.open(buffer, "wb") as out:
            out.setnchannels(self.channels)
            out.setsampwidth(self.width)
            out.setframerate(self.rate)
            out.writeframes(self.frames)
        return buffer.getvalue()


def gain(volume: int) -> float:
    """Volume 0-100 as a factor, on a square-law curve so the steps sound even."""
    return (max(0, min(100, volume)) / 100) ** 2


class ClipError(Exception):
    """A WAV we cannot play (missing, unreadable, or not 16-bit PCM)."""


def read_wav(data: bytes | Path, name: str) -> Clip:
    """A 16-bit PCM WAV file or buffer as a Clip."""
    try:
        with wave.open(io.BytesIO(data) if isinstance(data, bytes) else str(data), "rb") as wav:
            if wav.getsampwidth() != 2:
                raise ClipError(f"{name}: expected 16-bit samples, got {8 * wav.getsampwidth()}")
            return Clip(
                name, wav.readframes(wav.getnframes()), wav.getframerate(), wav.getnchannels()
            )
    except (OSError, EOFError, wave.Error) as error:
        raise ClipError(f"{name}: {error}") from None


def cue_clip(kind: str) -> Clip:
    """The built-in sound for a cue kind, e.g. 'work-start'."""
    return read_wav(sounds_dir() / f"{kind}.wav", kind)
