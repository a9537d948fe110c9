"""`backrelief set`: validated against the library and the routine rules, one line per problem."""

import json
import tomllib

import pytest

from backrelief_tui.commands import main


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    return tmp_path


def _saved(home):
    return tomllib.loads((home / "config" / "settings.toml").read_text())


def test_set_then_show_reflects_it(home, capsys):
    assert main(["set", "front-plank", "hold=20", "reps=6", "rest=10"]) == 0
    out = capsys.readouterr().out
    assert "your numbers everywhere: hold 20, reps 6, rest 10" in out
    assert "in activate: hold 20 s, reps 6" in out and "routine 14:36 →" in out
    assert _saved(home)["moves"]["front-plank"] == {"hold": 20, "reps": 6, "rest": 10}
    assert main(["show", "activate"]) == 0
    assert "  20s  Front forearm plank rep 1/6" in capsys.readouterr().out


def test_set_unknown_move_suggests_ids(capsys):
    assert main(["set", "plank", "hold=20"]) == 1
    err = capsys.readouterr().err.strip()
    assert err == ("backrelief: no move with id 'plank' in the library "
                   "(did you mean: front-plank, side-plank, seated-rotation-plank-reach?)")


@pytest.mark.parametrize(("value", "message"), [
    ("hold=0", "hold must be between 1 and 600 seconds (got 0)"),
    ("reps=lots", "reps must be a whole number of reps (got 'lots')"),
    ("sides=left", "sides must be one of: none, both, alternate (got 'left')"),
    ("tempo=3", "tempo cannot be set"),
    ("hold", "write FIELD=VALUE"),
])
def test_set_bad_values_fail_with_one_line_and_save_nothing(home, capsys, value, message):
    assert main(["set", "front-plank", value]) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and "\n" not in err
    assert not (home / "config" / "settings.toml").exists()


def test_field_default_clears_one_field_and_reset_clears_the_move(home, capsys):
    main(["set", "cobra", "hold=45", "rest=5"])
    assert main(["set", "cobra", "rest=default"]) == 0
    assert _saved(home)["moves"] == {"cobra": {"hold": 45}}
    assert main(["set", "--reset", "cobra"]) == 0
    assert _saved(home)["moves"] == {}


def test_reset_all(home, capsys):
    main(["set", "cobra", "hold=45"])
    main(["set", "bird-dog", "reps=4"])
    assert main(["set", "--reset-all"]) == 0
    assert _saved(home)["moves"] == {}
    assert "2 cleared" in capsys.readouterr().out


def test_set_without_values_shows_the_move_and_without_arguments_lists(capsys):
    main(["set", "cobra", "hold=45"])
    capsys.readouterr()
    assert main(["set", "cobra"]) == 0
    out = capsys.readouterr().out
    assert "Cobra (cobra), the numbers in force in each routine that has it:" in out
    assert "in stretch: hold 45 s, reps 2" in out and "in full: hold 45 s" in out
    assert main(["set"]) == 0
    assert "cobra  Cobra: hold 45 — everywhere" in capsys.readouterr().out


def test_marking_tight_spots(home, capsys):
    assert main(["set", "--tight", "hips,lats", "--fine", "calves"]) == 0
    assert _saved(home)["tight_spots"] == {"calves": "fine", "hips": "tight", "lats": "tight"}
    assert main(["set", "--unmark", "lats"]) == 0
    assert _saved(home)["tight_spots"] == {"calves": "fine", "hips": "tight"}
    assert main(["set", "--tight", "knees"]) == 1


def test_set_keeps_valid_values_of_a_broken_file_and_backs_it_up(home, capsys):
    (home / "config").mkdir()
    broken = 'lead_in = -4\ndefault_rest = 25\n[moves.cobra]\nhold = "long"\nrest = 5\n'
    (home / "config" / "settings.toml").write_text(broken)
    assert main(["set", "front-plank", "hold=20"]) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "lead_in" in err and "settings.toml.bak" in err
    saved = _saved(home)
    assert saved["default_rest"] == 25 and saved["moves"]["cobra"] == {"rest": 5}
    assert (home / "config" / "settings.toml.bak").read_text() == broken


