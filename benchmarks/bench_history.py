"""History at any size (issue 16): the index's answers and the start-up, with 100,000 and 10,000 records.

Figures and budgets (the issue's table, the rows about history):
- h_screen_warm_ms: `h` to rows painted, 100,000 records, warm: the real app in a 100×30
  pty (started, the picker up, its start-up work done), then `h`: from the key until the
  history's "Showing 60 of …" line arrives on the terminal (written in the same frame as
  the rows). The first `h` of each run (the screen's modules load then), median of 5 runs.
  Budget 100 ms.
- h_screen_after_session_ms: the same right after a session: `backrelief run` of a
  one-move routine (13 s), its summary up, then `h` at once (the session's row is being
  indexed in a thread meanwhile). Median of 3 runs; the session files are removed after.
  Budget 150 ms.
- h_queries_warm_ms, h_queries_after_session_ms (figures only): what `h` asks the index,
  in process: the first page of the list, the header's and the charts' aggregates, the
  filter choices, from a fresh `SessionIndex` (its connection opened too); after a session
  its one file indexed (`update_one`) first. `h_slowest_order_ms`: the slowest sort order.
- copy_refresh_10k_ms: every file of 10,000 re-created by `cp -a` (mtimes kept), then a
  refresh: no file may be parsed again. Budget 1 s.
- history_json_10k_ms: `backrelief history --json` with 10,000 records, warm (a process of
  its own, as a person runs it; median of 3). Budget 300 ms.
- report_100k_ms: `backrelief report --weeks 4` with 100,000 records. Budget 200 ms.
  `report_empty_ms` is the same command with no records (imports and start-up alone).
- startup_cpu_ratio / startup_rss_ratio: the app started in a 100×30 pty (picker, its
  real start-up including the interrupted-session check) with 100,000 records against
  none: CPU time in its first 2 s and peak RSS with the picker idle. Budget 1.5× each.
- rebuild_quit_ms: a first build of 10,000 (every file parsed, as after deleting the
  index) asked to stop after a second, as quitting does: how long until it returns.
  Budget 250 ms; and the build that carries on must not parse again what the first half
  did (rebuild_quit_reparsed = 0).
Figures only: refresh_unchanged_100k_ms (a refresh that trusts nothing, when nothing changed:
every file stat-ed, as the CLI's and the app's daily one), refresh_trusted_100k_ms (the app's
refresh on `h` when nothing changed: the year folders' stamps trusted, no file stat-ed),
index_build_10k_s (the whole first build of 10,000);
app_quit_in_rebuild_ms: ctrl+q in the real app while the history screen shows a first build
of 10,000 under way (its cache deleted), until the process has exited, against
app_quit_idle_ms, the same from the picker with nothing running (medians of 3).

Record sets come from benchmarks/history_data.py (about three sessions a day), made once
and kept in the temporary folder with their index; the first run builds both (minutes).
BENCH_CODE=/path/to/another/checkout runs the subprocess figures (CLI and start-up) on
that code instead, for a before/after table; the in-process figures need this code.

    python -m benchmarks history          # or through `make bench`
"""

from __future__ import annotations

import compileall
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from backrelief_tui.core.index import ORDERS, Order, RefreshResult, SessionIndex  # noqa: E402
from backrelief_tui.core.recorder import new_record_id  # noqa: E402
from backrelief_tui.core.records import read_record, write_record  # noqa: E402
from backrelief_tui.core.store import RecordStore  # noqa: E402
from benchmarks.history_data import answered_safety_check, empty_home, history_home  # noqa: E402
from benchmarks.ptyrun import PtyProcess, spawn  # noqa: E402

