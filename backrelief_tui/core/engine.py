"""The session state machine: walks a plan's Steps, and each rep's beats, on an injected monotonic clock.

Time left is always `deadline - clock()`; nothing counts ticks. When a step runs
out, the next deadline is the old deadline plus the next step's length, so a late
poll never makes the session drift, and a pause simply moves the deadline. A beat's
boundaries are measured back from the step's deadline, so they ride the same chain.
Every call returns the events that happened at that instant as one batch; the UI
turns them into text, the audio layer into sounds and the voice into speech.

Two things are not the person's doing and are handled here, once for every front end:

- A clock that jumps far past the last look (the process was stopped with SIGSTOP, or
  the machine slept on a system whose monotonic clock counts sleep) becomes a pause at
  the moment of the last look: the person picks up where they were, and the time away
  counts as paused, not as exercise.
- A resumed session (`resume_from(..., lead_in=...)`) starts with a get-ready of its
  own, so the person can get back into position before the step they were on begins.
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
from backrelief_tui.core.routine import Beat, Move

ADJUST_STEP = 5  # seconds added or taken by + / -
COUNTDOWN_FROM = 3
JUMP_SECONDS = 5.0
"""A gap between two looks at the clock longer than this is the clock jumping, not the session
running: the screen looks at least once a second while a step counts down."""


class State(StrEnum):
    READY = "ready"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"  # ran to the end
    STOPPED = "stopped"  # ended early by the person


class EventKind(StrEnum):
    STEP_STARTED = "step-started"
    BEAT = "beat"  # a beat of a rep (or of a hold) begins; `beat` is its index in the step
    COUNTDOWN = "countdown"  # 3, 2, 1 seconds left of a timed hold
    SIDE_SWITCH = "side-switch"
    MOVE_DONE = "move-done"
    SESSION_DONE = "session-done"
    PAUSED = "paused"
    RESUMED = "resumed"


class PauseReason(StrEnum):
    PERSON = "person"  # space, or a dialog that holds the session while it is open
    CLOCK_JUMP = "clock-jump"  # the process was stopped or the machine slept
    QUESTION = "question"  # "stop this session?" holds it: answered yes, it was the end, not a pause


@dataclass(frozen=True)
class Event:
    kind: EventKind
    step_index: int
    step: Step | None
    count: int | None = None  # the 3-2-1 countdown's number
    beat: int | None = None  # BEAT: the index of the beat in `step.beats`
    reason: PauseReason | None = None  # PAUSED: why


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


@dataclass(frozen=True)
class BeatNow:
    """Where the current step is within its beats."""

    index: int
    beat: Beat
    beats: tuple[Beat, ...]  # all of the step's beats, as in force
    elapsed: float  # active seconds into this beat

    @property
    def remaining(self) -> float:
        return max(0.0, self.beat.seconds - self.elapsed)

    @property
    def fraction(self) -> float:
        """How far through the beat, 0 to 1 (for the figure)."""
        return min(1.0, self.elapsed / self.beat.seconds) if self.beat.seconds else 1.0


class Engine:
    def __init__(self, plan: Plan, clock: Clock = time.monotonic, *, jump_after: float | None = JUMP_SECONDS) -> None:
        """`jump_after`: the gap between two looks at the clock that counts as a jump (None: never)."""
        self.plan = plan
        self.steps: tuple[Step, ...] = plan.steps
        self._clock = clock
        self._jump_after = jump_after
        self.state = State.READY
        self.index = 0
        self.log = [StepLog(step.seconds) for step in self.steps]
        self.started_at: float | None = None
        self.ended_at: float | None = None
        self.paused_seconds = 0.0
        self.pauses = 0
        self.pause_reason: PauseReason | None = None
        self.adjusted_holds: dict[str, int] = {}  # move id -> hold length set with + / -
        self.prelude: Step | None = None  # the get-ready before a resumed step, while it runs
        self._prelude_seconds = 0
        self._deadline = 0.0
        self._paused_at = 0.0  # meaningful while PAUSED
        self._remaining_at_pause = 0.0
        self._visit_started = 0.0
        self._visit_paused = 0.0
        self._last_look = 0.0  # the clock when the engine last looked (for clock jumps)
        self._counted: set[int] = set()
        self._beat = 0  # the index of the beat last announced in this visit
        self._last_work = self._last_work_step_of_each_move()

    # -- reading -------------------------------------------------------------------

    @property
    def step(self) -> Step | None:
        if self.prelude is not None:
            return self.prelude
        return self.steps[self.index] if self.index < len(self.steps) else None

    @property
    def current(self) -> Step:
        """The step in progress; only asked while the session is not over."""
        step = self.step
        if step is None:
            raise RuntimeError("the session is over: there is no current step")
        return step

    @property
    def running(self) -> bool:
        return self.state is State.RUNNING

    @property
    def over(self) -> bool:
        return self.state in (State.FINISHED, State.STOPPED)

    def now(self) -> float:
        return self._clock()

    def step_seconds(self, index: int | None = None) -> int:
        """The length in force of a step (planned, or changed with + / -); the prelude's own while it runs."""
        if index is None and self.prelude is not None:
            return self._prelude_seconds
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

    def beats(self) -> tuple[Beat, ...]:
        """The current step's beats, fitted to its length in force (none for a rest or a self-paced set)."""
        step = self.step
        if step is None or self.prelude is not None:
            return ()
        from backrelief_tui.core.plan import fit_beats

        return fit_beats(step.beats, self.step_seconds()) if step.beats else ()

    def beat_now(self) -> BeatNow | None:
        """The beat the body is in now, or None when the step has no beats."""
        beats = self.beats()
        if not beats:
            return None
        elapsed = self.step_seconds() - self.remaining()
        start = 0.0
        for index, beat in enumerate(beats):
            if elapsed < start + beat.seconds or index == len(beats) - 1:
                return BeatNow(index, beat, beats, max(0.0, elapsed - start))
            start += beat.seconds
        raise AssertionError("unreachable: the last beat catches the rest")

    def display_seconds(self) -> int:
        """The big number: whole seconds left of the current beat (of the step when it has one beat or
        none), rounded up; seconds elapsed when self-paced."""
        step = self.step
        if step is not None and step.self_paced:
            return int(self.elapsed_in_step())
        now = self.beat_now()
        if now is not None and len(now.beats) > 1:
            return math.ceil(now.remaining - 1e-9)
        return math.ceil(self.remaining() - 1e-9)

    def session_remaining(self) -> float:
        """Planned seconds left in the session: this step's remainder plus every step after it."""
        if self.over:
            return 0.0
        step = self.step
        current = self.remaining() if step and not step.self_paced else max(
            0.0, self.step_seconds() - self.elapsed_in_step())
        after = self.index if self.prelude is not None else self.index + 1
        return current + sum(self.log[i].planned for i in range(after, len(self.steps)))

    def move_remaining(self) -> float:
        """Planned seconds left of the current move's own steps (its work, switch and rests between reps)."""
        step = self.step
        if step is None or self.over or self.prelude is not None or step.is_transition:
            return 0.0
        later = range(self.index + 1, len(self.steps))
        own = [i for i in later if self.steps[i].move_index == step.move_index and not self.steps[i].is_transition]
        current = self.remaining() if not step.self_paced else max(0.0, self.step_seconds() - self.elapsed_in_step())
        return current + sum(self.log[i].planned for i in own)

    @property
    def total_planned(self) -> int:
        return sum(entry.planned for entry in self.log)

    def progress(self) -> float:
        total = self.total_planned
        return 1.0 if self.over or not total else max(0.0, min(1.0, 1 - self.session_remaining() / total))

    def active_seconds(self) -> float:
        in_step = 0.0 if self.over or self.state is State.READY or self.prelude is not None else self.elapsed_in_step()
        return sum(entry.active for entry in self.log) + in_step

    def next_wakeup(self) -> float | None:
        """The clock time at which the display changes or an event is due (None when idle)."""
        if self.state is not State.RUNNING:
            return None
        now = self._clock()
        if self.current.self_paced:
            elapsed = self.elapsed_in_step()
            return now + (math.floor(elapsed) + 1 - elapsed)
        # Beats last whole seconds from the step's start, so their ends fall on the same
        # whole seconds before the deadline as the countdown's.
        left = self._deadline - now
        whole = math.ceil(left - 1e-9)
        return self._deadline - (whole - 1) if whole > 0 else now

    # -- commands --------------------------------------------------------------------

    def start(self) -> list[Event]:
        if self.state is not State.READY or not self.steps:
            return []
        now = self._clock()
        self.started_at = now
        self._last_look = now
        self.state = State.RUNNING
        if self.prelude is not None:
            return self._begin_prelude(now)
        return self._enter(self.index, now)  # 0, or where `resume_from` put it

    def resume_from(self, index: int, log: Sequence[StepLog] | None = None, *, paused_seconds: float = 0.0,
                    pauses: int = 0, adjusted_holds: dict[str, int] | None = None, lead_in: int = 0) -> None:
        """Before `start()`: fast-forward to step `index`, carrying over an interrupted session.

        `log` is the interrupted session's step log (one entry per step); without it the
        steps before `index` count as done with no active time. `start()` then begins with
        a get-ready of `lead_in` seconds (none when 0), then step `index`, which runs in full.
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
        step = self.steps[index]
        if lead_in > 0 and step.phase is not Phase.LEAD_IN:
            self.prelude = Step(Phase.LEAD_IN, step.move, step.move_index, lead_in, side=step.side)
            self._prelude_seconds = lead_in

    def poll(self) -> list[Event]:
        """Advance to the clock's time: beats, countdowns, and every step whose deadline passed."""
        events: list[Event] = []
        now = self._clock()
        if self.state is State.RUNNING and self._jump_after is not None and now - self._last_look > self._jump_after:
            return self._pause_at(self._last_look, PauseReason.CLOCK_JUMP)
        self._look(now)
        while self.state is State.RUNNING and not self.current.self_paced:
            step = self.current
            if now < self._deadline:
                events += self._beats_until(now)
                if step.is_hold:
                    for count in range(COUNTDOWN_FROM, 0, -1):
                        if (count not in self._counted and count < self.step_seconds()
                                and now >= self._deadline - count):
                            self._counted.add(count)
                            events.append(Event(EventKind.COUNTDOWN, self.index, step, count))
                break
            if self.prelude is not None:
                events += self._end_prelude(at=self._deadline)
            else:
                events += self._leave(StepStatus.DONE, at=self._deadline)
        return events

    def pause(self, reason: PauseReason = PauseReason.PERSON) -> list[Event]:
        if self.state is not State.RUNNING:
            return []
        events = self.poll()  # settle anything already due before freezing time (or catch a clock jump)
        if self.state is not State.RUNNING:
            return events
        return [*events, *self._pause_at(self._clock(), reason)]

    def resume(self) -> list[Event]:
        if self.state is not State.PAUSED:
            return []
        now = self._clock()
        self._visit_paused += self._end_pause(now)
        self._deadline = now + self._remaining_at_pause
        self.state = State.RUNNING
        self.pause_reason = None
        self._look(now)
        return [Event(EventKind.RESUMED, self.index, self.step)]

    def toggle_pause(self) -> list[Event]:
        if self.state is State.READY:
            return self.start()
        return self.resume() if self.state is State.PAUSED else self.pause()

    def next(self) -> list[Event]:
        """Skip ahead; a self-paced step counts as done, a timed one as skipped (a resume's get-ready just ends)."""
        events = self._settle()
        if not self._in_session():
            return events
        if self.prelude is not None:
            return events + self._end_prelude(at=self._time_reference())
        status = StepStatus.DONE if self.current.self_paced else StepStatus.SKIPPED
        return events + self._leave(status, at=self._time_reference())

    def next_move(self) -> list[Event]:
        """Skip a whole move: the current one, or the one a get-ready or a rest is leading to.

        Its steps count as skipped; the session goes on at the rest before the move after it
        (or that move itself, when there is no rest).
        """
        events = self._settle()
        if not self._in_session():
            return events
        if self.prelude is not None:
            events += self._end_prelude(at=self._time_reference())
        step = self.current
        target = step.move_index + 1 if step.phase is Phase.REST and step.rep == 0 else step.move_index
        while self._in_session():
            step = self.current
            if step.move_index > target or (step.move_index == target and step.is_transition
                                            and step.phase is Phase.REST):
                break
            events += self._leave(StepStatus.SKIPPED, at=self._time_reference())
        return events

    def previous(self) -> list[Event]:
        """Go back to the start of the previous step (or restart the first)."""
        return self._jump(lambda index: max(0, index - 1))

    def restart_step(self) -> list[Event]:
        return self._jump(lambda index: index)

    def adjust(self, delta: int) -> int:
        """Add (or take) seconds from the current timed step; returns the change made.

        At least one second is always left, so taking time never ends a step by itself.
        A rep's hold beats take the change (`plan.fit_beats`).
        """
        # No poll here: a step whose time just ran out simply gets the extra time.
        if not self._in_session() or self.current.self_paced:
            return 0
        left = self.remaining()
        change = delta if left + delta >= 1 else min(0, math.ceil(1 - left))
        if left + change < 1:
            change = 0
        if self.prelude is not None:
            self._prelude_seconds += change
        else:
            self.log[self.index].planned += change
        if self.state is State.PAUSED:
            self._remaining_at_pause += change
        else:
            self._deadline += change
        self._counted = {count for count in self._counted if count >= left + change}
        step = self.current
        if change and step.is_hold and self.prelude is None:
            self.adjusted_holds[step.move.id] = self.log[self.index].planned
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
        if paused and self.pause_reason is PauseReason.QUESTION:
            self.pauses -= 1  # the session ended when the person asked to stop
            now = self._paused_at
        elif paused:
            self._end_pause(now)
        self.prelude = None
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
            own = [i for i in indices if not self.steps[i].is_transition]
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

    def _last_work_step_of_each_move(self) -> set[int]:
        last: dict[int, int] = {}
        for index, step in enumerate(self.steps):
            if step.phase is Phase.WORK:
                last[step.move_index] = index
        return set(last.values())

    def _in_session(self) -> bool:
        return self.state in (State.RUNNING, State.PAUSED)

    def _look(self, now: float) -> None:
        self._last_look = max(self._last_look, now)

    def _settle(self) -> list[Event]:
        """Catch up with the clock first, so a key acts on the step that is really current."""
        return self.poll() if self._in_session() else []

    def _pause_at(self, at: float, reason: PauseReason) -> list[Event]:
        """Pause as of `at` (now, or the last look before the clock jumped)."""
        self._paused_at = at
        self._remaining_at_pause = max(0.0, self._deadline - at)
        self.state = State.PAUSED
        self.pause_reason = reason
        self.pauses += 1
        return [Event(EventKind.PAUSED, self.index, self.step, reason=reason)]

    def _jump(self, target: Callable[[int], int]) -> list[Event]:
        """Start step `target(current index)` afresh, keeping the time spent so far."""
        events = self._settle()
        if not self._in_session():
            return events
        at = self._time_reference()
        if self.prelude is not None:
            self.prelude = None  # back, or again, from a resume's get-ready: into the step itself
            return events + self._enter(self.index, at)
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
        if self.prelude is None:
            self.log[self.index].active += max(0.0, at - self._visit_started - self._visit_paused)

    def _beats_until(self, now: float) -> list[Event]:
        """BEAT events for every beat that began since the last announced one, up to `now`."""
        beats = self.beats()
        if len(beats) < 2:
            return []
        elapsed = self.step_seconds() - max(0.0, self._deadline - now)
        events = []
        start = 0.0
        for index, beat in enumerate(beats):
            if index > self._beat and elapsed >= start:
                self._beat = index
                events.append(Event(EventKind.BEAT, self.index, self.step, beat=index))
            start += beat.seconds
        return events

    def _begin_prelude(self, at: float) -> list[Event]:
        self._visit_started = at
        self._visit_paused = 0.0
        self._counted = set()
        if self.state is State.PAUSED:
            self._remaining_at_pause = float(self._prelude_seconds)
        else:
            self._deadline = at + self._prelude_seconds
        return [Event(EventKind.STEP_STARTED, self.index, self.prelude)]

    def _end_prelude(self, at: float) -> list[Event]:
        self.prelude = None
        return self._enter(self.index, at)

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
        self._beat = 0
        seconds = self.step_seconds(index)
        if self.state is State.PAUSED:
            self._remaining_at_pause = float(seconds)
        else:
            self._deadline = at + seconds
        step = self.steps[index]
        events = [Event(EventKind.STEP_STARTED, index, step)]
        if len(self.beats()) > 1:
            events.append(Event(EventKind.BEAT, index, step, beat=0))
        if step.phase is Phase.SWITCH:
            events.append(Event(EventKind.SIDE_SWITCH, index, step))
        return events
