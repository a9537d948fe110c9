"""The engine on a fake clock: exact timing, pauses, navigation and the events it emits."""

import random

import pytest

from backrelief_tui.core.engine import Engine, EventKind, PauseReason, State, StepStatus
from backrelief_tui.core.plan import Phase, plan_session
from backrelief_tui.core.routine import Kind, Sides
from backrelief_tui.core.settings import Settings
from tests.factories import make_move, make_routine
from tests.fakes import FakeClock

SETTINGS = Settings(lead_in=5, default_rest=10, switch_seconds=5, position_change=0)


def engine_for(*moves, settings=SETTINGS, jump_after=None):
    """These tests poll as late as they like to check the timing; a late look as a clock jump is tested apart."""
    clock = FakeClock()
    return Engine(plan_session(make_routine(*moves), settings), clock, jump_after=jump_after), clock


def kinds(events):
    return [(str(e.kind), e.count) if e.count else str(e.kind) for e in events]


def run_to_end(engine, clock, step=0.125):
    events = []
    while not engine.over:
        clock.advance(step)
        events += engine.poll()
    return events


def test_start_emits_the_first_step_and_counts_down():
    engine, clock = engine_for(make_move(hold=10))
    assert kinds(engine.start()) == ["step-started"]
    assert engine.step.phase is Phase.LEAD_IN and engine.display_seconds() == 5
    clock.advance(0.25)
    assert engine.display_seconds() == 5  # whole seconds, rounded up
    clock.advance(4.75)
    assert kinds(engine.poll()) == ["step-started"]
    assert engine.step.phase is Phase.WORK and engine.display_seconds() == 10


def test_countdown_three_two_one_then_session_done():
    engine, clock = engine_for(make_move(hold=10))
    engine.start()
    clock.advance(5)
    engine.poll()
    seen = []
    for _ in range(10):
        clock.advance(1)
        seen.append(kinds(engine.poll()))
    assert seen[6:] == [[("countdown", 3)], [("countdown", 2)], [("countdown", 1)],
                        ["move-done", "session-done"]]
    assert engine.state is State.FINISHED


def test_exactly_three_ticks_per_hold_and_one_switch_between_sides():
    engine, clock = engine_for(make_move(hold=8, reps=2, sides=Sides.BOTH, rep_rest=4))
    engine.start()
    events = run_to_end(engine, clock, step=0.25)
    holds = [e for e in events if e.kind is EventKind.STEP_STARTED and e.step.is_hold]
    ticks = [e for e in events if e.kind is EventKind.COUNTDOWN]
    assert len(holds) == 4 and len(ticks) == 12
    assert [t.count for t in ticks] == [3, 2, 1] * 4
    assert sum(e.kind is EventKind.SIDE_SWITCH for e in events) == 1


def test_no_ticks_for_reps_or_while_paused():
    engine, clock = engine_for(make_move("bear", kind=Kind.REPS, hold=2, tempo=3, reps=3))
    engine.start()
    assert not [e for e in run_to_end(engine, clock) if e.kind is EventKind.COUNTDOWN]

    engine, clock = engine_for(make_move(hold=10))
    engine.start()
    clock.advance(11)  # in the hold, 4 s left
    engine.poll()
    engine.pause()
    clock.advance(60)
    assert engine.poll() == []
    assert engine.display_seconds() == 4


def test_late_poll_does_not_drift():
    engine, clock = engine_for(make_move("a", hold=10), make_move("b", hold=10))
    engine.start()
    clock.advance(5 + 10 + 10 + 3.5)  # one very late poll: lead-in, a, rest all over
    events = engine.poll()
    assert [e.step.phase for e in events if e.kind is EventKind.STEP_STARTED] == [
        Phase.WORK, Phase.REST, Phase.WORK]
    assert engine.step.move.id == "b"
    assert engine.remaining() == pytest.approx(6.5)
    # A step that ended between polls gets no stale 3-2-1 burst.
    assert not [e for e in events if e.kind is EventKind.COUNTDOWN and e.step.move.id == "a"]


def test_pause_moves_the_deadline():
    engine, clock = engine_for(make_move(hold=10))
    engine.start()
    clock.advance(7)
    engine.poll()
    assert kinds(engine.pause()) == ["paused"]
    clock.advance(100)
    assert engine.remaining() == 8
    assert kinds(engine.resume()) == ["resumed"]
    clock.advance(8)
    assert kinds(engine.poll())[-1] == "session-done"
    assert engine.ended_at - engine.started_at == 115
    assert engine.paused_seconds == 100 and engine.pauses == 1
    assert engine.active_seconds() == 15


def test_next_skips_and_previous_goes_back():
    engine, clock = engine_for(make_move("a", hold=10), make_move("b", hold=10))
    engine.start()
    clock.advance(2)
    engine.next()  # skip lead-in
    assert engine.step.move.id == "a" and engine.remaining() == 10
    clock.advance(3)
    engine.next()  # skip a: rest
    assert engine.step.phase is Phase.REST
    assert engine.log[1].status is StepStatus.SKIPPED and engine.log[1].active == 3
    engine.previous()
    assert engine.step.move.id == "a" and engine.remaining() == 10
    clock.advance(10)
    events = engine.poll()
    assert "move-done" in kinds(events)
    assert engine.log[1].status is StepStatus.DONE and engine.log[1].active == 13
    results = engine.results()
    assert [r.status for r in results] == ["done", "not-reached"]


