"""The questions the app asks around sessions, and the journal their answers go to.

- The red-flag check (dialogs/redflags.py): on the first run, over the picker before it
  is used (and before a session started with `backrelief run`); when a pain rating before
  a session is 3 or more points above the last one; when the person says pain, tingling or
  numbness spreads down a leg (`l` in the pain check-ins); and when asked for (`r` on the
  picker). Answers that need a clinician keep a calm reminder on the picker until the
  person says one has seen them (`c`). Put off with Escape, the first-run check is asked
  again at the next start (the picker's safety note stays until then).
- The next-morning question (dialogs/morning.py): on the first start of the day after a
  session day. It waits while anything else is on screen, and is dropped (not kept, so
  asked at the next start that day) when a session starts first: it never stands
  between a person and a session.
- Progression decisions from the summary are kept here too.

Everything is kept in the journal (core/journal.py, `<data>/journal.toml`). `build_app`
is given its path; a run without one (the tests' default) asks and suggests nothing.
The rules (when to ask, what counts) are core's: `should_ask`, `trigger_for`,
`morning_day_due`, `previous_pain`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

# The journal and the rules load with the journal, after the first frame (start-up reads nothing of
# the past before the picker is on screen): each method imports what it uses.
if TYPE_CHECKING:
    from backrelief_tui.core.journal import Decision, Journal
    from backrelief_tui.core.pain import MorningAnswer
    from backrelief_tui.core.progression import Progress
    from backrelief_tui.core.redflags import RedFlagCheck, Trigger
    from backrelief_tui.tui.app import BackReliefApp
    from backrelief_tui.tui.session_flow import SessionFlow

    CheckAnswered = Callable[[RedFlagCheck | None], None]

PAIN_LOOKBACK_DAYS = 90  # the last rating to compare with is looked for this far back (journal.previous_pain)


class Asking:
    """Asks the questions and keeps the answers; see the module docstring."""

    def __init__(self, flow: SessionFlow, journal_path: Path | None) -> None:
        self.flow = flow
        self.path = journal_path
        self.journal: Journal | None = None  # read after the first frame, again after each write
        self._first_run_put_off = False
        self._morning_day: date | None = None  # a next-morning question waiting for the picker
        self._problems_shown: set[str] = set()

    @property
    def app(self) -> BackReliefApp:
        return self.flow.app

    @property
    def enabled(self) -> bool:
        """Whether this run keeps a journal (and so asks, suggests and remembers)."""
        return self.path is not None

    # -- the journal ------------------------------------------------------------------------------

    def load(self) -> Journal:
        """Read the journal (small: a line or two a day); a problem in it is said once, the rest is used."""
        from backrelief_tui.core.journal import Journal, load_journal

        if self.path is None:
            return Journal()
        journal, problems = load_journal(self.path)
        for problem in problems:
            if str(problem) not in self._problems_shown:
                self._problems_shown.add(str(problem))
                self.app.notify(str(problem), title="Journal", severity="warning", timeout=12, markup=False)
        self.journal = journal
        return journal

    def _journal(self) -> Journal:
        return self.journal if self.journal is not None else self.load()

    @property
    def last_check(self) -> RedFlagCheck | None:
        """The last check answered, as far as the journal has been read (never read here: the picker asks
        before its first frame, and the journal is read after it)."""
        return self.journal.last_red_flag_check if self.journal is not None else None

    @property
    def needs_clinician(self) -> bool:
        """The last check's answers need a clinician, and the person has not said one has seen them."""
        check = self.last_check
        return check is not None and check.needs_clinician

    @property
    def check_answered(self) -> bool:
        """A red-flag check has been answered (so the picker's safety note has done its job)."""
        return self.last_check is not None

    def _written(self, error: str | None) -> str | None:
        """After a write: read the journal again (it is the truth), say what went wrong."""
        if error is not None:
            self.app.notify(error, title="Journal", severity="error", timeout=12, markup=False)
        self.load()
        self.app.show_safety_state()
        return error

    # -- the red-flag check -----------------------------------------------------------------------

    def ask_red_flags(self, trigger: Trigger, then: CheckAnswered, *, before_session: bool = False) -> None:
        """Show the checklist for `trigger`; `then` gets the kept check, or None when it was put off."""
        from backrelief_tui.core.redflags import Trigger
        from backrelief_tui.tui.dialogs.redflags import RedFlagDialog

        def answered(check: RedFlagCheck | None) -> None:
            if check is None and trigger is Trigger.FIRST_RUN:
                self._first_run_put_off = True  # asked again at the next start, not at every session now
            then(check)

        self.app.push_screen(RedFlagDialog(trigger, self.flow.wall_clock(), keep=self.keep_check,
                                           before_session=before_session), answered)

    def keep_check(self, check: RedFlagCheck) -> str | None:
        from backrelief_tui.core.journal import record_red_flag_check

        return self._written(record_red_flag_check(check, self.path))

    def first_run_due(self) -> bool:
        """No check has ever been answered (and it was not put off in this run)."""
        from backrelief_tui.core.redflags import should_ask, trigger_for

        if not self.enabled or self._first_run_put_off:
            return False
        last = self._journal().last_red_flag_check
        return should_ask(trigger_for(first_run=last is None), last, self.flow.wall_clock())

    def seen_clinician(self) -> None:
        """The person says a clinician has seen them about the last check's answers."""
        from backrelief_tui.core.journal import record_seen_clinician

        check = self.last_check
        if check is not None:
            self._written(record_seen_clinician(check.asked, self.flow.wall_clock(), self.path))

    def after_checkin(self, pain_now: int | None, go: Callable[[], None]) -> None:
        """After the rating before a session: the check first when pain jumped since the last rating, then `go`
        (unless the check's answers need a clinician first). The last rating is looked up in a thread."""
        from backrelief_tui.core.journal import previous_pain
        from backrelief_tui.core.redflags import Trigger, should_ask

        store = self.flow.store
        if (not self.enabled or pain_now is None or store is None
                or not should_ask(Trigger.PAIN_JUMP, self._journal().last_red_flag_check, self.flow.wall_clock())):
            go()
            return
        today = self.flow.wall_clock().date()

        def look_up() -> None:
            store.refresh(since=today - timedelta(days=PAIN_LOOKBACK_DAYS))
            previous = previous_pain(store, today, PAIN_LOOKBACK_DAYS)
            self.app.call_from_thread(self._judge_jump, previous, pain_now, go)

        self.app.run_worker(look_up, thread=True, group="pain-jump", exclusive=True)

    def _judge_jump(self, previous: int | None, pain_now: int, go: Callable[[], None]) -> None:
        from backrelief_tui.core.redflags import Advice, Trigger, trigger_for

        if trigger_for(first_run=False, previous_pain=previous, pain_now=pain_now) is not Trigger.PAIN_JUMP:
            go()
            return

        def answered(check: RedFlagCheck | None) -> None:
            if check is None or check.advice is Advice.CLEAR:
                go()  # a yes keeps the session from starting: the picker says why

        self.ask_red_flags(Trigger.PAIN_JUMP, answered, before_session=True)

    # -- at start-up ------------------------------------------------------------------------------

    def at_start(self) -> None:
        """After the first frame: read the journal; on a first run, the check over the picker."""
        from backrelief_tui.core.redflags import Trigger

        if not self.enabled:
            return
        self.load()
        self.app.show_safety_state()
        if self.first_run_due() and self._picker_free():
            self.ask_red_flags(Trigger.FIRST_RUN, lambda _check: None)

    def find_morning(self) -> date | None:
        """In the start-up thread: the session day to ask the next-morning question about, if any (never with the
        pain questions turned off in Settings: it is one of them)."""
        from backrelief_tui.core.journal import morning_day_due

        store, journal = self.flow.store, self.journal
        if not self.enabled or store is None or journal is None or not self.app.settings.pain_checkin:
            return None
        now = self.flow.wall_clock()
        store.refresh(since=now.date() - timedelta(days=1))
        return morning_day_due(now, store, journal)

    def offer_morning(self, day: date) -> None:
        """Ask about `day` as soon as nothing else is on screen."""
        self._morning_day = day
        self.ask_pending()

    def ask_pending(self) -> None:
        """The picker is back on top: ask what has been waiting (the next-morning question)."""
        day = self._morning_day
        if day is None or not self._picker_free():
            return
        self._morning_day = None
        from backrelief_tui.tui.dialogs.morning import MorningDialog

        self.app.push_screen(MorningDialog(day, morning_rule=self.app.settings.pain_morning_rule),
                             lambda answer: self.keep_morning(day, answer))

    def keep_morning(self, day: date, answer: MorningAnswer | None) -> None:
        from backrelief_tui.core.journal import record_morning

        if answer is not None:
            self._written(record_morning(day, answer, self.flow.wall_clock(), self.path))

    def session_started(self) -> None:
        """A session is on screen: the next-morning question is not asked over it (asked at the next start)."""
        self._morning_day = None

    def _picker_free(self) -> bool:
        """Nothing over the picker (no dialog, no session, no other screen)."""
        return len(self.app.screen_stack) == 1

    # -- progression ------------------------------------------------------------------------------

    def progress(self, today: date, *, cancelled: Callable[[], bool] | None = None) -> Progress | None:
        """In a thread: the suggestions over the last weeks of records (None without a journal or records).

        `cancelled` is asked between files; when it says so, `core.store.LookupCancelled` is raised."""
        store = self.flow.store
        if self.path is None or store is None:
            return None
        from backrelief_tui.core.journal import load_journal
        from backrelief_tui.core.progression import recent_progress

        journal, _problems = load_journal(self.path)
        return recent_progress(store, self.app.library.moves, self.app.settings, journal, today, cancelled=cancelled)

    def keep_decision(self, decision: Decision) -> str | None:
        from backrelief_tui.core.journal import record_decision

        return self._written(record_decision(decision, self.path))
