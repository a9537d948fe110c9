"""A Textual compositor that, for a partial repaint, renders only the widgets whose cells are written.

Textual's `Compositor.render_partial_update` asks every widget that overlaps the *bounding
box* of the regions to repaint for all its lines (from its cache, but each at a cost: its
background colours, styles and line filters looked up again), and then writes only the
lines and cells of those regions. When a second changes a digit in the middle of the
session screen and the time left at its bottom, that box is most of the screen: some 35
widgets asked, for the four or five that changed.

A cell that is written shows the top widget covering it. When every region to repaint
came from a widget asking for it (`Widget.refresh(*regions)`, through `update_widgets`),
that top widget is the one that asked, or one above it (later in the DOM or on a higher
layer: a notification over the countdown); the containers under it are covered and need
not render. So this compositor renders, for such an update, the widgets that asked and
the ones above them that overlap their regions, each only for the rows of those regions.
When any region came another way (a layout pass, a screen resized or uncovered) it falls
back to every widget that overlaps a region, which is Textual's choice narrowed from the
bounding box to the regions themselves. tests/ui/test_session_repaint.py checks the output
against Textual's own.

What is written is narrowed too (`TightChopsUpdate`): Textual writes a changed stretch of a
line from the left edge of the widget covering it, with a cursor move, the colours and a
reset around every row; this writes from the first cell to repaint, and sends the colours
again only when they change. On screen the cells are the same.

Written for Textual 8.2.8 (pinned in pyproject.toml): it relies on `render_partial_update`
reading the widgets through `visible_widgets` (topmost first) and the line cuts through
`cuts`, both cached on the compositor, on `update_widgets` adding the regions widgets
ask for to `_dirty_regions`, and on `ChopsUpdate`'s fields (`chops`, `spans`, `chop_ends`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.color import ColorSystem
from textual._compositor import ChopsUpdate, Compositor
from textual.geometry import Region
from textual.strip import Strip

if TYPE_CHECKING:
    from rich.console import Console
    from textual.widget import Widget

    Placed = dict[Widget, tuple[Region, Region]]  # widget -> (region, clip), topmost first


class PartialCompositor(Compositor):
    """Renders a partial update from the widgets that are drawn in it, not from its bounding box."""

    def __init__(self) -> None:
        super().__init__()
        self._asked_by: set[Widget] = set()  # widgets that asked for a repaint since the last update
        self._asked: set[Region] = set()  # the regions they added

    def update_widgets(self, widgets: set[Widget]) -> None:
        before = set(self._dirty_regions)
        super().update_widgets(widgets)
        self._asked |= self._dirty_regions - before
        self._asked_by |= widgets

    def render_partial_update(self) -> ChopsUpdate | None:
        dirty = list(self._dirty_regions)
        asked_by, asked = self._asked_by, self._asked
        self._asked_by, self._asked = set(), set()
        if not dirty:
            return super().render_partial_update()
        self.cuts  # noqa: B018 -- computed (and cached) from every visible widget before the narrowing below
        visible = self.visible_widgets
        drawn = self._drawn(visible, dirty, asked_by) if asked.issuperset(dirty) else self._under(visible, dirty)
        self._visible_widgets = drawn
        try:
            update = super().render_partial_update()
        finally:
            self._visible_widgets = visible
        return TightChopsUpdate(update.chops, update.spans, update.chop_ends) if update else None

    @staticmethod
    def _under(visible: Placed, dirty: list[Region]) -> Placed:
        """Every widget that overlaps a region (the fallback), clipped to those regions' rows."""
        box = Region.from_union(dirty)
        drawn = {}
        for widget, (region, clip) in visible.items():
            shown = region.intersection(clip)
            if shown.overlaps(box) and (parts := [part for part in dirty if shown.overlaps(part)]):
                drawn[widget] = (region, _rows(clip, Region.from_union(parts)))
        return drawn

    @staticmethod
    def _drawn(visible: Placed, dirty: list[Region], asked_by: set[Widget]) -> Placed:
        """The widgets that asked, and those above one of them that overlap its regions."""
        drawn: Placed = {}
        above: list[tuple[Widget, Region, Region, Region]] = []  # widgets met so far, topmost first
        for widget, (region, clip) in visible.items():
            shown = region.intersection(clip)
            if widget in asked_by and (parts := [part for part in dirty if shown.overlaps(part)]):
                box = Region.from_union(parts)
                drawn[widget] = (region, _rows(clip, box))
                for other, other_shown, other_region, other_clip in above:
                    if other_shown.overlaps(box) and (over := [part for part in parts if other_shown.overlaps(part)]):
                        rows = _rows(other_clip, Region.from_union(over))
                        previous = drawn.get(other)
                        drawn[other] = (other_region, rows if previous is None else previous[1].union(rows))
            above.append((widget, shown, region, clip))
        # Keep Textual's order (topmost first): the first strip drawn in a cell wins.
        return {widget: drawn[widget] for widget in visible if widget in drawn}


def _rows(clip: Region, box: Region) -> Region:
    """`clip` cut down to the rows of `box`, whole rows: the line cuts stay where they are."""
    return clip.intersection(Region(clip.x, box.y, clip.width, box.height))


class TightChopsUpdate(ChopsUpdate):
    """A partial update written cell-tight: from the first cell of each span, colours only when they change."""

    def render_segments(self, console: Console) -> str:
        color_system = console._color_system or ColorSystem.TRUECOLOR
        written: list[str] = []
        write = written.append
        sgr = ""  # the colours the terminal has now ("" after a reset)
        for y, x1, x2 in self.spans:
            for end, (x, strip) in zip(self.chop_ends[y], self.chops[y].items(), strict=False):
                if strip is None or x >= x2 or end <= x1:
                    continue
                if x < x1 or end > x2:
                    skipped, strip = _cropped(strip, x1 - x, min(end, x2) - x)
                    x += skipped
                write(f"\x1b[{y + 1};{x + 1}H")  # every stretch starts with a move: no newlines needed
                for text, style, _control in strip:
                    if style is None or style._link:  # plain, or a link: written as Textual writes it
                        if sgr:
                            write("\x1b[0m")
                            sgr = ""
                        write(text if style is None else Strip.render_style(style, text, color_system))
                        continue
                    ansi = style._ansi if style._ansi is not None else Strip.render_ansi(style, color_system)
                    if ansi != sgr:
                        write(f"\x1b[0m\x1b[{ansi}m" if sgr else f"\x1b[{ansi}m")
                        sgr = ansi
                    write(text)
        if sgr:
            write("\x1b[0m")
        return "".join(written)


def _cropped(strip: Strip, start: int, end: int) -> tuple[int, Strip]:
    """`strip` cut to cells start..end, and how many cells were left out before it: `start`, or
    fewer when `start` falls in a run holding wide characters (cutting one in half would blank it)."""
    if start > 0:
        x = 0
        for segment in strip:
            width = cell_len(segment.text)
            if x + width > start:
                if width != len(segment.text):
                    start = x
                break
            x += width
    start = max(0, start)
    return start, strip.crop(start, end)