def test_skipped_move_is_reported_as_skipped():
    engine, clock = engine_for(make_move("a", hold=10), make_move("b", hold=10))
    engine.start()
    engine.next()
    engine.next()  # skip a entirely
    run_to_end(engine, clock)
    assert [r.status for r in engine.results()] == ["skipped", "done"]


def test_restart_and_adjust():
    engine, clock = engine_for(make_move("plank", hold=30))
    engine.start()
    engine.next()
    clock.advance(20)
    engine.restart_step()
    assert engine.remaining() == 30
    assert engine.adjust(+5) == 5 and engine.remaining() == 35
    assert engine.adjusted_holds == {"plank": 35}
    clock.advance(33)
    engine.poll()
    assert engine.adjust(-5) == -1  # never below one second left
    assert engine.remaining() == 1
    clock.advance(1)
    assert kinds(engine.poll())[-1] == "session-done"
    assert engine.log[1].planned == 34


def test_adjust_after_countdown_started_allows_ticks_again():
    engine, clock = engine_for(make_move(hold=10))
    engine.start()
    engine.next()
    clock.advance(7.5)
    assert kinds(engine.poll()) == [("countdown", 3)]
    engine.adjust(+5)
    events = run_to_end(engine, clock, step=0.5)
    assert [e.count for e in events if e.kind is EventKind.COUNTDOWN] == [3, 2, 1]


def test_self_paced_step_waits_for_a_key():
    move = make_move("press", kind=Kind.REPS, hold=1, tempo=3, reps=8, self_paced=True)
    engine, clock = engine_for(move)
    engine.start()
    engine.next()
    clock.advance(500)
    assert engine.poll() == [] and engine.display_seconds() == 500
    assert kinds(engine.next()) == ["move-done", "session-done"]
    assert engine.log[-1].status is StepStatus.DONE


def test_stop_keeps_what_was_done():
    engine, clock = engine_for(make_move("a", hold=10), make_move("b", hold=10))
    engine.start()
    clock.advance(5 + 10 + 4)
    engine.poll()
    engine.pause()
    clock.advance(6)
    engine.stop()
    assert engine.state is State.STOPPED
    assert engine.ended_at - engine.started_at == 25
    assert engine.active_seconds() == pytest.approx(19)
    assert [r.status for r in engine.results()] == ["done", "not-reached"]


def test_stopping_when_asked_is_the_end_not_a_pause():
    engine, clock = engine_for(make_move("a", hold=10), make_move("b", hold=10))
    engine.start()
    clock.advance(5 + 4)
    engine.poll()
    engine.pause(PauseReason.QUESTION)  # "Stop this session?" is open
    clock.advance(6)  # reading it
    engine.stop()  # yes
    assert engine.pauses == 0 and engine.paused_seconds == 0
    assert engine.ended_at - engine.started_at == 9 and engine.active_seconds() == pytest.approx(9)


def test_keeping_on_after_the_question_counts_it_as_a_pause():
    engine, clock = engine_for(make_move("a", hold=10))
    engine.start()
    clock.advance(7)
    engine.pause(PauseReason.QUESTION)
    clock.advance(3)
    engine.resume()  # no: keep going
    assert engine.pauses == 1 and engine.paused_seconds == pytest.approx(3)


def test_next_wakeup_lands_on_whole_seconds_and_deadlines():
    engine, clock = engine_for(make_move(hold=10))
    engine.start()
    clock.advance(0.3)
    assert engine.next_wakeup() == pytest.approx(clock.time + 0.7)
    engine.pause()
    assert engine.next_wakeup() is None


def test_full_routine_ends_at_planned_total_plus_pauses_exactly(library):
    """Over the whole `full` routine with random pauses and irregular polls, nothing drifts."""
    rng = random.Random(7)
    clock = FakeClock()
    engine = Engine(plan_session(library.get("full"), Settings()), clock)
    engine.start()
    paused_total = 0.0
    while not engine.over:
        clock.advance(rng.choice((0.125, 0.25, 0.5, 1.0, 2.375)))
        engine.poll()
        if rng.random() < 0.01 and not engine.over:
            engine.pause()
            pause = rng.choice((0.5, 3.0, 45.25))
            clock.advance(pause)
            paused_total += pause
            engine.resume()
    planned = plan_session(library.get("full"), Settings()).total_seconds
    assert engine.ended_at - engine.started_at == planned + paused_total
    assert engine.paused_seconds == paused_total
    assert engine.active_seconds() == planned
    assert all(entry.status is StepStatus.DONE for entry in engine.log)
    assert all(r.status == "done" for r in engine.results())


def test_move_results_leave_out_the_lead_in_and_rests_between_moves():
    engine, clock = engine_for(make_move("a", hold=10, reps=2, rep_rest=3), make_move("b", hold=20))
    engine.start()
    run_to_end(engine, clock)
    a, b = engine.results()
    assert (a.planned_seconds, a.active_seconds) == (23, 23)  # two holds and the rest between them
    assert (b.planned_seconds, b.active_seconds) == (20, 20)
    assert engine.active_seconds() == 5 + 23 + 10 + 20
