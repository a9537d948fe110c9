"""Keeps a running session's record file up to date, and brings interrupted sessions back.

The session screen calls `update(engine, events)` after every engine call that
returned events and `finish(engine)` when the session ends. The file is created when
the engine starts and rewritten atomically whenever a step finishes (and on pause,
skip, back, quit), so a crash or `kill -9` at any moment leaves a valid file with
every step finished before it. A failed write (read-only or full disk) never stops
the session: the latest record stays in memory, `error` says what went wrong, and
the next update tries again.

While its record says "in-progress", the recorder holds the record's live marker
(core/live.py): a lock that dies with the process. That is how the next start finds
an interrupted session without reading the history, and how a second window knows
the session is running and leaves it alone. A recorder that finds the marker held by
another process does not write at all.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Protocol

from backrelief_tui.core.clock import Clock, WallClock, local_now
from backrelief_tui.core.engine import Engine, State, StepLog, StepStatus
from backrelief_tui.core.live import LiveMarker
from backrelief_tui.core.plan import Phase, Plan
from backrelief_tui.core.records import (
    STEP_CODES,
    MoveRecord,
    Progress,
    SessionRecord,
    SessionStatus,
    SideRecord,
    Unreadable,
)
from backrelief_tui.core.routine import Kind
from backrelief_tui.core.schedule import note_session_end
from backrelief_tui.core.store import RecordStore

RESUME_WITHIN = timedelta(hours=1)
CLOCK_SLACK = timedelta(minutes=2)  # how far in the future a record's end may be (clocks differ a little)
_CODE_OF_STATUS = {StepStatus(status): code for code, status in STEP_CODES.items()}
_SESSION_STATUS = {State.FINISHED: SessionStatus.COMPLETED, State.STOPPED: SessionStatus.STOPPED}


class SessionRecorder(Protocol):
    """What a running session needs from whoever keeps its record (`Recorder`, or a test's stand-in)."""

    record: SessionRecord | None
    error: str | None

    def update(self, engine: Engine, events: Iterable[object] = ()) -> None: ...

    def finish(self, engine: Engine) -> SessionRecord | None: ...

    def set_pain_before(self, value: int | None) -> None: ...

    def set_pain_after(self, value: int | None) -> None: ...


def new_record_id() -> str:
    return secrets.token_hex(3)


class Recorder:
    """Writes one session's record; see the module docstring for when and how."""

    def __init__(self, store: RecordStore, *, wall_clock: WallClock = local_now, pain_before: int | None = None,
                 resume: tuple[Path, SessionRecord] | None = None) -> None:
        self.store = store
        self.error: str | None = None
        self.path: Path | None = None
        self.record: SessionRecord | None = None
        self.saves = 0
        self._wall = wall_clock
        self._pain_before = pain_before
        self._pain_after: int | None = None
        self._note = ""
        self._resumed: SessionRecord | None = None
        self._started: datetime | None = None
        self._id = new_record_id()
        self._signature: tuple[int, int, int, State] | None = None
        self._dirty = False
        self._marker: LiveMarker | None = None
        self._no_marker = False  # the marker could not be made (read-only state folder): go on without
        self._elsewhere = False  # another process holds the marker: this recorder never writes
        if resume is not None:
            self.path, self._resumed = resume
            self._id = self._resumed.id
            self._started = self._resumed.started
            self._pain_before = self._resumed.pain_before
            self._note = self._resumed.note

    # -- the contract with the session screen -----------------------------------------

    def update(self, engine: Engine, events: Iterable[object] = ()) -> None:
        """Save when something worth keeping changed (a step ended, a pause, the end), or retry a failed save."""
        if engine.started_at is None:
            return  # nothing happened yet: no file for a session never started
        signature = (engine.index, engine.steps_finished(), engine.pauses, engine.state)
        if signature == self._signature and not self._dirty:
            return
        self._signature = signature
        self.record = self.snapshot(engine)
        self._save()

    def finish(self, engine: Engine) -> SessionRecord | None:
        """The session ended (finished or quit): write its final record."""
        if engine.started_at is None:
            return None
        self._signature = None
        self.update(engine)
        note_session_end(self.record, self.store.root)  # a break that counts restarts the nudges' wait
        return self.record

    def set_pain_before(self, value: int | None) -> None:
        self._pain_before = value
        self._amend(pain_before=value)

    def set_pain_after(self, value: int | None) -> None:
        self._pain_after = value
        self._amend(pain_after=value)

    def set_note(self, text: str) -> None:
        self._note = text.strip()
        self._amend(note=self._note)

    @property
    def marker(self) -> LiveMarker | None:
        """The live marker held while the record is in progress (None before the first save and after the end)."""
        return self._marker

    # -- building the record ------------------------------------------------------------

    def snapshot(self, engine: Engine) -> SessionRecord:
        """The record for the engine as it is now."""
        now = self._wall()
        if self._started is None:
            started_at = engine.started_at if engine.started_at is not None else engine.now()
            self._started = now - timedelta(seconds=max(0.0, engine.now() - started_at))
        ended = now
        if engine.ended_at is not None:
            ended = now - timedelta(seconds=max(0.0, engine.now() - engine.ended_at))
        routine = engine.plan.routine
        return SessionRecord(
            id=self._id,
            routine=routine.id,
            routine_title=routine.title,
            started=self._started,
            ended=max(ended, self._started),
            status=_SESSION_STATUS.get(engine.state, SessionStatus.IN_PROGRESS),
            planned_seconds=engine.total_planned,
            active_seconds=sum(entry.active for entry in engine.log),
            paused_seconds=engine.paused_seconds,
            pauses=engine.pauses,
            steps_total=len(engine.steps),
            steps_finished=engine.steps_finished(),
            moves=tuple(move_records(engine)),
            progress=Progress(
                next_step=min(engine.index, len(engine.steps)),
                steps="".join(_CODE_OF_STATUS[entry.status] for entry in engine.log),
                planned=tuple(entry.planned for entry in engine.log),
                active=tuple(round(entry.active, 1) for entry in engine.log),
            ),
            pain_before=self._pain_before,
            pain_after=self._pain_after,
            note=self._note,
            resumes=self._resumed.resumes + 1 if self._resumed else 0,
        )

    def _amend(self, **changes: Any) -> None:
        if self.record is None:
            return  # kept for the first save
        self.record = replace(self.record, **changes)
        self._save()

    def _save(self) -> None:
        record = self.record
        if record is None:
            return
        if self.path is None:
            self.path = self.store.path_for(record)
        if self._elsewhere or record.status is SessionStatus.IN_PROGRESS and not self._hold_marker(self.path):
            self._elsewhere = True
            self._dirty = True
            self.error = ("This session is being recorded by another backrelief window, "
                          "so this one does not save it.")
            return
        try:
            self.store.save(self.path, record)
        except OSError as error:
            self._dirty = True
            reason = error.strerror or str(error)
            self.error = (f"Can't save this session ({reason}: {self.path.parent}). "
                          "It goes on, and is saved as soon as the disk allows.")
            return
        self._dirty = False
        self.error = None
        self.saves += 1
        if record.status is not SessionStatus.IN_PROGRESS and self._marker is not None:
            self._marker.release()  # over, and saved as over: nothing left to resume
            self._marker = None

    def _hold_marker(self, path: Path) -> bool:
        """Hold the record's live marker while it is in progress; False when another process holds it."""
        if self._marker is not None and self._marker.held or self._no_marker:
            return True
        try:
            self._marker = self.store.live.claim(path)
        except OSError:
            self._no_marker = True  # no marker, no resume offer after a crash; the session still goes on
            return True
        return self._marker is not None


def move_records(engine: Engine) -> list[MoveRecord]:
    """Per move: the numbers in force and planned vs done, per side."""
    steps, log = engine.steps, engine.log
    rest_after: dict[int, int] = {}
    parts: dict[int, dict[str, list[int]]] = {}
    for index, step in enumerate(steps):
        if step.phase is Phase.REST and step.rep == 0:
            rest_after[step.move_index] = log[index].planned
        if step.phase is not Phase.WORK:
            continue
        side = str(step.side) if step.side else "none"
        reps = step.move.reps if step.self_paced else 1
        # planned seconds, done tenths of a second, reps planned, reps done
        part = parts.setdefault(step.move_index, {}).setdefault(side, [0, 0, 0, 0])
        part[0] += log[index].planned
        part[1] += round(log[index].active * 10)
        part[2] += reps
        part[3] += reps if log[index].status is StepStatus.DONE else 0
    records = []
    for move_index, result in enumerate(engine.results()):
        move = result.move
        records.append(MoveRecord(
            id=move.id,
            name=move.name,
            kind=move.kind,
            status=result.status,
            planned_seconds=result.planned_seconds,
            done_seconds=round(result.active_seconds, 1),
            hold=move.hold,
            reps=move.reps,
            sides=move.sides,
            rest=rest_after.get(move_index, 0),
            rep_rest=move.rep_rest,
            tempo=move.tempo if move.kind is Kind.REPS else None,
            hold_changed=engine.adjusted_holds.get(move.id),
            per_side=tuple(SideRecord(side, planned, done / 10, reps_planned, reps_done)
                           for side, (planned, done, reps_planned, reps_done)
                           in parts.get(move_index, {}).items()),
        ))
    return records


# -- interrupted sessions ------------------------------------------------------------


@dataclass(frozen=True)
class Interrupted:
    """An in-progress record left behind by a session that did not end.

    While this is kept, this process holds the record's live marker, so no other
    window offers it too; a `Recorder` resuming it takes the marker over, and
    `RecordStore.mark_stopped` releases it.
    """

    path: Path
    record: SessionRecord
    marker: LiveMarker | None = field(default=None, compare=False, repr=False)

    def age(self, now: datetime) -> timedelta:
        return max(timedelta(0), now - self.record.ended)


@dataclass(frozen=True)
class Interruptions:
    """What start-up found in the live folder (never in the history)."""

    offer: Interrupted | None  # the newest session interrupted less than an hour ago, if it can be resumed
    stopped: list[Path]  # older interrupted sessions, now marked stopped
    elsewhere: list[Path]  # records another running backrelief on this machine is writing: not ours to touch


def find_interrupted(store: RecordStore, now: datetime, within: timedelta = RESUME_WITHIN) -> Interruptions:
    """Sessions whose process died, from their live markers: O(1) in the size of the history.

    Only one session is offered; any other interrupted record is over for good and gets
    `stopped` (its status line, nothing else). A marker whose record is not in progress
    any more, is missing or unreadable is removed, and the file is never touched.
    In-progress records without a marker (left by a version before markers, or synced
    from another machine) are not looked for.
    """
    survey = store.live.survey()
    candidates = []
    for marker in survey.dead:
        record = store.load(marker.record)
        if isinstance(record, Unreadable) or record.status is not SessionStatus.IN_PROGRESS:
            marker.release()
            continue
        candidates.append(Interrupted(marker.record, record, marker))
    candidates.sort(key=lambda item: item.record.ended, reverse=True)
    offer = None
    # A record that says it ended in the future (a clock that was wrong, a file from elsewhere) is
    # never "stopped less than a minute ago": it is not offered, and is stopped like an old one.
    in_time = [item for item in candidates if item.record.ended <= now + CLOCK_SLACK]
    if in_time and in_time[0].age(now) < within and _resumable(in_time[0].record):
        offer = in_time[0]
        candidates.remove(offer)
    stopped = [item.path for item in candidates if store.mark_stopped(item.path)]
    return Interruptions(offer, stopped, survey.elsewhere)


def interrupted_sessions(store: RecordStore, now: datetime,
                         within: timedelta = RESUME_WITHIN) -> tuple[Interrupted | None, list[Path]]:
    """`find_interrupted` as (offer, stopped), for callers that do not show sessions running elsewhere."""
    found = find_interrupted(store, now, within)
    return found.offer, found.stopped


def _resumable(record: SessionRecord) -> bool:
    progress = record.progress
    return progress is not None and progress.next_step < record.steps_total


def resume_engine(record: SessionRecord, plan: Plan, clock: Clock, *, lead_in: int = 0) -> Engine | str:
    """An engine fast-forwarded to where `record` stopped, or why that cannot be done.

    The plan must lay out the same steps as the session did (same moves, same count);
    if the routine or the settings changed since, the session cannot be picked up. The
    engine begins with a get-ready of `lead_in` seconds, to get back into position.
    """
    progress = record.progress
    if progress is None or not _resumable(record):
        return "this session has no step to go back to"
    if len(plan.steps) != record.steps_total or [m.id for m in plan.moves] != [m.id for m in record.moves]:
        return "the routine or your settings changed since, so its steps no longer line up"
    engine = Engine(plan, clock)
    log = [StepLog(planned, active, StepStatus(STEP_CODES[code]))
           for code, planned, active in zip(progress.steps, progress.planned, progress.active, strict=True)]
    adjusted = {move.id: move.hold_changed for move in record.moves if move.hold_changed is not None}
    engine.resume_from(progress.next_step, log, paused_seconds=record.paused_seconds, pauses=record.pauses,
                       adjusted_holds=adjusted, lead_in=lead_in)
    return engine
