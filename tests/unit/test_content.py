"""The built-in content: the article's numbers, the beats and poses of every move, each fix of issue 15, own words.

These read the shipped routine files. A test here failing after an edit to a
routine means the edit undid something a careful reading asked for: read the
test's name before changing its numbers.
"""

import importlib.util
import re
import sys
from pathlib import Path

import pytest

from backrelief_tui.commands import main
from backrelief_tui.core.builder import qualifies
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.routine import BeatKind, Kind, Position, Sides
from backrelief_tui.core.wording import RED_FLAG_LINE

REPO = Path(__file__).parents[2]

# The pose names after "start", per move (CONTRACTS.md, "Pose names per built-in move"), plus the desk moves.
ROLL = {"roll"}
POSES = {
    "bear-squat": {"top"}, "worlds-best-stretch": {"lunge", "elbow", "open", "hamstring"},
    "lunge-reach-hamstring": {"lunge", "reach", "hamstring"}, "frog-rotation": {"back", "pivot"},
    "seated-rotation-plank-reach": {"twist", "plank"}, "childs-pose-lat": {"hold"}, "wall-lat-stretch": {"hold"},
    "kneeling-thoracic-extension": {"closed", "open"}, "cobra": {"hold"}, "kneeling-bridge": {"hips", "hold"},
    "glute-bridge": {"top"}, "reverse-hyper": {"top"}, "fire-hydrant": {"top"}, "bird-dog": {"top", "tuck"},
    "pelvic-tilt": {"hold"}, "front-plank": {"hold"}, "side-plank": {"hold"}, "band-stability-press": {"top"},
    "calf-roll": ROLL, "hamstring-roll": ROLL, "hip-glute-roll": ROLL, "ab-release": ROLL, "peanut-spine": ROLL,
    "lat-roll": ROLL, "thoracic-roll": ROLL,
    # Ours (issue 15): start + top for reps, start + hold for holds.
    "standing-hip-flexor-stretch": {"hold"}, "seated-hamstring-hinge": {"hold"}, "chair-thoracic-extension": {"top"},
    "desk-lat-stretch": {"hold"}, "desk-calf-stretch": {"hold"}, "doorway-pec-stretch": {"hold"},
    "standing-hip-extension": {"top"}, "wall-pelvic-tilt": {"hold"},
}
DESK_MOVES = {move_id for move_id in POSES if move_id in (
    "standing-hip-flexor-stretch", "seated-hamstring-hinge", "chair-thoracic-extension", "desk-lat-stretch",
    "desk-calf-stretch", "doorway-pec-stretch", "standing-hip-extension", "wall-pelvic-tilt")}


def all_text(move) -> str:
    """Everything a person reads about a move, lower-cased."""
    parts = [*move.cues, move.caution, move.variation, *move.progressions]
    parts += [f"{beat.label} {beat.cue}" for beat in move.beats]
    return " ".join(parts).lower()


def hold_beats(move):
    return [beat for beat in move.beats if beat.kind is BeatKind.HOLD]


# -- the article's numbers -------------------------------------------------------------------------------


def test_the_pause_at_the_top_is_the_articles_one_to_two_seconds(library):
    for move_id in ("bear-squat", "reverse-hyper", "bird-dog"):
        move = library.moves[move_id]
        assert move.kind is Kind.REPS, move_id
        holds = hold_beats(move)
        assert len(holds) == 1 and 1 <= holds[0].seconds <= 2, move_id
        assert holds[0].pose == "top"  # the pause is at the top, after the move up
        position = move.beats.index(holds[0])
        assert position > 0 and move.beats[position - 1].kind is BeatKind.MOVE, move_id


def test_the_pelvic_tilt_holds_five_to_ten_seconds(library):
    for move_id in ("pelvic-tilt", "wall-pelvic-tilt"):
        move = library.moves[move_id]
        assert move.kind is Kind.HOLD and 5 <= move.hold <= 10 and move.reps > 1, move_id


def test_all_reps_on_one_side_then_switch(library):
    for move_id in ("worlds-best-stretch", "lunge-reach-hamstring", "seated-rotation-plank-reach", "fire-hydrant",
                    "bird-dog", "side-plank", "kneeling-thoracic-extension"):
        assert library.moves[move_id].sides is Sides.BOTH, move_id
    assert library.moves["frog-rotation"].sides is Sides.ALTERNATE  # the article alternates the frog


def test_the_articles_other_numbers(library):
    assert "90°" in " ".join(library.moves["glute-bridge"].cues)  # elbows
    assert "90°" in all_text(library.moves["fire-hydrant"])  # the knee
    assert "hip-width" in " ".join(library.moves["glute-bridge"].cues)  # the feet


# -- beats and poses of every move ---------------------------------------------------------------------------


