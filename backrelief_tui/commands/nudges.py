"""`backrelief snooze`, `backrelief skip today` and `backrelief set schedule`: quieting and shaping the nudges.

`backrelief due` (commands/due.py) says whether a break is due; `backrelief remind`
(commands/remind.py) turns that into desktop notifications.
"""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from backrelief_tui.commands import fail
from backrelief_tui.commands.due import load_state
from backrelief_tui.core.schedule import (
    SNOOZE_RANGE,
    State,
    check,
    clock_text,
    describe,
    next_working_start,
    parse_minutes,
    write_state,
)

if TYPE_CHECKING:
    from backrelief_tui.core.library import Library
    from backrelief_tui.core.settings import Settings


def _now() -> datetime:
    return datetime.now().astimezone()


def _save(state: State, path: str) -> int:
    try:
        write_state(path, state)
    except OSError as error:
        return fail(f"cannot save the nudge state to {path}: {error.strerror or error}")
    return 0


def cmd_snooze(args: argparse.Namespace, now: datetime | None = None) -> int:
    """`backrelief snooze [20m | 1h | off]`: no nudge until then."""
    now = now or _now()
    state, path = load_state(now, sys.stderr)
    text = args.duration.strip().lower()
    if text in ("off", "0", "none"):
        if (code := _save(state.copy(snooze_until=None), path)) == 0:
            print("Snooze off.")
        return code
    minutes, error = parse_minutes(text)
    if minutes is None or error:
        return fail(error or "give minutes or hours, such as 20m or 1h")
    low, high = SNOOZE_RANGE
    if not low <= minutes <= high:
        return fail(f"snooze for {low} minute to {high // 60} hours (got {args.duration.strip()!r})")
    until = now + timedelta(minutes=minutes)
    if until.second or until.microsecond:  # to the next whole minute, the one "until 10:21" names
        until = until.replace(second=0, microsecond=0) + timedelta(minutes=1)
    if (code := _save(state.copy(snooze_until=until), path)) != 0:
        return code
    print(f"Snoozed until {clock_text(until, now)}. (`backrelief snooze off` ends it.)")
    return 0


def cmd_skip(args: argparse.Namespace, now: datetime | None = None) -> int:
    """`backrelief skip today` (or `--undo`): no nudges for the rest of today."""
    now = now or _now()
    state, path = load_state(now, sys.stderr)
    if args.undo:
        if state.skip_day != now.date():
            print("Today was not skipped.")
            return 0
        code = _save(state.copy(skip_day=None), path)
        if code == 0:
            assert state.schedule is not None
            print(f"Nudges are back on for today: {describe(check(now, state.schedule, state.copy(skip_day=None)))}")
        return code
    if (code := _save(state.copy(skip_day=now.date()), path)) != 0:
        return code
    assert state.schedule is not None
    tomorrow = datetime.combine(now.date() + timedelta(days=1), datetime.min.time(), tzinfo=now.tzinfo)
    following = next_working_start(state.schedule, tomorrow)
    after = f"; they start again {clock_text(following, now)}" if following else ""
    print(f"No more nudges today{after}. (`backrelief skip today --undo` takes it back.)")
    return 0


# -- backrelief set schedule ----------------------------------------------------------------


def set_schedule(values: list[str]) -> int:
    """`backrelief set schedule every=50 days=mon-fri hours=9-17:30 goal=5 routine=desk` (no values: show it).

    Each field is checked like the settings file's; `FIELD=default` restores one. Every
    bad value is one line, and then nothing is saved.
    """
    from dataclasses import replace

    from backrelief_tui.commands.context import load_context, save_and_report
    from backrelief_tui.core.settings import SCHEDULE_FIELDS, Settings, parse_setting, schedule_text

    library, settings = load_context()
    if not values:
        _print_schedule(settings, library)
        return 0
    changes: dict[str, Any] = {}
    errors = []
    for item in values:
        key, equals, text = item.partition("=")
        key = key.strip().lower()
        if not equals or key not in SCHEDULE_FIELDS:
            errors.append(f"{item!r}: write FIELD=VALUE with a field of: {', '.join(SCHEDULE_FIELDS)} "
                          f"(e.g. every=50 days=mon-fri hours=9-17:30 goal=5 routine=desk)")
            continue
        name = SCHEDULE_FIELDS[key]
        if text.strip().lower() == "default":
            changes[name] = getattr(Settings(), name)
            continue
        value, error = parse_setting(name, text)
        if error is None and name == "nudge_routine" and value not in library.routines:
            error = f"routine {value!r} is not one of your routines (see `backrelief list`)"
        if error is not None:
            errors.append(error)
        else:
            changes[name] = value
    if errors:
        return fail(*errors)
    updated = replace(settings, **changes)
    if updated == settings:
        print(f"Nothing to change: {schedule_text(settings)}")
        return 0
    if (code := save_and_report(updated, base=settings)) != 0:
        return code
    _print_schedule(updated, library)
    return 0


def _print_schedule(settings: Settings, library: Library) -> None:
    from backrelief_tui.core.schedule import format_days, suggested_routine
    from backrelief_tui.core.settings import schedule_text

    routine = suggested_routine(settings.nudge_routine, lambda candidate: candidate in library.routines)
    chosen = "" if settings.nudge_routine else " (the default)"
    print(f"Schedule: {schedule_text(settings)}")
    days = format_days(settings.work_days)
    print(f"  a back break every {settings.break_every} min, {'every day' if days == 'all' else days} "
          f"{settings.work_hours.replace('-', '–')}; a goal of {settings.weekly_goal} sessions a week; "
          f"a nudge suggests {routine or 'no routine (none found)'}{chosen}")
    print("  change: backrelief set schedule every=50 days=mon-fri hours=9-17:30 goal=5 routine=desk "
          "(FIELD=default restores one)")
