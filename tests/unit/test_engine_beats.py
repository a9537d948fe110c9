"""The engine and beats: an event at each beat on the deadline chain, the beat's own countdown,
skipping a whole move, a resume's get-ready, and a clock jump that becomes a pause."""

from __future__ import annotations

from pathlib import Path

import pytest

from backrelief_tui.core.engine import Engine, EventKind, PauseReason, State, StepStatus
from backrelief_tui.core.library import load_library
from backrelief_tui.core.plan import Phase, fit_beats, plan_session
from backrelief_tui.core.routine import Beat, BeatKind, Kind, Sides
from backrelief_tui.core.settings import Settings
from tests.factories import make_move, make_routine
from tests.fakes import FakeClock

SETTINGS = Settings(lead_in=5, default_rest=10, switch_seconds=5, position_change=0)
ROUTINES = Path(__file__).parents[2] / "routines"
LIFT_HOLD_LOWER = (Beat("Lift", 2, BeatKind.MOVE), Beat("Hold", 2, BeatKind.HOLD), Beat("Lower", 2, BeatKind.RETURN))


def engine_for(*moves, settings=SETTINGS, **options):
    clock = FakeClock()
    return Engine(plan_session(make_routine(*moves), settings), clock, **options), clock


def bridge(**extra):
    return make_move("bridge", kind=Kind.REPS, hold=2, tempo=4, reps=2, beats=LIFT_HOLD_LOWER, **extra)


def beat_events(events):
    return [(event.step_index, event.beat) for event in events if event.kind is EventKind.BEAT]


def test_a_reps_step_is_its_beats_and_they_add_up():
    engine, _clock = engine_for(bridge())
    work = [step for step in engine.steps if step.phase is Phase.WORK]
    assert all(sum(beat.seconds for beat in step.beats) == step.seconds == 6 for step in work)
    assert [beat.label for beat in work[0].beats] == ["Lift", "Hold", "Lower"]
    assert all(step.beats == () for step in engine.steps if step.phase is not Phase.WORK)


def test_every_beat_starts_with_an_event_at_its_second_and_counts_down_on_its_own():
    engine, clock = engine_for(bridge())
    engine.start()
    clock.advance(5)  # the lead-in is over: rep 1 begins with its first beat
    events = engine.poll()
    assert [str(e.kind) for e in events] == ["step-started", "beat"] and beat_events(events) == [(1, 0)]
    assert engine.display_seconds() == 2 and engine.beat_now().beat.label == "Lift"
    clock.advance(1.5)
    assert engine.poll() == [] and engine.display_seconds() == 1
    clock.advance(0.5)
    assert beat_events(engine.poll()) == [(1, 1)]
    now = engine.beat_now()
    assert (now.beat.label, now.index, engine.display_seconds()) == ("Hold", 1, 2)
    clock.advance(2)
    assert beat_events(engine.poll()) == [(1, 2)] and engine.beat_now().beat.label == "Lower"
    clock.advance(2)
    events = engine.poll()  # rep 1 over, rep 2 begins with "Lift" again
    assert [str(e.kind) for e in events] == ["step-started", "beat"] and beat_events(events) == [(2, 0)]


def test_a_late_look_announces_every_beat_it_passed_once():
    engine, clock = engine_for(bridge())
    engine.start()
    clock.advance(5)
    engine.poll()
    clock.advance(4.5)  # past "Hold" into "Lower" without a look in between
    assert beat_events(engine.poll()) == [(1, 1), (1, 2)]
    assert beat_events(engine.poll()) == []


def test_pause_and_restart_inside_a_beat():
    engine, clock = engine_for(bridge())
    engine.start()
    clock.advance(5)
    engine.poll()
    clock.advance(2.5)
    engine.poll()
    engine.pause()
    clock.advance(60)
    assert engine.poll() == [] and engine.beat_now().beat.label == "Hold"
    engine.resume()
    clock.advance(1.5)
    assert beat_events(engine.poll()) == [(1, 2)]  # the pause moved the beat's end with it
    events = engine.restart_step()
    assert beat_events(events) == [(1, 0)] and engine.beat_now().beat.label == "Lift"
    assert engine.display_seconds() == 2


def test_adjusting_a_rep_changes_its_hold_beat_only():
    engine, clock = engine_for(bridge())
    engine.start()
    clock.advance(5)
    engine.poll()
    assert engine.adjust(+5) == 5
    assert [beat.seconds for beat in engine.beats()] == [2, 7, 2]
    # Shorter than its movement: every beat gives way, and none vanishes.
    assert [beat.seconds for beat in fit_beats(LIFT_HOLD_LOWER, 3)] == [1, 1, 1]


def test_a_hold_is_one_beat_and_counts_down_the_whole_hold():
    engine, clock = engine_for(make_move(hold=30))
    engine.start()
    clock.advance(5)
    events = engine.poll()
    assert beat_events(events) == []  # one beat: the step itself
    assert engine.display_seconds() == 30 and engine.beat_now().beat.label == "Hold"


