"""The offer, at start-up, to pick up a session interrupted less than an hour ago.

Dismisses with True (resume: r or Enter) or False (it's over: n or Escape; the
record is then marked stopped by the session flow).
"""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label

from backrelief_tui.core.recorder import Interrupted
from backrelief_tui.core.text import printable
from backrelief_tui.core.wording import plural
from backrelief_tui.tui.dialogs.dialog import Dialog


def ago(minutes: float) -> str:
    whole = int(minutes)
    return "less than a minute ago" if whole < 1 else f"{plural(whole, 'minute')} ago"


def offer_text(interrupted: Interrupted, now: datetime) -> str:
    record = interrupted.record
    return (f"{printable(record.routine_title)} stopped {ago(interrupted.age(now).total_seconds() / 60)}, "
            f"with {record.moves_done} of {plural(len(record.moves), 'move')} done. "
            "Resuming starts again at the step you were on.")


class ResumeDialog(Dialog[bool]):
    """Resume an interrupted session, or let it be."""

    BINDINGS = [
        Binding("r,enter", "answer(True)", "Resume"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, interrupted: Interrupted, now: datetime) -> None:
        super().__init__()
        self.interrupted = interrupted
        self.now = now

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Content("Pick up where you stopped?"), classes="dialog-title")
            yield Label(Content(offer_text(self.interrupted, self.now)), classes="dialog-text")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Resume (r)", id="resume-yes", variant="success")
                yield Button("No, it's over (n)", id="resume-no")

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "resume-yes")
