"""Engine events -> one cue per batch, checked on hand-made batches and on a real engine run."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backrelief_tui.audio import PRIORITY, Cue, cue_for_events
from backrelief_tui.core.engine import Engine, Event, EventKind
from backrelief_tui.core.library import load_library
from backrelief_tui.core.plan import Phase, Plan, plan_session
from backrelief_tui.core.routine import Kind, Move, Position, Routine, Sides
from backrelief_tui.core.settings import Settings
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[2]

HOLD = Move(id="knee-hug", name="Knee hug", kind=Kind.HOLD, hold=5, position=Position.FLOOR, sides=Sides.BOTH)
REPS = Move(id="bridge", name="Bridge", kind=Kind.REPS, hold=1, tempo=3, reps=2, rep_rest=2,
            position=Position.FLOOR)
ROUTINE = Routine(id="tiny", title="Tiny", summary="Two moves.", moves=(HOLD, REPS))
PLAN = plan_session(ROUTINE, Settings(lead_in=10, default_rest=15, switch_seconds=5, position_change=0))
STEP_OF = {phase: next(step for step in PLAN.steps if step.phase is phase) for phase in Phase}


def started(phase: Phase) -> Event:
    return Event(EventKind.STEP_STARTED, 0, STEP_OF[phase])


def event(kind: EventKind, count: int | None = None) -> Event:
    return Event(kind, 0, STEP_OF[Phase.WORK], count)


def test_single_events() -> None:
    assert cue_for_events([started(Phase.LEAD_IN)]) is Cue.GET_READY
    assert cue_for_events([started(Phase.WORK)]) is Cue.GO
    assert cue_for_events([started(Phase.REST)]) is Cue.REST
    assert cue_for_events([event(EventKind.COUNTDOWN, 3)]) is Cue.TICK
    assert cue_for_events([event(EventKind.MOVE_DONE)]) is Cue.MOVE_DONE
    assert cue_for_events([event(EventKind.SESSION_DONE)]) is Cue.SESSION_DONE


def test_the_engines_batches() -> None:
    # A side switch comes with the switch step's start.
    assert cue_for_events([started(Phase.SWITCH), Event(EventKind.SIDE_SWITCH, 0, STEP_OF[Phase.SWITCH])]) is Cue.SWITCH
    # A move's end beats the next step's start, whatever it is.
    for phase in (Phase.WORK, Phase.REST, Phase.SWITCH):
        assert cue_for_events([event(EventKind.MOVE_DONE), started(phase)]) is Cue.MOVE_DONE
    assert cue_for_events([event(EventKind.MOVE_DONE), event(EventKind.SESSION_DONE)]) is Cue.SESSION_DONE
    # A 3-second hold starts with its first tick at the same instant.
    assert cue_for_events([started(Phase.WORK), event(EventKind.COUNTDOWN, 3)]) is Cue.TICK


def test_no_cue() -> None:
    assert cue_for_events([]) is None
    assert cue_for_events([event(EventKind.PAUSED)]) is None
    assert cue_for_events([event(EventKind.RESUMED)]) is None
    # A switch step that starts without its SIDE_SWITCH event (never emitted so) is silent.
    assert cue_for_events([started(Phase.SWITCH)]) is None
    assert cue_for_events([Event(EventKind.STEP_STARTED, 0, None)]) is None


def test_priority_order() -> None:
    assert PRIORITY == (Cue.SESSION_DONE, Cue.SWITCH, Cue.MOVE_DONE, Cue.TICK, Cue.GO, Cue.GET_READY, Cue.REST,
                        Cue.BEAT_HOLD, Cue.BEAT_MOVE, Cue.BEAT_RETURN)  # the beats: quietest, last
    assert set(PRIORITY) == set(Cue)


ANY_EVENT = st.sampled_from([
    started(Phase.LEAD_IN), started(Phase.WORK), started(Phase.REST), started(Phase.SWITCH),
    Event(EventKind.SIDE_SWITCH, 0, STEP_OF[Phase.SWITCH]), event(EventKind.COUNTDOWN, 1),
    event(EventKind.MOVE_DONE), event(EventKind.SESSION_DONE), event(EventKind.PAUSED), event(EventKind.RESUMED),
])


@given(st.lists(ANY_EVENT, max_size=6), st.randoms())
def test_batch_cue_is_the_highest_priority_and_ignores_order(batch: list[Event], rng) -> None:
    cue = cue_for_events(batch)
    singles = {cue_for_events([e]) for e in batch} - {None}
    assert cue == (min(singles, key=PRIORITY.index) if singles else None)
    shuffled = list(batch)
    rng.shuffle(shuffled)
    assert cue_for_events(shuffled) == cue
    assert cue_for_events([*batch, event(EventKind.PAUSED), event(EventKind.RESUMED)]) == cue


def run_session(plan: Plan, *, pause_at: float | None = None) -> list[list[Event]]:
    """Drive a real engine to the end on a fake clock; every call's batch, in order."""
    clock = FakeClock()
    engine = Engine(plan, clock)
    batches = [engine.start()]
    paused = False
    for _ in range(100_000):
        if engine.over:
            break
        if pause_at is not None and not paused and clock.time - 1000 >= pause_at:
            paused = True
            batches.append(engine.pause())
            clock.advance(30)
            batches.append(engine.resume())
        if engine.step.self_paced:
            clock.advance(1)
            batches.append(engine.next())
        else:
            clock.time = engine.next_wakeup()
            batches.append(engine.poll())
    assert engine.over
    return batches


def test_a_real_session_sounds_the_expected_cues() -> None:
    cues = [cue for cue in map(cue_for_events, run_session(PLAN, pause_at=12.5)) if cue is not None]
    assert cues == [
        Cue.GET_READY,                          # lead-in
        Cue.GO, Cue.TICK, Cue.TICK, Cue.TICK,   # knee hug, left (5 s hold, 3-2-1)
        Cue.SWITCH,                             # switch side
        Cue.GO, Cue.TICK, Cue.TICK, Cue.TICK,   # knee hug, right
        Cue.MOVE_DONE,                          # ... and the rest after it stays quiet
        Cue.GO, Cue.BEAT_HOLD, Cue.BEAT_RETURN,  # bridge rep 1: lift (the rep's go), hold, lower
        Cue.REST,
        Cue.GO, Cue.BEAT_HOLD, Cue.BEAT_RETURN,  # rep 2 (no countdown for reps)
        Cue.SESSION_DONE,
    ]


@pytest.mark.parametrize("routine_id", ["desk-break", "release", "stretch", "activate", "full"])
def test_every_builtin_routine_ends_with_session_done(routine_id: str, tmp_path: Path) -> None:
    library = load_library(ROOT / "routines", tmp_path)
    routine = library.get(routine_id)
    assert routine is not None, library.problems
    plan = plan_session(routine)
    steps = plan.steps
    batches = run_session(plan)
    cues = [cue_for_events(batch) for batch in batches]
    assert cues[0] is Cue.GET_READY
    assert [c for c in cues if c is not None][-1] is Cue.SESSION_DONE
    assert cues.count(Cue.SESSION_DONE) == 1
    assert cues.count(Cue.SWITCH) == sum(step.phase is Phase.SWITCH for step in steps)
    assert cues.count(Cue.MOVE_DONE) == len({step.move_index for step in steps}) - 1
