"""When a back break is due: the working-day schedule, the nudge state file, and the rules.

`backrelief due` runs on every shell prompt and every tmux status refresh, so this
module imports only `datetime`, `os` and `stat` at the top (`enum`, `json`, `re`,
`pathlib` and `dataclasses` would each cost a third or more of Python's own start-up;
`benchmarks/bench_due.py` keeps the count). That is why the closed sets here are
`Literal` types checked by mypy rather than enums, and the small records are plain
slotted classes.

Time comes in as an aware `datetime` (the caller's clock and zone). Every length of
time is taken between UTC instants, never between wall-clock readings, so a DST change
neither adds nor loses an hour; "today", working hours and the ISO week are read on the
wall clock of `now`'s zone.

The rules: breaks are nudged only on working days, within working hours. A break is due
once `every` minutes have passed since the later of the last break (a session that
counts, see `counts_as_break`) and the start of today's working hours. A session that
counts restarts the wait; `snooze` quiets it for a while, `skip today` until tomorrow.

The state (`<state>/nudges.json`, written atomically) holds the last break, this ISO
week's sessions, the snooze and the skipped day, the due period last notified, and a
copy of the schedule settings with the signature of the settings file they came from,
so `due` reads one small file and never the settings TOML or the history. A missing or
damaged state file is rebuilt from the newest session records (`rebuild_state`).
"""

from __future__ import annotations

import os
import stat
from datetime import UTC, date, datetime, time, timedelta

from backrelief_tui.core.files import read_regular_stat

TYPE_CHECKING = False  # not `from typing import TYPE_CHECKING`: importing typing costs start-up time
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from pathlib import Path
    from typing import Any, Literal

    from backrelief_tui.core.records import SessionRecord

    Status = Literal["due", "waiting", "snoozed", "skipped", "off"]

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

DEFAULT_EVERY = 50
EVERY_RANGE = (1, 480)
"""Minutes between breaks. One minute is allowed so the nudges can be tried out quickly."""
DEFAULT_DAYS = ("mon", "tue", "wed", "thu", "fri")
DEFAULT_HOURS = "09:00-17:30"
DEFAULT_GOAL = 5
GOAL_RANGE = (1, 50)
DEFAULT_ROUTINES = ("desk", "desk-break")
"""The routine a nudge suggests unless the person chose one: the first of these the library has."""
SNOOZE_RANGE = (1, 12 * 60)
"""Minutes a snooze may last."""
COUNTS_AFTER_SECONDS = 180
"""A stopped session counts as a break after this much exercise (see `counts_as_break`)."""

STATE_FILE = "nudges.json"
STATE_VERSION = 1
MAX_STATE_BYTES = 64 * 1024
REBUILD_MAX_FILES = 120
"""At most this many of the newest record files are read to rebuild the state."""

DUE: Status = "due"
WAITING: Status = "waiting"
SNOOZED: Status = "snoozed"
SKIPPED: Status = "skipped"
OFF: Status = "off"


# -- the schedule -------------------------------------------------------------------------


