"""What the history screen shows, worked out without Textual: the orders, the routine filter, the header
line, and the listing the screen falls back on when the history index cannot be used.

The screen asks a `HistorySource` for everything: the index (core/index.py) answers from
SQL, bounded by what is shown; a `Listing` answers the same questions over every session
in memory, after the files were parsed (an unwritable cache folder, say).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from backrelief_tui.core.index import ORDERS, Order, Overview
from backrelief_tui.core.journal import Journal
from backrelief_tui.core.pain import LIGHT_SYMBOLS, MIN_RATINGS, Light, MorningAnswer, PainVerdict
from backrelief_tui.core.records import Entry, SessionSummary
from backrelief_tui.core.schedule import DEFAULT_GOAL
from backrelief_tui.core.stats import Stats, compute
from backrelief_tui.core.text import printable
from backrelief_tui.core.wording import plural

ALL = "*all*"
UNREADABLE = "*unreadable*"


class HistorySource(Protocol):
    """What the history screen asks: `SessionIndex` answers it, and `Listing` without an index."""

    def overview(self, today: date, goal: int = ...) -> Overview: ...

    def page(self, order: Order = Order.NEWEST, *, routine: str | None = None, unreadable: bool = False,
             offset: int = 0, limit: int = 60) -> list[Entry]: ...

    def count(self, *, routine: str | None = None, unreadable: bool = False) -> int: ...


def selection(choice: str) -> tuple[str | None, bool]:
    """A filter choice (a routine id, ALL or UNREADABLE) as `page()`'s and `count()`'s (routine, unreadable)."""
    if choice == UNREADABLE:
        return None, True
    return (None if choice == ALL else choice), False


def filter_choices(overview: Overview) -> list[tuple[str, str]]:
    """(label, choice) for the `f` key: all, each routine by its newest title, then the unreadable files."""
    choices = [("All routines", ALL)] + [(printable(title), routine) for routine, title in overview.routines]
    if overview.unreadable:
        choices.append(("Unreadable files", UNREADABLE))
    return choices


# -- the listing without an index: the same orders as the index's SQL (core/index.py) -----------


def _newest(entry: Entry) -> float:
    started = entry.started
    return started.timestamp() if started is not None else 0.0


def _relief(entry: Entry) -> float:
    if isinstance(entry, SessionSummary) and entry.pain_before is not None and entry.pain_after is not None:
        return entry.pain_before - entry.pain_after
    return float("-inf")


# Readable sessions first for every order but the two by date; ties keep the newest-first order.
def _longest(entry: Entry) -> tuple[bool, float, float]:
    seconds = entry.active_seconds if isinstance(entry, SessionSummary) else 0.0
    return (entry.readable, seconds, _newest(entry))


def _by_routine(entry: Entry) -> tuple[bool, str, float]:
    title = entry.routine_title.lower() if isinstance(entry, SessionSummary) else ""
    return (not entry.readable, title, -_newest(entry))


def _most_relief(entry: Entry) -> tuple[bool, float, float]:
    return (entry.readable, _relief(entry), _newest(entry))


SortKey = Callable[[Entry], Any]  # each order compares its own kind of key
SORT_KEYS: dict[Order, tuple[SortKey, bool]] = {  # key, reverse
    Order.NEWEST: (_newest, True),
    Order.OLDEST: (_newest, False),
    Order.LONGEST: (_longest, True),
    Order.ROUTINE: (_by_routine, False),
    Order.RELIEF: (_most_relief, True),
}
assert tuple(SORT_KEYS) == ORDERS  # the `s` key walks the orders in this order


def sort_and_filter(entries: Sequence[Entry], choice: str = ALL, order: Order = Order.NEWEST) -> list[Entry]:
    """The rows to show, in order, from entries listed newest first: `choice` is a routine id, ALL or UNREADABLE."""
    if choice == UNREADABLE:
        chosen = [e for e in entries if not e.readable]
    elif choice != ALL:
        chosen = [e for e in entries if e.readable and e.routine == choice]
    else:
        chosen = list(entries)
    if order is Order.NEWEST:
        return chosen  # listed newest first already
    key, reverse = SORT_KEYS[order]
    return sorted(chosen, key=key, reverse=reverse)  # stable: ties stay newest first


class Listing:
    """The history in memory, from every file parsed: a `HistorySource` for when there is no usable index."""

    def __init__(self, entries: Sequence[Entry]) -> None:
        self.entries = list(entries)  # newest first, as RecordStore.entries() lists them
        self.summaries = [e for e in self.entries if isinstance(e, SessionSummary)]
        self._sorted: dict[tuple[str, Order], list[Entry]] = {}

    def overview(self, today: date, goal: int = DEFAULT_GOAL) -> Overview:
        titles: dict[str, str] = {}
        for summary in self.summaries:  # newest first: the first title seen is the newest
            titles.setdefault(summary.routine, summary.routine_title)
        routines = sorted(titles.items(), key=lambda item: (item[1].lower(), item[0]))
        return Overview(compute(self.summaries, today, goal), len(self.summaries),
                        len(self.entries) - len(self.summaries), tuple(routines))

    def page(self, order: Order = Order.NEWEST, *, routine: str | None = None, unreadable: bool = False,
             offset: int = 0, limit: int = 60) -> list[Entry]:
        rows = self._rows(routine, unreadable, Order(order))
        return rows[max(0, offset):max(0, offset) + max(0, limit)]

    def count(self, *, routine: str | None = None, unreadable: bool = False) -> int:
        return len(self._rows(routine, unreadable, Order.NEWEST))

    def _rows(self, routine: str | None, unreadable: bool, order: Order) -> list[Entry]:
        choice = UNREADABLE if unreadable else ALL if routine is None else routine
        rows = self._sorted.get((choice, order))
        if rows is None:
            rows = self._sorted[(choice, order)] = sort_and_filter(self.entries, choice, order)
        return rows


# -- text -------------------------------------------------------------------------------------


def when_text(started: datetime | None) -> str:
    return f"{started:%Y-%m-%d %a %H:%M}" if started is not None else "?"


def hours(minutes: float) -> str:
    if minutes < 120:
        return f"{minutes:,.0f} min"
    return f"{minutes / 60:.1f} h" if minutes < 60_000 else f"{minutes / 60:,.0f} h"


def _many(count: int, noun: str) -> str:
    """`plural()` with a thousands separator: `33,334 days`."""
    return plural(count, noun).replace(str(count), f"{count:,}", 1)


def pack_parts(parts: Sequence[str], width: int) -> list[list[str]]:
    """The parts on as few lines of `width` as they fit with " · " between them, a line breaking only between
    parts (a part longer than a line gets a line of its own, and wraps there)."""
    lines: list[list[str]] = []
    used = 0
    for part in parts:
        if lines and used + 3 + len(part) <= width:
            lines[-1].append(part)
            used += 3 + len(part)
        else:
            lines.append([part])
            used = len(part)
    return lines


def header_parts(stats: Stats, unreadable: int) -> list[str]:
    """The header's parts, headline first: the weekly goal, the weeks in a row that met it, then the totals."""
    parts = [
        stats.goal_line,
        stats.goal_streak_line,
        f"this month {_many(stats.month_sessions, 'session')}, {stats.month_minutes:,.0f} min",
        f"in all {stats.total_sessions:,}, {hours(stats.total_minutes)}",
    ]
    if unreadable:
        parts.append(_many(unreadable, "unreadable file"))
    return parts


