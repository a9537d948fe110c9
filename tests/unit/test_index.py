"""The history index (core/index.py): a cache that can be deleted, damaged or raced, and still answers
exactly what parsing every file answers.

About "the same mtime": the index keys a file on its path, size and mtime, and also keeps
its inode, ctime and a hash of its bytes. A file re-created with the same size and mtime
(`cp -a`, a sync tool that keeps mtimes, an in-place edit whose mtime was put back) has a
new inode or ctime, so its bytes are read and hashed again: same bytes, nothing to parse
(a copy); other bytes, parsed (an edit). The tests below check both.
"""

import fcntl
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import time
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backrelief_tui.core import index as index_module
from backrelief_tui.core.index import ORDERS, Order, SessionIndex
from backrelief_tui.core.records import (
    SessionRecord,
    SessionSummary,
    Unreadable,
    entry_to_json,
    read_record,
    write_record,
)
from backrelief_tui.core.stats import compute
from backrelief_tui.core.store import RecordStore, _selected
from tests.record_factory import CET, make_record

ROOT = Path(__file__).parents[2]
LATER = lambda: time.time_ns() + 3600 * 10**9  # noqa: E731 - an hour from now: no row is racy


def new_index(tmp_path, now=LATER):
    return SessionIndex(tmp_path / "sessions", tmp_path / "cache" / "index.sqlite3", now_ns=now)


def add(root: Path, day: int = 1, **options) -> Path:
    options.setdefault("record_id", f"id{day:04d}")
    record = make_record(datetime(2025, 3, day, 9, 0, tzinfo=CET), **options)
    path = RecordStore(root).path_for(record)
    write_record(path, record)
    return path


def parsed(root: Path) -> list:
    """The truth: every file parsed, newest first."""
    return RecordStore(root)._parse_all(None, None)


def fill(index: SessionIndex, count: int) -> None:
    for day in range(1, count + 1):
        add(index.root, (day - 1) % 28 + 1, record_id=f"r{day:04d}", pain_after=day % 10)


# -- a damaged, missing or foreign database ------------------------------------------------


def test_a_deleted_database_is_rebuilt_even_under_an_open_index(tmp_path):
    index = new_index(tmp_path)
    fill(index, 5)
    index.refresh()
    assert index.count() == 5
    for suffix in ("", "-wal", "-shm"):
        Path(str(index.db_path) + suffix).unlink(missing_ok=True)
    assert index.count() == 0 and index.needs_refresh()  # a new, empty one: nothing wrong is shown
    index.refresh()
    assert index.entries() == parsed(index.root) and not index.needs_refresh()


