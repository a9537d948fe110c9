"""Builders for session records and recorded sessions, shared by the history tests and the bench."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path

from backrelief_tui.core.engine import Engine
from backrelief_tui.core.library import load_library
from backrelief_tui.core.plan import Plan, plan_session
from backrelief_tui.core.records import MoveRecord, MoveStatus, Progress, SessionRecord, SessionStatus, SideRecord
from backrelief_tui.core.routine import Kind, Sides
from tests.fakes import FakeClock

ROUTINES = Path(__file__).parents[1] / "routines"
CET = timezone(timedelta(hours=1))


def make_record(started: datetime | None = None, *, routine: str = "desk-break", status: str = "completed",
                minutes: float = 5.0, pain_before: int | None = None, pain_after: int | None = None,
                note: str = "", record_id: str = "abc123", moves: int = 3, skipped: tuple[int, ...] = (),
                ) -> SessionRecord:
    """A consistent record: `moves` one-step moves, the ones in `skipped` skipped, the rest done
    (when status is not completed, only the first move is done and the rest not reached)."""
    started = started or datetime(2025, 3, 3, 9, 0, tzinfo=CET)
    move_records, codes = [], ""
    for index in range(moves):
        if index in skipped:
            state, code = "skipped", "s"
        elif status == "completed" or index == 0:
            state, code = "done", "d"
        else:
            state, code = "not-reached", "."
        done = 60.0 if state == "done" else 0.0
        move_records.append(MoveRecord(
            id=f"move-{index}", name=f"Move {index}", kind=Kind.HOLD, status=MoveStatus(state),
            planned_seconds=60, done_seconds=done, hold=60, reps=1, sides=Sides.NONE, rest=0,
            per_side=(SideRecord("none", 60, done, 1, int(state == "done")),)))
        codes += code
    return SessionRecord(
        id=record_id, routine=routine, routine_title=routine.replace("-", " ").capitalize(),
        started=started, ended=started + timedelta(minutes=minutes), status=SessionStatus(status),
        planned_seconds=60 * moves, active_seconds=minutes * 60, paused_seconds=0.0, pauses=0,
        steps_total=moves, steps_finished=sum(code != "." for code in codes), moves=tuple(move_records),
        progress=Progress(next_step=codes.find(".") if "." in codes else moves, steps=codes,
                          planned=(60,) * moves, active=tuple(m.done_seconds for m in move_records)),
        pain_before=pain_before, pain_after=pain_after, note=note,
    )


def desk_break_plan() -> Plan:
    library = load_library(ROUTINES, Path("/nonexistent"))
    return plan_session(library.get("desk-break"))


class WallClock:
    """A wall clock that follows a FakeClock (monotonic) from a fixed offset datetime."""

    def __init__(self, clock: FakeClock, at: datetime | None = None) -> None:
        self.clock = clock
        self.origin = clock.time
        self.at = at or datetime(2025, 3, 3, 9, 0, tzinfo=CET)

    def __call__(self) -> datetime:
        return self.at + timedelta(seconds=self.clock.time - self.origin)


def crash(recorder) -> None:
    """What a crash does to a session: its process lets go of the live marker, which stays behind."""
    if recorder.marker is not None:
        recorder.marker.abandon()


def dead_writer(store, path: Path) -> None:
    """A live marker for `path` whose process is gone, as a crash leaves it."""
    store.live.claim(path).abandon()


def run_for(engine: Engine, clock: FakeClock, recorder, seconds: float, step: float = 1.0) -> None:
    """Let the session run for `seconds` of fake time, telling the recorder about every event batch."""
    if engine.started_at is None:
        recorder.update(engine, engine.start())
    elapsed = 0.0
    while elapsed < seconds and not engine.over:
        clock.advance(step)
        elapsed += step
        events = engine.poll()
        if events:
            recorder.update(engine, events)
        if engine.step is not None and engine.step.self_paced and not engine.over:
            recorder.update(engine, engine.next())
