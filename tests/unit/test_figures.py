"""The figures: every move posed, limbs that never stretch, contacts met, mirrored sides, checked data."""

from __future__ import annotations

import math
from pathlib import Path

import pytest

from backrelief_tui.commands import main
from backrelief_tui.core.braille import rasterise
from backrelief_tui.core.figures import (
    BONES,
    CONTACT_TOLERANCE,
    LENGTHS,
    Contact,
    Layer,
    Surface,
    blend_skeleton,
    contact_gap,
    ease,
    figure_box,
    frame_between,
    frame_of_pose,
    project,
    segment_lengths,
    turn,
)
from backrelief_tui.core.library import load_library
from backrelief_tui.core.plan import Side
from backrelief_tui.core.poses import (
    builtin_poses,
    load_pose_files,
    load_poses,
    needed_poses,
    parse_poses,
    pose_files,
    poses_file,
)
from backrelief_tui.core.routine import Kind, Move, Position

ROUTINES = Path(__file__).parents[2] / "routines"

FRACTIONS = [step / 10 for step in range(11)]


@pytest.fixture(scope="module")
def book():
    return builtin_poses()


@pytest.fixture(scope="module")
def library():
    return load_library(ROUTINES, Path("/nonexistent"))


def all_figures(book):
    return [*book.moves.values(), *book.neutral.values()]


def sequences(figure):
    """Every pair of keyframes the figure can move between (both directions)."""
    names = list(figure.poses)
    return [(a, b) for a in names for b in names if a != b] or [(names[0], names[0])]


# -- the data --------------------------------------------------------------------------------


def test_every_built_in_move_has_its_poses(book, library):
    """From the library itself: every move's figure has "start" and each pose its beats end in (after the
    defaults), in the order the beats first reach them, and no pose that no beat reaches."""
    assert set(library.moves) == set(book.moves), "a library move has no figure, or a figure has no move"
    for move in library.moves.values():
        expected = ["start", *dict.fromkeys(beat.pose for beat in move.beats if beat.pose != "start")]
        assert list(book.moves[move.id].poses) == expected, move.id


def test_needed_poses_follow_the_beats(library):
    assert needed_poses(library.moves["kneeling-bridge"]) == ("start", "hips", "hold")
    assert needed_poses(library.moves["childs-pose-lat"]) == ("start", "hold")  # three beats, one pose
    assert needed_poses(library.moves["hip-glute-roll"]) == ("start", "roll")
    assert needed_poses(library.moves["bird-dog"]) == ("start", "top", "tuck")


def test_the_pose_files_have_no_problems(library):
    _book, problems = load_pose_files(pose_files(), library.moves)
    assert [str(problem) for problem in problems] == []


def test_a_pose_a_beat_ends_in_and_the_figure_lacks_is_a_problem(library):
    bridge = library.moves["kneeling-bridge"]
    start = {**GOOD_POSE, "root": [0, 86]}
    _book, problems = parse_poses({"moves": {"kneeling-bridge": {"poses": {"start": start, "hold": start}}}},
                                  "poses.toml", {"kneeling-bridge": bridge}, require_neutral=False)
    assert [str(problem) for problem in problems] == [
        "poses.toml: moves.kneeling-bridge.poses.hips: is missing: beat 1 of the move ('Hips forward') ends in it"]


def test_every_figure_draws_the_kit_its_move_needs(book, library):
    for move in library.moves.values():
        drawn = {str(prop.kind) for prop in book.moves[move.id].props}
        assert any(set(kit) <= drawn for kit in move.kits), (move.id, move.kits, drawn)


def test_a_neutral_figure_for_every_position(book):
    assert set(book.neutral) == {str(position) for position in Position}


def test_a_move_without_poses_gets_the_neutral_figure_of_its_position(book):
    own = Move(id="my-own-squat", name="My squat", kind=Kind.REPS, hold=1, position=Position.SEATED, cues=("Go.",))
    assert book.figure(own) is book.neutral["seated"]
    assert book.figure("no-such-move") is book.neutral["standing"]


def test_a_ref_move_gets_the_library_figure(book, library):
    desk_break = library.routines["desk-break"]  # every move is a `ref`
    for move in desk_break.moves:
        assert book.figure(move) is book.moves[move.id]


# -- forward kinematics ------------------------------------------------------------------------


