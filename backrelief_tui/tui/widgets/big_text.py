"""Big letters and digits for the session screen, readable from a mat across the room.

A 5-pixel-tall font (3 pixels wide, 5 for M, N, W and 1 for the colon), scaled by a
whole number and drawn with half blocks (▀ ▄ █): a terminal cell is about twice as tall
as it is wide, so two pixels to a cell make every pixel square and every stroke the
same thickness. Scale 1 is 3 rows tall, 2 is 5 rows, 3 is 8, 4 is 10. The widget picks
the largest scale that fits the space it is given (up to `max_scale`), so the countdown
grows with the window; it repaints only when its text or its size changes, and runs no
timer of its own. Each glyph is a widget of its own (`Glyph`): a new second renders and
sends only the changed cells of the glyphs that changed (see `Glyph`).
"""

from __future__ import annotations

from collections.abc import Hashable
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from backrelief_tui.tui.widgets.painted import PaintedRows

HEIGHT = 5  # pixels
GAP = 1  # pixels between glyphs

_GLYPHS = {
    "0": ("###", "#.#", "#.#", "#.#", "###"), "1": (".#.", "##.", ".#.", ".#.", "###"),
    "2": ("###", "..#", "###", "#..", "###"), "3": ("###", "..#", ".##", "..#", "###"),
    "4": ("#.#", "#.#", "###", "..#", "..#"), "5": ("###", "#..", "###", "..#", "###"),
    "6": ("###", "#..", "###", "#.#", "###"), "7": ("###", "..#", ".#.", ".#.", ".#."),
    "8": ("###", "#.#", "###", "#.#", "###"), "9": ("###", "#.#", "###", "..#", "###"),
    ":": (".", "#", ".", "#", "."), " ": ("..", "..", "..", "..", ".."), "-": ("...", "...", "###", "...", "..."),
    "'": ("#", "#", ".", ".", "."), ".": (".", ".", ".", ".", "#"), "+": ("...", ".#.", "###", ".#.", "..."),
    "A": ("###", "#.#", "###", "#.#", "#.#"), "B": ("##.", "#.#", "##.", "#.#", "##."),
    "C": ("###", "#..", "#..", "#..", "###"), "D": ("##.", "#.#", "#.#", "#.#", "##."),
    "E": ("###", "#..", "##.", "#..", "###"), "F": ("###", "#..", "##.", "#..", "#.."),
    "G": ("###", "#..", "#.#", "#.#", "###"), "H": ("#.#", "#.#", "###", "#.#", "#.#"),
    "I": ("###", ".#.", ".#.", ".#.", "###"), "J": ("..#", "..#", "..#", "#.#", "###"),
    "K": ("#.#", "#.#", "##.", "#.#", "#.#"), "L": ("#..", "#..", "#..", "#..", "###"),
    "M": ("#...#", "##.##", "#.#.#", "#...#", "#...#"), "N": ("#...#", "##..#", "#.#.#", "#..##", "#...#"),
    "O": ("###", "#.#", "#.#", "#.#", "###"), "P": ("###", "#.#", "###", "#..", "#.."),
    "Q": ("###", "#.#", "#.#", "###", "..#"), "R": ("###", "#.#", "##.", "#.#", "#.#"),
    "S": ("###", "#..", "###", "..#", "###"), "T": ("###", ".#.", ".#.", ".#.", ".#."),
    "U": ("#.#", "#.#", "#.#", "#.#", "###"), "V": ("#.#", "#.#", "#.#", "#.#", ".#."),
    "W": ("#...#", "#...#", "#.#.#", "##.##", "#...#"), "X": ("#.#", "#.#", ".#.", "#.#", "#.#"),
    "Y": ("#.#", "#.#", ".#.", ".#.", ".#."), "Z": ("###", "..#", ".#.", "#..", "###"),
}


def can_draw(text: str) -> bool:
    """Whether every character of `text` (upper-cased) has a glyph."""
    return all(character in _GLYPHS for character in text.upper())


def measure(text: str, scale: int) -> tuple[int, int]:
    """(columns, rows) that `text` takes at `scale`."""
    return _pixel_width(text.upper()) * scale, (HEIGHT * scale + 1) // 2


