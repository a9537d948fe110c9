"""Live-session markers (core/live.py) and what start-up does with them (recorder.find_interrupted).

A marker held by a running process is a session running elsewhere: never offered, never
written. A marker whose process died is an interrupted session: offered, or marked
stopped by changing its status line alone. Finding them never reads the history.
"""

import os
import subprocess
import sys
import textwrap
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from backrelief_tui.core.engine import Engine
from backrelief_tui.core.live import LiveMarkers
from backrelief_tui.core.recorder import Recorder, find_interrupted
from backrelief_tui.core.records import read_record, write_record
from backrelief_tui.core.store import RecordStore
from tests.fakes import FakeClock
from tests.record_factory import CET, WallClock, crash, dead_writer, desk_break_plan, make_record, run_for

ROOT = Path(__file__).parents[2]


def store_in(tmp_path) -> RecordStore:
    return RecordStore(tmp_path / "sessions", tmp_path / "cache" / "index.sqlite3", live_dir=tmp_path / "live")


def in_progress(store: RecordStore, minutes_ago: float, now: datetime, record_id: str = "abc123") -> Path:
    started = now - timedelta(minutes=minutes_ago + 5)
    record = make_record(started, status="in-progress", record_id=record_id)
    path = store.path_for(record)
    write_record(path, record)
    return path


HOLDER = textwrap.dedent("""
    import sys
    from pathlib import Path
    from backrelief_tui.core.live import LiveMarkers

    marker = LiveMarkers(Path(sys.argv[1]), Path(sys.argv[2])).claim(Path(sys.argv[3]))
    print("held" if marker is not None else "busy", flush=True)
    sys.stdin.read()  # hold it until told to go
""")