@pytest.mark.parametrize("damage", ["truncated", "garbage", "empty", "zeroed-header"])
def test_a_damaged_database_is_rebuilt(tmp_path, damage):
    index = new_index(tmp_path)
    fill(index, 40)
    index.refresh()
    index.close()
    with database(index.db_path) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = index.db_path.read_bytes()
    changed = {"truncated": data[: len(data) // 2], "garbage": os.urandom(len(data)), "empty": b"",
               "zeroed-header": b"\0" * 100 + data[100:]}[damage]
    index.db_path.write_bytes(changed)
    again = new_index(tmp_path)
    again.refresh()
    assert again.entries() == parsed(index.root)
    assert again.stats(date(2025, 3, 31)) == compute([e for e in parsed(index.root) if e.readable],
                                                      date(2025, 3, 31))


@contextmanager
def database(path: Path):
    """A connection of our own, committed and closed after use (sqlite3's own `with` does not close)."""
    connection = sqlite3.connect(path)
    try:
        yield connection
        connection.commit()
    finally:
        connection.close()


def foreign(path: Path, statements: list[str]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with database(path) as connection:
        for statement in statements:
            connection.execute(statement)


@pytest.mark.parametrize("statements", [
    ["CREATE TABLE files (key TEXT, row BLOB)", "INSERT INTO files VALUES ('2025/x.toml', x'00')",
     "PRAGMA user_version = 99"],
    ["CREATE TABLE notes (text TEXT)", "PRAGMA user_version = 1"],  # another program's database
    ["CREATE TABLE files (key TEXT)", f"PRAGMA application_id = {index_module.APPLICATION_ID}",
     f"PRAGMA user_version = {index_module.INDEX_VERSION}"],  # ours by its stamps, but no meta table
], ids=["other-version", "other-program", "no-meta"])
def test_a_foreign_database_is_replaced(tmp_path, statements):
    index = new_index(tmp_path)
    fill(index, 3)
    foreign(index.db_path, statements)
    index.refresh()
    assert index.entries() == parsed(index.root)
    with database(index.db_path) as connection:
        assert connection.execute("PRAGMA user_version").fetchone()[0] == index_module.INDEX_VERSION


def test_an_index_of_another_sessions_folder_or_record_schema_is_not_used(tmp_path):
    index = new_index(tmp_path)
    fill(index, 3)
    index.refresh()
    index.close()
    other = SessionIndex(tmp_path / "elsewhere", index.db_path, now_ns=LATER)
    assert other.count() == 0
    other.close()
    again = new_index(tmp_path)
    assert again.count() == 0  # the database was made again for the other folder
    assert again.refresh().parsed == 3 and again.count() == 3
    again.close()
    with database(index.db_path) as connection:
        connection.execute("UPDATE meta SET value = '999' WHERE name = 'record_schema'")
    assert new_index(tmp_path).count() == 0


@pytest.mark.parametrize("column, value", [
    ("started", "'not a date'"), ("started", "'2025-03-01T09:00:00'"),  # no offset
    ("status", "'weird'"), ("readable", "7"), ("pain_before", "42"), ("readable", "0"), ("moves_done", "NULL"),
])
def test_a_row_with_wrong_values_is_read_from_its_file_again(tmp_path, column, value):
    index = new_index(tmp_path)
    fill(index, 3)
    index.refresh()
    truth = index.entries()
    with database(index.db_path) as connection:
        connection.execute(f"UPDATE files SET {column} = {value}")
    assert index.page(limit=10) == truth  # checked, re-read, and indexed again
    with database(index.db_path) as connection:
        assert connection.execute(f"SELECT COUNT(*) FROM files WHERE {column} IS {value}").fetchone()[0] == 0


def odd_history(index: SessionIndex) -> None:
    """Sessions of every status, in several offsets, with unicode, control and invisible characters in their
    titles and notes, and unreadable files (one named with no date)."""
    days = [(1, CET, "completed"), (2, timezone(timedelta(hours=-5)), "stopped"), (3, UTC, "in-progress"),
            (4, timezone(timedelta(hours=5, minutes=30)), "stopped"), (5, CET, "completed")]
    for day, zone, status in days:
        record = make_record(datetime(2025, 3, day, 9, 0, 0, day * 1111, tzinfo=zone), status=status,
                             record_id=f"odd{day}", pain_before=day if day % 2 else None, pain_after=day % 3)
        title = ["Desk · break", "Ré\x1b]0;x\x07", "\u202eevil", "\x7f\x85", "plain"][day - 1]
        note = ["", "Tight \u2014 “better” 🙂", "\u200b\ufeff", "a\tb\nc\u2028", "\x9b31m"][day - 1]
        record = replace(record, routine_title=title, note=note)
        write_record(RecordStore(index.root).path_for(record), record)
    (index.root / "2025" / "2025-03-06-090000-desk-break-bad.toml").write_bytes(b"\xff not toml")
    (index.root / "2025" / "no-date-\u00e9.toml").write_bytes(b"schema = 99\n")


def as_objects(index: SessionIndex) -> list:
    return [entry_to_json(entry) for entry in index.entries()]


@pytest.mark.parametrize("column, value", [
    (None, None), ("started", "'2025-03-01 09:00:00.001111+01:00'"), ("ended", "'2025-03-01T09:05:00.000000Z'"),
    ("started", "'2025-03-02T09:00:00-00:00'"), ("ended", "'20250303T091500+0000'"), ("active_seconds", "300"),
    ("started", "'not a date'"), ("status", "'weird'"), ("readable", "7"), ("moves_done", "NULL"), ("reason", "NULL"),
])
def test_json_entries_print_what_the_entries_print(tmp_path, column, value):
    index = new_index(tmp_path)
    odd_history(index)
    index.refresh()

    def spoil():  # every row: odd but readable (started as fromisoformat reads it), or stale (read again)
        if column is not None:
            with database(index.db_path) as connection:
                connection.execute(f"UPDATE files SET {column} = {value}")

    spoil()
    items = index.json_entries()
    spoil()
    objects = as_objects(index)
    assert json.dumps(items, ensure_ascii=False) == json.dumps(objects, ensure_ascii=False)
    assert [type(v) for item in items for v in item.values()] == [type(v) for item in objects for v in item.values()]
    assert len(items) == 7 and sum("unreadable" in item for item in items) == 2
    store = RecordStore(index.root, index.db_path)
    assert store.json_entries(since=date(2025, 3, 3), routine="desk-break") == [
        entry_to_json(entry) for entry in store.entries(since=date(2025, 3, 3), routine="desk-break")]


def test_json_entries_without_an_index_are_the_parsed_files(tmp_path):
    index = new_index(tmp_path)
    odd_history(index)
    store = RecordStore(index.root, tmp_path / "blocked" / "index.sqlite3")
    (tmp_path / "blocked").write_text("a file where the folder should be")
    assert store.json_entries() == [entry_to_json(entry) for entry in parsed(index.root)]
    assert len(store.json_entries()) == 7 and store.last_refresh is None


def test_an_unwritable_cache_folder_is_one_clear_error(tmp_path):
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the folder should be")
    index = new_index(tmp_path)
    with pytest.raises(index_module.IndexUnavailable):
        index.count()


# -- files added, changed, removed, re-created ---------------------------------------------


def test_added_changed_and_removed_files_are_reflected(tmp_path):
    index = new_index(tmp_path)
    first = add(index.root, 1, pain_after=2)
    second = add(index.root, 2)
    assert index.refresh().parsed == 2
    record = read_record(first)
    write_record(first, replace(record, pain_after=9, note="changed"))
    second.unlink()
    add(index.root, 3)
    result = index.refresh()
    assert (result.parsed, result.removed, result.unchanged) == (2, 1, 0)
    assert index.entries() == parsed(index.root)
    assert [e.pain_after for e in index.entries()] == [None, 9]


def test_files_recreated_by_a_copy_that_keeps_mtimes_are_hashed_not_parsed(tmp_path):
    index = new_index(tmp_path)
    fill(index, 30)
    index.refresh()
    before = index.entries()
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-a", str(index.root), str(copy)], check=True)
    shutil.rmtree(index.root)
    copy.rename(index.root)
    result = index.refresh()
    assert (result.parsed, result.same_bytes, result.unchanged) == (0, 30, 0)
    assert index.entries() == before
    assert index.refresh().unchanged == 30  # and trusted from the stamps again afterwards


def test_a_file_recreated_with_other_bytes_but_the_same_size_and_mtime_is_seen(tmp_path):
    index = new_index(tmp_path)
    path = add(index.root, 1, pain_after=3)
    index.refresh()
    stamp = path.stat()
    replacement = tmp_path / "replacement.toml"
    replacement.write_bytes(path.read_bytes().replace(b"pain_after = 3", b"pain_after = 6"))
    os.utime(replacement, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    os.replace(replacement, path)  # what a sync tool does: same size, same mtime, new file
    assert (path.stat().st_size, path.stat().st_mtime_ns) == (stamp.st_size, stamp.st_mtime_ns)
    assert index.refresh().parsed == 1
    [entry] = index.entries()
    assert entry.pain_after == 6


def test_touched_files_are_not_parsed_again(tmp_path):
    index = new_index(tmp_path)
    fill(index, 4)
    index.refresh()
    for path in index.root.glob("*/*.toml"):
        os.utime(path)
    result = index.refresh()
    assert (result.parsed, result.same_bytes) == (0, 4)


def test_update_one_reads_one_file(tmp_path):
    index = new_index(tmp_path)
    fill(index, 3)
    index.refresh()
    new = add(index.root, 20, record_id="new")
    entry = index.update_one(new)
    assert isinstance(entry, SessionSummary) and entry.id == "new"
    assert index.page(limit=1) == [entry] and index.count() == 4
    new.unlink()
    assert index.update_one(new) is None and index.count() == 3
    assert index.update_one(tmp_path / "elsewhere.toml") is None


def test_damaged_files_never_break_the_listing_and_are_never_touched(tmp_path):
    index = new_index(tmp_path)
    fill(index, 3)
    folder = index.root / "2025"
    bad = {
        "2025-03-10-090000-desk-break-bin.toml": os.urandom(300),
        "2025-03-11-090000-desk-break-empty.toml": b"",
        "2025-03-12-090000-desk-break-deep.toml": b"a = " + b"[" * 50_000,
        "2025-03-13-090000-desk-break-big.toml": b"# " + b"x" * (index_module.MAX_RECORD_BYTES + 10),
        "no-date-at-all.toml": b'schema = 1\nstatus = "completed"\n',
        "2025-03-14-090000-desk-break-newer.toml": b"schema = 99\n",
    }
    for name, data in bad.items():
        (folder / name).write_bytes(data)
    (folder / "2025-03-15-090000-desk-break-dir.toml").mkdir()
    os.mkfifo(folder / "2025-03-16-090000-desk-break-fifo.toml")
    (folder / "2025-03-17-090000-desk-break-zero.toml").symlink_to("/dev/zero")
    hashes = {name: (folder / name).read_bytes() for name in bad}
    index.refresh()
    entries = index.entries()
    unreadable = {e.path.name: e.reason for e in entries if isinstance(e, Unreadable)}
    assert set(unreadable) == set(bad)
    assert "too large" in unreadable["2025-03-13-090000-desk-break-big.toml"]
    assert "newer version" in unreadable["2025-03-14-090000-desk-break-newer.toml"]
    slow = parsed(index.root)  # the slow way has no size cap: the big file's reason differs
    assert [e.path for e in entries] == [e.path for e in slow]
    assert [e for e in entries if "big" not in e.path.name] == [e for e in slow if "big" not in e.path.name]
    assert len([e for e in entries if e.readable]) == 3
    assert {name: (folder / name).read_bytes() for name in bad} == hashes
    overview = index.overview(date(2025, 3, 20))
    assert (overview.sessions, overview.unreadable) == (3, 6)
    assert [e.path.name for e in index.page(unreadable=True, limit=10)][-1] == "no-date-at-all.toml"


# -- refreshing: resumable, one at a time, two writers ---------------------------------------


def test_a_cancelled_refresh_keeps_what_it_did_and_the_next_one_carries_on(tmp_path, monkeypatch):
    monkeypatch.setattr(index_module, "COMMIT_EVERY", 10)
    index = new_index(tmp_path)
    fill(index, 35)
    seen = []

    def cancelled() -> bool:
        return len(seen) >= 2  # after the first batch was committed

    result = index.refresh(progress=lambda done, total: seen.append((done, total)), cancelled=cancelled)
    assert not result.complete and seen == [(0, 35), (10, 35)]
    assert index.count() == 10 and index.needs_refresh()
    result = index.refresh()
    assert result.complete and result.parsed == 25 and result.unchanged == 10
    assert index.entries() == parsed(index.root) and not index.needs_refresh()


def test_a_second_refresher_waits_or_skips(tmp_path):
    index = new_index(tmp_path)
    fill(index, 3)
    index.lock_path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(index.lock_path, os.O_RDWR | os.O_CREAT)
    fcntl.flock(fd, fcntl.LOCK_EX)  # someone else is refreshing
    try:
        assert index.refresh(wait=False).skipped
        assert index.refresh(cancelled=lambda: True).skipped  # waiting, then told to stop
    finally:
        os.close(fd)
    assert index.refresh(wait=False).parsed == 3


WRITER = textwrap.dedent("""
    import sys, time
    from datetime import datetime, timedelta
    from pathlib import Path
    from backrelief_tui.core.index import SessionIndex
    from backrelief_tui.core.records import write_record
    from backrelief_tui.core.store import RecordStore
    from tests.record_factory import CET, make_record

    root, db, name, mode, go = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4], Path(sys.argv[5])
    index = SessionIndex(root, db)
    while not go.exists():
        time.sleep(0.005)
    if mode == "one-by-one":
        for n in range(60):
            record = make_record(datetime(2025, 3, 1, 9, tzinfo=CET) + timedelta(minutes=n), record_id=f"{name}{n}")
            path = RecordStore(root).path_for(record)
            write_record(path, record)
            index.update_one(path)
    else:
        result = index.refresh()
        print(result.parsed)
""")


def run_writers(tmp_path, modes: list[tuple[str, str]]) -> list[str]:
    root, db, go = tmp_path / "sessions", tmp_path / "cache" / "index.sqlite3", tmp_path / "go"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = [subprocess.Popen([sys.executable, "-c", WRITER, str(root), str(db), name, mode, str(go)],
                                  env=env, stdout=subprocess.PIPE, text=True) for name, mode in modes]
    time.sleep(0.5)  # both imported and waiting
    go.touch()
    outputs = []
    for process in processes:
        out, _ = process.communicate(timeout=120)
        assert process.returncode == 0
        outputs.append(out.strip())
    return outputs


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    run_writers(tmp_path, [("a", "one-by-one"), ("b", "one-by-one")])
    index = new_index(tmp_path)
    assert index.count() == 120  # from their update_one calls alone, no refresh here
    assert index.entries() == parsed(index.root)


def test_two_refreshes_at_once_parse_each_file_once(tmp_path):
    index = new_index(tmp_path)
    fill(index, 150)
    first, second = run_writers(tmp_path, [("a", "refresh"), ("b", "refresh")])
    assert sorted([int(first), int(second)]) == [0, 150]  # one parsed all; the other waited, then had none
    assert index.entries() == parsed(index.root)


# -- the index answers as parsing every file does -------------------------------------------

OFFSETS = [CET, UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=13))]
ROUTINES = [("desk-break", "Desk break"), ("release", "Release"), ("release", "release (old title)"),
            ("hips", "Élan hips"), ("zeta", "alpha")]
TODAY = date(2025, 3, 20)


def _reference_order(entries, order: Order, routine=None, unreadable=False):
    """The history screen's SORTS (tui/screens/history.py), as the spec the SQL must follow."""
    def newest(entry):
        return entry.started.timestamp() if entry.started is not None else 0.0

    def relief(entry):
        if isinstance(entry, SessionSummary) and entry.pain_before is not None and entry.pain_after is not None:
            return entry.pain_before - entry.pain_after
        return float("-inf")

    keys = {
        Order.NEWEST: (newest, True), Order.OLDEST: (newest, False),
        Order.LONGEST: (lambda e: (e.readable, e.active_seconds if e.readable else 0, newest(e)), True),
        Order.ROUTINE: (lambda e: (not e.readable, e.routine_title.lower() if e.readable else "", -newest(e)), False),
        Order.RELIEF: (lambda e: (e.readable, relief(e), newest(e)), True),
    }
    if unreadable:
        chosen = [e for e in entries if not e.readable]
    elif routine is not None:
        chosen = [e for e in entries if e.readable and e.routine == routine]
    else:
        chosen = list(entries)
    key, reverse = keys[order]
    return sorted(chosen, key=key, reverse=reverse)


sessions = st.lists(st.tuples(
    st.integers(0, 60 * 24 * 50),  # minutes after the first day
    st.sampled_from(OFFSETS),
    st.sampled_from(ROUTINES),
    st.sampled_from(["completed", "completed", "stopped", "in-progress", "nothing-done"]),
    st.floats(0, 40, allow_nan=False).map(lambda m: round(m, 1)),
    st.none() | st.integers(0, 10), st.none() | st.integers(0, 10),
    st.integers(1, 4),
), max_size=40)
damaged = st.lists(st.tuples(st.none() | st.integers(0, 50), st.sampled_from(["desk-break", "zeta"])), max_size=4)
changes = st.lists(st.sampled_from(["keep", "keep", "delete", "move", "nothing-done", "completed", "corrupt"]),
                   max_size=40)


def write_session(store, n, session, *, duplicate=False):
    minute, offset, (routine, title), status, minutes, before, after, moves = session
    started = (datetime(2025, 2, 1, 0, 0, tzinfo=UTC) + timedelta(minutes=minute)).astimezone(offset)
    # "nothing-done": stopped before the first move was done (it does not count toward a streak)
    record = make_record(started, routine=routine, status="stopped" if status == "nothing-done" else status,
                         minutes=minutes, pain_before=before, pain_after=after, record_id=f"s{n}", moves=moves,
                         skipped=(0,) if status == "nothing-done" else (1,) if n % 5 == 0 else ())
    record = replace(record, routine_title=title)
    path = store.path_for(record)
    write_record(path, record)
    if duplicate:  # the same start, another id: ties in every order
        write_record(store.path_for(replace(record, id=f"t{n}")), replace(record, id=f"t{n}"))
    return path


def check_against_the_files(store):
    index = store.index
    truth = store._parse_all(None, None)
    summaries = [e for e in truth if isinstance(e, SessionSummary)]

    assert index.entries() == truth
    for order in ORDERS:
        for routine, unreadable in [(None, False), ("release", False), ("zeta", False), (None, True)]:
            expected = _reference_order(truth, order, routine, unreadable)
            assert index.page(order, routine=routine, unreadable=unreadable, limit=1000) == expected
            assert index.page(order, routine=routine, unreadable=unreadable, offset=3, limit=5) == expected[3:8]
            assert index.count(routine=routine, unreadable=unreadable) == len(expected)

    for today in (TODAY, date(2025, 2, 3), date(2025, 3, 1), date(2025, 4, 30)):
        expected_stats = compute(summaries, today)
        got = index.stats(today)
        assert replace(got, week_minutes=0, month_minutes=0, total_minutes=0, daily_minutes=()) == replace(
            expected_stats, week_minutes=0, month_minutes=0, total_minutes=0, daily_minutes=())
        for name in ("week_minutes", "month_minutes", "total_minutes"):
            assert getattr(got, name) == pytest.approx(getattr(expected_stats, name))
        assert got.daily_minutes == pytest.approx(expected_stats.daily_minutes)

    titles = {}
    for entry in sorted(summaries, key=lambda e: (e.started, e.file)):
        titles[entry.routine] = entry.routine_title
    assert sorted(index.routines()) == sorted(titles.items())
    overview = index.overview(TODAY)
    assert (overview.sessions, overview.unreadable) == (len(summaries), len(truth) - len(summaries))

    for since, routine in [(date(2025, 3, 1), None), (None, "release"), (date(2025, 2, 20), "zeta")]:
        assert index.entries(since=since, routine=routine) == [e for e in truth if _selected(e, since, routine)]

    first_day, last_day = date(2025, 2, 24), date(2025, 3, 9)
    paths, unreadable = index.between(first_day, last_day)
    assert paths == [e.path for e in sorted(summaries, key=lambda e: (e.started.timestamp(), e.file))
                     if first_day <= e.day <= last_day]
    assert unreadable == sum(isinstance(e, Unreadable) and (e.started is None or e.started.date() >= first_day)
                             for e in truth)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions=sessions, damaged=damaged, duplicate=st.booleans(), changes=changes)
