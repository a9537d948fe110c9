"""Small text charts for the history screen: the pain trend by week (the calendar is in calendar.py).

The drawing is plain functions over lists of numbers (`bar_rows`), so it is tested
without a terminal; the widgets only pick a size and add labels.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from textual.content import Content
from textual.widget import Widget

from backrelief_tui.core.stats import WeekPain

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


BEFORE_STYLE = "$warning"
AFTER_STYLE = "$primary"
AXIS_WIDTH = 3  # "10┤"
Segment = tuple[str, str]  # text, style ("" for none)


def week_columns(width: int, weeks: int) -> int:
    """Columns a week gets: before, after and a space when they fit; else before and after side by side."""
    return 3 if AXIS_WIDTH + weeks * 3 <= width else 2


def axis_label(row: int, height: int) -> str:
    """`10┤` on the top row, ` 5┤` on the row holding 5, `  │` elsewhere (rows counted from the top)."""
    if row == 0:
        return "10┤"
    if row == height - 1 - int(5 * height / 10):
        return " 5┤"
    return "  │"


def week_labels(mondays: Sequence[date], per_week: int, every: int = 4) -> str:
    """Dates of every `every`th week's Monday under the bars (`3 Mar`), oldest first, never overlapping."""
    row = [" "] * (AXIS_WIDTH + len(mondays) * per_week + 6)
    free_from = 0
    for number in range(0, len(mondays), every):
        name = f"{mondays[number].day} {mondays[number]:%b}"
        column = AXIS_WIDTH + number * per_week
        if column >= free_from:
            row[column:column + len(name)] = name
            free_from = column + len(name) + 1
    return "".join(row).rstrip()


def weekly_pain_lines(weeks: Sequence[WeekPain], height: int, per_week: int) -> list[list[Segment]]:
    """The plot, top row first: per week a before bar and an after bar (0-10); a week without ratings is blank."""
    values: list[float] = []
    for week in weeks:
        values += [week.before or 0.0, week.after or 0.0] + [0.0] * (per_week - 2)
    rows = bar_rows(values, height, top=10)
    styles = [BEFORE_STYLE, AFTER_STYLE, ""]
    lines = []
    for index, row in enumerate(rows):
        line: list[Segment] = [(axis_label(index, height), "$text-muted")]
        line += [(cell, styles[column % per_week]) for column, cell in enumerate(row)]
        lines.append(line)
    baseline = " 0└" + "─" * (len(weeks) * per_week)
    lines.append([(baseline, "$text-muted")])
    return lines


def pain_title(width: int) -> list[Segment]:
    """`Pain 0–10 by week  before ▌▐ after` (`Pain  before ▌▐ after` when narrow): the two glyphs stand where
    the two bars of a week stand, so the key reads without colour."""
    head = "Pain 0–10 by week" if width >= 34 else "Pain"
    return [(head, "bold"), ("  before ", ""), ("▌", BEFORE_STYLE), ("▐", AFTER_STYLE), (" after", "")]


class WeeklyPainChart(Widget):
    """Pain before sessions (the baseline that matters) and after them, by week, over the last twelve weeks."""

    DEFAULT_CSS = """
    WeeklyPainChart { height: 1fr; width: 1fr; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.weeks: list[WeekPain] = []

    def show(self, weeks: Sequence[WeekPain]) -> None:
        self.weeks = list(weeks)
        self.refresh()

    def render(self) -> Content:
        if not self.weeks:
            return Content("")
        width = self.size.width
        per_week = week_columns(width, len(self.weeks))
        height = max(2, self.size.height - 3)  # the title, the 0 line and the dates
        lines = [Content.assemble(*pain_title(width))]
        lines += [Content.assemble(*line) for line in weekly_pain_lines(self.weeks, height, per_week)]
        lines.append(Content(week_labels([week.monday for week in self.weeks], per_week)))
        return Content("\n").join(lines)
