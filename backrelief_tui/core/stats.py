"""Numbers worth looking back at: what counts, the weekly goal, minutes per day, the pain trend.

Everything works on session summaries (or records) and a `today` passed in, so it is
plain arithmetic to test. A session's day is its start date in the record's own UTC
offset: the day where the person was. Weeks are ISO weeks, Monday to Sunday.

One rule decides what counts (`counts`, in words `COUNTING_RULE`): the history
header, its charts and calendar, `backrelief progress`, `backrelief due` and the
report all use it, and count minutes only from the sessions that count. Times are
added up in whole tenths of a second (as the index keeps them), so every path to a
total gives the very same number. Pain is taken from every rated session, counting
or not, and a before → after change only from sessions rated both before and after.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Protocol

from backrelief_tui.core.pain import PainVerdict, pain_verdict
from backrelief_tui.core.records import SessionStatus
from backrelief_tui.core.schedule import COUNTS_AFTER_SECONDS, DEFAULT_GOAL, counts_as_break
from backrelief_tui.core.wording import plural

CHART_DAYS = 30
PAIN_POINTS = 30
CALENDAR_WEEKS = 12
PAIN_WEEKS = 12
HEAT_STEPS = (5.0, 10.0, 20.0)
"""Minutes a day at which the calendar's heat steps up: none, under 5, 5 to 10, 10 to 20, 20 or more."""

COUNTING_RULE = (
    "A session counts when it was completed with at least one move done (not skipped through), or stopped after "
    f"at least {COUNTS_AFTER_SECONDS // 60} minutes of exercise; "
    "the minutes shown are those sessions' exercise time. Pain ratings are used from every session."
)


class _Outcome(Protocol):
    @property
    def status(self) -> SessionStatus: ...

    @property
    def active_seconds(self) -> float: ...

    @property
    def moves_done(self) -> int: ...


class _Dated(_Outcome, Protocol):
    @property
    def started(self) -> datetime: ...


class _Session(_Dated, Protocol):
    @property
    def pain_before(self) -> int | None: ...

    @property
    def pain_after(self) -> int | None: ...


def counts(session: _Outcome) -> bool:
    """The one rule for what counts as a session (see `COUNTING_RULE`); the nudges' weekly count uses it too."""
    return counts_as_break(session.status, session.active_seconds, session.moves_done)


def tenths(seconds: float) -> int:
    """Exercise time in whole tenths of a second, the unit every total is added up in."""
    return int(round(seconds * 10))


def minutes_of(total_tenths: int) -> float:
    return total_tenths / 600


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class DayTotal:
    """The sessions that count on one day, and their exercise time."""

    day: date
    sessions: int
    tenths: int

    @property
    def minutes(self) -> float:
        return minutes_of(self.tenths)


@dataclass(frozen=True)
class PainPoint:
    day: date
    before: int | None
    after: int | None


@dataclass(frozen=True)
class PainPairs:
    """Sessions rated both before and after: the only ones a before → after change is taken from."""

    sessions: int
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        """Mean after minus mean before (negative: lower after)."""
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def words(self) -> str:
        """`4.1 → 2.9 on average in 12 sessions rated before and after`."""
        if not self.sessions or self.before is None or self.after is None:
            return "no session rated both before and after"
        return (f"{self.before:.1f} → {self.after:.1f} on average in "
                f"{plural(self.sessions, 'session')} rated before and after")


def pain_pairs(points: Iterable[PainPoint]) -> PainPairs:
    pairs = [(p.before, p.after) for p in points if p.before is not None and p.after is not None]
    if not pairs:
        return PainPairs(0, None, None)
    return PainPairs(len(pairs), sum(b for b, _ in pairs) / len(pairs), sum(a for _, a in pairs) / len(pairs))


@dataclass(frozen=True)
class WeekPain:
    """One week's pain ratings: before-session pain is the baseline that matters, after-session beside it."""

    monday: date
    before: float | None  # mean of the week's before-session ratings
    after: float | None  # mean of its after-session ratings
    rated_before: int
    rated_after: int
    pairs: PainPairs