def _widths(text: str) -> tuple[int, ...] | None:
    """Each glyph's width in pixels (None when one has no glyph)."""
    glyphs = [_GLYPHS.get(character) for character in text]
    return tuple(len(glyph[0]) for glyph in glyphs if glyph) if all(glyphs) else None


def _pixel_width(text: str) -> int:
    return sum(len(_GLYPHS[character][0]) for character in text) + GAP * max(0, len(text) - 1)


@lru_cache(maxsize=256)
def _glyph(character: str, scale: int) -> tuple[str, ...]:
    """One glyph at `scale`, one string per terminal row: letters are drawn a glyph at a time, so a
    countdown's every new second is made of glyphs already drawn (columns never share a cell)."""
    pixels = [[pixel == "#" for pixel in row for _ in range(scale)] for row in _GLYPHS[character] for _ in range(scale)]
    if len(pixels) % 2:
        pixels.append([False] * len(pixels[0]))
    cells = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
    return tuple("".join(cells[top, bottom] for top, bottom in zip(upper, lower, strict=True))
                 for upper, lower in zip(pixels[::2], pixels[1::2], strict=True))


@lru_cache(maxsize=256)
def _changes(before: str, after: str, scale: int) -> tuple[Region, ...]:
    """The cells that differ between two glyphs of the same width: a region a row, first to last change."""
    regions = []
    for y, (old, new) in enumerate(zip(_glyph(before, scale), _glyph(after, scale), strict=True)):
        if old != new:
            columns = [x for x, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
            regions.append(Region(columns[0], y, columns[-1] - columns[0] + 1, 1))
    return tuple(regions)


def best_scale(text: str, width: int, height: int, max_scale: int = 4) -> int:
    """The largest scale at which `text` fits in width × height (0 when even scale 1 does not)."""
    pixels = _pixel_width(text.upper())
    for scale in range(max_scale, 0, -1):
        if pixels * scale <= width and (HEIGHT * scale + 1) // 2 <= height:
            return scale
    return 0


class Glyph(PaintedRows):
    """One big letter: its own widget, so that a new second renders only the glyph that changed.

    The session screen's compositor (`tui/compositor.py`) renders a partial repaint from the
    widgets that asked for it and writes only the cells they asked for: a glyph asks for the
    rows that differ, each from its first to its last changed cell (`_changes`). A countdown
    drawn as one widget would render every glyph every second.

    A glyph is one column wider than its letter (a blank column on its right, taken from the
    gap to the next). That saved a cursor move a row with Textual's own writer, which wrote a
    line on from where one widget met the next; the session screen's writer moves the cursor
    for every stretch, so the column is now only where the gap is drawn.
    """

    DEFAULT_CSS = "Glyph { width: 3; height: 1; }"

    def __init__(self, character: str, scale: int) -> None:
        super().__init__()
        self.character = character
        self.scale = scale
        self._style: RichStyle | None = None

    def set(self, character: str) -> None:
        """Show another glyph of the same width: repaints only the cells that change."""
        if character == self.character:
            return
        regions = _changes(self.character, character, self.scale)
        self.character = character
        if regions:
            self.refresh(*regions)

    def new_repaint(self) -> None:
        self._style = None  # looked up once per repaint, not once per row

    def row_key(self, y: int) -> Hashable:
        return (self.character, self.scale, y, self._colours())

    def _colours(self) -> RichStyle:
        if self._style is None:
            # The colours alone: one run of one style a row, and bold would only lengthen it.
            style = self.visual_style.rich_style
            self._style = RichStyle(color=style.color, bgcolor=style.bgcolor)
        return self._style

    def render_line(self, y: int) -> Strip:
        style = self._colours()
        rows = _glyph(self.character, self.scale)
        width = self.size.width
        if 0 <= y < len(rows) and len(rows[y]) + 1 == width:
            return Strip([Segment(rows[y] + " ", style)], width)
        return Strip.blank(width, style)


class BigText(Widget):
    """Shows one short text as large as its space allows; plain bold text when even scale 1 does not fit.

    With `per_glyph` (a countdown) the big letters are `Glyph` children, laid out in a row and
    centred; a new text with glyphs of the same widths (the next second) only changes the
    glyphs' letters. A new text of other widths lays them out again, so a label that changes
    shape every few seconds (the beat: HOLD, LOWER) is drawn whole instead: a repaint of its
    rows and no layout.
    """

    DEFAULT_CSS = """
    BigText {
        width: 1fr; height: 1fr; layout: horizontal; align: center middle;
        content-align: center middle; text-style: bold;
    }
    """

    def __init__(self, text: str = "", *, max_scale: int = 4, per_glyph: bool = True, name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.text = text
        self.max_scale = max_scale
        self.per_glyph = per_glyph
        self._style: RichStyle | None = None  # drawn whole: the letters' colours, looked up once per repaint
        self._padding = RichStyle()  # and the blank around them (see render_line)
        self.scale = 0  # the scale on screen (0: plain text)
        self._shape: tuple[int, tuple[int, ...]] | None = None  # (scale, each glyph's width) on screen
        self._glyphs: list[Glyph] = []

    @property
    def glyphs(self) -> list[Glyph]:
        """The glyphs showing the text now (none when it is plain text)."""
        return self._glyphs[:len(self._shape[1])] if self._shape else []

    def show(self, text: str) -> None:
        """Change the text; repaints only the cells that change (the size is watched: `on_resize`)."""
        if text == self.text:
            return
        self.text = text
        shape = self._shape
        if self.per_glyph and shape and shape[0] and _widths(text.upper()) == shape[1]:
            self._set_letters(text.upper())  # glyphs of the same widths (the next second) fit as the last did
            return
        self._sync()

    def _set_letters(self, text: str) -> None:
        for glyph, character in zip(self._glyphs, text, strict=False):
            glyph.set(character)

    def on_mount(self) -> None:
        self._sync()

    def on_resize(self) -> None:
        self._sync()

    def _sync(self) -> None:
        if not self.is_mounted:
            return
        text = self.text.upper()
        size = self.content_size
        # Glyphs need one column to spare: the last glyph's blank column (see Glyph).
        width = size.width - 1 if self.per_glyph else size.width
        scale = best_scale(text, width, size.height, self.max_scale) if text and can_draw(text) else 0
        if not self.per_glyph:
            self.scale = scale
            self.refresh()
            return
        shape = (scale, (_widths(text) or ()) if scale else ())
        if shape == self._shape:
            self._set_letters(text)
            return
        self._shape, self.scale = shape, scale
        characters = text if scale else ""
        new = [Glyph(" ", scale) for _ in range(len(characters) - len(self._glyphs))]
        self._glyphs += new
        for index, glyph in enumerate(self._glyphs):
            shown = index < len(characters)
            glyph.display = shown
            if shown:
                glyph.character, glyph.scale = characters[index], scale
                columns, rows = measure(characters[index], scale)
                glyph.styles.width, glyph.styles.height = columns + 1, rows
                glyph.styles.margin = (0, 0, 0, GAP * scale - 1 if index else 0)
                glyph.refresh()
        if new:
            self.mount_all(new)
        self.refresh(layout=True)

    def render(self) -> Content:
        """The plain text, when big letters do not fit (else blank: the letters are drawn over it)."""
        return Content("" if self.scale else self.text)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._style = None
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        if self.per_glyph or not self.scale:
            return super().render_line(y)
        if self._style is None:
            style = self.visual_style.rich_style
            self._style = RichStyle(color=style.color, bgcolor=style.bgcolor)  # as a Glyph's
            # The padding looks the same but is a style of its own, so that it stays a run of its own
            # in an SVG export (the snapshots): there a run's spaces need not be as wide as its blocks.
            self._padding = RichStyle(color=style.color, bgcolor=style.bgcolor, reverse=False)
        rows = _rows(self.text.upper(), self.scale)
        width, height = self.content_size
        row = y - max(0, height - len(rows)) // 2
        if not 0 <= row < len(rows):
            return Strip.blank(width, self._padding)
        line = rows[row]
        left = max(0, width - len(line)) // 2
        segments = [Segment(" " * left, self._padding), Segment(line, self._style),
                    Segment(" " * (width - left - len(line)), self._padding)]
        return Strip([segment for segment in segments if segment.text], width)


@lru_cache(maxsize=64)
def _rows(text: str, scale: int) -> tuple[str, ...]:
    """`text` in big letters at `scale`, one string per terminal row."""
    gap = " " * (GAP * scale)
    return tuple(gap.join(row) for row in zip(*(_glyph(character, scale) for character in text), strict=True))
