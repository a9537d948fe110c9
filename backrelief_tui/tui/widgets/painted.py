"""Widgets that draw their own rows in plain styles and repaint often: each row drawn once, then kept.

Textual renders a widget's rows through its styles cache: for every repaint it works out
borders, padding, outline, hatch, tint and opacity, draws each dirty row again, applies the
app's line filters to it (a new strip each time) and crops it (another). A glyph of the
countdown, a stretch of the session's bar, a line of text or a frame of the figure has
none of those styles, and shows the same few rows again and again: the digit 7, the bar
at 40 cells, the third frame of a rep.

`PaintedRows` keeps each row as it goes to the screen (drawn, filtered) under a key of what
it shows (`row_key`, colours included), its width, the background and the filters, so a
repaint of a row it has drawn before is a look-up, and the strips Textual is handed are
the same objects each time (their own crop and render caches then hit too). As soon as a
style it does not apply is set on the widget it renders the way Textual does.
"""

from __future__ import annotations

from collections.abc import Hashable

from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

RowKey = tuple[Hashable, int, Color, tuple[LineFilter, ...]]


class PaintedRows(Widget):
    """A widget whose `render_line` draws a row from what `row_key` names (see the module's note)."""

    KEPT_ROWS = 256  # rows kept per widget before it starts again

    def __init__(self, *, name: str | None = None, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._kept_rows: dict[RowKey, Strip] = {}

    def new_repaint(self) -> None:
        """Called before each repaint: forget what was looked up for the last one (styles)."""

    def row_key(self, y: int) -> Hashable:
        """What row `y` shows, colours included: rows with equal keys (and widths) are drawn alike."""
        raise NotImplementedError

    def render_lines(self, crop: Region) -> list[Strip]:
        self.new_repaint()
        if not self._plain():
            return super().render_lines(crop)
        width = self.size.width
        filters = tuple(self.get_line_filters())
        background = self.background_colors[1]  # the filters' (as Textual's styles cache gives them)
        kept = self._kept_rows
        strips = []
        for y in crop.line_range:
            key = (self.row_key(y), width, background, filters)
            strip = kept.get(key)
            if strip is None:
                strip = self.render_line(y).adjust_cell_length(width)
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)
                if len(kept) >= self.KEPT_ROWS:
                    kept.clear()
                kept[key] = strip
            strips.append(strip)
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def _plain(self) -> bool:
        """Whether none of the styles that Textual's styles cache applies to a row is set."""
        styles = self.styles
        return (not any(styles.gutter) and not any(edge for edge, _color in styles.outline)
                and not styles.tint.a and self.opacity == 1.0 and styles.text_opacity == 1.0
                and not styles.has_rule("hatch"))
