"""Streaks, totals, minutes per day and the pain trend, on hand-made summaries."""

from datetime import date, datetime, timedelta

from backrelief_tui.core.stats import (
    COUNTING_RULE,
    best_streak,
    compute,
    counts,
    current_streak,
    daily_minutes,
    goal_line,
    goal_streak_line,
    goal_streaks,
    heat_level,
    pain_trend,
)
from tests.record_factory import CET, make_record

TODAY = date(2025, 3, 13)  # a Thursday


def summary(day: date, hour=9, **options):
    record = make_record(datetime(day.year, day.month, day.day, hour, 0, tzinfo=CET),
                         record_id=f"{day:%m%d}{hour:02d}", **options)
    return record.summary(None)


def days(*offsets):
    return {TODAY - timedelta(days=offset) for offset in offsets}


def test_streak_counts_days_in_a_row_up_to_today():
    assert current_streak(days(0, 1, 2, 4), TODAY) == 3


def test_a_streak_still_stands_when_today_has_no_session_yet():
    assert current_streak(days(1, 2), TODAY) == 2
    assert current_streak(days(2, 3), TODAY) == 0
    assert current_streak(set(), TODAY) == 0


def test_best_streak():
    assert best_streak(days(0, 1, 5, 6, 7, 8, 20)) == 4
    assert best_streak([]) == 0


def test_a_session_counts_when_completed_or_stopped_after_three_minutes_of_exercise():
    assert counts(summary(TODAY))
    assert counts(summary(TODAY, minutes=1))  # completed: however short the routine
    assert counts(summary(TODAY, status="stopped", minutes=3))
    assert not counts(summary(TODAY, status="stopped", minutes=2.9))
    assert not counts(summary(TODAY, status="in-progress", minutes=10))  # not yet: running, or interrupted
    assert "3 minutes" in COUNTING_RULE


def test_week_month_and_totals():
    sessions = [
        summary(TODAY, minutes=5),
        summary(TODAY, hour=15, minutes=10),
        summary(date(2025, 3, 10), minutes=5),  # Monday: this week
        summary(date(2025, 3, 9), minutes=20),  # Sunday: last week, this month
        summary(date(2025, 2, 28), minutes=30),  # last month
        summary(date(2025, 3, 12), status="stopped", skipped=(0,), minutes=1),  # does not count
    ]
    stats = compute(sessions, TODAY)
    assert (stats.week_sessions, stats.week_minutes) == (3, 20)
    assert (stats.month_sessions, stats.month_minutes) == (4, 40)
    assert (stats.total_sessions, stats.total_minutes) == (5, 70)
    assert stats.streak == 1  # the 12th did not count


def test_daily_minutes_cover_thirty_days_ending_today():
    sessions = [summary(TODAY, minutes=5), summary(TODAY, hour=12, minutes=2.5),
                summary(TODAY - timedelta(days=29), minutes=7), summary(TODAY - timedelta(days=30), minutes=9)]
    minutes = daily_minutes(sessions, TODAY)
    assert len(minutes) == 30
    assert minutes[-1] == 7.5 and minutes[0] == 7 and sum(minutes) == 14.5


def test_pain_trend_is_oldest_first_and_only_rated_sessions():
    sessions = [summary(TODAY, pain_before=3, pain_after=1), summary(TODAY - timedelta(days=2), pain_after=5),
                summary(TODAY - timedelta(days=1))]
    trend = pain_trend(sessions)
    assert [(p.before, p.after) for p in trend] == [(None, 5), (3, 1)]
    stats = compute(sessions, TODAY)
    assert [(p.before, p.after) for p in stats.pain] == [(None, 5), (3, 1)]  # what the pain chart draws


def test_the_pain_trend_keeps_the_last_thirty():
    sessions = [summary(TODAY - timedelta(days=n), pain_after=n % 11) for n in range(40)]
    assert len(pain_trend(sessions)) == 30
    assert pain_trend(sessions)[-1].after == 0


# -- the weekly goal, the calendar, pain by week ------------------------------------------------

