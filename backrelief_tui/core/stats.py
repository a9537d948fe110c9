"""Numbers worth looking back at: streaks, totals, minutes per day, pain trend.

Everything works on `SessionSummary` values and a `today` passed in, so it is
plain arithmetic to test. A session's day is its start date in the record's own
UTC offset: the day where the person was.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

from backrelief_tui.core.records import SessionStatus, SessionSummary

CHART_DAYS = 30
PAIN_POINTS = 30


class _Outcome(Protocol):
    @property
    def status(self) -> SessionStatus: ...

    @property
    def moves_done(self) -> int: ...


def counts(session: _Outcome) -> bool:
    """The one rule for what counts as a session (streaks, totals, the report): a move was done."""
    return session.status is SessionStatus.COMPLETED or session.moves_done > 0


@dataclass(frozen=True)
class PainPoint:
    day: date
    before: int | None
    after: int | None


@dataclass(frozen=True)
class Stats:
    today: date
    streak: int  # days in a row with a session, up to today (or yesterday, if today has none yet)
    best_streak: int
    week_sessions: int  # this ISO week, Monday to Sunday
    week_minutes: float
    month_sessions: int
    month_minutes: float
    total_sessions: int
    total_minutes: float
    daily_minutes: tuple[float, ...]  # the last CHART_DAYS days, oldest first, today last
    pain: tuple[PainPoint, ...]  # the last sessions with a rating, oldest first


def current_streak(days: set[date], today: date) -> int:
    """Days in a row with a session, ending today; a streak still stands if only today is missing."""
    day = today if today in days else today - timedelta(days=1)
    streak = 0
    while day in days:
        streak += 1
        day -= timedelta(days=1)
    return streak


def best_streak(days: Iterable[date]) -> int:
    best = run = 0
    previous: date | None = None
    for day in sorted(set(days)):
        run = run + 1 if previous is not None and day - previous == timedelta(days=1) else 1
        best = max(best, run)
        previous = day
    return best


def daily_minutes(summaries: Iterable[SessionSummary], today: date, days: int = CHART_DAYS) -> list[float]:
    """Active minutes per day for the `days` days ending today, oldest first."""
    first = today - timedelta(days=days - 1)
    totals = [0.0] * days
    for summary in summaries:
        offset = (summary.day - first).days
        if 0 <= offset < days:
            totals[offset] += summary.minutes
    return totals


def pain_trend(summaries: Iterable[SessionSummary], limit: int = PAIN_POINTS) -> list[PainPoint]:
    """The last `limit` sessions with a pain rating, oldest first."""
    rated = [s for s in summaries if s.pain_before is not None or s.pain_after is not None]
    rated.sort(key=lambda s: s.started)
    return [PainPoint(s.day, s.pain_before, s.pain_after) for s in rated[-limit:]]


def compute(summaries: Sequence[SessionSummary], today: date) -> Stats:
    """Everything the history screen shows above the table, in one pass over the summaries."""
    week_start = today - timedelta(days=today.weekday())
    chart_start = today - timedelta(days=CHART_DAYS - 1)
    daily = [0.0] * CHART_DAYS
    days: set[date] = set()
    week = month = total = 0
    week_minutes = month_minutes = total_minutes = 0.0
    for summary in summaries:
        day = summary.started.date()
        minutes = summary.active_seconds / 60
        offset = (day - chart_start).days
        if 0 <= offset < CHART_DAYS:
            daily[offset] += minutes
        if not counts(summary):
            continue
        days.add(day)
        total += 1
        total_minutes += minutes
        if day <= today:
            if day >= week_start:
                week += 1
                week_minutes += minutes
            if day.year == today.year and day.month == today.month:
                month += 1
                month_minutes += minutes
    return Stats(
        today=today,
        streak=current_streak(days, today),
        best_streak=best_streak(days),
        week_sessions=week,
        week_minutes=week_minutes,
        month_sessions=month,
        month_minutes=month_minutes,
        total_sessions=total,
        total_minutes=total_minutes,
        daily_minutes=tuple(daily),
        pain=tuple(pain_trend(summaries)),
    )


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None
