"""A whole-session progress bar with the planned time left beside it, on one line.

Drawn by the widget itself (a run of heavy and light rules), not Textual's `ProgressBar`:
that one runs a repaint timer of its own, even while the session is paused, and the
session screen must redraw only when the shown second changes.
"""

from __future__ import annotations

from rich.text import Text
from textual.widget import Widget

BAR = "━"
TRACK = "╺"  # the unfilled rest, lighter


class SessionProgress(Widget):
    """`━━━━━━━━╺╺╺╺╺╺╺   3:12 left`: the bar takes the width the label leaves."""

    DEFAULT_CSS = """
    SessionProgress { height: 1; }
    SessionProgress > .progress--bar { color: $accent; }
    SessionProgress > .progress--track { color: $foreground 25%; }
    """
    COMPONENT_CLASSES = {"progress--bar", "progress--track"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.done = 0.0
        self.total = 1.0
        self.remaining = ""
        self._drawn: tuple[int, int, str] | None = None

    def show(self, done: float, total: float, remaining: str) -> None:
        """Repaints only when the filled width or the label would change."""
        self.done, self.total, self.remaining = done, max(total, 1.0), remaining
        drawn = (self._filled(self.size.width), self.size.width, remaining)
        if drawn != self._drawn:
            self._drawn = drawn
            self.refresh()

    def _bar_width(self, width: int) -> int:
        return max(0, width - len(self.remaining) - 2)

    def _filled(self, width: int) -> int:
        bar = self._bar_width(width)
        return round(bar * min(1.0, max(0.0, self.done / self.total)))

    def render(self) -> Text:
        width = self.size.width
        bar, filled = self._bar_width(width), self._filled(width)
        self._drawn = (filled, width, self.remaining)
        bar_style = self.get_component_rich_style("progress--bar")
        track_style = self.get_component_rich_style("progress--track")
        return Text.assemble((BAR * filled, bar_style), (TRACK * (bar - filled), track_style), "  ", self.remaining)
