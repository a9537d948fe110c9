"""The pain rules at their boundaries: a meaningful change, the traffic light, the next-morning question."""

from datetime import date, datetime, timedelta, timezone
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from backrelief_tui.core.pain import (
    MORNING_STARTS,
    Direction,
    Light,
    MorningAnswer,
    PainLimits,
    change_words,
    judge_change,
    light_reason,
    morning_question_due,
    pain_verdict,
    session_light,
)

CET = timezone(timedelta(hours=1))
NEW_YORK = timezone(timedelta(hours=-5))
TOKYO = timezone(timedelta(hours=9))


# -- a meaningful change: 2 points or 30% -------------------------------------------------------

@pytest.mark.parametrize(("baseline", "current", "meaningful", "direction"), [
    (6, 4, True, Direction.BETTER),  # exactly 2 points
    (Fraction(61, 10), Fraction(42, 10), True, Direction.BETTER),  # 1.9 points, but 31%: the share decides
    (8, Fraction(61, 10), False, Direction.BETTER),  # 1.9 points, 23.75 %
    (5, Fraction(35, 10), True, Direction.BETTER),  # 1.5 points = exactly 30%
    (5, Fraction(351, 100), False, Direction.BETTER),  # 1.49 points, 29.8 %
    (4, 6, True, Direction.WORSE),  # 2 points up
    (3, 3, False, Direction.SAME),
    (0, 1, False, Direction.WORSE),  # no share of a baseline of 0: 1 point is not meaningful
    (0, 2, True, Direction.WORSE),
])
def test_the_meaningful_change_at_its_boundaries(baseline, current, meaningful, direction):
    change = judge_change(Fraction(baseline), Fraction(current))
    assert change.meaningful is meaningful and change.direction is direction


def test_the_change_in_words():
    assert change_words(judge_change(Fraction(13, 2), 4)) == (
        "better by 2.5 points (38%) since your first two weeks — a meaningful change")
    assert change_words(judge_change(5, 4)) == (
        "better by 1.0 point (20%) since your first two weeks — less than the 2 points or 30% counted as meaningful")
    assert change_words(judge_change(4, 6)).startswith("worse by 2.0 points (50%) since your first two weeks — "
                                                       "a meaningful change, worth talking over")
    assert change_words(judge_change(3, 3)) == "the same as your first two weeks (3.0 of 10)"


def test_words_never_round_across_a_threshold():
    """1.99 points and 29.9% are not meaningful, so the words must not say 2.0 or 30%."""
    words = change_words(judge_change(Fraction(1001, 100), Fraction(802, 100)))  # 1.99 points, 19.9%
    assert "by 1.9 points (19%)" in words and "less than" in words
    words = change_words(judge_change(Fraction(1000, 100), Fraction(701, 100)))  # 2.99 points, 29.9%
    assert "by 2.9 points (29%)" in words and "a meaningful change" in words  # meaningful by its points


def test_the_verdict_compares_the_last_two_weeks_with_the_first_two():
    start = date(2025, 2, 3)
    ratings = [(start + timedelta(days=d), 6) for d in (0, 2, 4, 9, 13)]  # baseline 3 Feb to 16 Feb
    ratings += [(start + timedelta(days=14), 9)]  # the 15th day: neither period when today is far on
    ratings += [(start + timedelta(days=d), 4) for d in (30, 33, 36)]
    verdict = pain_verdict(ratings, start + timedelta(days=40))
    assert (verdict.baseline_first, verdict.baseline_last, verdict.baseline_ratings) == (start, date(2025, 2, 16), 5)
    assert (verdict.recent_first, verdict.recent_ratings) == (date(2025, 3, 2), 3)
    assert verdict.change.points == 2 and verdict.change.meaningful
    assert verdict.words == ("Pain before sessions: better by 2.0 points (33%) since your first two weeks "
                             "— a meaningful change.")


def test_too_early_while_the_last_two_weeks_are_still_the_baseline():
    start = date(2025, 2, 3)
    ratings = [(start + timedelta(days=d), 5) for d in range(0, 16, 2)]
    early = pain_verdict(ratings, start + timedelta(days=13))
    assert early.change is None and early.recent_ratings == 0 and "Too early" in early.words
    one_after = pain_verdict(ratings, start + timedelta(days=15))  # a single rating after the baseline
    assert one_after.change is None and one_after.recent_ratings == 1
    assert pain_verdict(ratings + [(start + timedelta(days=15), 5)], start + timedelta(days=15)).change is not None
    assert pain_verdict([], start) is None
    assert pain_verdict([(start + timedelta(days=1), 4)], start) is None  # dated after today


# -- the traffic light ------------------------------------------------------------------------

