"""The builder: fits the budget, uses only what is at hand, balances the parts, puts focus first."""

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from backrelief_tui.commands import main
from backrelief_tui.core.builder import (
    LEVELS,
    OFF_FLOOR,
    Part,
    build_routine,
    parse_areas,
    parse_equipment,
    part_of,
    qualifies,
    scaled,
)
from backrelief_tui.core.library import Library, load_library, load_routine_file
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.routine import EQUIPMENT, TARGETS, Kind, Position
from backrelief_tui.core.settings import MoveOverride, Settings
from backrelief_tui.core.user_routines import check_routine
from backrelief_tui.core.wording import move_dose

ROUTINES = Path(__file__).parents[2] / "routines"


def _qualifying(library, kit, no_floor):
    return [move for move in library.moves.values() if qualifies(move, kit, no_floor)]


# -- the property ---------------------------------------------------------------------------


@hypothesis_settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seconds=st.integers(min_value=120, max_value=3600),
    kit=st.sets(st.sampled_from(EQUIPMENT)),
    no_floor=st.booleans(),
    focus=st.lists(st.sampled_from(TARGETS), max_size=3, unique=True),
    spots=st.dictionaries(st.sampled_from(TARGETS), st.sampled_from(["tight", "fine"])),
)
def test_any_budget_and_kit_fits_and_uses_only_what_is_there(library, seconds, kit, no_floor, focus, spots):
    settings = Settings(tight_spots=spots)
    result = build_routine(library, seconds / 60, kit, no_floor, focus, settings=settings)
    if result.routine is None:
        # Empty only when nothing in the library qualifies, and then it says so.
        assert not _qualifying(library, kit, no_floor)
        assert "no move in the library" in result.reason
        return
    plan = plan_session(result.routine, settings)
    assert plan.total_seconds == result.total_seconds <= seconds
    for move in plan.moves:
        assert set(move.equipment) <= kit
        assert not no_floor or move.position in OFF_FLOOR
        assert not move.bonus
    assert len({move.id for move in plan.moves}) == len(plan.moves)  # never repeated
    assert not check_routine(result.routine)  # it could be saved as it is


@hypothesis_settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(seconds=st.integers(min_value=120, max_value=3600), kit=st.sets(st.sampled_from(EQUIPMENT)),
       lead_in=st.integers(0, 30), rest=st.integers(0, 30), hold=st.integers(5, 90))
def test_the_persons_own_numbers_are_planned_and_still_fit(library, seconds, kit, lead_in, rest, hold):
    settings = Settings(lead_in=lead_in, default_rest=rest,
                        moves={"glute-bridge": MoveOverride(reps=15), "childs-pose-lat": MoveOverride(hold=hold)})
    result = build_routine(library, seconds / 60, kit, False, [], settings=settings)
    assert result.routine is not None
    plan = plan_session(result.routine, settings)
    assert plan.total_seconds <= seconds
    for move in plan.moves:  # the override wins over the builder's dose
        if move.id == "glute-bridge":
            assert move.reps == 15
        if move.id == "childs-pose-lat":
            assert move.hold == hold


# -- what qualifies -----------------------------------------------------------------------------


def test_no_floor_allows_standing_and_seated_only_and_kneeling_is_floor(library):
    allowed = _qualifying(library, set(EQUIPMENT), True)
    assert allowed and all(move.position in (Position.STANDING, Position.SEATED) for move in allowed)
    assert not any(move.position is Position.KNEELING for move in allowed)


def test_no_floor_and_no_kit_still_builds_from_the_standing_desk_moves(library):
    result = build_routine(library, 4, set(), True, [])
    assert result.routine is not None and result.total_seconds <= 240
    assert all(move.position in OFF_FLOOR and not move.equipment for move in result.routine.moves)
    assert {part_of(move, library) for move in result.routine.moves} == {Part.STRETCH, Part.ACTIVATE}


def test_when_nothing_qualifies_it_says_what_would_help(library):
    # The article's moves alone (no desk moves): nothing stands without kit, a wall would help.
    article_only = Library(moves={key: move for key, move in library.moves.items() if not move.ours})
    result = build_routine(article_only, 4, set(), True, [])
    assert result.routine is None and result.total_seconds == 0
    assert "no move in the library can be done with no equipment off the floor" in result.reason
    assert "a wall would allow Standing wall lat stretch" in result.reason


