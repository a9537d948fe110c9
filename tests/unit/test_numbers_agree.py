"""One counting rule, every number the same: the history header (from the summaries and from the index), its
charts and calendar, `backrelief progress --json` and the report, over random histories."""

import json
import os
import tempfile
from argparse import Namespace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from backrelief_tui.commands.history import cmd_report
from backrelief_tui.commands.progress import cmd_progress
from backrelief_tui.core import paths
from backrelief_tui.core.records import write_record
from backrelief_tui.core.settings import Settings, save_settings
from backrelief_tui.core.stats import compute, goal_streak_line, week_start
from backrelief_tui.core.store import RecordStore
from tests.record_factory import make_record
from tests.unit.test_report import tables

ZONES = [timezone(timedelta(hours=h)) for h in (-8, 0, 1, 9)]
WEEKS = 10  # the report's whole weeks: every generated session falls inside

sessions = st.lists(st.tuples(
    st.integers(0, 7 * WEEKS - 1),  # days before today
    st.integers(0, 23),  # hour
    st.sampled_from(ZONES),
    st.sampled_from(["completed", "completed", "stopped", "in-progress"]),
    st.integers(0, 200).map(lambda tenths_of_minutes: tenths_of_minutes / 10),  # 0 to 20 minutes
    st.none() | st.integers(0, 10), st.none() | st.integers(0, 10),
), max_size=25)


def capture(function, *args, **kwargs):
    import contextlib
    import io

    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        code = function(*args, **kwargs)
    assert code == 0
    return out.getvalue()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(sessions, st.integers(0, 6), st.integers(1, 7))
def test_header_charts_cli_and_report_agree(history, weekday, goal):
    today = date(2025, 3, 10) + timedelta(days=weekday)
    now = datetime.combine(today, time(20, 0)).astimezone()
    with tempfile.TemporaryDirectory() as home:
        previous = os.environ.get(paths.HOME_VARIABLE)
        os.environ[paths.HOME_VARIABLE] = home
        try:
            check(Path(home), history, today, now, goal)
        finally:
            if previous is None:
                os.environ.pop(paths.HOME_VARIABLE, None)
            else:
                os.environ[paths.HOME_VARIABLE] = previous


def check(home, history, today, now, goal):
    save_settings(Settings(weekly_goal=goal))
    store = RecordStore()
    records = []
    for number, (days_back, hour, zone, status, minutes, before, after) in enumerate(history):
        day = today - timedelta(days=days_back)
        started = datetime(day.year, day.month, day.day, hour, 0, tzinfo=zone)
        record = make_record(started, status=status, minutes=minutes, pain_before=before, pain_after=after,
                             record_id=f"r{number}")
        write_record(store.path_for(record), record)
        records.append(record)
    summaries = [record.summary(store.path_for(record)) for record in records]

    # the header, two ways
    expected = compute(summaries, today, goal)
    store.refresh()
    header = store.index.stats(today, goal)
    assert header == expected

    # the charts and the calendar
    this_week = [week_start(today) + timedelta(days=d) for d in range(today.weekday() + 1)]
    chart = dict(zip([today - timedelta(days=n) for n in range(len(header.daily_minutes) - 1, -1, -1)],
                     header.daily_minutes, strict=True))
    assert sum(chart.get(day, 0.0) for day in this_week) == header.week_minutes or abs(
        sum(chart[day] for day in this_week) - header.week_minutes) < 1e-9
    calendar = header.calendar
    week_cells = [calendar.minutes[(day - calendar.first).days] for day in this_week]
    assert abs(sum(week_cells) - header.week_minutes) < 1e-9
    assert sum(calendar.sessions[(day - calendar.first).days] for day in this_week) == header.week_sessions
    assert all(value is None for value in calendar.minutes[(today - calendar.first).days + 1:])

    # the command line
    data = json.loads(capture(cmd_progress, Namespace(action=None, move=None, json=True), store, now))
    assert (data["week"]["sessions"], data["week"]["goal"]) == (header.week_sessions, goal)
    assert data["week"]["minutes"] == round(header.week_minutes, 1)
    assert (data["goal_streak"], data["best_goal_streak"]) == (header.goal_streak, header.best_goal_streak)
    verdict = header.pain_verdict
    assert (data["pain"] is None) == (verdict is None)
    if verdict is not None and verdict.change is not None:
        assert data["pain"]["meaningful"] == verdict.change.meaningful

    # the report
    text = capture(cmd_report, Namespace(weeks=WEEKS, output=None), store, today)
    if not records:
        assert "No sessions were recorded in this period." in text
        return
    weeks_table = tables(text)[0]
    last = weeks_table[-1]
    assert (int(last[2]), last[4]) == (header.week_sessions, f"{header.week_minutes:.0f}")
    assert f"- Sessions that count: {header.total_sessions} (" in text
    assert f"- Exercise time: {header.total_minutes:.0f} minutes in all;" in text
    assert goal_streak_line(header.goal_streak, header.best_goal_streak) in text
    assert f"(goal {goal})" in weeks_table[0][2]
    if verdict is not None:
        assert verdict.sentence("the") in text
