"""What the session screen shows, worked out from the engine alone (no Textual here).

The screen stays a thin painter: it asks `session_view(engine)` for a `SessionView`
after every engine call and puts each field into its widget. Keeping this pure makes
the wording, the beat on screen and the cue testable without a terminal.

The loudest thing is the beat the body is in: its label ("HOLD") and its own
countdown (the whole hold, for a hold). The text under it is that beat's cue when the
routine gives one; otherwise the move's cues take turns within the step, starting
again with every rep and every side, so the words never drift away from the body.
"""

from __future__ import annotations

from dataclasses import dataclass

from backrelief_tui.core.engine import BeatNow, Engine, PauseReason, State
from backrelief_tui.core.plan import Phase, Side, Step
from backrelief_tui.core.records import MoveStatus
from backrelief_tui.core.routine import START_POSE, BeatKind, Kind, Move
from backrelief_tui.core.wording import format_duration, format_left, minutes_left, side_label

CUE_SECONDS = 5
"""Without a beat cue, each of the move's cues stays up this long within a step."""
ENTRY_SECONDS = 1.5
"""A hold begins with the body moving from the start position into it, for this long."""

PHASE_LABELS = {
    Phase.LEAD_IN: "GET READY",
    Phase.WORK: "WORK",
    Phase.REST: "REST",
    Phase.SWITCH: "SWITCH SIDE",
}


@dataclass(frozen=True)
class FigureView:
    """The stick figure to draw: `fraction` of the way from one keyframe to the next."""

    move: Move
    side: Side | None
    from_pose: str
    to_pose: str
    fraction: float

    @property
    def moving(self) -> bool:
        """Whether the picture changes as time goes on (the screen animates only then)."""
        return self.from_pose != self.to_pose and self.fraction < 1.0


@dataclass(frozen=True)
class SessionView:
    """Everything the session screen paints, as plain strings and numbers."""

    phase: str  # CSS class suffix: get-ready | work | rest | switch-side | paused | done
    label: str  # the phase in words, in the band at the top
    title: str  # the move being done (or coming up, during a rest between moves)
    detail: str  # side and rep: "LEFT · rep 2 of 3"
    beat: str  # the beat the body is in, shown large: "HOLD", "LOWER"; or the phase's word
    clock: str  # the big number: the beat's (or the hold's) seconds left, or "1:05"; a count-up when self-paced
    move_left: str  # the whole move's time left, small: "0:48 left of this move"; "" when the clock says it
    hint: str  # under the clock: "Space when done", "Space to resume"
    cue: str
    caution: str
    variation: str
    next_up: str  # "" during a rest or get-ready: the panel already shows what is next
    where: str  # "Move 2 of 5"
    progress: float  # planned seconds behind us
    total: float  # planned seconds in all (changes with + / -)
    remaining: str  # the session's time left: "4 min left"
    paused: bool
    self_paced: bool
    figure: FigureView | None


def big_clock(seconds: int) -> str:
    """Seconds alone while under a minute ("8"), minutes and seconds above ("1:05")."""
    return str(seconds) if seconds < 60 else format_duration(seconds)


def session_view(engine: Engine) -> SessionView:
    """The view of the engine's current state."""
    step = engine.step
    total = float(engine.total_planned)
    if step is None or engine.over:
        finished = engine.state is State.FINISHED
        return SessionView(
            phase="done", label="DONE" if finished else "STOPPED",
            title="Session complete" if finished else "Session stopped", detail="", beat="",
            clock="0", move_left="", hint="", cue="", caution="", variation="", next_up="", where="",
            progress=total, total=total, remaining=minutes_left(0), paused=False, self_paced=False, figure=None)

    paused = engine.state is State.PAUSED
    getting_ready = step.is_transition
    shown, shown_index = _shown_move(engine, step)
    beat_now = engine.beat_now()
    if step.self_paced:
        beat = "YOUR PACE"
    elif beat_now is not None and step.phase is Phase.WORK:
        beat = beat_now.beat.label.upper()
    else:
        beat = PHASE_LABELS[step.phase]
    hint = "Space when done" if step.self_paced else ""
    if paused:
        hint = ("Paused while the app was stopped or asleep · Space to go on"
                if engine.pause_reason is PauseReason.CLOCK_JUMP else "Space to resume")
    move_left = 0.0 if getting_ready or _clock_is_the_move(engine, step, beat_now) else engine.move_remaining()
    return SessionView(
        phase="paused" if paused else str(step.phase),
        label="PAUSED" if paused else PHASE_LABELS[step.phase],
        title=shown.name,
        detail=_detail(step, shown, getting_ready),
        beat=beat,
        clock=big_clock(engine.display_seconds()),
        move_left=f"{format_left(move_left)} left of this move" if move_left else "",
        hint=hint,
        cue=_cue(engine, step, shown, getting_ready, beat_now),
        caution=shown.caution,
        variation=shown.variation,
        next_up="" if getting_ready else _next_up(engine, shown_index),
        where=f"Move {shown_index + 1} of {len(engine.plan.moves)}",
        progress=total - engine.session_remaining(),
        total=total,
        remaining=minutes_left(engine.session_remaining()),
        paused=paused,
        self_paced=step.self_paced,
        figure=_figure(engine, step, shown, getting_ready, beat_now),
    )


