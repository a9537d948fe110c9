"""Owning the record: `backrelief pain`, `delete`, `restore`, `trash` and `morning`.

A session is named as `backrelief history` shows it: its start ("2025-03-12 09:00"),
its id or the start of it (`history --json`), its file, or `last`. Deleting moves the
file to `<data>/trash/` whole (core/trash.py); `restore` puts it back. A correction of a
pain rating changes those keys and nothing else (`RecordStore.set_pain`).
"""

from __future__ import annotations

import argparse
import re
import sys
from contextlib import suppress
from datetime import date, datetime, timedelta
from pathlib import Path

from backrelief_tui.commands import fail
from backrelief_tui.core.records import Entry, SessionRecord, SessionSummary, Unreadable, read_record
from backrelief_tui.core.store import RecordStore
from backrelief_tui.core.text import printable
from backrelief_tui.core.wording import format_duration, pain_change

_MINUTE = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T](\d{1,2}):(\d{2})$")
_ASSIGNMENT = re.compile(r"^(before|after)=(.*)$")


def find_session(store: RecordStore, text: str) -> tuple[Path | None, str]:
    """The session file `text` names, or (None, why not). See the module docstring for the forms."""
    text = text.strip()
    if not text:
        return None, "name a session: its start (2025-03-12 09:00), its id, its file, or `last`"
    as_path = Path(text).expanduser()
    if text.endswith(".toml") and as_path.is_file():
        return as_path, ""
    entries = store.entries()
    readable = [e for e in entries if isinstance(e, SessionSummary)]
    if text == "last":
        return (readable[0].path, "") if readable else (None, "no sessions are recorded yet")
    minute = _MINUTE.match(text)
    if minute:
        day, hour, minutes = minute.group(1), int(minute.group(2)), minute.group(3)
        wanted = f"{day} {hour:02d}:{minutes}"
        found: list[Entry] = [e for e in readable if f"{e.started:%Y-%m-%d %H:%M}" == wanted]
    else:
        lowered = text.lower()
        found = [e for e in readable if e.id.lower() == lowered] or [
            e for e in readable if len(lowered) >= 3 and e.id.lower().startswith(lowered)]
        if not found:
            found = [e for e in entries if e.path.name == text]
    if len(found) == 1:
        return found[0].path, ""
    if not found:
        return None, (f"no session {text!r} (give its start as `backrelief history` shows it, "
                      "its id from `history --json`, its file, or `last`)")
    listed = "; ".join(_describe(entry) for entry in found[:5])
    return None, f"{text!r} names {len(found)} sessions: {listed} (give the id instead)"


def _describe(entry: Entry) -> str:
    if isinstance(entry, Unreadable):
        return f"{entry.path.name} (unreadable)"
    return f"{entry.started:%Y-%m-%d %H:%M} {printable(entry.routine)} id {printable(entry.id)}"


def _summary_line(record: SessionRecord) -> str:
    pain = pain_change(record.pain_before, record.pain_after)
    return (f"{record.started:%Y-%m-%d %H:%M}  {printable(record.routine_title)}  "
            f"{format_duration(record.active_seconds)}" + (f"  pain {pain}" if pain else ""))


# -- pain ----------------------------------------------------------------------------------------


def parse_ratings(items: list[str]) -> tuple[dict[str, int | None], list[str]]:
    """`["before=6", "after=-"]` -> ({"before": 6, "after": None}, []): `-` or `none` removes a rating."""
    ratings: dict[str, int | None] = {}
    errors = []
    for item in items:
        match = _ASSIGNMENT.match(item.strip().lower())
        if not match:
            errors.append(f"{item!r}: write before=N and/or after=N (0 to 10; - removes a rating)")
            continue
        name, value = match.groups()
        if value.strip() in ("-", "none", "–"):
            ratings[name] = None
        elif value.strip().isdigit() and 0 <= int(value) <= 10:
            ratings[name] = int(value)
        else:
            errors.append(f"{name} must be a whole number from 0 to 10, or - to remove it (got {value!r})")
    if not ratings and not errors:
        errors.append("give before=N and/or after=N (0 to 10)")
    return ratings, errors


def cmd_pain(args: argparse.Namespace, store: RecordStore | None = None) -> int:
    ratings, errors = parse_ratings(args.ratings)
    if errors:
        return fail(*errors)
    store = store or RecordStore()
    path, problem = find_session(store, args.session)
    if path is None:
        return fail(problem)
    if (error := store.set_pain(path, **ratings)) is not None:
        return fail(f"{path.name}: {error}")
    record = read_record(path)
    print(_summary_line(record) if isinstance(record, SessionRecord) else f"Saved in {path}")
    return 0


# -- delete, restore, trash -----------------------------------------------------------------------------