def test_the_index_answers_as_parsing_every_file_does(sessions, damaged, duplicate, changes):
    """Built from nothing, and again after files were removed, moved to other days, made to count or
    not, and damaged: the counts kept by the index's triggers must still equal a fresh parse."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "sessions"
        store = RecordStore(root, Path(tmp) / "cache" / "index.sqlite3", live_dir=Path(tmp) / "live")
        paths = [write_session(store, n, session, duplicate=duplicate and n % 7 == 0)
                 for n, session in enumerate(sessions)]
        for n, (day, routine) in enumerate(damaged):
            name = (f"2025-03-{day % 28 + 1:02d}-120000-{routine}-bad{n}.toml" if day is not None
                    else f"whatever-{n}.toml")
            (root / "2025").mkdir(parents=True, exist_ok=True)
            (root / "2025" / name).write_bytes(b"schema = ")
        store.refresh()
        check_against_the_files(store)

        for n, (change, path, session) in enumerate(zip(changes, paths, sessions, strict=False)):
            if change == "keep":
                continue
            path.unlink()
            if change == "move":
                write_session(store, n, (session[0] + 60 * 24 * (n % 3 + 1), *session[1:]))
            elif change in ("nothing-done", "completed"):
                write_session(store, n, (*session[:3], change, *session[4:]))
            elif change == "corrupt":
                path.write_bytes(b"schema = 1\n")
        store.refresh()
        check_against_the_files(store)
        store.index.close()


def test_records_between_reads_only_the_period(tmp_path, monkeypatch):
    store = RecordStore(tmp_path / "sessions", tmp_path / "cache" / "index.sqlite3", live_dir=tmp_path / "live")
    for day in range(1, 29):
        record = make_record(datetime(2025, 2, day, 9, tzinfo=CET), record_id=f"f{day}")
        write_record(store.path_for(record), record)
    old = make_record(datetime(2023, 5, 1, 9, tzinfo=CET), record_id="old")
    write_record(store.path_for(old), old)
    store.refresh()
    read = []
    from backrelief_tui.core import store as store_module

    real = store_module.read_record
    monkeypatch.setattr(store_module, "read_record", lambda path: read.append(path.name) or real(path))
    records, unreadable = store.records_between(date(2025, 2, 17), date(2025, 2, 23))
    assert [r.started.day for r in records] == list(range(17, 24)) and unreadable == 0
    assert len(read) == 7 and all(isinstance(r, SessionRecord) for r in records)
    assert store.last_refresh.files == 28  # the 2023 folder was not even listed


def test_what_h_asks_never_scans_or_sorts_the_history(tmp_path):
    """Every query of the history screen reads an index in order or a kept count (the plan, not a timing)."""
    index = new_index(tmp_path)
    fill(index, 30)
    index.refresh()
    connection = index._connection()
    plans: list[tuple[str, str]] = []
    query = index._query

    def explained(sql, params=()):
        plans.extend((sql, row[3]) for row in connection.execute("EXPLAIN QUERY PLAN " + sql, params))
        return query(sql, params)

    index._query = explained
    for order in ORDERS:
        index.page(order)
        index.page(order, routine="desk-break")
    index.count()
    index.count(routine="desk-break")
    index.count(unreadable=True)
    index.overview(date(2025, 3, 20))
    for sql, step in plans:
        if step.startswith("SCAN files"):
            assert "USING INDEX" in step and "LIMIT" in sql, (sql, step)  # in index order, up to a page
        assert "TEMP B-TREE FOR ORDER BY" not in step, (sql, step)  # ties only ("RIGHT PART"), never all


def test_records_between_stops_before_its_next_file_when_cancelled(tmp_path, monkeypatch):
    from backrelief_tui.core import store as store_module
    from backrelief_tui.core.store import LookupCancelled

    store = RecordStore(tmp_path / "sessions", tmp_path / "cache" / "index.sqlite3", live_dir=tmp_path / "live")
    for day in range(1, 11):
        record = make_record(datetime(2025, 2, day, 9, tzinfo=CET), record_id=f"f{day}")
        write_record(store.path_for(record), record)
    store.refresh()
    read = []
    real = store_module.read_record
    monkeypatch.setattr(store_module, "read_record", lambda path: read.append(path.name) or real(path))
    with pytest.raises(LookupCancelled):
        store.records_between(date(2025, 2, 1), date(2025, 2, 28), cancelled=lambda: len(read) >= 3)
    assert len(read) == 3  # the look-up stopped there, not after the period's ten files
    records, _unreadable = store.records_between(date(2025, 2, 1), date(2025, 2, 28), cancelled=lambda: False)
    assert len(records) == 10


# -- trusting the folders' stamps (the app's refresh) ------------------------------------------


class Clock:
    """A nanosecond clock an hour ahead of the files (so nothing is racy), moved on by hand."""

    def __init__(self) -> None:
        self.now = time.time_ns() + 3600 * 10**9

    def __call__(self) -> int:
        return self.now


def walked(monkeypatch) -> list:
    """The folders each refresh walks (None: every one), from here on."""
    seen: list = []
    real = SessionIndex._walk
    monkeypatch.setattr(SessionIndex, "_walk", lambda self, folders: seen.append(folders) or real(self, folders))
    return seen


def add_in(root: Path, year: int, day: int, **options) -> Path:
    options.setdefault("record_id", f"y{year}d{day}")
    record = make_record(datetime(year, 3, day, 9, 0, tzinfo=CET), **options)
    path = RecordStore(root).path_for(record)
    write_record(path, record)
    return path


def test_a_trusting_refresh_walks_no_folder_when_none_changed(tmp_path, monkeypatch):
    clock = Clock()
    index = new_index(tmp_path, clock)
    for year in (2023, 2024, 2025):
        for day in (1, 2, 3):
            add_in(index.root, year, day)
    assert index.refresh().files == 9
    seen = walked(monkeypatch)
    result = index.refresh(trust_folders=True)
    assert result.complete and (result.files, result.parsed, result.removed) == (0, 0, 0) and seen == []
    assert index.count() == 9 and not index.needs_refresh()
    assert index.refresh().unchanged == 9 and seen == [None]  # untrusting (the CLI): every file stat-ed


def test_a_trusting_refresh_sees_files_added_copied_renamed_or_removed_in_a_folder(tmp_path, monkeypatch):
    clock = Clock()
    index = new_index(tmp_path, clock)
    for year in (2024, 2025):
        for day in (1, 2):
            add_in(index.root, year, day)
    index.refresh()
    seen = walked(monkeypatch)
    added = add_in(index.root, 2025, 9, pain_after=4)  # a new file (as a sync tool writes one: temp + rename)
    result = index.refresh(trust_folders=True)
    assert result.parsed == 1 and seen == [["2025"]]  # only the folder that changed
    assert index.entries() == parsed(index.root)
    copy = tmp_path / "copy.toml"
    shutil.copy2(added, copy)
    copy.write_bytes(added.read_bytes().replace(b"pain_after = 4", b"pain_after = 7"))
    os.replace(copy, added)  # an edit saved by renaming over the file
    (index.root / "2024" / next(p.name for p in (index.root / "2024").iterdir())).unlink()
    result = index.refresh(trust_folders=True)
    assert (result.parsed, result.removed) == (1, 1) and seen[-1] == ["2024", "2025"]
    shutil.rmtree(index.root / "2024")  # a whole year folder gone
    add_in(index.root, 2026, 1)  # and a new one
    result = index.refresh(trust_folders=True)
    assert result.removed == 1 and result.parsed == 1 and seen[-1] == ["2024", "2026"]
    assert index.entries() == parsed(index.root)


def test_a_file_rewritten_in_place_is_seen_by_the_daily_full_walk(tmp_path, monkeypatch):
    clock = Clock()
    index = new_index(tmp_path, clock)
    path = add_in(index.root, 2025, 1, pain_after=3)
    index.refresh()
    with open(path, "r+b") as handle:  # in place: the folder's stamp stays as it was
        data = handle.read()
        handle.seek(0)
        handle.write(data.replace(b"pain_after = 3", b"pain_after = 6"))
    seen = walked(monkeypatch)
    assert index.refresh(trust_folders=True).parsed == 0 and seen == []  # not yet
    clock.now += index_module.FULL_WALK_AGE_NS // 2
    assert index.refresh(trust_folders=True).parsed == 0
    clock.now += index_module.FULL_WALK_AGE_NS // 2 + 1  # the last full walk is over a day old
    assert index.refresh(trust_folders=True).parsed == 1 and seen == [None]
    assert [e.pain_after for e in index.entries()] == [6]
    assert index.refresh(trust_folders=True).files == 0 and seen == [None]  # trusted again after it


def test_a_folder_changed_just_before_a_walk_is_walked_again(tmp_path, monkeypatch):
    clock = Clock()
    index = new_index(tmp_path, clock)
    add_in(index.root, 2025, 1)
    folder = index.root / "2025"
    clock.now = folder.stat().st_ctime_ns + index_module.RACY_NS // 2  # the walk comes right after a change
    index.refresh()
    clock.now += 3600 * 10**9
    seen = walked(monkeypatch)
    index.refresh(trust_folders=True)
    assert seen == [["2025"]]  # its stamp could hide a change in the same clock tick: not trusted
    index.refresh(trust_folders=True)
    assert seen == [["2025"]]  # now it is


def test_nothing_is_trusted_before_a_first_full_walk(tmp_path, monkeypatch):
    clock = Clock()
    index = new_index(tmp_path, clock)
    add_in(index.root, 2025, 1)
    seen = walked(monkeypatch)
    index.refresh(folders=["2025"])  # a report's refresh: not the whole history
    assert index.needs_refresh()
    result = index.refresh(trust_folders=True)
    assert seen == [["2025"], None] and result.complete and not index.needs_refresh()
