from dataclasses import replace

from backrelief_tui.core.plan import Phase, Side, move_seconds, plan_session
from backrelief_tui.core.routine import Kind, Sides
from backrelief_tui.core.settings import MoveOverride, Settings
from backrelief_tui.core.wording import format_duration, format_left, minutes_left
from tests.factories import make_move, make_routine

SETTINGS = Settings(lead_in=10, default_rest=15, switch_seconds=5, position_change=0)


def shape(plan):
    return [(str(s.phase), s.move.id, s.side and str(s.side), s.rep, s.seconds) for s in plan.steps]


def test_hold_move_with_sides_both_does_all_reps_then_switches():
    move = make_move("plank", hold=20, reps=2, sides=Sides.BOTH, rep_rest=10)
    plan = plan_session(make_routine(move), SETTINGS)
    assert shape(plan) == [
        ("get-ready", "plank", None, 0, 10),
        ("work", "plank", "left", 1, 20),
        ("rest", "plank", "left", 1, 10),
        ("work", "plank", "left", 2, 20),
        ("switch-side", "plank", "right", 0, 5),
        ("work", "plank", "right", 1, 20),
        ("rest", "plank", "right", 1, 10),
        ("work", "plank", "right", 2, 20),
    ]
    assert plan.total_seconds == 10 + 2 * (20 + 10 + 20) + 5


def test_reps_move_lasts_tempo_plus_hold_per_rep():
    move = make_move("bear-squat", kind=Kind.REPS, hold=2, tempo=3, reps=3)
    plan = plan_session(make_routine(move), SETTINGS)
    work = [s for s in plan.steps if s.phase is Phase.WORK]
    assert [(s.rep, s.reps, s.seconds) for s in work] == [(1, 3, 5), (2, 3, 5), (3, 3, 5)]
    assert not any(s.is_hold for s in work)  # no 3-2-1 ticks on every short rep


def test_alternate_sides_interleave_without_switch_step():
    move = make_move("frog", kind=Kind.REPS, hold=2, reps=2, sides=Sides.ALTERNATE)
    plan = plan_session(make_routine(move), SETTINGS)
    work = [(str(s.side), s.rep) for s in plan.steps if s.phase is Phase.WORK]
    assert work == [("left", 1), ("right", 1), ("left", 2), ("right", 2)]
    assert not any(s.phase is Phase.SWITCH for s in plan.steps)


def test_rest_between_moves_but_not_after_the_last():
    a, b = make_move("a", hold=30), make_move("b", hold=30, rest=40)
    c = make_move("c", hold=30)
    plan = plan_session(make_routine(a, b, c), SETTINGS)
    rests = [(s.move.id, s.seconds) for s in plan.steps if s.phase is Phase.REST]
    assert rests == [("a", 15), ("b", 40)]
    assert plan.steps[-1].phase is Phase.WORK


def test_overrides_apply_by_move_id():
    move = make_move("front-plank", hold=30, reps=2)
    settings = Settings(lead_in=0, moves={"front-plank": MoveOverride(hold=20, reps=1)})
    plan = plan_session(make_routine(move), settings)
    assert shape(plan) == [("work", "front-plank", None, 1, 20)]
    assert plan.moves[0].hold == 20


def test_self_paced_move_is_one_open_step_per_side():
    move = make_move("press", kind=Kind.REPS, hold=1, tempo=3, reps=10, sides=Sides.BOTH, self_paced=True)
    plan = plan_session(make_routine(move), Settings(lead_in=0, switch_seconds=5))
    assert [(str(s.phase), s.side and str(s.side), s.self_paced, s.seconds) for s in plan.steps] == [
        ("work", "left", True, 40), ("switch-side", "right", False, 5), ("work", "right", True, 40)]


def test_bonus_moves_are_opt_in(library):
    stretch = library.get("stretch")
    by_default = plan_session(stretch, SETTINGS)
    with_bonus = plan_session(stretch, replace(SETTINGS, include_bonus=True))
    assert not any(move.bonus for move in by_default.moves)  # the setting is off unless chosen
    assert len(by_default.moves) == len(with_bonus.moves) - 1
    assert by_default.total_seconds < with_bonus.total_seconds
    assert plan_session(stretch, SETTINGS, include_bonus=True).moves == with_bonus.moves  # the caller can decide
    assert plan_session(stretch, replace(SETTINGS, include_bonus=True), include_bonus=False).moves == \
        by_default.moves


def test_full_total_is_the_sum_of_its_parts_plus_joins(library):
    parts = [plan_session(library.get(r), SETTINGS) for r in ("release", "stretch", "activate")]
    full = plan_session(library.get("full"), SETTINGS)
    # Each part has its own lead-in; full has one lead-in and a rest at each of the two joins.
    joins = sum(p.moves[-1].rest if p.moves[-1].rest is not None else 15 for p in parts[:2])
    assert full.total_seconds == sum(p.total_seconds for p in parts) - 2 * 10 + joins


def test_move_seconds_and_format():
    assert move_seconds(make_move(hold=20, reps=2, sides=Sides.BOTH)) == 85
    assert format_duration(75) == "1:15"
    assert format_duration(3725) == "1:02:05"
    assert format_duration(-3) == "0:00"


def test_minutes_left_counts_the_minutes_begun_as_the_countdown_counts_seconds():
    """The session's time left: `6 min left` from 6:00 down to 5:01 (as `format_left` shows those seconds)."""
    assert [minutes_left(seconds) for seconds in (360, 331, 300.06, 300.04, 300, 61, 60, 59.94)] == [
        "6 min left", "6 min left", "6 min left", "5 min left", "5 min left", "2 min left", "1 min left",
        "1 min left"]
    assert format_left(300.06) == "5:01" and format_left(300.04) == "5:00"  # the same second, the same minute
    assert [minutes_left(seconds) for seconds in (59, 1, 0.06)] == ["under a minute left"] * 3
    assert minutes_left(0) == minutes_left(-2) == "0 min left"
    assert minutes_left(5000) == "84 min left"


def test_side_values():
    assert [str(s) for s in Side] == ["left", "right"]
