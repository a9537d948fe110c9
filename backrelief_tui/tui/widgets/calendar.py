"""The history's calendar: minutes per day over the last twelve weeks, as a heatmap.

A column a week (oldest at the left), a row a weekday (Monday at the top), the months
along the top. Each day is a shape as well as a colour (`HEAT_GLYPHS`: · ░ ▒ ▓ █), so
the rhythm reads on a monochrome terminal too; days still to come are blank and today
has a ◂ beside it. The drawing is plain functions (`calendar_lines`), tested without a
terminal; the widget only adds the colours.
"""

from __future__ import annotations

from datetime import timedelta

from textual.content import Content
from textual.widget import Widget

from backrelief_tui.core.stats import HEAT_STEPS, Calendar, heat_level

HEAT_GLYPHS = ("·", "░", "▒", "▓", "█")  # heat levels 0 (none) to 4 (the top step or more)
HEAT_STYLES = ("$text-muted", "$success 45%", "$success 65%", "$success 85%", "$success")
TODAY_MARK = "◂"
DAY_LABELS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LABEL_WIDTH = 4  # "Mon "
CELL = 2  # a day's glyph and the space after it
TITLE = "Minutes a day, last {weeks} weeks"
Segment = tuple[str, str]  # text, style ("" for none)


def heat_names(unit: str = " min") -> list[str]:
    """`none`, `<5`, `5–10`, `10–20`, `20+ min`: the heat steps in words, from HEAT_STEPS."""
    steps = [f"{step:g}" for step in HEAT_STEPS]
    between = [f"{low}–{high}" for low, high in zip(steps, steps[1:], strict=False)]
    return ["none", f"<{steps[0]}", *between, f"{steps[-1]}+{unit}"]


def legend(width: int) -> list[Segment]:
    """The heat steps on one line: `· none  ░ <5  ▒ 5–10  ▓ 10–20  █ 20+ min`, closer together when narrow
    (at the narrowest without "min": the calendar's title says minutes)."""
    for space, join, unit in ((" ", "  ", " min"), (" ", " ", " min"), ("", " ", " min"), ("", " ", "")):
        names = heat_names(unit)
        if sum(len(name) + len(space) + 1 for name in names) + len(join) * (len(names) - 1) <= width:
            break
    segments: list[Segment] = []
    for level, name in enumerate(names):
        if level:
            segments.append((join, ""))
        segments += [(HEAT_GLYPHS[level], HEAT_STYLES[level]), (space + name, "")]
    return segments


def month_row(calendar: Calendar) -> str:
    """Month names over the weeks where a month begins, and over the first week if it fits before the next."""
    weeks = len(calendar.minutes) // 7
    labels: list[tuple[int, str]] = []  # (column, month name)
    for week in range(weeks):
        monday = calendar.first + timedelta(weeks=week)
        sunday = monday + timedelta(days=6)
        if monday.day == 1 or sunday.month != monday.month:
            labels.append((LABEL_WIDTH + week * CELL, f"{sunday:%b}"))
    first = (LABEL_WIDTH, f"{calendar.first:%b}")
    if not labels or labels[0][0] > LABEL_WIDTH and labels[0][0] >= LABEL_WIDTH + len(first[1]) + 1:
        labels.insert(0, first)
    row = [" "] * (LABEL_WIDTH + weeks * CELL + 3)
    for column, name in labels:
        row[column:column + len(name)] = name
    return "".join(row).rstrip()


def calendar_lines(calendar: Calendar) -> list[list[Segment]]:
    """The heatmap's rows, Monday first: a label, then a glyph (and a space, or ◂ for today) per week."""
    weeks = calendar.weeks()
    lines: list[list[Segment]] = []
    for weekday, label in enumerate(DAY_LABELS):
        line: list[Segment] = [(label.ljust(LABEL_WIDTH), "$text-muted")]
        for number, week in enumerate(weeks):
            level = heat_level(week[weekday])
            if level is None:
                line.append((" " * CELL, ""))
                continue
            day = calendar.day(number * 7 + weekday)
            mark = TODAY_MARK if day == calendar.today else " "
            line += [(HEAT_GLYPHS[level], HEAT_STYLES[level]), (mark, "bold" if mark != " " else "")]
        lines.append(line)
    return lines


class CalendarChart(Widget):
    """The last twelve weeks of minutes per day (see the module docstring)."""

    DEFAULT_CSS = """
    CalendarChart { height: 1fr; width: 36; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.calendar: Calendar | None = None

    def show(self, calendar: Calendar | None) -> None:
        self.calendar = calendar
        self.refresh()

    def render(self) -> Content:
        calendar = self.calendar
        if calendar is None:
            return Content("")
        weeks = len(calendar.weeks())
        lines = [Content(month_row(calendar))]
        if self.size.height > len(DAY_LABELS) + 2:  # room for the title (the legend says minutes without it)
            lines.insert(0, Content.assemble((TITLE.format(weeks=weeks), "bold")))
        lines += [Content.assemble(*line) for line in calendar_lines(calendar)]
        lines.append(Content.assemble(*legend(self.size.width)))
        return Content("\n").join(lines)
