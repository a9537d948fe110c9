"""Realistic session histories for the benchmarks: N record files, about three sessions a day, ending today.

Each file comes from a real record: the built-in routines run on the real engine (fake
time) and the recorder's own snapshot, finished, stopped midway, with and without pain
check-ins and notes. The generator then gives each copy its own id and times (a morning,
midday and afternoon break, a few minutes either way) and the file's mtime its end.
Mostly desk breaks, sometimes a longer routine. 100,000 records cover about 90 years,
10,000 about 9: it is the count that is under test, not the calendar.

A generated set is a whole BACKRELIEF_HOME (data/sessions, config/settings.toml, and the
cache/index.sqlite3 the benchmarks build), kept between runs in the temporary folder
(`<tmp>/backrelief-bench/`), never in the repository. Delete that folder to start afresh.

    python -m benchmarks.history_data COUNT      # make (or find) a set and print its home
"""

from __future__ import annotations

import os
import random
import re
import shutil
import sys
import tempfile
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from backrelief_tui.core.engine import Engine
from backrelief_tui.core.library import load_library
from backrelief_tui.core.paths import builtin_routines_dir
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.recorder import Recorder
from backrelief_tui.core.records import SessionRecord, dumps
from backrelief_tui.core.store import RecordStore

GENERATOR_VERSION = 1  # bump when the records made change: older cached sets are then ignored
CACHE = Path(tempfile.gettempdir()) / "backrelief-bench"
SLOTS = ((9, 0), (12, 45), (16, 30))  # about three breaks a day
ROUTINE_WEIGHTS = {"desk-break": 6, "release": 2, "stretch": 1, "activate": 1}
SETTINGS = "sound = false\npain_checkin = false\nsafety_acknowledged = true\n"


def answered_safety_check(home: Path) -> None:
    """The journal of a person who answered the red-flag check when they started (all no): without it the app
    asks the check over the picker and before the first session, as it does on a person's first run."""
    from backrelief_tui.core.journal import record_red_flag_check
    from backrelief_tui.core.paths import JOURNAL_NAME
    from backrelief_tui.core.redflags import RED_FLAG_IDS, RedFlagCheck, Trigger

    path = home / "data" / JOURNAL_NAME
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        asked = datetime(2020, 1, 6, 9, 0).astimezone()
        check = RedFlagCheck(asked, Trigger.FIRST_RUN, dict.fromkeys(RED_FLAG_IDS, False))
        problem = record_red_flag_check(check, path)
        if problem is not None:
            raise RuntimeError(f"{path}: {problem}")


class _FakeClock:
    def __init__(self) -> None:
        self.time = 1000.0

    def __call__(self) -> float:
        return self.time


def _record(routine_id: str, *, stop_at: float | None, pain: tuple[int | None, int | None], note: str) -> bytes:
    """One real record: the routine run on the engine in fake time, snapshot by the recorder."""
    library = load_library(builtin_routines_dir(), Path("/nonexistent"))
    routine = library.get(routine_id)
    if routine is None:
        raise RuntimeError(f"no built-in routine {routine_id!r}")
    clock = _FakeClock()
    origin = datetime(2025, 1, 6, 9, 0).astimezone()
    wall = lambda: origin + timedelta(seconds=clock.time - 1000.0)  # noqa: E731
    engine = Engine(plan_session(routine), clock)
    # The store is never written: only `snapshot` is used.
    recorder = Recorder(RecordStore(Path("/nonexistent/sessions")), wall_clock=wall, pain_before=pain[0])
    engine.start()
    total = engine.total_planned
    while not engine.over:
        clock.time += 1.0
        engine.poll()
        if engine.step is not None and engine.step.self_paced and not engine.over:
            engine.next()
        if stop_at is not None and clock.time - 1000.0 >= stop_at * total:
            engine.stop()
    record: SessionRecord = recorder.snapshot(engine)
    return dumps(replace(record, pain_after=pain[1], note=note))


def templates() -> dict[str, list[bytes]]:
    """A dozen kinds of record per routine: finished or stopped, rated or not, a note now and then."""
    made: dict[str, list[bytes]] = {}
    for routine in ROUTINE_WEIGHTS:
        made[routine] = [
            _record(routine, stop_at=stop, pain=pain, note=note)
            for stop in (None, None, 0.4)
            for pain, note in (((5, 3), ""), ((None, None), ""), ((6, 6), "Tight after the drive."), ((4, 2), ""))
        ]
    return made


def generate(root: Path, count: int, seed: int = 7) -> None:
    """Write `count` session files under `root` (a sessions folder), newest today."""
    rng = random.Random(seed)
    kinds = templates()
    routines = [name for name, weight in ROUTINE_WEIGHTS.items() for _ in range(weight)]
    today = datetime.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
    made_folders: set[Path] = set()
    for n in range(count):
        day, slot = divmod(n, len(SLOTS))
        hour, minute = SLOTS[len(SLOTS) - 1 - slot]  # newest first: today's afternoon break is n = 0
        started = (today - timedelta(days=day)).replace(hour=hour, minute=minute) + timedelta(
            minutes=rng.randint(-40, 40), seconds=rng.randint(0, 59))
        routine = rng.choice(routines)
        raw = rng.choice(kinds[routine]).decode()
        planned = int(re.search(r"^active_seconds = ([\d.]+)$", raw, re.M).group(1).split(".")[0] or 0)
        ended = started + timedelta(seconds=planned + rng.randint(5, 90))
        record_id = f"{n:06x}"
        raw = re.sub(r'^id = ".*"$', f'id = "{record_id}"', raw, count=1, flags=re.M)
        raw = re.sub(r"^started = .*$", f"started = {started.isoformat(sep=' ', timespec='seconds')}", raw,
                     count=1, flags=re.M)
        raw = re.sub(r"^ended = .*$", f"ended = {ended.isoformat(sep=' ', timespec='seconds')}", raw,
                     count=1, flags=re.M)
        folder = root / f"{started:%Y}"
        if folder not in made_folders:
            folder.mkdir(parents=True, exist_ok=True)
            made_folders.add(folder)
        path = folder / f"{started:%Y-%m-%d-%H%M%S}-{routine}-{record_id}.toml"
        path.write_text(raw, encoding="utf-8")
        stamp = ended.timestamp()
        os.utime(path, (stamp, stamp))


def history_home(count: int, seed: int = 7) -> Path:
    """A BACKRELIEF_HOME holding `count` generated records, made once and kept in the cache folder."""
    home = CACHE / f"history-v{GENERATOR_VERSION}-{count}-{seed}" / "home"
    done = home.parent / "complete"
    if not done.exists():
        if home.parent.exists():
            shutil.rmtree(home.parent)
        sessions = home / "data" / "sessions"
        generate(sessions, count, seed)
        (home / "config").mkdir(parents=True, exist_ok=True)
        (home / "config" / "settings.toml").write_text(SETTINGS, encoding="utf-8")
        done.write_text(f"{count} records\n")
    answered_safety_check(home)
    return home


def empty_home(parent: Path) -> Path:
    """A BACKRELIEF_HOME with the same settings and no records."""
    home = parent / "empty-home"
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    answered_safety_check(home)
    return home


if __name__ == "__main__":
    print(history_home(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000))
