"""The store and its cache index: the index is only ever a faster way to get the same answer.

`now` is pushed far ahead of the files' ctimes so the index trusts entries at all
(in a test everything happens within the racy window); each test then shows that a
change to a file is still seen.
"""

import json
import os
import random
import re
import time
from dataclasses import replace
from datetime import datetime

import pytest

from backrelief_tui.core.records import SessionSummary, Unreadable, dumps, read_record, write_record
from backrelief_tui.core.store import INDEX_VERSION, RACY_SECONDS, RecordStore
from tests.record_factory import CET, make_record

LATER = lambda: time.time_ns() + 3600 * 10**9  # noqa: E731 - an hour from now: nothing is racy


def store_in(tmp_path, now=LATER, **options):
    return RecordStore(tmp_path / "sessions", tmp_path / "index.json", now_ns=now, **options)


def add(store, day=1, **options):
    options.setdefault("record_id", f"id{day:04d}")
    record = make_record(datetime(2025, 3, day, 9, 0, tzinfo=CET), **options)
    path = store.path_for(record)
    write_record(path, record)
    return path, record


def fresh(store):
    """What a store without any index says."""
    return RecordStore(store.root, use_index=False).entries()


def reopened(store):
    """The same folder and index in a new process: nothing remembered, only the index file."""
    return RecordStore(store.root, store.index_path, now_ns=store._now_ns)


def test_entries_are_newest_first_with_unreadable_files_in_place(tmp_path):
    store = store_in(tmp_path)
    add(store, 1)
    add(store, 3)
    bad = store.root / "2025" / "2025-03-02-090000-desk-break-bad.toml"
    bad.write_text("schema = ")
    entries = store.entries()
    assert [e.path.name[:10] for e in entries] == ["2025-03-03", "2025-03-02", "2025-03-01"]
    assert isinstance(entries[1], Unreadable) and not entries[1].readable


def test_temporary_files_and_stray_files_are_not_sessions(tmp_path):
    store = store_in(tmp_path)
    add(store, 1)
    (store.root / "2025" / ".2025-03-01-x.toml.abc.tmp").write_text("half")
    (store.root / "2025" / "README.txt").write_text("hi")
    (store.root / "loose.toml").write_text("not in a year folder")
    assert len(store.entries()) == 1


def test_an_empty_or_missing_folder_lists_nothing(tmp_path):
    assert store_in(tmp_path).entries() == []


def test_the_second_listing_comes_from_the_index(tmp_path):
    store = store_in(tmp_path)
    for day in range(1, 6):
        add(store, day)
    first = store.entries()
    assert store.last_scan == {"files": 5, "cached": 0, "parsed": 5}
    assert store.entries() == first  # remembered in memory
    assert store.last_scan == {"files": 5, "cached": 5, "parsed": 0}
    again = reopened(store)
    assert again.entries() == first  # from the index file
    assert again.last_scan == {"files": 5, "cached": 5, "parsed": 0}


def test_a_rewritten_file_is_read_again_even_with_the_same_size_and_mtime(tmp_path):
    store = store_in(tmp_path)
    path, record = add(store, 1, pain_after=3)
    store.entries()
    stat = path.stat()
    write_record(path, replace(record, pain_after=7))  # same length
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as a sync tool that keeps mtimes would
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    [entry] = store.entries()
    assert entry.pain_after == 7 and store.last_scan["parsed"] == 1


def test_an_in_place_edit_that_restores_the_mtime_is_still_seen(tmp_path):
    """Same inode, same size, same mtime: only the ctime moved, and that is enough."""
    store = store_in(tmp_path)
    path, _ = add(store, 1, pain_after=3)
    store.entries()
    stat = path.stat()
    time.sleep(0.01)  # let the ctime tick
    raw = path.read_bytes().replace(b"pain_after = 3", b"pain_after = 8")
    with open(path, "r+b") as handle:
        handle.write(raw)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert path.stat().st_ino == stat.st_ino and path.stat().st_mtime_ns == stat.st_mtime_ns
    [entry] = store.entries()
    assert entry.pain_after == 8


def test_racy_entries_are_not_kept_in_the_index(tmp_path):
    """A file changed within RACY_SECONDS of the scan could keep its ctime; it is parsed again next time."""
    now = time.time_ns()
    store = store_in(tmp_path, now=lambda: now)
    add(store, 1)
    store.entries()
    assert store.last_scan["parsed"] == 1
    store.entries()
    assert store.last_scan["parsed"] == 1  # still not trusted
    later = store_in(tmp_path, now=lambda: now + int(RACY_SECONDS * 1e9) + 10**9)
    later.entries()
    later.entries()
    assert later.last_scan == {"files": 1, "cached": 1, "parsed": 0}


def test_deleted_and_new_files_are_seen(tmp_path):
    store = store_in(tmp_path)
    gone, _ = add(store, 1)
    add(store, 2)
    store.entries()
    gone.unlink()
    add(store, 3)
    assert [e.path.name[:10] for e in store.entries()] == ["2025-03-03", "2025-03-02"]
    assert json.loads(store.index_path.read_text())["files"].keys() == {
        e.path.relative_to(store.root).as_posix() for e in store.entries()}


@pytest.mark.parametrize("content", [b"", b"{not json", b"[]", b'{"version": 99, "files": {}}',
                                     b'{"version": 2, "schema": 1, "root": "/elsewhere", "files": {}}',
                                     b"[" * 100_000],
                         ids=["empty", "not-json", "a-list", "other-version", "other-folder", "deep"])
