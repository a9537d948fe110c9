"""Override scope: a move's own numbers for one routine only, or everywhere the move appears."""

import tomllib

from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.routine import Sides
from backrelief_tui.core.settings import MoveOverride, Settings, load_settings, save_settings


def planned(library, routine_id, settings, move_id):
    return next(move for move in plan_session(library.get(routine_id), settings).moves if move.id == move_id)


def test_a_routine_s_own_override_applies_there_only(library):
    settings = Settings().with_move_values("bird-dog", routine="desk-break", reps=3)
    assert settings.routines == {"desk-break": {"bird-dog": MoveOverride(reps=3)}} and settings.moves == {}
    assert planned(library, "desk-break", settings, "bird-dog").reps == 3
    for elsewhere in ("activate", "full"):
        assert planned(library, elsewhere, settings, "bird-dog").reps == planned(library, elsewhere, Settings(),
                                                                                 "bird-dog").reps


def test_the_routine_s_fields_win_over_everywhere_field_by_field(library):
    settings = (Settings().with_move_values("bird-dog", reps=6, sides=Sides.BOTH)
                .with_move_values("bird-dog", routine="desk-break", reps=3))
    assert settings.override_for("bird-dog", "desk-break") == MoveOverride(reps=3, sides=Sides.BOTH)
    assert settings.override_for("bird-dog", "activate") == MoveOverride(reps=6, sides=Sides.BOTH)
    assert settings.override_for("bird-dog") == MoveOverride(reps=6, sides=Sides.BOTH)
    desk = planned(library, "desk-break", settings, "bird-dog")
    assert (desk.reps, desk.sides) == (3, Sides.BOTH)
    assert planned(library, "activate", settings, "bird-dog").reps == 6


def test_scopes_are_stored_cleared_and_counted_apart():
    settings = (Settings().with_move_values("cobra", hold=45)
                .with_move_values("cobra", routine="stretch", hold=30)
                .with_move_values("bird-dog", routine="stretch", reps=4)
                .with_move_values("cobra", routine="full", rest=5))
    assert settings.override_count == 4
    assert settings.scopes_of("cobra") == [None, "full", "stretch"]
    assert settings.has_own("cobra", "stretch") and not settings.has_own("cobra", "activate")
    assert settings.own_override("cobra", "stretch") == MoveOverride(hold=30)
    assert settings.own_override("cobra") == MoveOverride(hold=45)

    only_stretch = settings.without_override("cobra", "stretch")
    assert only_stretch.moves == {"cobra": MoveOverride(hold=45)}
    assert only_stretch.routines == {"stretch": {"bird-dog": MoveOverride(reps=4)},
                                     "full": {"cobra": MoveOverride(rest=5)}}
    everywhere = settings.without_override("cobra")
    assert everywhere.moves == {} and everywhere.routines == {"stretch": {"bird-dog": MoveOverride(reps=4)}}
    assert settings.without_overrides("stretch").routines == {"full": {"cobra": MoveOverride(rest=5)}}
    assert settings.without_overrides().override_count == 0
    # Clearing the last field of a routine's last override leaves no empty table behind.
    assert settings.with_move_values("cobra", routine="full", rest=None).routines.keys() == {"stretch"}


def test_round_trip_writes_routine_tables_beside_moves(tmp_path):
    path = tmp_path / "settings.toml"
    settings = (Settings().with_move_values("cobra", hold=45)
                .with_move_values("childs-pose-lat", routine="desk-break", hold=30, sides=Sides.NONE))
    save_settings(settings, path)
    text = path.read_text()
    assert "[routines.desk-break.moves.childs-pose-lat]" in text and "[moves.cobra]" in text
    assert tomllib.loads(text)["routines"] == {"desk-break": {"moves": {"childs-pose-lat": {"hold": 30,
                                                                                           "sides": "none"}}}}
    loaded, problems = load_settings(path)
    assert (loaded, problems) == (settings, [])
    assert type(loaded.routines["desk-break"]["childs-pose-lat"].sides) is Sides


def test_broken_routine_tables_are_problems_and_the_valid_rest_is_kept(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('[routines.desk-break.moves.cobra]\nhold = 0\nrest = 5\n'
                    '[routines."Bad Id".moves.cobra]\nhold = 20\n'
                    '[routines.stretch]\ncolour = "red"\n'
                    '[routines.full.moves]\ncobra = 3\n')
    settings, problems = load_settings(path)
    assert sorted(problem.field for problem in problems) == [
        "routines.Bad Id", "routines.desk-break.moves.cobra.hold", "routines.full.moves.cobra", "routines.stretch"]
    assert settings.routines == {"desk-break": {"cobra": MoveOverride(rest=5)}}
    path.write_text('routines = 3\n')
    assert [problem.field for problem in load_settings(path)[1]] == ["routines"]


def test_saves_that_merge_with_the_file_keep_both_scopes_apart():
    from backrelief_tui.core.settings import merge_settings

    base = Settings().with_move_values("cobra", routine="stretch", hold=30)
    mine = base.with_move_values("cobra", routine="stretch", hold=None).with_move_values("bird-dog", routine="desk",
                                                                                         reps=3)
    theirs = (base.with_move_values("cobra", hold=45).with_move_values("glute-bridge", routine="stretch", reps=8)
              .with_move_values("pelvic-tilt", routine="desk", hold=5))
    merged = merge_settings(base, mine, theirs)
    assert merged.moves == {"cobra": MoveOverride(hold=45)}
    assert merged.routines["desk"] == {"bird-dog": MoveOverride(reps=3), "pelvic-tilt": MoveOverride(hold=5)}
    assert merged.routines["stretch"] == {"glute-bridge": MoveOverride(reps=8)}  # my cleared cobra stays cleared
