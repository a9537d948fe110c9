"""What the session screen shows, worked out from the engine alone (no Textual here).

The screen stays a thin painter: it asks `session_view(engine)` for a `SessionView`
after every engine call and puts each field into its widget. Keeping this pure makes
the wording and the cue rotation testable without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass

from backrelief_tui.core.engine import Engine, State
from backrelief_tui.core.plan import Phase, Step
from backrelief_tui.core.records import MoveStatus
from backrelief_tui.core.routine import Kind, Move
from backrelief_tui.core.wording import format_duration, side_label

CUE_SECONDS = 5
"""Each cue line stays up this long before the next one, counted through the whole move."""

PHASE_LABELS = {
    Phase.LEAD_IN: "GET READY",
    Phase.WORK: "WORK",
    Phase.REST: "REST",
    Phase.SWITCH: "SWITCH SIDE",
}


@dataclass(frozen=True)
class SessionView:
    """Everything the session screen paints, as plain strings and numbers."""

    phase: str  # CSS class suffix: get-ready | work | rest | switch-side | paused | done
    label: str  # the phase in words, shown large
    title: str  # the move being done (or coming up, during a rest between moves)
    detail: str  # side and rep: "LEFT · rep 2 of 3"
    clock: str  # the countdown (or count-up, when self-paced): "0:08"
    hint: str  # under the clock: "Space when done", "Space to resume"
    cue: str
    caution: str
    variation: str
    next_up: str
    where: str  # "Move 2 of 5"
    progress: float  # planned seconds behind us
    total: float  # planned seconds in all (changes with + / -)
    remaining: str  # "3:12 left"
    paused: bool
    self_paced: bool


def session_view(engine: Engine) -> SessionView:
    """The view of the engine's current state."""
    step = engine.step
    total = float(engine.total_planned)
    if step is None or engine.over:
        return SessionView(
            phase="done", label="DONE" if engine.state is State.FINISHED else "STOPPED",
            title="Session complete" if engine.state is State.FINISHED else "Session stopped",
            detail="", clock=format_duration(0), hint="", cue="", caution="", variation="",
            next_up="", where="", progress=total, total=total, remaining="0:00 left",
            paused=False, self_paced=False)

    paused = engine.state is State.PAUSED
    between_moves = step.phase is Phase.REST and step.rep == 0
    shown, shown_index = _shown_move(engine, step, between_moves)
    if step.self_paced:
        hint = "Space when done"
    elif paused:
        hint = "Space to resume"
    else:
        hint = ""
    return SessionView(
        phase="paused" if paused else str(step.phase),
        label="PAUSED" if paused else PHASE_LABELS[step.phase],
        title=shown.name,
        detail=_detail(step, shown, between_moves),
        clock=format_duration(engine.display_seconds()),
        hint=hint,
        cue=_cue(engine, step, shown, between_moves),
        caution=shown.caution,
        variation=shown.variation,
        next_up=_next_up(engine, shown_index),
        where=f"Move {shown_index + 1} of {len(engine.plan.moves)}",
        progress=total - engine.session_remaining(),
        total=total,
        remaining=f"{format_duration(engine.session_remaining())} left",
        paused=paused,
        self_paced=step.self_paced,
    )


def _shown_move(engine: Engine, step: Step, between_moves: bool) -> tuple[Move, int]:
    """The move the person should think about: during a rest between moves, the next one."""
    if between_moves:
        for later in engine.steps[engine.index + 1:]:
            if later.move_index != step.move_index:
                return later.move, later.move_index
    return step.move, step.move_index


def _detail(step: Step, move: Move, between_moves: bool) -> str:
    side = side_label(step.side)
    if step.phase is Phase.LEAD_IN or between_moves:
        return f"Up next · get into position ({move.position})"
    if step.phase is Phase.SWITCH:
        return f"Now the {side} side"
    if step.phase is Phase.REST:
        return _join(side, f"rep {step.rep} of {step.reps} done")
    if step.self_paced:
        return _join(side, f"{move.reps} reps at your own pace")
    if step.reps > 1:
        return _join(side, f"rep {step.rep} of {step.reps}")
    return _join(side, "roll" if move.kind is Kind.ROLL else "hold")


def _join(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def _cue(engine: Engine, step: Step, move: Move, between_moves: bool) -> str:
    """The cue line for now: rotates every CUE_SECONDS through the move's cues.

    The rotation runs on the time spent in the move so far (earlier steps of the move at
    their planned length, plus the time in this step), so short reps still walk through
    every cue instead of showing the first one each rep. It is derived from the engine's
    clock, never from a timer of its own.
    """
    if not move.cues:
        return ""
    if step.phase is Phase.LEAD_IN or between_moves:
        return move.cues[0]  # the set-up line while getting into position
    offset = sum(engine.step_seconds(i) for i in range(engine.index)
                 if engine.steps[i].move_index == step.move_index and engine.steps[i].phase is not Phase.LEAD_IN)
    seconds = offset + engine.elapsed_in_step()
    return move.cues[int(seconds // CUE_SECONDS) % len(move.cues)]


def _next_up(engine: Engine, move_index: int) -> str:
    for later in engine.steps[engine.index:]:
        if later.move_index > move_index:
            return f"Next up: {later.move.name}"
    return "Next up: the end — last move"


@dataclass(frozen=True)
class SummaryRow:
    name: str
    result: str  # done | "3 of 10 done" | skipped | not reached
    time: str  # "1:05 of 1:05"
    skipped: bool


def summary_rows(engine: Engine) -> list[SummaryRow]:
    """One row per move for the summary screen."""
    rows = []
    for result in engine.results():
        status = result.status
        if status is MoveStatus.PARTIAL:
            text = f"{result.done_steps} of {result.work_steps} done"
        elif status is MoveStatus.NOT_REACHED and result.active_seconds >= 1:
            text = "stopped partway"  # the session ended during this move
        elif status is MoveStatus.SKIPPED and result.skipped_steps < result.work_steps:
            text = f"{result.skipped_steps} of {result.work_steps} skipped"  # then stopped
        else:
            text = status.replace("-", " ")  # done, skipped, not reached
        rows.append(SummaryRow(
            name=result.move.name,
            result=text,
            time=f"{format_duration(result.active_seconds)} of {format_duration(result.planned_seconds)}",
            skipped=result.skipped_steps > 0,
        ))
    return rows
