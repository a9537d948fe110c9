"""After a session: what was done per move, what was skipped, the time it took.

It also asks the after-session pain check-in inline (so the summary appears by itself
when a routine ends; `l` there says pain, tingling or numbness spreads down a leg and opens
the red-flag check) and, when holds were changed with +/−, whether to keep them.

Once the pain after is answered (or straight away, without the check-in), the progression
suggestions for the session's moves are looked up in a thread (core/progression.py: the next
step after three green sessions, a step back after a red one) and offered one at a time:
`a` accepts (the new numbers become the person's own settings, seen in Settings and
`backrelief set`), `n` declines; both are kept in the journal.

When the final record could not be saved (a full disk), it says so in the heading and
in a line of its own for as long as that lasts: the flow tries again every few seconds
(`r` tries at once), and quitting asks first.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Button, Label, Static
from textual.worker import Worker, get_current_worker

from backrelief_tui.core.engine import Engine, State
from backrelief_tui.core.journal import DecisionKind
from backrelief_tui.core.progression import Progress, Suggestion, accept, accepted_words, decision, declined_words
from backrelief_tui.core.redflags import Trigger
from backrelief_tui.core.store import LookupCancelled
from backrelief_tui.core.text import printable
from backrelief_tui.core.wording import format_duration, pain_line, plural
from backrelief_tui.tui import styles
from backrelief_tui.tui.base import AppScreen
from backrelief_tui.tui.dialogs.checkin import AFTER_QUESTION
from backrelief_tui.tui.literal import literal
from backrelief_tui.tui.screens.session_view import summary_rows
from backrelief_tui.tui.widgets.fitting_footer import FittingFooter
from backrelief_tui.tui.widgets.keep_holds import KeepHoldsPrompt, changed_holds
from backrelief_tui.tui.widgets.move_table import WrappingTable
from backrelief_tui.tui.widgets.pain_scale import PAIN_BINDINGS, PainScale
from backrelief_tui.tui.widgets.suggestion_prompt import SuggestionPrompt

if TYPE_CHECKING:
    from backrelief_tui.tui.asking import Asking
    from backrelief_tui.tui.session_flow import Session

RESULT_STYLES = {"skipped": "bold", "not reached": "dim"}  # no colours: theme-neutral
WHERE_TO_SEE = " (Settings, Moves tab)."  # after `accepted_words`: where the person's own numbers show
DISCARD_WITHIN = 30.0  # seconds of activity: a session stopped this soon with nothing done looks like a mistake


def totals_line(engine: Engine) -> str:
    """`Active 5:25 of 5:25 planned · paused 0:40 (2 pauses)`."""
    pauses = engine.pauses
    paused = f"paused {format_duration(engine.paused_seconds)} ({plural(pauses, 'pause')})"
    return (f"Active {format_duration(engine.active_seconds())} of "
            f"{format_duration(engine.total_planned)} planned · {paused if pauses else 'no pauses'}")


def skipped_line(engine: Engine) -> str:
    names = [row.name for row in summary_rows(engine) if row.skipped]
    return f"Skipped: {', '.join(names)}" if names else "Nothing skipped."


class SummaryScreen(AppScreen[None]):
    """Shows the session's results; Enter goes back to the routines."""

    DEFAULT_CSS = styles.beside(__file__, "summary.tcss")
    BINDINGS = [
        *PAIN_BINDINGS,  # the after-session check-in, while it is asked (first: the footer can be narrow)
        Binding("enter", "back", "Back to routines", priority=True),
        Binding("h", "app.history", "History"),
        Binding("r", "retry_save", "Save again"),
        Binding("q", "app.quit", "Quit"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        # A session started by mistake (stopped within seconds, nothing done): out of the history.
        Binding("d", "discard", "Discard"),
        Binding("u", "undo_discard", "Undo discard"),
        # A progression suggestion, while one is shown (its buttons name the keys).
        Binding("a", "decide(True)", "Accept", show=False),
        Binding("n", "decide(False)", "Decline", show=False),
    ]

    def __init__(self, session: Session, *, ask_pain: bool = False) -> None:
        super().__init__()
        self.session = session
        self.engine = session.engine
        self.asking_pain = ask_pain and session.recorder is not None
        self.discarded: Path | None = None  # where the record went, once discarded
        self.suggestions: list[Suggestion] = []  # still to be decided, the one shown first
        self.offered = 0  # how many suggestions there were in all
        self._progress_wanted = False  # the suggestions are still to be looked up
        self._progress_worker: Worker[None] | None = None  # the look-up running now

    def compose(self) -> ComposeResult:
        completed = self.engine.state is State.FINISHED
        yield Label(literal(self._heading()), id="summary-title", classes="-completed" if completed else "-stopped")
        yield Static(literal(self._not_saved_text()), id="not-saved").set_styles(
            f"display: {'block' if self._not_saved() else 'none'};")
        yield Static(Content(totals_line(self.engine)), id="totals")
        yield Static(literal(skipped_line(self.engine)), id="skipped")
        pain = self._pain_text()
        yield Static(Content(pain), id="pain").set_styles(f"display: {'block' if pain else 'none'};")
        if self.asking_pain:
            yield PainScale(AFTER_QUESTION, leg_key=self.app.flow.asking.enabled, id="pain-after", classes="-inline")
        yield SuggestionPrompt()
        changes = changed_holds(self.engine.plan.moves, self.engine.adjusted_holds)
        if changes:  # "keep the new hold time?"
            yield KeepHoldsPrompt(changes)
        yield Static(self._discard_text(), id="discard", classes="-shown" if self.can_discard() else "")
        yield WrappingTable([("Move", "move"), ("Result", "result"), ("Time", "time")], id="moves")
        with Horizontal(id="summary-buttons"):
            yield Button("Back to routines", id="back", variant="primary")
        yield FittingFooter(short={"back": ("⏎", "Back"), "undo_discard": ("u", "Undo")}, optional=("app.help",))

    def _not_saved(self) -> str | None:
        return self.app.flow.not_saved(self.session)

    def _heading(self) -> str:
        done = "finished" if self.engine.state is State.FINISHED else "stopped early"
        unsaved = ", not saved yet" if self._not_saved() else ""
        return f"{self.session.routine.title} — {done}{unsaved}"

    def _not_saved_text(self) -> str:
        error = self._not_saved()
        if not error:
            return ""
        return (f"Not saved yet. {error} Trying again every {self.app.flow.retry_seconds:g} s; r tries now. "
                "Quitting now would lose the end of this session.")

    def _show_save_state(self) -> None:
        """Heading and the not-saved line as the record's state is now (it changes as the flow retries)."""
        unsaved = bool(self._not_saved())
        self.query_one("#summary-title", Label).update(literal(self._heading()))
        line = self.query_one("#not-saved", Static)
        line.update(literal(self._not_saved_text()))
        line.display = unsaved
        self.query_one("#summary-title").set_class(unsaved, "-unsaved")
        self.refresh_bindings()

    def action_retry_save(self) -> None:
        if self.app.flow.retry_save():
            self.app.notify("The session is saved.", title="Session record", timeout=5)
        self._show_save_state()

    def on_mount(self) -> None:
        self._show_save_state()
        self.set_interval(1.0, self._show_save_state, name="summary save state")
        # DataTable cells are Rich renderables; a plain str would be parsed as markup,
        # so names from routine files go in as Text (literal). The Move column wraps when narrow.
        self.query_one("#moves", WrappingTable).show_rows([
            (Text(printable(row.name)), Text(row.result, style=RESULT_STYLES.get(row.result, "")), Text(row.time))
            for row in summary_rows(self.engine)])
        if not self.asking_pain:
            self.look_for_progress()

    def _pain_text(self) -> str:
        recorder = self.session.recorder
        record = recorder.record if recorder is not None else None
        return pain_line(record.pain_before, record.pain_after) if record is not None else ""

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("answer", "skip"):
            return self.asking_pain  # the check-in keys exist only while it is asked
        if action == "leg_symptoms":
            return self.asking_pain and self.app.flow.asking.enabled
        if action == "decide":
            return bool(self.suggestions)
        if action == "retry_save":
            return self._not_saved() is not None
        if action == "discard":
            return self.discarded is None and self.can_discard()
        if action == "undo_discard":
            return self.discarded is not None
        return True

    # -- a session started by mistake ---------------------------------------------------------------

    def _record_path(self) -> Path | None:
        from backrelief_tui.core.recorder import Recorder

        recorder = self.session.recorder
        return recorder.path if isinstance(recorder, Recorder) else None

    def can_discard(self) -> bool:
        """Over within its first seconds with nothing done (stopped, or every move skipped to the end), and its
        record is on disk."""
        engine = self.engine
        path = self._record_path()
        return (engine.state in (State.STOPPED, State.FINISHED) and engine.active_seconds() < DISCARD_WITHIN
                and not any(result.done_steps for result in engine.results())
                and self.app.flow.store is not None and path is not None and path.is_file())

    def _discard_text(self) -> Content:
        if self.discarded is not None:
            return Content.assemble(("Discarded: ", "bold"), "not in your history any more. The record is in ",
                                    (str(self.discarded.parent), "$text-muted"), "; u puts it back.")
        if not self.can_discard():
            return Content("")
        spent = format_duration(self.engine.active_seconds())
        how = (f"Stopped after {spent} with nothing done" if self.engine.state is State.STOPPED
               else f"Every move skipped, {spent} in all")
        return Content.assemble(("Started by mistake? ", "bold"),
                                f"{how}: d discards it (the record goes to the trash, not into your history).")

    def action_discard(self) -> None:
        from backrelief_tui.core.trash import TrashError, move_to_trash

        store, path = self.app.flow.store, self._record_path()
        if store is None or path is None or not self.can_discard():
            return
        try:
            self.discarded = move_to_trash(store.root, path)
        except TrashError as error:
            self.notify(f"Could not discard the session: {error}", severity="error", markup=False)
            return
        store.update_one(path)  # the history forgets it now
        self._show_discard()

    def action_undo_discard(self) -> None:
        from backrelief_tui.core.trash import TrashError, restore

        store = self.app.flow.store
        if store is None or self.discarded is None:
            return
        try:
            restored = restore(store.root, self.discarded)
        except TrashError as error:
            self.notify(f"Could not put the session back: {error}", severity="error", markup=False)
            return
        self.discarded = None
        store.update_one(restored)
        self._show_discard()
        self.notify("The session is back in your history.", markup=False)

    def _show_discard(self) -> None:
        self.query_one("#discard", Static).update(self._discard_text())
        self.refresh_bindings()

    def action_answer(self, value: int) -> None:
        self._answered(value)

    def action_skip(self) -> None:
        self._answered(None)

    def on_pain_scale_answered(self, message: PainScale.Answered) -> None:
        self._answered(message.value)

    def _answered(self, value: int | None) -> None:
        if not self.asking_pain:
            return
        self.asking_pain = False
        if value is not None:
            self.app.flow.pain_after(self.session, value)
        self.query_one("#pain-after").remove()
        pain = self._pain_text()
        line = self.query_one("#pain", Static)
        line.update(Content(pain))
        line.display = bool(pain)
        self.refresh_bindings()
        self.look_for_progress()

    def action_leg_symptoms(self) -> None:
        self.app.flow.asking.ask_red_flags(Trigger.LEG_SYMPTOMS, lambda _check: None)

    # -- progression ----------------------------------------------------------------------------------

    def done_move_ids(self) -> list[str]:
        """The moves this session exercised (in full or in part): the ones a suggestion may be about."""
        return [result.move.id for result in self.engine.results() if result.done_steps]

    def look_for_progress(self) -> None:
        """In a thread: the suggestions for this session's moves (records are read), then offered here.

        Only while the summary is on top: when another screen covers it (`h` at once, say) the look-up stops
        before its next file, so the thread's Python loop never competes with that screen for the
        interpreter, and it is done again when the summary is back (`on_screen_resume`)."""
        asking, moves = self.app.flow.asking, self.done_move_ids()
        if not asking.enabled or not moves or self._not_saved():
            return
        self._progress_wanted = True
        if self._progress_worker is not None or not self.is_active:
            return  # one look-up at a time; a covered summary looks when it is back on top
        today = self.app.flow.wall_clock().date()
        self._progress_worker = self.run_worker(lambda: self._look_up_progress(asking, today, moves), thread=True,
                                                group="progression", exclusive=True)

    def _look_up_progress(self, asking: Asking, today: date, moves: list[str]) -> None:
        worker = get_current_worker()
        try:
            progress = asking.progress(today, cancelled=lambda: worker.is_cancelled or not self.is_active)
        except LookupCancelled:
            if not worker.is_cancelled:
                self.app.call_from_thread(self._progress_cut_short)
            return
        self.app.call_from_thread(self._progress_looked_up, progress, moves)

    def _progress_cut_short(self) -> None:
        self._progress_worker = None
        if self.is_active:  # back on top already: look again
            self.look_for_progress()

    def _progress_looked_up(self, progress: Progress | None, moves: list[str]) -> None:
        self._progress_worker = None
        self._progress_wanted = False
        if progress is not None:
            self.offer_progress(progress, moves)

    def on_screen_resume(self) -> None:
        if self._progress_wanted and self._progress_worker is None:
            self.look_for_progress()

    def offer_progress(self, progress: Progress, moves: list[str]) -> None:
        self.suggestions = list(progress.for_moves(moves))
        self.offered = len(self.suggestions)
        if self.suggestions:
            self._offer_next()
        elif progress.notes:
            self.query_one(SuggestionPrompt).say(" ".join(progress.notes))
        self.refresh_bindings()

    def _offer_next(self, outcome: str = "") -> None:
        prompt = self.query_one(SuggestionPrompt)
        if not self.suggestions:
            prompt.say(outcome)
            return
        place = f"{self.offered - len(self.suggestions) + 1} of {self.offered}" if self.offered > 1 else ""
        prompt.offer(self.suggestions[0], self.app.library.moves, place=place, outcome=outcome)

    def action_decide(self, accepted: bool) -> None:
        """Accept (the new numbers become the person's own) or decline the suggestion shown; both are kept."""
        if not self.suggestions:
            return
        suggestion = self.suggestions.pop(0)
        move = self.app.library.moves.get(suggestion.move_id)
        now = self.app.flow.wall_clock()
        if accepted and move is not None:
            self.app.update_settings(accept(self.app.settings, suggestion, move))
            outcome = accepted_words(suggestion) + WHERE_TO_SEE
        else:
            accepted = False
            outcome = declined_words(suggestion)
        self.app.flow.asking.keep_decision(
            decision(suggestion, DecisionKind.ACCEPTED if accepted else DecisionKind.DECLINED, now))
        self._offer_next(outcome)
        self.refresh_bindings()

    def on_suggestion_prompt_decided(self, message: SuggestionPrompt.Decided) -> None:
        self.action_decide(message.accepted)

    def on_keep_holds_prompt_answered(self, message: KeepHoldsPrompt.Answered) -> None:
        if not message.keep:
            return
        settings, routine_id = self.app.settings, self.session.routine.id
        for move_id, (_move, hold) in message.changes.items():
            # Where this routine has its own numbers for the move, they would win over an everywhere hold.
            scope = routine_id if settings.has_own(move_id, routine_id) else None
            settings = settings.with_move_values(move_id, routine=scope, hold=hold)
        self.app.update_settings(settings)
        names = ", ".join(f"{move.name} {hold} s" for move, hold in message.changes.values())
        self.app.notify(f"Kept for next time: {names}. Change it any time in Settings.", markup=False)

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_back()
