"""What the history screen shows, worked out without Textual: sort orders, the routine filter, the header line."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from backrelief_tui.core.records import Entry, SessionSummary
from backrelief_tui.core.stats import Stats
from backrelief_tui.core.wording import plural

ALL = "*all*"
UNREADABLE = "*unreadable*"


def _newest(entry: Entry) -> float:
    started = entry.started
    return started.timestamp() if started is not None else 0.0


def _relief(entry: Entry) -> float:
    if isinstance(entry, SessionSummary) and entry.pain_before is not None and entry.pain_after is not None:
        return entry.pain_before - entry.pain_after
    return float("-inf")


# label -> key and order; readable sessions first for every order but the date ones.
def _longest(entry: Entry) -> tuple[bool, float, float]:
    seconds = entry.active_seconds if isinstance(entry, SessionSummary) else 0.0
    return (entry.readable, seconds, _newest(entry))


def _by_routine(entry: Entry) -> tuple[bool, str, float]:
    title = entry.routine_title.lower() if isinstance(entry, SessionSummary) else ""
    return (not entry.readable, title, -_newest(entry))


def _most_relief(entry: Entry) -> tuple[bool, float, float]:
    return (entry.readable, _relief(entry), _newest(entry))


SortKey = Callable[[Entry], Any]  # each order compares its own kind of key
SORTS: list[tuple[str, SortKey, bool]] = [
    ("newest first", _newest, True),
    ("oldest first", _newest, False),
    ("longest first", _longest, True),
    ("by routine", _by_routine, False),
    ("most relief first", _most_relief, True),
]


def sort_and_filter(entries: Sequence[Entry], routine: str = ALL, sort: int = 0) -> list[Entry]:
    """The rows to show, in order: `routine` is a routine id, ALL, or UNREADABLE."""
    if sort == 0 and routine == ALL:
        return list(entries)  # the store lists newest first already
    if routine == UNREADABLE:
        chosen = [e for e in entries if not e.readable]
    elif routine != ALL:
        chosen = [e for e in entries if e.readable and e.routine == routine]
    else:
        chosen = list(entries)
    _label, key, reverse = SORTS[sort]
    return sorted(chosen, key=key, reverse=reverse)


def when_text(started: datetime | None) -> str:
    return f"{started:%Y-%m-%d %a %H:%M}" if started is not None else "?"


def hours(minutes: float) -> str:
    return f"{minutes:.0f} min" if minutes < 120 else f"{minutes / 60:.1f} h"


def stats_text(stats: Stats, unreadable: int) -> str:
    parts = [
        f"Streak {plural(stats.streak, 'day')} (best {stats.best_streak})",
        f"this week {plural(stats.week_sessions, 'session')}, {stats.week_minutes:.0f} min",
        f"this month {stats.month_sessions}, {stats.month_minutes:.0f} min",
        f"in all {stats.total_sessions}, {hours(stats.total_minutes)}",
    ]
    if unreadable:
        parts.append(f"{plural(unreadable, 'unreadable file')}")
    return " · ".join(parts)
