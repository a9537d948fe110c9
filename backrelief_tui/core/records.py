"""Session records: one TOML file per session, written atomically, read without ever raising.

A record lives at `<data>/sessions/YYYY/<start>-<routine>-<id>.toml`. One file per
session means a synced folder never has to merge two writers, and a file is only
ever rewritten by the session that made it (plus "stopped" when an interrupted
session is given up, and the person's own note).

Reading returns a value: a `SessionRecord`, or an `Unreadable` naming the file and
the reason (not TOML, truncated, hand-edited wrongly, written by a newer version).
Unreadable files are listed as such and never rewritten or deleted.

`[progress]` comes last in the file on purpose: it carries one entry per step, so a
file cut short anywhere (a sync tool, a bad disk) loses it or breaks its arrays and
reads as unreadable rather than as a shorter session.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from datetime import date, datetime
from enum import StrEnum
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from backrelief_tui.core.atomic import atomic_write
from backrelief_tui.core.files import read_regular
from backrelief_tui.core.tomlfile import parse_toml
from backrelief_tui.core.wording import how_far

if TYPE_CHECKING:  # core.routine (the routine model, ~4 ms) loads where a move is read: listing never needs it
    from collections.abc import Iterable

    from backrelief_tui.core.routine import Kind, Sides


class SessionStatus(StrEnum):
    IN_PROGRESS = "in-progress"  # being run, or cut short by a crash
    COMPLETED = "completed"
    STOPPED = "stopped"  # ended early by the person (or given up after a crash)


class MoveStatus(StrEnum):
    DONE = "done"
    PARTIAL = "partial"
    SKIPPED = "skipped"
    NOT_REACHED = "not-reached"


SCHEMA = 1
# progress.steps holds one code per step; the codes stand for the engine's StepStatus values.
STEP_CODES = {"d": "done", "s": "skipped", ".": "pending"}
SIDES = ("left", "right", "none")
_Choice = TypeVar("_Choice", bound=StrEnum)
PAIN_RANGE = (0, 10)
MAX_NOTE = 2000
MAX_RECORD_BYTES = 1 << 20  # a session record is a few kB; anything bigger is not one
_NAME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})-(\d{2})(\d{2})(\d{2})-")


@dataclass(frozen=True)
class SideRecord:
    """One side of a move (or "none" for a move without sides): planned vs done."""

    side: str
    planned_seconds: int
    done_seconds: float
    reps_planned: int
    reps_done: int


@dataclass(frozen=True)
class MoveRecord:
    """One move: the numbers in force that day, and what was done."""

    id: str
    name: str
    kind: Kind
    status: MoveStatus
    planned_seconds: int
    done_seconds: float
    hold: int  # in force: the routine's value with the user's overrides
    reps: int
    sides: Sides
    rest: int  # rest after the move (0 for the last one)
    rep_rest: int = 0
    tempo: int | None = None  # reps moves only
    hold_changed: int | None = None  # set with + / - during the session
    per_side: tuple[SideRecord, ...] = ()


@dataclass(frozen=True)
class Progress:
    """The step log, so an interrupted session can be resumed exactly where it stopped."""

    next_step: int
    steps: str  # one code per step: d done, s skipped, . pending
    planned: tuple[int, ...]
    active: tuple[float, ...]


@dataclass(frozen=True)
class SessionRecord:
    id: str
    routine: str
    routine_title: str
    started: datetime
    ended: datetime  # for an in-progress record: the last time it was saved
    status: SessionStatus
    planned_seconds: int
    active_seconds: float
    paused_seconds: float
    pauses: int
    steps_total: int
    steps_finished: int
    moves: tuple[MoveRecord, ...] = ()
    progress: Progress | None = None
    pain_before: int | None = None
    pain_after: int | None = None
    note: str = ""
    resumes: int = 0
    schema: int = SCHEMA

    @property
    def moves_done(self) -> int:
        return sum(move.status is MoveStatus.DONE for move in self.moves)

    def summary(self, path: Path | str | None) -> SessionSummary:
        return SessionSummary(
            "" if path is None else str(path), self.id, self.routine, self.routine_title, self.started, self.ended,
            self.status, self.planned_seconds, self.active_seconds, self.paused_seconds, self.pauses,
            self.steps_total, self.steps_finished, len(self.moves), self.moves_done,
            self.pain_before, self.pain_after, self.note,
        )


@dataclass(slots=True)
class SessionSummary:
    """What the history list and the stats need from a record (kept in the index).

    Slotted, not frozen, and holding its file as a string: listing builds 10,000 of
    these from the index on every open, and those costs add up (see store.py).
    """

    file: str
    id: str
    routine: str
    routine_title: str
    started: datetime
    ended: datetime
    status: SessionStatus
    planned_seconds: int
    active_seconds: float
    paused_seconds: float
    pauses: int
    steps_total: int
    steps_finished: int
    moves_total: int
    moves_done: int
    pain_before: int | None = None
    pain_after: int | None = None
    note: str = ""

    readable = True

    @property
    def path(self) -> Path:
        return Path(self.file)

    @property
    def day(self) -> date:
        """The calendar day where the person was (the record's own offset)."""
        return self.started.date()

    @property
    def minutes(self) -> float:
        return self.active_seconds / 60

    @property
    def how_far(self) -> str:
        """"completed", or how far an unfinished session got (`core.wording.how_far`)."""
        return how_far(self.status, self.moves_done, self.moves_total)


@dataclass(frozen=True)
class Unreadable:
    """A session file that could not be used, and why. It is listed, never touched."""

    path: Path
    reason: str

    readable = False

    @property
    def started(self) -> datetime | None:
        """The start time the file name claims (for sorting and --since), if it has one."""
        return started_from_name(self.path.name)

    @property
    def routine(self) -> str | None:
        """The routine id the file name claims (`<start>-<routine>-<id>.toml`), if it has one."""
        match = _NAME.match(self.path.name)
        if not match:
            return None
        routine, _, _short = self.path.stem[match.end():].rpartition("-")
        return routine or None


Entry = SessionSummary | Unreadable


def started_from_name(name: str) -> datetime | None:
    match = _NAME.match(name)
    if not match:
        return None
    try:
        year, month, day, hour, minute, second = map(int, match.groups())
        return datetime(year, month, day, hour, minute, second).astimezone()
    except (ValueError, OverflowError):
        return None


def record_filename(record: SessionRecord) -> str:
    routine = re.sub(r"[^a-z0-9-]", "-", record.routine.lower())[:40] or "routine"
    short = re.sub(r"[^a-z0-9]", "", record.id.lower())[:12] or "x"
    return f"{record.started:%Y-%m-%d-%H%M%S}-{routine}-{short}.toml"


def record_path(root: Path, record: SessionRecord) -> Path:
    """`<root>/YYYY/<start>-<routine>-<id>.toml`."""
    return root / f"{record.started:%Y}" / record_filename(record)


# -- writing -------------------------------------------------------------------------


def _seconds(value: float) -> float:
    return round(float(value), 1)


def record_to_toml(record: SessionRecord) -> dict[str, Any]:
    """The TOML document for a record; `[progress]` is written last (see the module docstring)."""
    document: dict[str, Any] = {
        "schema": record.schema,
        "id": record.id,
        "routine": record.routine,
        "routine_title": record.routine_title,
        "started": record.started.replace(microsecond=0),
        "ended": record.ended.replace(microsecond=0),
        "status": record.status,
        "planned_seconds": record.planned_seconds,
        "active_seconds": _seconds(record.active_seconds),
        "paused_seconds": _seconds(record.paused_seconds),
        "pauses": record.pauses,
        "steps_total": record.steps_total,
        "steps_finished": record.steps_finished,
    }
    if record.pain_before is not None:
        document["pain_before"] = record.pain_before
    if record.pain_after is not None:
        document["pain_after"] = record.pain_after
    if record.note:
        document["note"] = record.note
    if record.resumes:
        document["resumes"] = record.resumes
    document["moves"] = [_move_to_toml(move) for move in record.moves]
    if record.progress is not None:
        progress = record.progress
        document["progress"] = {
            "next_step": progress.next_step,
            "steps": progress.steps,
            "planned": list(progress.planned),
            "active": [_seconds(value) for value in progress.active],
        }
    return document


def _move_to_toml(move: MoveRecord) -> dict[str, Any]:
    table: dict[str, Any] = {
        "id": move.id, "name": move.name, "kind": move.kind, "status": move.status,
        "planned_seconds": move.planned_seconds, "done_seconds": _seconds(move.done_seconds),
        "hold": move.hold, "reps": move.reps, "sides": move.sides, "rest": move.rest,
    }
    if move.rep_rest:
        table["rep_rest"] = move.rep_rest
    if move.tempo is not None:
        table["tempo"] = move.tempo
    if move.hold_changed is not None:
        table["hold_changed"] = move.hold_changed
    table["per_side"] = [
        {"side": part.side, "planned_seconds": part.planned_seconds, "done_seconds": _seconds(part.done_seconds),
         "reps_planned": part.reps_planned, "reps_done": part.reps_done}
        for part in move.per_side
    ]
    return table


def dumps(record: SessionRecord) -> bytes:
    import tomli_w  # only a session writes records: the commands that list them never load the writer

    return tomli_w.dumps(record_to_toml(record)).encode("utf-8")


def write_record(path: Path, record: SessionRecord) -> None:
    """Write atomically (temp file in the same folder, fsync, os.replace). Raises OSError."""
    atomic_write(path, dumps(record))


# -- reading -------------------------------------------------------------------------


class _Bad(Exception):
    """A field that is not what the schema says (becomes an Unreadable's reason)."""


def read_record(path: Path) -> SessionRecord | Unreadable:
    """Read one record file. Never raises: anything wrong gives an `Unreadable`."""
    raw, reason = read_regular(path, MAX_RECORD_BYTES)
    if raw is None:
        return Unreadable(path, reason)
    return parse_record(raw, path)


def parse_record(raw: bytes, path: Path) -> SessionRecord | Unreadable:
    """Parse the bytes of a record file (see `read_record`)."""
    try:
        if not raw.strip():
            return Unreadable(path, "the file is empty")
        data, reason = parse_toml(raw)
        return record_from_toml(data, path) if data is not None else Unreadable(path, reason)
    except _Bad as error:
        return Unreadable(path, str(error))
    except (RecursionError, MemoryError, ValueError, TypeError, OverflowError) as error:
        # Deeply nested arrays and the like: the reader must not fall over on any input.
        return Unreadable(path, f"cannot be read ({type(error).__name__})")


def record_from_toml(data: dict[str, Any], path: Path) -> SessionRecord | Unreadable:
    try:
        return _record(data)
    except _Bad as error:
        return Unreadable(path, str(error))


def _get(table: dict[str, Any], key: str, kind: Any, where: str = "", *, default: Any = ...) -> Any:
    name = f"{where}.{key}" if where else key
    if key not in table:
        if default is ...:
            raise _Bad(f"{name} is missing")
        return default
    value = table[key]
    if kind is float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    elif kind is int:
        ok = isinstance(value, int) and not isinstance(value, bool)
    else:
        ok = isinstance(value, kind)
    if not ok:
        raise _Bad(f"{name} has the wrong type ({type(value).__name__})")
    return value


def _count(table: dict[str, Any], key: str, where: str = "", *, default: Any = ..., high: int = 10**7) -> int:
    value: int = _get(table, key, int, where, default=default)  # or the caller's default (None)
    if value is not None and not 0 <= value <= high:
        raise _Bad(f"{f'{where}.{key}' if where else key} is out of range ({value})")
    return value


def _amount(table: dict[str, Any], key: str, where: str = "") -> float:
    value = float(_get(table, key, float, where))
    if not 0 <= value <= 10**8:
        raise _Bad(f"{f'{where}.{key}' if where else key} is out of range ({value})")
    return value


def _choice(table: dict[str, Any], key: str, choices: type[_Choice], where: str = "") -> _Choice:
    value = _get(table, key, str, where)
    if value not in tuple(choices):
        raise _Bad(f"{f'{where}.{key}' if where else key} is {value!r}, not one of: {', '.join(choices)}")
    return choices(value)


def _when(table: dict[str, Any], key: str) -> datetime:
    value: datetime = _get(table, key, datetime)
    # A local datetime (no offset) from a hand edit is read as this machine's local time.
    return value if value.tzinfo is not None else value.astimezone()


def _record(data: dict[str, Any]) -> SessionRecord:
    schema = _get(data, "schema", int)
    if schema > SCHEMA:
        raise _Bad(f"written by a newer version of backrelief (schema {schema}; this one reads up to {SCHEMA})")
    if schema < 1:
        raise _Bad(f"schema {schema} is not a known schema")
    pain = {}
    for key in ("pain_before", "pain_after"):
        value = _get(data, key, int, default=None)
        if value is not None and not PAIN_RANGE[0] <= value <= PAIN_RANGE[1]:
            raise _Bad(f"{key} must be from 0 to 10 (got {value})")
        pain[key] = value
    moves_data = _get(data, "moves", list, default=[])
    moves = []
    for index, table in enumerate(moves_data):
        if not isinstance(table, dict):
            raise _Bad(f"moves[{index + 1}] is not a table")  # counted from 1, as people count
        moves.append(_move(table, f"moves[{index + 1}]"))
    steps_total = _count(data, "steps_total")
    steps_finished = _count(data, "steps_finished")
    if steps_finished > steps_total:
        raise _Bad(f"steps_finished ({steps_finished}) is more than steps_total ({steps_total})")
    note = _get(data, "note", str, default="")
    if len(note) > MAX_NOTE:
        raise _Bad(f"note is longer than {MAX_NOTE} characters")
    record = SessionRecord(
        id=_get(data, "id", str),
        routine=_get(data, "routine", str),
        routine_title=_get(data, "routine_title", str),
        started=_when(data, "started"),
        ended=_when(data, "ended"),
        status=_choice(data, "status", SessionStatus),
        planned_seconds=_count(data, "planned_seconds"),
        active_seconds=_amount(data, "active_seconds"),
        paused_seconds=_amount(data, "paused_seconds"),
        pauses=_count(data, "pauses"),
        steps_total=steps_total,
        steps_finished=steps_finished,
        moves=tuple(moves),
        progress=None,
        note=note,
        resumes=_count(data, "resumes", default=0),
        schema=schema,
        **pain,
    )
    if "progress" not in data:
        # Every record ends with [progress]; without it the end of the file is gone.
        raise _Bad("progress is missing (the file looks cut short)")
    progress = _progress(_get(data, "progress", dict), steps_total)
    finished = sum(code != "." for code in progress.steps)
    if finished != steps_finished:
        raise _Bad(f"progress.steps shows {finished} finished steps, steps_finished says {steps_finished}")
    return replace(record, progress=progress)


def _move(table: dict[str, Any], where: str) -> MoveRecord:
    from backrelief_tui.core.routine import Kind, Sides

    parts = []
    for index, part in enumerate(_get(table, "per_side", list, where, default=[])):
        at = f"{where}.per_side[{index + 1}]"
        if not isinstance(part, dict):
            raise _Bad(f"{at} is not a table")
        parts.append(SideRecord(
            side=_side(part, at),
            planned_seconds=_count(part, "planned_seconds", at),
            done_seconds=_amount(part, "done_seconds", at),
            reps_planned=_count(part, "reps_planned", at),
            reps_done=_count(part, "reps_done", at),
        ))
    return MoveRecord(
        id=_get(table, "id", str, where),
        name=_get(table, "name", str, where),
        kind=_choice(table, "kind", Kind, where),
        status=_choice(table, "status", MoveStatus, where),
        planned_seconds=_count(table, "planned_seconds", where),
        done_seconds=_amount(table, "done_seconds", where),
        hold=_count(table, "hold", where),
        reps=_count(table, "reps", where),
        sides=_choice(table, "sides", Sides, where),
        rest=_count(table, "rest", where),
        rep_rest=_count(table, "rep_rest", where, default=0),
        tempo=_count(table, "tempo", where, default=None),
        hold_changed=_count(table, "hold_changed", where, default=None),
        per_side=tuple(parts),
    )


def _side(part: dict[str, Any], where: str) -> str:
    value = _get(part, "side", str, where)
    if value not in SIDES:
        raise _Bad(f"{where}.side is {value!r}, not one of: {', '.join(SIDES)}")
    return str(value)


def _progress(table: dict[str, Any], steps_total: int) -> Progress:
    where = "progress"
    steps = _get(table, "steps", str, where)
    planned = _get(table, "planned", list, where)
    active = _get(table, "active", list, where)
    if not len(steps) == len(planned) == len(active) == steps_total:
        raise _Bad(f"progress has {len(steps)}/{len(planned)}/{len(active)} entries for {steps_total} steps "
                   "(the file looks cut short)")
    if set(steps) - set(STEP_CODES):
        raise _Bad("progress.steps may only hold the codes d, s and .")
    if not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= 10**6 for v in planned):
        raise _Bad("progress.planned must be whole numbers of seconds")
    if not all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and 0 <= v <= 10**7
               for v in active):
        raise _Bad("progress.active must be numbers of seconds")
    next_step = _count(table, "next_step", where)
    if next_step > steps_total:
        raise _Bad(f"progress.next_step ({next_step}) is past the last step ({steps_total})")
    return Progress(next_step, steps, tuple(planned), tuple(float(v) for v in active))


