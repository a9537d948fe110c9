"""The pain check-in before a session: "Before Desk break: how is your back right now?".

One key answers (0–9, and t for 10), one key skips (s or Escape); the buttons work
with the mouse too. After the session the same `PainScale` sits on the summary, so
the summary still appears by itself when a routine ends. Turned off with the
`pain_checkin` setting.

`l` says pain, tingling or numbness spreads down a leg: the red-flag check opens over
the check-in. When its answers need a clinician first, the check-in closes with no
rating and `stopped` set (the session is not started); otherwise the rating comes next.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Vertical

from backrelief_tui.core.redflags import Advice, RedFlagCheck, Trigger
from backrelief_tui.core.text import printable
from backrelief_tui.core.wording import PAIN_AFTER_QUESTION, pain_before_question
from backrelief_tui.tui.dialogs.dialog import Dialog
from backrelief_tui.tui.widgets.pain_scale import PAIN_BINDINGS, PainScale


def before_question(routine_title: str) -> str:
    """The question names the routine about to start (it may not be the one highlighted)."""
    return pain_before_question(printable(routine_title))


AFTER_QUESTION = PAIN_AFTER_QUESTION


class CheckinDialog(Dialog[int | None]):
    """Ask for a 0–10 pain rating; one key answers, s or Escape skips."""

    BINDINGS = PAIN_BINDINGS

    def __init__(self, routine_title: str) -> None:
        super().__init__()
        self.routine_title = routine_title
        self.stopped = False  # the leg check's answers need a clinician first: no session now

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog-box"):
            yield PainScale(before_question(self.routine_title), leg_key=self.app.flow.asking.enabled, id="checkin")

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "leg_symptoms":
            return self.app.flow.asking.enabled
        return True

    def action_leg_symptoms(self) -> None:
        self.app.flow.asking.ask_red_flags(Trigger.LEG_SYMPTOMS, self._leg_checked, before_session=True)

    def _leg_checked(self, check: RedFlagCheck | None) -> None:
        if check is not None and check.advice is not Advice.CLEAR:
            self.stopped = True
            self.dismiss(None)

    def action_answer(self, value: int) -> None:
        self.dismiss(value)

    def action_skip(self) -> None:
        self.dismiss(None)

    def on_pain_scale_answered(self, message: PainScale.Answered) -> None:
        self.dismiss(message.value)
