"""The trash: a discarded record moves out of the history, keeps its name, comes back, and nothing is overwritten."""

from __future__ import annotations

import pytest

from backrelief_tui.core.trash import move_to_trash, restore_from_trash, trash_dir


@pytest.fixture
def sessions(tmp_path):
    folder = tmp_path / "data" / "sessions"
    (folder / "2026").mkdir(parents=True)
    return folder


def record(sessions, name="2026-03-02T10-00-00-abc123.toml", text="x = 1\n"):
    path = sessions / "2026" / name
    path.write_text(text)
    return path


def test_the_trash_is_beside_the_sessions_in_the_data_folder(sessions):
    assert trash_dir(sessions) == sessions.parent / "trash" / "sessions"


def test_a_record_moves_to_its_year_folder_in_the_trash_and_back(sessions):
    path = record(sessions)
    trashed = move_to_trash(sessions, path)
    assert trashed == trash_dir(sessions) / "2026" / path.name
    assert not path.exists() and trashed.read_text() == "x = 1\n"
    restored = restore_from_trash(sessions, trashed)
    assert restored == path and path.read_text() == "x = 1\n" and not trashed.exists()


def test_nothing_is_ever_overwritten(sessions):
    first = move_to_trash(sessions, record(sessions, text="first\n"))
    second = move_to_trash(sessions, record(sessions, text="second\n"))
    assert second.name == "2026-03-02T10-00-00-abc123 (2).toml"
    assert first.read_text() == "first\n" and second.read_text() == "second\n"
    record(sessions, text="a new one\n")  # the name is taken again in the history
    back = restore_from_trash(sessions, first)
    assert back.name.endswith(" (2).toml") and back.read_text() == "first\n"
    assert (sessions / "2026" / first.name).read_text() == "a new one\n"


def test_a_file_outside_the_sessions_folder_or_gone_stays_as_it_was(sessions, tmp_path):
    stray = tmp_path / "stray.toml"
    stray.write_text("keep\n")
    with pytest.raises(ValueError):
        move_to_trash(sessions, stray)
    assert stray.read_text() == "keep\n"
    with pytest.raises(FileNotFoundError):
        move_to_trash(sessions, sessions / "2026" / "missing.toml")
