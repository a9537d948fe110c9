"""The pain rules: what counts as a meaningful change, the traffic light, the next-morning question.

Pure functions over plain numbers and dates, with the words a screen, the CLI and the
report show. No file is read here; the thresholds a physiotherapist may change come in
as a `PainLimits` (from the settings: `pain_limit`, `pain_low`, `pain_morning_rule`).

Meaningful change (before-session pain, 0-10): the person's first two weeks with a
rating set the baseline; the last two weeks (after the baseline) are compared with it.
A drop of 2 points or 30% is the usual threshold for a meaningful change in low back
pain; a rise of as much is a meaningful worsening. Means are kept exact (`Fraction`),
so a change of exactly 2 points or 30% is judged as such, never as 1.9999.

Traffic light (the pain-monitoring model): pain after a session up to `pain_low` is
green, up to `pain_limit` amber (acceptable, if it has settled by the next morning),
above it red; a back worse the next morning than before the session is red too.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from fractions import Fraction
from typing import Protocol

from backrelief_tui.core.choices import DEFAULT_PAIN_LIMIT, DEFAULT_PAIN_LOW

# -- the meaningful change ----------------------------------------------------------------------

MEANINGFUL_POINTS = 2
MEANINGFUL_SHARE = Fraction(3, 10)
BASELINE_DAYS = 14  # the person's first two weeks with a before-session rating
RECENT_DAYS = 14  # compared with the last two weeks
MIN_RATINGS = 2  # in each of the two periods, or there is nothing to judge yet

MEANINGFUL_CHANGE_RULE = (
    "Before-session pain (0-10) in the last two weeks is compared with the first two weeks with a rating. "
    "A change of 2 points or 30% is the usual threshold for a meaningful change in low back pain "
    "(Ostelo et al., Spine 2008)."
)


class Direction(StrEnum):
    BETTER = "better"
    WORSE = "worse"
    SAME = "same"


@dataclass(frozen=True)
class Change:
    """A change of mean pain from `baseline` to `current` (0-10)."""

    baseline: Fraction
    current: Fraction

    @property
    def points(self) -> Fraction:
        """How much lower the pain is now (negative: higher)."""
        return self.baseline - self.current

    @property
    def share(self) -> Fraction | None:
        """`points` as a share of the baseline; None for a baseline of 0 (no share of nothing)."""
        return self.points / self.baseline if self.baseline else None

    @property
    def meaningful(self) -> bool:
        """2 points or 30% either way: the common threshold for low back pain on a 0-10 scale."""
        share = self.share
        return abs(self.points) >= MEANINGFUL_POINTS or (share is not None and abs(share) >= MEANINGFUL_SHARE)

    @property
    def direction(self) -> Direction:
        return Direction.BETTER if self.points > 0 else Direction.WORSE if self.points < 0 else Direction.SAME


def judge_change(baseline: Fraction | int, current: Fraction | int) -> Change:
    return Change(Fraction(baseline), Fraction(current))


def points_text(value: Fraction | int) -> str:
    """`2.5 points`, `1.0 point`: a size of change, to one decimal, rounded down.

    Rounded down (as the percentage is) so the words never cross a threshold the rule did not:
    a change of 1.96 points reads "1.9 points", not a "2.0" that is not meaningful.
    """
    tenths = math.floor(Fraction(value) * 10)
    shown = f"{tenths // 10}.{tenths % 10}"
    return f"{shown} point" if shown == "1.0" else f"{shown} points"


def percent_text(share: Fraction) -> str:
    """`38%`, rounded down like `points_text`."""
    return f"{math.floor(share * 100)}%"


def change_words(change: Change, since: str = "since your first two weeks") -> str:
    """"better by 2.5 points (38%) since your first two weeks — a meaningful change", and the like."""
    if change.direction is Direction.SAME:
        return f"the same as {since.removeprefix('since ')} ({float(change.current):.1f} of 10)"
    share = change.share
    amount = points_text(abs(change.points)) + (f" ({percent_text(abs(share))})" if share is not None else "")
    head = f"{change.direction} by {amount} {since}"
    if change.meaningful:
        if change.direction is Direction.WORSE:
            return head + " — a meaningful change, worth talking over with your physiotherapist or doctor"
        return head + " — a meaningful change"
    threshold = f"{MEANINGFUL_POINTS} points or {percent_text(MEANINGFUL_SHARE)}"
    return head + f" — less than the {threshold} counted as meaningful"


@dataclass(frozen=True)
class PainVerdict:
    """Before-session pain now against the person's first two weeks with a rating."""

    baseline_first: date
    baseline_last: date
    baseline_ratings: int
    recent_first: date
    recent_last: date
    recent_ratings: int
    change: Change | None  # None: too early (not enough ratings after the baseline yet)

    @property
    def words(self) -> str:
        """One line for the header and `progress`, said to the person ("since your first two weeks")."""
        return self.sentence("your")

    def sentence(self, whose: str = "your") -> str:
        """The verdict in one line; `whose="the"` for the report, which is read by someone else."""
        if self.change is None:
            return (f"Too early to judge: {whose} first two weeks ({self.baseline_first:%d %b} to "
                    f"{self.baseline_last:%d %b}) set the baseline; the comparison needs "
                    f"{MIN_RATINGS} before-session ratings after that.")
        return f"Pain before sessions: {change_words(self.change, f'since {whose} first two weeks')}."

    @property
    def detail(self) -> str:
        """The two means with their dates (for the report)."""
        if self.change is None:
            return (f"Baseline: {self.baseline_ratings} ratings from {self.baseline_first:%d %b} "
                    f"to {self.baseline_last:%d %b}.")
        return (f"First two weeks ({self.baseline_first:%d %b} to {self.baseline_last:%d %b}): "
                f"{float(self.change.baseline):.1f} on average over {self.baseline_ratings} ratings; "
                f"last two weeks ({self.recent_first:%d %b} to {self.recent_last:%d %b}): "
                f"{float(self.change.current):.1f} over {self.recent_ratings}.")