class Holder:
    """Another process holding the marker of `record`, as a session running in another window does."""

    def __init__(self, store: RecordStore, record: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(store.live.folder), str(store.root), str(record)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
        self.answer = self.process.stdout.readline().strip()

    def stop(self) -> None:
        self.process.stdin.close()
        self.process.wait(timeout=10)


@pytest.fixture
def holders():
    started: list[Holder] = []
    yield lambda store, record: started.append(Holder(store, record)) or started[-1]
    for holder in started:
        if holder.process.poll() is None:
            holder.stop()


def test_a_marker_held_by_another_process_is_running_elsewhere_and_never_touched(tmp_path, holders):
    store = store_in(tmp_path)
    now = datetime(2025, 3, 3, 12, 0, tzinfo=CET)
    path = in_progress(store, 2, now)
    holder = holders(store, path)
    assert holder.answer == "held"
    before = (path.read_bytes(), path.stat().st_mtime_ns)

    found = find_interrupted(store, now)
    assert found.offer is None and found.stopped == [] and found.elsewhere == [path]
    found = find_interrupted(store, now + timedelta(hours=5))  # even when it looks long abandoned
    assert found.offer is None and found.stopped == [] and found.elsewhere == [path]
    assert store.mark_stopped(path) is False
    assert store.live.claim(path) is None  # a second window's recorder may not write it
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before

    holder.stop()  # the other window's process ends without finishing the session
    found = find_interrupted(store, now)
    assert found.offer is not None and found.offer.path == path and found.elsewhere == []


def test_a_recorder_does_not_write_a_record_another_process_is_writing(tmp_path, holders):
    store = store_in(tmp_path)
    clock = FakeClock()
    wall = WallClock(clock)
    first = Recorder(store, wall_clock=wall)
    engine = Engine(desk_break_plan(), clock)
    run_for(engine, clock, first, 30)
    crash(first)
    offer = find_interrupted(store, wall()).offer
    record, path = offer.record, offer.path
    offer.marker.abandon()  # this process lets go: the other window takes the session
    holder = holders(store, path)
    assert holder.answer == "held"
    before = path.read_bytes()
    second = Recorder(store, wall_clock=wall, resume=(path, record))
    second.update(Engine(desk_break_plan(), clock), [])  # not started: nothing to save anyway
    resumed = Engine(desk_break_plan(), clock)
    run_for(resumed, clock, second, 10)
    assert second.saves == 0 and "another backrelief window" in second.error
    resumed.stop()
    second.finish(resumed)  # not even its final record
    assert second.saves == 0 and path.read_bytes() == before


def test_a_dead_session_is_offered_and_its_resume_takes_over_the_marker(tmp_path):
    store = store_in(tmp_path)
    clock = FakeClock()
    wall = WallClock(clock)
    recorder = Recorder(store, wall_clock=wall)
    engine = Engine(desk_break_plan(), clock)
    run_for(engine, clock, recorder, 30)
    marker_file = store.live.marker_path(recorder.path)
    assert marker_file.read_text().strip() == recorder.path.relative_to(store.root).as_posix()
    crash(recorder)
    assert marker_file.exists()

    clock.advance(300)
    found = find_interrupted(store, wall())
    assert found.offer is not None and found.offer.path == recorder.path and found.offer.marker.held
    assert find_interrupted(store, wall()).offer is None  # this process holds it while offering it
    again = Recorder(store, wall_clock=wall, resume=(found.offer.path, found.offer.record))
    from backrelief_tui.core.recorder import resume_engine

    resumed = resume_engine(found.offer.record, desk_break_plan(), clock)
    run_for(resumed, clock, again, 1000)
    assert again.marker is None and not marker_file.exists()  # finished: the marker is gone
    assert read_record(again.path).status == "completed"
    assert find_interrupted(store, wall()).offer is None


def test_the_marker_lives_exactly_as_long_as_the_session(tmp_path):
    store = store_in(tmp_path)
    clock = FakeClock()
    recorder = Recorder(store, wall_clock=WallClock(clock))
    engine = Engine(desk_break_plan(), clock)
    assert not (tmp_path / "live").exists() or not list((tmp_path / "live").iterdir())
    run_for(engine, clock, recorder, 5)
    assert [p.name for p in (tmp_path / "live").iterdir()] == [recorder.path.stem + ".lock"]
    engine.stop()
    recorder.finish(engine)
    assert list((tmp_path / "live").iterdir()) == []
    recorder.set_pain_after(3)  # after the end: saved, no marker made again
    assert list((tmp_path / "live").iterdir()) == [] and read_record(recorder.path).pain_after == 3


def test_old_interrupted_sessions_are_stopped_by_their_status_line_alone(tmp_path):
    store = store_in(tmp_path)
    now = datetime(2025, 3, 3, 12, 0, tzinfo=CET)
    recent = in_progress(store, 10, now, "recent")
    old = in_progress(store, 300, now, "old")
    raw = old.read_bytes()
    edited = ("# written by hand: keep me\n" + raw.decode().replace(
        "pauses = 0\n", 'pauses = 0\nfelt = "stiff"  # my own key\n\n# a comment between keys\n')).encode()
    old.write_bytes(edited)
    for path in (recent, old):
        dead_writer(store, path)
    found = find_interrupted(store, now)
    assert found.offer.path == recent and found.stopped == [old]
    assert old.read_bytes() == edited.replace(b'status = "in-progress"', b'status = "stopped"')
    assert not store.live.marker_path(old).exists() and store.live.marker_path(recent).exists()


def test_markers_of_finished_missing_or_unreadable_records_are_removed_and_the_files_left_alone(tmp_path):
    store = store_in(tmp_path)
    now = datetime(2025, 3, 3, 12, 0, tzinfo=CET)
    done = make_record(now - timedelta(minutes=30), record_id="done")
    write_record(store.path_for(done), done)
    broken = store.root / "2025" / "2025-03-03-113000-desk-break-broken.toml"
    broken.write_bytes(b'schema = 1\nstatus = "in-progress"\nsteps')
    missing = store.root / "2025" / "2025-03-03-114000-desk-break-gone.toml"
    for path in (store.path_for(done), broken, missing):
        dead_writer(store, path)
    (store.live.folder / "garbage.lock").write_bytes(b"\x00\xff not a path")
    (store.live.folder / "escape.lock").write_text("../../etc/passwd.toml\n")
    before = {p: p.read_bytes() for p in (store.path_for(done), broken)}
    found = find_interrupted(store, now)
    assert (found.offer, found.stopped, found.elsewhere) == (None, [], [])
    assert list(store.live.folder.iterdir()) == []
    assert {p: p.read_bytes() for p in before} == before and not missing.exists()


def test_temporary_files_of_killed_writes_are_cleaned_up_by_the_next_refresh(tmp_path):
    store = store_in(tmp_path)
    now = datetime(2025, 3, 3, 12, 0, tzinfo=CET)
    path = in_progress(store, 120, now)
    litter = path.parent / f".{path.name}.x1y2.tmp"
    fresh = path.parent / f".{path.name}.k3j4.tmp"  # a live writer's, seconds old
    other = path.parent / ".notes.tmp"
    for item in (litter, fresh, other):
        item.write_text("half a record")
    for item in (litter, other):
        os.utime(item, (now.timestamp() - 7200, time.time() - 7200))
    store.refresh()
    assert not litter.exists() and fresh.exists() and other.exists() and path.exists()


def test_finding_interrupted_sessions_never_looks_at_the_history(tmp_path, monkeypatch):
    store = store_in(tmp_path)
    now = datetime(2025, 3, 3, 12, 0, tzinfo=CET)
    for n in range(50):
        record = make_record(now - timedelta(days=n + 1), record_id=f"h{n}")
        write_record(store.path_for(record), record)
    path = in_progress(store, 5, now)
    dead_writer(store, path)
    looked: list[str] = []
    real_scandir, real_listdir = os.scandir, os.listdir
    monkeypatch.setattr(os, "scandir", lambda p=".": looked.append(str(p)) or real_scandir(p))
    monkeypatch.setattr(os, "listdir", lambda p=".": looked.append(str(p)) or real_listdir(p))
    monkeypatch.setattr(RecordStore, "refresh", lambda *a, **k: pytest.fail("refreshed the index"))
    found = find_interrupted(store, now)
    assert found.offer is not None
    assert all(not p.startswith(str(store.root)) for p in looked), looked


def test_a_marker_is_locked_before_anyone_can_see_it(tmp_path):
    markers = LiveMarkers(tmp_path / "live", tmp_path / "sessions")
    record = tmp_path / "sessions" / "2025" / "2025-03-03-090000-x-abc.toml"
    mine = markers.claim(record)
    assert mine is not None and mine.held
    assert markers.claim(record) is mine  # asked again in this process: the same marker
    survey = markers.survey()
    assert survey.here == [record] and survey.dead == [] and survey.elsewhere == []
    assert [p.name for p in (tmp_path / "live").iterdir()] == ["2025-03-03-090000-x-abc.lock"]  # no temp left
    mine.release()
    assert list((tmp_path / "live").iterdir()) == [] and not mine.held
