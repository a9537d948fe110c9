"""A Markdown summary of the last weeks, written to be handed to a physiotherapist.

Sessions per week, time per move (with the holds and reps in force), the moves
often skipped and the pain trend, all from the session records. Pure text: the
CLI prints it or writes it to a file.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from backrelief_tui.core.records import MoveRecord, MoveStatus, SessionRecord, SessionStatus
from backrelief_tui.core.stats import best_streak, counts, current_streak, mean
from backrelief_tui.core.text import printable
from backrelief_tui.core.wording import dose, format_duration, plural

OFTEN_SKIPPED_SHARE = 0.25  # skipped or cut short in at least a quarter of the sessions that reached it


@dataclass
class _MoveTally:
    name: str
    latest: MoveRecord  # the numbers in force the last time it was done
    sessions: int = 0  # sessions in which the move was reached
    done: int = 0
    partial: int = 0
    skipped: int = 0
    seconds: float = 0.0
    prescriptions: Counter[str] = field(default_factory=Counter)


def period_start(today: date, weeks: int) -> date:
    """The Monday `weeks - 1` weeks before this week's Monday: whole weeks, this one included."""
    return today - timedelta(days=today.weekday()) - timedelta(weeks=weeks - 1)


def _text(text: str) -> str:
    """Text from a record, for the report: one line, controls spelled out, no table-breaking `|`."""
    return printable(text).replace("|", "\\|")