BIG = 100_000
SMALL = 10_000
BUDGETS = {
    "h_screen_warm_ms": 100.0,
    "h_screen_after_session_ms": 150.0,
    "copy_refresh_10k_ms": 1000.0,
    "history_json_10k_ms": 300.0,
    "report_100k_ms": 200.0,
    "startup_cpu_ratio": 1.5,
    "startup_rss_ratio": 1.5,
    "rebuild_quit_ms": 250.0,
}
PAGE = 60
STARTUP_WINDOW = 2.0  # seconds of CPU counted after the start
STARTUP_MARKER = b"Desk break"  # the picker is up
ROWS_MARKER = b"Showing 60 of"  # the history's count line, painted with its first page of rows
SUMMARY_MARKER = b"Bench tiny \xe2\x80\x94 finished"  # "Bench tiny — finished": the summary is up
SCREEN_RUNS = 5
SESSION_RUNS = 3
# A one-move routine for `backrelief run` (with the settings' 10 s get-ready: 13 s in all).
TINY_ROUTINE = """\
id = "bench-tiny"
title = "Bench tiny"
summary = "One short hold, for the benchmark."

[[moves]]
id = "bench-hold"
name = "Bench hold"
kind = "hold"
hold = 3
position = "standing"
targets = ["hips"]
cues = ["Stand tall."]
"""


def _code_root() -> Path:
    return Path(os.environ.get("BENCH_CODE", ROOT)).resolve()


def _env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TEXTUAL")}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", BACKRELIEF_HOME=str(home),
               LANG=env.get("LANG", "C.UTF-8"), PYTHONPATH=str(_code_root()))
    return env


def _store(home: Path) -> RecordStore:
    return RecordStore(home / "data" / "sessions", home / "cache" / "index.sqlite3", live_dir=home / "state" / "live")


