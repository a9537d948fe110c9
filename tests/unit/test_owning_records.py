"""Owning the record: correct a pain rating, delete to the trash and restore byte for byte, the morning answer."""

import os
from datetime import date, datetime

import pytest

from backrelief_tui.commands import main
from backrelief_tui.core import paths
from backrelief_tui.core.journal import load_journal
from backrelief_tui.core.pain import MorningAnswer
from backrelief_tui.core.records import SessionRecord, read_record, write_record
from backrelief_tui.core.store import RecordStore
from backrelief_tui.core.trash import TrashError, list_trash, move_to_trash, restore, trash_dir
from tests.record_factory import CET, make_record


@pytest.fixture
def store(monkeypatch, tmp_path):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    store = RecordStore()
    for day, record_id, before, after in ((10, "aaa111", 5, 3), (11, "bbb222", None, None), (12, "ccc333", 6, 2)):
        record = make_record(datetime(2025, 3, day, 9, 0, tzinfo=CET), record_id=record_id, pain_before=before,
                             pain_after=after)
        write_record(store.path_for(record), record)
    store.refresh()
    return store


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def counted(store):
    return store.index.stats(date(2025, 3, 13)).week_sessions


# -- the trash itself ---------------------------------------------------------------------------

def test_delete_and_restore_keep_the_file_byte_for_byte(store):
    path = next(store.root.glob("2025/*ccc333.toml"))
    path.write_bytes(path.read_bytes() + b"# a comment added by hand\n")
    before, stat = path.read_bytes(), path.stat()
    trashed = move_to_trash(store.root, path)
    assert trashed == trash_dir(store.root) / "2025" / path.name and not path.exists()
    assert trashed.read_bytes() == before and trashed.stat().st_mtime_ns == stat.st_mtime_ns
    assert [item.name for item in list_trash(store.root)] == [path.name]
    assert restore(store.root, trashed) == path
    assert path.read_bytes() == before and path.stat().st_mtime_ns == stat.st_mtime_ns
    assert list_trash(store.root) == []


def test_the_trash_never_replaces_a_file(store):
    path = next(store.root.glob("2025/*aaa111.toml"))
    copy = path.read_bytes()
    first = move_to_trash(store.root, path)
    path.write_bytes(copy + b"# the same session, synced back\n")
    second = move_to_trash(store.root, path)
    assert second.name == path.stem + "~2.toml" and first.read_bytes() == copy
    assert {item.name for item in list_trash(store.root)} == {path.name}
    restore(store.root, second)
    with pytest.raises(TrashError, match="already in"):
        restore(store.root, first)  # the name is taken again: both files stay
    assert first.exists() and path.read_bytes().endswith(b"synced back\n")


def test_only_session_files_go_to_the_trash(store, tmp_path):
    with pytest.raises(TrashError):
        move_to_trash(store.root, tmp_path / "elsewhere.toml")
    with pytest.raises(TrashError):
        move_to_trash(store.root, store.root / "2025" / "missing.toml")
    with pytest.raises(TrashError):
        restore(store.root, next(store.root.glob("2025/*.toml")))  # not in the trash


# -- the commands ----------------------------------------------------------------------------------

def test_backrelief_delete_restore_and_trash(store, capsys):
    path = next(store.root.glob("2025/*ccc333.toml"))
    raw = path.read_bytes()
    assert counted(store) == 3
    code, out, _ = run(capsys, "delete", "2025-03-12 09:00")
    assert code == 0 and out.startswith("Deleted 2025-03-12 09:00  Desk break  5:00  pain 6 → 2")
    assert "backrelief restore " + path.name in out and not path.exists()
    assert counted(store) == 2  # the index dropped the one row
    assert [e.id for e in store.entries()] == ["bbb222", "aaa111"]
    code, out, _ = run(capsys, "trash")
    assert code == 0 and out.startswith(path.name + "  2025-03-12 09:00")
    code, out, _ = run(capsys, "restore", "ccc3")  # by the start of its id
    assert code == 0 and out.startswith("Restored 2025-03-12 09:00") and path.read_bytes() == raw
    assert counted(store) == 3
    assert run(capsys, "trash")[1] == "The trash is empty.\n"