def test_the_goal_streak_counts_weeks_that_met_the_goal_and_forgives_the_week_in_progress():
    monday = date(2025, 3, 10)  # TODAY's week
    weeks = {monday - timedelta(weeks=1): 5, monday - timedelta(weeks=2): 6, monday - timedelta(weeks=3): 2,
             monday - timedelta(weeks=4): 5, monday - timedelta(weeks=5): 5, monday - timedelta(weeks=6): 5}
    assert goal_streaks(weeks, 5, TODAY) == (2, 3)  # this week (none yet) does not break the run
    assert goal_streaks({**weeks, monday: 5}, 5, TODAY) == (3, 3)  # met this week: it joins the run
    assert goal_streaks({**weeks, monday + timedelta(weeks=1): 9}, 5, TODAY) == (2, 3)  # a future week: ignored
    assert goal_streaks({}, 5, TODAY) == (0, 0)
    assert goal_streak_line(2, 3) == "goal met 2 weeks in a row (best 3 weeks)"
    assert goal_streak_line(0, 1) == "goal not met last week (best 1 week)"
    assert goal_line(1, 5) == "1 of 5 this week"


def test_a_weekday_person_keeps_their_streak_over_the_weekend_and_on_monday():
    """Mon-Fri every week: no "Streak 0 days" on a Monday morning."""
    sessions = [summary(date(2025, 3, 3) + timedelta(weeks=w, days=d)) for w in range(2) for d in range(5)]
    stats = compute(sessions, date(2025, 3, 17), goal=5)  # the Monday after, nothing done yet
    assert (stats.goal_streak, stats.best_goal_streak, stats.week_sessions) == (2, 2, 0)
    assert stats.goal_line == "0 of 5 this week" and stats.streak == 0


def test_stopped_sessions_count_by_the_rule_and_so_do_their_minutes():
    """The issue's case: 1 completed and 3 stopped; the header, chart and calendar agree."""
    sessions = [summary(TODAY, minutes=5), summary(TODAY, hour=10, status="stopped", minutes=1.2),
                summary(TODAY, hour=11, status="stopped", minutes=0.5),
                summary(TODAY, hour=12, status="stopped", minutes=3.5)]
    stats = compute(sessions, TODAY)
    assert (stats.week_sessions, stats.week_minutes) == (2, 8.5)
    assert stats.daily_minutes[-1] == 8.5 and stats.calendar.minutes[stats.calendar.minutes.index(None) - 1] == 8.5


def test_the_calendar_covers_twelve_whole_weeks_with_days_to_come_left_empty():
    sessions = [summary(TODAY, minutes=12), summary(date(2024, 12, 23), minutes=30),  # the first Monday shown
                summary(date(2024, 12, 22), minutes=30)]  # the day before: not shown
    cal = compute(sessions, TODAY).calendar
    assert cal.first == date(2024, 12, 23) and len(cal.minutes) == 84 and len(cal.weeks()) == 12
    assert cal.minutes[0] == 30 and sum(m for m in cal.minutes if m) == 42
    assert cal.minutes[-3:] == (None,) * 3 and cal.minutes[-4] == 12  # Thursday: Fri to Sun still to come
    assert cal.day(len(cal.minutes) - 4) == TODAY
    assert [heat_level(m) for m in (None, 0, 0.1, 5, 10, 19.9, 20)] == [None, 0, 1, 2, 3, 3, 4]


def test_pain_by_week_and_the_change_only_from_sessions_rated_twice():
    """The issue's case: 4→2, –→3, 5→–: only the first session has both ratings."""
    sessions = [summary(TODAY, pain_before=4, pain_after=2), summary(TODAY, hour=10, pain_after=3),
                summary(TODAY, hour=11, pain_before=5), summary(TODAY - timedelta(weeks=1), pain_before=7)]
    stats = compute(sessions, TODAY)
    this, last = stats.weekly_pain[-1], stats.weekly_pain[-2]
    assert (this.before, this.after, this.rated_before, this.rated_after) == (4.5, 2.5, 2, 2)
    assert (this.pairs.sessions, this.pairs.before, this.pairs.after, this.pairs.change) == (1, 4, 2, -2)
    assert this.pairs.words == "4.0 → 2.0 on average in 1 session rated before and after"
    assert (last.before, last.after, last.pairs.sessions) == (7, None, 0)
    assert len(stats.weekly_pain) == 12 and stats.weekly_pain[0].before is None
    assert stats.pain_pairs.sessions == 1
