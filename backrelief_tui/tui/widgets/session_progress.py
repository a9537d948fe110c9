"""A whole-session progress bar with the planned time left beside it."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import Label, ProgressBar


class SessionProgress(Horizontal):
    """`[=======-----]  3:12 left`: one line, the bar takes the free width."""

    DEFAULT_CSS = """
    SessionProgress { height: 1; }
    SessionProgress ProgressBar { width: 1fr; }
    SessionProgress ProgressBar Bar { width: 1fr; }
    SessionProgress #remaining { width: auto; padding: 0 0 0 2; }
    """

    def compose(self) -> ComposeResult:
        yield ProgressBar(show_eta=False, show_percentage=False)
        yield Label(id="remaining")

    _shown = ""

    def show(self, done: float, total: float, remaining: str) -> None:
        self.query_one(ProgressBar).update(total=max(total, 1.0), progress=done)
        if remaining != self._shown:
            # Same length, same width: repaint the label without a layout pass (once a second).
            same_width = len(remaining) == len(self._shown)
            self._shown = remaining
            self.query_one("#remaining", Label).update(Content(remaining), layout=not same_width)
