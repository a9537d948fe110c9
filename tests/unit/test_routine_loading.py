"""The loader: every bad file gives one clear line naming the file, the field and the problem."""

from pathlib import Path

import pytest

from backrelief_tui.core.library import load_library, load_routine_file
from backrelief_tui.core.routine import Kind, Sides

BAD = Path(__file__).parent / "bad_routines"
ROUTINES = Path(__file__).parents[2] / "routines"

# file -> (field, words the message must contain)
EXPECTED = {
    "empty-routine.toml": ("moves", "has no moves"),
    "negative-hold.toml": ("moves[1].hold", "must be between 1 and 600 seconds (got -3)"),
    "zero-hold.toml": ("moves[1].hold", "must be between 1 and 600 seconds (got 0)"),
    "absurd-hold.toml": ("moves[1].hold", "must be between 1 and 600 seconds (got 86400)"),
    "absurd-reps.toml": ("moves[1].reps", "must be between 1 and 100 (got 1000)"),
    "string-hold.toml": ("moves[1].hold", "must be a whole number, not text"),
    "unknown-move-key.toml": ("moves[1].wobble", "unknown field"),
    "unknown-top-key.toml": ("colour", "unknown field"),
    "duplicate-ids.toml": ("moves[2].id", "'m1' is already used by moves[1]"),
    "bad-position.toml": ("moves[1].position", "'hanging' is not one of: floor, kneeling, seated, standing"),
    "wrong-type-kind.toml": ("moves[1].kind", "must be text, not a number"),
    "no-cues.toml": ("moves[1].cues", "must have 1 to 5 lines (got 0)"),
    "missing-name.toml": ("moves[1].name", "is missing"),
    "not-toml.toml": ("", "is not valid TOML"),
    "not-utf8.toml": ("", "is not UTF-8 text"),
    "nested-too-deep.toml": ("", "nested too deeply to read"),
    "escape-in-cue.toml": ("moves[1].cues", "control characters"),
    "unknown-ref.toml": ("moves[1].ref", "no move with id 'no-such-move'"),
    "self-include.toml": ("includes[1]", "'x' includes itself"),
}


def test_every_bad_file_is_covered():
    assert sorted(path.name for path in BAD.glob("*.toml")) == sorted(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_file_gives_one_clear_line(name):
    field, words = EXPECTED[name]
    routine, problems = load_routine_file(BAD / name)
    assert routine is None
    assert len(problems) == 1, [str(p) for p in problems]
    line = str(problems[0])
    assert line.startswith(str(BAD / name) + ": ")
    assert problems[0].field == field
    assert words in line
    assert "\n" not in line


def test_a_bad_user_file_does_not_hide_the_good_ones(tmp_path):
    (tmp_path / "broken.toml").write_bytes((BAD / "negative-hold.toml").read_bytes())
    library = load_library(ROUTINES, tmp_path)
    assert {"desk", "desk-break", "release", "stretch", "activate", "full"} <= set(library.routines)
    assert [p.field for p in library.problems] == ["moves[1].hold"]


def test_user_routine_with_builtin_id_replaces_it(tmp_path):
    (tmp_path / "mine.toml").write_text(
        'id = "desk-break"\ntitle = "My break"\nsummary = "Mine."\n'
        '[[moves]]\nref = "cobra"\nhold = 45\n', encoding="utf-8")
    library = load_library(ROUTINES, tmp_path)
    routine = library.get("desk-break")
    assert routine.title == "My break" and not routine.builtin
    assert [(m.id, m.hold) for m in routine.moves] == [("cobra", 45)]
    assert list(library.routines)[:2] == ["desk", "desk-break"]  # keeps its place in the picker


def test_ref_copies_the_library_move_and_applies_changes():
    library = load_library(ROUTINES, Path("/nonexistent"))
    original = library.moves["bird-dog"]
    in_break = next(m for m in library.get("desk-break").moves if m.id == "bird-dog")
    assert in_break.cues == original.cues
    assert in_break.reps <= original.reps


def test_include_cycle_is_reported(tmp_path):
    for a, b in (("a", "b"), ("b", "a")):
        (tmp_path / f"{a}.toml").write_text(
            f'id = "{a}"\ntitle = "{a}"\nsummary = "s"\nincludes = ["{b}"]\n', encoding="utf-8")
    library = load_library(tmp_path, Path("/nonexistent"))
    assert not library.routines
    assert any("includes itself" in str(p) for p in library.problems)


def test_markup_in_text_is_kept_literally(tmp_path):
    path = tmp_path / "markup.toml"
    path.write_text('id = "markup"\ntitle = "[bold]T"\nsummary = "[red]S[/red]"\n'
                    '[[moves]]\nid = "m"\nname = "[b]x[/b]"\nkind = "hold"\nhold = 5\n'
                    'position = "floor"\ncues = ["[link=http://x]click[/link]"]\n', encoding="utf-8")
    routine, problems = load_routine_file(path)
    assert not problems
    assert routine.title == "[bold]T"
    assert routine.moves[0].cues == ("[link=http://x]click[/link]",)


class TestBuiltins:
    library = load_library(ROUTINES, Path("/nonexistent"))

    def test_all_load_cleanly(self):
        assert self.library.problems == []
        assert list(self.library.routines) == ["desk", "desk-break", "release", "stretch", "activate", "full"]

    def test_full_is_release_then_stretch_then_activate(self):
        get = self.library.get
        assert get("full").moves == get("release").moves + get("stretch").moves + get("activate").moves

    def test_article_numbers_carry_over(self):
        moves = self.library.moves
        for move_id in ("bear-squat", "reverse-hyper", "bird-dog"):
            assert moves[move_id].kind is Kind.REPS and 1 <= moves[move_id].hold <= 2, move_id
        assert moves["pelvic-tilt"].kind is Kind.HOLD and 5 <= moves["pelvic-tilt"].hold <= 10
        for move_id in ("fire-hydrant", "bird-dog", "worlds-best-stretch", "side-plank"):
            assert moves[move_id].sides is Sides.BOTH, move_id
        assert moves["frog-rotation"].sides is Sides.ALTERNATE

    def test_every_move_has_short_cues(self):
        for move in self.library.moves.values():
            assert 2 <= len(move.cues) <= 5, move.id
            assert all(len(cue) <= 70 for cue in move.cues), move.id

    def test_cautions_from_the_article(self):
        assert "behind the knee" in self.library.moves["hamstring-roll"].caution.lower()
        for routine in self.library.routines.values():
            assert "doctor" in routine.caution.lower(), routine.id

    def test_desk_break_is_about_five_minutes_without_equipment(self):
        from backrelief_tui.core.plan import plan_session

        routine = self.library.get("desk-break")
        assert routine.equipment == ()
        assert 4.5 * 60 <= plan_session(routine).total_seconds <= 6 * 60

    def test_kneeling_bridge_is_a_bonus_with_a_chair_option(self):
        bridge = next(m for m in self.library.get("stretch").moves if m.bonus)
        assert "chair" in bridge.variation.lower()
