"""The pain check-in: "How is your back right now, 0–10?" before and after a session.

One key answers (0–9, and t for 10), one key skips (s or Escape); the buttons work
with the mouse too. It dismisses with the number, or None when skipped. Turned off
with the `pain_checkin` setting.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Label

QUESTIONS = {
    "before": "Before you start: how is your back right now?",
    "after": "And now: how is your back?",
}
SCALE = "0 = no pain, 10 = the worst you can imagine."


class CheckinScreen(ModalScreen[int | None]):
    """Ask for a 0–10 pain rating; one key answers, s or Escape skips."""

    CSS_PATH = "checkin.tcss"
    BINDINGS = [
        *(Binding(str(n), f"answer({n})", str(n), show=False) for n in range(10)),
        Binding("t", "answer(10)", "10", show=False),
        Binding("s,escape", "skip", "Skip"),
    ]

    def __init__(self, when: str = "before") -> None:
        super().__init__()
        self.when = when

    def compose(self) -> ComposeResult:
        with Vertical(id="checkin"):
            yield Label(Content(QUESTIONS.get(self.when, QUESTIONS["before"])), id="checkin-question")
            yield Label(Content(SCALE), id="checkin-scale")
            with Horizontal(id="checkin-scores"):
                for n in range(11):
                    yield Button(str(n), id=f"pain-{n}", compact=True, classes=f"-level{min(n // 4, 2)}")
            yield Label(Content("Press 0–9, t for 10 · s to skip"), id="checkin-keys")

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False  # digits always reach the screen; clicks still work

    def action_answer(self, value: int) -> None:
        self.dismiss(value)

    def action_skip(self) -> None:
        self.dismiss(None)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(int(str(event.button.id).removeprefix("pain-")))
