"""A second reference for the countdown's terminal bytes: the session screen's big digits alone.

One `BigText` (the session screen's widget, at the size its countdown gets in a 100×30
terminal: 8 rows, scale 3) counting down "1:30" once a second with `set_interval`, nothing
else. Next to the bare `Digits` app (digits_app.py, 3 rows) it shows how much of the session
screen's output the size of the digits accounts for: a terminal is sent every cell that
changes, and a digit 8 rows tall has more cells than one 3 rows tall. `q` quits.

    python benchmarks/bigtext_app.py [SECONDS]      # 90 by default
"""

from __future__ import annotations

import sys

from textual.app import App, ComposeResult

from backrelief_tui.tui.widgets.big_text import BigText  # the code under test (PYTHONPATH), as the app uses

MARKER = "bigtext-app"
ROWS = 8  # the countdown's height in the session screen at 100×30 (scale 3)


class BigTextApp(App[None]):
    CSS = f"Screen {{ align: center middle; }} BigText {{ height: {ROWS}; width: 60; }}"
    BINDINGS = [("q", "quit", "Quit")]
    TITLE = MARKER

    def __init__(self, seconds: int = 90) -> None:
        super().__init__()
        self.left = seconds

    def compose(self) -> ComposeResult:
        yield BigText(self.text(), max_scale=3)

    def on_mount(self) -> None:
        self.set_interval(1.0, self.tick)

    def text(self) -> str:
        minutes, seconds = divmod(self.left, 60)
        return f"{minutes}:{seconds:02d}"

    def tick(self) -> None:
        if self.left > 0:
            self.left -= 1
            self.query_one(BigText).show(self.text())


if __name__ == "__main__":
    BigTextApp(int(sys.argv[1]) if len(sys.argv) > 1 else 90).run()