def test_no_segment_stretches_in_any_frame_of_any_move(book):
    for figure in all_figures(book):
        for a, b in sequences(figure):
            for fraction in FRACTIONS:
                for side in (Side.LEFT, Side.RIGHT, None):
                    lengths = segment_lengths(frame_between(figure, a, b, fraction, side))
                    for bone in BONES:
                        expected = LENGTHS[bone.kind]
                        assert math.isclose(lengths[bone.name], expected, rel_tol=0.01), (
                            figure.move_id, a, b, fraction, bone.name)


def test_nothing_goes_below_the_floor_in_any_frame(book):
    for figure in all_figures(book):
        for a, b in sequences(figure):
            for fraction in FRACTIONS:
                frame = frame_between(figure, a, b, fraction, None)
                lowest = min(y for _, y, _ in frame.skeleton.values())
                assert lowest >= -CONTACT_TOLERANCE, (figure.move_id, a, b, fraction)
                for disc in frame.discs:
                    assert disc.centre[1] - disc.radius >= -CONTACT_TOLERANCE


def test_every_keyframe_meets_its_contacts(book):
    for figure in all_figures(book):
        for pose in figure.poses.values():
            for contact in pose.contacts:
                assert contact_gap(figure, pose, contact) <= CONTACT_TOLERANCE, (figure.move_id, pose.name, contact)


@pytest.mark.parametrize(("move_id", "pose", "surface", "parts"), [
    ("front-plank", "hold", Surface.FLOOR, ["forearms", "toes"]),
    ("front-plank", "start", Surface.FLOOR, ["forearms", "knees"]),
    ("wall-lat-stretch", "hold", Surface.WALL, ["near_hand"]),
    ("side-plank", "hold", Surface.FLOOR, ["near_forearm", "feet"]),
    ("glute-bridge", "top", Surface.FLOOR, ["shoulders", "feet"]),
    ("calf-roll", "roll", Surface.ROLLER, ["near_calf"]),
    ("hamstring-roll", "roll", Surface.CHAIR, ["seat"]),
    ("kneeling-bridge", "hips", Surface.FLOOR, ["knees", "toes"]),
    ("kneeling-bridge", "hold", Surface.CHAIR, ["hands"]),
    ("desk-calf-stretch", "hold", Surface.DESK, ["hands"]),
    ("desk-calf-stretch", "hold", Surface.FLOOR, ["feet"]),
    ("desk-lat-stretch", "hold", Surface.DESK, ["hands"]),
    ("standing-hip-flexor-stretch", "hold", Surface.DESK, ["far_hand"]),
    ("standing-hip-flexor-stretch", "hold", Surface.FLOOR, ["near_toes"]),
    ("standing-hip-extension", "top", Surface.CHAIR, ["hands"]),
    ("seated-hamstring-hinge", "hold", Surface.FLOOR, ["near_heel"]),
    ("chair-thoracic-extension", "top", Surface.CHAIR, ["seat", "upper_back"]),
    ("doorway-pec-stretch", "hold", Surface.WALL, ["forearms"]),
    ("wall-pelvic-tilt", "start", Surface.WALL, ["hips", "shoulders"]),
    ("wall-pelvic-tilt", "hold", Surface.WALL, ["back"]),
])
def test_named_contacts(book, move_id, pose, surface, parts):
    figure = book.moves[move_id]
    declared = set(figure.poses[pose].contacts)
    for part in parts:
        contact = Contact(surface, part)
        assert contact in declared
        assert contact_gap(figure, figure.poses[pose], contact) <= CONTACT_TOLERANCE


def test_a_plank_off_the_floor_is_caught(book):
    figure = book.moves["front-plank"]
    pose = figure.poses["hold"]
    lifted = type(pose)(pose.name, (pose.root[0], pose.root[1] + 10, pose.root[2]), pose.angles, pose.out,
                        pose.twist, pose.contacts)
    assert contact_gap(figure, lifted, Contact(Surface.FLOOR, "toes")) > CONTACT_TOLERANCE


# -- interpolation ---------------------------------------------------------------------------


def test_angles_turn_the_short_way_unless_told():
    assert turn(170, -170) == pytest.approx(20)
    assert turn(-170, 170) == pytest.approx(-20)
    assert turn(170, -170, long_way=True) == pytest.approx(-340)
    assert turn(10, 10, long_way=True) == 0