def _fmt_pain(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def _prescription(move: MoveRecord) -> str:
    hold = move.hold_changed or move.hold
    return dose(move.kind, hold, move.reps, move.sides, rep_seconds=move.tempo and move.tempo + hold)


def build_report(records: Sequence[SessionRecord], today: date, weeks: int = 4, *, unreadable: int = 0) -> str:
    """The report for the `weeks` weeks ending with the week of `today`."""
    start = period_start(today, weeks)
    chosen = sorted((r for r in records if start <= r.started.date() <= today), key=lambda r: r.started)
    lines = [
        "# Low-back care: exercise log",
        "",
        f"Period: {start:%d %b %Y} to {today:%d %b %Y} ({plural(weeks, 'week')}). "
        "Made by backrelief from the person's own session records.",
        "",
    ]
    if not chosen:
        lines += ["No sessions were recorded in this period.", ""]
        return "\n".join(lines)

    completed = [r for r in chosen if r.status is SessionStatus.COMPLETED]
    active_days = {r.started.date() for r in chosen if counts(r)}
    total_seconds = sum(r.active_seconds for r in chosen)
    routines = Counter(f"{_text(r.routine_title)} ({_text(r.routine)})" for r in chosen)
    lines += [
        "## Summary",
        "",
        f"- Sessions: {len(chosen)} ({len(completed)} completed, {len(chosen) - len(completed)} stopped early)",
        f"- Exercise time: {format_duration(total_seconds)} in all, "
        f"{format_duration(total_seconds / weeks)} a week on average",
        f"- Days with a session: {len(active_days)} of {(today - start).days + 1}; "
        f"longest run of days in a row: {best_streak(active_days)}, current: {current_streak(active_days, today)}",
        "- Routines: " + ", ".join(f"{name} × {count}" for name, count in routines.most_common()),
    ]
    if unreadable:
        lines.append(f"- {unreadable} session file(s) could not be read and are left out.")
    lines.append("")

    lines += ["## Sessions per week", "",
              "| Week of | Sessions | Completed | Minutes | Pain before (avg) | Pain after (avg) |",
              "|---|---:|---:|---:|---:|---:|"]
    by_week: dict[date, list[SessionRecord]] = defaultdict(list)
    for record in chosen:
        day = record.started.date()
        by_week[day - timedelta(days=day.weekday())].append(record)
    for week in range(weeks):
        monday = start + timedelta(weeks=week)
        items = by_week.get(monday, [])
        lines.append(
            f"| {monday:%d %b} | {len(items)} | {sum(r.status is SessionStatus.COMPLETED for r in items)} | "
            f"{sum(r.active_seconds for r in items) / 60:.0f} | "
            f"{_fmt_pain(mean(r.pain_before for r in items if r.pain_before is not None))} | "
            f"{_fmt_pain(mean(r.pain_after for r in items if r.pain_after is not None))} |")
    lines.append("")

    tallies: dict[str, _MoveTally] = {}
    for record in chosen:
        for move in record.moves:
            tally = tallies.setdefault(move.id, _MoveTally(_text(move.name), move))
            tally.seconds += move.done_seconds
            tally.latest = move
            tally.prescriptions[_prescription(move)] += 1
            if move.status is MoveStatus.NOT_REACHED:
                continue
            tally.sessions += 1
            tally.done += move.status is MoveStatus.DONE
            tally.partial += move.status is MoveStatus.PARTIAL
            tally.skipped += move.status is MoveStatus.SKIPPED
    lines += ["## Time per move", "",
              "| Move | Done in full | Time | As prescribed (latest) |",
              "|---|---:|---:|---|"]
    for tally in sorted((t for t in tallies.values() if t.sessions), key=lambda t: -t.seconds):
        lines.append(f"| {tally.name} | {tally.done} of {tally.sessions} | {format_duration(tally.seconds)} | "
                     f"{_prescription(tally.latest)} |")
    lines.append("")

    often = [t for t in tallies.values()
             if t.sessions and t.skipped + t.partial >= 2
             and (t.skipped + t.partial) / t.sessions >= OFTEN_SKIPPED_SHARE]
    lines += ["## Moves often skipped", ""]
    if often:
        for tally in sorted(often, key=lambda t: -(t.skipped + t.partial) / t.sessions):
            lines.append(f"- {tally.name}: skipped in {tally.skipped} and cut short in {tally.partial} "
                         f"of {tally.sessions} sessions")
    else:
        lines.append("None. (A move counts as often skipped when it was skipped or cut short at least twice, "
                     "and in at least a quarter of the sessions that reached it.)")
    lines.append("")

    lines += _pain_section(chosen)
    notes = [(r.started, r.note) for r in chosen if r.note]
    if notes:
        lines += ["## Notes", ""] + [f"- {when:%a %d %b}: {_text(text)}" for when, text in notes] + [""]
    return "\n".join(lines)


def _pain_section(records: Sequence[SessionRecord]) -> list[str]:
    lines = ["## Pain (0 = none, 10 = worst)", ""]
    rated = [r for r in records if r.pain_before is not None or r.pain_after is not None]
    if not rated:
        return lines + ["No pain ratings were given in this period.", ""]
    before = [r.pain_before for r in rated if r.pain_before is not None]
    after = [r.pain_after for r in rated if r.pain_after is not None]
    pairs = [r.pain_after - r.pain_before for r in rated if r.pain_before is not None and r.pain_after is not None]
    lines.append(f"- Rated in {len(rated)} of {len(records)} sessions.")
    if before:
        half = len(before) // 2
        if half:
            lines.append(f"- Before a session: {mean(before[:half]):.1f} on average in the first half of the period, "
                         f"{mean(before[half:]):.1f} in the second half.")
        else:
            lines.append(f"- Before a session: {before[0]}.")
    if after:
        lines.append(f"- After a session: {mean(after):.1f} on average (lowest {min(after)}, highest {max(after)}).")
    if pairs:
        change = sum(pairs) / len(pairs)
        word = "lower" if change < 0 else "higher" if change > 0 else "the same"
        amount = f"{abs(change):.1f} points " if change else ""
        lines.append(f"- Within a session: {amount}{word} after than before, on average "
                     f"({plural(len(pairs), 'session')}).")
    lines += ["", "| Date | Routine | Before | After |", "|---|---|---:|---:|"]
    for record in rated:
        lines.append(f"| {record.started:%a %d %b} | {_text(record.routine_title)} | "
                     f"{'–' if record.pain_before is None else record.pain_before} | "
                     f"{'–' if record.pain_after is None else record.pain_after} |")
    return lines + [""]
