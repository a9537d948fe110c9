"""`backrelief history` and `backrelief report`: the session records, printed.

History prints the same rows as the history screen (newest first), as text, JSON
or CSV; unreadable files are listed with their reason, never hidden. Report
writes the Markdown summary for a physiotherapist. Both read through the history
index (core/index.py): `history` after bringing it up to date, `report` after
looking at its weeks' year folders only, then reading just its weeks' files.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
from contextlib import suppress
from datetime import date, datetime, timedelta
from typing import TextIO

from backrelief_tui.commands import fail
from backrelief_tui.core.records import Entry, SessionSummary, Unreadable
from backrelief_tui.core.store import RecordStore
from backrelief_tui.core.text import json_safe, printable
from backrelief_tui.core.wording import format_duration, pain_change

# core.report and csv load only where they are used: each command here pays for its imports
# (`history --json` with 10,000 sessions has 0.3 s in all: benchmarks/bench_history.py).
PROGRESSION_WEEKS = 4  # core.progression.PROGRESSION_WEEKS, not imported here: it brings in the routine model

CSV_FIELDS = ("started", "date", "routine", "routine_title", "status", "how_far", "minutes", "planned_minutes",
              "moves_done", "moves_total", "pauses", "pain_before", "pain_after", "note", "file", "problem")


def _row(entry: Entry) -> dict[str, object]:
    if isinstance(entry, Unreadable):
        started = entry.started
        return {"started": started.isoformat() if started else "", "date": f"{started:%Y-%m-%d}" if started else "",
                "status": "unreadable", "file": str(entry.path), "problem": entry.reason}
    return {
        "started": entry.started.isoformat(), "date": f"{entry.day:%Y-%m-%d}", "routine": entry.routine,
        "routine_title": entry.routine_title, "status": entry.status, "how_far": entry.how_far,
        "minutes": round(entry.minutes, 1), "planned_minutes": round(entry.planned_seconds / 60, 1),
        "moves_done": entry.moves_done, "moves_total": entry.moves_total, "pauses": entry.pauses,
        "pain_before": entry.pain_before, "pain_after": entry.pain_after, "note": entry.note,
        "file": str(entry.path), "problem": "",
    }


def _pain(entry: SessionSummary) -> str:
    pain = pain_change(entry.pain_before, entry.pain_after)
    return f"pain {pain}" if pain else ""


def write_json(items: list[dict[str, object]], out: TextIO) -> None:
    """`json.dump(items, out, indent=2, ensure_ascii=False)`, character for character, for a list of flat
    objects (scalar values), as `history --json` prints them.

    About twice as fast: with `indent` the standard library encodes in pure Python, so the
    list is encoded once by the C encoder, with ",\n    " between an object's members, and
    only the seams between objects are rewritten. A JSON string holds no raw newline (it is
    escaped), so "},\n    {" can only be such a seam (10,000 sessions: 6 MB).
    One difference: characters that could act on a terminal (DEL, C1 controls, bidi and
    zero-width characters) are written as `\\uXXXX` escapes (`core.text.json_safe`), the same data.
    """
    if not items:
        out.write("[]")
        return
    if not all(items):  # an empty object prints as `{}`: the plain way (never for history, which has no empty one)
        out.write(json_safe(json.dumps(items, indent=2, ensure_ascii=False)))
        return
    text = json.dumps(items, ensure_ascii=False, separators=(",\n    ", ": "))
    out.write("[\n  {\n    ")  # in three writes: no more copies of the megabytes than needed
    out.write(json_safe(text[2:-2].replace("},\n    {", "\n  },\n  {\n    ")))
    out.write("\n  }\n]")


def cmd_history(args: argparse.Namespace, store: RecordStore | None = None) -> int:
    # Thousands of short-lived objects and no cycles: the collector would only walk them (~10 %).
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _history(args, store or RecordStore())
    finally:
        if was_enabled:
            gc.enable()


def _history(args: argparse.Namespace, store: RecordStore) -> int:
    out = sys.stdout
    if args.json:  # the objects straight from the index's rows (records.entry_to_json, without the entries)
        write_json(store.json_entries(since=args.since, routine=args.routine or None), out)
        out.write("\n")
        return 0
    entries = store.entries(since=args.since, routine=args.routine or None)
    if args.csv:
        import csv

        writer = csv.DictWriter(out, fieldnames=CSV_FIELDS, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        for entry in entries:
            writer.writerow({name: "" if value is None else printable(value) if isinstance(value, str) else value
                             for name, value in _row(entry).items()})
        return 0
    if not entries:
        print("No sessions recorded yet." if not (args.since or args.routine) else "No sessions match.")
        return 0
    width = max((len(e.routine) for e in entries if isinstance(e, SessionSummary)), default=8)
    for entry in entries:
        if isinstance(entry, Unreadable):
            print(printable(f"{'?':<16}  unreadable: {entry.path}: {entry.reason}"))
            continue
        print(printable(f"{entry.started:%Y-%m-%d %H:%M}  {entry.routine:<{width}}  "
                        f"{format_duration(entry.active_seconds):>7}  {entry.how_far:<26}  {_pain(entry)}".rstrip()))
    return 0


def cmd_report(args: argparse.Namespace, store: RecordStore | None = None, today: date | None = None) -> int:
    from backrelief_tui.commands.context import load_context
    from backrelief_tui.commands.progress import history_stats
    from backrelief_tui.core.index import IndexUnavailable
    from backrelief_tui.core.journal import load_journal
    from backrelief_tui.core.pain import PainLimits
    from backrelief_tui.core.progression import suggest
    from backrelief_tui.core.report import ReportContext, build_report, period_start
    from backrelief_tui.core.stats import CALENDAR_WEEKS

    store = store or RecordStore()
    today = today or datetime.now().astimezone().date()
    library, settings = load_context()
    journal, problems = load_journal()
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    start = period_start(today, args.weeks)
    first = min(start, today - timedelta(weeks=PROGRESSION_WEEKS))  # the suggestions look 4 weeks back
    records, unreadable = store.records_between(first, today)  # each file read once, for both
    first_day = None
    with suppress(IndexUnavailable):
        first_day = store.index.first_day()
        if first < start:
            unreadable = store.index.between(start, today)[1]  # the period's own unreadable files
    # The history header's numbers; records_between has just refreshed the year folders from `first`'s on.
    refreshed = first.year <= (today - timedelta(weeks=CALENDAR_WEEKS)).year
    stats = history_stats(store, today, settings.weekly_goal, refreshed=refreshed)
    recent = [r for r in records if r.started.date() >= today - timedelta(weeks=PROGRESSION_WEEKS)]
    context = ReportContext(stats=stats, first_day=first_day, journal=journal,
                            limits=PainLimits.from_settings(settings), moves=library.moves, settings=settings,
                            progress=suggest(library.moves, settings, recent, journal))
    text = build_report(records, today, args.weeks, unreadable=unreadable, context=context)
    if args.output is None:
        sys.stdout.write(text)
        return 0
    try:
        args.output.write_text(text, encoding="utf-8")
    except OSError as error:
        return fail(f"cannot write {args.output}: {error.strerror or error}")
    print(printable(f"Wrote {args.output}"), file=sys.stderr)
    return 0