class Schedule:
    """The schedule settings in the form the rules use (see `Settings` for the file's form)."""

    __slots__ = ("every", "days", "start", "end", "goal", "routine")

    def __init__(self, every: int = DEFAULT_EVERY, days: Iterable[int] = (0, 1, 2, 3, 4), start: int = 9 * 60,
                 end: int = 17 * 60 + 30, goal: int = DEFAULT_GOAL, routine: str = "") -> None:
        self.every = every
        """Minutes between breaks."""
        self.days = frozenset(days)
        """Working days, 0 = Monday."""
        self.start = start
        """Start of the working hours, minutes after midnight."""
        self.end = end
        """End of the working hours, minutes after midnight (up to 24 * 60), after `start`."""
        self.goal = goal
        """Sessions a week."""
        self.routine = routine
        """The routine a nudge suggests; "" for the default (`suggested_routine`)."""

    def _key(self) -> tuple[Any, ...]:
        return (self.every, self.days, self.start, self.end, self.goal, self.routine)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Schedule) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __repr__(self) -> str:
        return (f"Schedule(every={self.every}, days={format_days(self.days)!r}, "
                f"hours={format_hours(self.start, self.end)!r}, goal={self.goal}, routine={self.routine!r})")

    @classmethod
    def from_settings(cls, every: int, days: Iterable[str], hours: str, goal: int, routine: str) -> Schedule:
        """From the settings' (already checked) values: minutes, day names, "HH:MM-HH:MM", sessions, routine id."""
        span = hours_span(hours) or hours_span(DEFAULT_HOURS)
        assert span is not None
        return cls(every, (WEEKDAYS.index(day) for day in days), span[0], span[1], goal, routine)

    def to_json(self) -> dict[str, Any]:
        return {"every": self.every, "days": sorted(self.days), "start": self.start, "end": self.end,
                "goal": self.goal, "routine": self.routine}

    @classmethod
    def from_json(cls, data: Any) -> Schedule:
        """Raises ValueError on anything that is not a schedule `to_json` could have written."""
        if not isinstance(data, dict):
            raise ValueError("schedule is not an object")
        every = _int(data.get("every"), *EVERY_RANGE)
        days = data.get("days")
        if not isinstance(days, list) or not days or not all(_is_int(day) and 0 <= day <= 6 for day in days):
            raise ValueError("schedule.days is not a list of weekdays")
        start, end = _int(data.get("start"), 0, 24 * 60), _int(data.get("end"), 0, 24 * 60)
        if end <= start:
            raise ValueError("schedule ends before it starts")
        routine = data.get("routine")
        if not isinstance(routine, str) or len(routine) > 40:
            raise ValueError("schedule.routine is not an id")
        return cls(every, days, start, end, _int(data.get("goal"), *GOAL_RANGE), routine)


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _int(value: Any, low: int, high: int) -> int:
    if not _is_int(value) or not low <= value <= high:
        raise ValueError(f"{value!r} is not a whole number from {low} to {high}")
    result: int = value
    return result


# -- typed values: days, hours, minutes ------------------------------------------------------


def parse_days(text: str) -> tuple[tuple[str, ...] | None, str | None]:
    """`mon-fri`, `mon,wed,fri`, `mon-thu,sat`, `all` -> (day names in week order, None) or (None, why not)."""
    words = text.strip().lower().replace(" ", ",").replace("–", "-")
    if words in ("all", "every", "daily", "everyday"):
        return WEEKDAYS, None
    chosen: set[int] = set()
    for part in filter(None, words.split(",")):
        first, dash, last = part.partition("-")
        low, high = _weekday(first), _weekday(last) if dash else _weekday(first)
        if low is None or high is None:
            return None, f"days must be weekdays such as mon-fri or mon,wed,fri (got {text.strip()!r})"
        day = low
        chosen.add(day)
        while day != high:  # a range may wrap around the weekend: fri-mon
            day = (day + 1) % 7
            chosen.add(day)
    if not chosen:
        return None, "days must name at least one weekday, such as mon-fri"
    return tuple(WEEKDAYS[day] for day in sorted(chosen)), None


def _weekday(word: str) -> int | None:
    word = word.strip()
    if len(word) < 2:
        return None
    matches = [index for index, name in enumerate(("monday", "tuesday", "wednesday", "thursday", "friday",
                                                   "saturday", "sunday")) if name.startswith(word)]
    return matches[0] if len(matches) == 1 else None  # "t" or "s" alone is ambiguous


