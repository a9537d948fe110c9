"""A report's records come from parsed copies kept in the cache folder while their files are unchanged
(store.KeptRecords). Files get an mtime a minute ago (`tests.aged`): one changed in the last two seconds is read
but not kept (kept.RACY_NS)."""

from datetime import date, datetime

import pytest

from backrelief_tui.core import store as store_module
from backrelief_tui.core.records import SessionRecord, write_record
from backrelief_tui.core.store import KeptRecords, RecordStore
from tests.aged import aged
from tests.record_factory import CET, make_record


@pytest.fixture
def store(tmp_path):
    store = RecordStore(tmp_path / "sessions", tmp_path / "cache" / "index.sqlite3", live_dir=tmp_path / "live")
    for day in range(1, 8):
        record = make_record(datetime(2025, 2, day, 9, tzinfo=CET), record_id=f"f{day}", note=f"day {day} ‮é")
        write_record(store.path_for(record), record)
        aged(store.path_for(record))
    yield store
    store.index.close()


@pytest.fixture
def parsed(monkeypatch):
    """The files really parsed (by name)."""
    names: list[str] = []
    real = store_module.read_record
    monkeypatch.setattr(store_module, "read_record", lambda path: names.append(path.name) or real(path))
    return names


def _week(store):
    return store.records_between(date(2025, 2, 1), date(2025, 2, 7))


def test_the_second_report_reads_kept_copies_equal_to_the_files(store, parsed):
    first, _ = _week(store)
    assert len(parsed) == 7
    second, unreadable = _week(store)
    assert len(parsed) == 7 and unreadable == 0  # nothing parsed again
    assert second == first and all(isinstance(record, SessionRecord) for record in second)
    assert second[0].note == "day 1 ‮é"
    kept = sorted(path.name for path in (store.index_path.parent / "records").rglob("*.pickle"))
    assert len(kept) == 7


def test_a_changed_file_is_parsed_again_and_its_copy_replaced(store, parsed):
    _week(store)
    record = make_record(datetime(2025, 2, 3, 9, tzinfo=CET), record_id="f3", note="edited by hand")
    path = store.path_for(record)
    write_record(path, record)
    aged(path)
    records, _ = _week(store)
    assert [r.note for r in records if r.id == "f3"] == ["edited by hand"]
    assert parsed.count(path.name) == 2
    _week(store)
    assert parsed.count(path.name) == 2


def test_a_file_changed_just_now_is_read_but_not_kept(store, parsed):
    record = make_record(datetime(2025, 2, 4, 9, tzinfo=CET), record_id="f4", note="now")
    write_record(store.path_for(record), record)  # mtime: now
    _week(store)
    _week(store)
    assert parsed.count(store.path_for(record).name) == 2


def test_an_unreadable_file_is_never_kept(store, parsed):
    bad = store.root / "2025" / "2025-02-05-090000-desk-break-bad.toml"
    bad.write_text("schema = 1\n")
    aged(bad)
    kept = KeptRecords(store.root, store.index_path.parent / "records")
    assert not isinstance(kept.read(bad), SessionRecord) and not isinstance(kept.read(bad), SessionRecord)
    assert parsed.count(bad.name) == 2
    assert not list((store.index_path.parent / "records").rglob(bad.name + ".pickle"))


@pytest.mark.parametrize("damage", ["empty", "garbage", "truncated", "other pickle"])
def test_a_damaged_copy_is_a_miss_and_is_replaced(store, parsed, damage):
    import pickle

    _week(store)
    copy = next((store.index_path.parent / "records").rglob("*.pickle"))
    data = copy.read_bytes()
    magic, key, _length, _payload = data.split(b"\n", 3)
    other = pickle.dumps({"not": "a record"})
    copy.write_bytes({"empty": b"", "garbage": b"x\ny\n3\nabc", "truncated": data[: len(data) // 2],
                      "other pickle": b"%s\n%s\n%d\n%s" % (magic, key, len(other), other)}[damage])
    records, _ = _week(store)
    assert len(records) == 7 and len(parsed) == 8
    assert copy.read_bytes() == data


def test_a_symlink_in_a_copys_place_is_neither_followed_nor_written_through(store, parsed, tmp_path):
    _week(store)
    copy = next((store.index_path.parent / "records").rglob("*.pickle"))
    target = tmp_path / "elsewhere"
    target.write_bytes(copy.read_bytes())
    copy.unlink()
    copy.symlink_to(target)
    before = target.read_bytes()
    records, _ = _week(store)
    assert len(records) == 7 and len(parsed) == 8
    assert target.read_bytes() == before and not copy.is_symlink()


def test_new_code_is_a_miss(store, parsed, monkeypatch, tmp_path):
    from backrelief_tui.core import kept

    _week(store)
    code = tmp_path / "code"
    code.mkdir()
    (code / "records.py").write_text("x = 1\n")
    monkeypatch.setattr(kept, "package_dirs", lambda *names: (str(code),))
    _week(store)
    assert len(parsed) == 14


def test_a_file_outside_the_sessions_folder_is_read_as_it_is(tmp_path, store):
    record = make_record(datetime(2025, 2, 6, 9, tzinfo=CET), record_id="outside")
    path = tmp_path / "outside.toml"
    write_record(path, record)
    aged(path)
    kept = KeptRecords(store.root, store.index_path.parent / "records")
    assert kept.read(path) == record and kept.read(path) == record
    assert not list((store.index_path.parent / "records").rglob("outside*"))
