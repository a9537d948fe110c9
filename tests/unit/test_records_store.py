"""The store: listing through the history index gives the same answer as parsing every file.

`now` is pushed an hour ahead of the files' ctimes so the index trusts rows at all
(in a test every file is written within the racy window); each test then shows that a
change to a file is still seen. The index itself has its own tests (test_index.py).
"""

import os
import random
import re
import time
from dataclasses import replace
from datetime import date, datetime

import pytest

from backrelief_tui.core.records import SessionSummary, Unreadable, dumps, read_record, write_record
from backrelief_tui.core.store import RecordStore
from tests.record_factory import CET, make_record

LATER = lambda: time.time_ns() + 3600 * 10**9  # noqa: E731 - an hour from now: nothing is racy


def store_in(tmp_path, now=LATER):
    return RecordStore(tmp_path / "sessions", tmp_path / "cache" / "index.sqlite3", live_dir=tmp_path / "live",
                       now_ns=now)


def add(store, day=1, **options):
    options.setdefault("record_id", f"id{day:04d}")
    record = make_record(datetime(2025, 3, day, 9, 0, tzinfo=CET), **options)
    path = store.path_for(record)
    write_record(path, record)
    return path, record


def fresh(store):
    """What parsing every file says (the store's way without an index)."""
    return store._parse_all(None, None)


def reopened(store):
    """The same folder and index in a new process: nothing in memory, only the database."""
    return RecordStore(store.root, store.index_path, live_dir=store.live.folder, now_ns=store._now_ns)


def test_entries_are_newest_first_with_unreadable_files_in_place(tmp_path):
    store = store_in(tmp_path)
    add(store, 1)
    add(store, 3)
    bad = store.root / "2025" / "2025-03-02-090000-desk-break-bad.toml"
    bad.write_text("schema = ")
    entries = store.entries()
    assert [e.path.name[:10] for e in entries] == ["2025-03-03", "2025-03-02", "2025-03-01"]
    assert isinstance(entries[1], Unreadable) and not entries[1].readable
    assert entries == fresh(store)


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
    assert (store.last_refresh.files, store.last_refresh.parsed) == (5, 5)
    assert store.entries() == first
    assert (store.last_refresh.unchanged, store.last_refresh.parsed) == (5, 0)
    again = reopened(store)
    assert again.entries() == first
    assert (again.last_refresh.unchanged, again.last_refresh.parsed) == (5, 0)


def test_a_rewritten_file_is_read_again_even_with_the_same_size_and_mtime(tmp_path):
    store = store_in(tmp_path)
    path, record = add(store, 1, pain_after=3)
    store.entries()
    stat = path.stat()
    write_record(path, replace(record, pain_after=7))  # same length
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # as a sync tool that keeps mtimes would
    assert path.stat().st_size == stat.st_size and path.stat().st_mtime_ns == stat.st_mtime_ns
    [entry] = store.entries()
    assert entry.pain_after == 7 and store.last_refresh.parsed == 1


def test_an_in_place_edit_that_restores_the_mtime_is_still_seen(tmp_path):
    """Same inode, same size, same mtime: only the ctime moved, and that is enough to read the bytes again."""
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


def test_racy_rows_are_checked_again_but_not_parsed_again(tmp_path):
    """A file read within the racy window of its ctime could change unseen: its bytes are hashed next time."""
    store = store_in(tmp_path, now=time.time_ns)
    add(store, 1)
    store.entries()
    assert store.last_refresh.parsed == 1
    store.entries()
    assert (store.last_refresh.same_bytes, store.last_refresh.parsed) == (1, 0)


def test_deleted_and_new_files_are_seen(tmp_path):
    store = store_in(tmp_path)
    gone, _ = add(store, 1)
    add(store, 2)
    store.entries()
    gone.unlink()
    add(store, 3)
    assert [e.path.name[:10] for e in store.entries()] == ["2025-03-03", "2025-03-02"]
    assert store.last_refresh.removed == 1 and store.index.count() == 2


