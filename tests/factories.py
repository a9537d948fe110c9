"""Small builders for moves and routines used across the tests."""

from backrelief_tui.core.routine import Kind, Move, Position, Routine, Sides


def make_move(move_id="m", kind=Kind.HOLD, hold=10, reps=1, sides=Sides.NONE, **extra) -> Move:
    return Move(id=move_id, name=move_id.title(), kind=kind, hold=hold, reps=reps, sides=sides,
                position=Position.FLOOR, cues=("Cue one", "Cue two"), **extra)


def make_routine(*moves: Move) -> Routine:
    return Routine(id="test", title="Test", summary="A test routine.", moves=moves)
