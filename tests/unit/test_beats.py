"""Beats: the parts of a rep. Defaults, pose names, loading and validation, and overrides that rescale them."""

import json
from dataclasses import replace
from pathlib import Path

import pytest

from backrelief_tui.commands import main
from backrelief_tui.core.library import load_library, load_routine_file
from backrelief_tui.core.plan import Phase, plan_session
from backrelief_tui.core.routine import (
    Beat,
    BeatKind,
    Kind,
    Move,
    Position,
    default_beats,
    move_from_table,
    move_to_table,
    scale_seconds,
    with_overrides,
)
from backrelief_tui.core.settings import MoveOverride, Settings
from backrelief_tui.core.tight_spots import for_tight_spots
from tests.factories import make_move, make_routine

ROUTINES = Path(__file__).parents[2] / "routines"
MOVE, HOLD, RETURN = BeatKind.MOVE, BeatKind.HOLD, BeatKind.RETURN


def shape(move: Move) -> list[tuple[str, int, str, str]]:
    return [(beat.label, beat.seconds, str(beat.kind), beat.pose) for beat in move.beats]


# -- defaults -------------------------------------------------------------------------------------


def test_a_reps_move_without_beats_lifts_holds_and_lowers():
    move = make_move(kind=Kind.REPS, hold=2, tempo=3, reps=5)
    assert shape(move) == [("Lift", 2, "move", "top"), ("Hold", 2, "hold", "top"), ("Lower", 1, "return", "start")]
    assert move.rep_seconds == 5 == move.tempo + move.hold
    assert shape(make_move(kind=Kind.REPS, hold=1, tempo=4)) == [
        ("Lift", 2, "move", "top"), ("Hold", 1, "hold", "top"), ("Lower", 2, "return", "start")]


def test_a_hold_is_one_hold_beat_and_a_roll_one_roll_beat():
    assert shape(make_move(kind=Kind.HOLD, hold=30)) == [("Hold", 30, "hold", "hold")]
    assert shape(make_move(kind=Kind.ROLL, hold=45)) == [("Roll", 45, "hold", "roll")]


def test_default_beats_for_a_one_second_tempo_have_no_lower():
    assert [beat.label for beat in default_beats(Kind.REPS, 1, 2)] == ["Lift", "Hold"]


def test_empty_poses_follow_the_kind():
    beats = (Beat("Hold", 2, HOLD), Beat("Up", 2, MOVE), Beat("Stay", 1, HOLD), Beat("Twist", 1, MOVE, pose="twist"),
             Beat("Stay", 1, HOLD), Beat("Down", 2, RETURN))
    move = make_move(kind=Kind.REPS, hold=4, tempo=5, beats=beats)
    assert [beat.pose for beat in move.beats] == ["hold", "top", "top", "twist", "twist", "start"]
    roll = make_move(kind=Kind.ROLL, hold=20, beats=(Beat("Front", 10, HOLD), Beat("Side", 10, HOLD)))
    assert [beat.pose for beat in roll.beats] == ["roll", "roll"]


def test_a_rep_needs_a_hold_beat_and_a_movement():
    with pytest.raises(ValueError, match="a rep needs"):
        make_move(kind=Kind.REPS, hold=2, tempo=2, beats=(Beat("Up", 2, MOVE),))


# -- scaling: overrides, tight spots, the builder -------------------------------------------------------


def test_scale_seconds_keeps_proportions_and_at_least_one_second():
    assert scale_seconds([2, 2, 3], 6) == (2, 2, 2)
    assert scale_seconds([20, 20, 20], 45) == (15, 15, 15)
    assert scale_seconds([3, 27], 15) == (2, 13)
    assert scale_seconds([2, 2, 3], 2) == (1, 1, 1)  # never below 1 s: the sum is then the count
    assert scale_seconds([1, 9], 5) == (1, 4)
    assert scale_seconds([5], 7) == (7,)


