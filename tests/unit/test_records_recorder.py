"""The recorder: the file follows the session step by step, survives a bad disk, and resumes."""

import errno
from datetime import timedelta
from pathlib import Path

import pytest

from backrelief_tui.core.engine import Engine, State, StepStatus
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.recorder import Recorder, interrupted_sessions, resume_engine
from backrelief_tui.core.records import SessionRecord, Unreadable, read_record, write_record
from backrelief_tui.core.routine import Kind, Sides
from backrelief_tui.core.settings import MoveOverride, Settings
from backrelief_tui.core.store import RecordStore
from tests.factories import make_move, make_routine
from tests.fakes import FakeClock
from tests.record_factory import WallClock, crash, dead_writer, desk_break_plan, make_record, run_for


def setup(tmp_path, plan=None):
    clock = FakeClock()
    wall = WallClock(clock)
    store = RecordStore(tmp_path / "sessions", tmp_path / "index.json")
    engine = Engine(plan or desk_break_plan(), clock)
    return engine, clock, Recorder(store, wall_clock=wall, pain_before=4), store


def on_disk(recorder) -> SessionRecord:
    record = read_record(recorder.path)
    assert isinstance(record, SessionRecord), record
    return record


def test_no_file_before_the_session_starts(tmp_path):
    engine, _, recorder, store = setup(tmp_path)
    recorder.update(engine, [])
    assert recorder.finish(engine) is None
    assert recorder.path is None and store.entries() == []


def test_the_file_is_created_at_the_start_and_follows_every_step(tmp_path):
    engine, clock, recorder, _ = setup(tmp_path)
    recorder.update(engine, engine.start())
    record = on_disk(recorder)
    assert record.status == "in-progress" and record.steps_finished == 0 and record.pain_before == 4
    assert record.started.isoformat() == "2025-03-03T09:00:00+01:00"
    seen = []
    while not engine.over:
        clock.advance(0.5)
        events = engine.poll()
        if events:
            recorder.update(engine, events)
            seen.append(on_disk(recorder).steps_finished)
            assert seen[-1] == engine.steps_finished()
    assert seen == sorted(seen) and seen[-1] == len(engine.steps)
    final = on_disk(recorder)
    assert final.status == "completed" and final.moves_done == 5
    assert final.ended - final.started == timedelta(seconds=356)  # desk-break, 5:56


def test_the_record_holds_the_numbers_in_force_and_what_was_done(tmp_path):
    settings = Settings(lead_in=0, default_rest=5, switch_seconds=2,
                        moves={"glute": MoveOverride(hold=20)})
    plan = plan_session(make_routine(
        make_move("glute", hold=30, sides=Sides.BOTH),
        make_move("bridge", kind=Kind.REPS, hold=2, reps=3, tempo=2, rep_rest=1),
        make_move("roll", kind=Kind.ROLL, hold=30),
    ), settings)
    engine, clock, recorder, _ = setup(tmp_path, plan)
    run_for(engine, clock, recorder, 5)
    engine.adjust(+5)  # 5 s more on the left side, for this session only
    run_for(engine, clock, recorder, 20 + 2)  # the rest of the left side, then the switch
    recorder.update(engine, engine.next())  # skip the right side
    run_for(engine, clock, recorder, 5 + 4)  # rest, first rep
    engine.stop()
    record = recorder.finish(engine)
    glute, bridge, roll = record.moves
    assert (glute.hold, glute.hold_changed, glute.sides, glute.rest) == (20, 25, "both", 5)
    assert glute.status == "partial"
    assert [(p.side, p.planned_seconds, p.done_seconds, p.reps_done) for p in glute.per_side] == [
        ("left", 25, 25.0, 1), ("right", 20, 0.0, 0)]
    assert (bridge.kind, bridge.reps, bridge.tempo, bridge.rep_rest, bridge.status) == ("reps", 3, 2, 1, "partial")
    assert bridge.per_side[0].reps_done == 1 and bridge.per_side[0].reps_planned == 3
    assert (roll.status, roll.rest, roll.done_seconds) == ("not-reached", 0, 0.0)
    assert record.status == "stopped" and on_disk(recorder) == record


