"""The session's wording and cue rotation, straight from the engine (no terminal needed)."""

from __future__ import annotations

from backrelief_tui.core.engine import Engine
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.routine import Kind, Move, Position, Routine, Sides
from backrelief_tui.core.settings import Settings
from backrelief_tui.tui.screens.session_view import CUE_SECONDS, session_view, summary_rows
from tests.fakes import FakeClock

CUES = ("one", "two", "three", "four")


def engine_for(*moves: Move, **settings) -> tuple[Engine, FakeClock]:
    clock = FakeClock()
    routine = Routine(id="r", title="R", summary="s", moves=moves)
    engine = Engine(plan_session(routine, Settings(**{"lead_in": 0, "default_rest": 0, **settings})), clock)
    engine.start()
    return engine, clock


def test_cues_rotate_through_the_whole_move_not_each_rep():
    # 3-second reps: a per-step rotation would only ever show "one".
    move = Move(id="m", name="M", kind=Kind.REPS, hold=1, tempo=2, reps=6, position=Position.FLOOR, cues=CUES)
    engine, clock = engine_for(move)
    seen = []
    for _ in range(18):
        engine.poll()
        seen.append(session_view(engine).cue)
        clock.advance(1)
    assert seen[0] == "one" and seen[CUE_SECONDS] == "two" and seen[3 * CUE_SECONDS] == "four"
    assert set(seen) == set(CUES)


def test_a_paused_view_keeps_its_cue_and_says_how_to_resume():
    move = Move(id="m", name="M", kind=Kind.HOLD, hold=30, position=Position.FLOOR, cues=CUES)
    engine, clock = engine_for(move)
    clock.advance(6)
    engine.pause()
    clock.advance(60)
    view = session_view(engine)
    assert (view.label, view.phase, view.hint, view.cue, view.clock) == (
        "PAUSED", "paused", "Space to resume", "two", "0:24")


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