def test_equipment_must_all_be_there(library):
    hamstring_roll = library.moves["hamstring-roll"]  # ball and chair
    assert not qualifies(hamstring_roll, {"ball"}, False)
    assert qualifies(hamstring_roll, {"ball", "chair"}, True)


def test_bonus_moves_are_left_out(library):
    assert not qualifies(library.moves["kneeling-bridge"], set(), False)


def test_parts_follow_the_builtin_routines(library):
    assert part_of(library.moves["calf-roll"], library) is Part.RELEASE
    assert part_of(library.moves["cobra"], library) is Part.STRETCH
    assert part_of(library.moves["bird-dog"], library) is Part.ACTIVATE


# -- balance, order, focus, tight spots ---------------------------------------------------------


def test_a_short_build_with_kit_has_release_stretch_and_activation_in_that_order(library):
    result = build_routine(library, 8, {"ball", "roller"}, False, [])
    parts = [part_of(move, library) for move in result.routine.moves]
    assert set(parts) == {Part.RELEASE, Part.STRETCH, Part.ACTIVATE}
    assert parts == sorted(parts, key=[Part.RELEASE, Part.STRETCH, Part.ACTIVATE].index)


def test_no_equipment_means_no_release_but_stretch_and_activation(library):
    result = build_routine(library, 5, set(), False, [])
    parts = {part_of(move, library) for move in result.routine.moves}
    assert parts == {Part.STRETCH, Part.ACTIVATE}


def test_four_minutes_no_equipment_fits_and_is_not_trivial(library):
    result = build_routine(library, 4, set(), False, [])
    assert 200 <= result.total_seconds <= 240
    assert len(result.routine.moves) >= 3


def test_focus_areas_come_first_and_each_gets_a_move(library):
    result = build_routine(library, 5, set(), False, ["lats", "hips"])
    moves = result.routine.moves
    assert any("lats" in move.targets for move in moves)
    assert any("hips" in move.targets for move in moves)
    stretch = [move for move in moves if part_of(move, library) is Part.STRETCH]
    assert "lats" in stretch[0].targets


def test_focus_with_no_suitable_move_is_noted(library):
    result = build_routine(library, 5, set(), False, ["calves", "lats"], )
    assert result.routine is not None
    result = build_routine(library, 5, {"band"}, True, ["calves"])
    assert "no move for calves fits with a band off the floor" in result.notes


def test_focused_moves_get_more_than_the_default(library):
    # Child's pose already holds the builder's 60 s ceiling, so the desk lat stretch (25 s) shows it.
    plain = build_routine(library, 12, {"desk"}, False, [])
    focused = build_routine(library, 12, {"desk"}, False, ["lats"])
    def desk_lat(result):
        return next(move for move in result.routine.moves if move.id == "desk-lat-stretch")
    assert desk_lat(focused).hold > library.moves["desk-lat-stretch"].hold * 1.2
    assert desk_lat(focused).hold >= desk_lat(plain).hold


def test_fine_areas_are_skipped_and_tight_ones_come_first(library):
    spots = {"calves": "fine", "hamstrings": "fine", "lats": "tight"}
    result = build_routine(library, 10, {"roller", "ball", "chair"}, False, [], tight_spots=spots)
    ids = [move.id for move in result.routine.moves]
    assert "calf-roll" not in ids and "hamstring-roll" not in ids and "bear-squat" not in ids
    release = [move for move in result.routine.moves if part_of(move, library) is Part.RELEASE]
    assert release[0].id == "lat-roll"


def test_when_only_fine_areas_qualify_they_are_still_used_and_noted(library):
    everything_fine = {area: "fine" for area in TARGETS}
    result = build_routine(library, 4, {"wall"}, True, [], tight_spots=everything_fine)
    assert result.routine is not None and result.routine.moves
    assert all(qualifies(move, {"wall"}, True) for move in result.routine.moves)
    assert any("marked fine" in note for note in result.notes)


def test_few_qualifying_moves_give_a_shorter_routine_with_a_reason(library):
    result = build_routine(library, 30, {"wall"}, True, [])
    assert result.total_seconds < 30 * 60
    assert "every suitable move" in result.reason
    assert result.routine.moves[0].hold <= 60  # lengthened, within sensible bounds, never repeated


