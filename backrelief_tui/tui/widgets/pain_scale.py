"""The 0–10 pain scale: the question, eleven score buttons and the key hint.

It sits in the check-in dialog before a session and inline on the summary after it.
A click posts `Answered`; the keys (`PAIN_BINDINGS`) belong to whichever screen hosts it.
With `leg_key`, the hint also names `l`: the way to say pain, tingling or numbness spreads
down a leg, which opens the red-flag check (the host's `leg_symptoms` action).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Label

from backrelief_tui.core.redflags import TRIGGER_WORDS, Trigger
from backrelief_tui.tui import styles

SCALE_WORDS = "0 = no pain, 10 = the worst you can imagine."
KEYS_HINT = "Press 0–9, t for 10 · s to skip"
LEG_KEY = "l"
LEG_HINT = f"{LEG_KEY}: {TRIGGER_WORDS[Trigger.LEG_SYMPTOMS]}"
ROOMY = 11 * 5  # eleven 4-cell buttons, a cell apart; narrower, they are 3 cells wide

# The keys, for whichever screen hosts a PainScale: answer(n) and skip actions.
PAIN_BINDINGS: list[Binding | tuple[str, str] | tuple[str, str, str]] = [
    *(Binding(str(n), f"answer({n})", str(n), show=False) for n in range(10)),
    Binding("t", "answer(10)", "10", show=False),
    Binding("s,escape", "skip", "Skip"),
    Binding(LEG_KEY, "leg_symptoms", "Leg symptoms", show=False),  # the hint names it
]


class PainScale(Vertical):
    """Asks `question`; posts `Answered` when a score is clicked."""

    DEFAULT_CSS = styles.beside(__file__, "pain_scale.tcss")

    class Answered(Message):
        def __init__(self, value: int | None) -> None:
            super().__init__()
            self.value = value

    def __init__(self, question: str, *, leg_key: bool = False, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.question = question
        self.leg_key = leg_key

    def compose(self) -> ComposeResult:
        yield Label(Content(self.question), classes="pain-question")
        yield Label(Content(SCALE_WORDS), classes="pain-scale-words")
        with Horizontal(classes="pain-scores"):
            for n in range(11):
                button = Button(str(n), id=f"pain-{n}", compact=True, classes=f"-level{min(n // 4, 2)}")
                button.can_focus = False  # digits always reach the screen; clicks still work
                yield button
        yield Label(Content(KEYS_HINT), classes="pain-keys")
        if self.leg_key:
            yield Label(Content(LEG_HINT), classes="pain-keys pain-leg")

    def on_resize(self, event: events.Resize) -> None:
        self.set_class(event.size.width - self.styles.gutter.width < ROOMY, "-tight")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Answered(int(str(event.button.id).removeprefix("pain-"))))