def test_a_hold_override_rescales_only_the_hold_beats_of_a_reps_move(library):
    stretch = library.moves["worlds-best-stretch"]
    changed = MoveOverride(hold=4).apply(stretch)
    assert [beat.seconds for beat in changed.beats if beat.kind is HOLD] == [1, 1, 2]
    moving = [(beat.label, beat.seconds) for beat in stretch.beats if beat.kind is not HOLD]
    assert [(beat.label, beat.seconds) for beat in changed.beats if beat.kind is not HOLD] == moving
    assert changed.hold == 4 and changed.rep_seconds == stretch.tempo + 4


def test_a_hold_too_short_for_its_beats_keeps_one_second_each_and_says_so(library):
    changed = with_overrides(library.moves["worlds-best-stretch"], hold=1)
    assert [beat.seconds for beat in changed.beats if beat.kind is HOLD] == [1, 1, 1]
    assert changed.hold == 3  # what the beats really hold, so the plan and the beats agree


def test_the_plan_with_an_override_runs_steps_that_match_the_beats(library):
    settings = Settings(lead_in=0, moves={"worlds-best-stretch": MoveOverride(hold=10),
                                          "childs-pose-lat": MoveOverride(hold=30)})
    plan = plan_session(library.get("desk-break"), settings)
    for step in plan.steps:
        if step.phase is Phase.WORK:
            assert step.seconds == sum(beat.seconds for beat in step.move.beats), step.move.id
    childs = next(move for move in plan.moves if move.id == "childs-pose-lat")
    assert [beat.seconds for beat in childs.beats] == [10, 10, 10]


def test_tight_spots_and_the_builders_dose_rescale_split_beats(library):
    roll = for_tight_spots(library.moves["hip-glute-roll"], {"hips": "tight"})
    assert roll.hold == 135 and [beat.seconds for beat in roll.beats] == [45, 45, 45]
    from backrelief_tui.core.builder import scaled

    halved = scaled(library.moves["childs-pose-lat"], 0.5)
    assert halved.hold == 30 and [beat.seconds for beat in halved.beats] == [10, 10, 10]


def test_replace_keeps_beats_in_step_with_hold_and_tempo():
    move = make_move(kind=Kind.REPS, hold=2, tempo=4)
    longer = replace(move, hold=5)
    assert shape(longer) == [("Lift", 2, "move", "top"), ("Hold", 5, "hold", "top"), ("Lower", 2, "return", "start")]


# -- files ------------------------------------------------------------------------------------------------

HEAD = 'id = "r"\ntitle = "R"\nsummary = "S."\n'
REPS_MOVE = '[[moves]]\nid = "m"\nname = "M"\nkind = "reps"\nposition = "floor"\ncues = ["Go."]\n'
HOLD_MOVE = '[[moves]]\nid = "m"\nname = "M"\nkind = "hold"\nposition = "floor"\ncues = ["Go."]\n'
GOOD_BEATS = ('beats = [{ label = "Lift", seconds = 2, kind = "move" }, '
              '{ label = "Hold", seconds = 2, kind = "hold", cue = "Squeeze." }, '
              '{ label = "Lower", seconds = 3, kind = "return" }]\n')


def load(tmp_path, text):
    path = tmp_path / "r.toml"
    path.write_text(HEAD + text, encoding="utf-8")
    return path, *load_routine_file(path, load_library(ROUTINES, Path("/nonexistent")))


def test_a_reps_move_with_beats_takes_its_hold_and_tempo_from_them(tmp_path):
    _path, routine, problems = load(tmp_path, REPS_MOVE + GOOD_BEATS)
    assert not problems
    move = routine.moves[0]
    assert (move.hold, move.tempo, move.rep_seconds) == (2, 5, 7)
    assert shape(move) == [("Lift", 2, "move", "top"), ("Hold", 2, "hold", "top"), ("Lower", 3, "return", "start")]
    assert move.beats[1].cue == "Squeeze."


def test_hold_may_be_given_when_it_agrees(tmp_path):
    _path, routine, problems = load(tmp_path, REPS_MOVE + "hold = 2\n" + GOOD_BEATS)
    assert not problems and routine.moves[0].hold == 2
    _path, routine, problems = load(tmp_path, HOLD_MOVE + "hold = 30\nbeats = [{ label = \"In\", seconds = 5, "
                                    "kind = \"move\", pose = \"hold\" }, { label = \"Stay\", seconds = 25, "
                                    "kind = \"hold\" }]\n")
    assert not problems and [beat.pose for beat in routine.moves[0].beats] == ["hold", "hold"]


