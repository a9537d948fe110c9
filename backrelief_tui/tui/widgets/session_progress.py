"""A whole-session progress bar with the planned time left beside it, on one line.

Drawn by the widget itself (a run of heavy and light rules), not Textual's `ProgressBar`:
that one runs a repaint timer of its own, even while the session is paused, and the
session screen must redraw only when the shown second changes.

A new second repaints only the cells that changed. The time left is a `Line` of its own, in
minutes (`minutes_left`: it changes once a minute, not every second), right-aligned in a
width that holds its longest wording: when "1 min left" becomes "under a minute left" the
bar keeps its length (its fill does not jump) and the screen is not laid out again. The
bar is `PIECES` widgets side by side, so a cell more of bar repaints one piece.
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from backrelief_tui.core.wording import minutes_left
from backrelief_tui.tui.widgets.line import Line
from backrelief_tui.tui.widgets.painted import PaintedRows

BAR = "━"
TRACK = "╺"  # the unfilled rest, lighter
PIECES = 12  # the bar's pieces: a new cell of bar renders one piece, not the whole bar
LABEL_WIDTH = cell_len(minutes_left(1))  # "under a minute left", the longest (to 999 minutes)


class BarPiece(PaintedRows):
    """One stretch of the bar; how much of it is filled comes from the SessionProgress it is in."""

    DEFAULT_CSS = "BarPiece { width: 1fr; height: 1; }"

    def __init__(self) -> None:
        super().__init__()
        self.offset_in_bar = 0  # cells of bar before this piece (set by SessionProgress.place_pieces)
        self.width = 0  # its width when placed
        self._styles: tuple[Style, Style] | None = None

    def on_resize(self) -> None:
        progress = self.parent
        if isinstance(progress, SessionProgress):
            progress.place_pieces()

    def filled(self, bar_filled: int) -> int:
        return max(0, min(self.width, bar_filled - self.offset_in_bar))

    def new_repaint(self) -> None:
        self._styles = None  # looked up once per repaint, not once per row

    def row_key(self, y: int) -> Hashable:
        return (self._filled_now(), self._colours())

    def _filled_now(self) -> int:
        progress = self.parent
        assert isinstance(progress, SessionProgress)
        return self.filled(progress.bar_filled)

    def _colours(self) -> tuple[Style, Style]:
        if self._styles is None:
            progress = self.parent
            assert isinstance(progress, SessionProgress)
            self._styles = (progress.get_component_rich_style("progress--bar"),
                            progress.get_component_rich_style("progress--track"))
        return self._styles

    def render_line(self, y: int) -> Strip:
        bar_style, track_style = self._colours()
        width = self.size.width
        filled = self._filled_now()
        segments = [Segment(BAR * filled, bar_style), Segment(TRACK * (width - filled), track_style)]
        return Strip([segment for segment in segments if segment.text], width)


class SessionProgress(Widget):
    """`━━━━━━━━╺╺╺╺╺╺╺  4 min left`: the bar takes the width the label leaves."""

    DEFAULT_CSS = f"""
    SessionProgress {{ height: 1; layout: horizontal; }}
    SessionProgress > .progress--bar {{ color: $accent; }}
    SessionProgress > .progress--track {{ color: $foreground 25%; }}
    SessionProgress > Line {{ margin: 0 0 0 2; width: {LABEL_WIDTH}; }}
    """
    COMPONENT_CLASSES = {"progress--bar", "progress--track"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.done = 0.0
        self.total = 1.0
        self.remaining = ""
        self.bar_filled = 0  # cells of bar filled on screen
        self.bar_width = 0  # the pieces' widths added up (see place_pieces)
        self._pieces = [BarPiece() for _ in range(PIECES)]
        self._label = Line()

    def compose(self) -> ComposeResult:
        yield from self._pieces
        yield self._label

    def show(self, done: float, total: float, remaining: str) -> None:
        """Repaints only the pieces of the bar whose cells change, and the label's changed cells."""
        self.done, self.total, self.remaining = done, max(total, 1.0), remaining
        self._label.show(remaining.rjust(LABEL_WIDTH))
        self._fill()

    def place_pieces(self) -> None:
        """After a piece changed size (the window, or the label's width): where each piece starts, all repainted."""
        offset = 0
        for piece in self._pieces:
            piece.offset_in_bar, piece.width = offset, piece.size.width
            offset += piece.width
        self.bar_width = offset
        self.bar_filled = self._filled()
        for piece in self._pieces:
            piece.refresh()

    def _filled(self) -> int:
        return round(self.bar_width * min(1.0, max(0.0, self.done / self.total)))

    def _fill(self) -> None:
        before, after = self.bar_filled, self._filled()
        if before == after:
            return
        self.bar_filled = after
        low, high = min(before, after), max(before, after)
        for piece in self._pieces:
            start = max(low, piece.offset_in_bar)
            end = min(high, piece.offset_in_bar + piece.width)
            if end > start:
                piece.refresh(Region(start - piece.offset_in_bar, 0, end - start, 1))
