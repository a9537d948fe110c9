"""The pain check-in: "How is your back, 0–10?" before and after a session.

One key answers (0–9, and t for 10), one key skips (s or Escape); the buttons work
with the mouse too. Before a session it is a modal (`CheckinScreen`); after it, the
same `PainScale` sits on the summary, so the summary still appears by itself when a
routine ends. Turned off with the `pain_checkin` setting.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Label

from backrelief_tui.tui import styles

QUESTIONS = {
    "before": "Before you start: how is your back right now?",
    "after": "And now: how is your back?",
}
SCALE = "0 = no pain, 10 = the worst you can imagine."
KEYS = "Press 0–9, t for 10 · s to skip"

# The keys, for whichever screen hosts a PainScale: answer(n) and skip actions.
PAIN_BINDINGS = [
    *(Binding(str(n), f"answer({n})", str(n), show=False) for n in range(10)),
    Binding("t", "answer(10)", "10", show=False),
    Binding("s,escape", "skip", "Skip"),
]


class PainScale(Vertical):
    """The question, the 0–10 buttons and the key hint; posts `Answered` when clicked."""

    class Answered(Message):
        def __init__(self, value: int | None) -> None:
            super().__init__()
            self.value = value

    def __init__(self, when: str = "before", **kwargs) -> None:
        super().__init__(**kwargs)
        self.when = when

    def compose(self) -> ComposeResult:
        yield Label(Content(QUESTIONS.get(self.when, QUESTIONS["before"])), classes="checkin-question")
        yield Label(Content(SCALE), classes="checkin-scale")
        with Horizontal(classes="checkin-scores"):
            for n in range(11):
                button = Button(str(n), id=f"pain-{n}", compact=True, classes=f"-level{min(n // 4, 2)}")
                button.can_focus = False  # digits always reach the screen; clicks still work
                yield button
        yield Label(Content(KEYS), classes="checkin-keys")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Answered(int(str(event.button.id).removeprefix("pain-"))))


class CheckinScreen(ModalScreen[int | None]):
    """Ask for a 0–10 pain rating; one key answers, s or Escape skips."""

    DEFAULT_CSS = styles.beside(__file__, "checkin.tcss")
    BINDINGS = PAIN_BINDINGS

    def __init__(self, when: str = "before") -> None:
        super().__init__()
        self.when = when

    def compose(self) -> ComposeResult:
        yield PainScale(self.when, id="checkin")

    def action_answer(self, value: int) -> None:
        self.dismiss(value)

    def action_skip(self) -> None:
        self.dismiss(None)

    def on_pain_scale_answered(self, message: PainScale.Answered) -> None:
        self.dismiss(message.value)