def beat_line(label='"Lift"', seconds="2", kind='"move"', extra=""):
    return f"{{ label = {label}, seconds = {seconds}, kind = {kind}{extra} }}"


def beats_of(*lines):
    return "beats = [" + ", ".join(lines) + "]\n"


HOLD_BEAT = beat_line('"Hold"', "2", '"hold"')
LOWER_BEAT = beat_line('"Lower"', "2", '"return"')

# name -> (move table text, field, words the one line must contain)
BAD = {
    "label too long": (REPS_MOVE + beats_of(beat_line('"' + "x" * 25 + '"'), HOLD_BEAT),
                       "moves[1].beats[1].label", "25 characters long; keep it under 24"),
    "empty label": (REPS_MOVE + beats_of(beat_line('" "'), HOLD_BEAT), "moves[1].beats[1].label", "must not be empty"),
    "zero seconds": (REPS_MOVE + beats_of(beat_line(), beat_line('"Hold"', "0", '"hold"')),
                     "moves[1].beats[2].seconds", "must be between 1 and 120 seconds (got 0)"),
    "too many seconds": (REPS_MOVE + beats_of(beat_line(seconds="121"), HOLD_BEAT),
                         "moves[1].beats[1].seconds", "must be between 1 and 120 seconds (got 121)"),
    "seconds as text": (REPS_MOVE + beats_of(beat_line(seconds='"2"'), HOLD_BEAT),
                        "moves[1].beats[1].seconds", "must be a whole number, not text"),
    "unknown kind": (REPS_MOVE + beats_of(beat_line(kind='"wiggle"'), HOLD_BEAT),
                     "moves[1].beats[1].kind", "'wiggle' is not one of: move, hold, return"),
    "cue too long": (REPS_MOVE + beats_of(beat_line(extra=', cue = "' + "y" * 81 + '"'), HOLD_BEAT),
                     "moves[1].beats[1].cue", "81 characters long; keep it under 80"),
    "bad pose name": (REPS_MOVE + beats_of(beat_line(extra=', pose = "Top Pose"'), HOLD_BEAT),
                      "moves[1].beats[1].pose", "'Top Pose' is not a valid name"),
    "unknown beat field": (REPS_MOVE + beats_of(beat_line(extra=", colour = 1"), HOLD_BEAT),
                           "moves[1].beats[1].colour", "unknown field"),
    "missing seconds": (REPS_MOVE + beats_of('{ label = "Lift", kind = "move" }', HOLD_BEAT),
                        "moves[1].beats[1].seconds", "is missing"),
    "not tables": (REPS_MOVE + 'beats = ["Lift", "Hold"]\n', "moves[1].beats", "must be a list of tables"),
    "no beats": (REPS_MOVE + "beats = []\n", "moves[1].beats", "must have 1 to 8 beats (got 0)"),
    "nine beats": (REPS_MOVE + beats_of(*[HOLD_BEAT] * 8, beat_line()), "moves[1].beats",
                   "must have 1 to 8 beats (got 9)"),
    "tempo with beats": (REPS_MOVE + "tempo = 4\n" + beats_of(beat_line(), HOLD_BEAT),
                         "moves[1].tempo", "cannot be given with beats"),
    "hold disagrees": (REPS_MOVE + "hold = 5\n" + beats_of(beat_line(), HOLD_BEAT, LOWER_BEAT),
                       "moves[1].hold", "is 5 s but its hold beats add up to 2 s"),
    "no hold beat": (REPS_MOVE + beats_of(beat_line(), LOWER_BEAT), "moves[1].beats",
                     'a rep needs at least one beat of kind "hold"'),
    "no movement": (REPS_MOVE + beats_of(HOLD_BEAT), "moves[1].beats",
                    'a rep needs at least one beat of kind "move" or "return"'),
    "hold move does not add up": (HOLD_MOVE + "hold = 30\n" + beats_of(beat_line('"In"', "5"), HOLD_BEAT),
                                  "moves[1].hold", "is 30 s but its beats add up to 7 s"),
    "no hold and no beats": (HOLD_MOVE, "moves[1].hold", "is missing (or give the move beats)"),
}


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_beats_give_one_clear_line(tmp_path, name):
    text, field, words = BAD[name]
    path, routine, problems = load(tmp_path, text)
    assert routine is None
    assert len(problems) == 1, [str(problem) for problem in problems]
    line = str(problems[0])
    assert problems[0].field == field and words in line and "\n" not in line
    assert line.startswith(f"{path}: {field}: ")


