"""Synthesise the session cues as 16-bit mono 44.1 kHz WAV files (stdlib only).

Run `python sounds/make_sounds.py [OUT_DIR]` (or `make sounds`); OUT_DIR defaults to
the folder this script lives in. The output is deterministic: the same bytes every run,
so the committed WAVs can be checked against a fresh run.

Each cue is a few soft bell-like notes: a sine with a couple of quiet harmonics, a short
raised-cosine attack (no click at the start), an exponential decay, and a raised-cosine
release to exactly zero at the end. Every cue is normalised to a fixed peak below
-3 dBFS, so nothing clips.
"""

from __future__ import annotations

import math
import sys
import wave
from array import array
from dataclasses import dataclass
from pathlib import Path

RATE = 44_100

# Equal-tempered note frequencies (Hz) used below.
E4, G4, A4, C5, D5, E5, G5, A5, C6, G6 = (
    329.63, 392.00, 440.00, 523.25, 587.33, 659.26, 783.99, 880.00, 1046.50, 1567.98,
)


@dataclass(frozen=True)
class Note:
    """One voice of a cue: starts at `start` s and lasts `length` s."""

    freq: float
    start: float
    length: float
    decay: float = 0.25  # time constant of the exponential decay, seconds
    attack: float = 0.008
    release: float = 0.03
    harmonics: tuple[float, ...] = (1.0, 0.25, 0.08)  # amplitude of partial 1, 2, 3 ...
    gain: float = 1.0


@dataclass(frozen=True)
class Cue:
    name: str
    notes: tuple[Note, ...]
    peak_db: float  # peak level after normalisation, dBFS


CUES: tuple[Cue, ...] = (
    # Rising fourth, soft: "get into position".
    Cue("get-ready", (
        Note(G4, 0.00, 0.22, decay=0.20),
        Note(C5, 0.20, 0.30, decay=0.22),
    ), peak_db=-6.0),
    # One bright, clear note: "start now".
    Cue("go", (
        Note(C6, 0.00, 0.40, decay=0.16, attack=0.004, harmonics=(1.0, 0.35, 0.15, 0.05)),
        Note(C5, 0.00, 0.40, decay=0.20, attack=0.004, gain=0.35),
    ), peak_db=-4.0),
    # A short, quiet woodblock-like tick for 3-2-1.
    Cue("tick", (
        Note(G6, 0.00, 0.07, decay=0.022, attack=0.002, release=0.02, harmonics=(1.0, 0.1)),
    ), peak_db=-9.0),
    # The beats of a rep, quieter than everything above so they never mask it:
    # a soft low-mid "tock" when a hold begins ("stay there"),
    Cue("beat-hold", (
        Note(C5, 0.00, 0.09, decay=0.035, attack=0.003, release=0.02, harmonics=(1.0, 0.3)),
    ), peak_db=-14.0),
    # a short upward glide of two notes when a movement begins ("go there"),
    Cue("beat-move", (
        Note(E5, 0.00, 0.08, decay=0.05, attack=0.004, release=0.02, harmonics=(1.0, 0.15)),
        Note(A5, 0.06, 0.10, decay=0.05, attack=0.004, release=0.03, harmonics=(1.0, 0.15)),
    ), peak_db=-13.0),
    # and the same two notes falling when the body comes back ("lower").
    Cue("beat-return", (
        Note(A4, 0.00, 0.09, decay=0.06, attack=0.004, release=0.02, harmonics=(1.0, 0.2)),
        Note(E4, 0.07, 0.12, decay=0.07, attack=0.004, release=0.03, harmonics=(1.0, 0.2)),
    ), peak_db=-13.0),
    # Two-tone "ding-dong" down a fourth: "other side".
    Cue("switch", (
        Note(A5, 0.00, 0.28, decay=0.14),
        Note(E5, 0.24, 0.42, decay=0.20),
    ), peak_db=-5.0),
    # A low, slow, soft chime: "relax".
    Cue("rest", (
        Note(A4, 0.00, 0.62, decay=0.30, attack=0.03, release=0.08, harmonics=(1.0, 0.12)),
        Note(E4, 0.00, 0.62, decay=0.30, attack=0.03, release=0.08, harmonics=(1.0,), gain=0.45),
    ), peak_db=-8.0),
    # Rising fifth whose notes ring together: "move complete".
    Cue("move-done", (
        Note(C5, 0.00, 0.62, decay=0.26),
        Note(G5, 0.14, 0.48, decay=0.22),
    ), peak_db=-4.5),
    # C major arpeggio up to the octave, ringing out: "well done".
    Cue("session-done", (
        Note(C5, 0.00, 1.15, decay=0.40, gain=0.8),
        Note(E5, 0.13, 1.02, decay=0.38, gain=0.8),
        Note(G5, 0.26, 0.89, decay=0.36, gain=0.8),
        Note(C6, 0.39, 0.80, decay=0.34, gain=0.9),
    ), peak_db=-4.0),
)


def _raised_cosine(x: float) -> float:
    """0 at x=0, 1 at x=1, with zero slope at both ends."""
    return 0.5 - 0.5 * math.cos(math.pi * x)


def render(cue: Cue) -> array:
    """Return the cue's samples as array('h'), normalised to `cue.peak_db`."""
    total = max(round((n.start + n.length) * RATE) for n in cue.notes)
    mix = [0.0] * total
    for note in cue.notes:
        first = round(note.start * RATE)
        count = round(note.length * RATE)
        attack = max(1, round(note.attack * RATE))
        release = max(1, round(note.release * RATE))
        w = 2.0 * math.pi * note.freq / RATE
        for i in range(count):
            env = math.exp(-i / (note.decay * RATE))
            if i < attack:
                env *= _raised_cosine(i / attack)
            left = count - 1 - i  # samples after this one; the last sample is exactly 0
            if left < release:
                env *= _raised_cosine(left / release)
            wave_ = 0.0
            for k, amp in enumerate(note.harmonics, start=1):
                wave_ += amp * math.sin(k * w * i)
            mix[first + i] += note.gain * env * wave_
    peak = max(abs(x) for x in mix)
    scale = 32767 * 10 ** (cue.peak_db / 20) / peak
    return array("h", (round(x * scale) for x in mix))


def write_wav(path: Path, samples: array) -> None:
    data = samples
    if sys.byteorder == "big":  # WAV is little-endian
        data = array("h", samples)
        data.byteswap()
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(data.tobytes())


def generate(out_dir: Path) -> list[Path]:
    """Write every cue into `out_dir` and return the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for cue in CUES:
        path = out_dir / f"{cue.name}.wav"
        write_wav(path, render(cue))
        paths.append(path)
    return paths


def main(argv: list[str]) -> int:
    out_dir = Path(argv[1]) if len(argv) > 1 else Path(__file__).resolve().parent
    for path in generate(out_dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
