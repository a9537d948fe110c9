"""One line of text for a session's record: Enter saves, Escape leaves it as it was."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label

from backrelief_tui.core.records import MAX_NOTE
from backrelief_tui.tui.dialogs.dialog import Dialog


class NoteDialog(Dialog[str | None]):
    """Edit a session's note; an empty note removes it."""

    DEFAULT_CSS = "NoteDialog .dialog-box { width: 70; }"
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, note: str) -> None:
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Content("A note for this session (how it felt, what you changed):"), classes="dialog-title")
            yield Input(value=self.note, max_length=MAX_NOTE, id="note-input")
            yield Label(Content("Enter saves · Escape cancels · an empty note removes it"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(Input).cursor_blink = False  # like every other text field here: steady, and snapshots are stable

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