def test_validate_names_the_beat_counting_from_one(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path / "home"))
    path = tmp_path / "r.toml"
    path.write_text(HEAD + REPS_MOVE + GOOD_BEATS + REPS_MOVE.replace('"m"', '"n"') +
                    beats_of(beat_line(), beat_line('"Hold"', "0", '"hold"')), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{path}: moves[2].beats[2].seconds: must be between 1 and 120 seconds (got 0)"]


def test_a_ref_with_a_new_hold_rescales_the_library_beats(library):
    childs = next(move for move in library.get("desk-break").moves if move.id == "childs-pose-lat")
    assert [(beat.label, beat.seconds) for beat in childs.beats] == [
        ("Reach forward", 13), ("Hands right", 13), ("Hands left", 13)]


def test_a_ref_with_its_own_beats_drops_the_library_timing(tmp_path):
    text = '[[moves]]\nref = "glute-bridge"\n' + beats_of(beat_line(seconds="3"), beat_line('"Hold"', "5", '"hold"'))
    _path, routine, problems = load(tmp_path, text)
    assert not problems
    assert (routine.moves[0].hold, routine.moves[0].tempo) == (5, 3)


def test_a_ref_cannot_set_tempo_on_a_move_timed_by_beats(tmp_path):
    _path, routine, problems = load(tmp_path, '[[moves]]\nref = "bird-dog"\ntempo = 6\n')
    assert routine is None and [problem.field for problem in problems] == ["moves[1].tempo"]


def test_a_table_round_trip_keeps_own_beats_and_leaves_default_ones_out(library):
    for move in library.moves.values():
        table = move_to_table(move)
        assert ("beats" in table) == move.has_own_beats, move.id
        if move.has_own_beats and move.kind is Kind.REPS:
            assert "tempo" not in table
        assert move_from_table(table) == move, move.id


# -- show ---------------------------------------------------------------------------------------------------


def test_show_json_lists_each_moves_beats(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    assert main(["show", "desk-break", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    stretch = next(move for move in data["moves"] if move["id"] == "worlds-best-stretch")
    assert [beat["label"] for beat in stretch["beats"]] == [
        "Lunge", "Elbow to instep", "Hold", "Rotate open", "Hold", "Sit back", "Hold"]
    assert set(stretch["beats"][0]) == {"label", "seconds", "kind", "pose", "cue"}
    assert stretch["rep_seconds"] == sum(beat["seconds"] for beat in stretch["beats"])
    work = [step for step in data["steps"] if step["move"] == "worlds-best-stretch" and step["phase"] == "work"]
    assert {step["seconds"] for step in work} == {stretch["rep_seconds"]}


def test_show_text_lists_the_beats_once_per_move(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    assert main(["show", "desk-break"]) == 0
    out = capsys.readouterr().out
    assert out.count("Elbow to instep") == 1  # four reps a side, listed once
    assert "Sink that elbow to the inside of the foot." in out
    assert "→ hamstring" in out


def test_plain_moves_still_plan_as_before():
    move = make_move("bridge", kind=Kind.REPS, hold=2, tempo=3, reps=2)
    plan = plan_session(make_routine(move), Settings(lead_in=0))
    assert [step.seconds for step in plan.steps] == [5, 5]
    assert Move(id="x", name="X", kind=Kind.HOLD, hold=12, position=Position.FLOOR).beats[0].seconds == 12