def baseline_period(first_rated: date) -> tuple[date, date]:
    return first_rated, first_rated + timedelta(days=BASELINE_DAYS - 1)


def recent_period(first_rated: date, today: date) -> tuple[date, date]:
    """The last two weeks up to today, never reaching back into the baseline."""
    return max(today - timedelta(days=RECENT_DAYS - 1), baseline_period(first_rated)[1] + timedelta(days=1)), today


def pain_verdict(before: Sequence[tuple[date, int]], today: date) -> PainVerdict | None:
    """Judge before-session pain (`(day, rating)` pairs, any order) against the first two weeks.

    None when there is no rating at all; a verdict with no `change` while it is too early.
    Ratings dated after `today` (a clock set wrong) are left out.
    """
    ratings = [(day, value) for day, value in before if day <= today]
    if not ratings:
        return None
    first = min(day for day, _ in ratings)
    base_first, base_last = baseline_period(first)
    recent_first, recent_last = recent_period(first, today)
    base = [value for day, value in ratings if base_first <= day <= base_last]
    recent = [value for day, value in ratings if recent_first <= day <= recent_last]
    change = None
    if len(base) >= MIN_RATINGS and len(recent) >= MIN_RATINGS:
        change = judge_change(Fraction(sum(base), len(base)), Fraction(sum(recent), len(recent)))
    return PainVerdict(base_first, base_last, len(base), recent_first, recent_last, len(recent), change)


# -- the next-morning question -------------------------------------------------------------------


class MorningAnswer(StrEnum):
    BETTER = "better"
    SAME = "same"
    WORSE = "worse"
    SKIPPED = "skipped"  # asked and let go: not asked again that day, and no part of any light


MORNING_QUESTION = "Compared with before yesterday's session, your back this morning is:"
MORNING_CHOICES = (MorningAnswer.BETTER, MorningAnswer.SAME, MorningAnswer.WORSE)
MORNING_STARTS = time(4, 0)
"""Before this (local time) it is still the night after the session: a start at 00:30 does not ask yet."""


def morning_why(day: date, morning_rule: bool = True) -> str:
    """Under the question: what the answer is for (the traffic light's next-morning rule, when it is on)."""
    head = f"Your answer goes with {day:%A}'s session in your history"
    return head + (": a back worse than before it makes that session red." if morning_rule else ".")


