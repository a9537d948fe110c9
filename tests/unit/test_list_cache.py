"""`backrelief list` prints its kept output while nothing it depends on changed (commands.list_cache).

Every file the tests write gets an mtime well in the past (`tests.aged`): a file changed in the
last two seconds is not trusted (RACY_NS), so its output would not be kept. The code the
key stamps is a folder of the test's own (`code`), so an edit in the checkout cannot
change what these tests see.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from backrelief_tui.commands import list_cache, main
from tests.aged import aged, code_folder

ROOT = Path(__file__).parents[2]
USER_ROUTINE = 'id = "mine"\ntitle = "Mine"\nsummary = "s"\n[[moves]]\nref = "cobra"\n'



@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture(autouse=True)
def code(tmp_path, monkeypatch):
    folder = code_folder(tmp_path / "code", "plan.py")
    monkeypatch.setattr(list_cache, "code_dirs", lambda: (str(folder),))
    return folder


@pytest.fixture
def hits(monkeypatch):
    """What each `list` did: True when it printed kept output, False when it did the work."""
    seen: list[bool] = []
    real = list_cache.cached_list

    def spy(options):
        code = real(options)
        seen.append(code is not None)
        return code

    monkeypatch.setattr(list_cache, "cached_list", spy)
    return seen


def run(capsys, *options: str) -> tuple[int, str, str]:
    code = main(["list", *options])
    out, err = capsys.readouterr()
    return code, out, err


def user_file(home: Path, name: str = "mine.toml", text: str = USER_ROUTINE) -> Path:
    folder = home / "config" / "routines"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return aged(path)


def cache_file(home: Path, *options: str) -> Path:
    return home / "cache" / ("list-json-output" if "--json" in options else "list-output")


@pytest.mark.parametrize("options", [(), ("--json",)])
def test_a_hit_prints_what_the_work_printed(home, capsys, hits, options):
    user_file(home)
    first = run(capsys, *options)
    second = run(capsys, *options)
    assert hits == [False, True]
    assert first == second and first[0] == 0 and first[2] == ""
    assert "mine" in first[1] and cache_file(home, *options).is_file()


def test_list_and_list_json_are_kept_apart(home, capsys, hits):
    plain, as_json = run(capsys), run(capsys, "--json")
    assert run(capsys) == plain and run(capsys, "--json") == as_json
    assert hits == [False, False, True, True]
    assert json.loads(as_json[1])[0]["id"] == "desk"


def test_no_routines_at_all_is_kept_with_its_exit_status(home, capsys, hits, tmp_path, monkeypatch):
    from backrelief_tui.core import kept

    monkeypatch.setattr(kept, "PACKAGE_DIR", str(tmp_path / "pkg"))  # builtin: <pkg>/../routines
    (tmp_path / "routines").mkdir()
    from backrelief_tui.core import paths

    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path / "pkg")
    assert run(capsys) == (1, "No routines found.\n", "")
    assert run(capsys) == (1, "No routines found.\n", "")
    assert hits == [False, True]


def _changed(home, capsys, hits, change) -> tuple[str, str]:
    """`list` before and after `change()`: kept before, a miss after, then kept again."""
    before = run(capsys)[1]
    assert run(capsys)[1] == before and hits[-1] is True
    change()
    after = run(capsys)
    assert hits[-1] is False and after[2] == ""
    assert run(capsys) == after and hits[-1] is True
    return before, after[1]


def test_an_edited_routine_file_is_a_miss(home, capsys, hits):
    path = user_file(home)
    before, after = _changed(home, capsys, hits, lambda: user_file(home, text=USER_ROUTINE.replace("Mine", "Ours")))
    assert "Mine" in before and "Ours" in after and path.exists()


def test_a_file_replaced_with_the_same_size_and_mtime_is_a_miss(home, capsys, hits):
    path = user_file(home)
    info = path.stat()

    def replace():
        new = path.with_suffix(".new")
        new.write_text(USER_ROUTINE.replace("Mine", "Ours"), encoding="utf-8")
        os.utime(new, ns=(info.st_mtime_ns, info.st_mtime_ns))
        os.replace(new, path)  # another inode

    before, after = _changed(home, capsys, hits, replace)
    assert "Mine" in before and "Ours" in after


def test_an_added_and_a_removed_routine_file_are_misses(home, capsys, hits):
    before, after = _changed(home, capsys, hits, lambda: user_file(home, "other.toml"))
    assert "mine" not in before and "mine" in after
    _before, again = _changed(home, capsys, hits, lambda: (home / "config" / "routines" / "other.toml").unlink())
    assert again == before


def test_settings_that_change_a_length_are_a_miss(home, capsys, hits):
    def settings():
        (home / "config").mkdir(parents=True, exist_ok=True)
        (home / "config" / "settings.toml").write_text("[moves.front-plank]\nhold = 20\nreps = 1\n")
        aged(home / "config" / "settings.toml")

    before, after = _changed(home, capsys, hits, settings)
    assert before != after
    activate = [line for line in after.splitlines() if line.startswith("activate")]
    assert activate and activate[0] not in before


def test_a_new_version_of_the_code_is_a_miss(home, capsys, hits, code):
    def upgrade():
        (code / "plan.py").write_text("x = 2\n")
        aged(code / "plan.py")

    before, after = _changed(home, capsys, hits, upgrade)
    assert before == after  # the same output, worked out afresh


def test_a_file_changed_just_now_is_not_kept(home, capsys, hits):
    user_file(home)
    (home / "config" / "routines" / "mine.toml").write_text(USER_ROUTINE)  # mtime: now
    first = run(capsys)
    assert run(capsys) == first and hits == [False, False]
    assert not cache_file(home).exists()


def test_warnings_are_printed_every_time_and_nothing_is_kept(home, capsys, hits):
    user_file(home)
    user_file(home, "broken.toml", 'id = "broken"\n[[moves]\n')
    first = run(capsys)
    assert "broken.toml" in first[2] and first[2].startswith("warning: ")
    assert run(capsys) == first and hits == [False, False]
    assert not cache_file(home).exists()


@pytest.mark.parametrize("damage", ["truncated", "garbage", "not-utf8", "other-key", "foreign", "folder", "empty"])
def test_a_damaged_cache_file_is_a_miss(home, capsys, hits, damage):
    first = run(capsys)
    path = cache_file(home)
    data = path.read_bytes()
    if damage == "folder":
        path.unlink()
        path.mkdir()
    else:
        path.write_bytes({"truncated": data[:-5], "garbage": b"\x00" * 100, "not-utf8": data + b"\xff",
                          "other-key": data.replace(b"\n((), ", b"\n(('--json',), ", 1),
                          "foreign": b"backrelief list output, v0" + data[data.index(b"\n"):],
                          "empty": b""}[damage])
    assert run(capsys) == first and hits == [False, False]
    if damage != "folder":  # a folder in the way stays (it is not ours to remove); a file is kept afresh
        assert run(capsys) == first and hits[-1] is True


def test_a_cache_folder_that_cannot_be_written_is_no_error(home, capsys, hits):
    home.mkdir()
    (home / "cache").write_text("a file where the folder should be")
    first = run(capsys)
    assert first[0] == 0 and first[2] == "" and first[1].startswith("desk ")
    assert run(capsys) == first and hits == [False, False]


def test_a_symlink_at_the_cache_path_is_not_followed(home, capsys, hits, tmp_path):
    first = run(capsys)
    path = cache_file(home)
    elsewhere = tmp_path / "elsewhere"
    os.replace(path, elsewhere)  # a valid kept output, behind a link: still not read
    kept = elsewhere.read_bytes()
    path.symlink_to(elsewhere)
    assert run(capsys) == first and hits == [False, False]
    assert not path.is_symlink() and path.read_bytes() == kept  # the link was replaced, not written through
    assert elsewhere.read_bytes() == kept
    missing = tmp_path / "missing"
    path.unlink()
    path.symlink_to(missing)
    assert run(capsys) == first and not missing.exists() and not path.is_symlink()


_FAKE_CODE = "import sys; from backrelief_tui.commands import list_cache; list_cache.code_dirs = lambda: ({code!r},)\n"


def test_a_hit_loads_neither_the_parser_nor_the_library(home, code):
    user_file(home)
    script = (_FAKE_CODE.format(code=str(code)) + "from backrelief_tui.__main__ import main; code = main(['list'])\n"
              "print(' '.join(sorted(m for m in sys.modules if m.startswith('backrelief_tui') or m in "
              "('argparse', 'pathlib', 'platformdirs', 'tomllib', 're', 'json'))), file=sys.stderr); sys.exit(code)")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": "C.UTF-8"}
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, env=env, cwd=ROOT, check=True)
            for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout and b"mine" in runs[0].stdout
    assert "backrelief_tui.core.library" in runs[0].stderr.decode()
    assert runs[1].stderr.decode().split() == ["backrelief_tui", "backrelief_tui.__main__", "backrelief_tui.commands",
                                               "backrelief_tui.commands.list_cache", "backrelief_tui.commands.output",
                                               "backrelief_tui.core", "backrelief_tui.core.kept"]


def test_a_hit_in_an_ascii_locale_spells_the_dash_as_the_work_does(home, code):
    script = _FAKE_CODE.format(code=str(code)) + "from backrelief_tui.__main__ import main; sys.exit(main(['list']))"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""}
    runs = [subprocess.run([sys.executable, "-c", script], capture_output=True, env=env, cwd=ROOT, check=True)
            for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout and b"Desk break - no equipment" in runs[1].stdout
    assert cache_file(home).is_file()
