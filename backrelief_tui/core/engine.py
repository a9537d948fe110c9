"""The session state machine: walks a plan's Steps on an injected monotonic clock.

Time left is always `deadline - clock()`; nothing counts ticks. When a step runs
out, the next deadline is the old deadline plus the next step's length, so a late
poll never makes the session drift, and a pause simply moves the deadline. Every
call returns the events that happened at that instant as one batch; the UI turns
them into text and the audio layer into sounds.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from backrelief_tui.core.clock import Clock
from backrelief_tui.core.plan import Phase, Plan, Step
from backrelief_tui.core.records import MoveStatus
from backrelief_tui.core.routine import Move

ADJUST_STEP = 5  # seconds added or taken by + / -
COUNTDOWN_FROM = 3


class State(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"  # ran to the end
    STOPPED = "stopped"  # ended early by the person


class EventKind(StrEnum):
    STEP_STARTED = "step-started"
    COUNTDOWN = "countdown"  # 3, 2, 1 seconds left of a timed hold
    SIDE_SWITCH = "side-switch"
    MOVE_DONE = "move-done"
    SESSION_DONE = "session-done"
    PAUSED = "paused"
    RESUMED = "resumed"


@dataclass(frozen=True)
class Event:
    kind: EventKind
    step_index: int
    step: Step | None
    count: int | None = None


class StepStatus(StrEnum):
    PENDING = "pending"
    DONE = "done"
    SKIPPED = "skipped"


@dataclass
class StepLog:
    """What happened to one step: its length in force and the active time spent on it."""

    planned: int
    active: float = 0.0
    status: StepStatus = StepStatus.PENDING


@dataclass(frozen=True)
class MoveResult:
    """One move's outcome, for the summary and the session record."""

    move: Move
    planned_seconds: int
    active_seconds: float
    work_steps: int
    done_steps: int
    skipped_steps: int

    @property
    def status(self) -> MoveStatus:
        if self.done_steps == self.work_steps:
            return MoveStatus.DONE
        if self.done_steps:
            return MoveStatus.PARTIAL
        return MoveStatus.SKIPPED if self.skipped_steps else MoveStatus.NOT_REACHED