def _clock_is_the_move(engine: Engine, step: Step, beat_now: BeatNow | None) -> bool:
    """Whether the big clock already counts down the whole move: a move of one step (a single
    hold: no reps, no sides, no rests) whose clock is that step's own, not a beat's or a count-up.
    The move's time left would only say the clock's number again."""
    if step.self_paced or (beat_now is not None and len(beat_now.beats) > 1):
        return False
    return not any(other is not step and other.move_index == step.move_index
                   and not other.is_transition
                   for other in engine.steps)


def figure_view(engine: Engine) -> FigureView | None:
    """The figure alone, as `session_view(engine).figure` has it: for the frames between two seconds."""
    step = engine.step
    if step is None or engine.over:
        return None
    getting_ready = step.is_transition
    return _figure(engine, step, _shown_move(engine, step)[0], getting_ready, engine.beat_now())


def _shown_move(engine: Engine, step: Step) -> tuple[Move, int]:
    """The move the person should think about: during a rest between moves, the next one."""
    if step.phase is Phase.REST and step.rep == 0:
        for later in engine.steps[engine.index + 1:]:
            if later.move_index != step.move_index:
                return later.move, later.move_index
    return step.move, step.move_index


def _detail(step: Step, move: Move, getting_ready: bool) -> str:
    side = side_label(step.side)
    if getting_ready:
        return f"Up next · get into position ({move.position})"
    if step.phase is Phase.SWITCH:
        return f"Now the {side} side"
    if step.phase is Phase.REST:
        return _join(side, f"rep {step.rep} of {step.reps} done")
    if step.self_paced:
        return _join(side, f"{move.reps} reps at your pace")
    if step.reps > 1:
        return _join(side, f"rep {step.rep} of {step.reps}")
    return _join(side, "roll" if move.kind is Kind.ROLL else "hold")


def _join(*parts: str) -> str:
    return " · ".join(part for part in parts if part)


def _cue(engine: Engine, step: Step, move: Move, getting_ready: bool, beat_now: BeatNow | None) -> str:
    """The line for now: the beat's own cue, else the move's cues in turn within this step."""
    if not move.cues:
        return ""
    if getting_ready or step.phase is Phase.SWITCH:
        return move.cues[0]  # the set-up line while getting into position
    if beat_now is not None and beat_now.beat.cue:
        return beat_now.beat.cue
    if step.phase is Phase.WORK and step.reps > 1 and move.kind is Kind.REPS:
        return move.cues[(step.rep - 1) % len(move.cues)]  # one line a rep, from the first again each side
    return move.cues[int(engine.elapsed_in_step() // CUE_SECONDS) % len(move.cues)]


def _figure(engine: Engine, step: Step, move: Move, getting_ready: bool, beat_now: BeatNow | None) -> FigureView:
    """Before a move: its start position. In a beat: moving toward the beat's pose, or holding it."""
    if getting_ready or step.phase is Phase.SWITCH:
        side = step.side if step.phase is Phase.SWITCH else _first_side(engine, move)
        return FigureView(move, side, START_POSE, START_POSE, 1.0)
    if step.phase is not Phase.WORK or beat_now is None:  # a rest between reps, or a self-paced set
        pose = step.move.beats[-1].pose if step.phase is Phase.REST else START_POSE
        return FigureView(move, step.side, pose, pose, 1.0)
    beats = beat_now.beats
    before = beats[beat_now.index - 1].pose if beat_now.index else _pose_before_rep(engine, step)
    target = beat_now.beat.pose
    if beat_now.beat.kind is BeatKind.HOLD:
        # Holding still; only a hold that starts from elsewhere first moves into place.
        fraction = 1.0 if before == target else min(1.0, beat_now.elapsed / ENTRY_SECONDS)
        return FigureView(move, step.side, before, target, fraction)
    return FigureView(move, step.side, before, target, beat_now.fraction)


def _pose_before_rep(engine: Engine, step: Step) -> str:
    """Where the body is when a rep begins: the end of the last rep on this side, or the start."""
    index = engine.index - 1
    while index >= 0:
        previous = engine.steps[index]
        if previous.move_index != step.move_index or previous.side != step.side:
            break
        if previous.phase is Phase.WORK and previous.beats:
            return previous.beats[-1].pose
        index -= 1
    return START_POSE


def _first_side(engine: Engine, move: Move) -> Side | None:
    for later in engine.steps[engine.index:]:
        if later.move.id == move.id and later.phase is Phase.WORK:
            return later.side
    return None


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
