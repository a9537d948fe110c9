"""Saving the person's own routines: checked first, readable TOML, loaded back by the library."""

from dataclasses import replace
from pathlib import Path

from backrelief_tui.core.library import load_library, load_routine_file
from backrelief_tui.core.routine import Routine
from backrelief_tui.core.user_routines import (
    check_routine,
    replaces,
    routine_id_from_name,
    save_user_routine,
)

ROUTINES = Path(__file__).parents[2] / "routines"


def test_ids_from_names():
    assert routine_id_from_name("Desk, 4 min!") == "desk-4-min"
    assert routine_id_from_name("Café Stretch") == "cafe-stretch"
    assert routine_id_from_name("!!!") == "my-routine"
    assert len(routine_id_from_name("x" * 80)) == 40


def test_save_and_load_back(tmp_path, library):
    moves = (replace(library.moves["cobra"], hold=45), library.moves["glute-bridge"])
    routine = Routine("evening", "Evening", "Two moves before bed.", moves, builtin=False)
    path, problems = save_user_routine(routine, tmp_path)
    assert problems == [] and path == tmp_path / "evening.toml"
    text = path.read_text()
    assert text.startswith("# Your own routine") and 'hold = 45' in text
    loaded = load_library(ROUTINES, tmp_path)
    assert loaded.get("evening").moves == moves and loaded.get("evening").builtin is False
    assert load_routine_file(path, loaded)[1] == []


def test_a_routine_with_problems_is_not_written(tmp_path, library):
    empty = Routine("empty", "Empty", "Nothing here.", (), builtin=False)
    assert save_user_routine(empty, tmp_path)[1]
    bad_title = Routine("bad", "", "s", (library.moves["cobra"],))
    path, problems = save_user_routine(bad_title, tmp_path)
    assert [p.field for p in problems] == ["title"] and not path.exists()
    twice = Routine("twice", "Twice", "s", (library.moves["cobra"], library.moves["cobra"]))
    assert "already used" in str(check_routine(twice)[0])


def test_replaces_warns_about_builtins_and_own_files(tmp_path, library):
    assert "built-in routine 'Release'" in replaces("release", library, tmp_path)
    assert replaces("evening", library, tmp_path) is None
    (tmp_path / "evening.toml").write_text("")
    assert "your routine in" in replaces("evening", library, tmp_path)


def test_a_user_routine_with_a_builtins_id_replaces_it(tmp_path, library):
    mine = Routine("release", "My release", "Just calves.", (library.moves["calf-roll"],), builtin=False)
    save_user_routine(mine, tmp_path)
    loaded = load_library(ROUTINES, tmp_path)
    assert loaded.get("release").title == "My release" and not loaded.get("release").builtin