# -- summaries kept in the index ------------------------------------------------------

SUMMARY_FIELDS = ("id", "routine", "routine_title", "started", "ended", "status", "planned_seconds",
                  "active_seconds", "paused_seconds", "pauses", "steps_total", "steps_finished", "moves_total",
                  "moves_done", "pain_before", "pain_after", "note")


_SUMMARY_VALUES = attrgetter(*SUMMARY_FIELDS)  # one call for all the fields


def entry_to_json(entry: Entry) -> dict[str, Any]:
    """An entry as `history --json` prints it (what the index's `json_entries` gives without making the entry)."""
    if isinstance(entry, Unreadable):
        return unreadable_json(str(entry.path), entry.reason)
    return session_json(_SUMMARY_VALUES(entry), entry.file, entry.started.isoformat(), entry.ended.isoformat())


def session_json(values: Iterable[Any], file: str, started: str, ended: str) -> dict[str, Any]:
    """`history --json`'s object for a session: its SUMMARY_FIELDS as a `SessionSummary` holds them, but its start
    and end as ISO text (`started`, `ended`); then how far it got and its file."""
    item = dict(zip(SUMMARY_FIELDS, values, strict=True))
    item["started"], item["ended"] = started, ended
    item["how_far"] = how_far(item["status"], item["moves_done"], item["moves_total"])
    item["file"] = file
    return item


def unreadable_json(file: str, reason: str) -> dict[str, Any]:
    """`history --json`'s object for an unreadable file."""
    return {"file": file, "unreadable": reason}