def test_every_builtin_move_has_beats_with_poses_from_the_table(library):
    assert set(library.moves) == set(POSES)
    for move in library.moves.values():
        poses = [beat.pose for beat in move.beats]
        assert set(poses) <= POSES[move.id] | {"start"}, move.id
        assert set(poses) - {"start"} == POSES[move.id], move.id  # every named pose is reached
        assert move.rep_seconds == sum(beat.seconds for beat in move.beats)
        if move.kind is Kind.REPS:
            assert move.hold == sum(beat.seconds for beat in hold_beats(move)), move.id
            assert move.tempo + move.hold == move.rep_seconds


def test_beat_labels_and_cues_read_at_a_glance(library):
    for move in library.moves.values():
        for beat in move.beats:
            assert 1 <= len(beat.label) <= 16, (move.id, beat.label)
            assert len(beat.cue) <= 60, (move.id, beat.cue)
        if len(move.beats) > 1:  # a split rep says what each part is for
            assert all(beat.cue for beat in move.beats), move.id


def test_the_worlds_best_stretch_has_time_for_its_four_positions(library):
    move = library.moves["worlds-best-stretch"]
    reached = {beat.pose: beat for beat in move.beats if beat.kind is BeatKind.MOVE}
    assert list(reached) == ["lunge", "elbow", "open", "hamstring"]
    assert all(beat.seconds >= 2 for beat in reached.values())
    assert move.rep_seconds >= 15  # it was 10 s for all four, which felt rushed
    assert [beat.pose for beat in hold_beats(move)] == ["elbow", "open", "hamstring"]


def test_multi_position_moves_return_through_their_positions(library):
    assert [beat.pose for beat in library.moves["bird-dog"].beats] == ["top", "top", "tuck"]
    assert [beat.pose for beat in library.moves["kneeling-thoracic-extension"].beats] == ["closed", "open", "open"]
    assert library.moves["seated-rotation-plank-reach"].beats[-1].pose == "start"


# -- each fix of issue 15 ----------------------------------------------------------------------------------


def test_fix_1_the_kneeling_bridge_is_an_opt_in_bonus_from_the_chair(library):
    bridge = library.moves["kneeling-bridge"]
    assert bridge.bonus and bridge.equipment == ("chair",)
    for routine_id in ("stretch", "full"):
        routine = library.get(routine_id)
        assert "kneeling-bridge" not in {move.id for move in plan_session(routine).moves}
        assert "kneeling-bridge" in {move.id for move in plan_session(routine, include_bonus=True).moves}
    assert "comfortable" in bridge.caution.lower() and "pinch" in bridge.caution.lower()
    labels = [beat.label for beat in bridge.beats]
    assert labels.index("Hips forward") < labels.index("Reach back")
    cues = [cue.lower() for cue in bridge.cues]
    hips = next(index for index, cue in enumerate(cues) if "hips forward" in cue)
    reach = next(index for index, cue in enumerate(cues) if "chair seat" in cue)
    assert hips < reach
    assert "heels" in bridge.variation.lower() and bridge.progressions


def test_fix_2_the_frog_turns_the_shin_up_and_forward(library):
    text = all_text(library.moves["frog-rotation"])
    assert "up and forward" in text and "up and out" not in text


def test_fix_3_the_hip_roll_keeps_off_the_low_back_in_its_caution(library):
    roll = library.moves["hip-glute-roll"]
    assert "below the low back" in roll.caution.lower()
    assert "behind the knee" in library.moves["hamstring-roll"].caution.lower()
    assert [beat.label for beat in roll.beats] == ["Front of hip", "Side of hip", "Glute"]


def test_fix_4_planks_start_where_a_beginner_can(library):
    side, front = library.moves["side-plank"], library.moves["front-plank"]
    assert "knees" in side.cues[0].lower() and "stacked" not in " ".join(side.cues).lower()
    steps = " | ".join(side.progressions).lower()
    assert re.search(r"bottom knee down.*top leg straight.*in front of.*stacked", steps)
    assert "knees" in front.cues[0].lower() and "toes" in " ".join(front.progressions).lower()
    assert library.moves["pelvic-tilt"].progressions


def test_fix_5_the_ab_release_stays_below_the_ribs(library):
    text = all_text(library.moves["ab-release"])
    assert "under the ribs" not in text.replace("under the rib cage", "") and "below the rib" in text


def test_fix_6_the_glute_bridge_knees_go_forward_not_apart(library):
    text = all_text(library.moves["glute-bridge"])
    assert "pushing out" not in text and "forward over the toes" in text
    assert "hip-width" in text and "fingertip" in text


def test_fix_7_the_upper_back_roll_supports_the_head(library):
    text = all_text(library.moves["thoracic-roll"])
    assert "fall back" not in text and "hands behind your head" in text