def stats_text(stats: Stats, unreadable: int) -> str:
    """The header in one line of plain text: `3 of 5 this week · goal met 2 weeks in a row (best 4) · …`."""
    return " · ".join(header_parts(stats, unreadable))


COUNTS_HINT = "? says what counts"


def verdict_text(verdict: PainVerdict | None) -> str:
    """The pain trend in words under the chart, or what it still needs (the rule's numbers from core/pain.py)."""
    needs = (f"{MIN_RATINGS} before-session ratings in your first two weeks with a rating "
             f"and {MIN_RATINGS} in the last two")
    if verdict is None:
        return f"No before-session pain ratings yet: the trend needs {needs}."
    if verdict.change is None and verdict.baseline_ratings < MIN_RATINGS:
        return (f"Not enough ratings yet: the trend needs {needs} "
                f"(your first two weeks, {verdict.baseline_first:%d %b} to {verdict.baseline_last:%d %b}, "
                f"have {verdict.baseline_ratings}).")
    return verdict.words


# Rich styles (a DataTable cell is Rich text); the shapes (LIGHT_SYMBOLS) carry the light without colour.
LIGHT_COLOURS = {Light.GREEN: "bold green", Light.AMBER: "bold yellow", Light.RED: "bold red"}


def light_symbol(light: Light | None) -> str:
    """A session's light as its shape (`LIGHT_SYMBOLS`), or nothing when there is nothing to judge it by."""
    return LIGHT_SYMBOLS[light] if light is not None else ""


def lights_key() -> str:
    """The line under the table that says what the lights are (the rule itself is in the help)."""
    green, amber, red = (LIGHT_SYMBOLS[light] for light in (Light.GREEN, Light.AMBER, Light.RED))
    return f"{green} green  {amber} amber  {red} red: from pain after and the next morning · ? for the rule"


class _Asking(Protocol):
    @property
    def journal(self) -> Journal | None: ...

    def load(self) -> Journal: ...


def known_mornings(asking: _Asking) -> Mapping[date, MorningAnswer]:
    """The next-morning answers by session day, from the journal the app has read (read now if not yet)."""
    journal = asking.journal if asking.journal is not None else asking.load()
    return journal.mornings_by_day()


def count_text(shown: int, total: int, page: int) -> str:
    """`31 sessions`, or `Showing 10 of 31 sessions · m for 10 more`."""
    noun = "session" if total == 1 else "sessions"
    if shown >= total:
        return f"{total:,} {noun}"
    return f"Showing {shown:,} of {total:,} {noun} · m for {min(page, total - shown):,} more"


def reading_text(progress: tuple[int, int] | None) -> str:
    """The header while the index is built for the first time (or rebuilt)."""
    where = "" if progress is None or progress[1] == 0 else f" {progress[0]:,} of {progress[1]:,} files"
    return (f"Reading your sessions…{where}\n"
            "This happens once: it carries on if you leave this screen, and resumes where it stopped if you quit.")