def test_easing_starts_and_stops_gently():
    assert ease(0) == 0 and ease(1) == 1 and ease(0.5) == pytest.approx(0.5)
    assert ease(0.1) < 0.1 and ease(0.9) > 0.9
    assert ease(-1) == 0 and ease(2) == 1


def test_a_movement_ends_exactly_in_its_keyframes(book):
    figure = book.moves["bird-dog"]
    start, top = figure.poses["start"], figure.poses["top"]
    assert blend_skeleton(start, top, 0.0)[0] == blend_skeleton(start, start, 0.0)[0]
    assert blend_skeleton(start, top, 1.0)[0] == blend_skeleton(top, top, 0.0)[0]


def test_planted_hands_and_feet_stay_put_in_a_bear_squat(book):
    figure = book.moves["bear-squat"]
    start, top = figure.poses["start"], figure.poses["top"]
    wrist = blend_skeleton(start, top, 0.0)[0]["near_wrist"]
    for fraction in FRACTIONS:
        joints, _ = blend_skeleton(start, top, fraction)
        assert math.dist(joints["near_wrist"], wrist) < 4.0  # a dot or so: no inverse kinematics here
        assert joints["near_toes"][1] < CONTACT_TOLERANCE


def test_a_step_forward_swings_the_leg_under_the_body_not_over_it(book):
    figure = book.moves["worlds-best-stretch"]
    for fraction in FRACTIONS:
        joints, _ = blend_skeleton(figure.poses["start"], figure.poses["lunge"], fraction)
        assert joints["near_knee"][1] < joints["shoulders"][1] + 5


# -- sides -------------------------------------------------------------------------------------


def test_the_right_side_is_the_left_side_mirrored(book):
    for figure in book.moves.values():
        for a, b in sequences(figure)[:3]:
            for fraction in (0.0, 0.3, 1.0):
                left = frame_between(figure, a, b, fraction, Side.LEFT)
                right = frame_between(figure, a, b, fraction, Side.RIGHT)
                assert [(s.a, s.b, s.layer) for s in left.strokes] == \
                    [((-s.a[0], s.a[1]), (-s.b[0], s.b[1]), s.layer) for s in right.strokes]
                assert [(d.centre, d.radius) for d in left.discs] == \
                    [((-d.centre[0], d.centre[1]), d.radius) for d in right.discs]


def test_the_left_side_faces_left_and_its_working_leg_steps_forward(book):
    figure = book.moves["worlds-best-stretch"]
    right = frame_of_pose(figure, "lunge", Side.RIGHT)
    left = frame_of_pose(figure, "lunge", Side.LEFT)
    head_right, head_left = right.discs[-1].centre, left.discs[-1].centre
    ankle = project(right.skeleton["near_ankle"], figure.view)[0]
    assert head_right[0] > project(right.skeleton["hips"], figure.view)[0]  # facing right
    assert head_left[0] < -project(right.skeleton["hips"], figure.view)[0]  # facing left
    assert ankle > project(right.skeleton["hips"], figure.view)[0]  # the near (working) foot is forward
    assert any(stroke.layer is Layer.WORK for stroke in left.strokes)  # drawn in the highlight colour


def test_the_box_of_a_side_is_mirrored(book):
    figure = book.moves["fire-hydrant"]
    left, right = figure_box(figure, Side.LEFT), figure_box(figure, Side.RIGHT)
    assert left == (-right[2], right[1], -right[0], right[3])


# -- validation ----------------------------------------------------------------------------------

GOOD_POSE = {"root": [0, 86], "angles": {"lower_back": 90, "upper_back": 90, "upper_arm": -90, "forearm": -90,
                                         "thigh": -90, "shin": -90}, "contacts": {"floor": ["feet"]}}


def neutral():
    return {position: {"poses": {"start": GOOD_POSE}} for position in ("standing", "seated", "kneeling", "floor")}


def problems_of(move: dict) -> list[str]:
    _book, problems = parse_poses({"moves": {"squat": move}, "neutral": neutral()}, "poses.toml", {"squat"})
    return [str(problem) for problem in problems]


def test_a_sound_entry_has_no_problems():
    assert problems_of({"poses": {"start": GOOD_POSE}}) == []


