"""Streaks, totals, minutes per day and the pain trend, on hand-made summaries."""

from datetime import date, datetime, timedelta

from backrelief_tui.core.stats import best_streak, compute, counts, current_streak, daily_minutes, pain_trend
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


def test_a_session_counts_once_a_move_was_done():
    assert counts(summary(TODAY))
    assert counts(summary(TODAY, status="stopped"))  # the first move was done
    assert not counts(summary(TODAY, status="stopped", skipped=(0,)))


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
