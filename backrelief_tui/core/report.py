"""A Markdown summary of the last weeks, written to be handed to a physiotherapist.

Adherence against the weekly goal, the pain trend with the meaningful-change verdict,
each session's traffic light, the moves (time, dose, lights, skips), progressions
accepted and suggested, the red-flag answers and the notes: from the session records
and the journal. Pure text: the CLI prints it or writes it to a file.

The period is exact: `weeks` whole ISO weeks (Monday to Sunday) before this one, and
this week so far, each with its dates; averages a week are taken over the days the
period really has (and only from the first recorded session on), never over whole
weeks that have not happened. What counts is `stats.counts`, the history header's
rule: the header's numbers (`ReportContext.stats`) and the report's are the same.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from backrelief_tui.core.journal import DecisionKind, Journal
from backrelief_tui.core.levels import level_label
from backrelief_tui.core.lights import JudgedSession, judge_sessions, move_lights
from backrelief_tui.core.pain import (
    DEFAULT_LIMITS,
    LIGHT_SYMBOLS,
    MEANINGFUL_CHANGE_RULE,
    MORNING_CHOICES,
    Light,
    PainLimits,
    PainVerdict,
    pain_verdict,
)
from backrelief_tui.core.progression import PROGRESSION_RULE, Progress, decision_words
from backrelief_tui.core.records import MoveRecord, MoveStatus, SessionRecord, SessionStatus
from backrelief_tui.core.redflags import RED_FLAGS
from backrelief_tui.core.routine import Move
from backrelief_tui.core.schedule import DEFAULT_GOAL
from backrelief_tui.core.settings import Settings
from backrelief_tui.core.stats import (
    COUNTING_RULE,
    Stats,
    counts,
    day_totals,
    goal_streak_line,
    goal_streaks,
    mean,
    minutes_of,
    pain_pairs,
    pain_points,
    tenths,
    week_counts,
    week_start,
)
from backrelief_tui.core.text import printable
from backrelief_tui.core.wording import dose, format_duration, plural

OFTEN_SKIPPED_SHARE = 0.25  # skipped or cut short in at least a quarter of the sessions that reached it


@dataclass(frozen=True)
class Period:
    """The report's days: `whole_weeks` Monday-to-Sunday weeks, then this week so far (unless today is Sunday)."""

    first: date
    last: date  # today
    whole_weeks: int

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def partial_days(self) -> int:
        """Days of this week so far that are not part of a whole week (0 on a Sunday)."""
        return self.days - 7 * self.whole_weeks

    @property
    def mondays(self) -> list[date]:
        return [self.first + timedelta(weeks=number) for number in range(self.whole_weeks + (self.partial_days > 0))]

    def words(self) -> str:
        """`Mon 02 Nov 2026 to Mon 30 Nov 2026: 4 whole weeks and this week so far (1 day), 29 days`."""
        span = f"{self.first:%a %d %b %Y} to {self.last:%a %d %b %Y}: {plural(self.whole_weeks, 'whole week')}"
        if self.partial_days:
            span += f" and this week so far ({plural(self.partial_days, 'day')})"
        return f"{span}, {plural(self.days, 'day')}"


def report_period(today: date, weeks: int) -> Period:
    """`weeks` whole weeks before this week, and this week so far (a Sunday completes its week: it is whole)."""
    this_monday = week_start(today)
    if today.weekday() == 6:
        return Period(this_monday - timedelta(weeks=weeks - 1), today, weeks)
    return Period(this_monday - timedelta(weeks=weeks), today, weeks)


def period_start(today: date, weeks: int) -> date:
    """The first day a report of `weeks` weeks covers (see `report_period`)."""
    return report_period(today, weeks).first


