"""The app opens with the library kept in the cache folder while no routine file changed (library.kept_library).

Every file here gets an mtime well in the past (`tests.aged`): a file changed in the last two
seconds is not trusted (kept.RACY_NS), so nothing made from it would be kept. The built-in
routines are a copy in the test's own folder, and the code the key stamps is a folder of
the test's own, so a fresh clone (every file just written) sees what a person's install sees.
"""

import shutil
from pathlib import Path

import pytest

from backrelief_tui.core import kept, library, paths
from tests.aged import aged, code_folder
from tests.spies import counted

ROOT = Path(__file__).parents[2]
USER_ROUTINE = 'id = "mine"\ntitle = "Mine"\nsummary = "s"\n[[moves]]\nref = "cobra"\n'



@pytest.fixture(autouse=True)
def places(tmp_path, monkeypatch):
    builtin = tmp_path / "builtin"
    builtin.mkdir()
    for source in (ROOT / "routines").glob("*.toml"):
        aged(Path(shutil.copy(source, builtin / source.name)))
    monkeypatch.setattr(paths, "builtin_routines_dir", lambda: builtin)
    code = code_folder(tmp_path / "code", "routine.py")
    monkeypatch.setattr(kept, "package_dirs", lambda *names: (str(code),))
    (paths.user_routines_dir()).mkdir(parents=True, exist_ok=True)
    return builtin, code


@pytest.fixture
def loads(monkeypatch):
    """How many times the routine files were really read."""
    return counted(monkeypatch, library, "load_library")


def _summary(lib: library.Library) -> tuple:
    return (list(lib.routines), {rid: routine.moves for rid, routine in lib.routines.items()},
            [str(problem) for problem in lib.problems])


def test_the_second_start_uses_the_kept_library_and_it_is_the_same(loads):
    first = library.kept_library()
    second = library.kept_library()
    assert loads[0] == 1
    assert _summary(second) == _summary(first) == _summary(library.load_library())
    assert "desk" in second.routines


def test_a_new_changed_or_removed_routine_file_is_read_again(loads):
    library.kept_library()
    mine = paths.user_routines_dir() / "mine.toml"
    mine.write_text(USER_ROUTINE)
    aged(mine)
    assert "mine" in library.kept_library().routines and loads[0] == 2
    mine.write_text(USER_ROUTINE.replace('"Mine"', '"Mine, longer"'))
    aged(mine)
    assert library.kept_library().routines["mine"].title == "Mine, longer" and loads[0] == 3
    mine.unlink()
    assert "mine" not in library.kept_library().routines and loads[0] == 4
    library.kept_library()
    assert loads[0] == 4


def test_a_problem_in_a_file_is_kept_with_it_and_said_every_time(loads):
    bad = paths.user_routines_dir() / "bad.toml"
    bad.write_text('id = "bad"\ntitle = 3\n')
    aged(bad)
    first, second = library.kept_library(), library.kept_library()
    assert loads[0] == 1
    assert [str(problem) for problem in second.problems] == [str(problem) for problem in first.problems] != []


def test_new_code_is_a_miss(places, loads):
    _builtin, code = places
    library.kept_library()
    (code / "routine.py").write_text("x = 2\n")
    aged(code / "routine.py")
    library.kept_library()
    assert loads[0] == 2


def test_a_file_changed_just_now_is_read_but_not_kept(loads):
    mine = paths.user_routines_dir() / "mine.toml"
    mine.write_text(USER_ROUTINE)  # mtime: now
    library.kept_library()
    library.kept_library()
    assert loads[0] == 2
    assert not (paths.cache_dir() / "library").exists()


@pytest.mark.parametrize("damage", [b"", b"backrelief library, v1\n", b"garbage\n\n\n\n", "truncated"])
def test_a_damaged_kept_file_is_a_miss_and_is_replaced(loads, damage):
    library.kept_library()
    kept_file = paths.cache_dir() / "library"
    data = kept_file.read_bytes()
    kept_file.write_bytes(data[: len(data) // 2] if damage == "truncated" else damage)
    assert "desk" in library.kept_library().routines and loads[0] == 2
    assert kept_file.read_bytes() == data


def test_a_pickle_of_something_else_is_a_miss(loads):
    import pickle

    library.kept_library()
    kept_file = paths.cache_dir() / "library"
    magic, key, _length, _payload = kept_file.read_bytes().split(b"\n", 3)
    other = pickle.dumps({"not": "a library"})
    kept_file.write_bytes(b"%s\n%s\n%d\n%s" % (magic, key, len(other), other))
    assert "desk" in library.kept_library().routines and loads[0] == 2


def test_a_symlink_put_in_its_place_is_not_followed_nor_written_through(tmp_path, loads):
    library.kept_library()
    kept_file = paths.cache_dir() / "library"
    target = tmp_path / "elsewhere"
    target.write_bytes(kept_file.read_bytes())
    kept_file.unlink()
    kept_file.symlink_to(target)
    before = target.read_bytes()
    assert "desk" in library.kept_library().routines and loads[0] == 2  # not read through the link
    assert target.read_bytes() == before and not kept_file.is_symlink()  # replaced, the target untouched


def test_a_cache_folder_that_cannot_be_written_is_no_error(loads):
    paths.cache_dir().parent.mkdir(parents=True, exist_ok=True)
    paths.cache_dir().write_text("a file where the folder should be")
    assert "desk" in library.kept_library().routines
    assert "desk" in library.kept_library().routines and loads[0] == 2
