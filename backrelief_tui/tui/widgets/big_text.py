"""Big letters and digits for the session screen, readable from a mat across the room.

A 5-pixel-tall font (3 pixels wide, 5 for M, N, W and 1 for the colon), scaled by a
whole number and drawn with half blocks (▀ ▄ █): a terminal cell is about twice as tall
as it is wide, so two pixels to a cell make every pixel square and every stroke the
same thickness. Scale 1 is 3 rows tall, 2 is 5 rows, 3 is 8, 4 is 10. The widget picks
the largest scale that fits the space it is given (up to `max_scale`), so the countdown
grows with the window; it repaints only when its text or its size changes (and then only
the cells that changed), and runs no timer of its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from rich.segment import Segment
from rich.style import Style as RichStyle
from textual.content import Content
from textual.geometry import Region
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.widget import Widget

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


def _pixel_width(text: str) -> int:
    return sum(len(_GLYPHS[character][0]) for character in text) + GAP * max(0, len(text) - 1)


@lru_cache(maxsize=256)
def render(text: str, scale: int) -> tuple[str, ...]:
    """`text` in big letters at `scale`, one string per terminal row (half blocks; spaces elsewhere)."""
    glyphs = [_glyph(character, scale) for character in text.upper()]
    gap = " " * (GAP * scale)
    return tuple(gap.join(rows) for rows in zip(*glyphs, strict=True))


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


def best_scale(text: str, width: int, height: int, max_scale: int = 4) -> int:
    """The largest scale at which `text` fits in width × height (0 when even scale 1 does not)."""
    pixels = _pixel_width(text.upper())
    for scale in range(max_scale, 0, -1):
        if pixels * scale <= width and (HEIGHT * scale + 1) // 2 <= height:
            return scale
    return 0


@dataclass(frozen=True)
class Drawing:
    """What BigText paints at one size: the rows of big letters and where they start (scale 0: plain text)."""

    scale: int
    rows: tuple[str, ...] = ()
    top: int = 0
    left: int = 0


@lru_cache(maxsize=256)
def drawing(text: str, width: int, height: int, max_scale: int) -> Drawing:
    """`text` as large as fits in width × height, centred both ways (as `content-align: center middle` would)."""
    scale = best_scale(text, width, height, max_scale) if text and can_draw(text) else 0
    if not scale:
        return Drawing(0)
    rows = render(text, scale)
    return Drawing(scale, rows, max(0, height - len(rows)) // 2, max(0, width - len(rows[0])) // 2)


def changed_regions(before: Drawing, after: Drawing) -> list[Region] | None:
    """The cells to repaint to turn one drawing into the other; None when the whole widget must repaint.

    Only when both are big letters of the same shape (a countdown from 1:25 to 1:24): then
    each row that differs is repainted up to its last changed cell, so a second that
    changes one digit sends that digit's rows, not the whole countdown.
    """
    if not before.scale or not after.scale or len(before.rows) != len(after.rows) or (
            before.top, before.left) != (after.top, after.left) or len(before.rows[0]) != len(after.rows[0]):
        return None
    regions = []
    for y, (old, new) in enumerate(zip(before.rows, after.rows, strict=True)):
        if old != new:
            columns = [x for x, (a, b) in enumerate(zip(old, new, strict=True)) if a != b]
            regions.append(Region(after.left + columns[0], after.top + y, columns[-1] - columns[0] + 1, 1))
    return regions


class BigText(Widget):
    """Shows one short text as large as its space allows; plain bold text when even scale 1 does not fit."""

    DEFAULT_CSS = """
    BigText { width: 1fr; height: 1fr; content-align: center middle; text-style: bold; }
    """

    def __init__(self, text: str = "", *, max_scale: int = 4, name: str | None = None, id: str | None = None,
                 classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self.text = text
        self.max_scale = max_scale
        self.scale = 0  # the scale of the last paint (0: plain text)
        self._styles: tuple[RichStyle, RichStyle] | None = None  # (letters, padding)

    def show(self, text: str) -> None:
        """Change the text; repaints only the cells that change (the size is watched by Textual)."""
        if text == self.text:
            return
        before = self._drawing()
        self.text = text
        regions = changed_regions(before, self._drawing())
        if regions is None:
            self.refresh()
        elif regions:
            self.refresh(*regions)

    def _drawing(self) -> Drawing:
        return drawing(self.text, self.content_size.width, self.content_size.height, self.max_scale)

    def render(self) -> Content:
        """The plain text, for when big letters do not fit (they are drawn line by line: `render_line`)."""
        return Content(self.text)

    def render_lines(self, crop: Region) -> list[Strip]:
        self._styles = None  # looked up once per repaint, not once per row
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        # Big letters are drawn here rather than by Content, so that `show` knows exactly which
        # cells a new text changes (the drawing is centred the way content-align would centre it).
        drawn = self._drawing()
        self.scale = drawn.scale
        if not drawn.scale:
            return super().render_line(y)
        width = self.content_size.width
        if self._styles is None:
            style = self.visual_style
            # The padding in the style Content pads with (the same look, but not merged with the
            # letters): an SVG export (the snapshots) lays out each run of text on its own.
            self._styles = (style.rich_style, (style + VisualStyle(reverse=False)).rich_style)
        letters, padding = self._styles
        row = y - drawn.top
        if not 0 <= row < len(drawn.rows):
            return Strip.blank(width, padding)
        line = drawn.rows[row]
        right = width - drawn.left - len(line)
        segments = [Segment(" " * drawn.left, padding), Segment(line, letters), Segment(" " * right, padding)]
        return Strip([segment for segment in segments if segment.text], width)