def format_days(days: Iterable[int | str]) -> str:
    """Weekday numbers or names -> the short form `parse_days` reads back: `mon-fri`, `mon,wed,sat-sun`."""
    numbers = sorted({day if isinstance(day, int) else WEEKDAYS.index(day) for day in days})
    if len(numbers) == 7:
        return "all"
    runs: list[list[int]] = []
    for day in numbers:
        if runs and runs[-1][-1] == day - 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    return ",".join(WEEKDAYS[run[0]] if len(run) == 1 else
                    f"{WEEKDAYS[run[0]]}{',' if len(run) == 2 else '-'}{WEEKDAYS[run[-1]]}" for run in runs)


def parse_hours(text: str) -> tuple[str | None, str | None]:
    """`9-17:30`, `09:00-17:30`, `8:30–12` -> ("09:00-17:30", None) or (None, why not)."""
    first, dash, last = text.strip().replace("–", "-").partition("-")
    start, end = _clock_minutes(first), _clock_minutes(last)
    if not dash or start is None or end is None:
        return None, f"hours must be like 9-17:30 or 09:00-17:30 (got {text.strip()!r})"
    if end <= start:
        return None, f"hours must end after they start, on the same day (got {text.strip()!r})"
    return format_hours(start, end), None


def hours_span(text: str) -> tuple[int, int] | None:
    """"09:00-17:30" -> (540, 1050), minutes after midnight; None when it is not valid hours."""
    first, _dash, last = text.partition("-")
    start, end = _clock_minutes(first), _clock_minutes(last)
    return (start, end) if start is not None and end is not None and start < end else None


def _clock_minutes(text: str) -> int | None:
    hours, colon, minutes = text.strip().partition(":")
    if not hours.isdigit() or len(hours) > 2 or (colon and not (minutes.isdigit() and len(minutes) == 2)):
        return None
    value = int(hours) * 60 + (int(minutes) if colon else 0)
    return value if int(hours) <= 24 and (not colon or int(minutes) < 60) and value <= 24 * 60 else None


def format_hours(start: int, end: int) -> str:
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def parse_minutes(text: str) -> tuple[int | None, str | None]:
    """`20`, `20m`, `20 min`, `1h`, `1h30`, `1h30m`, `90m` -> (minutes, None) or (None, why not)."""
    compact = text.strip().lower().replace(" ", "")
    for long, short in (("hours", "h"), ("hour", "h"), ("minutes", "m"), ("minute", "m"), ("mins", "m"),
                        ("min", "m")):
        compact = compact.replace(long, short)
    hours_text, h, rest = compact.partition("h")
    if not h:
        hours_text, rest = "0", compact
    rest = rest.removesuffix("m")
    if not hours_text.isdigit() or not (rest == "" or rest.isdigit()) or (not h and not rest):
        return None, f"give minutes or hours, such as 20m, 50, 1h or 1h30 (got {text.strip()!r})"
    return int(hours_text) * 60 + int(rest or 0), None


# -- the state ------------------------------------------------------------------------------


class State:
    """What `due` reads: see the module docstring. Times are aware datetimes."""

    __slots__ = ("last_break", "week", "week_sessions", "snooze_until", "skip_day", "notified", "schedule",
                 "settings_signature")

    def __init__(self, last_break: datetime | None = None, week: str = "", week_sessions: Iterable[str] = (),
                 snooze_until: datetime | None = None, skip_day: date | None = None, notified: datetime | None = None,
                 schedule: Schedule | None = None, settings_signature: tuple[int, ...] | None = None) -> None:
        self.last_break = last_break
        """When the last session that counts ended."""
        self.week = week
        """The ISO week `week_sessions` belongs to, "2025-W13"."""
        self.week_sessions = tuple(week_sessions)
        """Ids of the sessions that count in that week (ids, so a session is never counted twice)."""
        self.snooze_until = snooze_until
        self.skip_day = skip_day
        self.notified = notified
        """The moment the last break a notification was sent for became due."""
        self.schedule = schedule
        """The schedule settings, copied from the settings file whose signature follows."""
        self.settings_signature = settings_signature
        """(mtime_ns, size, inode) of the settings file `schedule` was read from; None: no file."""

    def _key(self) -> tuple[Any, ...]:
        return tuple(getattr(self, name) for name in self.__slots__)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, State) and self._key() == other._key()

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return "State(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__) + ")"

    def copy(self, **changes: Any) -> State:
        values = {name: getattr(self, name) for name in self.__slots__}
        values.update(changes)
        return State(**values)

    def week_count(self, now: datetime) -> int:
        """Sessions that count in `now`'s ISO week."""
        return len(self.week_sessions) if self.week == iso_week(now) else 0


