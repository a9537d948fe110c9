"""The key list (`?`): the keys of the screen it was opened from, and the ones that work anywhere."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Label, Static

from backrelief_tui.tui.dialogs.dialog import Dialog
from backrelief_tui.tui.keys import HelpSection, KeyRows

GENERAL_KEYS: KeyRows = (
    ("?", "this help"),
    ("esc", "close this help"),
    ("ctrl+p", "palette: start a routine by name, pick a theme"),
)


def key_table(title: str, rows: KeyRows) -> Content:
    parts: list[str | tuple[str, str]] = [(title, "bold $text-accent"), "\n"]
    for key, meaning in rows:
        parts += [(f"  {key:<8}", "bold"), meaning, "\n"]
    return Content.assemble(*parts)


class HelpDialog(Dialog[None]):
    """Lists the keys; any of esc, ?, q or enter closes it."""

    DEFAULT_CSS = """
    HelpDialog .dialog-box { width: 72; padding: 0 2; }
    #help-title { text-align: center; margin: 0 0 1 0; }
    #help-mouse { color: $text-muted; }
    """
    BINDINGS = [Binding("escape,question_mark,q,enter", "close", "Close")]

    def __init__(self, sections: Sequence[HelpSection], note: str = "") -> None:
        super().__init__()
        self.sections = sections
        self.note = note

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog-box"):
            yield Label(Content("Keys"), id="help-title", classes="dialog-title")
            for title, rows in (*self.sections, ("Anywhere", GENERAL_KEYS)):
                yield Static(key_table(title, rows), classes="keys")
            if self.note:
                yield Static(Content(self.note), classes="dialog-text")
            yield Label(Content("The mouse works too: click the buttons on screen."), id="help-mouse")

    def action_close(self) -> None:
        self.dismiss(None)
