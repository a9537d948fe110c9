"""Levels of a move: the move as its cues describe (level 0), then its `progressions`, in order.

A routine's move lists its harder steps in `progressions` (the front plank: on the
toes; the side plank: four steps; the pelvic tilt: marching, then slow leg lowers).
The person's level of a move is a setting (`[levels]`, see core/settings.py), changed
by accepting a progression (core/progression.py) or with `backrelief set MOVE level=N`.
A session at level N leads the move's cues with that step's instruction.
"""

from __future__ import annotations

from dataclasses import replace

from backrelief_tui.core.routine import Move


def level_count(move: Move) -> int:
    """How many levels above the starting one the move has."""
    return len(move.progressions)


def clamp_level(move: Move, level: int) -> int:
    """A level the move has (a level kept for a move whose routine since lost steps is its top one)."""
    return max(0, min(level, level_count(move)))


def level_text(move: Move, level: int) -> str:
    """What the level asks for, in the routine's words; level 0 is "as the cues describe"."""
    level = clamp_level(move, level)
    return move.progressions[level - 1] if level else "as the cues describe"


def level_label(move: Move, level: int) -> str:
    """`level 1 of 4: Bottom knee down, top leg straight.`, or `starting level` (for lists and the report)."""
    level = clamp_level(move, level)
    if not level:
        return "starting level"
    return f"level {level} of {level_count(move)}: {level_text(move, level)}"


def at_level(move: Move, level: int) -> Move:
    """The move as done at `level`: that step's instruction leads its cues, and the variation names the next step."""
    level = clamp_level(move, level)
    if not level:
        return move
    following = move.progressions[level] if level < level_count(move) else ""
    return replace(move, cues=(move.progressions[level - 1], *move.cues),
                   variation=f"Next step, when this is easy: {following}" if following else "")
