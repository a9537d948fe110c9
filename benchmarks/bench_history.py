"""History at scale: 10,000 session files (ten years of daily breaks), listed and shown.

Measures, on the same folder:
- list + read: walking the year folders and reading every file's bytes (the floor);
- list + parse: the same plus parsing every file (what listing costs without the index);
- index build: `RecordStore.entries()` with no index yet (parse all, write index.json);
- from index.json: `entries()` in a new store (stat every file, read one JSON file);
- remembered: `entries()` again in the same store (stat every file, nothing else);
- screen open: `h` in the headless app until the stats, charts and the first page of
  the table are shown (budget 300 ms); the app has listed the records at start-up, as
  it always does. Also: the screen in a process that has not listed yet, with and
  without index.json.

    python benchmarks/bench_history.py [COUNT]      # or through `make bench`
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from backrelief_tui.core.engine import Engine  # noqa: E402
from backrelief_tui.core.recorder import Recorder  # noqa: E402
from backrelief_tui.core.records import dumps, parse_record, record_filename  # noqa: E402
from backrelief_tui.core.store import RACY_SECONDS, RecordStore  # noqa: E402
from tests.fakes import FakeClock  # noqa: E402
from tests.record_factory import WallClock, desk_break_plan, run_for  # noqa: E402

COUNT = 10_000
BUDGET_MS = 300.0


def _templates(store: RecordStore) -> list[bytes]:
    """Real desk-break records from the engine and recorder: completed, stopped midway, with pain or not."""
    templates = []
    scratch = Path(tempfile.mkdtemp(prefix="bench-templates-"))  # the recorder's own saves land here
    for seconds, pain in ((400, (5, 3)), (400, (None, None)), (150, (6, None)), (400, (4, 4))):
        clock = FakeClock()
        recorder = Recorder(store, wall_clock=WallClock(clock), pain_before=pain[0])
        engine = Engine(desk_break_plan(), clock)
        recorder.path = scratch / "template.toml"  # build the record only; the bench writes the files itself
        run_for(engine, clock, recorder, seconds)
        engine.stop()
        recorder.record = recorder.snapshot(engine)
        if pain[1] is not None:
            recorder.record = replace(recorder.record, pain_after=pain[1])
        templates.append(dumps(recorder.record))
    shutil.rmtree(scratch, ignore_errors=True)
    return templates


def make_history(root: Path, count: int = COUNT, seed: int = 7) -> None:
    """`count` daily sessions ending today, from real record templates with new ids and times."""
    rng = random.Random(seed)
    store = RecordStore(root)
    templates = _templates(store)
    today = datetime.now().astimezone().replace(hour=9, minute=0, second=0, microsecond=0)
    for n in range(count):
        started = today - timedelta(days=n, minutes=rng.randint(0, 600))
        raw = templates[n % len(templates)].decode()
        ended = started + timedelta(minutes=5, seconds=25)
        raw = re.sub(r'^id = ".*"$', f'id = "{n:06x}"', raw, count=1, flags=re.M)
        raw = re.sub(r"^started = .*$", f"started = {started.isoformat(sep=' ', timespec='seconds')}", raw,
                     count=1, flags=re.M)
        raw = re.sub(r"^ended = .*$", f"ended = {ended.isoformat(sep=' ', timespec='seconds')}", raw,
                     count=1, flags=re.M)
        name = f"{started:%Y-%m-%d-%H%M%S}-desk-break-{n:06x}.toml"
        folder = root / f"{started:%Y}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(raw)
    assert record_filename  # the names above follow records.record_filename's pattern


def _list_and_read(root: Path, parse: bool) -> int:
    count = 0
    for folder in os.scandir(root):
        for entry in os.scandir(folder.path):
            raw = Path(entry.path).read_bytes()
            if parse:
                parse_record(raw, Path(entry.path))
            count += 1
    return count


def _ms(function, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


async def _open_screen(root: Path, *, in_app: bool) -> tuple[float, float]:
    """Milliseconds from pressing `h` until the history screen shows its data: wall time, and
    this process's CPU time (which other programs on a busy machine do not inflate).

    `in_app`: the real app with its record store, whose start-up check for interrupted
    sessions has already listed the records (as always happens before anyone presses h).
    Otherwise a store new to this process, so the listing comes from index.json (or,
    without one, from parsing every file).
    """
    from textual import events

    from backrelief_tui.tui.app import build_app
    from backrelief_tui.tui.screens.history import HistoryScreen

    store = RecordStore(root)
    app = build_app(record_store=store if in_app else None)
    async with app.run_test(size=(100, 30)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        started, cpu = time.perf_counter(), time.process_time()
        if in_app:
            # What a terminal does: deliver the key. (`pilot.press` also waits for the app to go idle.)
            app.post_message(events.Key("h", "h"))
        else:
            app.push_screen(HistoryScreen(store))
        screen = app.screen
        while not (isinstance(screen, HistoryScreen) and screen.loaded):
            await asyncio.sleep(0.005)  # coarse: a tighter loop would steal time from the app
            screen = app.screen
        elapsed, cpu = (time.perf_counter() - started) * 1000, (time.process_time() - cpu) * 1000
        assert screen.query_one("#sessions").row_count == min(screen.page, len(screen.rows))
    return elapsed, cpu


def run(count: int = COUNT) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-history-") as tmp:
        root = Path(tmp) / "data" / "sessions"
        started = time.perf_counter()
        make_history(root, count)
        generate_s = time.perf_counter() - started
        time.sleep(RACY_SECONDS + 0.1)  # files this fresh are not trusted from the index (see store.py)
        list_read = _ms(lambda: _list_and_read(root, parse=False), 3)
        list_parse = _ms(lambda: _list_and_read(root, parse=True))
        store = RecordStore(root)
        index_build = _ms(store.entries)
        assert store.last_scan["parsed"] == count, store.last_scan
        index_warm = _ms(lambda: RecordStore(root).entries(), 5)
        remembered = _ms(store.entries, 5)
        assert store.last_scan["cached"] == count, store.last_scan
        index_kb = store.index_path.stat().st_size / 1024
        opens = [asyncio.run(_open_screen(root, in_app=True)) for _ in range(7)]
        screen = statistics.median(wall for wall, _cpu in opens)
        screen_best = min(wall for wall, _cpu in opens)
        screen_cpu = statistics.median(cpu for _wall, cpu in opens)
        screen_index = statistics.median(asyncio.run(_open_screen(root, in_app=False))[0] for _ in range(3))
        store.index_path.unlink()
        screen_cold = asyncio.run(_open_screen(root, in_app=False))[0]
        load = os.getloadavg()[0]
    return {
        "name": f"history with {count} session files",
        "sessions": count,
        "generate_s": round(generate_s, 1),
        "list_read_ms": round(list_read, 1),
        "list_parse_ms": round(list_parse, 1),
        "index_build_ms": round(index_build, 1),
        "index_warm_ms": round(index_warm, 1),
        "remembered_ms": round(remembered, 1),
        "index_kb": round(index_kb),
        "screen_open_ms": round(screen, 1),
        "screen_open_best_ms": round(screen_best, 1),
        "screen_open_cpu_ms": round(screen_cpu, 1),
        "load_average": round(load, 2),
        "screen_open_index_only_ms": round(screen_index, 1),
        "screen_open_no_index_ms": round(screen_cold, 1),
        "budget_ms": BUDGET_MS,
        "ok": screen < BUDGET_MS,
    }


def main(argv: list[str]) -> int:
    result = run(int(argv[1]) if len(argv) > 1 else COUNT)
    print(f"{result['name']}: history screen opens in {result['screen_open_ms']:.0f} ms after `h` in the app "
          f"(budget {result['budget_ms']:.0f} ms) {'OK' if result['ok'] else 'OVER BUDGET'}\n"
          f"  median of 7; best {result['screen_open_best_ms']:.0f} ms; this process's CPU "
          f"{result['screen_open_cpu_ms']:.0f} ms; load average {result['load_average']}\n"
          f"  just list + read every file: {result['list_read_ms']:.0f} ms; list + parse every file: "
          f"{result['list_parse_ms']:.0f} ms\n"
          f"  listing: index build {result['index_build_ms']:.0f} ms, from index.json "
          f"{result['index_warm_ms']:.0f} ms ({result['index_kb']} KB), remembered {result['remembered_ms']:.0f} ms\n"
          f"  screen in a process that has not listed yet: {result['screen_open_index_only_ms']:.0f} ms with "
          f"the index, {result['screen_open_no_index_ms']:.0f} ms without one")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
