"""The cue sounds: one per cue kind, gentle, short, equally loud, told apart by ear, and exactly
what scripts/make_sounds.py makes.

Everything is measured here from the samples, with its own code, so a slip in the script
cannot hide behind the same slip in the test.
"""

from __future__ import annotations

import math
import subprocess
import sys
import wave
from array import array
from dataclasses import dataclass
from itertools import combinations, pairwise
from pathlib import Path

import pytest
from conftest import REPO

from stretchtimer.paths import sounds_dir
from stretchtimer.session.plan import CueKind

ROOT = REPO
SOUNDS = ROOT / "assets" / "sounds"
RATE = 44100
FULL_SCALE = 32768
FRAME = RATE // 100  # 10 ms, for finding where notes start


@dataclass(frozen=True)
class Sound:
    channels: int
    width: int
    rate: int
    samples: list[int]

    @property
    def seconds(self) -> float:
        return len(self.samples) / self.rate

    @property
    def peak(self) -> int:
        return max(map(abs, self.samples))


def read(path: Path) -> Sound:
    with wave.open(str(path), "rb") as wav:
        data = array("h", wav.readframes(wav.getnframes()))
        if sys.byteorder == "big":
            data.byteswap()
        return Sound(wav.getnchannels(), wav.getsampwidth(), wav.getframerate(), data.tolist())


@pytest.fixture(scope="module")
def sounds() -> dict[str, Sound]:
    return {path.stem: read(path) for path in sorted(SOUNDS.glob("*.wav"))}


def dbfs(level: float) -> float:
    return 20 * math.log10(level / FULL_SCALE)


# Loudness: BS.1770's K-weighting, built here from the RBJ cookbook shelf and high-pass (the
# form pyloudnorm uses), over the loudest 100 ms; the script builds its filter another way.


def filtered(
    x: list[float], b: tuple[float, float, float], a: tuple[float, float, float]
) -> list[float]:
    b0, b1, b2, a1, a2 = b[0] / a[0], b[1] / a[0], b[2] / a[0], a[1] / a[0], a[2] / a[0]
    y: list[float] = []
    x1 = x2 = y1 = y2 = 0.0
    for x0 in x:
        y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
        y.append(y0)
        x1, x2, y1, y2 = x0, x1, y0, y1
    return y


def k_weighted(x: list[float]) -> list[float]:
    w0 = 2 * math.pi * 1500 / RATE  # high shelf, +4 dB
    big_a, cos, alpha = 10 ** (4 / 40), math.cos(w0), math.sin(w0) / (2 / math.sqrt(2))
    root = 2 * math.sqrt(big_a) * alpha
    shelf_b = (
        big_a * ((big_a + 1) + (big_a - 1) * cos + root),
        -2 * big_a * ((big_a - 1) + (big_a + 1) * cos),
        big_a * ((big_a + 1) + (big_a - 1) * cos - root),
    )
    shelf_a = (
        (big_a + 1) - (big_a - 1) * cos + root,
        2 * ((big_a - 1) - (big_a + 1) * cos),
        (big_a + 1) - (big_a - 1) * cos - root,
    )
    w0 = 2 * math.pi * 38 / RATE  # high-pass, Q 0.5
    cos, alpha = math.cos(w0), math.sin(w0) / (2 * 0.5)
    pass_b = ((1 + cos) / 2, -(1 + cos), (1 + cos) / 2)
    pass_a = (1 + alpha, -2 * cos, 1 - alpha)
    return filtered(filtered(x, shelf_b, shelf_a), pass_b, pass_a)


def loudness(samples: list[int] | list[float], scale: float = FULL_SCALE) -> float:
    """LUFS-like: the K-weighted mean square of the loudest 100 ms."""
    window = RATE // 10
    squares = [y * y for y in k_weighted([s / scale for s in samples])]
    energy = best = sum(squares[:window])
    for i in range(window, len(squares)):
        energy += squares[i] - squares[i - window]
        best = max(best, energy)
    return -0.691 + 10 * math.log10(best / window)


# Notes: where the energy jumps, and the pitch just after, from zero crossings.


def onsets(samples: list[int]) -> list[int]:
    """Sample indices where a note starts: energy doubles within 20 ms (notes >= 50 ms apart)."""
    energy = [sum(v * v for v in samples[i : i + FRAME]) for i in range(0, len(samples), FRAME)]
    found: list[int] = []
    for i, e in enumerate(energy):
        before = energy[i - 2] if i >= 2 else 0
        if e > 0.01 * max(energy) and e > 2 * before and (not found or i - found[-1] >= 5):
            found.append(i)
    return [i * FRAME for i in found]


