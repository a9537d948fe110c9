"""Issue 11, items 10 and 14: broken outputs, an ASCII locale, silly numbers, a damaged index.

Each is one clear line and an exit status, never a traceback, and the next command works.
"""

from __future__ import annotations

import os
import sqlite3
import subprocess

import pytest

from backrelief_tui.core.records import dumps, record_path
from tests.hostile.conftest import assert_clean, one_problem, run, started_at
from tests.record_factory import make_record


def _with_sessions(home, count: int = 3) -> None:
    for day in range(count):
        record = make_record(started_at(3 + day), record_id=f"abc{day:03d}", note="fine — ok × 2")
        path = record_path(home / "data" / "sessions", record)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(dumps(record))


@pytest.mark.parametrize("args", [["list"], ["show", "desk-break"], ["history"], ["history", "--csv"],
                                  ["history", "--json"], ["report", "--weeks", "520"], ["set"], ["paths"],
                                  ["due", "--format", "prompt"], ["--help"]])
def test_a_full_disk_is_one_line_and_status_1(home, args):
    _with_sessions(home)
    with open("/dev/full", "wb") as full:
        result = run(home, *args, stdout=full.fileno())
    if args[0] == "due" and result.code == 1 and not result.err:
        return  # nothing due: `due --format prompt` prints nothing at all
    assert result.code == 1, result.error
    assert_clean(result)
    assert result.error.splitlines()[-1:] == ["backrelief: cannot write the output: No space left on device"]
    assert "Exception ignored" not in result.error


@pytest.mark.parametrize("args", [["list"], ["history", "--csv"], ["report"], ["show", "desk", "--json"]])
def test_a_closed_stdout_is_one_line_and_status_1(home, args):
    _with_sessions(home)
    result = run(home, *args, stdout=None, preexec_fn=lambda: os.close(1))
    assert result.code == 1, result.error
    assert_clean(result)
    assert result.error.splitlines() == ["backrelief: cannot write the output: standard output is closed"]
    assert not (home / "cache" / "index.sqlite3").exists() or _index_is_sound(home)


def _index_is_sound(home) -> bool:
    with sqlite3.connect(home / "cache" / "index.sqlite3") as connection:
        return connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_closed_pipe_is_quiet(home):
    _with_sessions(home)
    reader = subprocess.Popen(["head", "-c", "10"], stdin=subprocess.PIPE, stdout=subprocess.DEVNULL)
    result = run(home, "history", "--json", stdout=reader.stdin.fileno())
    reader.stdin.close()
    reader.wait()
    assert result.code == 0
    assert_clean(result)


@pytest.mark.parametrize("args", [["list"], ["show", "desk-break"], ["show", "desk"], ["report", "--weeks", "520"],
                                  ["build", "--minutes", "5"], ["history"], ["set"], ["due"], ["--help"],
                                  ["validate", "routines/desk.toml"]])
def test_an_ascii_locale(home, args):
    _with_sessions(home)
    result = run(home, *args, env={"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": ""},
                 cwd=__import__("tests.hostile.conftest", fromlist=["ROOT"]).ROOT)
    assert result.code in (0, 1) and (result.code == 0 or args == ["due"]), result.error
    assert_clean(result)
    result.out.decode("ascii")  # the locale's encoding: no byte it did not ask for
    result.err.decode("ascii")
    if args[0] == "list":
        assert "At the desk - chair" in result.text  # the dash, spelled plainly
    if args[0] == "report":
        assert "fine - ok x 2" in result.text


@pytest.mark.parametrize("minutes", ["nan", "inf", "-inf", "1e308", "-1e308", "1e-308"])
def test_build_minutes_that_are_not_a_number_of_minutes(home, minutes):
    result = run(home, "build", f"--minutes={minutes}")
    assert result.code == 1
    one_problem(result, "choose from 2 to 60 minutes")
    json_result = run(home, "build", f"--minutes={minutes}", "--json")
    assert json_result.code == 1
    assert_clean(json_result)


def test_tight_and_fine_for_the_same_area(home):
    result = run(home, "set", "--tight", "hips,lats", "--fine", "hips")
    assert result.code == 1
    one_problem(result, "hips is given to both --tight and --fine")
    assert not (home / "config" / "settings.toml").exists()
    assert run(home, "set", "--tight", "hips", "--unmark", "hips").code == 1


def test_damaged_index_rows(home):
    _with_sessions(home)
    assert run(home, "history").code == 0  # builds the index
    index = home / "cache" / "index.sqlite3"
    with sqlite3.connect(index) as connection:  # STRICT tables: the types hold, the values need not
        connection.execute("UPDATE files SET status = 'bogus', started = 'not a date', pain_before = 99, "
                           "routine_title = NULL, planned_seconds = -5")
    _history_still_works(home)


def test_an_index_that_is_not_a_database(home):
    _with_sessions(home)
    assert run(home, "history").code == 0
    (home / "cache" / "index.sqlite3").write_bytes(b"not a database \x00\xff" * 100)
    _history_still_works(home)


def _history_still_works(home) -> None:
    for args in (["history"], ["history", "--csv"], ["history", "--json"], ["report", "--weeks", "520"]):
        result = run(home, *args)
        assert result.code == 0, result.error
        assert_clean(result)
        assert "2025-03-05" in result.text or args[0] == "report"


def test_no_usable_input_says_so_and_exits(home):
    result = run(home)  # stdin is /dev/null, stderr a pipe: no terminal at all
    assert result.code == 1
    assert_clean(result)
    assert result.error.strip() == ("backrelief: the app needs a terminal, and standard input is not one. "
                                    "The commands work without one: backrelief --help")
    assert run(home, "run", "desk").code == 1


def test_closed_stdin_and_stderr(home):
    result = run(home, "list", stdin=None, preexec_fn=lambda: (os.close(0), os.close(2)))
    assert result.code == 0
    assert b"desk-break" in result.out