@pytest.mark.parametrize(("change", "expected"), [
    ({"angles": {**GOOD_POSE["angles"], "elbow": 10}},
     "poses.toml: moves.squat.poses.start.angles.elbow: unknown joint"),
    ({"angles": {**GOOD_POSE["angles"], "thigh": 400}},
     "poses.toml: moves.squat.poses.start.angles.thigh: must be degrees from -360 to 360 (got 400)"),
    ({"angles": {**GOOD_POSE["angles"], "thigh": "down"}},
     "poses.toml: moves.squat.poses.start.angles.thigh: must be degrees from -360 to 360 (got 'down')"),
    ({"root": [0, 60]}, "poses.toml: moves.squat.poses.start.contacts.floor: feet is 26.0 cm off the floor"),
    ({"root": [0, 70]}, "poses.toml: moves.squat.poses.start.root: the near ankle is 16.0 cm below the floor"),
    ({"contacts": {"wall": ["near_hand"]}}, "poses.toml: moves.squat.poses.start.contacts.wall: the move has no wall"),
    ({"contacts": {"floor": ["tail"]}}, "poses.toml: moves.squat.poses.start.contacts.floor: 'tail' is not one of"),
    ({"twist": 120}, "poses.toml: moves.squat.poses.start.twist: must be degrees from -90 to 90 (got 120)"),
    ({"long_way": {"top": ["thigh"]}}, "poses.toml: moves.squat.poses.start.long_way.top: no pose with this name"),
])
def test_each_problem_names_the_file_move_pose_and_field(change, expected):
    found = problems_of({"poses": {"start": {**GOOD_POSE, **change}}})
    assert any(problem.startswith(expected) for problem in found), found


def test_missing_angles_and_start_are_named():
    angles = dict(GOOD_POSE["angles"])
    del angles["shin"]
    found = problems_of({"poses": {"top": {**GOOD_POSE, "angles": angles}}})
    assert "poses.toml: moves.squat.poses.start: is missing: every move needs a start position" in found
    assert "poses.toml: moves.squat.poses.top.angles: near_shin, far_shin missing" in found


def test_unknown_moves_views_props_and_tables():
    _book, problems = parse_poses({"moves": {"nope": {"poses": {"start": GOOD_POSE}}}, "neutral": neutral(),
                                   "extra": {}}, "poses.toml", {"squat"})
    found = [str(problem) for problem in problems]
    assert "poses.toml: moves.nope: no move with this id in the routines" in found
    assert any(p.startswith("poses.toml: extra: unknown table") for p in found)
    assert any("view" in p for p in problems_of({"view": "top", "poses": {"start": GOOD_POSE}}))
    assert any(p.startswith("poses.toml: moves.squat.props[1].kind") for p in
               problems_of({"props": [{"kind": "sofa", "at": [0, 0]}], "poses": {"start": GOOD_POSE}}))


def test_a_missing_neutral_figure_is_named():
    _book, problems = parse_poses({"moves": {}, "neutral": {}}, "poses.toml")
    assert "poses.toml: neutral.standing: is missing" in [str(p) for p in problems]


def test_a_broken_file_is_one_problem_and_an_empty_book(tmp_path):
    path = tmp_path / "poses.toml"
    path.write_text("[moves\n", encoding="utf-8")
    book, problems = load_poses(path)
    assert len(problems) == 1 and str(problems[0]).startswith(f"{path}: is not valid TOML")
    assert book.figure("cobra").move_id == "standing"  # still something to draw


# -- drawing -------------------------------------------------------------------------------------


def test_the_raster_has_the_size_asked_for_and_a_floor(book):
    figure = book.moves["front-plank"]
    for width, height in ((36, 12), (30, 9), (8, 4)):
        raster = rasterise(frame_of_pose(figure, "hold", None), figure_box(figure, None), width, height)
        assert raster.width == width and raster.height == height
        assert len(raster.lines()) == height and all(len(line) == width for line in raster.lines())
        assert set(raster.lines()[-1]) - {" "}, "the floor is drawn on the bottom row"


def test_the_raster_colours_cells_by_the_most_important_layer(book):
    figure = book.moves["fire-hydrant"]
    raster = rasterise(frame_of_pose(figure, "top", Side.LEFT), figure_box(figure, Side.LEFT), 36, 12)
    layers = {layer for row in raster.rows for _, layer in row}
    assert {Layer.FLOOR, Layer.BODY, Layer.WORK, Layer.HEAD} <= layers