def morning_question_due(now: datetime, last_session_day: date | None, answered: bool) -> bool:
    """Whether to ask the next-morning question now.

    `last_session_day` is the day of the newest session that counts, on its own calendar
    (the record's UTC offset: the day where the person was); `now` is an aware datetime
    in the zone the person is in now, and its wall clock decides what "yesterday" and
    "morning" are. The question is due from MORNING_STARTS on the day after a session
    day, for that whole day, until it is answered (or skipped). A session day further
    back is not asked about: "yesterday's session" would not be true any more.
    """
    if answered or last_session_day is None:
        return False
    if now.tzinfo is None:
        raise ValueError("now must be an aware datetime (the person's zone)")
    return now.date() - last_session_day == timedelta(days=1) and now.time() >= MORNING_STARTS


# -- the traffic light ----------------------------------------------------------------------------

# The default thresholds are in core/choices.py (with the scale): the settings need them before the first frame.

PAIN_MODEL = ("the pain-monitoring model physiotherapists use for exercise with pain "
              "(Thomeé 1997; Silbernagel et al. 2007)")
TRAFFIC_LIGHT_SOURCE = f"The traffic lights follow {PAIN_MODEL}; a physiotherapist may change these numbers."
"""Where the rule comes from, in one line (the Settings' pain guide, under its thresholds)."""
TRAFFIC_LIGHT_RULE = (
    f"Traffic lights follow {PAIN_MODEL}: pain during or after exercise up to {{limit}}/10 is acceptable "
    "if it has settled by the next morning. Green: pain after the session {low} or less; amber: up to {limit}; "
    "red: above {limit}{morning}."
)


class Light(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"


LIGHT_SYMBOLS = {Light.GREEN: "●", Light.AMBER: "◐", Light.RED: "○"}
"""Shapes, not only colours: the lights must read on a monochrome terminal and in a printed report."""


class _PainSettings(Protocol):
    @property
    def pain_limit(self) -> int: ...

    @property
    def pain_low(self) -> int: ...

    @property
    def pain_morning_rule(self) -> bool: ...


@dataclass(frozen=True)
class PainLimits:
    """The traffic light's thresholds (settings a physiotherapist may change)."""

    limit: int = DEFAULT_PAIN_LIMIT  # acceptable pain during/after, 0-10
    low: int = DEFAULT_PAIN_LOW  # green up to this
    morning_rule: bool = True  # worse the next morning is red

    @classmethod
    def from_settings(cls, settings: _PainSettings) -> PainLimits:
        return cls(settings.pain_limit, min(settings.pain_low, settings.pain_limit), settings.pain_morning_rule)

    @property
    def rule(self) -> str:
        """The rule in words, with these thresholds and where it comes from."""
        morning = ", or a back worse the next morning than before the session" if self.morning_rule else ""
        return TRAFFIC_LIGHT_RULE.format(limit=self.limit, low=min(self.low, self.limit), morning=morning)


DEFAULT_LIMITS = PainLimits()


def session_light(pain_after: int | None, morning: MorningAnswer | None,
                  limits: PainLimits = DEFAULT_LIMITS) -> Light | None:
    """A session's light; None when there is nothing to judge it by (no rating after it, no morning answer
    that makes it red)."""
    if limits.morning_rule and morning is MorningAnswer.WORSE:
        return Light.RED
    if pain_after is None:
        return None
    if pain_after > limits.limit:
        return Light.RED
    return Light.GREEN if pain_after <= min(limits.low, limits.limit) else Light.AMBER


def light_reason(pain_after: int | None, morning: MorningAnswer | None, limits: PainLimits = DEFAULT_LIMITS) -> str:
    """Why a session has its light, in words: "pain 7 after (above 5)", "worse the next morning"."""
    light = session_light(pain_after, morning, limits)
    parts = []
    if pain_after is not None:
        if pain_after > limits.limit:
            parts.append(f"pain {pain_after} after (above {limits.limit})")
        elif light is Light.AMBER:
            parts.append(f"pain {pain_after} after (acceptable: up to {limits.limit})")
        else:
            parts.append(f"pain {pain_after} after")
    if morning in MORNING_CHOICES:
        parts.append(f"{morning} the next morning")
    if light is None:
        return "not rated after the session"
    return ", ".join(parts)