def iso_week(moment: datetime | date) -> str:
    year, week, _day = moment.isocalendar()
    return f"{year}-W{week:02d}"


def counts_as_break(status: str, active_seconds: float, moves_done: int) -> bool:
    """The one rule for which sessions restart the wait and count toward the weekly goal.

    A completed session counts when at least one move was done (one skipped through to the
    end does not); so does one stopped after at least three minutes of exercise (the person
    did take a break). A session in progress does not, yet.
    """
    if status == "completed":
        return moves_done > 0
    return status == "stopped" and active_seconds >= COUNTS_AFTER_SECONDS


def note_break(state: State, session_id: str, ended: datetime) -> State:
    """A session that counts ended: the wait restarts from its end, and it counts in its ISO week."""
    last = state.last_break if state.last_break is not None and state.last_break > ended else ended
    week = iso_week(ended)
    if week == state.week:
        sessions = state.week_sessions if session_id in state.week_sessions else (*state.week_sessions, session_id)
    elif week > state.week:  # "2025-W09" < "2025-W10" < "2026-W01": the zero-padded form sorts
        sessions = (session_id,)
    else:  # an older week's session: it no longer changes this week's count
        week, sessions = state.week, state.week_sessions
    return state.copy(last_break=last, week=week, week_sessions=sessions)


def state_to_json(state: State) -> dict[str, Any]:
    def when(value: datetime | None) -> str | None:
        return value.isoformat(timespec="seconds") if value is not None else None

    return {
        "version": STATE_VERSION,
        "last_break": when(state.last_break),
        "week": state.week,
        "week_sessions": list(state.week_sessions),
        "snooze_until": when(state.snooze_until),
        "skip_day": state.skip_day.isoformat() if state.skip_day else None,
        "notified": when(state.notified),
        "schedule": state.schedule.to_json() if state.schedule else None,
        "settings_signature": list(state.settings_signature) if state.settings_signature is not None else None,
    }


def state_from_json(data: Any) -> State:
    """Raises ValueError on anything `state_to_json` could not have written."""
    if not isinstance(data, dict) or data.get("version") != STATE_VERSION:
        raise ValueError("not a version 1 nudge state")
    week, sessions = data.get("week"), data.get("week_sessions")
    if not isinstance(week, str) or not isinstance(sessions, list) or not all(isinstance(s, str) for s in sessions):
        raise ValueError("week or week_sessions is wrong")
    signature = data.get("settings_signature")
    if signature is not None and (not isinstance(signature, list) or not all(_is_int(n) for n in signature)):
        raise ValueError("settings_signature is wrong")
    return State(
        last_break=_moment(data.get("last_break")),
        week=week,
        week_sessions=sessions,
        snooze_until=_moment(data.get("snooze_until")),
        skip_day=_day(data.get("skip_day")),
        notified=_moment(data.get("notified")),
        schedule=Schedule.from_json(data["schedule"]) if data.get("schedule") is not None else None,
        settings_signature=tuple(signature) if signature is not None else None,
    )


def _day(value: Any) -> date | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date")
    return date.fromisoformat(value)


def _moment(value: Any) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a time")
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no UTC offset")
    return moment


# -- the answer -----------------------------------------------------------------------------


