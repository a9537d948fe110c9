"""After a session: what was done per move, what was skipped, the time it took."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Button, DataTable, Footer, Label, Static

from backrelief_tui.core.engine import Engine, State
from backrelief_tui.core.records import pain_change
from backrelief_tui.core.wording import format_duration
from backrelief_tui.tui import styles
from backrelief_tui.tui.literal import literal, visible
from backrelief_tui.tui.screens.checkin import PAIN_BINDINGS, PainScale
from backrelief_tui.tui.screens.settings import KeepHoldsPrompt
from backrelief_tui.tui.session_view import summary_rows


def totals_line(engine: Engine) -> str:
    """`Active 5:25 of 5:25 planned · paused 0:40 (2 pauses)`."""
    pauses = engine.pauses
    paused = f"paused {format_duration(engine.paused_seconds)} ({pauses} pause{'s' if pauses != 1 else ''})"
    return (f"Active {format_duration(engine.active_seconds())} of "
            f"{format_duration(engine.total_planned)} planned · {paused if pauses else 'no pauses'}")


def pain_line(before: int | None, after: int | None) -> str:
    """`Pain before → after: 5 → 3` (the session detail's wording), or "" when not answered."""
    pain = pain_change(before, after)
    return f"Pain before → after: {pain}" if pain else ""


def skipped_line(engine: Engine) -> str:
    names = [row.name for row in summary_rows(engine) if row.skipped]
    return f"Skipped: {', '.join(names)}" if names else "Nothing skipped."


class SummaryScreen(Screen[None]):
    """Shows `engine.results()`; Enter goes back to the routines."""

    DEFAULT_CSS = styles.beside(__file__, "summary.tcss") + styles.beside(__file__, "checkin.tcss")
    BINDINGS = [
        *PAIN_BINDINGS,  # the after-session check-in, while it is asked (first: the footer can be narrow)
        Binding("enter", "back", "Back to routines", priority=True),
        Binding("h", "app.history", "History"),
        Binding("q", "app.quit", "Quit"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]

    def __init__(self, engine: Engine, *, title: str, recorder=None, ask_pain: bool = False) -> None:
        super().__init__()
        self.engine = engine
        self.routine_title = title
        self.recorder = recorder
        self.asking_pain = ask_pain and recorder is not None

    def compose(self) -> ComposeResult:
        completed = self.engine.state is State.FINISHED
        heading = f"{self.routine_title} — {'finished' if completed else 'stopped early'}"
        yield Label(literal(heading), id="summary-title", classes="-completed" if completed else "-stopped")
        yield Static(Content(totals_line(self.engine)), id="totals")
        yield Static(literal(skipped_line(self.engine)), id="skipped")
        pain = self._pain_text()
        yield Static(Content(pain), id="pain").set_styles(f"display: {'block' if pain else 'none'};")
        if self.asking_pain:
            yield PainScale("after", id="pain-after")
        keep_holds = KeepHoldsPrompt(self.engine)  # "keep the new hold time?" when +/− changed one
        if keep_holds.changes:
            yield keep_holds
        yield DataTable(id="moves", cursor_type="none", zebra_stripes=True)
        with Horizontal(id="summary-buttons"):
            yield Button("Back to routines", id="back", variant="primary")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_column("Move", key="move")
        table.add_column("Result", key="result")
        table.add_column("Time", key="time")
        # DataTable cells are Rich renderables; a plain str would be parsed as markup,
        # so names from routine files go in as Text (literal). No colours: theme-neutral.
        styles = {"skipped": "bold", "not reached": "dim"}
        for row in summary_rows(self.engine):
            table.add_row(Text(visible(row.name)), Text(row.result, style=styles.get(row.result, "")), Text(row.time))

    def _pain_text(self) -> str:
        record = getattr(self.recorder, "record", None)
        return pain_line(getattr(record, "pain_before", None), getattr(record, "pain_after", None))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("answer", "skip"):
            return self.asking_pain  # the check-in keys exist only while it is asked
        return True

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
            self.recorder.set_pain_after(value)
            self.app.show_record_error(self.recorder)
        self.query_one("#pain-after").remove()
        pain = self._pain_text()
        line = self.query_one("#pain", Static)
        line.update(Content(pain))
        line.display = bool(pain)
        self.refresh_bindings()

    def action_back(self) -> None:
        self.app.pop_screen()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_back()
