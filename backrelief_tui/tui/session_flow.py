"""A session's way through the app: check-in, session, summary — and picking up one cut short.

One object owns it, made by `build_app`: the sound player and the record store (each
made on first use, so neither delays the picker's first frame), a recorder per session
(from an injected factory), the pain check-ins before and after, the offer at start-up
to resume a session cut short, and the switch from a session to its summary. Screens
call it; it never reaches into them. The questions around sessions (the red-flag check,
the next-morning question) and the journal they go to are its `asking` (tui/asking.py).
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from backrelief_tui.core.clock import Clock, WallClock
from backrelief_tui.core.settings import Settings
from backrelief_tui.tui.asking import Asking

if TYPE_CHECKING:
    from textual.timer import Timer

    from backrelief_tui.audio import Player
    from backrelief_tui.core.engine import Engine, Event
    from backrelief_tui.core.recorder import Interrupted, SessionRecorder
    from backrelief_tui.core.redflags import RedFlagCheck
    from backrelief_tui.core.routine import Routine
    from backrelief_tui.core.store import RecordStore
    from backrelief_tui.tui.app import BackReliefApp
    from backrelief_tui.voice import SpokenCoach

# The engine, the recorder, the audio layer and the session screens load on first use:
# the picker's first frame does not wait for them (start-up is measured in `make bench`).



class PlayerFactory(Protocol):
    """Makes the best player there is (`audio.make_player`; tests pass their own)."""

    def __call__(self, *, enabled: bool, volume: float) -> Player: ...


RETRY_SECONDS = 5.0
"""How often a session record that could not be saved at the end (a full disk) is tried again."""
VOICE_SETTINGS = ("voice_coach", "voice_name", "voice_rate", "voice_volume", "voice_countdown")
StoreFactory = Callable[[], "RecordStore"]
RecorderFactory = Callable[["RecordStore | None"], "SessionRecorder | None"]
"""The record store (None when this run keeps no records) -> the recorder for a new session."""


@dataclass
class Session:
    """One session in the app: the routine, its engine, and who keeps its record (if anyone)."""

    routine: Routine
    engine: Engine
    recorder: SessionRecorder | None


class SessionFlow:
    """Starts, resumes and ends sessions; see the module docstring."""

    retry_seconds = RETRY_SECONDS

    def __init__(self, *, clock: Clock, wall_clock: WallClock, player: Player | None = None,
                 player_factory: PlayerFactory | None = None, record_store: RecordStore | None = None,
                 record_store_factory: StoreFactory | None = None,
                 recorder_factory: RecorderFactory | None = None, journal_path: Path | None = None) -> None:
        self.clock = clock
        self.wall_clock = wall_clock
        self._player = player
        self._player_factory = player_factory
        self._store = record_store
        self._store_factory = record_store_factory
        self._recorder_factory = recorder_factory or self._real_recorder
        self.current: Session | None = None
        self._coach: SpokenCoach | None = None
        self._voice_notice: str | None = None
        self._app: BackReliefApp | None = None
        self._notices_shown: set[str] = set()
        self._record_error_shown: str | None = None
        self.unsaved: Session | None = None  # a session over, whose final record is not on disk yet
        self._retry: Timer | None = None
        self.asking = Asking(self, journal_path)

    def bind(self, app: BackReliefApp) -> None:
        """The app this flow runs in (it pushes the screens and shows the notices)."""
        self._app = app

    @property
    def app(self) -> BackReliefApp:
        if self._app is None:
            raise RuntimeError("the session flow is not bound to an app yet")
        return self._app

    # -- the sound player ----------------------------------------------------------------

    @property
    def player(self) -> Player:
        """The sound player, made on first use (opening the audio device takes a while)."""
        if self._player is None:
            if self._player_factory is not None:
                settings = self.app.settings
                self._player = self._player_factory(enabled=settings.sound, volume=settings.volume)
            else:
                from backrelief_tui.audio import SilentPlayer

                self._player = SilentPlayer()
            self.show_player_notice()
        return self._player

    @property
    def player_made(self) -> bool:
        return self._player is not None

    def show_player_notice(self) -> None:
        """Say once why sound fell back (the player sets `notice` when it gives up).

        Not over a running session: its top bar says "bell only" already, and a toast there
        would cover the next move, the progress and the buttons.
        """
        notice = self._player.notice if self._player is not None else None
        if notice and notice not in self._notices_shown and not self.session_running:
            self._notices_shown.add(notice)
            self.app.notify(notice, title="Sound", severity="warning", timeout=10, markup=False)

    @property
    def session_running(self) -> bool:
        return self.current is not None and not self.current.engine.over

    def follow_sound_settings(self, old: Settings, new: Settings) -> None:
        """Sound turned on or off makes a new player (keeping mute); a new volume applies at once;
        a changed voice makes a new coach."""
        if self._player is None:
            return  # not made yet: it will be made from the new settings
        if new.sound != old.sound and self._player_factory is not None:
            muted = self._player.muted
            self._player = self._player_factory(enabled=new.sound, volume=new.volume)
            self._player.muted = muted
            self._coach = None
            self.show_player_notice()
        elif new.volume != old.volume:
            self._player.volume = new.volume
        if any(getattr(old, name) != getattr(new, name) for name in VOICE_SETTINGS):
            self._coach = None

    # -- the spoken coach ------------------------------------------------------------------

    @property
    def coach(self) -> SpokenCoach:
        """The voice, made with the player (quiet when the voice or the sound is off)."""
        if self._coach is None:
            from backrelief_tui.voice import SpokenCoach

            self._coach = SpokenCoach.from_settings(self.app.settings, self.player)
        return self._coach

    @property
    def voice_notice(self) -> str | None:
        """Why the voice is quiet, once it is known (the session's top bar says it)."""
        if self._voice_notice is None and self._coach is not None:
            self._voice_notice = self._coach.take_notice()
        return self._voice_notice

    def sound(self, events: list[Event]) -> bool:
        """Play the cue for a batch of events; True when an important cue could not sound (flash instead)."""
        from backrelief_tui.audio import IMPORTANT_CUES, Backend, cue_for_events

        cue = cue_for_events(events)
        player = self.player
        played = player.play(cue) if cue is not None else False
        self.coach.hear(events)  # after the cue, so a phrase follows it
        self.show_player_notice()
        if cue is None or played or cue not in IMPORTANT_CUES:
            return False
        if player.backend is Backend.BELL and not player.muted:
            self.app.bell()
        return True

    # -- the record store ----------------------------------------------------------------

    @property
    def store(self) -> RecordStore | None:
        """Where sessions are saved; None when this run keeps no records (the tests' default)."""
        if self._store is None and self._store_factory is not None:
            self._store = self._store_factory()
        return self._store

    def _real_recorder(self, store: RecordStore | None) -> SessionRecorder | None:
        if store is None:
            return None
        from backrelief_tui.core.recorder import Recorder

        return Recorder(store, wall_clock=self.wall_clock)

    # -- one session ---------------------------------------------------------------------

    def start(self, routine: Routine) -> None:
        """Start `routine`: back to the picker, the pain check-in (if on), then the session."""
        from backrelief_tui.core.engine import Engine
        from backrelief_tui.core.plan import plan_session

        app = self.app
        self.player  # noqa: B018  made now, so its notice shows before the session rather than in it
        if self.current is not None and not self.current.engine.over and self.current.engine.started_at is not None:
            app.notify("A session is running: stop it first (q).", severity="warning", markup=False)
            return
        plan = plan_session(routine, app.settings)
        if not plan.steps:
            app.notify(f"{routine.title} has nothing to do.", severity="warning", markup=False)
            return
        while len(app.screen_stack) > 1:  # back to the picker (e.g. from a summary)
            app.pop_screen()
        if self.asking.first_run_due():  # the safety check comes before the first session
            from backrelief_tui.core.redflags import Trigger

            def checked(check: RedFlagCheck | None) -> None:
                if check is None or not check.needs_clinician:
                    self.start(routine)

            self.asking.ask_red_flags(Trigger.FIRST_RUN, checked, before_session=True)
            return
        session = Session(routine, Engine(plan, clock=self.clock), self._recorder_factory(self.store))
        recorder = session.recorder
        if not (app.settings.pain_checkin and recorder is not None):
            self._show(session)
            return

        from backrelief_tui.tui.dialogs.checkin import CheckinDialog

        checkin = CheckinDialog(routine.title)

        def answered(value: int | None) -> None:
            if checkin.stopped:  # the leg check's answers need a clinician first
                return
            recorder.set_pain_before(value)
            self.asking.after_checkin(value, lambda: self._show(session))

        app.push_screen(checkin, answered)

    def _show(self, session: Session) -> None:
        from backrelief_tui.tui.screens.session import SessionScreen

        self.current = session
        self.asking.session_started()
        self.coach.start(session.engine.plan)  # lists and renders the phrases in the background
        self.app.push_screen(SessionScreen(session))

    def record(self, session: Session, events: list[Event]) -> None:
        """Keep the record up to date after an engine call that returned events."""
        if session.recorder is not None:
            session.recorder.update(session.engine, events)
            self.show_record_error(session.recorder)  # a full or read-only disk: say so, carry on

    def ended(self, session: Session) -> None:
        """The session ran out or was stopped: write its final record and show the summary."""
        from backrelief_tui.tui.screens.summary import SummaryScreen

        recorder = session.recorder
        if recorder is not None:
            recorder.finish(session.engine)
            self.show_record_error(recorder)
            self._keep_trying(session)
            self.index_record(recorder)
        did_something = any(result.done_steps for result in session.engine.results())
        ask_pain = (self.app.settings.pain_checkin and recorder is not None and recorder.record is not None
                    and did_something)
        self.app.switch_screen(SummaryScreen(session, ask_pain=ask_pain))

    def pain_after(self, session: Session, value: int) -> None:
        if session.recorder is not None:
            session.recorder.set_pain_after(value)
            self.show_record_error(session.recorder)
            self._keep_trying(session)
            self.index_record(session.recorder)

    def index_record(self, recorder: SessionRecorder) -> None:
        """The history index reads this session's file again, in a thread (its one row; see core/index.py)."""
        store, path = self.store, getattr(recorder, "path", None)  # (a test's recorder may keep no file)
        if store is not None and path is not None:
            self.app.run_worker(lambda: self._index_in_thread(store, path), thread=True, group="history-update",
                                exit_on_error=False)

    def _index_in_thread(self, store: RecordStore, path: Path) -> None:
        from textual.worker import get_current_worker

        if store.update_one(path) is not None and not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._history_changed)

    def _history_changed(self) -> None:
        """An open history screen shows the session (none is open if its module was never loaded)."""
        history = sys.modules.get("backrelief_tui.tui.screens.history")
        if history is not None:
            history.history_changed(self.app)

    # -- a record not saved at the end (a full disk) ----------------------------------------

    def not_saved(self, session: Session) -> str | None:
        """Why the session's final record is not on disk yet, or None when it is (or none is kept)."""
        recorder = session.recorder
        if recorder is None or recorder.record is None:
            return None
        return recorder.error

    def _keep_trying(self, session: Session) -> None:
        """While the session's final record is not saved, try again every RETRY_SECONDS (also off its summary)."""
        if self.not_saved(session) is None:
            return
        self.unsaved = session
        if self._retry is None:
            self._retry = self.app.set_interval(self.retry_seconds, self.retry_save, name="retry session record")

    def retry_save(self) -> bool:
        """Try once more to save the unsaved session's record; True when it is saved now.

        Once it is, the record is complete (finished or stopped, with the pain rating
        given meanwhile), its live marker is let go, and the retrying stops.
        """
        session = self.unsaved
        if session is None or session.recorder is None:
            self._stop_retrying()
            return True
        session.recorder.update(session.engine)  # a failed save is kept and written again
        self.show_record_error(session.recorder)
        if self.not_saved(session) is None:
            self.unsaved = None
            self._stop_retrying()
            self.index_record(session.recorder)  # saved at last: the history shows it as it ended
            return True
        return False

    def _stop_retrying(self) -> None:
        if self._retry is not None:
            self._retry.stop()
            self._retry = None

    def save_before_exit(self) -> None:
        """The app is being ended (SIGTERM, SIGHUP): save the session where it is, or try the unsaved one again.

        A running session stays in progress on disk, so the next start offers to resume it.
        """
        session = self.current
        if session is not None and session.recorder is not None and not session.engine.over:
            session.recorder.update(session.engine)
        if self.unsaved is not None:
            self.retry_save()

    def show_record_error(self, recorder: SessionRecorder) -> None:
        """Say once when saving the record fails, and once when it works again."""
        error = recorder.error
        if error and error != self._record_error_shown:
            self.app.notify(error, title="Session record", severity="error", timeout=20, markup=False)
        elif not error and self._record_error_shown:
            self.app.notify("The session record is saved again.", title="Session record", timeout=5)
        self._record_error_shown = error

    # -- sessions cut short ----------------------------------------------------------------

    def check_interrupted(self) -> None:
        """After the first frame, in a thread: offer the session cut short < 1 h ago; mark older ones stopped;
        say which sessions another window is running (never offered, never written here); then see whether the
        next-morning question is due."""
        if self.store is not None:
            self.app.run_worker(self._find_interrupted, thread=True, group="interrupted", exclusive=True)

    def _find_interrupted(self) -> None:
        from backrelief_tui.core.recorder import find_interrupted

        store = self.store
        if store is None:
            return
        found = find_interrupted(store, self.wall_clock())  # the live markers only: O(1) in the history
        for path in found.elsewhere:
            self.app.call_from_thread(self.show_running_elsewhere, self._routine_title(store, path))
        if found.offer is not None:
            self.app.call_from_thread(self.offer_resume, found.offer)
        # After the offer (already on screen, if any): the next-morning question waits for it.
        day = self.asking.find_morning()
        if day is not None:
            self.app.call_from_thread(self.asking.offer_morning, day)
        # While the app idles after start-up, load the history screen's code (Textual's table with it),
        # so the first `h` does not wait for it (~20 ms).
        import backrelief_tui.tui.screens.history  # noqa: F401

    @staticmethod
    def _routine_title(store: RecordStore, path: Path) -> str:
        from backrelief_tui.core.records import SessionRecord

        record = store.load(path)  # read, never written: that window is its writer
        if isinstance(record, SessionRecord):
            return record.routine_title
        return record.routine or "routine"  # what its file name says

    def show_running_elsewhere(self, title: str) -> None:
        from backrelief_tui.core.text import printable

        self.app.notify(f"A {printable(title)} session is running in another window; it is left to that window.",
                        title="Session history", timeout=10, markup=False)

    def offer_resume(self, offer: Interrupted) -> None:
        from backrelief_tui.core.plan import lead_in_seconds, plan_session
        from backrelief_tui.core.recorder import Recorder, resume_engine
        from backrelief_tui.tui.dialogs.resume import ResumeDialog

        app, store = self.app, self.store
        if store is None or len(app.screen_stack) > 1 or app.start_routine_name:
            return  # already busy (e.g. `backrelief run`): offered again next time, within the hour
        record = offer.record
        routine = app.library.get(record.routine)
        engine: Engine | str = f"the routine {record.routine!r} is gone"
        if routine is not None:
            plan = plan_session(routine, app.settings)
            next_step = record.progress.next_step if record.progress else 0
            move = plan.steps[min(next_step, len(plan.steps) - 1)].move if plan.steps else None
            lead_in = lead_in_seconds(move, app.settings) if move is not None else 0
            engine = resume_engine(record, plan, self.clock, lead_in=lead_in)
        if routine is None or isinstance(engine, str):
            store.mark_stopped(offer.path)
            app.notify(f"Your interrupted {record.routine_title} session can't be resumed: {engine}. "
                       "It is kept in your history as stopped.", timeout=10, markup=False)
            return
        resumed = Session(routine, engine, Recorder(store, wall_clock=self.wall_clock, resume=(offer.path, record)))

        def answered(resume: bool | None) -> None:
            if resume:
                self._show(resumed)
            else:
                store.mark_stopped(offer.path)

        app.push_screen(ResumeDialog(offer, self.wall_clock()), answered)