def weekly_pain(points: Iterable[PainPoint], today: date, weeks: int = PAIN_WEEKS) -> tuple[WeekPain, ...]:
    """The last `weeks` ISO weeks up to this one, oldest first; a week without ratings has None means."""
    first = week_start(today) - timedelta(weeks=weeks - 1)
    by_week: dict[date, list[PainPoint]] = {}
    for point in points:
        if first <= point.day <= today:
            by_week.setdefault(week_start(point.day), []).append(point)
    result = []
    for number in range(weeks):
        monday = first + timedelta(weeks=number)
        items = by_week.get(monday, [])
        before = [p.before for p in items if p.before is not None]
        after = [p.after for p in items if p.after is not None]
        result.append(WeekPain(monday, mean(before), mean(after), len(before), len(after), pain_pairs(items)))
    return tuple(result)


@dataclass(frozen=True)
class Calendar:
    """Minutes per day over the last CALENDAR_WEEKS weeks, for a heatmap: a column a week, a row a weekday."""

    first: date  # a Monday
    today: date
    minutes: tuple[float | None, ...]  # a day each from `first` to this week's Sunday; None after today
    sessions: tuple[int | None, ...]

    def weeks(self) -> list[tuple[float | None, ...]]:
        """The days in rows of seven, Monday first, oldest week first."""
        return [self.minutes[start:start + 7] for start in range(0, len(self.minutes), 7)]

    def day(self, index: int) -> date:
        return self.first + timedelta(days=index)


def heat_level(minutes: float | None) -> int | None:
    """0 (none) to 4 (20 minutes or more) by HEAT_STEPS; None for a day still to come."""
    if minutes is None:
        return None
    if minutes <= 0:
        return 0
    return 1 + sum(minutes >= step for step in HEAT_STEPS)


def calendar(days: Mapping[date, DayTotal], today: date, weeks: int = CALENDAR_WEEKS) -> Calendar:
    first = week_start(today) - timedelta(weeks=weeks - 1)
    minutes: list[float | None] = []
    sessions: list[int | None] = []
    for offset in range(weeks * 7):
        day = first + timedelta(days=offset)
        total = days.get(day)
        future = day > today
        minutes.append(None if future else total.minutes if total else 0.0)
        sessions.append(None if future else total.sessions if total else 0)
    return Calendar(first, today, tuple(minutes), tuple(sessions))


def week_counts(days: Iterable[DayTotal]) -> dict[date, int]:
    """Sessions that count per ISO week (by its Monday)."""
    weeks: dict[date, int] = {}
    for total in days:
        monday = week_start(total.day)
        weeks[monday] = weeks.get(monday, 0) + total.sessions
    return weeks


def goal_streaks(weeks: Mapping[date, int], goal: int, today: date) -> tuple[int, int]:
    """(current, best) runs of weeks in a row that met the goal.

    This week joins the run once it has met the goal; until then the run ending last
    week still stands (a week is not missed before it is over). Weeks after this one
    (a clock set wrong) are left out.
    """
    this_week = week_start(today)
    monday = this_week if weeks.get(this_week, 0) >= goal else this_week - timedelta(weeks=1)
    current = 0
    while weeks.get(monday, 0) >= goal:
        current += 1
        monday -= timedelta(weeks=1)
    best = run = 0
    previous: date | None = None
    for monday in sorted(m for m, count in weeks.items() if count >= goal and m <= this_week):
        run = run + 1 if previous is not None and monday - previous == timedelta(weeks=1) else 1
        best = max(best, run)
        previous = monday
    return current, best


def goal_line(sessions: int, goal: int) -> str:
    """`3 of 5 this week` (the history header's headline and `backrelief progress`)."""
    return f"{sessions} of {goal} this week"