def test_pauses_are_saved_as_they_happen(tmp_path):
    engine, clock, recorder, _ = setup(tmp_path)
    run_for(engine, clock, recorder, 3)
    recorder.update(engine, engine.pause())
    assert on_disk(recorder).pauses == 1
    clock.advance(60)
    recorder.update(engine, engine.resume())
    run_for(engine, clock, recorder, 10)
    assert on_disk(recorder).paused_seconds == 60.0


def test_pain_after_and_a_note_are_added_to_the_final_record(tmp_path):
    engine, clock, recorder, _ = setup(tmp_path)
    run_for(engine, clock, recorder, 400)
    recorder.finish(engine)
    recorder.set_pain_after(2)
    recorder.set_note("  Less stiff.  ")
    record = on_disk(recorder)
    assert (record.pain_before, record.pain_after, record.note, record.status) == (4, 2, "Less stiff.", "completed")


class FailingStore(RecordStore):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fail = None

    def save(self, path, record):
        if self.fail is not None:
            raise OSError(self.fail, {errno.EROFS: "Read-only file system", errno.ENOSPC: "No space left on device"}[
                self.fail])
        super().save(path, record)


@pytest.mark.parametrize("code, words", [(errno.EROFS, "Read-only file system"),
                                         (errno.ENOSPC, "No space left on device")])
def test_a_failing_disk_never_stops_the_session_and_the_record_is_saved_once_it_can(tmp_path, code, words):
    clock = FakeClock()
    store = FailingStore(tmp_path / "sessions", tmp_path / "index.json")
    recorder = Recorder(store, wall_clock=WallClock(clock))
    engine = Engine(desk_break_plan(), clock)
    store.fail = code
    run_for(engine, clock, recorder, 60)
    assert engine.state is State.RUNNING
    assert words in recorder.error and "saved as soon as" in recorder.error
    assert recorder.record.steps_finished == engine.steps_finished() > 0  # kept in memory
    assert not recorder.path.exists()
    store.fail = None
    recorder.update(engine, [])  # the next update retries, even with nothing new
    assert recorder.error is None
    assert on_disk(recorder).steps_finished == engine.steps_finished()


def test_a_real_read_only_folder(tmp_path):
    import os
    if os.geteuid() == 0:
        pytest.skip("root writes anywhere")
    engine, clock, recorder, store = setup(tmp_path)
    store.root.mkdir(parents=True)
    store.root.chmod(0o500)
    try:
        run_for(engine, clock, recorder, 30)
        assert recorder.error and engine.state is State.RUNNING
    finally:
        store.root.chmod(0o700)
    run_for(engine, clock, recorder, 30)
    assert recorder.error is None and on_disk(recorder).steps_finished == engine.steps_finished()


# -- resuming ------------------------------------------------------------------------


def test_engine_resume_from_starts_at_the_given_step_with_the_old_log():
    plan = desk_break_plan()
    clock = FakeClock()
    engine = Engine(plan, clock)
    engine.resume_from(3, pauses=2, paused_seconds=12.5)
    assert engine.steps_finished() == 3 and engine.state is State.READY
    events = engine.start()
    assert engine.index == 3 and events[0].step_index == 3
    assert engine.remaining() == plan.steps[3].seconds
    assert (engine.pauses, engine.paused_seconds) == (2, 12.5)
    while not engine.over:
        clock.advance(1)
        engine.poll()
    assert engine.state is State.FINISHED and engine.steps_finished() == len(plan.steps)


def test_engine_resume_from_is_only_for_a_fresh_engine_and_a_real_step():
    engine = Engine(desk_break_plan(), FakeClock())
    with pytest.raises(ValueError):
        engine.resume_from(len(engine.steps))
    with pytest.raises(ValueError):
        engine.resume_from(1, log=engine.log[:2])
    engine.start()
    with pytest.raises(RuntimeError):
        engine.resume_from(1)


