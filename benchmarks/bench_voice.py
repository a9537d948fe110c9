"""Spoken coach: time to render a routine's phrases with espeak-ng, cold (empty cache) and warm.

A session starts with `SpokenCoach.start()`, which lists the phrases (`session_phrases`) and
hands them to the background thread; this measures each part, and how soon the first phrase
(the one the lead-in says) is ready. Needs espeak-ng; without it the figures are skipped.

    python benchmarks/bench_voice.py [ROUTINE]      # or through `make bench` (desk-break)
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

ROUTINE = "desk-break"
BUDGET_COLD_MS = 3000.0  # every phrase of a routine, first time; the lead-in alone is 10 s
BUDGET_WARM_MS = 300.0
BUDGET_PREPARE_MS = 5.0  # prepare() must return at once: the session screen calls it


def _measure(phrases: list[str], cache: Path) -> dict:
    from backrelief_tui.voice import Voice

    voice = Voice(cache=cache)
    started = time.perf_counter()
    voice.prepare(phrases)
    returned = time.perf_counter()
    first = None
    while first is None:  # the lead-in's phrase is the one that must not be late
        if voice.speech(phrases[0]) is not None:
            first = time.perf_counter()
        elif voice.notice:
            raise RuntimeError(voice.notice)
        else:
            time.sleep(0.001)
    if not voice.wait_ready(timeout=120) or voice.notice:
        raise RuntimeError(voice.notice or "rendering did not finish")
    done = time.perf_counter()
    spoken = sum(voice.speech(phrase).seconds for phrase in phrases)  # type: ignore[union-attr]
    return {"prepare_ms": (returned - started) * 1000, "first_ms": (first - started) * 1000,
            "all_ms": (done - started) * 1000, "renders": voice.renders, "speech_s": spoken}


def run(routine_id: str = ROUTINE) -> dict:
    """Cold and warm render times of every phrase of `routine_id` (full coach, countdown words)."""
    name = f"spoken coach: render {routine_id}'s phrases (full coach), cold and warm"
    if shutil.which("espeak-ng") is None:
        return {"name": name, "skipped": "espeak-ng is not installed", "ok": True}
    from backrelief_tui.core.library import load_library
    from backrelief_tui.core.plan import plan_session
    from backrelief_tui.core.settings import Verbosity
    from backrelief_tui.voice import CoachOptions, session_phrases

    with tempfile.TemporaryDirectory(prefix="bench-voice-") as tmp:
        routine = load_library(ROOT / "routines", Path(tmp) / "none").get(routine_id)
        if routine is None:
            raise SystemExit(f"no routine {routine_id!r}")
        plan = plan_session(routine)
        listed = time.perf_counter()
        phrases = session_phrases(plan, CoachOptions(Verbosity.FULL, countdown=True))
        list_ms = (time.perf_counter() - listed) * 1000
        cold = _measure(phrases, Path(tmp) / "cache")
        warm = _measure(phrases, Path(tmp) / "cache")
    return {
        "name": name,
        "phrases": len(phrases),
        "speech_seconds": round(cold["speech_s"], 1),
        "list_phrases_ms": round(list_ms, 1),
        "prepare_returns_ms": round(max(cold["prepare_ms"], warm["prepare_ms"]), 2),
        "cold_first_phrase_ms": round(cold["first_ms"], 1),
        "cold_all_ms": round(cold["all_ms"], 1),
        "cold_renders": cold["renders"],
        "warm_all_ms": round(warm["all_ms"], 1),
        "warm_renders": warm["renders"],
        "ok": cold["all_ms"] < BUDGET_COLD_MS and warm["all_ms"] < BUDGET_WARM_MS
        and max(cold["prepare_ms"], warm["prepare_ms"]) < BUDGET_PREPARE_MS and warm["renders"] == 0,
    }


def main(argv: list[str]) -> int:
    result = run(argv[1] if len(argv) > 1 else ROUTINE)
    for key, value in result.items():
        print(f"{key:<22} {value}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
