"""Session records inside the app: the recorder, the pain check-ins, resuming, the history key.

`BackReliefApp` mixes this in. Nothing here runs without a record store (the app
factory's default, which keeps the Pilot tests free of files): no recorder, no
check-in, no resume offer, and `h` says history is off.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from backrelief_tui.core.engine import Engine
    from backrelief_tui.core.recorder import Interrupted, Recorder
    from backrelief_tui.core.routine import Routine

# The recorder, the engine and the check-in screen load on first use, not before the
# picker's first frame (startup time is measured in `make bench`).


def local_now() -> datetime:
    """The wall clock with this machine's UTC offset."""
    from backrelief_tui.core.recorder import local_now as now

    return now()


class RecordingMixin:
    """Methods the app and the session screen call around a session."""

    record_store: Any
    wall_clock: Callable[[], datetime] = staticmethod(local_now)
    _record_error_shown: str | None = None

    # -- one session ------------------------------------------------------------------

    def new_recorder(self, routine: Routine, engine: Engine) -> Recorder | None:
        if self.record_store is None:
            return None
        from backrelief_tui.core.recorder import Recorder

        return Recorder(self.record_store, wall_clock=self.wall_clock)

    def ask_pain_before(self, recorder: Recorder | None, start: Callable[[], None]) -> None:
        """Ask the 0–10 check-in (if on), then start the session whatever the answer."""
        if not self._checks_in(recorder):
            start()
            return

        def answered(value: int | None) -> None:
            recorder.set_pain_before(value)
            start()

        from backrelief_tui.tui.screens.checkin import CheckinScreen

        self.push_screen(CheckinScreen("before"), answered)

    def after_session(self, engine: Engine, recorder: Recorder | None,
                      show_summary: Callable[[bool], None]) -> None:
        """The session ended and its record was written: show the summary, asking the check-in if on."""
        self.show_record_error(recorder)
        did_something = any(result.done_steps for result in engine.results())
        show_summary(self._checks_in(recorder) and getattr(recorder, "record", None) is not None
                     and did_something)

    def _checks_in(self, recorder: Any) -> bool:
        # Only with a real store and recorder (tests may hand the screen a stand-in).
        from backrelief_tui.core.recorder import Recorder

        return (self.settings.pain_checkin and self.record_store is not None
                and isinstance(recorder, Recorder))

    def show_record_error(self, recorder: Recorder | None) -> None:
        """Say once when saving the record fails, and once when it works again."""
        error = getattr(recorder, "error", None)
        if error and error != self._record_error_shown:
            self.notify(error, title="Session record", severity="error", timeout=20, markup=False)
        elif not error and self._record_error_shown:
            self.notify("The session record is saved again.", title="Session record", timeout=5)
        self._record_error_shown = error

    # -- interrupted sessions -------------------------------------------------------------

    def check_interrupted(self) -> None:
        """At start-up, in a thread: offer the session interrupted < 1 h ago; mark older ones stopped."""
        if self.record_store is not None:
            self.run_worker(self._find_interrupted, thread=True, group="interrupted", exclusive=True)

    def _find_interrupted(self) -> None:
        from backrelief_tui.core.recorder import interrupted_sessions

        offer, _stopped = interrupted_sessions(self.record_store, self.wall_clock())
        if offer is not None:
            self.call_from_thread(self.offer_resume, offer)

    def offer_resume(self, offer: Interrupted) -> None:
        from backrelief_tui.core.plan import plan_session
        from backrelief_tui.core.recorder import Recorder, resume_engine
        from backrelief_tui.tui.screens.resume import ResumeScreen
        from backrelief_tui.tui.screens.session import SessionScreen

        if len(self.screen_stack) > 1 or self._start_routine:
            return  # already busy (e.g. `backrelief run`): offered again next time, within the hour
        record = offer.record
        routine = self.library.get(record.routine)
        engine = (resume_engine(record, plan_session(routine, self.settings), self.clock) if routine is not None
                  else f"the routine {record.routine!r} is gone")
        if isinstance(engine, str):
            self.record_store.mark_stopped(offer.path)
            self.notify(f"Your interrupted {record.routine_title} session can't be resumed: {engine}. "
                        "It is kept in your history as stopped.", timeout=10, markup=False)
            return

        def answered(resume: bool | None) -> None:
            if not resume:
                self.record_store.mark_stopped(offer.path)
                return
            recorder = Recorder(self.record_store, wall_clock=self.wall_clock, resume=(offer.path, record))
            self.push_screen(SessionScreen(engine, title=routine.title, player=self.player, clock=self.clock,
                                           recorder=recorder))

        self.push_screen(ResumeScreen(offer, self.wall_clock()), answered)

    # -- history --------------------------------------------------------------------------

    def action_history(self) -> None:
        from backrelief_tui.tui.screens.history import HistoryScreen

        if self.record_store is None:
            self.notify("Session history is off in this run.", timeout=4)
            return
        if not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen(self.record_store, today=self.wall_clock().date()))