@dataclass(frozen=True)
class ReportContext:
    """What the report needs beyond the period's records; every part optional (a test gives what it checks)."""

    stats: Stats | None = None  # the history header's numbers (goal streak, pain verdict); else from the records
    first_day: date | None = None  # the first session that counts, ever; else the period's first
    journal: Journal = field(default_factory=Journal)
    limits: PainLimits = DEFAULT_LIMITS
    moves: Mapping[str, Move] = field(default_factory=dict)  # the library's moves (for levels)
    settings: Settings | None = None  # the person's own numbers now
    progress: Progress | None = None  # the suggestions now

    @property
    def goal(self) -> int:
        return self.stats.goal if self.stats is not None else (
            self.settings.weekly_goal if self.settings is not None else DEFAULT_GOAL)


def line_text(text: object) -> str:
    """Text from a file, safe as (part of) one Markdown line: printable, line breaks as spaces."""
    return printable(" ".join(str(text).splitlines()))


def cell(text: object) -> str:
    """Text from a file, safe inside a Markdown table cell: `line_text` with backslashes and pipes escaped."""
    return line_text(text).replace("\\", "\\\\").replace("|", "\\|")


def _fmt(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _rating(value: int | None) -> str:
    return "–" if value is None else str(value)


def _light(light: Light | None) -> str:
    return "not rated" if light is None else f"{LIGHT_SYMBOLS[light]} {light}"


def _prescription(move: MoveRecord) -> str:
    hold = move.hold_changed or move.hold
    return dose(move.kind, hold, move.reps, move.sides, rep_seconds=move.tempo and move.tempo + hold)


def build_report(records: Sequence[SessionRecord], today: date, weeks: int = 4, *, unreadable: int = 0,
                 context: ReportContext | None = None) -> str:
    """The report for `weeks` whole weeks and this week so far (see the module docstring)."""
    context = context or ReportContext()
    period = report_period(today, weeks)
    chosen = sorted((r for r in records if period.first <= r.started.date() <= today), key=lambda r: r.started)
    lines = [
        "# Low-back care: exercise log",
        "",
        f"Period: {period.words()}. Made by backrelief from the person's own session records and answers.",
        "",
        f"How sessions are counted: {COUNTING_RULE}",
        "",
    ]
    if not chosen:
        lines += ["No sessions were recorded in this period.", ""]
        return "\n".join(lines + _red_flag_section(context.journal, period))

    judged = judge_sessions(chosen, context.journal.mornings_by_day(), context.limits)
    lines += _summary(chosen, judged, period, today, unreadable, context)
    lines += _weeks_table(chosen, period, context.goal)
    lines += _pain_section(chosen, judged, today, context)
    lines += _sessions_table(judged, context.limits)
    lines += _moves_section(chosen, judged)
    lines += _progression_section(period, context)
    lines += _red_flag_section(context.journal, period)
    notes = [(r.started, r.note) for r in chosen if r.note]
    if notes:
        lines += ["## Notes", ""] + [f"- {when:%a %d %b}: {line_text(text)}" for when, text in notes] + [""]
    return "\n".join(lines)


def _summary(chosen: Sequence[SessionRecord], judged: Sequence[JudgedSession], period: Period, today: date,
             unreadable: int, context: ReportContext) -> list[str]:
    counted = [r for r in chosen if counts(r)]
    completed = sum(r.status is SessionStatus.COMPLETED for r in counted)
    others = len(chosen) - len(counted)
    total = sum(tenths(r.active_seconds) for r in counted)
    first = max(period.first, context.first_day or min(r.started.date() for r in chosen))
    days = (today - first).days + 1
    goal = context.goal
    weeks = week_counts(day_totals(counted).values())
    whole = period.mondays[:period.whole_weeks]
    met = sum(weeks.get(monday, 0) >= goal for monday in whole)
    if context.stats is not None:
        current, best = context.stats.goal_streak, context.stats.best_goal_streak
    else:
        current, best = goal_streaks(weeks, goal, today)
    goal_line = f"- Weekly goal: {plural(goal, 'session')} a week. Met in {met} of {plural(len(whole), 'whole week')}"
    if period.partial_days:
        goal_line += (f"; this week {weeks.get(week_start(today), 0)} of {goal} so far "
                      f"({plural(period.partial_days, 'day')})")
    lines = ["## Summary", "", goal_line + f"; {goal_streak_line(current, best)}."]
    stopped_counted = len(counted) - completed
    lines.append(f"- Sessions that count: {len(counted)} ({completed} completed, {stopped_counted} stopped after "
                 f"3 minutes or more)" + (f"; {plural(others, 'more session')} stopped early, not counted" if others
                                          else "") + ".")
    since = "" if first == period.first else f", the days since the first session on {first:%a %d %b}"
    lines.append(f"- Exercise time: {minutes_of(total):.0f} minutes in all; "
                 f"{minutes_of(total) * 7 / days:.0f} minutes a week on average (over {plural(days, 'day')}{since}).")
    active_days = {r.started.date() for r in counted}
    lines.append(f"- Days with a session that counts: {len(active_days)} of {days}.")
    routines = Counter(f"{line_text(r.routine_title)} ({line_text(r.routine)})" for r in chosen)
    lines.append("- Routines: " + ", ".join(f"{name} × {count}" for name, count in routines.most_common()) + ".")
    verdict = _verdict(chosen, today, context)
    if verdict is not None:
        lines.append(f"- {verdict.sentence('the')}")
    lights = Counter(session.light for session in judged)
    lines.append(f"- Traffic lights: {lights[Light.GREEN]} green, {lights[Light.AMBER]} amber, "
                 f"{lights[Light.RED]} red, {lights[None]} not rated.")
    if unreadable:
        lines.append(f"- {plural(unreadable, 'session file')} could not be read and "
                     f"{'is' if unreadable == 1 else 'are'} left out.")
    return lines + [""]


def _verdict(chosen: Sequence[SessionRecord], today: date, context: ReportContext) -> PainVerdict | None:
    if context.stats is not None:
        return context.stats.pain_verdict
    return pain_verdict([(p.day, p.before) for p in pain_points(chosen) if p.before is not None], today)


def _weeks_table(chosen: Sequence[SessionRecord], period: Period, goal: int) -> list[str]:
    lines = ["## Weeks", "",
             f"| Week | Days | Sessions (goal {goal}) | Goal | Minutes | Pain before (avg) | Pain after (avg) "
             "| Before → after (rated both) |",
             "|---|---:|---:|---|---:|---:|---:|---|"]
    for number, monday in enumerate(period.mondays):
        items = [r for r in chosen if week_start(r.started.date()) == monday]
        counted = [r for r in items if counts(r)]
        whole = number < period.whole_weeks
        days = 7 if whole else period.partial_days
        label = (f"{monday:%d %b} – {monday + timedelta(days=6):%d %b}" if whole
                 else f"{monday:%d %b} (so far)" if monday == period.last
                 else f"{monday:%d %b} – {period.last:%d %b} (so far)")
        met = ("yes" if len(counted) >= goal else "no") if whole else ("met" if len(counted) >= goal else "so far")
        points = pain_points(items)
        pairs = pain_pairs(points)
        both = "–" if not pairs.sessions else f"{_fmt(pairs.before)} → {_fmt(pairs.after)} ({pairs.sessions})"
        minutes = minutes_of(sum(tenths(r.active_seconds) for r in counted))
        lines.append(
            f"| {label} | {days} | {len(counted)} | {met} | {minutes:.0f} "
            f"| {_fmt(mean(p.before for p in points if p.before is not None))} "
            f"| {_fmt(mean(p.after for p in points if p.after is not None))} | {both} |")
    return lines + [""]


def _pain_section(chosen: Sequence[SessionRecord], judged: Sequence[JudgedSession], today: date,
                  context: ReportContext) -> list[str]:
    lines = ["## Pain (0 = none, 10 = worst)", ""]
    points = pain_points(chosen)
    verdict = _verdict(chosen, today, context)
    if verdict is not None:
        lines += [verdict.sentence("the"), "", verdict.detail + " " + MEANINGFUL_CHANGE_RULE, ""]
    if not points:
        return lines + ["No pain ratings were given in this period.", ""]
    rated_before = sum(p.before is not None for p in points)
    rated_after = sum(p.after is not None for p in points)
    lines.append(f"- Rated before {rated_before} and after {rated_after} of {plural(len(chosen), 'session')}.")
    pairs = pain_pairs(points)
    if pairs.sessions and pairs.before is not None and pairs.after is not None:
        shown = round(pairs.after, 1) - round(pairs.before, 1)  # the difference of the means as printed
        direction = "lower" if shown < 0 else "higher" if shown > 0 else "no different"
        size = f", {abs(shown):.1f} points {direction} after" if shown else ", no different after"
        lines.append(f"- Within a session ({plural(pairs.sessions, 'session')} rated both before and after; only "
                     f"those give a change): {_fmt(pairs.before)} before → {_fmt(pairs.after)} after on "
                     f"average{size}.")
    mornings = Counter(session.morning for session in judged if session.morning in MORNING_CHOICES)
    days = {session.day for session in judged}
    answered = {session.day for session in judged if session.morning in MORNING_CHOICES}
    if answered:
        lines.append("- Next mornings, compared with before the session day: "
                     + ", ".join(f"{answer} {mornings[answer]}" for answer in MORNING_CHOICES)
                     + f" (answered for {len(answered)} of {plural(len(days), 'session day')}).")
    else:
        lines.append("- The next-morning question was not answered in this period.")
    return lines + [""]


def _sessions_table(judged: Sequence[JudgedSession], limits: PainLimits) -> list[str]:
    lines = ["## Sessions and traffic lights", "", limits.rule, "",
             "| Date | Routine | Result | Counts | Pain before | Pain after | Next morning | Light |",
             "|---|---|---|---|---:|---:|---|---|"]
    for session in judged:
        record = session.record
        morning = str(session.morning) if session.morning in MORNING_CHOICES else "–"
        result = ("completed" if record.status is SessionStatus.COMPLETED
                  else f"{record.status} after {format_duration(record.active_seconds)}")
        lines.append(f"| {record.started:%a %d %b %H:%M} | {cell(record.routine_title)} | {result} | "
                     f"{'yes' if counts(record) else 'no'} | {_rating(record.pain_before)} | "
                     f"{_rating(record.pain_after)} | {morning} | {_light(session.light)} |")
    return lines + [""]


@dataclass
class _MoveTally:
    name: str
    latest: MoveRecord  # the numbers in force the last time it was done
    sessions: int = 0  # sessions in which the move was reached
    done: int = 0
    partial: int = 0
    skipped: int = 0
    seconds: float = 0.0


def _moves_section(chosen: Sequence[SessionRecord], judged: Sequence[JudgedSession]) -> list[str]:
    tallies: dict[str, _MoveTally] = {}
    for record in chosen:
        for move in record.moves:
            tally = tallies.setdefault(move.id, _MoveTally(move.name, move))
            tally.seconds += move.done_seconds
            if move.status is MoveStatus.NOT_REACHED:
                continue
            tally.latest = move
            tally.sessions += 1
            tally.done += move.status is MoveStatus.DONE
            tally.partial += move.status is MoveStatus.PARTIAL
            tally.skipped += move.status is MoveStatus.SKIPPED
    lights = move_lights(judged)
    lines = ["## Moves", "",
             "Green, amber and red count the sessions a move was done in (there is no rating per move: a red "
             "session counts for every move done in it).", "",
             "| Move | Done in full | Time | As prescribed (latest) | Green | Amber | Red | Not rated |",
             "|---|---:|---:|---|---:|---:|---:|---:|"]
    for move_id, tally in sorted(((i, t) for i, t in tallies.items() if t.sessions), key=lambda item: -item[1].seconds):
        light = lights.get(move_id)
        green, amber, red, unjudged = (light.green, light.amber, light.red, light.unjudged) if light else (0, 0, 0, 0)
        lines.append(f"| {cell(tally.name)} | {tally.done} of {tally.sessions} | {format_duration(tally.seconds)} | "
                     f"{_prescription(tally.latest)} | {green} | {amber} | {red} | {unjudged} |")
    lines.append("")
    reds = sorted((t for t in lights.values() if t.red), key=lambda t: -t.red)
    greens = [t for t in lights.values() if t.green and not t.red and not t.amber]
    lines.append("- In red sessions: " + (", ".join(f"{line_text(t.name)} ({t.red})" for t in reds) if reds
                                           else "none") + ".")
    lines.append("- Green every time they were rated: " + (", ".join(line_text(t.name) for t in greens) if greens
                                                            else "none") + ".")
    lines.append("")
    often = [t for t in tallies.values()
             if t.sessions and t.skipped + t.partial >= 2
             and (t.skipped + t.partial) / t.sessions >= OFTEN_SKIPPED_SHARE]
    lines += ["### Moves often skipped", ""]
    if often:
        for tally in sorted(often, key=lambda t: -(t.skipped + t.partial) / t.sessions):
            lines.append(f"- {line_text(tally.name)}: skipped in {tally.skipped} and cut short in {tally.partial} "
                         f"of {plural(tally.sessions, 'session')}")
    else:
        lines.append("None. (A move counts as often skipped when it was skipped or cut short at least twice, "
                     "and in at least a quarter of the sessions that reached it.)")
    return lines + [""]


def _progression_section(period: Period, context: ReportContext) -> list[str]:
    lines = ["## Progression", "", PROGRESSION_RULE, ""]
    decisions = sorted((d for d in context.journal.decisions if period.first <= d.when.date() <= period.last),
                       key=lambda d: d.when)
    accepted = [d for d in decisions if d.kind is DecisionKind.ACCEPTED]
    declined = [d for d in decisions if d.kind is DecisionKind.DECLINED]
    lines.append("- Accepted in this period: " + ("none" if not accepted else "; ".join(
        f"{d.when:%a %d %b}: {line_text(decision_words(d, context.moves))}" for d in accepted)) + ".")
    if declined:
        lines.append("- Declined: " + "; ".join(
            f"{d.when:%a %d %b}: {line_text(decision_words(d, context.moves))}" for d in declined) + ".")
    if context.settings is not None:
        own = _own_numbers(context.settings, context.moves)
        lines.append("- The person's own numbers now: " + (", ".join(own) if own else "the routines' own") + ".")
    if context.progress is not None:
        suggestions = context.progress.suggestions
        lines.append("- Suggested now:" + (" none." if not suggestions else ""))
        lines += [f"  - {line_text(s.title)}: {line_text(s.reason)}." for s in suggestions]
        lines += [f"  - {line_text(note)}" for note in context.progress.notes]
    return lines + [""]


def _own_numbers(settings: Settings, moves: Mapping[str, Move]) -> list[str]:
    own = []
    for move_id in sorted({*settings.moves, *settings.levels}):
        move = moves.get(move_id)
        name = line_text(move.name if move is not None else move_id)
        parts = [f"{key} {value}{' s' if key in ('hold', 'rest', 'rep_rest') else ''}"
                 for key, value in settings.override_for(move_id).to_table().items()]
        if settings.level_for(move_id):
            parts.append(level_label(move, settings.level_for(move_id)) if move is not None
                         else f"level {settings.level_for(move_id)}")
        own.append(f"{name}: {', '.join(parts)}")
    return own


def _red_flag_section(journal: Journal, period: Period) -> list[str]:
    lines = ["## Red-flag checks", "",
             f"The checklist ({', '.join(flag.label for flag in RED_FLAGS)}) is asked on the first run, when pain "
             "rises by 3 or more points between sessions, and when pain, tingling or numbness spreads down a leg. "
             "Any yes advises seeing a clinician before continuing.", ""]
    checks = sorted(journal.red_flags, key=lambda check: check.asked)
    within = [check for check in checks if period.first <= check.asked.date() <= period.last]
    earlier = [check for check in checks if check.asked.date() < period.first]
    shown = ([earlier[-1]] if earlier else []) + within
    if not shown:
        return lines + ["No checklist has been answered.", ""]
    for check in shown:
        before = " (before this period)" if check.asked.date() < period.first else ""
        lines.append(f"- {check.words}{before}.")
    return lines + [""]
