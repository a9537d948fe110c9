"""Kill real sessions at chosen moments and check every file left behind.

Each run is `tests/crash/driver.py` in its own process: the real engine and recorder
on a fake clock. The driver stops at a chosen save, in a chosen phase of the write
(new bytes in the temporary file; just renamed over the record; between saves), and
waits; the test then sends SIGKILL (60 runs, moments drawn from a seeded generator),
SIGTERM, SIGHUP or SIGINT. No real time is involved, so every run is the same. Whatever
the moment, the folder must then hold exactly one session file that parses, whose step
log extends the last save the driver announced, whose move statuses agree with that
log, and which can be resumed.
"""

from __future__ import annotations

import gc
import os
import random
import select
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from backrelief_tui.core.engine import Engine
from backrelief_tui.core.plan import Phase
from backrelief_tui.core.recorder import resume_engine
from backrelief_tui.core.records import SessionRecord, read_record
from backrelief_tui.core.store import RecordStore
from tests.crash import driver
from tests.fakes import FakeClock
from tests.record_factory import desk_break_plan

ROOT = Path(__file__).parents[2]
KILLS = 60
LAST_SAVE = 36  # a desk-break run saves about 40 times (every step, pause and the end)
# From the second save on: the record file exists (the first save creates it), which is what is tested.


@dataclass
class Run:
    home: Path
    seed: int
    signal: int
    at: int  # the save at which the driver stops
    phase: str  # where in that save (driver.PHASES)
    fork: bool = True  # fork the already-imported driver (fast) or exec the script
    pid: int = 0
    fd: int = -1
    output: bytes = b""
    sent: bool = False
    returncode: int | None = None

    @property
    def lines(self) -> list[str]:
        return [line.strip() for line in self.output.decode().splitlines() if line.strip()]


def _start(run: Run) -> None:
    if run.fork:
        read, write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: one session, then out without running any of pytest's cleanup
            code = 1
            try:
                # The parent's plugins' gc callbacks (hypothesis's) are not the child's: a Ctrl+C landing in
                # one would print an unraisable-exception warning into the test log.
                gc.callbacks.clear()
                os.close(read)
                code = driver.run(run.home, run.seed, run.at, run.phase, os.fdopen(write, "w", buffering=1))
            finally:
                os._exit(code)
        os.close(write)
        run.pid, run.fd = pid, read
    else:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "tests.crash.driver", str(run.home), str(run.seed),
                                 str(run.at), run.phase], cwd=ROOT, env=env, stdout=subprocess.PIPE)
        run.pid, run.fd = proc.pid, os.dup(proc.stdout.fileno())
        proc.stdout.close()
        proc.returncode = 0  # reaped below with os.waitpid, not by Popen


def launch_all(runs: list[Run], parallel: int = 8) -> list[Run]:
    """Run them `parallel` at a time; each gets its signal as soon as it says it has paused."""
    waiting, active = list(runs), {}
    while waiting or active:
        while waiting and len(active) < parallel:
            run = waiting.pop(0)
            _start(run)
            active[run.fd] = run
        readable, _, _ = select.select(list(active), [], [])
        for fd in readable:
            run = active[fd]
            data = os.read(fd, 65536)
            if data:
                run.output += data
                if not run.sent and b"\npaused " in b"\n" + run.output:
                    os.kill(run.pid, run.signal)
                    run.sent = True
                continue
            os.close(fd)
            del active[fd]
            _, status = os.waitpid(run.pid, 0)
            run.returncode = os.waitstatus_to_exitcode(status)
    return runs


def expected_move_statuses(codes: str) -> list[str]:
    plan = desk_break_plan()
    work: dict[int, list[str]] = {}
    for index, step in enumerate(plan.steps):
        if step.phase is Phase.WORK:
            work.setdefault(step.move_index, []).append(codes[index])
    statuses = []
    for move_codes in work.values():
        if all(code == "d" for code in move_codes):
            statuses.append("done")
        elif "d" in move_codes:
            statuses.append("partial")
        elif "s" in move_codes:
            statuses.append("skipped")
        else:
            statuses.append("not-reached")
    return statuses


def check_run(run: Run) -> SessionRecord:
    home, lines = run.home, run.lines
    ready = [line for line in lines if line.startswith("ready ")]
    assert ready, lines
    files = sorted((home / "sessions").glob("*/*.toml"))
    assert len(files) == 1, files
    assert Path(ready[0].split(" ", 1)[1]) == files[0]
    entries = RecordStore(home / "sessions", home / "index.json").entries()
    assert len(entries) == 1 and entries[0].readable  # a leftover temp file is never listed

    record = read_record(files[0])
    assert isinstance(record, SessionRecord), record
    codes = record.progress.steps
    announced = [line.split(" ", 1)[1] for line in lines if line.startswith("saved ")]
    assert announced, lines
    last = announced[-1]
    # The file holds at least the last announced save (it may be one save newer: killed after
    # the write, before the print), and a finished step never changes afterwards.
    assert all(code == mine for code, mine in zip(codes, last, strict=True) if mine != "."), (codes, last)
    assert codes.count(".") <= last.count(".")
    assert record.steps_finished == len(codes) - codes.count(".")
    assert [move.status for move in record.moves] == expected_move_statuses(codes)
    assert record.moves_done == sum(status == "done" for status in expected_move_statuses(codes))

    finished = lines[-1].startswith("done ")
    if run.signal in (signal.SIGKILL, signal.SIGTERM, signal.SIGHUP):
        assert record.status == ("completed" if "." not in codes else "in-progress")
    if run.signal == signal.SIGINT:  # Ctrl+C: the session ends as if quit
        assert finished and record.status in ("stopped", "completed")
    if record.status == "in-progress":
        assert isinstance(resume_engine(record, desk_break_plan(), FakeClock()), Engine)
    return record


