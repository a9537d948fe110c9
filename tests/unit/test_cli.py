"""The command line: list, show, validate, paths — exit codes and one line per problem."""

import json
from pathlib import Path

import pytest

from backrelief_tui.commands import main

BAD = Path(__file__).parent / "bad_routines"
ROUTINES = Path(__file__).parents[2] / "routines"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    return tmp_path


def test_list_shows_builtins_with_minutes(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("desk ")  # the break at the desk comes first
    assert out.splitlines()[1].startswith("desk-break") and "5:56" in out.splitlines()[1]
    assert "5:55" in out.splitlines()[0]


def test_list_json_includes_user_routines(home, capsys):
    routines = home / "config" / "routines"
    routines.mkdir(parents=True)
    (routines / "mine.toml").write_text('id = "mine"\ntitle = "Mine"\nsummary = "s"\n'
                                        '[[moves]]\nref = "cobra"\n', encoding="utf-8")
    assert main(["list", "--json"]) == 0
    rows = {row["id"]: row for row in json.loads(capsys.readouterr().out)}
    assert rows["mine"]["builtin"] is False and rows["mine"]["moves"] == 1
    assert rows["desk-break"]["total_seconds"] == 356


def test_show_reflects_overrides(home, capsys):
    (home / "config").mkdir()
    (home / "config" / "settings.toml").write_text("[moves.front-plank]\nhold = 20\nreps = 1\n")
    assert main(["show", "activate", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    plank = [s for s in data["steps"] if s["move"] == "front-plank" and s["phase"] == "work"]
    assert [s["seconds"] for s in plank] == [20]
    assert data["total_seconds"] == sum(s["seconds"] for s in data["steps"])


def test_show_a_file_path(capsys):
    assert main(["show", str(ROUTINES / "stretch.toml")]) == 0
    assert "Bear squat" in capsys.readouterr().out


def test_show_unknown_routine_is_one_line(capsys):
    assert main(["show", "nope"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("nope: no routine with this id") and "\n" not in err


def test_validate_good_and_bad(capsys):
    assert main(["validate", *map(str, sorted(ROUTINES.glob("*.toml")))]) == 0
    assert capsys.readouterr().out.count(": ok (") == 6
    assert main(["validate", str(ROUTINES / "cobra.toml"), str(BAD / "zero-hold.toml")]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines == [f"{ROUTINES / 'cobra.toml'}: cannot be read (No such file or directory)",
                     f"{BAD / 'zero-hold.toml'}: moves[1].hold: must be between 1 and 600 seconds (got 0)"]


def test_broken_settings_warn_but_commands_work(home, capsys):
    (home / "config").mkdir()
    (home / "config" / "settings.toml").write_text("lead_in = -4\ndefault_rest = 20\n")
    assert main(["show", "desk-break", "--json"]) == 0
    captured = capsys.readouterr()
    assert "settings.toml: lead_in: must be between 0 and 120" in captured.err
    steps = json.loads(captured.out)["steps"]
    assert steps[0]["seconds"] == 10 + 10  # the default lead-in for the broken field, + getting down to the floor
    assert 20 in [s["seconds"] for s in steps if s["phase"] == "rest"]  # the valid field is kept


def test_paths_follow_backrelief_home(home, capsys):
    assert main(["paths"]) == 0
    out = capsys.readouterr().out
    assert f"{home}/config/settings.toml" in out and f"{home}/data/sessions" in out


def test_help_mentions_every_command(capsys):
    with pytest.raises(SystemExit):
        main(["--help"])
    out = capsys.readouterr().out
    for command in ("list", "show", "validate", "paths", "run", "sound-test"):
        assert command in out