def _median_ms(function, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def _ready(home: Path) -> tuple[RecordStore, float | None]:
    """The home's store with a complete index: built now if needed (seconds it took, else None)."""
    store = _store(home)
    if not store.index.needs_refresh():
        store.refresh()  # cheap: catches up with anything a broken earlier run left
        return store, None
    started = time.perf_counter()
    store.refresh()
    return store, time.perf_counter() - started


def _what_h_asks(home: Path, order: Order = Order.NEWEST) -> None:
    index = SessionIndex(home / "data" / "sessions", home / "cache" / "index.sqlite3")
    today = datetime.now().astimezone().date()
    rows = index.page(order, limit=PAGE)
    index.overview(today)
    index.count()
    assert len(rows) == PAGE
    index.close()


def _after_a_session(store: RecordStore, home: Path) -> float:
    """Milliseconds from a session's last save to `h`'s answers: its file indexed, then the queries."""
    newest = store.index.page(limit=1)[0]
    record = read_record(newest.path)
    now = datetime.now().astimezone().replace(microsecond=0)
    record = replace(record, id=new_record_id(), started=now, ended=now)
    path = store.path_for(record)
    write_record(path, record)  # what the recorder's final save leaves
    try:
        started = time.perf_counter()
        store.update_one(path)
        _what_h_asks(home)
        return (time.perf_counter() - started) * 1000
    finally:
        path.unlink()
        store.update_one(path)


def _copy_refresh(home: Path) -> tuple[float, int]:
    """Re-create every file with `cp -a` (mtimes kept), then refresh: (milliseconds, files parsed)."""
    sessions = home / "data" / "sessions"
    copy = home / "data" / "sessions.copy"
    shutil.rmtree(copy, ignore_errors=True)
    subprocess.run(["cp", "-a", str(sessions), str(copy)], check=True)
    shutil.rmtree(sessions)
    copy.rename(sessions)
    store = _store(home)
    started = time.perf_counter()
    result = store.refresh()
    elapsed = (time.perf_counter() - started) * 1000
    assert result is not None and result.complete, result
    return elapsed, result.parsed


def _cold_build(home: Path) -> tuple[float, float, int]:
    """A first build (every file parsed) in a database of its own: quit after a second, then carry on.

    Returns the seconds of the whole build, the milliseconds from asking a running build
    to stop until it returned (a quit waits that long), and the files the second half parsed
    again (0: nothing done before the quit was lost).
    """
    with tempfile.TemporaryDirectory(prefix="bench-index-") as tmp:
        index = SessionIndex(home / "data" / "sessions", Path(tmp) / "index.sqlite3")
        stop = threading.Event()
        asked: list[float] = []
        results: list[RefreshResult] = []
        worker = threading.Thread(target=lambda: results.append(index.refresh(cancelled=stop.is_set)))
        started = time.perf_counter()
        worker.start()
        time.sleep(1.0)
        asked.append(time.perf_counter())
        stop.set()
        worker.join()
        returned = (time.perf_counter() - asked[0]) * 1000
        first_half = results[0]
        rest = index.refresh()
        elapsed = time.perf_counter() - started - returned / 1000
        index.close()
        assert not first_half.complete and rest.complete
        lost = rest.parsed + first_half.parsed - rest.files  # files parsed twice
        return elapsed, returned, max(0, lost)


def _command_ms(home: Path, *arguments: str, repeat: int = 3) -> float:
    """Wall time of `backrelief ARGUMENTS` in a process of its own (after one warm-up run), median."""
    argv = [sys.executable, "-m", "backrelief_tui", *arguments]
    env = _env(home)

    def once() -> None:
        subprocess.run(argv, env=env, cwd=str(_code_root()), check=True, stdout=subprocess.DEVNULL)

    once()
    return _median_ms(once, repeat)


def _startup(home: Path) -> tuple[float, float]:
    """CPU seconds in the first STARTUP_WINDOW seconds, and peak RSS (MB) with the picker idle."""
    process = spawn([sys.executable, "-m", "backrelief_tui"], env=_env(home), size=(100, 30), cwd=str(_code_root()))
    try:
        process.pump(STARTUP_WINDOW, markers=(STARTUP_MARKER,))
        cpu = process.cpu_seconds()
        if STARTUP_MARKER not in process.marks:
            process.pump(20.0, markers=(STARTUP_MARKER,))
        if STARTUP_MARKER not in process.marks:
            raise RuntimeError(f"the picker never showed: {bytes(process.output[-300:])!r}")
        process.pump(1.0)  # idle a moment: anything start-up does in the background shows in the RSS
        return cpu, process.peak_rss_mb()
    finally:
        process.stop()


def _pump_until(process: PtyProcess, marker: bytes, timeout: float) -> None:
    """Read the program's output until `marker` shows (or `timeout` seconds pass)."""
    deadline = time.perf_counter() + timeout
    while marker not in process.marks and time.perf_counter() < deadline and not process.poll():
        process.pump(0.02, markers=(marker,))


def _press_h(process: PtyProcess) -> float:
    """Press `h` in a running app and return the milliseconds until the rows are on the terminal."""
    process.output.clear()
    process.marks.clear()
    pressed = time.perf_counter() - process.started
    process.send(b"h")
    _pump_until(process, ROWS_MARKER, 20.0)
    if ROWS_MARKER not in process.marks:
        raise RuntimeError(f"the history never showed its rows: {bytes(process.output[-300:])!r}")
    return (process.marks[ROWS_MARKER] - pressed) * 1000


def _h_on_screen(home: Path) -> float:
    """`h` to rows painted in the real app, warm (the first `h` of the run)."""
    process = spawn([sys.executable, "-m", "backrelief_tui"], env=_env(home), size=(100, 30), cwd=str(_code_root()))
    try:
        _pump_until(process, STARTUP_MARKER, 20.0)
        if STARTUP_MARKER not in process.marks:
            raise RuntimeError(f"the picker never showed: {bytes(process.output[-300:])!r}")
        process.pump(2.5)  # start-up's own work after the first frame (the player, interrupted sessions)
        return _press_h(process)
    finally:
        process.stop()


def _h_after_session(home: Path, routine: Path) -> float:
    """`h` to rows painted right after a session ended (its summary up); the session's file removed after."""
    store = _store(home)
    before = set((home / "data" / "sessions").glob("*/*-bench-tiny-*.toml"))
    process = spawn([sys.executable, "-m", "backrelief_tui", "run", str(routine)], env=_env(home), size=(100, 30),
                    cwd=str(_code_root()))
    try:
        _pump_until(process, SUMMARY_MARKER, 60.0)
        if SUMMARY_MARKER not in process.marks:
            raise RuntimeError(f"the session never ended: {bytes(process.output[-300:])!r}")
        return _press_h(process)
    finally:
        process.stop()
        for path in set((home / "data" / "sessions").glob("*/*-bench-tiny-*.toml")) - before:
            path.unlink()
            store.update_one(path)  # its row goes too: the set stays as generated


def _quit_ms(home: Path, *, rebuilding: bool) -> float:
    """Milliseconds from ctrl+q until the app has exited: during a first build shown on `h`, or idle."""
    if rebuilding:
        shutil.rmtree(home / "cache", ignore_errors=True)
    process = spawn([sys.executable, "-m", "backrelief_tui"], env=_env(home), size=(100, 30), cwd=str(_code_root()))
    try:
        _pump_until(process, STARTUP_MARKER, 20.0)
        process.pump(1.0)
        if rebuilding:
            process.send(b"h")
            _pump_until(process, b" files", 20.0)  # "Reading your sessions… 256 of 10,000 files"
            if b" files" not in process.marks:
                raise RuntimeError(f"no first build on screen: {bytes(process.output[-300:])!r}")
            process.pump(1.0)
        asked = time.perf_counter()
        process.send(b"\x11")  # ctrl+q
        deadline = asked + 60.0
        while not process.poll() and time.perf_counter() < deadline:
            process.pump(0.01)
        if not process.poll():
            raise RuntimeError("the app did not quit within a minute")
        return (time.perf_counter() - asked) * 1000
    finally:
        process.stop()


def run(big: int = BIG, small: int = SMALL) -> dict:
    compileall.compile_dir(_code_root() / "backrelief_tui", quiet=1)  # as pip does; see bench_startup
    started = time.perf_counter()
    big_home, small_home = history_home(big), history_home(small)
    generated_s = time.perf_counter() - started
    big_store, big_build = _ready(big_home)
    _small_store, _small_build = _ready(small_home)

    h_screen = statistics.median(_h_on_screen(big_home) for _ in range(SCREEN_RUNS))
    with tempfile.TemporaryDirectory(prefix="bench-routine-") as tmp:
        routine = Path(tmp) / "bench-tiny.toml"
        routine.write_text(TINY_ROUTINE, encoding="utf-8")
        h_screen_after = statistics.median(_h_after_session(big_home, routine) for _ in range(SESSION_RUNS))
    h_warm = _median_ms(lambda: _what_h_asks(big_home), 7)
    slowest = max(_median_ms(lambda order=order: _what_h_asks(big_home, order), 3) for order in ORDERS)
    after_session = statistics.median(_after_a_session(big_store, big_home) for _ in range(5))
    unchanged = _median_ms(big_store.refresh, 3)
    trusted = _median_ms(lambda: big_store.refresh(trust_folders=True), 3)
    copy_ms, copy_parsed = _copy_refresh(small_home)
    cold_build, quit_ms, reparsed = _cold_build(small_home)

    with tempfile.TemporaryDirectory(prefix="bench-quit-") as tmp:
        # The 10,000 records seen from a home of its own (its own cache), so the shared index stays built.
        quit_home = Path(tmp) / "home"
        (quit_home / "data").mkdir(parents=True)
        (quit_home / "data" / "sessions").symlink_to(small_home / "data" / "sessions")
        shutil.copytree(small_home / "config", quit_home / "config")
        answered_safety_check(quit_home)
        quit_rebuilding = statistics.median(_quit_ms(quit_home, rebuilding=True) for _ in range(3))
        quit_idle = statistics.median(_quit_ms(quit_home, rebuilding=False) for _ in range(3))

    history_json = _command_ms(small_home, "history", "--json")
    report = _command_ms(big_home, "report", "--weeks", "4")
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        nothing = empty_home(Path(tmp))
        report_empty = _command_ms(nothing, "report", "--weeks", "4")
        _startup(big_home), _startup(nothing)  # warm-up: disk cache, byte code
        runs = [(_startup(big_home), _startup(nothing)) for _ in range(3)]
    cpu_big = statistics.median(a[0] for a, _b in runs)
    cpu_none = statistics.median(b[0] for _a, b in runs)
    rss_big = statistics.median(a[1] for a, _b in runs)
    rss_none = statistics.median(b[1] for _a, b in runs)

    figures = {
        "h_screen_warm_ms": round(h_screen, 1),
        "h_screen_after_session_ms": round(h_screen_after, 1),
        "h_queries_warm_ms": round(h_warm, 1),
        "h_slowest_order_ms": round(slowest, 1),
        "h_queries_after_session_ms": round(after_session, 1),
        "copy_refresh_10k_ms": round(copy_ms, 1),
        "copy_refresh_10k_parsed": copy_parsed,
        "history_json_10k_ms": round(history_json, 1),
        "report_100k_ms": round(report, 1),
        "report_empty_ms": round(report_empty, 1),
        "startup_cpu_100k_s": round(cpu_big, 3),
        "startup_cpu_empty_s": round(cpu_none, 3),
        "startup_cpu_ratio": round(cpu_big / cpu_none, 2),
        "startup_rss_100k_mb": round(rss_big, 1),
        "startup_rss_empty_mb": round(rss_none, 1),
        "startup_rss_ratio": round(rss_big / rss_none, 2),
        "refresh_unchanged_100k_ms": round(unchanged, 1),
        "refresh_trusted_100k_ms": round(trusted, 1),
        "rebuild_quit_ms": round(quit_ms, 1),
        "app_quit_in_rebuild_ms": round(quit_rebuilding, 1),
        "app_quit_idle_ms": round(quit_idle, 1),
        "rebuild_quit_reparsed": reparsed,
        "index_build_10k_s": round(cold_build, 1),
    }
    ok = all(figures[name] <= budget for name, budget in BUDGETS.items()) and copy_parsed == reparsed == 0
    result: dict = {"name": f"history with {big:,} and {small:,} session files", **figures}
    if big_build is not None:
        result["index_first_build_100k_s"] = round(big_build, 1)
    result.update(records_generated_s=round(generated_s, 1), load_average=round(os.getloadavg()[0], 2),
                  code=str(_code_root()), budgets=", ".join(f"{k} ≤ {v:g}" for k, v in BUDGETS.items()), ok=ok)
    return result


def run_code_only(big: int = BIG, small: int = SMALL) -> dict:
    """The subprocess figures alone (the CLI, start-up, `h` on the real screen), for BENCH_CODE pointing at
    another version of the code (before)."""
    big_home, small_home = history_home(big), history_home(small)
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        nothing = empty_home(Path(tmp))
        figures = {
            "history_json_10k_ms": round(_command_ms(small_home, "history", "--json"), 1),
            "report_100k_ms": round(_command_ms(big_home, "report", "--weeks", "4"), 1),
            "report_empty_ms": round(_command_ms(nothing, "report", "--weeks", "4"), 1),
        }
        _startup(big_home), _startup(nothing)
        runs = [(_startup(big_home), _startup(nothing)) for _ in range(3)]
    figures["h_screen_warm_ms"] = round(statistics.median(_h_on_screen(big_home) for _ in range(SCREEN_RUNS)), 1)
    with tempfile.TemporaryDirectory(prefix="bench-routine-") as tmp:
        routine = Path(tmp) / "bench-tiny.toml"
        routine.write_text(TINY_ROUTINE, encoding="utf-8")
        figures["h_screen_after_session_ms"] = round(statistics.median(
            _h_after_session(big_home, routine) for _ in range(SESSION_RUNS)), 1)
    figures.update(
        startup_cpu_100k_s=round(statistics.median(a[0] for a, _b in runs), 3),
        startup_cpu_empty_s=round(statistics.median(b[0] for _a, b in runs), 3),
        startup_rss_100k_mb=round(statistics.median(a[1] for a, _b in runs), 1),
        startup_rss_empty_mb=round(statistics.median(b[1] for _a, b in runs), 1),
    )
    return {"name": f"history (CLI and start-up only) on {_code_root()}", **figures, "ok": True}


def main(argv: list[str]) -> int:
    result = run_code_only() if "--code-only" in argv else run()
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
