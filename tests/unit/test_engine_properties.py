"""Invariants of the engine over random key sequences (hypothesis)."""

import pytest
from hypothesis import given
from hypothesis import settings as hyp_settings
from hypothesis import strategies as st

from backrelief_tui.core.engine import Engine, EventKind, State
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.routine import Kind, Sides
from backrelief_tui.core.settings import Settings
from tests.factories import make_move, make_routine
from tests.fakes import FakeClock

ROUTINE = make_routine(
    make_move("hold", hold=8, reps=2, sides=Sides.BOTH, rep_rest=3),
    make_move("reps", kind=Kind.REPS, hold=2, tempo=2, reps=3, sides=Sides.ALTERNATE),
    make_move("paced", kind=Kind.REPS, hold=1, tempo=2, reps=4, self_paced=True),
    make_move("roll", kind=Kind.ROLL, hold=6),
)
PLAN = plan_session(ROUTINE, Settings(lead_in=3, default_rest=4, switch_seconds=2, position_change=0))

# Time steps are multiples of 1/8 s so float sums stay exact.
advance = st.integers(min_value=1, max_value=40).map(lambda n: ("advance", n / 8))
command = st.sampled_from(["poll", "pause", "resume", "toggle", "next", "previous", "restart",
                           "plus", "minus", "stop"])
actions = st.lists(st.one_of(advance, command), max_size=120)


@hyp_settings(max_examples=300, deadline=None)
@given(actions)
def test_invariants_hold_for_any_key_sequence(sequence):
    clock = FakeClock()
    engine = Engine(PLAN, clock, jump_after=None)  # advances pile up between looks here; jumps are tested apart
    engine.start()
    for action in sequence:
        before_index = engine.index
        if isinstance(action, tuple):
            clock.advance(action[1])
            events = []
        elif action == "plus":
            events, _ = [], engine.adjust(+5)
        elif action == "minus":
            events, _ = [], engine.adjust(-5)
        elif action == "stop":
            engine.stop()
            events = []
        else:
            events = {"poll": engine.poll, "pause": engine.pause, "resume": engine.resume,
                      "toggle": engine.toggle_pause, "next": engine.next, "previous": engine.previous,
                      "restart": engine.restart_step}[action]()
        check_invariants(engine, clock)
        # Steps only move by the rules: time and "next" go forward one at a time;
        # "previous" lands one before where it was, "restart" where it was.
        started = [e.step_index for e in events if e.kind is EventKind.STEP_STARTED]
        target = started.pop() if action in ("previous", "restart") and started and not engine.over else None
        expected = before_index
        for index in started:
            assert index == expected + 1, (action, before_index, started)
            expected = index
        if target is not None:
            assert target == (max(0, expected - 1) if action == "previous" else expected)
            assert engine.index == target
        elif not engine.over:
            assert engine.index == expected
        if engine.over:
            break
    # Finish by time (keys stop) and check the totals add up.
    if engine.state is State.PAUSED:
        engine.resume()
    guard = 0
    while not engine.over:
        clock.advance(0.5)
        events = engine.poll()
        if engine.step is not None and engine.step.self_paced:
            engine.next()
        guard += 1
        assert guard < 10_000
    check_invariants(engine, clock)
    total = engine.ended_at - engine.started_at
    assert total == pytest.approx(engine.active_seconds() + engine.paused_seconds)
    assert all(entry.active >= 0 for entry in engine.log)


def check_invariants(engine, clock):
    assert engine.remaining() >= 0
    assert engine.display_seconds() >= 0
    assert 0.0 <= engine.progress() <= 1.0
    assert engine.paused_seconds >= 0
    assert all(entry.planned >= 1 for entry in engine.log)
    if engine.state is State.RUNNING and not engine.step.self_paced:
        assert engine.remaining() <= engine.step_seconds() + 1e-9
        wake = engine.next_wakeup()
        assert clock() <= wake <= clock() + 1 + 1e-9
    if not engine.over and engine.state is not State.READY:
        # Wall time so far = active time + paused time (the current pause included).
        pausing = clock() - engine._paused_at if engine.state is State.PAUSED else 0.0
        assert clock() - engine.started_at == pytest.approx(
            engine.active_seconds() + engine.paused_seconds + pausing)


@hyp_settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from([0.125, 0.5, 1.0, 1.875, 3.0]), min_size=1, max_size=400),
       st.lists(st.integers(min_value=1, max_value=80), max_size=5))
def test_undisturbed_session_takes_planned_total_plus_pauses(polls, pauses):
    """Only polls and pauses: the end is exactly planned total + paused time."""
    clock = FakeClock()
    plan = plan_session(make_routine(*[m for m in ROUTINE.moves if not m.self_paced]),
                        Settings(lead_in=3, default_rest=4, switch_seconds=2, position_change=0))
    engine = Engine(plan, clock)
    engine.start()
    paused = 0.0
    for i, step in enumerate(polls * 50):
        if engine.over:
            break
        clock.advance(step)
        engine.poll()
        if pauses and i % 37 == 0 and not engine.over:
            length = pauses.pop() / 4
            engine.pause()
            clock.advance(length)
            paused += length
            engine.resume()
    while not engine.over:
        clock.advance(1)
        engine.poll()
    assert engine.ended_at - engine.started_at == plan.total_seconds + paused