def test_a_damaged_or_foreign_index_is_ignored_and_rebuilt(tmp_path, content):
    store = store_in(tmp_path)
    add(store, 1)
    store.index_path.parent.mkdir(parents=True, exist_ok=True)
    store.index_path.write_bytes(content)
    assert store.entries() == fresh(store)
    assert json.loads(store.index_path.read_text())["version"] == INDEX_VERSION


def test_a_damaged_index_entry_is_parsed_from_the_file_instead(tmp_path):
    store = store_in(tmp_path)
    add(store, 1)
    store.entries()
    data = json.loads(store.index_path.read_text())
    for entry in data["files"].values():
        entry["row"][3] = "garbage"
    store.index_path.write_text(json.dumps(data))
    again = reopened(store)
    assert again.entries() == fresh(store) and again.last_scan["parsed"] == 1


def test_an_index_that_cannot_be_written_costs_nothing(tmp_path):
    store = store_in(tmp_path)
    add(store, 1)
    store.index_path.mkdir(parents=True)  # a folder where the index should go: the write fails
    assert store.entries() == fresh(store)


def test_a_file_that_cannot_be_opened_is_not_cached_as_unreadable(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads everything")
    store = store_in(tmp_path)
    path, _ = add(store, 1)
    path.chmod(0)
    assert isinstance(store.entries()[0], Unreadable)
    path.chmod(0o644)
    assert isinstance(store.entries()[0], SessionSummary)


def test_unreadable_files_are_never_rewritten(tmp_path):
    store = store_in(tmp_path)
    path = store.root / "2025" / "2025-03-02-090000-desk-break-bad.toml"
    path.parent.mkdir(parents=True)
    path.write_bytes(b'schema = 1\nstatus = "in-progress"\n')
    before = path.stat()
    store.entries()
    assert store.mark_stopped(path) is False
    assert path.read_bytes() == b'schema = 1\nstatus = "in-progress"\n'
    assert path.stat().st_mtime_ns == before.st_mtime_ns


def test_random_changes_never_make_the_index_disagree_with_the_files(tmp_path):
    """Whatever happens to the files between listings, the indexed answer equals a fresh parse."""
    rng = random.Random(5)
    store = store_in(tmp_path)
    paths = []
    for step in range(120):
        action = rng.choice(["add", "rewrite", "edit-in-place", "corrupt", "delete", "touch-back", "list"])
        if action == "add" or not paths:
            path, _ = add(store, rng.randint(1, 28), pain_after=rng.randint(0, 9), record_id=f"r{step}")
            paths.append(path)
        else:
            path = rng.choice(paths)
            if not path.exists():
                continue
            stat = path.stat()
            if action == "rewrite":
                write_record(path, make_record(pain_after=rng.randint(0, 9), record_id=f"w{step}"))
            elif action == "edit-in-place":
                raw = re.sub(rb"pain_after = \d", b"pain_after = %d" % rng.randint(0, 9), path.read_bytes())
                with open(path, "r+b") as handle:
                    handle.write(raw)
            elif action == "corrupt":
                path.write_bytes(dumps(make_record())[: rng.randint(0, 500)])
            elif action == "delete":
                path.unlink()
                continue
            if action in ("rewrite", "edit-in-place", "corrupt", "touch-back"):
                os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        truth = fresh(store)
        assert store.entries() == truth, f"remembered, after {action} at step {step}"
        assert reopened(store).entries() == truth, f"from the index, after {action} at step {step}"


def test_only_old_temporary_files_of_killed_writes_are_removed(tmp_path):
    store = store_in(tmp_path, now=time.time_ns)
    path, _ = add(store, 1)
    old = path.parent / f".{path.name}.k3j2.tmp"
    new = path.parent / f".{path.name}.x9q1.tmp"
    other = path.parent / "notes.tmp"
    for item in (old, new, other):
        item.write_text("half a record")
    os.utime(old, (time.time() - 7200, time.time() - 7200))
    os.utime(other, (time.time() - 7200, time.time() - 7200))
    assert store.remove_stale_temp_files() == 1
    assert not old.exists() and new.exists() and other.exists() and path.exists()


def test_a_note_is_written_into_the_record_and_nothing_else_changes(tmp_path):
    store = store_in(tmp_path)
    path, record = add(store, 1, pain_after=2)
    text = path.read_text().replace("pauses = 0\n", 'pauses = 0\nmood = "good"\n')  # a key added by hand
    path.write_text(text)
    assert store.set_note(path, "  Hips tight after the drive.  ") is None
    again = read_record(path)
    assert again == replace(record, note="Hips tight after the drive.")
    assert 'mood = "good"' in path.read_text()
    text = path.read_text()
    assert text.rstrip().endswith("]") and text.rindex("[progress]") > text.rindex("[[moves]]")
    assert store.set_note(path, "") is None and read_record(path).note == ""


def test_a_note_never_touches_an_unreadable_file(tmp_path):
    store = store_in(tmp_path)
    bad = store.root / "2025" / "2025-03-02-090000-desk-break-bad.toml"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"schema = 7\n")
    assert "left as it is" in store.set_note(bad, "hello")
    assert bad.read_bytes() == b"schema = 7\n"
    assert "at most" in store.set_note(bad, "x" * 5000)
