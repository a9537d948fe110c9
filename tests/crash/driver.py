"""Crash-test driver: one real session (engine + recorder) on a fast clock, in its own process.

    python -m tests.crash.driver HOME SEED [SPEED]

Runs desk-break with the real recorder writing under HOME, on a monotonic clock
sped up SPEED times (the 5:54 routine takes about half a second at 600), with a few
random skips and pauses. It prints `ready PATH` once the record file exists and
`saved CODES` after every save (one code per step: d done, s skipped, . pending),
so the test that kills it knows what the file held at least. Ctrl+C (SIGINT) ends
the session early the way quitting does: the record is saved as `stopped`.
"""

from __future__ import annotations

import random
import sys
import time
from pathlib import Path
from typing import TextIO

from backrelief_tui.core.engine import Engine
from backrelief_tui.core.recorder import Recorder
from backrelief_tui.core.store import RecordStore
from tests.record_factory import desk_break_plan


def scaled_clock(speed: float):
    origin = time.monotonic()
    return lambda: origin + (time.monotonic() - origin) * speed


def run(home: Path, seed: int, speed: float = 600.0, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    rng = random.Random(seed)
    store = RecordStore(home / "sessions", home / "index.json")
    recorder = Recorder(store, pain_before=rng.choice([None, 2, 7]))
    engine = Engine(desk_break_plan(), scaled_clock(speed))

    def tell(events) -> None:
        saves = recorder.saves
        recorder.update(engine, events)
        if recorder.saves != saves:
            print(f"saved {recorder.record.progress.steps}", file=out, flush=True)

    try:
        tell(engine.start())
        print(f"ready {recorder.path}", file=out, flush=True)
        while not engine.over:
            time.sleep(0.001)
            events = engine.poll()
            roll = rng.random()
            if roll < 0.01:
                events += engine.next()
            elif roll < 0.015:
                tell(events + engine.pause())
                time.sleep(0.003)
                events = engine.resume()
            if engine.step is not None and engine.step.self_paced:
                events += engine.next()
            if events:
                tell(events)
    except KeyboardInterrupt:
        engine.stop()
    saves = recorder.saves
    recorder.finish(engine)
    if recorder.saves != saves:
        print(f"saved {recorder.record.progress.steps}", file=out, flush=True)
    print("done", recorder.record.status, file=out, flush=True)
    return 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    sys.exit(run(Path(arguments[0]), int(arguments[1]), float(arguments[2]) if len(arguments) > 2 else 600.0))
