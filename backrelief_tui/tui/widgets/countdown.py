"""The big countdown: Textual's `Digits`, repainted only when the shown value changes."""

from __future__ import annotations

from textual.widgets import Digits


class Countdown(Digits):
    """Large `M:SS` digits for the current step (or a count-up when self-paced)."""

    def show(self, text: str) -> None:
        if text != self.value:
            self.update(text)