def pitch(samples: list[int], start: int) -> float:
    """The pitch (as a MIDI note number) 10-40 ms after `start`, from its zero crossings."""
    part = samples[start + RATE // 100 : start + RATE // 25]
    crossings = sum((a < 0) != (b < 0) for a, b in pairwise(part))
    return 69 + 12 * math.log2(crossings / 2 / (len(part) / RATE) / 440)


def melody(sound: Sound) -> list[float]:
    return [pitch(sound.samples, start) for start in onsets(sound.samples)]


def test_every_cue_kind_has_a_sound() -> None:
    assert sorted(p.stem for p in sounds_dir().glob("*.wav")) == sorted(CueKind)


def test_format_is_16_bit_mono_44100(sounds: dict[str, Sound]) -> None:
    for name, sound in sounds.items():
        assert (sound.channels, sound.width, sound.rate) == (1, 2, RATE), name


def test_short_except_the_session_chime(sounds: dict[str, Sound]) -> None:
    for name, sound in sounds.items():
        if name == CueKind.SESSION_DONE:
            assert 0.4 < sound.seconds < 2.0
        else:
            assert sound.seconds < 0.4, name


def test_peaks_stay_3_db_below_full_scale(sounds: dict[str, Sound]) -> None:
    for name, sound in sounds.items():
        assert dbfs(sound.peak) <= -3.0, name


def test_soft_attack_and_release(sounds: dict[str, Sound]) -> None:
    """No click: the first and last millisecond are under a tenth of the peak (-20 dB)."""
    ms = RATE // 1000
    for name, sound in sounds.items():
        first, last = sound.samples[:ms], sound.samples[-ms:]
        assert max(map(abs, first)) < 0.1 * sound.peak, name
        assert max(map(abs, last)) < 0.1 * sound.peak, name
        assert abs(first[0]) <= 0.01 * sound.peak and abs(last[-1]) <= 0.01 * sound.peak, name


def test_loudness_measure_reads_a_1_khz_tone_as_bs1770_does() -> None:
    """A 997 Hz sine at -20 dBFS peak is -23.0 LUFS: this pins the measure the next test uses."""
    tone = [0.1 * math.sin(2 * math.pi * 997 * i / RATE) for i in range(RATE // 5)]
    assert loudness(tone, scale=1.0) == pytest.approx(-23.01, abs=0.05)


def test_all_equally_loud(sounds: dict[str, Sound]) -> None:
    levels = {name: round(loudness(sound.samples), 2) for name, sound in sounds.items()}
    assert max(levels.values()) - min(levels.values()) <= 1.0, levels


def test_every_pair_sounds_different(sounds: dict[str, Sound]) -> None:
    """A different number of notes, or a note two or more semitones apart."""
    melodies = {name: melody(sound) for name, sound in sounds.items()}
    for (a, tune_a), (b, tune_b) in combinations(melodies.items(), 2):
        differ = len(tune_a) != len(tune_b) or any(
            abs(x - y) >= 2 for x, y in zip(tune_a, tune_b, strict=True)
        )
        assert differ, f"{a} {tune_a} and {b} {tune_b} sound alike"


def test_each_cue_has_its_contour(sounds: dict[str, Sound]) -> None:
    tunes = {name: melody(sound) for name, sound in sounds.items()}
    work, rest, switch, done = (
        tunes[CueKind.WORK_START],
        tunes[CueKind.REST],
        tunes[CueKind.SWITCH_SIDES],
        tunes[CueKind.SESSION_DONE],
    )
    assert len(work) == 2 and work[1] > work[0] + 2, work  # rising: go
    assert len(rest) == 2 and rest[1] < rest[0] - 2, rest  # falling: ease off
    assert rest[1] == min(p for tune in tunes.values() for p in tune)  # and the lowest of all
    assert len(switch) == 3 and switch[0] < switch[1] > switch[2], switch  # up and down
    assert len(done) == 3 and done[0] < done[1] < done[2], done  # a rising arpeggio
    assert tunes[CueKind.COUNTDOWN] == [max(p for tune in tunes.values() for p in tune)]


def test_script_makes_exactly_the_committed_files(tmp_path: Path) -> None:
    out = tmp_path / "sounds"
    script = ROOT / "scripts" / "make_sounds.py"
    subprocess.run([sys.executable, str(script), str(out)], check=True)
    made = sorted(p.name for p in out.iterdir())
    assert made == sorted(p.name for p in SOUNDS.glob("*.wav"))
    for name in made:
        assert (out / name).read_bytes() == (SOUNDS / name).read_bytes(), name
