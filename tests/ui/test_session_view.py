"""The session's wording and cue rotation, straight from the engine (no terminal needed)."""

from __future__ import annotations

from backrelief_tui.core.engine import Engine
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.routine import Beat, BeatKind, Kind, Move, Position, Routine, Sides
from backrelief_tui.core.settings import Settings
from backrelief_tui.tui.screens.session_view import session_view, summary_rows
from tests.fakes import FakeClock

CUES = ("one", "two", "three", "four")


def engine_for(*moves: Move, **settings) -> tuple[Engine, FakeClock]:
    """These tests look at the clock when they like (a late look is a clock jump only in test_engine_beats)."""
    clock = FakeClock()
    routine = Routine(id="r", title="R", summary="s", moves=moves)
    engine = Engine(plan_session(routine, Settings(**{"lead_in": 0, "default_rest": 0, **settings})), clock,
                    jump_after=None)
    engine.start()
    return engine, clock


def test_without_beat_cues_each_rep_shows_the_next_cue_and_each_side_starts_from_the_first():
    move = Move(id="m", name="M", kind=Kind.REPS, hold=1, tempo=2, reps=3, sides=Sides.BOTH,
                position=Position.FLOOR, cues=CUES)
    engine, clock = engine_for(move, switch_seconds=0)
    seen = []
    while True:
        engine.poll()
        if engine.over:
            break
        view = session_view(engine)
        seen.append((view.detail, view.cue))
        clock.advance(1)
    firsts = list(dict.fromkeys(seen))
    assert firsts == [("LEFT · rep 1 of 3", "one"), ("LEFT · rep 2 of 3", "two"), ("LEFT · rep 3 of 3", "three"),
                      ("RIGHT · rep 1 of 3", "one"), ("RIGHT · rep 2 of 3", "two"), ("RIGHT · rep 3 of 3", "three")]


def test_a_beat_with_its_own_cue_shows_that_cue_while_the_body_does_it():
    beats = (Beat("Step out", 2, BeatKind.MOVE, cue="Foot outside the hand."),
             Beat("Hold", 2, BeatKind.HOLD, cue="Hips low."),
             Beat("Back", 2, BeatKind.RETURN))
    move = Move(id="m", name="M", kind=Kind.REPS, hold=2, tempo=4, reps=2, position=Position.FLOOR, cues=CUES,
                beats=beats)
    engine, clock = engine_for(move)
    seen = []
    for _ in range(12):
        engine.poll()
        view = session_view(engine)
        seen.append((view.beat, view.clock, view.cue))
        clock.advance(1)
    assert seen[:6] == [("STEP OUT", "2", "Foot outside the hand."), ("STEP OUT", "1", "Foot outside the hand."),
                        ("HOLD", "2", "Hips low."), ("HOLD", "1", "Hips low."),
                        ("BACK", "2", "one"), ("BACK", "1", "one")]  # no cue of its own: the rep's line
    assert seen[6] == ("STEP OUT", "2", "Foot outside the hand.")  # rep 2 starts again at the first beat


def test_a_paused_view_keeps_its_cue_and_says_how_to_resume():
    move = Move(id="m", name="M", kind=Kind.HOLD, hold=30, position=Position.FLOOR, cues=CUES)
    engine, clock = engine_for(move)
    clock.advance(6)
    engine.pause()
    clock.advance(60)
    view = session_view(engine)
    assert (view.label, view.phase, view.hint, view.cue, view.clock) == (
        "PAUSED", "paused", "Space to resume", "two", "24")


def test_alternating_sides_name_the_side_and_the_rep():
    move = Move(id="m", name="M", kind=Kind.REPS, hold=2, reps=2, sides=Sides.ALTERNATE,
                position=Position.FLOOR, cues=CUES)
    engine, clock = engine_for(move)
    details = []
    while not engine.over:
        details.append(session_view(engine).detail)
        engine.next()
    assert details == ["LEFT · rep 1 of 2", "RIGHT · rep 1 of 2", "LEFT · rep 2 of 2", "RIGHT · rep 2 of 2"]
    assert session_view(engine).label == "DONE"


def test_summary_rows_say_what_happened_to_each_move():
    moves = [Move(id=f"m{i}", name=f"M{i}", kind=Kind.HOLD, hold=10, reps=2, position=Position.FLOOR, cues=CUES)
             for i in range(4)]
    engine, clock = engine_for(*moves)
    clock.advance(20)  # m0: both reps
    engine.poll()
    clock.advance(10)  # m1: one rep done ...
    engine.poll()
    engine.next()  # ... one skipped
    engine.next()  # m2: first rep skipped
    clock.advance(4)
    engine.stop()  # m2 stopped 4 s into its second rep; m3 never reached
    assert [(row.name, row.result, row.skipped) for row in summary_rows(engine)] == [
        ("M0", "done", False), ("M1", "1 of 2 done", True), ("M2", "1 of 2 skipped", True),
        ("M3", "not reached", False),
    ]


def _move_lefts(engine: Engine, clock: FakeClock) -> list[tuple[str, str, str]]:
    """(the move's title, the big clock, the move's time left) at each second of the session."""
    seen = []
    while True:
        engine.poll()
        if engine.over:
            return seen
        view = session_view(engine)
        seen.append((view.title, view.clock, view.move_left))
        clock.advance(1)


def test_the_moves_time_left_is_shown_only_where_the_clock_does_not_already_say_it():
    """A single hold (one rep, no sides, one beat) is counted down whole by the big clock: its
    "0:08 left of this move" would repeat the clock every second. Reps with a rest between them,
    a hold each side (the clock counts one side) or a hold in beats still show the move's time."""
    single = Move(id="single", name="Single", kind=Kind.HOLD, hold=10, position=Position.FLOOR, cues=CUES)
    reps = Move(id="reps", name="Reps", kind=Kind.HOLD, hold=5, reps=2, rep_rest=3, position=Position.FLOOR)
    sides = Move(id="sides", name="Sides", kind=Kind.HOLD, hold=5, sides=Sides.BOTH, position=Position.FLOOR)
    beats = Move(id="beats", name="Beats", kind=Kind.HOLD, hold=6, position=Position.FLOOR,
                 beats=(Beat("Forward", 3, BeatKind.HOLD), Beat("Right", 3, BeatKind.HOLD)))
    engine, clock = engine_for(single, reps, sides, beats, switch_seconds=2)
    seen = _move_lefts(engine, clock)
    by_move: dict[str, list[tuple[str, str]]] = {}
    for title, big, left in seen:
        by_move.setdefault(title, []).append((big, left))
    assert by_move["Single"] == [(str(second), "") for second in range(10, 0, -1)]
    assert by_move["Reps"][0] == ("5", "0:13 left of this move")  # 5 + 3 rest + 5
    assert by_move["Reps"][-1] == ("1", "0:01 left of this move")
    assert by_move["Sides"][0] == ("5", "0:12 left of this move")  # 5 + 2 switch + 5
    assert by_move["Beats"][0] == ("3", "0:06 left of this move")  # the clock counts the beat
    assert all(left for title, _big, left in seen if title != "Single")
