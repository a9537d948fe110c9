"""The committed WAV cues: format, level, clean edges, and a deterministic generator."""

from __future__ import annotations

import subprocess
import sys
import wave
from array import array
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOUNDS = ROOT / "sounds"
GENERATOR = SOUNDS / "make_sounds.py"
NAMES = ["get-ready", "go", "tick", "switch", "rest", "move-done", "session-done",
         "beat-move", "beat-hold", "beat-return"]

# -3 dBFS, with a little slack for "about".
PEAK_LIMIT = round(32768 * 10 ** (-2.9 / 20))
# "Near zero" at the edges: under -60 dBFS, far below anything audible as a click.
EDGE_LIMIT = 33


def read_samples(path: Path) -> tuple[tuple[int, int, int], array]:
    with wave.open(str(path), "rb") as w:
        params = (w.getnchannels(), w.getsampwidth(), w.getframerate())
        samples = array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    return params, samples


@pytest.mark.parametrize("name", NAMES)
def test_wav_format_level_and_edges(name: str) -> None:
    params, samples = read_samples(SOUNDS / f"{name}.wav")
    assert params == (1, 2, 44_100)
    seconds = len(samples) / 44_100
    assert 0.03 < seconds <= (1.25 if name == "session-done" else 0.8)
    peak = max(abs(s) for s in samples)
    assert 0.1 * PEAK_LIMIT < peak <= PEAK_LIMIT, "silent or too loud"
    # Starts and ends at (near) zero and fades rather than jumping: no click.
    assert all(abs(s) <= EDGE_LIMIT for s in samples[:3]), "click at the start"
    assert all(abs(s) <= EDGE_LIMIT for s in samples[-3:]), "click at the end"
    ms = 44
    assert max(abs(s) for s in samples[:ms]) < peak / 2, "attack shorter than 1 ms"
    assert max(abs(s) for s in samples[-ms:]) < peak / 10, "release shorter than 1 ms"


def test_cues_are_distinct() -> None:
    seen = {read_samples(SOUNDS / f"{name}.wav")[1].tobytes() for name in NAMES}
    assert len(seen) == len(NAMES)


def test_generator_is_deterministic_and_matches_committed_wavs(tmp_path: Path) -> None:
    runs = []
    for run in ("a", "b"):
        out = tmp_path / run
        subprocess.run([sys.executable, str(GENERATOR), str(out)], check=True, capture_output=True)
        runs.append({p.name: p.read_bytes() for p in out.glob("*.wav")})
    assert sorted(runs[0]) == sorted(f"{n}.wav" for n in NAMES)
    assert runs[0] == runs[1], "two runs of the generator differ"

    # The committed files are what the generator makes now. Allow 1 LSB so that a
    # different libm on another platform does not fail this; same length and header.
    for name, fresh in runs[0].items():
        committed = (SOUNDS / name).read_bytes()
        if committed == fresh:
            continue
        assert len(committed) == len(fresh) and committed[:44] == fresh[:44], name
        a, b = array("h", committed[44:]), array("h", fresh[44:])
        assert max(abs(x - y) for x, y in zip(a, b, strict=True)) <= 1, f"{name}: run `make sounds`"