def test_nothing_drifts_over_the_whole_full_routine_with_its_beats():
    library = load_library(ROUTINES, Path("/nonexistent"))
    plan = plan_session(library.get("full"), Settings(include_bonus=True))
    assert plan.total_seconds > 40 * 60
    clock = FakeClock()
    engine = Engine(plan, clock)
    engine.start()
    beats = 0
    polls = [0.37, 0.8, 1.0, 0.61, 0.95]
    while not engine.over:
        clock.advance(polls[beats % len(polls)])
        beats += 1
        events = engine.poll()
        if engine.step is not None and engine.step.self_paced:
            engine.next()
        assert all(event.kind is not EventKind.PAUSED for event in events)
    assert engine.ended_at - engine.started_at == pytest.approx(plan.total_seconds, abs=1e-6)
    expected = sum(len(step.beats) for step in plan.steps if len(step.beats) > 1)
    assert expected > 100  # the timing really was checked beat by beat


def test_every_beat_of_a_session_is_announced_exactly_once_in_order():
    engine, clock = engine_for(bridge(sides=Sides.BOTH), make_move(hold=8))
    seen = beat_events(engine.start())
    while not engine.over:
        clock.advance(0.3)
        seen += beat_events(engine.poll())
    expected = [(index, beat) for index, step in enumerate(engine.steps) if len(step.beats) > 1
                for beat in range(len(step.beats))]
    assert seen == expected


# -- skipping a whole move -----------------------------------------------------------------


def test_shift_n_skips_the_rest_of_the_move_to_the_rest_before_the_next():
    engine, clock = engine_for(bridge(sides=Sides.BOTH), make_move("plank", hold=20))
    engine.start()
    clock.advance(5)
    engine.poll()  # bridge, left, rep 1
    engine.next_move()
    step = engine.step
    assert step.phase is Phase.REST and step.rep == 0 and step.move.id == "bridge"  # the rest before the plank
    bridge_work = [i for i, s in enumerate(engine.steps) if s.move.id == "bridge" and s.phase is Phase.WORK]
    assert all(engine.log[i].status is StepStatus.SKIPPED for i in bridge_work)
    engine.next_move()  # during that rest: the plank (the move it leads to) is skipped
    assert engine.over and engine.state is State.FINISHED


def test_shift_n_in_the_lead_in_skips_the_first_move():
    engine, clock = engine_for(bridge(), make_move("plank", hold=20))
    engine.start()
    engine.next_move()
    assert engine.step.phase is Phase.REST and engine.step.move.id == "bridge"


# -- resuming with a get-ready -------------------------------------------------------------


def test_a_resumed_session_gets_ready_first_then_runs_the_step_in_full():
    engine, clock = engine_for(make_move("plank", hold=20), bridge())
    work = next(i for i, s in enumerate(engine.steps) if s.move.id == "bridge" and s.phase is Phase.WORK)
    engine.resume_from(work, lead_in=10)
    events = engine.start()
    assert engine.step.phase is Phase.LEAD_IN and engine.step.move.id == "bridge"
    assert [str(e.kind) for e in events] == ["step-started"] and engine.display_seconds() == 10
    assert engine.index == work and engine.active_seconds() == 0
    events = []
    for _ in range(10):
        clock.advance(1)
        events = engine.poll()
    assert engine.step is engine.steps[work] and beat_events(events) == [(work, 0)]
    assert engine.display_seconds() == 2 and engine.log[work].active == 0  # the get-ready is nobody's time


def test_next_during_the_resume_get_ready_starts_the_step():
    engine, clock = engine_for(bridge())
    engine.resume_from(1, lead_in=10)
    engine.start()
    clock.advance(3)
    engine.next()
    assert engine.step is engine.steps[1] and engine.remaining() == 6


# -- a clock that jumps --------------------------------------------------------------------


def test_a_stopped_process_is_a_pause_at_the_moment_it_stopped():
    engine, clock = engine_for(make_move("plank", hold=30), make_move("cobra", hold=30))
    engine.start()
    for _ in range(10):  # the lead-in and 5 s of the plank, looked at every second
        clock.advance(1)
        engine.poll()
    index, left = engine.index, engine.remaining()
    clock.advance(30)  # kill -STOP ... kill -CONT
    events = engine.poll()
    assert [str(e.kind) for e in events] == ["paused"] and events[0].reason is PauseReason.CLOCK_JUMP
    assert engine.state is State.PAUSED and engine.pause_reason is PauseReason.CLOCK_JUMP
    assert (engine.index, engine.remaining()) == (index, left)  # where it was, not two moves on
    clock.advance(2)
    engine.resume()
    engine.stop()
    assert engine.active_seconds() == pytest.approx(5 + 5)  # the lead-in and 5 s of plank: the 30 s away...
    assert engine.paused_seconds == pytest.approx(32)  # ...are not exercise: they count as paused


def test_looks_a_few_seconds_apart_are_not_a_jump():
    engine, clock = engine_for(make_move("plank", hold=30))
    engine.start()
    clock.advance(4.9)
    engine.poll()
    clock.advance(4.9)
    assert all(event.kind is not EventKind.PAUSED for event in engine.poll())
    assert engine.state is State.RUNNING
