"""Routine + settings -> the flat, timed list of Steps a session walks through.

A work step is one rep (or one hold, or one roll); its beats are the move's beats,
fitted to the step's length in force (`fit_beats`), so the parts of a rep always add
up to the rep, even after +/- changed it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from backrelief_tui.core.levels import at_level
from backrelief_tui.core.routine import Beat, BeatKind, Kind, Move, Position, Routine, Sides, scale_seconds
from backrelief_tui.core.settings import Settings
from backrelief_tui.core.tight_spots import for_tight_spots

# Getting down to the floor (or up from it) takes longer than shifting in a chair: the
# lead-in and the rest before a move get `settings.position_change` seconds more per level
# the body goes up or down. A session starts where the person is: at the desk.
START_POSITION = Position.SEATED
_LEVEL = {Position.STANDING: 0, Position.SEATED: 0, Position.KNEELING: 1, Position.FLOOR: 2}


def transition_extra(before: Position, after: Position, settings: Settings) -> int:
    """Extra seconds to get from one position to another (upright, kneeling, floor are the levels)."""
    return settings.position_change * abs(_LEVEL[after] - _LEVEL[before])


def lead_in_seconds(move: Move, settings: Settings) -> int:
    """The get-ready before `move` when a session starts (or resumes) with it; 0 when lead-ins are off."""
    return settings.lead_in + transition_extra(START_POSITION, move.position, settings) if settings.lead_in else 0


class Phase(StrEnum):
    LEAD_IN = "get-ready"
    WORK = "work"
    REST = "rest"
    SWITCH = "switch-side"


class Side(StrEnum):
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True)
class Step:
    phase: Phase
    move: Move  # the move this step belongs to (for rest between moves: the move just done)
    move_index: int
    seconds: int  # planned length; for a self-paced step, the estimate used for totals
    side: Side | None = None
    rep: int = 0  # 1-based rep number for work and rest-between-reps steps, else 0
    reps: int = 0  # reps in this set
    self_paced: bool = False  # waits for a key instead of a timer

    @property
    def is_hold(self) -> bool:
        """A timed static hold or roll: these get the 3-2-1 countdown."""
        return self.phase is Phase.WORK and not self.self_paced and self.move.kind is not Kind.REPS

    @property
    def is_transition(self) -> bool:
        """The lead-in and the rests between moves: time of no move's own (the person gets ready)."""
        return self.phase is Phase.LEAD_IN or (self.phase is Phase.REST and self.rep == 0)

    @property
    def beats(self) -> tuple[Beat, ...]:
        """The parts of this step as planned: a timed work step's beats; none for anything else."""
        if self.phase is not Phase.WORK or self.self_paced:
            return ()
        return fit_beats(self.move.beats, self.seconds)


def fit_beats(beats: Sequence[Beat], seconds: int) -> tuple[Beat, ...]:
    """The beats stretched or shrunk to last `seconds`: the hold beats take the change (all of
    them, in proportion, at least 1 s each); a step with no hold beat changes every beat."""
    beats = tuple(beats)
    total = sum(beat.seconds for beat in beats)
    if not beats or total == seconds:
        return beats
    holds = [index for index, beat in enumerate(beats) if beat.kind is BeatKind.HOLD] or list(range(len(beats)))
    fixed = total - sum(beats[index].seconds for index in holds)
    scaled = scale_seconds([beats[index].seconds for index in holds], max(len(holds), seconds - fixed))
    fitted = list(beats)
    for index, part in zip(holds, scaled, strict=True):
        fitted[index] = replace(beats[index], seconds=part)
    if sum(beat.seconds for beat in fitted) > seconds:  # shorter than the movement itself: every beat gives
        fitted = [replace(beat, seconds=part) for beat, part in zip(beats, scale_seconds(
            [beat.seconds for beat in beats], seconds), strict=True)]
    return tuple(fitted)


@dataclass(frozen=True)
class Plan:
    routine: Routine
    moves: tuple[Move, ...]  # the moves as planned, overrides applied
    steps: tuple[Step, ...]

    @property
    def total_seconds(self) -> int:
        return sum(step.seconds for step in self.steps)


def plan_session(routine: Routine, settings: Settings | None = None, *, include_bonus: bool | None = None) -> Plan:
    """Apply tight spots and the user's overrides, and lay the routine out as timed steps.

    Tight spots scale release (roll) times first; the person's own override comes
    after, so a hold they set themselves always wins: this routine's own override
    (`settings.routines`) field by field over the everywhere one. A move's level
    (core/levels.py) leads its cues with that step's instruction. Bonus moves run only when
    `include_bonus` (default: the settings' `include_bonus`, off) says so.
    """
    settings = settings or Settings()
    if include_bonus is None:
        include_bonus = settings.include_bonus
    moves = tuple(
        at_level(settings.override_for(move.id, routine.id).apply(for_tight_spots(move, settings.tight_spots)),
                 settings.level_for(move.id))
        for move in routine.moves
        if include_bonus or not move.bonus
    )
    steps: list[Step] = []
    if moves and settings.lead_in:
        steps.append(Step(Phase.LEAD_IN, moves[0], 0, lead_in_seconds(moves[0], settings)))
    for index, move in enumerate(moves):
        steps.extend(_move_steps(move, index, settings))
        rest = move.rest if move.rest is not None else settings.default_rest
        if index < len(moves) - 1 and rest:
            rest += transition_extra(move.position, moves[index + 1].position, settings)
            steps.append(Step(Phase.REST, move, index, rest))
    return Plan(routine, moves, tuple(steps))


def _move_steps(move: Move, index: int, settings: Settings) -> list[Step]:
    if move.sides is Sides.NONE:
        return _set_steps(move, index, [None] * move.reps)
    if move.sides is Sides.ALTERNATE:
        return _set_steps(move, index, [Side.LEFT, Side.RIGHT] * move.reps)
    steps = _set_steps(move, index, [Side.LEFT] * move.reps)
    if settings.switch_seconds:
        steps.append(Step(Phase.SWITCH, move, index, settings.switch_seconds, side=Side.RIGHT))
    steps.extend(_set_steps(move, index, [Side.RIGHT] * move.reps))
    return steps


def _set_steps(move: Move, index: int, sides: list[Side | None]) -> list[Step]:
    """One set: a work step per rep, with rests between reps."""
    if move.self_paced:
        # One open-ended step per side: the person does the reps at their own pace.
        per_side = list(dict.fromkeys(sides))
        return [Step(Phase.WORK, move, index, move.rep_seconds * move.reps, side=side, rep=1, reps=1,
                     self_paced=True) for side in per_side]
    steps = []
    count = len(sides)
    for position, side in enumerate(sides):
        rep = position // 2 + 1 if move.sides is Sides.ALTERNATE else position + 1
        steps.append(Step(Phase.WORK, move, index, move.rep_seconds, side=side, rep=rep, reps=move.reps))
        if position < count - 1 and move.rep_rest:
            steps.append(Step(Phase.REST, move, index, move.rep_rest, side=side, rep=rep, reps=move.reps))
    return steps


def move_seconds(move: Move, settings: Settings | None = None) -> int:
    """Planned seconds for one move on its own (no lead-in, no rest after it)."""
    return sum(step.seconds for step in _move_steps(move, 0, settings or Settings()))

