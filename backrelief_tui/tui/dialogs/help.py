"""The key list (`?`): the keys of the screen it was opened from, and the ones that work anywhere."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.widgets import Label, Static

from backrelief_tui.tui.dialogs.dialog import Dialog
from backrelief_tui.tui.keys import HelpSection, KeyRows

GENERAL_KEYS: KeyRows = (
    ("?", "this help"),
    ("esc", "close this help"),
    ("ctrl+p", "palette: start a routine by name, pick a theme"),
)


def key_rows(rows: KeyRows) -> ComposeResult:
    """One row a key: the key, then what it does; a long meaning wraps under itself, not under the key."""
    for key, meaning in rows:
        with Horizontal(classes="key-row"):
            yield Static(Content.styled(key, "bold"), classes="key")
            yield Static(Content(meaning), classes="meaning")


class HelpDialog(Dialog[None]):
    """Lists the keys; any of esc, ?, q or enter closes it."""

    DEFAULT_CSS = """
    HelpDialog .dialog-box { width: 72; padding: 0 2; }
    #help-title { text-align: center; }
    #help-mouse { color: $text-muted; }
    HelpDialog .section { text-style: bold; color: $text-accent; margin: 1 0 0 0; }
    HelpDialog .key-row { height: auto; }
    HelpDialog .key { width: 10; padding: 0 0 0 2; }
    HelpDialog .meaning { width: 1fr; }
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
                yield Label(Content(title), classes="section")
                yield from key_rows(rows)
            if self.note:
                yield Static(Content(self.note), classes="dialog-text")
            yield Label(Content("The mouse works too: click the buttons on screen."), id="help-mouse")

    def action_close(self) -> None:
        self.dismiss(None)