# -- the command ---------------------------------------------------------------------------------


@pytest.fixture()
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    return tmp_path


def test_figure_prints_every_pose_of_a_move(home, capsys):
    assert main(["figure", "bird-dog", "--width", "24", "--height", "8"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Bird dog (bird-dog), left side")
    assert "start" in out and "top" in out and "tuck" in out
    assert any("\u2800" < char <= "\u28ff" for char in out)


def test_figure_of_one_pose_and_side(home, capsys):
    assert main(["figure", "fire-hydrant", "--pose", "top", "--side", "right"]) == 0
    out = capsys.readouterr().out
    assert "right side" in out and "seen from the back" in out and "start" not in out


def test_figure_of_a_routine_prints_each_move(home, capsys):
    assert main(["figure", "desk-break"]) == 0
    out = capsys.readouterr().out
    assert out.count("(worlds-best-stretch)") == 1 and "(glute-bridge)" in out


def test_figure_problems_are_one_line(home, capsys):
    assert main(["figure", "nope"]) == 1
    assert capsys.readouterr().err.strip() == "backrelief: no move or routine with the id 'nope'"
    assert main(["figure", "cobra", "--pose", "top"]) == 1
    assert capsys.readouterr().err.strip() == "backrelief: cobra has no pose 'top' (its poses: start, hold)"


def test_figure_check(home, tmp_path, capsys):
    assert main(["figure", "--check", str(poses_file())]) == 0
    assert capsys.readouterr().out.strip().endswith("poses.toml: ok")
    assert main(["figure", "--check"]) == 0  # every built-in file, against every move's beats
    assert [line.rsplit(": ", 1)[1] for line in capsys.readouterr().out.splitlines()] == ["ok", "ok"]
    bad = tmp_path / "poses.toml"
    bad.write_text('[moves.cobra.poses.start]\nroot = [0, 0]\nangles = { elbow = 3 }\n', encoding="utf-8")
    assert main(["figure", "--check", str(bad)]) == 1
    assert "moves.cobra.poses.start.angles.elbow: unknown joint" in capsys.readouterr().out


# -- validate: pose files go to the pose validator -------------------------------------------------


def test_validate_checks_pose_files_and_routine_files_alike(home, capsys):
    files = [*map(str, pose_files()), str(ROUTINES / "desk.toml")]
    assert main(["validate", *files]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"{pose_files()[0]}: ok (pose file: 8 moves, 16 poses)"
    assert lines[1].startswith(f"{poses_file()}: ok (pose file: ")
    assert lines[2].startswith(f"{ROUTINES / 'desk.toml'}: ok (8 moves, ")


def test_validate_reports_a_pose_file_problem_in_one_line(home, tmp_path, capsys):
    folder = tmp_path / "poses"
    folder.mkdir()
    bad = folder / "mine.toml"  # in a `poses` folder: a pose file, whatever it holds
    bad.write_text('[moves.cobra.poses.start]\nroot = [0, 0]\nangles = { elbow = 3 }\n', encoding="utf-8")
    assert main(["validate", str(bad)]) == 1
    out = capsys.readouterr().out
    assert f"{bad}: moves.cobra.poses.start.angles.elbow: unknown joint" in out.splitlines()
    assert "moves[" not in out  # not read as a routine


def test_validate_knows_a_pose_file_by_its_tables_and_checks_it_against_the_beats(home, tmp_path, capsys):
    text = poses_file().read_text(encoding="utf-8")
    start, end = text.index("[moves.kneeling-bridge.poses.hips]"), text.index("[moves.kneeling-bridge.poses.hold]")
    path = tmp_path / "figures.toml"  # not in a `poses` folder: known by `[moves.ID.poses.NAME]`
    path.write_text(text[:start] + text[end:], encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: moves.kneeling-bridge.poses.hips: is missing: beat 1 of the move ('Hips forward') ends in it"]
    routine = tmp_path / "morning.toml"  # a routine beside it is still a routine
    routine.write_text('id = "morning"\ntitle = "Morning"\nsummary = "Up."\n[[moves]]\nref = "cobra"\n',
                       encoding="utf-8")
    assert main(["validate", str(routine)]) == 0
    assert capsys.readouterr().out.startswith(f"{routine}: ok (1 move, ")
