"""Ask for a routine's name before saving it; shows the file it will be saved as."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Label, Static

from backrelief_tui.core.routine import MAX_TITLE
from backrelief_tui.core.user_routines import routine_id_from_name
from backrelief_tui.tui.dialogs.dialog import Dialog


class NameDialog(Dialog[str | None]):
    """Enter saves under the typed name, Escape gives up."""

    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, suggestion: str) -> None:
        super().__init__()
        self.suggestion = suggestion

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Content("Save as one of your routines. Name:"), classes="dialog-title")
            yield Input(self.suggestion, id="routine-name", max_length=MAX_TITLE)
            yield Static(id="name-file", classes="dialog-hint")

    def on_mount(self) -> None:
        field = self.query_one(Input)
        field.cursor_blink = False
        self.show_file(field.value)

    def show_file(self, name: str) -> None:
        self.query_one("#name-file", Static).update(Content(f"→ {routine_id_from_name(name)}.toml"))

    def on_input_changed(self, event: Input.Changed) -> None:
        self.show_file(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.dismiss(event.value.strip())

    def action_cancel(self) -> None:
        self.dismiss(None)
