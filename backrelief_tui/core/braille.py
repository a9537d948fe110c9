"""Frame -> character grid, in braille: the rasteriser behind the figure widget and `backrelief figure`.

Why braille and not half-blocks: a braille cell holds 2×4 dots, a half-block cell 1×2
pixels. At the 12 × 36 cells the session screen gives the figure, that is 72×48 dots
against 36×24 pixels; at 9 rows a half-block figure is 18 pixels tall, its head two
pixels and an elbow-to-instep or forearm-versus-hand difference simply gone. Braille keeps
those (the positions are what a person needs to recognise), and its dots are square on a
~1:2 cell, like half-block pixels. What half-blocks do better is colour per half cell and
solid strokes; braille has one colour per cell and a one-dot line looks faint. So the
strokes here are 2 dots thick (the trunk 3, the head a filled disc), thickness scales with
the figure, and a cell shared by several layers takes the most important one's colour
(working limb > body > far limb > prop > floor), which is what the eye is looking for.

Pure Python and cheap (a few thousand dot writes per frame); the widget caches results.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from backrelief_tui.core.figures import Box, Frame, Layer

BRAILLE_BASE = 0x2800
# Bit of each dot in a braille cell, indexed [row][column] (Unicode's dot numbering).
DOT_BITS = ((0x01, 0x08), (0x02, 0x10), (0x04, 0x20), (0x40, 0x80))
REFERENCE_DOTS = 48  # the figure height (12 rows) at which strokes have their nominal weight
MARGIN = 0.04  # of the box, on each side: an arm swinging a little past a keyframe stays in view

Run = tuple[str, int]  # text and its layer (0: empty)


@dataclass(frozen=True)
class Raster:
    """A grid of braille characters, each row as runs of text with one layer each."""

    width: int
    height: int
    rows: tuple[tuple[Run, ...], ...]

    def lines(self) -> list[str]:
        """Plain text, one string per row (empty cells are spaces)."""
        return ["".join(text for text, _ in row) for row in self.rows]

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines())


def rasterise(frame: Frame, box: Box, width: int, height: int) -> Raster:
    """Draw a frame into `width` × `height` cells, scaled to fit `box` with its aspect ratio kept.

    The floor (y = 0) is the bottom row of dots, across the whole width; the figure is centred
    left to right. Terminal cells are about twice as tall as wide, so a braille dot is square
    and one scale serves both axes.
    """
    width, height = max(1, width), max(1, height)
    dots_w, dots_h = width * 2, height * 4
    grid = bytearray(dots_w * dots_h)
    min_x, _, max_x, max_y = box
    span_x = max(max_x - min_x, 1.0) * (1 + 2 * MARGIN)
    span_y = max(max_y, 1.0) * (1 + MARGIN)
    floor_row = dots_h - 1
    scale = min((dots_w - 1) / span_x, (floor_row - 1) / span_y)
    offset_x = (dots_w - (max_x - min_x) * scale) / 2 - min_x * scale
    base_y = floor_row - 1  # y = 0 sits just above the floor line

    def to_dots(point: tuple[float, float]) -> tuple[float, float]:
        return offset_x + point[0] * scale, base_y - point[1] * scale

    size = min(dots_h, (dots_w * span_y / span_x)) / REFERENCE_DOTS  # how big the figure is drawn

    def thickness(weight: int) -> int:
        return max(1, min(6, round(weight * max(size, 0.75))))

    if frame.floor:
        row = floor_row * dots_w
        for x in range(dots_w):
            grid[row + x] = Layer.FLOOR
    for disc in frame.discs:
        radius = max(disc.radius * scale, 1.6)
        if disc.filled:
            _disc(grid, dots_w, dots_h, to_dots(disc.centre), radius, disc.layer)
        else:
            _ring(grid, dots_w, dots_h, to_dots(disc.centre), radius, disc.layer)
    for stroke in frame.strokes:
        _line(grid, dots_w, dots_h, to_dots(stroke.a), to_dots(stroke.b), thickness(stroke.weight), stroke.layer)
    return Raster(width, height, _cells(grid, width, height))


def _put(grid: bytearray, dots_w: int, dots_h: int, x: int, y: int, layer: int) -> None:
    if 0 <= x < dots_w and 0 <= y < dots_h:
        index = y * dots_w + x
        if grid[index] < layer:
            grid[index] = layer


def _line(grid: bytearray, dots_w: int, dots_h: int, a: tuple[float, float], b: tuple[float, float],
          thick: int, layer: int) -> None:
    (ax, ay), (bx, by) = a, b
    steps = max(1, math.ceil(max(abs(bx - ax), abs(by - ay))))
    # Thicken across the line: vertically for a flat line, sideways for a steep one. Extra
    # dots go up and right first, so a limb resting on the floor stays above the floor line.
    across = [(0, -k) for k in _spread(thick)] if abs(bx - ax) >= abs(by - ay) else [(k, 0) for k in _spread(thick)]
    for step in range(steps + 1):
        t = step / steps
        x, y = round(ax + (bx - ax) * t), round(ay + (by - ay) * t)
        for dx, dy in across:
            _put(grid, dots_w, dots_h, x + dx, y + dy, layer)


def _spread(thick: int) -> list[int]:
    # 1 -> [0]; 2 -> [0, 1]; 3 -> [-1, 0, 1]; 4 -> [-1, 0, 1, 2] ...
    low = -((thick - 1) // 2)
    return list(range(low, low + thick))


def _disc(grid: bytearray, dots_w: int, dots_h: int, centre: tuple[float, float], radius: float, layer: int) -> None:
    cx, cy = centre
    reach = math.ceil(radius)
    for y in range(round(cy) - reach, round(cy) + reach + 1):
        for x in range(round(cx) - reach, round(cx) + reach + 1):
            if (x - cx) ** 2 + (y - cy) ** 2 <= radius * radius + 0.25:
                _put(grid, dots_w, dots_h, x, y, layer)


def _ring(grid: bytearray, dots_w: int, dots_h: int, centre: tuple[float, float], radius: float, layer: int) -> None:
    cx, cy = centre
    steps = max(12, math.ceil(2 * math.pi * radius))
    for step in range(steps):
        theta = 2 * math.pi * step / steps
        _put(grid, dots_w, dots_h, round(cx + radius * math.cos(theta)), round(cy + radius * math.sin(theta)), layer)


def _cells(grid: bytearray, width: int, height: int) -> tuple[tuple[Run, ...], ...]:
    dots_w = width * 2
    rows: list[tuple[Run, ...]] = []
    for cell_y in range(height):
        runs: list[Run] = []
        text: list[str] = []
        current = -1
        for cell_x in range(width):
            bits = 0
            layer = 0
            for dy in range(4):
                row = (cell_y * 4 + dy) * dots_w + cell_x * 2
                for dx in range(2):
                    value = grid[row + dx]
                    if value:
                        bits |= DOT_BITS[dy][dx]
                        if value > layer:
                            layer = value
            char = chr(BRAILLE_BASE + bits) if bits else " "
            if layer != current and text:
                runs.append(("".join(text), current))
                text = []
            current = layer
            text.append(char)
        if text:
            runs.append(("".join(text), current))
        rows.append(tuple(runs))
    return tuple(rows)