def test_budget_outside_range_is_refused(library):
    assert build_routine(library, 1, set(), False, []).routine is None
    assert "from 2 to 60 minutes" in build_routine(library, 61, set(), False, []).reason


def test_a_huge_lead_in_can_leave_no_time_and_says_so(library):
    result = build_routine(library, 2, set(), False, [], settings=Settings(lead_in=120))
    assert result.routine is None and "not enough" in result.reason


def test_the_smallest_dose_of_every_move_fits_two_minutes_with_default_settings(library):
    # Why "empty only when nothing qualifies" holds for the default settings.
    from backrelief_tui.core.routine import Routine

    for move in library.moves.values():
        if move.bonus:
            continue
        routine = Routine("one", "One", "One", (scaled(move, LEVELS[0]),))
        assert plan_session(routine).total_seconds <= 120, move.id


# -- dose ----------------------------------------------------------------------------------------


def test_dose_scales_one_number_within_bounds(library):
    roll, bridge, plank, childs = (library.moves[i] for i in ("calf-roll", "glute-bridge", "front-plank",
                                                              "childs-pose-lat"))
    assert scaled(roll, 0.5).hold == 25 and scaled(roll, 2.0).hold == 90
    assert scaled(bridge, 0.5).reps == 6 and scaled(bridge, 2.0).reps == 20  # capped at 20
    assert scaled(bridge, 2.0).tempo == bridge.tempo and scaled(bridge, 2.0).hold == bridge.hold
    assert scaled(plank, 0.5).reps == 1 and scaled(plank, 0.5).hold == 30  # fewer sets, same hold
    assert scaled(childs, 0.5).hold == 30 and scaled(childs, 2.0).hold == 60  # 60 s by default: at the ceiling
    assert scaled(library.moves["side-plank"], 1.0).rest is None  # the person's default rest


def test_scaling_leaves_an_overridden_field_alone(library):
    settings = Settings(moves={"calf-roll": MoveOverride(hold=40)})
    assert scaled(library.moves["calf-roll"], 2.0, settings).hold == library.moves["calf-roll"].hold


def test_short_dose_in_words(library):
    assert move_dose(library.moves["glute-bridge"], short=True) == "12 reps"
    assert move_dose(library.moves["fire-hydrant"], short=True) == "10 reps per side"
    assert move_dose(library.moves["front-plank"], short=True) == "2 × 30 s"
    assert move_dose(library.moves["calf-roll"], short=True) == "45 s per side"


# -- parsing the request -------------------------------------------------------------------------


def test_parse_areas_and_equipment():
    assert parse_areas("hips, Lats,hip") == (["hips", "lats"], [])
    assert parse_areas("back") == (["spine", "thoracic"], [])
    areas, errors = parse_areas("hips,knees")
    assert areas == ["hips"] and "'knees' is not an area" in errors[0]
    assert parse_equipment(["none"]) == (set(), [])
    assert parse_equipment(["ball,roller", "wall"]) == ({"ball", "roller", "wall"}, [])
    assert "'spoon' is not equipment" in parse_equipment(["spoon"])[1][0]


# -- the command ---------------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    return tmp_path


def test_build_command_prints_a_fitting_routine(home, capsys):
    assert main(["build", "--minutes", "4"]) == 0
    out = capsys.readouterr().out
    assert "Built: 4 min, no equipment" in out and "of the 4:00 you have" in out


