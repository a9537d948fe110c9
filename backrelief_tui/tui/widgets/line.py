"""One line of plain text, for a line that changes every second ("1:25 left").

A `Static` renders and repaints its whole width whenever its text changes. This line is as
wide as its text (the parent centres it) unless its CSS fixes a width, and a new text of the
same length repaints only the cells from the first to the last that differ: a new second
renders and sends little more than the digit that changed. A text of another length lays
the screen out again (the line's width changes); a fixed-width line right-aligns by leading
blanks instead (see `SessionProgress`). The text is shown as typed, never as markup.
"""

from __future__ import annotations

from collections.abc import Hashable

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.content import Content
from textual.geometry import Region, Size
from textual.strip import Strip

from backrelief_tui.tui.widgets.painted import PaintedRows


def changed_span(before: str, after: str) -> tuple[int, int] | None:
    """(first, last + 1) cells that differ between two texts of the same single-cell characters.

    None when the texts differ in length or hold wide characters (then the whole line repaints).
    """
    if len(before) != len(after) or cell_len(before) != len(before) or cell_len(after) != len(after):
        return None
    changed = [x for x, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    return (changed[0], changed[-1] + 1) if changed else (0, 0)


class Line(PaintedRows):
    """A single line of literal text; `show(text)` repaints only what changed."""

    DEFAULT_CSS = "Line { width: auto; height: 1; }"

    def __init__(self, text: str = "", *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.text = text
        self._style: Style | None = None
        self._padding = Style()  # leading blanks (a right-aligned text): see render_line

    def show(self, text: str) -> None:
        if text == self.text:
            return
        span = changed_span(self.text, text)
        self.text = text
        if span is None:
            self.refresh(layout=True)
        elif span[1] > span[0]:
            self.refresh(Region(span[0], 0, span[1] - span[0], 1))

    def get_content_width(self, container: Size, viewport: Size) -> int:
        return cell_len(self.text)

    def render(self) -> Content:
        """The text as Content (what the tests read); the screen gets it from `render_line`."""
        return Content(self.text)

    def new_repaint(self) -> None:
        self._style = None  # looked up once per repaint

    def row_key(self, y: int) -> Hashable:
        return (self.text if y == 0 else "", self._colours())

    def _colours(self) -> Style:
        if self._style is None:
            self._style = self.visual_style.rich_style
            # Looks the same and is sent the same, but is a style of its own: leading blanks stay a
            # run of their own in an SVG export, where a run's spaces need not be as wide as its letters.
            self._padding = self._style + Style(reverse=False)
        return self._style

    def render_line(self, y: int) -> Strip:
        # One run of one style, drawn here: a Content would be laid out (wrapped, aligned)
        # again for every repaint, and this line repaints every second.
        self._colours()
        width = self.size.width
        if y or not self.text:
            return Strip.blank(width, self._style)
        text = self.text.lstrip(" ")
        lead = len(self.text) - len(text)
        segments = [Segment(" " * lead, self._padding)] if lead else []
        return Strip([*segments, Segment(text, self._style)]).adjust_cell_length(width, self._style)