class Answer:
    """Whether a break is due now, and what to say about it."""

    __slots__ = ("status", "now", "last_break", "due_since", "next_at", "snooze_until", "week_count", "goal")

    def __init__(self, status: Status, now: datetime, *, last_break: datetime | None = None,
                 due_since: datetime | None = None, next_at: datetime | None = None,
                 snooze_until: datetime | None = None, week_count: int = 0, goal: int = DEFAULT_GOAL) -> None:
        self.status = status
        self.now = now
        self.last_break = last_break
        self.due_since = due_since
        """When due: the moment it became due (the same for the whole due period, so one notification each)."""
        self.next_at = next_at
        """When waiting: when the break is due; when off or skipped: when the next working hours start."""
        self.snooze_until = snooze_until
        self.week_count = week_count
        self.goal = goal

    @property
    def due(self) -> bool:
        return self.status == DUE

    def __repr__(self) -> str:
        return "Answer(" + ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__) + ")"


def at_minute(day: date, minute: int, zone: Any) -> datetime:
    """The aware moment `minute` minutes after midnight on `day`, on `zone`'s wall clock (24:00 is next midnight)."""
    if minute >= 24 * 60:
        return datetime.combine(day + timedelta(days=1), time(0), tzinfo=zone)
    return datetime.combine(day, time(minute // 60, minute % 60), tzinfo=zone)


def next_working_start(schedule: Schedule, now: datetime) -> datetime | None:
    """The start of the next working hours from `now` on (today's, if they are still to come)."""
    today = now.date()
    for ahead in range(8):
        day = today + timedelta(days=ahead)
        if day.weekday() in schedule.days:
            start = at_minute(day, schedule.start, now.tzinfo)
            if start.timestamp() >= now.timestamp():
                return start
    return None


def check(now: datetime, schedule: Schedule, state: State) -> Answer:
    """Whether a back break is due at `now` (aware), by the rules in the module docstring."""
    zone = now.tzinfo
    today = now.date()
    at = now.timestamp()
    common: dict[str, Any] = {"last_break": state.last_break, "week_count": state.week_count(now),
                              "goal": schedule.goal}
    if state.skip_day == today:
        tomorrow = datetime.combine(today + timedelta(days=1), time(0), tzinfo=zone)
        return Answer(SKIPPED, now, next_at=next_working_start(schedule, tomorrow), **common)
    start, end = at_minute(today, schedule.start, zone).timestamp(), at_minute(today, schedule.end, zone).timestamp()
    if today.weekday() not in schedule.days or not start <= at < end:
        return Answer(OFF, now, next_at=next_working_start(schedule, now), **common)
    base = max(start, state.last_break.timestamp()) if state.last_break is not None else start
    due_at = base + schedule.every * 60
    snooze = state.snooze_until.timestamp() if state.snooze_until is not None else None
    if due_at >= end or (snooze is not None and snooze >= end and snooze > at):
        # Nothing more today: the next break would fall after the working hours.
        return Answer(OFF, now, next_at=next_working_start(schedule, now), **common)
    if snooze is not None and snooze > at:
        return Answer(SNOOZED, now, snooze_until=state.snooze_until,
                      next_at=_moment_at(max(due_at, snooze), zone), **common)
    if at >= due_at:
        since = max(due_at, snooze) if snooze is not None else due_at
        return Answer(DUE, now, due_since=_moment_at(since, zone), **common)
    return Answer(WAITING, now, next_at=_moment_at(due_at, zone), **common)


def _moment_at(timestamp: float, zone: Any) -> datetime:
    return datetime.fromtimestamp(timestamp, UTC).astimezone(zone)


# -- wording --------------------------------------------------------------------------------


def minutes_text(seconds: float, *, round_up: bool = False) -> str:
    """`25 min`, `1 h`, `1 h 40 min`: whole minutes, rounded down (or up, for time still to wait)."""
    minutes = int(-(-seconds // 60)) if round_up else int(seconds // 60)
    minutes = max(minutes, 1 if round_up else 0)
    hours, minutes = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h" if not minutes else f"{hours} h {minutes} min"


def clock_text(moment: datetime, now: datetime) -> str:
    """`09:00` today, `Mon 09:00` on another day (on `now`'s wall clock)."""
    local = moment.astimezone(now.tzinfo)
    text = f"{local.hour:02d}:{local.minute:02d}"
    return text if local.date() == now.date() else f"{DAY_NAMES[local.weekday()]} {text}"


def last_break_text(answer: Answer) -> str:
    """`last 1 h 40 min ago`, or `none yet today`."""
    last, now = answer.last_break, answer.now
    if last is not None and last.astimezone(now.tzinfo).date() == now.date():
        return f"last {minutes_text(now.timestamp() - last.timestamp())} ago"
    return "none yet today"


def describe(answer: Answer) -> str:
    """One line: `back break due (last 1 h 40 min ago) · 2/5 this week`, `next in 25 min · 2/5 this week`..."""
    now = answer.now
    week = f" · {answer.week_count}/{answer.goal} this week"
    if answer.status == DUE:
        return f"back break due ({last_break_text(answer)}){week}"
    if answer.status == WAITING and answer.next_at is not None:
        return f"next in {minutes_text(answer.next_at.timestamp() - now.timestamp(), round_up=True)}{week}"
    if answer.status == SNOOZED and answer.snooze_until is not None:
        return f"snoozed until {clock_text(answer.snooze_until, now)}{week}"
    until = f"no breaks until {clock_text(answer.next_at, now)}" if answer.next_at else "no working days set"
    return f"skipped today, {until}{week}" if answer.status == SKIPPED else f"{until}{week}"


# -- the state file -------------------------------------------------------------------------


def read_state(path: str) -> tuple[State | None, str]:
    """The state in the file, or (None, "missing") / (None, "damaged: why"). Never raises."""
    raw, info, reason = read_regular_stat(path, MAX_STATE_BYTES)
    if raw is None:
        return None, "missing" if info is None and not os.path.lexists(path) else f"damaged: {reason}"
    try:
        return state_from_json(loads(raw.decode("utf-8"))), ""
    except (ValueError, KeyError, TypeError, StopIteration, RecursionError, OverflowError) as error:
        return None, f"damaged: {error or type(error).__name__}"


def loads(text: str) -> Any:
    """JSON text -> value. The C scanner behind `json.loads`, without importing `json`.

    `json` pulls in `re`, which alone costs about half of Python's start-up; `due` runs
    on every prompt. The C scanner needs only a context object with the decoder's
    options. Where it is missing (another Python implementation), `json.loads` it is.
    """
    try:
        from _json import make_scanner
    except ImportError:
        import json

        return json.loads(text)
    text = text.strip()
    value, end = make_scanner(_Decoder())(text, 0)  # type: ignore[arg-type]  # typeshed: the decoder's type
    if end != len(text):
        raise ValueError("extra data after the JSON value")
    return value


class _Decoder:
    """The options `_json.make_scanner` reads (those of a default `json.JSONDecoder`)."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int

    @staticmethod
    def parse_constant(name: str) -> Any:
        raise ValueError(f"{name} is not allowed")


def write_state(path: str, state: State) -> None:
    """Write the state atomically (a reader sees the old file or the new one). Raises OSError."""
    import json
    from pathlib import Path

    from backrelief_tui.core.atomic import atomic_write

    text = json.dumps(state_to_json(state), indent=1, ensure_ascii=False) + "\n"
    atomic_write(Path(path), text.encode("utf-8"))


def settings_signature(path: str) -> tuple[int, ...] | None:
    """(mtime_ns, size, inode) of the settings file, or None when there is none: any save or edit changes it."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_size, info.st_ino)


def rebuild_state(sessions_root: Path, now: datetime, *, max_files: int = REBUILD_MAX_FILES) -> tuple[State, int]:
    """The last break and this week's sessions, from the newest session records only; also how many were read.

    Records are named `<root>/YYYY/<YYYY-MM-DD-HHMMSS>-...toml` by their start, so the
    newest files of this year's and last year's folders, by name, are read newest first
    until one started before this ISO week (with a day to spare) and a last break is
    known, or `max_files` were read. The history is never parsed as a whole.
    """
    from backrelief_tui.core.records import SessionRecord, read_record  # noqa: F811

    week_start = datetime.combine(now.date() - timedelta(days=now.weekday()), time(0), tzinfo=now.tzinfo)
    stop_before = (week_start - timedelta(days=1)).strftime("%Y-%m-%d-%H%M%S")
    state = State(week=iso_week(now))
    read = 0
    for path in _newest_record_files(sessions_root, now.year):
        if read >= max_files or (path.name[:17] < stop_before and state.last_break is not None):
            break
        read += 1
        record = read_record(path) if _small_file(path) else None
        if not isinstance(record, SessionRecord):
            continue  # unreadable: listed by the history, never a break
        if counts_as_break(record.status, record.active_seconds, record.moves_done):
            state = note_break(state, record.id, record.ended)
    if state.week != iso_week(now):
        state = state.copy(week=iso_week(now), week_sessions=())
    return state, read


def _newest_record_files(root: Path, year: int) -> list[Path]:
    files: list[Path] = []
    for folder in (root / str(year), root / str(year - 1)):
        try:
            names = sorted((entry.name for entry in os.scandir(folder)
                            if entry.name.endswith(".toml") and entry.name[:4].isdigit()), reverse=True)
        except OSError:
            continue
        files.extend(folder / name for name in names)
    return files


def _small_file(path: Path) -> bool:
    try:
        info = path.stat()
    except OSError:
        return False
    return stat.S_ISREG(info.st_mode) and info.st_size <= 4 * 1024 * 1024


# -- the routine a nudge suggests -----------------------------------------------------------


def suggested_routine(chosen: str, available: Callable[[str], bool]) -> str | None:
    """The routine to suggest: the person's choice if it exists, else the first of DEFAULT_ROUTINES there is."""
    for routine_id in (chosen, *DEFAULT_ROUTINES):
        if routine_id and available(routine_id):
            return routine_id
    return None


# -- keeping the state up to date -------------------------------------------------------------


def state_file(state_dir: str) -> str:
    return os.path.join(state_dir, STATE_FILE)


def remember_schedule(schedule: Schedule, settings_path: str, state_dir: str) -> None:
    """The settings were saved: copy the schedule into the state file, so `due` never reads the TOML. Best effort.

    Without a state file nothing is written: `due` rebuilds it and reads the settings itself.
    """
    path = state_file(state_dir)
    state, _problem = read_state(path)
    if state is None:
        return
    from contextlib import suppress

    updated = state.copy(schedule=schedule, settings_signature=settings_signature(settings_path))
    if updated != state:
        with suppress(OSError):  # then `due` sees the settings file changed and reads it itself
            write_state(path, updated)


def note_session_end(record: SessionRecord | None, sessions_root: Path, now: datetime | None = None) -> None:
    """The recorder's call when a session ends: a session that counts restarts the wait. Never raises.

    Only sessions recorded in the person's own sessions folder change their nudge state
    (a test's or a benchmark's store elsewhere does not).
    """
    from backrelief_tui.core import paths

    if record is None or not counts_as_break(record.status, record.active_seconds, record.moves_done):
        return
    if sessions_root != paths.sessions_dir():
        return
    path = state_file(str(paths.state_dir()))
    try:
        state, _problem = read_state(path)
        if state is None:  # rebuilt from the records, this one included (it was saved just before)
            state, _read = rebuild_state(sessions_root, now or datetime.now().astimezone())
        write_state(path, note_break(state, record.id, record.ended))
    except (OSError, ValueError):
        pass  # the nudges are a convenience: a session never fails for them
