"""The history screen's text, worked out without a terminal: the header (the weekly goal first, broken only
between its parts), the verdict or what it still needs, the lights' key, the calendar and the weekly pain chart."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from backrelief_tui.core.pain import LIGHT_SYMBOLS, MIN_RATINGS, Light, pain_verdict
from backrelief_tui.core.stats import calendar, compute, heat_level, weekly_pain
from backrelief_tui.tui.screens.history_view import (
    header_parts,
    light_symbol,
    lights_key,
    pack_parts,
    stats_text,
    verdict_text,
)
from backrelief_tui.tui.widgets.calendar import (
    HEAT_GLYPHS,
    TODAY_MARK,
    calendar_lines,
    heat_names,
    legend,
    month_row,
)
from backrelief_tui.tui.widgets.charts import axis_label, week_columns, week_labels, weekly_pain_lines

TODAY = date(2025, 3, 5)  # a Wednesday


def text(segments) -> str:
    return "".join(part for part, _style in segments)


def test_pack_parts_breaks_only_between_parts_at_the_exact_width():
    parts = ["3 of 5 this week", "goal met 2 weeks in a row (best 4 weeks)", "in all 9, 50 min"]
    one_line = len(" · ".join(parts))
    assert pack_parts(parts, one_line) == [parts]
    assert pack_parts(parts, one_line - 1) == [parts[:2], parts[2:]]
    assert pack_parts(parts, 10) == [[part] for part in parts]  # a long part gets a line of its own
    assert pack_parts([], 60) == []


def test_the_header_leads_with_the_goal_and_has_no_day_streak():
    stats = replace(compute([], TODAY), week_sessions=3, goal_streak=2, best_goal_streak=4)
    parts = header_parts(stats, 0)
    assert parts[:2] == ["3 of 5 this week", "goal met 2 weeks in a row (best 4 weeks)"]
    assert parts[2:] == ["this month 0 sessions, 0 min", "in all 0, 0 min"]
    assert header_parts(stats, 1)[-1] == "1 unreadable file"
    assert "Streak" not in stats_text(stats, 2) and stats_text(stats, 2).endswith("· 2 unreadable files")


def test_the_verdict_or_what_it_still_needs():
    assert verdict_text(None) == (f"No before-session pain ratings yet: the trend needs {MIN_RATINGS} before-session "
                                  f"ratings in your first two weeks with a rating and {MIN_RATINGS} in the last two.")
    one = pain_verdict([(TODAY, 5)], TODAY)
    assert verdict_text(one).startswith("Not enough ratings yet") and "have 1)" in verdict_text(one)
    early = pain_verdict([(TODAY - timedelta(days=1), 5), (TODAY, 5)], TODAY)
    assert verdict_text(early) == early.words and early.words.startswith("Too early to judge")
    start = TODAY - timedelta(days=40)
    judged = pain_verdict([(start, 6), (start + timedelta(days=1), 6), (TODAY - timedelta(days=1), 4), (TODAY, 4)],
                          TODAY)
    assert verdict_text(judged) == ("Pain before sessions: better by 2.0 points (33%) since your first two weeks"
                                    " — a meaningful change.")


def test_lights_are_shapes_and_the_key_names_them():
    assert light_symbol(None) == ""
    assert {light_symbol(light) for light in Light} == set(LIGHT_SYMBOLS.values())
    assert len(set(LIGHT_SYMBOLS.values())) == 3
    key = lights_key()
    assert all(f"{LIGHT_SYMBOLS[light]} {light}" in key for light in Light) and len(key) <= 78


def test_the_calendar_marks_today_leaves_the_future_blank_and_shades_by_the_steps():
    from backrelief_tui.core.stats import DayTotal

    days = {TODAY: DayTotal(TODAY, 1, 25 * 600), TODAY - timedelta(days=1): DayTotal(TODAY, 1, 4 * 600)}
    cal = calendar(days, TODAY)
    lines = [text(line) for line in calendar_lines(cal)]
    assert [line[:4] for line in lines] == ["Mon ", "Tue ", "Wed ", "Thu ", "Fri ", "Sat ", "Sun "]
    assert lines[2].endswith(HEAT_GLYPHS[4] + TODAY_MARK)  # Wednesday, today: 25 minutes
    assert lines[1].endswith(HEAT_GLYPHS[1] + " ")  # Tuesday: 4 minutes
    assert lines[3].endswith(HEAT_GLYPHS[0] + " " + "  ")  # last week's Thursday: none; this one: to come
    assert all(len(line) == 4 + 12 * 2 for line in lines)
    assert [heat_level(m) for m in (None, 0, 4.9, 5, 9.9, 10, 20)] == [None, 0, 1, 2, 2, 3, 4]


def test_month_names_over_the_weeks_where_a_month_begins():
    cal = calendar({}, TODAY)  # first Monday: 16 Dec 2024
    row = month_row(cal)
    assert row.split() == ["Dec", "Jan", "Feb", "Mar"]
    assert row.index("Jan") == 4 + 2 * 2  # the week of 30 Dec holds 1 January
    assert month_row(calendar({}, date(2025, 3, 19))).split()[0] == "Jan"  # no room for December's name


def test_the_legend_fits_the_width_it_gets():
    assert heat_names() == ["none", "<5", "5–10", "10–20", "20+ min"]
    assert text(legend(40)) == "· none  ░ <5  ▒ 5–10  ▓ 10–20  █ 20+ min"
    assert text(legend(36)) == "· none ░ <5 ▒ 5–10 ▓ 10–20 █ 20+ min"
    assert len(text(legend(30))) <= 30 and text(legend(30)).endswith("█20+")


def test_the_weekly_pain_chart_has_two_bars_a_week_and_blank_weeks_without_ratings():
    from backrelief_tui.core.stats import PainPoint

    points = [PainPoint(TODAY, 10, 5)]
    weeks = weekly_pain(points, TODAY)
    assert week_columns(39, len(weeks)) == 3 and week_columns(38, len(weeks)) == 2
    lines = [text(line) for line in weekly_pain_lines(weeks, 4, 3)]
    assert lines[0].startswith("10┤") and lines[-1].startswith(" 0└")
    assert lines[0].endswith("█  ") and lines[2].endswith("██ ")  # this week: 10 before, 5 after
    assert set(lines[1][3:-3]) == {" "}  # the eleven weeks before: no ratings, no bars
    assert [axis_label(row, 7) for row in range(7)].count(" 5┤") == 1
    mondays = [week.monday for week in weeks]
    assert week_labels(mondays, 2).split() == ["16", "Dec", "13", "Jan", "10", "Feb"]