def test_fix_8_vague_cues_are_made_exact(library):
    moves = library.moves
    assert "same-side hand" in all_text(moves["worlds-best-stretch"])
    assert "outside that hand" not in all_text(moves["worlds-best-stretch"])
    assert "hooking hand" in all_text(moves["seated-rotation-plank-reach"])
    assert "behind your neck, fingers down the spine" in all_text(moves["kneeling-thoracic-extension"])
    assert "toes under" in moves["bear-squat"].variation and "foot stretch" not in moves["bear-squat"].variation
    assert "side" in all_text(moves["hip-glute-roll"])
    reverse_hyper = moves["reverse-hyper"]
    assert all("straight" in beat.cue for beat in reverse_hyper.beats)  # every rep, not only the set-up
    assert "glute" in " ".join(beat.cue for beat in hold_beats(moves["bird-dog"])).lower()
    assert "90°" in " ".join(beat.cue for beat in moves["fire-hydrant"].beats)
    assert "two balls taped" in all_text(moves["peanut-spine"])


def test_fix_9_a_red_flag_line_before_every_session(tmp_path, capsys, monkeypatch):
    assert "sharp pain" in RED_FLAG_LINE and "tingling or numbness" in RED_FLAG_LINE and "leg" in RED_FLAG_LINE
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    assert main(["show", "desk"]) == 0
    assert RED_FLAG_LINE in capsys.readouterr().out


def test_fix_10_the_calf_roll_takes_a_roller_or_a_ball_on_a_block(library):
    calf = library.moves["calf-roll"]
    assert calf.kits == (("roller",), ("ball", "block"))
    assert qualifies(calf, {"ball", "block"}, False)
    assert "books" in calf.variation.lower()  # the article's stand-in for the block
    assert library.moves["lat-roll"].fits_kit({"ball"}) and library.moves["thoracic-roll"].fits_kit({"peanut"})


def test_fix_11_defaults_give_each_area_its_time(library):
    assert 110 <= library.moves["peanut-spine"].hold <= 130  # 6-8 stops of about 15 s
    assert library.moves["hip-glute-roll"].hold >= 90  # three areas a side, 30 s each
    childs = next(move for move in library.get("desk-break").moves if move.id == "childs-pose-lat")
    assert min(beat.seconds for beat in childs.beats) >= 12  # not 7 s a side
    for move_id in ("childs-pose-lat", "wall-lat-stretch", "cobra"):  # static stretches: about 60 s in all
        move = library.moves[move_id]
        assert move.hold * move.reps >= 55, move_id
    defaults = (REPO / "routines" / "DEFAULTS.md").read_text(encoding="utf-8")
    assert "only numbers" not in defaults and "40 s of stretch" not in defaults
    assert "two holds" in defaults.lower()


# -- at the desk -------------------------------------------------------------------------------------------


def test_the_desk_routine_needs_no_floor_and_little_kit(library):
    desk = library.get("desk")
    seconds = plan_session(desk).total_seconds
    assert 4 * 60 <= seconds <= 6 * 60
    assert set(desk.equipment) <= {"chair", "wall", "desk"}
    assert all(move.position in (Position.STANDING, Position.SEATED) for move in desk.moves)
    assert {move.id for move in desk.moves} == DESK_MOVES


def test_the_desk_moves_answer_the_articles_culprits_and_are_marked_ours(library):
    desk = library.get("desk")
    culprits = {"hips", "hamstrings", "calves", "lats", "thoracic", "pecs", "glutes"}
    assert culprits <= set(desk.targets)
    assert all(move.ours for move in desk.moves)
    assert not any(move.ours for move_id, move in library.moves.items() if move_id not in DESK_MOVES)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    for move in desk.moves:
        assert move.name in readme, move.name  # the README says which culprit each serves


def test_every_move_keeps_its_cues_short(library):
    for move in library.moves.values():
        assert 2 <= len(move.cues) <= 5, move.id
        assert all(len(cue) <= 70 for cue in move.cues), move.id


# -- our own words -------------------------------------------------------------------------------------------


def _own_words():
    # tools/ is not a package: load the script as a module (registered first, as dataclasses need).
    spec = importlib.util.spec_from_file_location("own_words", REPO / "tools" / "own_words.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("own_words", module)
    spec.loader.exec_module(module)
    return module


def test_no_text_shares_seven_words_in_a_row_with_the_article(capsys):
    own_words = _own_words()
    article = own_words.find_article()
    if article is None:
        pytest.skip("the article is not here: CI keeps it in ../shared/seed/ beside the checkout")
    assert own_words.main([]) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    longest = int(re.search(r"longest run shared with the article: (\d+) words", out).group(1))
    assert longest < own_words.LIMIT


def test_the_own_words_check_catches_a_copied_sentence(tmp_path):
    own_words = _own_words()
    article = own_words.Article("Then rotate open driving the elbow up toward the ceiling. Hold it.")
    assert len(article.longest_shared("Rotate open, driving the ELBOW up toward the ceiling!")) == 9
    path = tmp_path / "r.toml"
    path.write_text('title = "x"\n[[moves]]\ncues = ["Rotate open driving the elbow up toward it."]\n')
    found = own_words.check([path], article)
    assert found[0].length == 7 and found[0].where.endswith("moves[1].cues[1]")
