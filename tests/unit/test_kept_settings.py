"""The app opens with its settings kept in the cache folder while the settings file is unchanged
(settings.kept_settings): the same settings and problems as reading the file, without parsing TOML.

The settings file gets an mtime well in the past (`tests.aged`): a file changed in the last two
seconds is not trusted (kept.RACY_NS), so nothing made from it would be kept.
"""

import pytest

from backrelief_tui.core import kept, paths, settings
from tests.aged import aged, code_folder
from tests.spies import counted


@pytest.fixture(autouse=True)
def code(tmp_path, monkeypatch):
    """The code the key stamps: a folder of the test's own, so a fresh clone sees what an install sees."""
    folder = code_folder(tmp_path / "code", "settings.py")
    monkeypatch.setattr(kept, "package_dirs", lambda *names: (str(folder),))
    return folder


@pytest.fixture
def reads(monkeypatch):
    """How many times the settings file was really parsed."""
    return counted(monkeypatch, settings, "load_settings")


def write_settings(text: str) -> None:
    path = paths.settings_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    aged(path)


def test_the_second_start_uses_the_kept_settings_and_they_are_the_same(reads):
    write_settings('lead_in = 7\ninclude_bonus = true\n[moves.cobra]\nhold = 12\n')
    first = settings.kept_settings()
    second = settings.kept_settings()
    assert reads[0] == 1
    assert second == first == settings.load_settings()
    assert first[0].lead_in == 7 and first[0].include_bonus and first[0].moves["cobra"].hold == 12


def test_problems_are_kept_too_and_said_at_every_start(reads):
    write_settings('volume = "loud"\n')
    first = settings.kept_settings()
    second = settings.kept_settings()
    assert reads[0] == 1
    assert [str(problem) for problem in second[1]] == [str(problem) for problem in first[1]]
    assert "volume" in str(first[1][0])


def test_a_changed_file_is_read_again(reads):
    write_settings("lead_in = 7\n")
    assert settings.kept_settings()[0].lead_in == 7
    write_settings("lead_in = 9\n")
    assert settings.kept_settings()[0].lead_in == 9
    assert reads[0] == 2


def test_a_file_changed_just_now_is_read_and_not_kept(reads):
    write_settings("lead_in = 7\n")
    paths.settings_file().write_text("lead_in = 8\n")  # mtime: now
    assert settings.kept_settings()[0].lead_in == 8
    assert settings.kept_settings()[0].lead_in == 8
    assert reads[0] == 2


def test_no_settings_file_gives_the_defaults_and_keeps_nothing(reads):
    assert settings.kept_settings() == (settings.Settings(), [])
    assert not (paths.cache_dir() / "settings").exists()


@pytest.mark.parametrize("damage", ["garbage", "foreign"])
def test_a_damaged_kept_copy_is_a_miss(reads, damage):
    write_settings("lead_in = 7\n")
    settings.kept_settings()
    kept_file = paths.cache_dir() / "settings"
    if damage == "garbage":
        kept_file.write_bytes(kept_file.read_bytes()[:-10])
    else:
        magic, key, _length, _payload = kept_file.read_bytes().split(b"\n", 3)
        kept.keep_pickled(str(kept_file), magic.decode(), key.decode(), ("not", "settings"))
    assert settings.kept_settings()[0].lead_in == 7
    assert reads[0] == 2
