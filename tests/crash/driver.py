"""Crash-test driver: one real session (engine + recorder) in its own process, stopped at a chosen point.

    python -m tests.crash.driver HOME SEED SAVE PHASE

Runs desk-break with the real recorder writing under HOME, on a fake clock (no real
time passes: a step at a time, with a few random skips and pauses from SEED). It
prints `ready PATH` once the record file exists and `saved CODES` after every save
(one code per step: d done, s skipped, . pending). At save number SAVE it stops in
PHASE and prints `paused PHASE SAVE`, then waits for the test's signal:

- `write`: the new bytes are in the temporary file, not yet renamed over the record;
- `replace`: renamed over the record, the folder not yet synced;
- `between`: the save is done and announced, the next not begun;
- `stop`: as `between`, for a test that stops the process (SIGSTOP) and continues it
  (SIGCONT): the driver's clock is fake, so on SIGCONT it moves on by STOPPED_SECONDS,
  as a real clock does while a process is stopped or a laptop sleeps. The engine sees
  the jump on its next look and pauses there; the driver then resumes, as the person would.

So a test kills it at exactly the moment it means to, every run the same. SIGINT
(Ctrl+C) ends the session the way quitting does: the record is saved as `stopped`.
A session that reaches its end before SAVE says `done STATUS`.
"""

from __future__ import annotations

import os
import random
import signal
import sys
from pathlib import Path
from typing import TextIO

from backrelief_tui.core.engine import Engine, PauseReason, State
from backrelief_tui.core.recorder import Recorder
from backrelief_tui.core.store import RecordStore
from tests.fakes import FakeClock
from tests.record_factory import WallClock, desk_break_plan

PHASES = ("write", "replace", "between")
STOPPED_SECONDS = 30.0


class Pause:
    """Blocks the process at save `at`, in `phase`, until a signal arrives."""

    def __init__(self, at: int, phase: str, out: TextIO) -> None:
        self.at, self.phase, self.out = at, phase, out
        self.save = 0  # the save in progress (1-based)
        self.fired = False
        self.continued = False  # `stop`: SIGCONT came

    def here(self, phase: str) -> None:
        wanted = "between" if self.phase == "stop" else self.phase
        if not self.fired and self.save == self.at and phase == wanted:
            self.fired = True  # once: after Ctrl+C the final save must go through
            self.continued = False
            print(f"paused {self.phase} {self.save}", file=self.out, flush=True)
            while not (self.phase == "stop" and self.continued):
                signal.pause()  # SIGINT raises KeyboardInterrupt out of here; the others end the process


def run(home: Path, seed: int, at: int = 0, phase: str = "between", out: TextIO | None = None) -> int:
    out = out or sys.stdout
    rng = random.Random(seed)
    clock = FakeClock()
    store = RecordStore(home / "sessions", home / "index.json")
    recorder = Recorder(store, wall_clock=WallClock(clock), pain_before=rng.choice([None, 2, 7]))
    engine = Engine(desk_break_plan(), clock)
    pause = Pause(at, phase, out)
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        real_fsync(fd)
        if not os.path.isdir(f"/proc/self/fd/{fd}"):  # the temporary file's fsync, not the folder's
            pause.here("write")

    def replace(source: str, target: str) -> None:
        real_replace(source, target)
        pause.here("replace")

    os.fsync, os.replace = fsync, replace

    def continued(signum: int, frame: object) -> None:
        if phase == "stop" and pause.fired and not pause.continued:
            clock.advance(STOPPED_SECONDS)  # the time the process spent stopped
            pause.continued = True

    signal.signal(signal.SIGCONT, continued)

    def tell(events) -> None:
        saves = recorder.saves
        pause.save = saves + 1
        recorder.update(engine, events)
        if recorder.saves != saves:
            print(f"saved {recorder.record.progress.steps}", file=out, flush=True)
            if saves == 0:
                print(f"ready {recorder.path}", file=out, flush=True)
            pause.here("between")

    try:
        tell(engine.start())
        while not engine.over:
            clock.advance(rng.choice((0.5, 1.0, 1.5)))
            events = engine.poll()
            if engine.state is State.PAUSED and engine.pause_reason is PauseReason.CLOCK_JUMP:
                tell(events)  # paused where the jump happened; the person comes back and resumes
                print("jumped", file=out, flush=True)
                clock.advance(1)
                events = engine.resume()
            roll = rng.random()
            if roll < 0.01:
                events += engine.next()
            elif roll < 0.015:
                tell(events + engine.pause())
                clock.advance(3)
                events = engine.resume()
            if engine.step is not None and engine.step.self_paced:
                events += engine.next()
            if events:
                tell(events)
    except KeyboardInterrupt:
        engine.stop()
    saves = recorder.saves
    pause.save = saves + 1
    recorder.finish(engine)
    if recorder.saves != saves:
        print(f"saved {recorder.record.progress.steps}", file=out, flush=True)
    print("done", recorder.record.status, file=out, flush=True)
    return 0


if __name__ == "__main__":
    arguments = sys.argv[1:]
    sys.exit(run(Path(arguments[0]), int(arguments[1]), int(arguments[2]), arguments[3]))
