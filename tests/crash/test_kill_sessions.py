"""Kill real sessions at random moments and check every file left behind.

Each run is `tests/crash/driver.py` in its own process: the real engine and recorder
on a sped-up clock. It is killed with SIGKILL (60 times), or ended with SIGTERM,
SIGHUP or SIGINT, at a random moment after its record file appeared. Whatever the
moment, even in the middle of a write, the folder must then hold exactly one
session file that parses, whose step log extends the last save the driver
announced, whose move statuses agree with that log, and which can be resumed.
"""

from __future__ import annotations

import os
import random
import re
import select
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from backrelief_tui.core.clock import FakeClock
from backrelief_tui.core.engine import Engine
from backrelief_tui.core.plan import Phase
from backrelief_tui.core.recorder import resume_engine
from backrelief_tui.core.records import SessionRecord, read_record
from backrelief_tui.core.store import RecordStore
from tests.crash import driver
from tests.record_factory import desk_break_plan

ROOT = Path(__file__).parents[2]
KILLS = 60
SPEED = 1000.0
SESSION_REAL_SECONDS = 354 / SPEED  # desk-break, 5:54


@dataclass
class Run:
    home: Path
    seed: int
    signal: int
    delay: float  # seconds after "ready"
    fork: bool = True  # fork the already-imported driver (fast) or exec the script
    pid: int = 0
    fd: int = -1
    output: bytes = b""
    kill_at: float | None = None
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
                os.close(read)
                code = driver.run(run.home, run.seed, SPEED, os.fdopen(write, "w", buffering=1))
            finally:
                os._exit(code)
        os.close(write)
        run.pid, run.fd = pid, read
    else:
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, "-m", "tests.crash.driver", str(run.home), str(run.seed), str(SPEED)],
                                cwd=ROOT, env=env, stdout=subprocess.PIPE)
        run.pid, run.fd = proc.pid, os.dup(proc.stdout.fileno())
        proc.stdout.close()
        proc.returncode = 0  # reaped below with os.waitpid, not by Popen


def launch_all(runs: list[Run], parallel: int = 10) -> list[Run]:
    """Run them `parallel` at a time; each gets its signal `delay` seconds after it said ready."""
    waiting, active = list(runs), {}
    while waiting or active:
        while waiting and len(active) < parallel:
            run = waiting.pop(0)
            _start(run)
            active[run.fd] = run
        now = time.monotonic()
        due = [run.kill_at for run in active.values() if run.kill_at is not None and not run.sent]
        timeout = max(0.0, min(due) - now) if due else 0.5
        readable, _, _ = select.select(list(active), [], [], timeout)
        for fd in readable:
            run = active[fd]
            data = os.read(fd, 65536)
            if data:
                run.output += data
                if run.kill_at is None and re.search(rb"(^|\n)ready [^\n]+\n", run.output):
                    run.kill_at = time.monotonic() + run.delay
                continue
            os.close(fd)
            del active[fd]
            _, status = os.waitpid(run.pid, 0)
            run.returncode = os.waitstatus_to_exitcode(status)
        now = time.monotonic()
        for run in active.values():
            if run.kill_at is not None and not run.sent and now >= run.kill_at:
                os.kill(run.pid, run.signal)
                run.sent = True
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
    assert all(code == mine for code, mine in zip(codes, last) if mine != "."), (codes, last)
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
    runs = [Run(tmp_path / f"kill{n}", n, signal.SIGKILL, rng.uniform(0, SESSION_REAL_SECONDS * 0.9))
            for n in range(KILLS)]
    started = time.monotonic()
    launch_all(runs)
    killed = [run for run in runs if run.returncode == -signal.SIGKILL]
    assert len(killed) >= 50, [run.returncode for run in runs]
    records = [check_run(run) for run in runs]
    # The moments really were spread over the session: most died midway, at many different steps.
    midway = [record for record in records if record.status == "in-progress"]
    assert len(midway) >= KILLS // 2
    assert len({record.steps_finished for record in midway}) >= 10
    assert time.monotonic() - started < 30


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGHUP, signal.SIGINT, signal.SIGKILL])
def test_the_driver_script_signalled_midway_or_at_once(tmp_path, sig):
    """The script run as its own program: closing the terminal, `kill`, Ctrl+C, `kill -9`."""
    runs = launch_all([Run(tmp_path / "midway", 1, sig, SESSION_REAL_SECONDS / 3, fork=False),
                       Run(tmp_path / "at-once", 2, sig, 0.0, fork=False)])
    for run in runs:
        record = check_run(run)
        if sig != signal.SIGINT:
            assert run.returncode == -sig and record.status == "in-progress"
        else:
            assert record.status == "stopped"
