"""Tight spots: release spends longer on tight areas, less on fine ones; the person's own hold wins."""

from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.settings import MoveOverride, Settings
from backrelief_tui.core.tight_spots import for_tight_spots, round_to_five, tightness


def test_tightness_any_tight_or_all_fine():
    assert tightness(["hips", "glutes"], {"glutes": "tight", "hips": "fine"}) == "tight"
    assert tightness(["abs", "hips"], {"abs": "fine"}) is None  # hips unmarked: not skipped
    assert tightness(["abs", "hips"], {"abs": "fine", "hips": "fine"}) == "fine"
    assert tightness([], {"abs": "fine"}) is None


def test_rolls_get_longer_when_tight_shorter_when_fine(library):
    calf = library.moves["calf-roll"]  # 45 s
    assert for_tight_spots(calf, {"calves": "tight"}).hold == 70  # 67.5 rounded to 5
    assert for_tight_spots(calf, {"calves": "fine"}).hold == 25
    assert for_tight_spots(calf, {"hips": "tight"}) is calf


def test_only_rolls_change(library):
    cobra = library.moves["cobra"]
    assert for_tight_spots(cobra, {"spine": "tight", "abs": "tight", "hips": "tight"}) is cobra


def test_round_to_five():
    assert [round_to_five(x) for x in (22.5, 67.4, 67.5, 3)] == [25, 65, 70, 5]


def test_the_release_routine_follows_the_marks(library):
    release = library.get("release")
    plain = plan_session(release)
    marked = plan_session(release, Settings(tight_spots={"hips": "tight", "calves": "fine", "hamstrings": "fine"}))
    holds = {move.id: move.hold for move in marked.moves}
    assert holds["hip-glute-roll"] == 135  # 90 × 1.5
    assert holds["ab-release"] == 70  # abs unmarked, hips tight: tight wins
    assert holds["calf-roll"] == 25 and holds["hamstring-roll"] == 25
    assert holds["lat-roll"] == 45  # unmarked
    assert marked.total_seconds != plain.total_seconds


def test_the_persons_own_hold_beats_the_marks(library):
    settings = Settings(tight_spots={"calves": "tight"}, moves={"calf-roll": MoveOverride(hold=30)})
    plan = plan_session(library.get("release"), settings)
    assert next(move for move in plan.moves if move.id == "calf-roll").hold == 30


def test_no_marks_change_nothing(library):
    for routine in library.routines.values():
        assert plan_session(routine, Settings(tight_spots={})).total_seconds == plan_session(routine).total_seconds