def test_an_index_that_cannot_be_made_costs_nothing(tmp_path):
    store = store_in(tmp_path)
    add(store, 1)
    store.index_path.mkdir(parents=True)  # a folder where the database should go
    assert store.entries() == fresh(store) and len(fresh(store)) == 1
    assert store.last_refresh is None


def test_an_old_index_json_is_ignored(tmp_path):
    store = store_in(tmp_path)
    add(store, 1)
    (tmp_path / "index.json").write_text('{"version": 2, "files": {"2025/x.toml": {"row": []}}}')
    assert store.entries() == fresh(store)


def test_a_file_that_cannot_be_opened_is_listed_and_read_again_later(tmp_path):
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


def test_history_filters_match_the_files(tmp_path):
    store = store_in(tmp_path)
    add(store, 1, routine="release")
    add(store, 5)
    unnamed = store.root / "2025" / "notes.toml"
    unnamed.write_text("not a record")
    old_bad = store.root / "2025" / "2025-02-01-090000-release-bad.toml"
    old_bad.write_text("schema = ")
    for since, routine in [(None, None), (date(2025, 3, 2), None), (None, "release"), (date(2025, 3, 2), "x")]:
        expected = [e for e in fresh(store) if _selected(e, since, routine)]
        assert store.entries(since=since, routine=routine) == expected, (since, routine)


def _selected(entry, since, routine):
    from backrelief_tui.core.store import _selected as rule

    return rule(entry, since, routine)


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
        assert store.entries() == truth, f"after {action} at step {step}"
        assert reopened(store).entries() == truth, f"from the database, after {action} at step {step}"


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


def test_a_note_is_in_the_index_at_once(tmp_path):
    store = store_in(tmp_path)
    path, _ = add(store, 1)
    store.entries()
    assert store.set_note(path, "Better today.") is None
    [entry] = store.index.page()
    assert entry.note == "Better today."


def test_a_note_never_touches_an_unreadable_file(tmp_path):
    store = store_in(tmp_path)
    bad = store.root / "2025" / "2025-03-02-090000-desk-break-bad.toml"
    bad.parent.mkdir(parents=True)
    bad.write_bytes(b"schema = 7\n")
    assert "left as it is" in store.set_note(bad, "hello")
    assert bad.read_bytes() == b"schema = 7\n"
    assert "at most" in store.set_note(bad, "x" * 5000)


def test_marking_stopped_changes_the_status_line_and_nothing_else(tmp_path):
    store = store_in(tmp_path)
    path, _ = add(store, 1, status="in-progress")
    original = path.read_bytes()
    hand_edited = (b"# my own comment, keep it\n"
                   + original.replace(b"pauses = 0\n", b'pauses = 0\nmood = "meh"   # added by hand\n')
                   .replace(b'status = "in-progress"', b'status   =   "in-progress"  # was running'))
    path.write_bytes(hand_edited)
    assert store.mark_stopped(path) is True
    after = path.read_bytes()
    assert after == hand_edited.replace(b'status   =   "in-progress"', b'status   =   "stopped"')
    assert read_record(path).status == "stopped"
    assert store.mark_stopped(path) is False and path.read_bytes() == after  # once only


def test_a_status_inside_a_multi_line_note_is_not_the_status_line(tmp_path):
    store = store_in(tmp_path)
    path, _ = add(store, 1, status="in-progress")
    raw = path.read_bytes()
    sneaky = raw.replace(b'status = "in-progress"\n',
                         b'note = """\nstatus = "in-progress"\n"""\nstatus = "in-progress"\n', 1)
    path.write_bytes(sneaky)
    assert read_record(path).status == "in-progress"
    assert store.mark_stopped(path) is True
    after = path.read_bytes()
    assert after.count(b'status = "in-progress"') == 1 and read_record(path).status == "stopped"
    assert read_record(path).note.strip() == 'status = "in-progress"'
