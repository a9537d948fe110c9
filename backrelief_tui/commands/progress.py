"""`backrelief progress`: is it helping? The weekly goal, the pain verdict, the traffic lights, and the
progression suggestions with their reasons; `progress accept MOVE` / `decline MOVE` decide one.

The numbers are the history header's (`SessionIndex.stats`, the one counting rule); the
suggestions come from the last PROGRESSION_WEEKS weeks of records (core/progression.py).
An accepted step is saved as the person's own numbers (`backrelief set MOVE` shows them)
and, like a declined one, kept in the journal.
"""

from __future__ import annotations

import argparse
import json
import sys
from datetime import date, datetime, timedelta
from typing import Any

from backrelief_tui.commands import fail
from backrelief_tui.commands.context import load_context, save_and_report
from backrelief_tui.core.journal import DecisionKind, load_journal, record_decision
from backrelief_tui.core.lights import JudgedSession
from backrelief_tui.core.pain import LIGHT_SYMBOLS, MEANINGFUL_CHANGE_RULE, PainLimits
from backrelief_tui.core.progression import (
    PROGRESSION_RULE,
    PROGRESSION_WEEKS,
    Progress,
    accept,
    accepted_words,
    decision,
    declined_words,
    recent_progress,
)
from backrelief_tui.core.settings import Settings
from backrelief_tui.core.stats import COUNTING_RULE, Stats, compute
from backrelief_tui.core.store import RecordStore
from backrelief_tui.core.text import printable

RECENT_LIGHTS = 10  # sessions shown with their light


def history_stats(store: RecordStore, today: date, goal: int, *, refreshed: bool = False) -> Stats:
    """The history header's numbers: from the index when there is one, else from every file.

    Only the last CALENDAR_WEEKS weeks' folders are brought up to date (`refreshed`: the caller just did), unless
    the index has never been complete: older weeks change rarely, and the history screen catches up with them.
    """
    from backrelief_tui.core.index import IndexUnavailable
    from backrelief_tui.core.stats import CALENDAR_WEEKS

    try:
        since = None if store.index.needs_refresh() else today - timedelta(weeks=CALENDAR_WEEKS)
    except IndexUnavailable:
        since = None
    if (refreshed and since is not None) or store.refresh(since=since) is not None:
        try:
            return store.index.stats(today, goal)
        except IndexUnavailable:
            pass
    return compute(store.summaries(), today, goal)


def cmd_progress(args: argparse.Namespace, store: RecordStore | None = None, now: datetime | None = None) -> int:
    now = now or datetime.now().astimezone()
    today = now.date()
    store = store or RecordStore()
    library, settings = load_context()
    journal, problems = load_journal()
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    progress = recent_progress(store, library.moves, settings, journal, today)
    if args.action in ("accept", "decline"):
        if not args.move:
            return fail(f"name the move: backrelief progress {args.action} MOVE")
        return _decide(args.action, args.move, progress, settings, library.moves, now)
    if args.move:
        return fail("to decide a suggestion: backrelief progress accept MOVE (or decline MOVE)")
    stats = history_stats(store, today, settings.weekly_goal)
    limits = PainLimits.from_settings(settings)
    if args.json:
        print(json.dumps(progress_json(stats, progress, limits), indent=2, ensure_ascii=False))
        return 0
    _print_progress(stats, progress, limits)
    return 0


def progress_json(stats: Stats, progress: Progress, limits: PainLimits) -> dict[str, Any]:
    verdict = stats.pain_verdict
    change = verdict.change if verdict is not None else None
    return {
        "today": stats.today.isoformat(),
        "week": {"sessions": stats.week_sessions, "goal": stats.goal, "minutes": round(stats.week_minutes, 1),
                 "days": stats.week_days, "line": stats.goal_line},
        "goal_streak": stats.goal_streak,
        "best_goal_streak": stats.best_goal_streak,
        "pain": None if verdict is None else {
            "words": verdict.words,
            "baseline": None if change is None else round(float(change.baseline), 2),
            "recent": None if change is None else round(float(change.current), 2),
            "points_better": None if change is None else round(float(change.points), 2),
            "meaningful": None if change is None else change.meaningful,
            "baseline_period": [verdict.baseline_first.isoformat(), verdict.baseline_last.isoformat()],
            "recent_period": [verdict.recent_first.isoformat(), verdict.recent_last.isoformat()],
        },
        "suggestions": [suggestion.to_json() for suggestion in progress.suggestions],
        "notes": list(progress.notes),
        "sessions": [_session_json(session) for session in progress.judged],
        "rules": {"counting": COUNTING_RULE, "traffic_light": limits.rule, "meaningful_change": MEANINGFUL_CHANGE_RULE,
                  "progression": PROGRESSION_RULE},
    }


def _session_json(session: JudgedSession) -> dict[str, Any]:
    record = session.record
    return {"id": record.id, "started": record.started.isoformat(), "routine": record.routine,
            "pain_before": record.pain_before, "pain_after": record.pain_after,
            "morning": None if session.morning is None else str(session.morning),
            "light": None if session.light is None else str(session.light), "reason": session.reason}


def _print_progress(stats: Stats, progress: Progress, limits: PainLimits) -> None:
    print(f"{stats.goal_line.capitalize()} ({stats.week_minutes:.0f} min so far, day {stats.week_days} of 7) · "
          f"{stats.goal_streak_line}")
    if stats.pain_verdict is not None:
        print(stats.pain_verdict.words)
    else:
        print("Pain: no ratings yet (answer the 0-10 check-in before and after a session).")
    rated = [session for session in progress.judged if session.light is not None][-RECENT_LIGHTS:]
    if rated:
        print("Recent sessions: " + "  ".join(
            f"{LIGHT_SYMBOLS[session.light]} {session.day:%a %d}" for session in rated if session.light is not None)
              + "   (● green, ◐ amber, ○ red)")
    print()
    if progress.suggestions:
        print(f"Suggestions (from the last {PROGRESSION_WEEKS} weeks):")
        for suggestion in progress.suggestions:
            print(f"  {printable(suggestion.title)}")
            print(f"    why: {printable(suggestion.reason)}")
            print(f"    backrelief progress accept {suggestion.move_id}   (or: decline {suggestion.move_id})")
    else:
        print(f"No suggestions now: a move needs 3 green sessions in a row for a step up "
              f"(in the last {PROGRESSION_WEEKS} weeks).")
    for note in progress.notes:
        print(f"\nNote: {note}")
    print(f"\n{limits.rule}\n{PROGRESSION_RULE}\n{COUNTING_RULE}")


def _decide(action: str, move_id: str, progress: Progress, settings: Settings, moves: dict[str, Any],
            now: datetime) -> int:
    suggestion = progress.find(move_id)
    if suggestion is None:
        open_ones = ", ".join(s.move_id for s in progress.suggestions) or "none"
        return fail(f"no suggestion for {move_id!r} now (suggestions: {open_ones}; see `backrelief progress`)")
    kind = DecisionKind.ACCEPTED if action == "accept" else DecisionKind.DECLINED
    if kind is DecisionKind.ACCEPTED and (code := save_and_report(accept(settings, suggestion, moves[move_id]))):
        return code
    if (error := record_decision(decision(suggestion, kind, now))) is not None:
        print(f"warning: the decision was not kept in the journal: {error}", file=sys.stderr)
    if kind is DecisionKind.ACCEPTED:
        print(printable(f"{accepted_words(suggestion)} (see `backrelief set {suggestion.move_id}`)."))
    else:
        print(printable(declined_words(suggestion)))
    return 0