class Engine:
    def __init__(self, plan: Plan, clock: Clock = time.monotonic) -> None:
        self.plan = plan
        self.steps: tuple[Step, ...] = plan.steps
        self._clock = clock
        self.state = State.READY
        self.index = 0
        self.log = [StepLog(step.seconds) for step in self.steps]
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self.paused_seconds = 0.0
        self.pauses = 0
        self.adjusted_holds: dict[str, int] = {}  # move id -> hold length set with + / -
        self._deadline = 0.0
        self._paused_at = 0.0  # meaningful while PAUSED
        self._remaining_at_pause = 0.0
        self._visit_started = 0.0
        self._visit_paused = 0.0
        self._counted: set[int] = set()
        self._last_work = self._last_work_step_of_each_move()

    # -- reading -------------------------------------------------------------------

    @property
    def step(self) -> Step | None:
        return self.steps[self.index] if self.index < len(self.steps) else None

    @property
    def current(self) -> Step:
        """The step in progress; only asked while the session is not over."""
        if self.index >= len(self.steps):
            raise RuntimeError("the session is over: there is no current step")
        return self.steps[self.index]

    @property
    def running(self) -> bool:
        return self.state is State.RUNNING

    @property
    def over(self) -> bool:
        return self.state in (State.FINISHED, State.STOPPED)

    def now(self) -> float:
        return self._clock()

    def step_seconds(self, index: int | None = None) -> int:
        """The length in force of a step (planned, or changed with + / -)."""
        return self.log[self.index if index is None else index].planned

    def remaining(self) -> float:
        """Seconds left in the current step; 0 for a self-paced step or when over."""
        step = self.step
        if step is None or self.over or step.self_paced:
            return 0.0
        if self.state is State.READY:
            return float(self.step_seconds())
        if self.state is State.PAUSED:
            return self._remaining_at_pause
        return max(0.0, self._deadline - self._clock())

    def elapsed_in_step(self) -> float:
        """Active seconds in the current visit of the current step."""
        if self.state is State.READY or self.over:
            return 0.0
        reference = self._paused_at if self.state is State.PAUSED else self._clock()
        return max(0.0, reference - self._visit_started - self._visit_paused)

    def display_seconds(self) -> int:
        """The number to show: whole seconds left (rounded up), or seconds elapsed when self-paced."""
        step = self.step
        if step is not None and step.self_paced:
            return int(self.elapsed_in_step())
        return math.ceil(self.remaining() - 1e-9)

    def session_remaining(self) -> float:
        """Planned seconds left in the session: this step's remainder plus every step after it."""
        if self.over:
            return 0.0
        step = self.step
        current = self.remaining() if step and not step.self_paced else max(
            0.0, self.step_seconds() - self.elapsed_in_step())
        return current + sum(self.log[i].planned for i in range(self.index + 1, len(self.steps)))

    @property
    def total_planned(self) -> int:
        return sum(entry.planned for entry in self.log)

    def progress(self) -> float:
        total = self.total_planned
        return 1.0 if self.over or not total else max(0.0, min(1.0, 1 - self.session_remaining() / total))

    def active_seconds(self) -> float:
        return sum(entry.active for entry in self.log) + (
            0.0 if self.over or self.state is State.READY else self.elapsed_in_step())

    def next_wakeup(self) -> float | None:
        """The clock time at which the display changes or an event is due (None when idle)."""
        if self.state is not State.RUNNING:
            return None
        now = self._clock()
        if self.current.self_paced:
            elapsed = self.elapsed_in_step()
            return now + (math.floor(elapsed) + 1 - elapsed)
        left = self._deadline - now
        whole = math.ceil(left - 1e-9)
        return self._deadline - (whole - 1) if whole > 0 else now

    # -- commands --------------------------------------------------------------------

    def start(self) -> list[Event]:
        if self.state is not State.READY or not self.steps:
            return []
        now = self._clock()
        self.started_at = now
        self.state = State.RUNNING
        return self._enter(self.index, now)  # 0, or where `resume_from` put it

    def resume_from(self, index: int, log: Sequence[StepLog] | None = None, *, paused_seconds: float = 0.0,
                    pauses: int = 0, adjusted_holds: dict[str, int] | None = None) -> None:
        """Before `start()`: fast-forward to step `index`, carrying over an interrupted session.

        `log` is the interrupted session's step log (one entry per step); without it the
        steps before `index` count as done with no active time. `start()` then begins at
        step `index`, which runs in full.
        """
        if self.state is not State.READY:
            raise RuntimeError("resume_from() is only for an engine that has not started")
        if not 0 <= index < len(self.steps):
            raise ValueError(f"step {index} is not in this plan of {len(self.steps)} steps")
        if log is not None:
            if len(log) != len(self.steps):
                raise ValueError(f"the log has {len(log)} entries for {len(self.steps)} steps")
            self.log = [StepLog(entry.planned, entry.active, entry.status) for entry in log]
        else:
            for entry in self.log[:index]:
                entry.status = StepStatus.DONE
        self.log[index] = StepLog(self.log[index].planned)  # the step in progress starts again
        self.index = index
        self.paused_seconds = paused_seconds
        self.pauses = pauses
        self.adjusted_holds = dict(adjusted_holds or {})

    def poll(self) -> list[Event]:
        """Advance to the clock's time: emit countdowns and finish every step whose deadline passed."""
        events: list[Event] = []
        now = self._clock()
        while self.state is State.RUNNING and not self.current.self_paced:
            step = self.current
            if step.is_hold and now < self._deadline:
                for count in range(COUNTDOWN_FROM, 0, -1):
                    if count not in self._counted and count < self.step_seconds() and now >= self._deadline - count:
                        self._counted.add(count)
                        events.append(Event(EventKind.COUNTDOWN, self.index, step, count))
            if now < self._deadline:
                break
            events += self._leave(StepStatus.DONE, at=self._deadline)
        return events

    def pause(self) -> list[Event]:
        if self.state is not State.RUNNING:
            return []
        events = self.poll()  # settle anything already due before freezing time
        if self.state is not State.RUNNING:
            return events
        now = self._clock()
        self._paused_at = now
        self._remaining_at_pause = max(0.0, self._deadline - now)
        self.state = State.PAUSED
        self.pauses += 1
        return [*events, Event(EventKind.PAUSED, self.index, self.step)]

    def resume(self) -> list[Event]:
        if self.state is not State.PAUSED:
            return []
        now = self._clock()
        self._visit_paused += self._end_pause(now)
        self._deadline = now + self._remaining_at_pause
        self.state = State.RUNNING
        return [Event(EventKind.RESUMED, self.index, self.step)]

    def toggle_pause(self) -> list[Event]:
        if self.state is State.READY:
            return self.start()
        return self.resume() if self.state is State.PAUSED else self.pause()

    def next(self) -> list[Event]:
        """Skip ahead; a self-paced step counts as done, a timed one as skipped."""
        events = self._settle()
        if not self._in_session():
            return events
        status = StepStatus.DONE if self.current.self_paced else StepStatus.SKIPPED
        return events + self._leave(status, at=self._time_reference())

    def previous(self) -> list[Event]:
        """Go back to the start of the previous step (or restart the first)."""
        return self._jump(lambda index: max(0, index - 1))

    def restart_step(self) -> list[Event]:
        return self._jump(lambda index: index)

    def adjust(self, delta: int) -> int:
        """Add (or take) seconds from the current timed step; returns the change made.

        At least one second is always left, so taking time never ends a step by itself.
        """
        # No poll here: a step whose time just ran out simply gets the extra time.
        if not self._in_session() or self.current.self_paced:
            return 0
        left = self.remaining()
        change = delta if left + delta >= 1 else min(0, math.ceil(1 - left))
        if left + change < 1:
            change = 0
        entry = self.log[self.index]
        entry.planned += change
        if self.state is State.PAUSED:
            self._remaining_at_pause += change
        else:
            self._deadline += change
        self._counted = {count for count in self._counted if count >= left + change}
        step = self.current
        if change and step.is_hold:
            self.adjusted_holds[step.move.id] = entry.planned
        return change

    def stop(self) -> None:
        """End the session early (quit); what was done so far stays in the log."""
        if self.over:
            return
        if self.state is State.READY:
            self.state = State.STOPPED
            return
        if self.state is State.RUNNING:
            self.poll()
            if self.over:
                return
        now = self._clock()
        paused = self.state is State.PAUSED
        self._close_visit(self._paused_at if paused else now)
        if paused:
            self._end_pause(now)
        self.ended_at = now
        self.state = State.STOPPED

    # -- results ---------------------------------------------------------------------

    def results(self) -> list[MoveResult]:
        """Per-move outcome, in plan order."""
        grouped: dict[int, list[int]] = {}
        for index, step in enumerate(self.steps):
            grouped.setdefault(step.move_index, []).append(index)
        results = []
        for indices in grouped.values():
            own = [i for i in indices if not self._is_transition(i)]
            work = [i for i in own if self.steps[i].phase is Phase.WORK]
            results.append(MoveResult(
                move=self.steps[indices[0]].move,
                planned_seconds=sum(self.log[i].planned for i in own),
                active_seconds=sum(self.log[i].active for i in own),
                work_steps=len(work),
                done_steps=sum(self.log[i].status is StepStatus.DONE for i in work),
                skipped_steps=sum(self.log[i].status is StepStatus.SKIPPED for i in work),
            ))
        return results

    def steps_finished(self) -> int:
        return sum(entry.status is not StepStatus.PENDING for entry in self.log)

    # -- internals -------------------------------------------------------------------

    def _is_transition(self, index: int) -> bool:
        """The lead-in and the rests between moves belong to no move's own time."""
        step = self.steps[index]
        return step.phase is Phase.LEAD_IN or (step.phase is Phase.REST and step.rep == 0)

    def _last_work_step_of_each_move(self) -> set[int]:
        last: dict[int, int] = {}
        for index, step in enumerate(self.steps):
            if step.phase is Phase.WORK:
                last[step.move_index] = index
        return set(last.values())

    def _in_session(self) -> bool:
        return self.state in (State.RUNNING, State.PAUSED)

    def _settle(self) -> list[Event]:
        """Catch up with the clock first, so a key acts on the step that is really current."""
        return self.poll() if self._in_session() else []

    def _jump(self, target: Callable[[int], int]) -> list[Event]:
        """Start step `target(current index)` afresh, keeping the time spent so far."""
        events = self._settle()
        if not self._in_session():
            return events
        at = self._time_reference()
        self._close_visit(at)
        return events + self._enter(target(self.index), at)

    def _end_pause(self, now: float) -> float:
        """Count the pause that ends at `now` as paused time; returns its length."""
        length = now - self._paused_at
        self.paused_seconds += length
        return length

    def _time_reference(self) -> float:
        return self._paused_at if self.state is State.PAUSED else self._clock()

    def _close_visit(self, at: float) -> None:
        """Add the active time of the current visit (up to `at`) to the current step's log."""
        self.log[self.index].active += max(0.0, at - self._visit_started - self._visit_paused)

    def _leave(self, status: StepStatus, at: float) -> list[Event]:
        """Finish the current step with `status` and move forward."""
        self._close_visit(at)
        self.log[self.index].status = status
        events = []
        left = self.index
        if left in self._last_work and status is StepStatus.DONE:
            events.append(Event(EventKind.MOVE_DONE, left, self.steps[left]))
        if left + 1 >= len(self.steps):
            self.index = len(self.steps)
            if self.state is State.PAUSED:
                at = self._clock()
                self._end_pause(at)
            self.ended_at = at
            self.state = State.FINISHED
            events.append(Event(EventKind.SESSION_DONE, left, None))
            return events
        return events + self._enter(left + 1, at)

    def _enter(self, index: int, at: float) -> list[Event]:
        """Begin step `index` at time `at` (its deadline counts from there)."""
        self.index = index
        self._visit_started = at
        self._visit_paused = 0.0
        self._counted = set()
        seconds = self.step_seconds(index)
        if self.state is State.PAUSED:
            self._remaining_at_pause = float(seconds)
        else:
            self._deadline = at + seconds
        step = self.steps[index]
        events = [Event(EventKind.STEP_STARTED, index, step)]
        if step.phase is Phase.SWITCH:
            events.append(Event(EventKind.SIDE_SWITCH, index, step))
        return events

