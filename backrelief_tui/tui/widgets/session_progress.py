"""A whole-session progress bar with the planned time left beside it, on one line.

Drawn by the widget itself (a run of heavy and light rules), not Textual's `ProgressBar`:
that one runs a repaint timer of its own, even while the session is paused, and the
session screen must redraw only when the shown second changes. The line is drawn as
strips, and a new second repaints only the cells that changed (the last digit of the time
left, now and then one more cell of the bar).
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

BAR = "━"
TRACK = "╺"  # the unfilled rest, lighter
GAP = "  "  # between the bar and the time left


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
        self._drawn: tuple[int, int, str] | None = None  # (filled, width, label) on the screen
        self._styles: tuple[object, Style, Style, Style] | None = None  # (key, bar, track, text): see render_line

    def show(self, done: float, total: float, remaining: str) -> None:
        """Repaints only when the filled width or the label would change, and then only those cells."""
        self.done, self.total, self.remaining = done, max(total, 1.0), remaining
        width = self.content_size.width
        drawn = (self._filled(width), width, remaining)
        before, self._drawn = self._drawn, drawn
        if drawn == before:
            return
        if before is None or before[1] != width or len(before[2]) != len(remaining):
            self.refresh()
            return
        # One region from the first changed cell to the last: the terminal gets the line from
        # its start up to the last change anyway, and two regions on a line would send it twice.
        changed = [min(before[0], drawn[0]), max(before[0], drawn[0])] if before[0] != drawn[0] else []
        start = self._bar_width(width) + len(GAP)
        label = [start + x for x, (a, b) in enumerate(zip(before[2], remaining, strict=True)) if a != b]
        changed += [label[0], label[-1] + 1] if label else []
        self.refresh(Region(min(changed), 0, max(changed) - min(changed), 1))

    def _bar_width(self, width: int) -> int:
        return max(0, width - len(self.remaining) - len(GAP))

    def _filled(self, width: int) -> int:
        bar = self._bar_width(width)
        return round(bar * min(1.0, max(0.0, self.done / self.total)))

    def notify_style_update(self) -> None:
        self._styles = None
        super().notify_style_update()

    def render_line(self, y: int) -> Strip:
        # The colours are looked up again only when the styles or the background under the bar
        # change: a component style walks every ancestor, and the bar repaints every second.
        key = (self.background_colors, self.app.theme)
        if self._styles is None or self._styles[0] != key:
            self._styles = (key, self.get_component_rich_style("progress--bar"),
                            self.get_component_rich_style("progress--track"), self.visual_style.rich_style)
        _key, bar_style, track_style, style = self._styles
        width = self.content_size.width
        if y:
            return Strip.blank(width, style)
        bar, filled = self._bar_width(width), self._filled(width)
        self._drawn = (filled, width, self.remaining)
        segments = [Segment(BAR * filled, bar_style), Segment(TRACK * (bar - filled), track_style),
                    Segment(GAP + self.remaining, style)]
        return Strip([segment for segment in segments if segment.text]).adjust_cell_length(width, style)
