"""The reference for the countdown's budget (issue 16): a bare Textual app counting down in `Digits`.

One `Digits` widget in the middle of the screen, updated once a second by one
`set_interval` timer, nothing else: what a countdown costs in Textual when it does only
that. The session screen's CPU and terminal bytes per second are measured against this
app, side by side (see `ptyrun.measure`). `q` quits; at zero it stays at 00:00.

    python benchmarks/digits_app.py [SECONDS]      # 90 by default
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult
from textual.widgets import Digits

MARKER = "digits-app"  # in the title: a benchmark can tell it has started


class DigitsApp(App[None]):
    CSS = "Screen { align: center middle; } Digits { width: auto; }"
    BINDINGS = [("q", "quit", "Quit")]
    TITLE = MARKER

    def __init__(self, seconds: int = 90) -> None:
        super().__init__()
        self.left = seconds

    def compose(self) -> ComposeResult:
        yield Digits(self.text(), id="countdown")

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def text(self) -> str:
        minutes, seconds = divmod(self.left, 60)
        return f"{minutes:02d}:{seconds:02d}"

    def tick(self) -> None:
        if self.left > 0:
            self.left -= 1
            self.query_one(Digits).update(self.text())


if __name__ == "__main__":
    DigitsApp(int(sys.argv[1]) if len(sys.argv) > 1 else 90).run()
