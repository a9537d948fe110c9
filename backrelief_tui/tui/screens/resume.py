"""The offer, at start-up, to pick up a session interrupted less than an hour ago.

Dismisses with True (resume: r or Enter) or False (it's over: n or Escape; the
record is then marked stopped by the caller).
"""

from __future__ import annotations

from datetime import datetime

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from backrelief_tui.core.recorder import Interrupted
from backrelief_tui.tui import styles


def ago(minutes: float) -> str:
    whole = int(minutes)
    if whole < 1:
        return "less than a minute ago"
    return f"{whole} minute{'s' if whole != 1 else ''} ago"


def offer_text(interrupted: Interrupted, now: datetime) -> str:
    record = interrupted.record
    moves = len(record.moves)
    return (f"{record.routine_title} stopped {ago(interrupted.age(now).total_seconds() / 60)}, "
            f"with {record.moves_done} of {moves} move{'s' if moves != 1 else ''} done. "
            "Resuming starts again at the step you were on.")


class ResumeScreen(ModalScreen[bool]):
    """Resume an interrupted session, or let it be."""

    DEFAULT_CSS = styles.beside(__file__, "checkin.tcss")
    BINDINGS = [
        Binding("r,enter", "answer(True)", "Resume"),
        Binding("n,escape", "answer(False)", "No"),
    ]

    def __init__(self, interrupted: Interrupted, now: datetime) -> None:
        super().__init__()
        self.interrupted = interrupted
        self.now = now

    def compose(self) -> ComposeResult:
        with Vertical(id="resume"):
            yield Label(Content("Pick up where you stopped?"), id="resume-question")
            yield Label(Content(offer_text(self.interrupted, self.now)), id="resume-detail")
            with Horizontal(id="resume-answers"):
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