def test_an_interrupted_session_resumes_where_it_stopped_and_keeps_what_was_done(tmp_path):
    engine, clock, _, store = setup(tmp_path)
    wall = WallClock(clock)
    recorder = Recorder(store, wall_clock=wall, pain_before=4)
    run_for(engine, clock, recorder, 100)
    recorder.update(engine, engine.pause())
    clock.advance(5)
    recorder.update(engine, engine.resume())
    run_for(engine, clock, recorder, 20)
    left = on_disk(recorder)  # ... and then the terminal was closed
    crash(recorder)
    finished = left.steps_finished

    clock.advance(600)  # ten minutes later, a new start of the app
    offer, stopped = interrupted_sessions(store, wall())
    assert stopped == [] and offer.path == recorder.path and offer.age(wall()) >= timedelta(minutes=10)
    resumed = resume_engine(offer.record, desk_break_plan(), clock)
    assert isinstance(resumed, Engine) and resumed.steps_finished() == finished
    again = Recorder(store, wall_clock=wall, resume=(offer.path, offer.record))
    run_for(resumed, clock, again, 400)
    record = on_disk(again)
    assert again.path == recorder.path and record.id == left.id and record.started == left.started
    assert record.status == "completed" and record.resumes == 1 and record.pain_before == 4
    assert record.pauses == 1 and record.paused_seconds == 5.0
    assert record.progress.steps == "d" * len(resumed.steps)
    # Steps done before the interruption keep their active time.
    assert record.progress.active[:finished - 1] == left.progress.active[:finished - 1]


def test_resume_is_refused_when_the_routine_changed(tmp_path):
    engine, clock, recorder, store = setup(tmp_path)
    run_for(engine, clock, recorder, 60)
    record = on_disk(recorder)
    other = plan_session(make_routine(make_move("x")))
    assert "no longer line up" in resume_engine(record, other, clock)


def test_old_interrupted_sessions_are_marked_stopped_and_unreadable_ones_left_alone(tmp_path):
    store = RecordStore(tmp_path / "sessions", tmp_path / "index.json")
    recent = make_record(status="in-progress", record_id="recent")
    older = make_record(recent.started - timedelta(hours=3), status="in-progress", record_id="older")
    for record in (recent, older):
        write_record(store.path_for(record), record)
        dead_writer(store, store.path_for(record))
    broken = store.root / "2025" / "2025-03-03-080000-desk-break-broken.toml"
    broken.write_bytes(b'schema = 1\nstatus = "in-progress"\nsteps')
    dead_writer(store, broken)
    now = recent.ended + timedelta(minutes=30)
    offer, stopped = interrupted_sessions(store, now)
    assert offer.record.id == "recent"
    assert stopped == [store.path_for(older)]
    assert read_record(store.path_for(older)).status == "stopped"
    assert broken.read_bytes() == b'schema = 1\nstatus = "in-progress"\nsteps'
    assert isinstance(read_record(broken), Unreadable)


def test_a_session_interrupted_more_than_an_hour_ago_is_not_offered(tmp_path):
    store = RecordStore(tmp_path / "sessions", tmp_path / "index.json")
    record = make_record(status="in-progress")
    write_record(store.path_for(record), record)
    dead_writer(store, store.path_for(record))
    offer, stopped = interrupted_sessions(store, record.ended + timedelta(minutes=61))
    assert offer is None and stopped == [store.path_for(record)]
    again, _ = interrupted_sessions(store, record.ended + timedelta(minutes=62))
    assert again is None  # nothing in progress any more


def test_step_codes_cover_skips(tmp_path):
    engine, clock, recorder, _ = setup(tmp_path)
    run_for(engine, clock, recorder, 2)
    recorder.update(engine, engine.next())
    record = on_disk(recorder)
    assert record.progress.steps.startswith("s") and engine.log[0].status is StepStatus.SKIPPED
    assert Path(recorder.path).parent.name == "2025"
