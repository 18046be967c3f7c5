"""Generate the session's cue sounds into assets/sounds/: `python scripts/make_sounds.py [DIR]`.

Standard library only, so anyone can regenerate them, and deterministic, so the committed
files are exactly what this script makes (a test checks that byte for byte).

Every cue is a few soft sine notes with a raised-cosine attack and an exponential decay (a
mallet or bell, never a beep), faded to silence at the end. Each cue has its own pitch
contour, all in C major so they sound like one set: rising for "go", falling for "rest",
up and down for "switch sides", a three-note chime for the end of the session.

Loudness: all cues are set to the same level, measured as the K-weighted mean square (the
ITU-R BS.1770 weighting used for LUFS, no gating) over the loudest 100 ms of the cue. The
ear sums loudness over roughly 100 ms, so a short tick and a longer tone with equal energy in
that window sound about as loud; K-weighting makes low notes count for less, as they do to
the ear. Plain RMS over each whole file would take the chime's long fading tail for quietness
(and so strike it harder than the rest) and rate a low note as loud as a high one.
"""

from __future__ import annotations

import argparse
import math
import operator
import sys
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

RATE = 44100
OUT_DIR = Path(__file__).resolve().parents[1] / "assets" / "sounds"
TARGET_LOUDNESS = -17.0  # LUFS-like: K-weighted, loudest 100 ms
LOUDNESS_WINDOW = 0.100  # seconds
PEAK_CEILING_DBFS = -3.0

Partials = tuple[tuple[float, float], ...]  # (frequency ratio, amplitude)
MALLET: Partials = ((1.0, 1.0), (2.0, 0.25), (3.0, 0.06))
PURE: Partials = ((1.0, 1.0), (2.0, 0.08))
BELL: Partials = ((1.0, 1.0), (2.0, 0.3), (3.0, 0.1), (4.07, 0.05))
WOOD: Partials = ((1.0, 1.0), (2.57, 0.3), (4.1, 0.08))  # inharmonic modes of a block


def hz(midi: int) -> float:
    """Equal temperament from a MIDI note number, so the cues are written as notes."""
    return 440.0 * math.pow(2.0, (midi - 69) / 12)


C4, G4, A4, C5, D5, E5, G5, A5, C6, G6 = (hz(n) for n in (60, 67, 69, 72, 74, 76, 79, 81, 84, 91))


@dataclass(frozen=True)
class Note:
    """One struck note: it starts `at` seconds in and its amplitude falls by 1/e every `decay`."""

    freq: float
    at: float
    decay: float
    partials: Partials = MALLET


@dataclass(frozen=True)
class Cue:
    """A whole sound: its notes, its length, and how softly each note starts and it ends."""

    length: float
    notes: tuple[Note, ...]
    attack: float = 0.010
    release: float = 0.040


CUES: dict[str, Cue] = {
    # A single soft bell: something new is about to begin.
    "exercise-start": Cue(0.38, (Note(A4, 0.0, 0.12, BELL),), attack=0.012),
    # A rising fifth: go.
    "work-start": Cue(0.36, (Note(C5, 0.0, 0.09), Note(G5, 0.11, 0.09))),
    # A short, high, almost pure tick for 3-2-1.
    "countdown": Cue(0.12, (Note(G6, 0.0, 0.025, PURE),), attack=0.008, release=0.030),
    # Two light taps on the same note: half done.
    "halfway": Cue(0.34, (Note(A5, 0.0, 0.05), Note(A5, 0.12, 0.06))),
    # A soft woodblock knock, one per rep.
    "rep": Cue(0.11, (Note(C6, 0.0, 0.025, WOOD),), attack=0.007, release=0.030),
    # Up a fifth and back down: change sides.
    "switch-sides": Cue(0.38, (Note(D5, 0.0, 0.06), Note(A5, 0.11, 0.06), Note(D5, 0.22, 0.07))),
    # A low falling fifth, slow to fade: ease off.
    "rest": Cue(0.39, (Note(G4, 0.0, 0.10, PURE), Note(C4, 0.13, 0.12, PURE)), attack=0.015),
    # A major chord struck once: that exercise is done.
    "exercise-done": Cue(0.39, tuple(Note(f, 0.0, 0.12, BELL) for f in (C5, E5, G5)), attack=0.010),
    # A rising arpeggio that rings out on the home note: the session is done.
    "session-done": Cue(
        1.5,
        (Note(E5, 0.0, 0.40, BELL), Note(G5, 0.18, 0.40, BELL), Note(C6, 0.36, 0.45, BELL)),
        attack=0.012,
        release=0.120,
    ),
}