def test_sessions_are_named_as_history_shows_them(store, capsys):
    code, _, err = run(capsys, "delete", "zzz")
    assert code == 1 and "no session 'zzz'" in err
    code, _, err = run(capsys, "delete", "2025-03-14 09:00")
    assert code == 1 and "no session" in err
    code, out, _ = run(capsys, "delete", "last")
    assert code == 0 and "2025-03-12 09:00" in out
    code, _, err = run(capsys, "restore", "nothing-like-it")
    assert code == 1 and "nothing named" in err


def test_two_sessions_in_the_same_minute_are_named_by_id(store, capsys):
    twin = make_record(datetime(2025, 3, 12, 9, 0, 30, tzinfo=CET), record_id="ddd444")
    write_record(store.path_for(twin), twin)
    code, _, err = run(capsys, "delete", "2025-03-12 09:00")
    assert code == 1 and "names 2 sessions" in err and "ddd444" in err and "ccc333" in err


def test_a_running_session_is_not_deleted(store, capsys, monkeypatch):
    from argparse import Namespace

    from backrelief_tui.commands.sessions import cmd_delete

    monkeypatch.setattr(store.live, "running_elsewhere", lambda path: True)
    assert cmd_delete(Namespace(session="bbb222"), store) == 1
    assert "being recorded right now" in capsys.readouterr().err
    assert len(list(store.root.glob("2025/*.toml"))) == 3


def test_backrelief_pain_corrects_only_the_ratings(store, capsys):
    path = next(store.root.glob("2025/*bbb222.toml"))
    path.write_bytes(path.read_bytes().replace(b"schema = 1\n", b"schema = 1\nmine = \"kept\"\n", 1))
    code, out, _ = run(capsys, "pain", "bbb222", "before=6", "after=4")
    assert code == 0 and out.strip().endswith("pain 6 → 4")
    record = read_record(path)
    assert isinstance(record, SessionRecord) and (record.pain_before, record.pain_after) == (6, 4)
    assert b'mine = "kept"' in path.read_bytes()
    code, out, _ = run(capsys, "pain", "bbb222", "after=-")
    assert code == 0 and read_record(path).pain_after is None and read_record(path).pain_before == 6
    assert store.index.stats(date(2025, 3, 13)).pain[-2].before == 6  # the index has the correction
    code, _, err = run(capsys, "pain", "bbb222", "before=11")
    assert code == 1 and "from 0 to 10" in err
    code, _, err = run(capsys, "pain", "bbb222", "during=3")
    assert code == 1 and "before=N" in err


def test_backrelief_morning_keeps_the_answer(store, capsys, monkeypatch):
    code, out, err = run(capsys, "morning", "worse", "--day", "2025-03-12")
    assert code == 0 and "worse (about Wed 12 Mar). Saved." in out and err == ""
    journal, _ = load_journal()
    assert journal.morning(date(2025, 3, 12)) is MorningAnswer.WORSE
    code, _, err = run(capsys, "morning", "same", "--day", "2025-03-09")
    assert code == 0 and "no session that counts on Sun 09 Mar" in err
    assert (paths.data_dir() / "journal.toml").is_file()


def test_deleting_a_session_takes_it_out_of_the_nudges_week(store, capsys):
    from backrelief_tui.core import schedule

    record = read_record(next(store.root.glob("2025/*ccc333.toml")))
    state_path = schedule.state_file(str(paths.state_dir()))
    os.makedirs(os.path.dirname(state_path), exist_ok=True)
    schedule.write_state(state_path, schedule.note_break(schedule.State(week=schedule.iso_week(record.ended)),
                                                         record.id, record.ended))
    run(capsys, "delete", "ccc333")
    state, _ = schedule.read_state(state_path)
    assert record.id not in state.week_sessions