def test_set_unwritable_folder_is_one_line(home, capsys):
    (home / "config").write_text("a file where the config folder should be")
    assert main(["set", "cobra", "hold=40"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("backrelief: cannot save the settings to") and "\n" not in err


def test_the_bonus_is_off_until_you_opt_in(home, capsys):
    def planned():
        assert main(["show", "stretch", "--json"]) == 0
        return [move["id"] for move in json.loads(capsys.readouterr().out)["moves"]]

    assert "kneeling-bridge" not in planned()
    assert main(["show", "stretch"]) == 0
    assert "Bonus, left out unless you opt in: Kneeling bridge" in capsys.readouterr().out
    assert main(["set", "--bonus", "on"]) == 0
    assert "Bonus moves: on." in capsys.readouterr().out
    assert _saved(home)["include_bonus"] is True
    assert planned()[-1] == "kneeling-bridge"
    assert main(["set", "--bonus", "off"]) == 0
    assert "Bonus moves: off." in capsys.readouterr().out
    assert _saved(home)["include_bonus"] is False and "kneeling-bridge" not in planned()


def test_set_shows_each_routine_s_own_numbers_not_the_library_s(capsys):
    assert main(["set", "childs-pose-lat"]) == 0
    out = capsys.readouterr().out
    assert "in desk-break: hold 39 s" in out  # desk-break's own hold, not the library's 60
    assert "in stretch: hold 60 s" in out and "your numbers everywhere: none" in out


def test_set_for_one_routine_only_leaves_the_others(home, capsys):
    assert main(["set", "childs-pose-lat", "hold=30", "--routine", "desk-break"]) == 0
    out = capsys.readouterr().out
    assert "in desk-break: hold 30 s" in out and "yours for desk-break only: hold 30" in out
    assert "in stretch: hold 60 s" in out and "routine 5:56 → 5:47" in out
    assert _saved(home)["routines"] == {"desk-break": {"moves": {"childs-pose-lat": {"hold": 30}}}}
    assert _saved(home)["moves"] == {}

    assert main(["set", "childs-pose-lat", "hold=45"]) == 0  # everywhere: desk-break's own still wins there
    out = capsys.readouterr().out
    assert "in desk-break: hold 30 s" in out and "in stretch: hold 45 s" in out and "in full: hold 45 s" in out
    assert main(["show", "desk-break", "--json"]) == 0
    child = next(m for m in json.loads(capsys.readouterr().out)["moves"] if m["id"] == "childs-pose-lat")
    assert child["hold"] == 30

    assert main(["set"]) == 0
    listed = capsys.readouterr().out
    assert "childs-pose-lat  Child's pose with lat stretch: hold 45 — everywhere" in listed
    assert "childs-pose-lat  Child's pose with lat stretch: hold 30 — in desk-break only" in listed

    assert main(["set", "--reset", "childs-pose-lat", "--routine", "desk-break"]) == 0
    assert "in desk-break: hold 45 s" in capsys.readouterr().out  # the everywhere number applies again
    assert "routines" not in _saved(home) or _saved(home)["routines"] == {}
    assert _saved(home)["moves"] == {"childs-pose-lat": {"hold": 45}}


def test_reset_without_a_routine_clears_every_scope_and_reset_all_can_keep_to_one_routine(home, capsys):
    main(["set", "cobra", "hold=45"])
    main(["set", "cobra", "hold=20", "--routine", "stretch"])
    main(["set", "bird-dog", "reps=3", "--routine", "activate"])
    assert main(["set", "--reset-all", "--routine", "stretch"]) == 0
    assert "Every move in stretch is back to its routine's numbers (1 cleared)." in capsys.readouterr().out
    assert _saved(home)["routines"] == {"activate": {"moves": {"bird-dog": {"reps": 3}}}}
    main(["set", "cobra", "hold=20", "--routine", "full"])
    assert main(["set", "--reset", "cobra"]) == 0
    assert _saved(home)["moves"] == {} and "full" not in _saved(home)["routines"]


@pytest.mark.parametrize(("argv", "message"), [
    (["set", "cobra", "hold=20", "--routine", "desk"],
     "backrelief: cobra is not in the routine desk (it is in: stretch, full)"),
    (["set", "cobra", "hold=20", "--routine", "nope"], "backrelief: no routine with id 'nope' (known: desk,"),
    (["set", "--routine", "desk-break"], "backrelief: name the move: backrelief set MOVE hold=20 [--routine ID]"),
    (["set", "schedule", "every=40", "--routine", "desk"], "backrelief: set schedule takes FIELD=VALUE only"),
])
def test_a_scope_that_cannot_be_is_one_line_and_saves_nothing(home, capsys, argv, message):
    assert main(argv) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith(message) and "\n" not in err
    assert not (home / "config" / "settings.toml").exists()