def test_build_json_has_the_routine_and_its_total(home, capsys):
    assert main(["build", "--minutes", "5", "--equipment", "ball", "roller", "--focus", "hips,lats", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["total_seconds"] <= 300 and data["budget_seconds"] == 300
    assert data["total_seconds"] == sum(step["seconds"] for step in data["steps"])
    assert {item for move in data["moves"] for item in move["equipment"]} <= {"ball", "roller"}
    assert data["routine"]["moves"][0]["cues"]


def test_build_nothing_fits_is_one_line_and_exit_1(home, capsys):
    # With no floor and no kit the standing desk moves qualify; a 2-minute lead-in leaves no time at all.
    (home / "config").mkdir()
    (home / "config" / "settings.toml").write_text("lead_in = 120\n")
    assert main(["build", "--minutes", "2", "--no-floor", "--equipment", "none"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("backrelief: nothing to build: even the shortest move takes") and "\n" not in err


def test_build_bad_arguments_name_the_problem(home, capsys):
    assert main(["build", "--equipment", "spoon"]) == 1
    assert "'spoon' is not equipment" in capsys.readouterr().err
    assert main(["build", "--focus", "knees"]) == 1
    assert "'knees' is not an area" in capsys.readouterr().err


def test_build_save_writes_a_valid_routine_the_library_loads(home, capsys):
    assert main(["build", "--minutes", "4", "--save", "Quick four"]) == 0
    path = home / "config" / "routines" / "quick-four.toml"
    assert path.exists()
    library = load_library(ROUTINES)
    routine, problems = load_routine_file(path, library)
    assert not problems and routine.title == "Quick four"
    assert library.get("quick-four") is not None
    assert main(["validate", str(path)]) == 0


def test_build_save_refuses_to_replace_a_builtin_without_replace(home, capsys):
    assert main(["build", "--minutes", "4", "--save", "Release"]) == 1
    assert "would replace the built-in routine 'Release'" in capsys.readouterr().err
    assert not (home / "config" / "routines" / "release.toml").exists()
    assert main(["build", "--minutes", "4", "--save", "Release", "--replace"]) == 0
    assert load_library(ROUTINES).get("release").builtin is False


def test_build_uses_the_persons_settings(home, capsys):
    (home / "config").mkdir()
    (home / "config" / "settings.toml").write_text("lead_in = 30\ndefault_rest = 30\n")
    assert main(["build", "--minutes", "3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["steps"][0]["seconds"] == 30 and data["total_seconds"] <= 180


def test_reps_moves_keep_kind(library):
    result = build_routine(library, 10, set(), False, [])
    for move in result.routine.moves:
        assert move.kind is library.moves[move.id].kind
        if move.kind is Kind.REPS:
            assert move.tempo == library.moves[move.id].tempo


# -- at the desk (issue 15) ------------------------------------------------------------------------

DESK_KIT = {"chair", "wall", "desk"}


@pytest.mark.parametrize("minutes", [3, 5, 10])
def test_no_floor_with_a_chair_a_wall_and_the_desk_fills_the_time(library, minutes):
    result = build_routine(library, minutes, DESK_KIT, True, [])
    budget = minutes * 60
    assert 0.9 * budget <= result.total_seconds <= budget, result.reason
    moves = result.routine.moves
    assert all(move.position in OFF_FLOOR and move.fits_kit(DESK_KIT) for move in moves)
    assert sum(move.ours for move in moves) >= len(moves) - 1  # the desk moves (and at most the wall lat stretch)
    parts = [part_of(move, library) for move in moves]
    assert set(parts) == {Part.STRETCH, Part.ACTIVATE}  # no ball: no release, but both other parts
    assert parts == sorted(parts, key=[Part.RELEASE, Part.STRETCH, Part.ACTIVATE].index)


def test_desk_build_puts_tight_spots_first(library):
    result = build_routine(library, 3, DESK_KIT, True, [], tight_spots={"calves": "tight", "pecs": "tight"})
    stretches = [move for move in result.routine.moves if part_of(move, library) is Part.STRETCH]
    assert {stretches[0].id, stretches[1].id} == {"desk-calf-stretch", "doorway-pec-stretch"}


def test_desk_is_equipment_the_builder_knows():
    assert "desk" in EQUIPMENT
    assert parse_equipment(["chair,wall", "desk"]) == ({"chair", "wall", "desk"}, [])


def test_a_move_can_need_one_of_several_kits(library):
    calf_roll = library.moves["calf-roll"]
    assert calf_roll.kits == (("roller",), ("ball", "block"))
    assert qualifies(calf_roll, {"ball", "block"}, False) and qualifies(calf_roll, {"roller"}, False)
    assert not qualifies(calf_roll, {"ball"}, False)
    result = build_routine(library, 10, {"ball", "block"}, False, [], tight_spots={"calves": "tight"})
    built = next(move for move in result.routine.moves if move.id == "calf-roll")
    assert built.equipment == ("ball", "block") and built.kits == (("ball", "block"), ("roller",))
    assert not check_routine(result.routine)  # the kit at hand is what a saved routine lists first