def raised_cosine(x: float) -> float:
    """0 at x=0 up to 1 at x=1 with no corner at either end, so nothing clicks."""
    return 0.5 - 0.5 * math.cos(math.pi * min(max(x, 0.0), 1.0))


def damped_sine(freq: float, decay: float, amp: float, n: int) -> list[float]:
    """amp e^(-t/decay) sin(2 pi freq t) by a two-pole resonator: a multiply-add per sample, fast
    enough to regenerate every cue in a test, and exact to far below one 16-bit step."""
    r = math.exp(-1 / (decay * RATE))
    w = 2 * math.pi * freq / RATE
    c1, c2 = 2 * r * math.cos(w), -r * r
    y0, y1 = 0.0, amp * r * math.sin(w)
    out = [y0, y1]
    for _ in range(n - 2):
        y0, y1 = y1, c1 * y1 + c2 * y0
        out.append(y1)
    return out[:n]


def strike(note: Note, attack: float, n: int) -> list[float]:
    """One note, `n` samples long, with a soft onset."""
    partials = [
        # Higher partials die away faster, as on a real mallet instrument.
        damped_sine(note.freq * ratio, note.decay / ratio, amp, n)
        for ratio, amp in note.partials
    ]
    wave = [0.0] * n
    for partial in partials:
        wave = list(map(operator.add, wave, partial))
    ramp = attack * RATE
    for i in range(min(math.ceil(ramp), n)):
        wave[i] *= raised_cosine(i / ramp)
    return wave


def render(cue: Cue) -> list[float]:
    """Sum the cue's notes, then fade the end to silence."""
    total = round(cue.length * RATE)
    out = [0.0] * total
    for note in cue.notes:
        start = round(note.at * RATE)
        out[start:] = map(operator.add, out[start:], strike(note, cue.attack, total - start))
    fade = round(cue.release * RATE)
    for k in range(fade):
        out[total - 1 - k] *= raised_cosine(k / fade)
    return out


def biquad(x: list[float], b: tuple[float, float, float], a: tuple[float, float]) -> list[float]:
    """A second-order IIR filter (direct form I), normalised so a0 = 1."""
    b0, b1, b2 = b
    a1, a2 = a
    y: list[float] = []
    x1 = x2 = y1 = y2 = 0.0
    for x0 in x:
        y0 = b0 * x0 + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
        y.append(y0)
        x1, x2, y1, y2 = x0, x1, y0, y1
    return y


def k_weight(x: list[float]) -> list[float]:
    """BS.1770's K-weighting at any sample rate (the libebur128 design): shelf, then high-pass."""
    k = math.tan(math.pi * 1681.974450955533 / RATE)
    q = 0.7071752369554196
    vh = 10 ** (3.999843853973347 / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf_b = (
        (vh + vb * k / q + k * k) / a0,
        2 * (k * k - vh) / a0,
        (vh - vb * k / q + k * k) / a0,
    )
    shelf_a = (2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    k = math.tan(math.pi * 38.13547087602444 / RATE)
    q = 0.5003270373238773
    a0 = 1 + k / q + k * k
    high_pass_a = (2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    return biquad(biquad(x, shelf_b, shelf_a), (1.0, -2.0, 1.0), high_pass_a)


def loudness(x: list[float]) -> float:
    """K-weighted loudness of the loudest 100 ms window, in LUFS-like units (see the top)."""
    window = round(LOUDNESS_WINDOW * RATE)
    running = [0.0]
    for y in k_weight(x):
        running.append(running[-1] + y * y)
    loudest = max(
        (running[i + window] - running[i] for i in range(len(x) - window + 1)),
        default=running[-1],
    )
    return -0.691 + 10 * math.log10(loudest / window)


def normalise(x: list[float]) -> list[int]:
    """Scale to the target loudness and to 16-bit samples; refuse anything near clipping."""
    gain = 10 ** ((TARGET_LOUDNESS - loudness(x)) / 20)
    peak = max(abs(v) for v in x) * gain
    if peak > 10 ** (PEAK_CEILING_DBFS / 20):
        raise SystemExit(f"peak {20 * math.log10(peak):.1f} dBFS is over the ceiling")
    return [round(v * gain * 32767) for v in x]


def write_wav(path: Path, samples: list[int]) -> None:
    """16-bit mono PCM, little-endian as WAV requires whatever the machine's byte order."""
    data = array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(data.tobytes())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", nargs="?", type=Path, default=OUT_DIR)
    out_dir: Path = parser.parse_args().out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    for name, cue in CUES.items():
        write_wav(out_dir / f"{name}.wav", normalise(render(cue)))


if __name__ == "__main__":
    main()
