"""Issue 11, item 14 (a record from the future) and item 4 (the person's keys survive), end to end."""

from __future__ import annotations

from datetime import timedelta

from backrelief_tui.core.recorder import find_interrupted
from backrelief_tui.core.records import SessionStatus, dumps, read_record, record_path
from backrelief_tui.core.store import RecordStore
from tests.hostile.conftest import started_at
from tests.record_factory import dead_writer, make_record


def _interrupted(tmp_path, started, *, hand_edit: bytes = b""):
    store = RecordStore(tmp_path / "sessions", tmp_path / "index.sqlite3", live_dir=tmp_path / "live")
    record = make_record(started, status="in-progress", minutes=2)
    path = record_path(store.root, record)
    path.parent.mkdir(parents=True)
    path.write_bytes(hand_edit + dumps(record))
    dead_writer(store, path)  # its process died: the marker is left, unlocked
    return store, path


def test_a_record_from_the_future_is_not_offered_as_just_stopped(tmp_path):
    now = started_at(3, 9)
    store, path = _interrupted(tmp_path, now + timedelta(days=2))  # a clock that was wrong, or another machine
    found = find_interrupted(store, now)
    assert found.offer is None
    assert found.stopped == [path]
    assert read_record(path).status is SessionStatus.STOPPED
    assert find_interrupted(store, now).offer is None  # and not on the next start either


def test_a_record_a_minute_ahead_is_still_offered(tmp_path):
    now = started_at(3, 9)
    store, path = _interrupted(tmp_path, now - timedelta(seconds=30))  # ended 90 s "after" now: clocks differ
    found = find_interrupted(store, now)
    assert found.offer is not None and found.offer.path == path


def test_stopping_an_old_record_keeps_the_persons_keys_and_comments(tmp_path):
    now = started_at(5, 9)
    edit = b"# my own comment\nmood = \"tired\"\n"
    store, path = _interrupted(tmp_path, started_at(3, 9), hand_edit=edit)
    before = path.read_bytes()
    assert find_interrupted(store, now).stopped == [path]
    after = path.read_bytes()
    assert after.startswith(edit)
    assert after.replace(b'status = "stopped"', b'status = "in-progress"') == before