def goal_streak_line(current: int, best: int) -> str:
    """`goal met 4 weeks in a row (best 6)`; `goal not met last week (best 2)`."""
    if current:
        return f"goal met {plural(current, 'week')} in a row (best {plural(best, 'week')})"
    return f"goal not met last week (best {plural(best, 'week')})" if best else "no week has met the goal yet"


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
    goal: int = DEFAULT_GOAL  # sessions a week (settings.weekly_goal)
    goal_streak: int = 0  # weeks in a row that met the goal (see `goal_streaks`)
    best_goal_streak: int = 0
    calendar: Calendar | None = None  # the last CALENDAR_WEEKS weeks
    weekly_pain: tuple[WeekPain, ...] = ()  # the last PAIN_WEEKS weeks, oldest first
    pain_verdict: PainVerdict | None = None  # before-session pain against the first two weeks

    @property
    def week_days(self) -> int:
        """Days of this week so far, today included (Monday: 1)."""
        return self.today.weekday() + 1

    @property
    def goal_line(self) -> str:
        return goal_line(self.week_sessions, self.goal)

    @property
    def goal_streak_line(self) -> str:
        return goal_streak_line(self.goal_streak, self.best_goal_streak)

    @property
    def pain_pairs(self) -> PainPairs:
        """The before → after change of the charted sessions, from those rated both times only."""
        return pain_pairs(self.pain)


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


def day_totals(sessions: Iterable[_Dated]) -> dict[date, DayTotal]:
    """The sessions that count and their time, per day (only days with one)."""
    found: dict[date, list[int]] = {}
    for session in sessions:
        if counts(session):
            total = found.setdefault(session.started.date(), [0, 0])
            total[0] += 1
            total[1] += tenths(session.active_seconds)
    return {day: DayTotal(day, count, time) for day, (count, time) in found.items()}


def chart_minutes(totals: Mapping[date, DayTotal], today: date, days: int = CHART_DAYS) -> tuple[float, ...]:
    """Minutes per day for the `days` days ending today, oldest first."""
    first = today - timedelta(days=days - 1)
    return tuple(totals[day].minutes if day in totals else 0.0
                 for day in (first + timedelta(days=offset) for offset in range(days)))


def daily_minutes(summaries: Iterable[_Dated], today: date, days: int = CHART_DAYS) -> list[float]:
    """Minutes of the sessions that count, per day for the `days` days ending today, oldest first."""
    return list(chart_minutes(day_totals(summaries), today, days))


def pain_points(sessions: Iterable[_Session]) -> list[PainPoint]:
    """Every session with a pain rating, oldest first; sessions that started at the same instant in the
    index's order (the later file name first)."""
    rated = [s for s in sessions if s.pain_before is not None or s.pain_after is not None]
    rated.sort(key=lambda s: str(getattr(s, "file", "")), reverse=True)
    rated.sort(key=lambda s: s.started)
    return [PainPoint(s.started.date(), s.pain_before, s.pain_after) for s in rated]


def pain_trend(summaries: Iterable[_Session], limit: int = PAIN_POINTS) -> list[PainPoint]:
    """The last `limit` sessions with a pain rating, oldest first."""
    return pain_points(summaries)[-limit:]


def compute(summaries: Sequence[_Session], today: date, goal: int = DEFAULT_GOAL) -> Stats:
    """Everything the history screen shows above the table, from the summaries (the index gives the same
    numbers from its aggregates: `SessionIndex.stats`)."""
    totals = day_totals(summaries)
    week_first = week_start(today)
    month = [(t.sessions, t.tenths) for t in totals.values()
             if t.day <= today and (t.day.year, t.day.month) == (today.year, today.month)]
    week = [(t.sessions, t.tenths) for t in totals.values() if week_first <= t.day <= today]
    current_goal, best_goal = goal_streaks(week_counts(t for t in totals.values() if t.day <= today), goal, today)
    points = pain_points(summaries)
    return Stats(
        today=today,
        streak=current_streak(set(totals), today),
        best_streak=best_streak(totals),
        week_sessions=sum(count for count, _ in week),
        week_minutes=minutes_of(sum(time for _, time in week)),
        month_sessions=sum(count for count, _ in month),
        month_minutes=minutes_of(sum(time for _, time in month)),
        total_sessions=sum(t.sessions for t in totals.values()),
        total_minutes=minutes_of(sum(t.tenths for t in totals.values())),
        daily_minutes=chart_minutes(totals, today),
        pain=tuple(points[-PAIN_POINTS:]),
        goal=goal,
        goal_streak=current_goal,
        best_goal_streak=best_goal,
        calendar=calendar(totals, today),
        weekly_pain=weekly_pain(points, today),
        pain_verdict=pain_verdict([(p.day, p.before) for p in points if p.before is not None], today),
    )


def mean(values: Iterable[float]) -> float | None:
    values = list(values)
    return sum(values) / len(values) if values else None