def cmd_delete(args: argparse.Namespace, store: RecordStore | None = None) -> int:
    from backrelief_tui.core.trash import TrashError, move_to_trash

    store = store or RecordStore()
    path, problem = find_session(store, args.session)
    if path is None:
        return fail(problem)
    if store.live.held_marker(path) is None and store.live.running_elsewhere(path):
        return fail(f"{path.name} is being recorded right now; stop that session first")
    record = read_record(path)
    try:
        trashed = move_to_trash(store.root, path)
    except TrashError as error:
        return fail(str(error))
    store.update_one(path)  # gone: its row leaves the index
    if isinstance(record, SessionRecord):
        _nudges_forget(store, record)
        print(f"Deleted {_summary_line(record)}")
    else:
        print(f"Deleted {path.name}")
    print(f"  kept in {trashed}; put it back with: backrelief restore {trashed.name}")
    return 0


def cmd_restore(args: argparse.Namespace, store: RecordStore | None = None) -> int:
    from backrelief_tui.core.trash import TrashError, list_trash, restore

    store = store or RecordStore()
    wanted = args.name.strip()
    items = list_trash(store.root)
    found = [item for item in items if wanted in (item.path.name, str(item.path), item.name)]
    if not found:
        by_id = [item for item in items if len(wanted) >= 3 and item.path.stem.rpartition("-")[2].startswith(wanted)]
        found = by_id
    if len(found) != 1:
        if not found:
            return fail(f"nothing named {wanted!r} in the trash (`backrelief trash` lists it)")
        return fail(f"{wanted!r} names {len(found)} files in the trash: "
                    + ", ".join(item.path.name for item in found[:5]))
    try:
        path = restore(store.root, found[0].path)
    except TrashError as error:
        return fail(str(error))
    store.update_one(path)
    record = read_record(path)
    if isinstance(record, SessionRecord):
        _nudges_remember(store, record)
        print(f"Restored {_summary_line(record)}")
    else:
        print(f"Restored {path}")
    return 0


def cmd_trash(args: argparse.Namespace, store: RecordStore | None = None) -> int:
    from backrelief_tui.core.trash import list_trash, trash_dir

    store = store or RecordStore()
    items = list_trash(store.root)
    if not items:
        print("The trash is empty.")
        return 0
    for item in items:
        record = read_record(item.path)
        what = _summary_line(record) if isinstance(record, SessionRecord) else f"unreadable: {record.reason}"
        print(f"{printable(item.path.name)}  {what}")
    print(f"\nIn {trash_dir(store.root)}. Put one back with: backrelief restore NAME")
    return 0


def _nudges_forget(store: RecordStore, record: SessionRecord) -> None:
    """A deleted session no longer counts toward this week's nudges (their state is rebuilt from the records)."""
    from backrelief_tui.core import paths, schedule

    if store.root != paths.sessions_dir():
        return
    path = schedule.state_file(str(paths.state_dir()))
    with suppress(OSError, ValueError):
        state, _problem = schedule.read_state(path)
        if state is None or (record.id not in state.week_sessions and state.last_break != record.ended):
            return
        rebuilt, _read = schedule.rebuild_state(store.root, datetime.now().astimezone())
        schedule.write_state(path, rebuilt.copy(snooze_until=state.snooze_until, skip_day=state.skip_day,
                                                notified=state.notified, schedule=state.schedule,
                                                settings_signature=state.settings_signature))


def _nudges_remember(store: RecordStore, record: SessionRecord) -> None:
    """A restored session counts again, as it did when it ended."""
    from backrelief_tui.core import schedule

    with suppress(OSError, ValueError):
        schedule.note_session_end(record, store.root)


# -- morning -------------------------------------------------------------------------------------


def cmd_morning(args: argparse.Namespace, store: RecordStore | None = None, now: datetime | None = None) -> int:
    from backrelief_tui.core.journal import load_journal, record_morning
    from backrelief_tui.core.pain import MORNING_QUESTION, MorningAnswer

    now = now or datetime.now().astimezone()
    day: date = args.day or now.date() - timedelta(days=1)
    if day >= now.date():
        return fail("the next-morning answer is about an earlier day (--day is yesterday by default)")
    from backrelief_tui.core.index import IndexUnavailable

    store = store or RecordStore()
    if store.refresh(since=day) is not None:
        with suppress(IndexUnavailable):
            if not store.index.day_totals(day, day):
                print(f"note: no session that counts on {day:%a %d %b}", file=sys.stderr)
    _journal, problems = load_journal()
    for problem in problems:
        print(f"warning: {problem}", file=sys.stderr)
    if (error := record_morning(day, MorningAnswer(args.answer), now)) is not None:
        return fail(error)
    print(f"{MORNING_QUESTION} {args.answer} (about {day:%a %d %b}). Saved.")
    return 0
