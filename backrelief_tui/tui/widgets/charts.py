"""Small text charts for the history screen: minutes per day and the pain trend.

The drawing is plain functions over lists of numbers (`bar_rows`), so it is tested
without a terminal; the widgets only pick a size and add labels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from textual.content import Content
from textual.widget import Widget

from backrelief_tui.core.stats import PainPoint, mean

BLOCKS = " ▁▂▃▄▅▆▇█"


def bar_rows(values: Sequence[float], height: int, *, top: float | None = None, width: int = 1) -> list[str]:
    """Vertical bars, top row first, in eighths of a cell; `top` is the value of a full column.

    Any value above zero shows at least one eighth, so a short session never looks like none.
    """
    top = top if top is not None else max(values, default=0)
    rows: list[list[str]] = [[] for _ in range(height)]
    for value in values:
        eighths = 0 if top <= 0 or value <= 0 else max(1, round(min(value, top) / top * height * 8))
        for row in range(height):
            level = height - 1 - row  # 0 is the bottom row
            fill = min(8, max(0, eighths - level * 8))
            rows[row].append(BLOCKS[fill] * width)
    return ["".join(row) for row in rows]


def nice_top(value: float) -> float:
    """A round number at or above `value` for the chart's scale (5, 10, 15, 20, 30, 45, 60...)."""
    for step in (5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240):
        if value <= step:
            return step
    return math.ceil(value / 60) * 60


class MinutesChart(Widget):
    """Active minutes per day over the last 30 days, today at the right."""

    DEFAULT_CSS = """
    MinutesChart { height: 6; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.minutes: list[float] = []

    def show(self, minutes: Sequence[float]) -> None:
        self.minutes = list(minutes)
        self.refresh()

    def render(self) -> Content:
        days = len(self.minutes)
        if not days:
            return Content("")
        width = max(1, min(3, (self.size.width - 4) // days))
        top = nice_top(max(self.minutes, default=0) or 5)
        height = max(1, self.size.height - 2)
        rows = bar_rows(self.minutes, height, top=top, width=width)
        span = days * width
        lines = [Content.assemble((f"Minutes a day, last {days} days", "bold"))]
        for index, row in enumerate(rows):
            label = f"{top:g}" if index == 0 else ""
            lines.append(Content.assemble((row, "$accent"), f" {label}"))
        left, right = f"{days} days ago", "today"
        lines.append(Content(left + right.rjust(max(1, span - len(left)))))
        return Content("\n").join(lines)


class PainChart(Widget):
    """Pain after each of the last rated sessions (0–10), with the average before and after."""

    DEFAULT_CSS = """
    PainChart { height: 6; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.points: list[PainPoint] = []

    def show(self, points: Sequence[PainPoint]) -> None:
        self.points = list(points)
        self.refresh()

    def render(self) -> Content:
        title = Content.assemble(("Pain 0–10, recent sessions", "bold"))
        after = [float(p.after) for p in self.points if p.after is not None]
        before = [float(p.before) for p in self.points if p.before is not None]
        if not after and not before:
            return Content("\n").join([title, Content("No ratings yet: answer the 0–10 check-in"),
                                       Content("before and after a session.")])
        series = after or before
        fits = max(1, self.size.width - 4)
        height = max(1, self.size.height - 2)
        rows = bar_rows(series[-fits:], height, top=10)
        lines = [title]
        for index, row in enumerate(rows):
            lines.append(Content.assemble((row, "$warning"), " 10" if index == 0 else ""))
        averages = []
        if before:
            averages.append(f"before {mean(before):.1f}")
        if after:
            averages.append(f"after {mean(after):.1f}")
        shown = "after" if after else "before"
        lines.append(Content(f"bars: {shown}; avg " + " → ".join(averages)))
        return Content("\n").join(lines)