def test_sessions_killed_at_random_moments_leave_valid_files(tmp_path):
    rng = random.Random(20250303)
    runs = [Run(tmp_path / f"kill{n}", n, signal.SIGKILL, rng.randint(2, LAST_SAVE), rng.choice(driver.PHASES))
            for n in range(KILLS)]
    launch_all(runs)
    killed = [run for run in runs if run.returncode == -signal.SIGKILL]
    assert len(killed) >= 50, [run.returncode for run in runs]
    records = [check_run(run) for run in runs]
    # The moments really were spread over the session: most died midway, at many different steps,
    # in every phase of a write.
    midway = [record for record in records if record.status == "in-progress"]
    assert len(midway) >= KILLS // 2
    assert len({record.steps_finished for record in midway}) >= 10
    assert {run.phase for run in killed} == set(driver.PHASES)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL])
def test_the_driver_script_signalled_midway_or_at_once(tmp_path, sig):
    """The script run as its own program: closing the terminal, `kill`, Ctrl+C, `kill -9`."""
    runs = launch_all([Run(tmp_path / "midway", 1, sig, 12, "write", fork=False),
                       Run(tmp_path / "at-once", 2, sig, 1, "between", fork=False)])
    for run in runs:
        record = check_run(run)
        if sig != signal.SIGINT:
            assert run.returncode == -sig and record.status == "in-progress"
        else:
            assert record.status == "stopped"


# -- a second window, and a process stopped and continued ------------------------------------------


def _until_paused(run: Run) -> None:
    while b"\npaused " not in b"\n" + run.output:
        ready, _, _ = select.select([run.fd], [], [], 30)
        assert ready, run.output
        data = os.read(run.fd, 65536)
        assert data, run.output
        run.output += data


def _finish(run: Run) -> None:
    while data := os.read(run.fd, 65536):
        run.output += data
    os.close(run.fd)
    _, status = os.waitpid(run.pid, 0)
    run.returncode = os.waitstatus_to_exitcode(status)


async def test_a_second_instance_never_offers_or_writes_a_running_session(tmp_path):
    from datetime import timedelta

    from backrelief_tui.core.recorder import Recorder, find_interrupted
    from backrelief_tui.tui.app import build_app
    from backrelief_tui.tui.dialogs.resume import ResumeDialog
    from backrelief_tui.tui.screens.picker import PickerScreen
    from tests.record_factory import CET
    from tests.ui.helpers import RecordingPlayer

    run = Run(tmp_path / "live", 3, signal.SIGINT, 12, "between", fork=False)
    _start(run)
    try:
        _until_paused(run)
        path = Path(next(line for line in run.lines if line.startswith("ready ")).split(" ", 1)[1])
        before = path.read_bytes()
        record = read_record(path)
        now = record.ended + timedelta(seconds=20)
        # The second window, on the same folders: it sees the session is running elsewhere...
        store = RecordStore(run.home / "sessions", run.home / "index.json")
        found = find_interrupted(store, now)
        assert (found.offer, found.stopped, found.elsewhere) == (None, [], [path])
        # ...never stops it...
        assert not store.mark_stopped(path)
        # ...and a recorder told to take it over (what accepting an offer makes) writes nothing.
        taker = Recorder(store, wall_clock=lambda: now.astimezone(CET), resume=(path, record))
        engine = resume_engine(record, desk_break_plan(), FakeClock())
        taker.update(engine, engine.start())
        assert taker.error and "another backrelief window" in taker.error and taker.saves == 0
        # The app itself offers nothing at start-up.
        app = build_app(record_store=store, player=RecordingPlayer(), wall_clock=lambda: now)
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            await app.workers.wait_for_complete()
            await pilot.pause()
            assert isinstance(app.screen, PickerScreen) and not isinstance(app.screen, ResumeDialog)
        assert path.read_bytes() == before
    finally:
        os.kill(run.pid, signal.SIGINT)  # the first window quits: its own record, as it had it
        _finish(run)
    final = check_run(run)
    assert final.status == "stopped"


def test_a_process_stopped_for_30_seconds_counts_the_gap_as_paused(tmp_path):
    """SIGSTOP in the middle of a session, SIGCONT later: the record counts the stop as a pause and
    no step as done in the meantime (the driver's fake clock moves on by 30 s at SIGCONT)."""
    run = Run(tmp_path / "stopped", 5, signal.SIGCONT, 10, "stop", fork=False)
    _start(run)
    _until_paused(run)
    at_stop = read_record(Path(next(line for line in run.lines if line.startswith("ready ")).split(" ", 1)[1]))
    os.kill(run.pid, signal.SIGSTOP)
    os.kill(run.pid, signal.SIGCONT)
    _finish(run)
    assert run.returncode == 0, run.output
    assert "jumped" in run.lines
    record = check_run(run)
    assert record.status == "completed"
    assert record.pauses >= at_stop.pauses + 1
    assert record.paused_seconds >= at_stop.paused_seconds + driver.STOPPED_SECONDS
    progress = record.progress
    assert all(active <= planned + 1.5 for active, planned in zip(progress.active, progress.planned, strict=True))
    assert record.active_seconds <= record.planned_seconds + 10  # the 30 s went to no step
