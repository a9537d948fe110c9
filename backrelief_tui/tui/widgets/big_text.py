"""Big letters and digits for the session screen, readable from a mat across the room.

A 5-pixel-tall font (3 pixels wide, 5 for M, N, W and 1 for the colon), scaled by a
whole number and drawn with half blocks (▀ ▄ █): a terminal cell is about twice as tall
as it is wide, so two pixels to a cell make every pixel square and every stroke the
same thickness. Scale 1 is 3 rows tall, 2 is 5 rows, 3 is 8, 4 is 10. The widget picks
the largest scale that fits the space it is given (up to `max_scale`), so the countdown
grows with the window; it repaints only when its text or its size changes, and runs no
timer of its own.
"""

from __future__ import annotations

from functools import lru_cache

from textual.content import Content
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
    glyphs = [_GLYPHS[character] for character in text.upper()]
    pixels = sum(len(glyph[0]) for glyph in glyphs) + GAP * max(0, len(glyphs) - 1)
    return pixels * scale, (HEIGHT * scale + 1) // 2


@lru_cache(maxsize=256)
def render(text: str, scale: int) -> tuple[str, ...]:
    """`text` in big letters at `scale`, one string per terminal row (half blocks; spaces elsewhere)."""
    glyphs = [_GLYPHS[character] for character in text.upper()]
    rows: list[str] = []
    for pixel_row in range(HEIGHT):
        line = []
        for index, glyph in enumerate(glyphs):
            if index:
                line.append("." * GAP)
            line.append(glyph[pixel_row])
        rows.append("".join(line))
    pixels = [[row[column // scale] == "#" for column in range(len(row) * scale)]
              for row in rows for _ in range(scale)]
    if len(pixels) % 2:
        pixels.append([False] * len(pixels[0]))
    cells = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
    return tuple("".join(cells[top, bottom] for top, bottom in zip(upper, lower, strict=True))
                 for upper, lower in zip(pixels[::2], pixels[1::2], strict=True))


def best_scale(text: str, width: int, height: int, max_scale: int = 4) -> int:
    """The largest scale at which `text` fits in width × height (0 when even scale 1 does not)."""
    for scale in range(max_scale, 0, -1):
        columns, rows = measure(text, scale)
        if columns <= width and rows <= height:
            return scale
    return 0


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

    def show(self, text: str) -> None:
        """Change the text; repaints only when it changed (the size is watched by Textual)."""
        if text != self.text:
            self.text = text
            self.refresh()

    def render(self) -> Content:
        width, height = self.content_size.width, self.content_size.height
        text = self.text
        self.scale = best_scale(text, width, height, self.max_scale) if text and can_draw(text) else 0
        if not self.scale:
            return Content(text)
        return Content("\n".join(render(text, self.scale)))