@pytest.mark.parametrize(("after", "morning", "light"), [
    (0, None, Light.GREEN), (2, None, Light.GREEN), (3, None, Light.AMBER), (5, None, Light.AMBER),
    (6, None, Light.RED), (10, MorningAnswer.BETTER, Light.RED),
    (5, MorningAnswer.SAME, Light.AMBER), (1, MorningAnswer.BETTER, Light.GREEN),
    (1, MorningAnswer.WORSE, Light.RED), (None, MorningAnswer.WORSE, Light.RED),
    (None, MorningAnswer.SAME, None), (None, None, None), (4, MorningAnswer.SKIPPED, Light.AMBER),
])
def test_the_traffic_light_at_its_boundaries(after, morning, light):
    assert session_light(after, morning) is light


def test_the_thresholds_are_settings():
    strict = PainLimits(limit=3, low=1, morning_rule=False)
    assert session_light(3, None, strict) is Light.AMBER and session_light(4, None, strict) is Light.RED
    assert session_light(1, MorningAnswer.WORSE, strict) is Light.GREEN  # the morning rule is off
    assert session_light(4, None, PainLimits(limit=3, low=7)) is Light.RED  # a low above the limit is the limit
    assert "Thomeé" in strict.rule and "3/10" in strict.rule and "next morning than" not in strict.rule
    assert "worse the next morning than before the session" in PainLimits().rule


def test_the_reason_says_why():
    assert light_reason(7, None) == "pain 7 after (above 5)"
    assert light_reason(4, MorningAnswer.SAME) == "pain 4 after (acceptable: up to 5), same the next morning"
    assert light_reason(None, MorningAnswer.WORSE) == "worse the next morning"
    assert light_reason(None, None) == "not rated after the session"


# -- the next-morning question ----------------------------------------------------------------

def test_due_on_the_first_start_the_morning_after_a_session_day():
    session_day = date(2025, 3, 12)
    assert morning_question_due(datetime(2025, 3, 13, 8, 0, tzinfo=CET), session_day, answered=False)
    assert not morning_question_due(datetime(2025, 3, 13, 8, 0, tzinfo=CET), session_day, answered=True)
    assert morning_question_due(datetime(2025, 3, 13, 23, 59, tzinfo=CET), session_day, answered=False)
    assert not morning_question_due(datetime(2025, 3, 12, 22, 0, tzinfo=CET), session_day, answered=False)  # same day
    assert not morning_question_due(datetime(2025, 3, 14, 8, 0, tzinfo=CET), session_day, answered=False)  # 2 days
    assert not morning_question_due(datetime(2025, 3, 13, 8, 0, tzinfo=CET), None, answered=False)


def test_just_after_midnight_is_still_the_night():
    session_day = date(2025, 3, 12)
    night = datetime.combine(date(2025, 3, 13), MORNING_STARTS, tzinfo=CET) - timedelta(minutes=1)
    assert not morning_question_due(night, session_day, answered=False)
    assert morning_question_due(night + timedelta(minutes=1), session_day, answered=False)
    # a session at 00:30 belongs to the new day: nothing to ask that morning
    assert not morning_question_due(datetime(2025, 3, 13, 8, 0, tzinfo=CET), date(2025, 3, 13), answered=False)


def test_time_zones_go_by_the_wall_clock_where_the_person_is_now():
    # A session on the 12th in Berlin (23:00, +01:00); the next start is in New York.
    session_day = date(2025, 3, 12)
    assert not morning_question_due(datetime(2025, 3, 12, 20, 0, tzinfo=NEW_YORK), session_day, False)  # still the 12th
    assert morning_question_due(datetime(2025, 3, 13, 7, 0, tzinfo=NEW_YORK), session_day, False)
    # A session on the 12th in Tokyo; at 10:00 on the 12th in New York it is the 13th in Tokyo: not yet.
    assert not morning_question_due(datetime(2025, 3, 12, 10, 0, tzinfo=NEW_YORK), session_day, False)
    assert morning_question_due(datetime(2025, 3, 13, 9, 0, tzinfo=TOKYO), session_day, False)
    with pytest.raises(ValueError):
        morning_question_due(datetime(2025, 3, 13, 9, 0), session_day, False)


@given(st.datetimes(min_value=datetime(2000, 1, 2), max_value=datetime(2090, 1, 1)),
       st.integers(-14 * 60, 14 * 60), st.integers(-3, 3))
def test_due_exactly_from_four_on_the_next_local_day(moment, offset_minutes, days_back):
    now = moment.replace(tzinfo=timezone(timedelta(minutes=offset_minutes)))
    session_day = now.date() - timedelta(days=days_back)
    due = morning_question_due(now, session_day, answered=False)
    assert due == (days_back == 1 and now.time() >= MORNING_STARTS)
