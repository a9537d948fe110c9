"""The next-morning question, on the first start of the day after a session day.

"Compared with before yesterday's session, your back this morning is: better / same /
worse" — one key each (b, s, w); Escape or Enter lets it go (kept as skipped, so it is not
asked again that day). It never stands between a person and a session: one key and the
routines are there. The answer goes into the journal (the session flow keeps it) and
colours yesterday's sessions: worse the next morning makes them red.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import Button, Label

from backrelief_tui.core.pain import MORNING_CHOICES, MORNING_QUESTION, MorningAnswer, morning_why
from backrelief_tui.tui.dialogs.dialog import Dialog

KEYS = {MorningAnswer.BETTER: "b", MorningAnswer.SAME: "s", MorningAnswer.WORSE: "w"}


class MorningDialog(Dialog[MorningAnswer]):
    """Better, same or worse this morning; Escape skips."""

    DEFAULT_CSS = """
    MorningDialog .dialog-buttons { align-horizontal: left; }
    MorningDialog .dialog-buttons Button { margin: 0 2 0 0; }
    """
    BINDINGS = [
        *(Binding(key, f"answer('{answer}')", answer.capitalize()) for answer, key in KEYS.items()),
        Binding("escape,enter", f"answer('{MorningAnswer.SKIPPED}')", "Skip"),
    ]

    def __init__(self, day: date, *, morning_rule: bool = True) -> None:
        super().__init__()
        self.day = day
        self.morning_rule = morning_rule

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield Label(Content(MORNING_QUESTION), classes="dialog-title")
            with Horizontal(classes="dialog-buttons"):
                for answer in MORNING_CHOICES:
                    yield Button(f"{answer.capitalize()} ({KEYS[answer]})", id=f"morning-{answer}", compact=True)
                yield Button("Skip (esc)", id=f"morning-{MorningAnswer.SKIPPED}", compact=True)
            yield Label(Content(morning_why(self.day, self.morning_rule)), classes="dialog-hint")

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False  # the keys answer; Enter never presses a button by accident

    def action_answer(self, answer: str) -> None:
        self.dismiss(MorningAnswer(answer))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(MorningAnswer(str(event.button.id).removeprefix("morning-")))
