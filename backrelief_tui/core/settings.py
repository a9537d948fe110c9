"""User settings and per-move overrides, kept in `<config>/settings.toml`.

Read with `tomllib`, written with `tomli-w` atomically. A broken field never costs
the rest of the file: `load_settings` keeps every valid value, uses the default for
each broken one and returns one `Problem` per broken field.
"""

from __future__ import annotations

import errno
import fcntl
import os
import re
import stat
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass, replace
from enum import StrEnum
from pathlib import Path
from typing import Any, NamedTuple

from backrelief_tui.core import paths
from backrelief_tui.core.atomic import atomic_write
from backrelief_tui.core.choices import DEFAULT_PAIN_LIMIT, DEFAULT_PAIN_LOW, PAIN_SCALE
from backrelief_tui.core.choices import OVERRIDE_FIELDS as OVERRIDE_FIELDS  # (re-exported: shared with the CLI)
from backrelief_tui.core.files import read_regular
from backrelief_tui.core.routine import (
    ID_PATTERN,
    MAX_PROGRESSIONS,
    MOVE_FIELDS,
    TARGETS,
    Move,
    Problem,
    Sides,
    check_value,
    number_text,
    with_overrides,
)
from backrelief_tui.core.schedule import (
    DEFAULT_DAYS,
    DEFAULT_EVERY,
    DEFAULT_GOAL,
    DEFAULT_HOURS,
    EVERY_RANGE,
    GOAL_RANGE,
    WEEKDAYS,
    Schedule,
    format_days,
    parse_days,
    parse_hours,
    parse_minutes,
)
from backrelief_tui.core.text import has_unsafe
from backrelief_tui.core.tight_spots import Tightness
from backrelief_tui.core.tomlfile import parse_toml


class Verbosity(StrEnum):
    """How much the spoken coach says."""

    OFF = "off"
    NAMES = "names"  # the next move's name and side, switch sides, the session's end
    FULL = "full"  # also go, rest, beat labels, done


# The break-nudge settings, and the short names `backrelief set schedule every=50 days=mon-fri ...` gives them.
SCHEDULE_FIELDS = {"every": "break_every", "days": "work_days", "hours": "work_hours", "goal": "weekly_goal",
                   "routine": "nudge_routine"}


@dataclass(frozen=True)
class MoveOverride:
    """The user's own numbers for one move; None keeps the routine's value."""

    hold: int | None = None
    reps: int | None = None
    sides: Sides | None = None
    rest: int | None = None
    rep_rest: int | None = None

    def apply(self, move: Move) -> Move:
        return with_overrides(move, **{name: getattr(self, name) for name in OVERRIDE_FIELDS})

    def to_table(self) -> dict[str, Any]:
        """The fields set, as TOML values (enums as their plain strings)."""
        table = {name: getattr(self, name) for name in OVERRIDE_FIELDS if getattr(self, name) is not None}
        return {name: str(value) if isinstance(value, Sides) else value for name, value in table.items()}

    @property
    def empty(self) -> bool:
        return not self.to_table()


@dataclass(frozen=True)
class Settings:
    lead_in: int = 10
    """Seconds to get into position before the first move."""
    default_rest: int = 15
    """Rest between moves when a move does not set its own."""
    switch_seconds: int = 5
    """Time to change sides between the two sets of a per-side move."""
    position_change: int = 5
    """Extra seconds in the lead-in or rest before a move, per level of position change
    (upright, kneeling, floor): getting from the chair down into a plank takes a while."""
    sound: bool = True
    """Play audio cues (the screen still flashes when sound is off)."""
    volume: float = 0.8
    """Cue volume, 0.0 to 1.0."""
    voice_coach: Verbosity = Verbosity.NAMES
    """What the spoken coach says (needs espeak-ng): off, names (the next move, switch sides, the end) or full."""
    voice_name: str = "en"
    """The espeak-ng voice: "en", "en-us", "en+f3"... (`espeak-ng --voices` lists them)."""
    voice_rate: int = 160
    """Speaking rate, words a minute."""
    voice_volume: float = 1.0
    """Speech loudness relative to the cue volume, 0.0 to 1.0."""
    voice_countdown: bool = False
    """Say "three, two, one" at the end of long holds."""
    pain_checkin: bool = True
    """Ask "how is your back, 0-10?" before and after a session."""
    theme: str = "textual-dark"
    """The Textual theme; the choice sticks between runs."""
    safety_acknowledged: bool = False
    """The trauma warning was dismissed for good."""
    include_bonus: bool = False
    """Run bonus moves (the kneeling bridge: a deep backbend many cannot do yet); off until chosen."""
    moves: dict[str, MoveOverride] = field(default_factory=dict)
    """Per-move overrides for every routine the move is in, by move id: `[moves.plank] hold = 20`."""
    routines: dict[str, dict[str, MoveOverride]] = field(default_factory=dict)
    """Per-move overrides for one routine only, by routine id then move id:
    `[routines.desk-break.moves.cobra] hold = 20`. Field by field, they win over `moves`."""
    tight_spots: dict[str, Tightness] = field(default_factory=dict)
    """Target area -> "tight" or "fine": built routines and release spend time accordingly."""
    break_every: int = DEFAULT_EVERY
    """Minutes of work between back breaks (when `backrelief due` says one is due)."""
    work_days: tuple[str, ...] = DEFAULT_DAYS
    """The days breaks are nudged on: "mon" to "sun"."""
    work_hours: str = DEFAULT_HOURS
    """The hours breaks are nudged in, "HH:MM-HH:MM" within one day."""
    weekly_goal: int = DEFAULT_GOAL
    """Sessions a week to aim for."""
    nudge_routine: str = ""
    """The routine a nudge suggests and `backrelief run` starts; "" for the desk routine, else desk-break."""
    pain_limit: int = DEFAULT_PAIN_LIMIT
    """Acceptable pain during or after a session, 0-10 (the pain-monitoring model): above it, the session is red."""
    pain_low: int = DEFAULT_PAIN_LOW
    """Pain after a session up to this is green; above it, up to `pain_limit`, amber."""
    pain_morning_rule: bool = True
    """A back worse the next morning than before the session makes that session red."""
    levels: dict[str, int] = field(default_factory=dict)
    """The level of moves with harder steps (their `progressions`), by move id: `[levels] front-plank = 1`
    is the plank's first progression (on the toes); 0, the move as its cues describe, is not written."""

    @property
    def schedule(self) -> Schedule:
        """The break-nudge settings in the form `core.schedule` uses."""
        return Schedule.from_settings(self.break_every, self.work_days, self.work_hours, self.weekly_goal,
                                      self.nudge_routine)

    def with_setting(self, name: str, value: Any) -> Settings:
        """A copy with one top-level setting changed; raises ValueError when `check_setting` refuses it."""
        if (message := check_setting(name, value)) is not None:
            raise ValueError(f"{name}: {message}")
        changes: dict[str, Any] = {name: _normal(name, value)}
        return replace(self, **changes)

    def override_for(self, move_id: str, routine: str | None = None) -> MoveOverride:
        """The numbers in force for a move: in `routine`, its own override's fields win over the
        everywhere override's; without a routine, the everywhere override alone."""
        everywhere = self.moves.get(move_id, MoveOverride())
        here = self.routines.get(routine, {}).get(move_id) if routine is not None else None
        if here is None:
            return everywhere
        return replace(everywhere, **{name: getattr(here, name) for name in OVERRIDE_FIELDS
                                      if getattr(here, name) is not None})

    def own_override(self, move_id: str, routine: str | None = None) -> MoveOverride:
        """The override of one scope as stored: `routine`'s own (this routine only), or everywhere (None)."""
        table = self.moves if routine is None else self.routines.get(routine, {})
        return table.get(move_id, MoveOverride())

    def has_own(self, move_id: str, routine: str) -> bool:
        """Whether `routine` has numbers of its own for the move (this routine only)."""
        return move_id in self.routines.get(routine, {})

    def with_override(self, move_id: str, override: MoveOverride, routine: str | None = None) -> Settings:
        """Store one scope's override (`routine` None: everywhere); an empty override removes it."""
        moves = dict(self.moves if routine is None else self.routines.get(routine, {}))
        if override.empty:
            moves.pop(move_id, None)
        else:
            moves[move_id] = override
        if routine is None:
            return replace(self, moves=moves)
        routines = {**self.routines, routine: moves}
        if not moves:
            del routines[routine]
        return replace(self, routines=routines)

    def with_move_values(self, move_id: str, *, routine: str | None = None, **values: Any) -> Settings:
        """Set some override fields of one move (None clears a field), keeping its others, in one scope:
        `routine`'s own (this routine only) or everywhere (None)."""
        current = self.own_override(move_id, routine)
        return self.with_override(move_id, replace(current, **values), routine)

    def without_override(self, move_id: str, routine: str | None = None) -> Settings:
        """Back to the routines' own numbers for one move: in `routine` only (its own override
        goes; an everywhere one still applies there), or with None in every scope."""
        if routine is not None:
            return self.with_override(move_id, MoveOverride(), routine)
        settings = self.with_override(move_id, MoveOverride())
        for routine_id in list(self.routines):
            settings = settings.with_override(move_id, MoveOverride(), routine_id)
        return settings

    def without_overrides(self, routine: str | None = None) -> Settings:
        """Back to the routines' own numbers for every move (with `routine`: its own overrides only)."""
        if routine is not None:
            return replace(self, routines={rid: table for rid, table in self.routines.items() if rid != routine})
        return replace(self, moves={}, routines={})

    @property
    def override_count(self) -> int:
        """How many move overrides are stored, in every scope."""
        return len(self.moves) + sum(len(table) for table in self.routines.values())

    def scopes_of(self, move_id: str) -> list[str | None]:
        """The scopes with an override of the move: None for everywhere, then routine ids."""
        found: list[str | None] = [None] if move_id in self.moves else []
        return found + sorted(rid for rid, table in self.routines.items() if move_id in table)

    def level_for(self, move_id: str) -> int:
        """A move's level: 0 is the move as its cues describe, 1 its first progression, and so on."""
        return self.levels.get(move_id, 0)

    def with_level(self, move_id: str, level: int) -> Settings:
        """A copy with one move's level set (0 forgets it). Raises ValueError for a level out of range."""
        if (message := check_level(level)) is not None:
            raise ValueError(f"levels.{move_id}: {message}")
        levels = dict(self.levels)
        if level:
            levels[move_id] = level
        else:
            levels.pop(move_id, None)
        return replace(self, levels=levels)

    def with_tight_spot(self, area: str, state: Tightness | str | None) -> Settings:
        """Mark an area tight or fine; None forgets the mark. Raises ValueError for an unknown area or mark."""
        if area not in TARGETS:
            raise ValueError(f"{area!r} is not an area (one of: {', '.join(TARGETS)})")
        if state is not None and state not in tuple(Tightness):
            raise ValueError('a spot is "tight" or "fine"')
        spots = dict(self.tight_spots)
        if state is None:
            spots.pop(area, None)
        else:
            spots[area] = Tightness(state)
        return replace(self, tight_spots=spots)


# name -> (type, limits) for the plain fields, checked like routine fields.
_PLAIN: dict[str, tuple[Any, bool, Any]] = {
    "lead_in": (int, False, (0, 120)),
    "default_rest": (int, False, (0, 600)),
    "switch_seconds": (int, False, (0, 60)),
    "position_change": (int, False, (0, 30)),
    "sound": (bool, False, None),
    "pain_checkin": (bool, False, None),
    "safety_acknowledged": (bool, False, None),
    "voice_rate": (int, False, (80, 450)),
    "voice_countdown": (bool, False, None),
    "include_bonus": (bool, False, None),
}
# Fractions from 0.0 to 1.0, and the text settings.
_FRACTIONS = ("volume", "voice_volume")
_TEXT = ("theme", "voice_coach", "voice_name")
# An espeak-ng voice name: a language and its variants ("en-us", "en+f3", "mb/mb-en1"); never an option.
VOICE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_+/-]{0,39}")


def check_override(name: str, value: Any) -> str | None:
    """What is wrong with one override value (the routine-file rule for that field), or None."""
    if name not in OVERRIDE_FIELDS:
        return f"cannot be set (can set: {', '.join(OVERRIDE_FIELDS)})"
    return check_value(name, value, MOVE_FIELDS[name])


SIDES_CYCLE = (Sides.NONE, Sides.BOTH, Sides.ALTERNATE)


def step_value(name: str, value: int | Sides, direction: int) -> int | Sides:
    """The next value of an override field for +/−: sides go round; holds by 1 s below 10 s and
    5 s above, reps by 1, rests by 5 s — stopping at the routine-file limits (a rest of 3 s goes
    down to 0, not to -2)."""
    if isinstance(value, Sides):
        return SIDES_CYCLE[(SIDES_CYCLE.index(value) + direction) % len(SIDES_CYCLE)]
    if name == "reps":
        stepped = value + direction
    elif name == "hold":
        small = value < 10 if direction > 0 else value <= 10
        stepped = value + direction * (1 if small else 5)
    else:
        stepped = value + direction * 5
    low, high = MOVE_FIELDS[name][2]
    return int(max(low, min(high, stepped)))


def parse_override(name: str, text: str) -> tuple[Any, str | None]:
    """A typed override value (`"20"`, `"both"`) -> (value, None) or (None, "hold must be ...")."""
    text = text.strip()
    if name not in OVERRIDE_FIELDS:
        return None, f"{name} cannot be set (can set: {', '.join(OVERRIDE_FIELDS)})"
    if name == "sides":
        if text.lower() not in tuple(Sides):
            return None, f"sides must be one of: {', '.join(Sides)} (got {text!r})"
        value: Any = Sides(text.lower())
    else:
        try:
            value = int(text.removesuffix("s").strip())
        except ValueError:
            return None, f"{name} must be a whole number of {'seconds' if name != 'reps' else 'reps'} (got {text!r})"
    message = check_override(name, value)
    return (None, f"{name} {message}") if message else (value, None)


def parse_assignments(items: list[str]) -> tuple[dict[str, Any], list[str]]:
    """`["hold=20", "reps=6"]` -> ({"hold": 20, "reps": 6}, []); each bad item gives one message."""
    values: dict[str, Any] = {}
    errors: list[str] = []
    for item in items:
        name, equals, text = item.partition("=")
        name = name.strip().replace("-", "_")
        if not equals or not text.strip():
            errors.append(f"{item!r}: write FIELD=VALUE, such as hold=20 (fields: {', '.join(OVERRIDE_FIELDS)})")
            continue
        value, message = parse_override(name, text)
        if message:
            errors.append(message)
        else:
            values[name] = value
    return values, errors


def check_level(value: Any) -> str | None:
    """What is wrong with a move's level, or None."""
    return _check_whole(value, (0, MAX_PROGRESSIONS), "levels")


def check_setting(name: str, value: Any) -> str | None:
    """What is wrong with one top-level setting's value, or None (moves, tight_spots and levels excluded)."""
    if name in _SCHEDULE_CHECKS:
        return _SCHEDULE_CHECKS[name](value)
    if name in _PAIN_CHECKS:
        return _PAIN_CHECKS[name](value)
    if name in _PLAIN:
        message = check_value(name, value, _PLAIN[name])
        if message and _PLAIN[name][0] is int and message.startswith("must be between"):
            unit = " words a minute" if name == "voice_rate" else " seconds"
            message = message.replace(" (got", f"{unit} (got")
        return message
    if name in _FRACTIONS:
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
            return None
        return "must be a number from 0.0 to 1.0"
    if name == "theme":
        if isinstance(value, str) and value.strip() and not has_unsafe(value) and len(value) <= 60:
            return None
        return "must be the name of a theme"
    if name == "voice_coach":
        return None if value in tuple(Verbosity) else f"must be one of: {', '.join(Verbosity)}"
    if name == "voice_name":
        if isinstance(value, str) and VOICE_NAME.fullmatch(value):
            return None
        return "must be an espeak-ng voice name such as \"en\" or \"en-us\" (letters, digits, - + _ /)"
    return "unknown setting"


def _check_whole(value: Any, limits: tuple[int, int], unit: str) -> str | None:
    if isinstance(value, bool) or not isinstance(value, int):
        return f"must be a whole number of {unit}"
    low, high = limits
    return None if low <= value <= high else f"must be between {low} and {high} {unit} (got {number_text(value)})"


def _check_days(value: Any) -> str | None:
    if (isinstance(value, (list, tuple)) and value and len(set(value)) == len(value)
            and all(isinstance(day, str) and day in WEEKDAYS for day in value)):
        return None
    return 'must be a list of different weekdays such as ["mon", "tue", "wed", "thu", "fri"]'


def _check_hours(value: Any) -> str | None:
    if not isinstance(value, str):
        return 'must be text such as "09:00-17:30"'
    message = parse_hours(value)[1]
    return message.removeprefix("hours ") if message else None


def _check_routine(value: Any) -> str | None:
    if isinstance(value, str) and (value == "" or ID_PATTERN.match(value)):
        return None
    return 'must be a routine id such as "desk-break", or "" for the desk routine'


_SCHEDULE_CHECKS = {
    "break_every": lambda value: _check_whole(value, EVERY_RANGE, "minutes"),
    "work_days": _check_days,
    "work_hours": _check_hours,
    "weekly_goal": lambda value: _check_whole(value, GOAL_RANGE, "sessions"),
    "nudge_routine": _check_routine,
}


# The traffic light's thresholds (core/pain.py): points on the 0-10 scale, and the next-morning rule.
def _check_pain_points(value: Any) -> str | None:
    return _check_whole(value, PAIN_SCALE, "points of 10")


def _check_switch(value: Any) -> str | None:
    return None if isinstance(value, bool) else "must be true or false"


_PAIN_CHECKS = {"pain_limit": _check_pain_points, "pain_low": _check_pain_points, "pain_morning_rule": _check_switch}


def _normal(name: str, value: Any) -> Any:
    """A checked value in the form Settings keeps: fractions as floats (TOML gives 1 for 1.0), the
    voice's verbosity as its enum, weekdays in week order, hours as "HH:MM-HH:MM"."""
    if name in _FRACTIONS:
        return float(value)
    if name == "voice_coach":
        return Verbosity(value)
    if name == "work_days":
        return tuple(day for day in WEEKDAYS if day in value)
    if name == "work_hours":
        return parse_hours(value)[0]
    return value


def parse_setting(name: str, text: str) -> tuple[Any, str | None]:
    """A typed top-level setting (`lead_in`, `volume`, `voice_rate`, `voice_name`...) -> (value, error).

    The break-nudge settings are typed as `backrelief set schedule` takes them: `break_every`
    as minutes or hours ("50", "1h"), `work_days` as "mon-fri" or "mon,wed,fri", `work_hours`
    as "9-17:30", `weekly_goal` as a number, `nudge_routine` as a routine id ("" for the default).
    """
    text = text.strip()
    if name in _SCHEDULE_CHECKS:
        return _parse_schedule_setting(name, text)
    if name in _PAIN_CHECKS:
        return _parse_pain_setting(name, text)
    try:
        if name in _TEXT:
            value: Any = text.lower() if name == "voice_coach" else text
        else:
            value = float(text) if name in _FRACTIONS else int(text.removesuffix("s").strip())
    except ValueError:
        kind = ("a number from 0.0 to 1.0" if name in _FRACTIONS
                else "a whole number of words a minute" if name == "voice_rate" else "a whole number of seconds")
        return None, f"{name.replace('_', ' ')} must be {kind} (got {text!r})"
    if name == "voice_coach" and value in tuple(Verbosity):
        value = Verbosity(value)
    message = check_setting(name, value)
    return (None, f"{name.replace('_', ' ')} {message}") if message else (value, None)


def _parse_pain_setting(name: str, text: str) -> tuple[Any, str | None]:
    value: Any
    if name == "pain_morning_rule":
        value = {"true": True, "on": True, "yes": True, "false": False, "off": False, "no": False}.get(text.lower())
        if value is None:
            return None, f"pain morning rule must be on or off (got {text!r})"
    else:
        try:
            value = int(text.removesuffix("/10").strip())
        except ValueError:
            return None, f"{name.replace('_', ' ')} must be a whole number from 0 to 10 (got {text!r})"
    message = check_setting(name, value)
    return (None, f"{name.replace('_', ' ')} {message}") if message else (value, None)


def _parse_schedule_setting(name: str, text: str) -> tuple[Any, str | None]:
    label = next(short for short, field_name in SCHEDULE_FIELDS.items() if field_name == name)
    value: Any
    if name == "break_every":
        value, error = parse_minutes(text)
    elif name == "work_days":
        value, error = parse_days(text)
    elif name == "work_hours":
        value, error = parse_hours(text)
        error = error and error.removeprefix("hours ")
    elif name == "weekly_goal":
        value, error = (int(text), None) if text.isdigit() else (None, f"must be a number of sessions (got {text!r})")
    else:
        value, error = text.lower(), None
    if error is None:
        error = check_setting(name, value)
    if error is not None:
        return None, error if error.startswith(label) else f"{label} {error}"
    return _normal(name, value), None


def schedule_text(settings: Settings) -> str:
    """The break-nudge settings as `backrelief set schedule` takes them: `every=50 days=mon-fri ...`."""
    return (f"every={settings.break_every} days={format_days(settings.work_days)} "
            f"hours={settings.work_hours} goal={settings.weekly_goal} "
            f"routine={settings.nudge_routine or 'default'}")


def load_settings(path: Path | None = None) -> tuple[Settings, list[Problem]]:
    """Read the settings file; a missing file gives the defaults and no problems.

    Only a regular file of sane size is read (`core.files`): a FIFO, a device or a link
    to one is one problem, and the defaults are used.
    """
    path = path or paths.settings_file()
    data, problems = _read_table(path)
    if data is None:
        return Settings(), problems
    source = str(path)
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "moves":
            values[key] = _load_overrides(value, source, problems)
        elif key == "routines":
            values[key] = _load_routine_overrides(value, source, problems)
        elif key == "tight_spots":
            values[key] = _load_tight_spots(value, source, problems)
        elif key == "levels":
            values[key] = _load_levels(value, source, problems)
        elif (message := check_setting(key, value)) is None:
            values[key] = _normal(key, value)
        else:
            problems.append(Problem(source, key[:40], message))
    return Settings(**values), problems


KEPT_MAGIC = "backrelief settings, v2"


class SettingsRead(NamedTuple):
    """What `load_settings` returns, as kept (a type of its own: a kept copy is used only if it is one)."""

    settings: Settings
    problems: list[Problem]


def kept_settings() -> tuple[Settings, list[Problem]]:
    """`load_settings()` of the settings file, kept in the cache folder while the file is unchanged (core/kept.py).

    The app reads its settings before its first frame, and parsing TOML means importing
    `tomllib` (~2.5 ms on a 2-core VM, a tenth of the app's own start-up work): so the result
    is kept in `<cache>/settings` under a key of the file's stamps, the core's code and
    Python's version, like the library (`library.kept_library`). No file: the defaults, as ever.
    """
    from backrelief_tui.core import kept

    path = paths.settings_file()
    stamps = kept.Stamps()
    now = time.time_ns()
    try:
        stamp = stamps.file(str(path))
        if stamp is None:
            return load_settings(path)
        key = repr((os.getuid() if hasattr(os, "getuid") else -1, str(path), stamp,
                    stamps.code(kept.package_dirs("core"))))
    except OSError:  # a file that cannot be looked at: reading it says what is wrong
        return load_settings(path)
    read = kept.kept_or_made(str(paths.cache_dir() / "settings"), KEPT_MAGIC, key, SettingsRead,
                             lambda: SettingsRead(*load_settings(path)), stamps, now)
    return read.settings, list(read.problems)


def _read_table(path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """The TOML table in the settings file, or None and its one problem (none when there is no file)."""
    raw, reason = read_regular(path)
    if raw is None:
        return None, [Problem(str(path), "", reason)] if os.path.lexists(path) else []
    data, reason = parse_toml(raw)
    return (data, []) if data is not None else (None, [Problem(str(path), "", f"is {reason}")])


def _load_overrides(value: Any, source: str, problems: list[Problem], prefix: str = "moves") -> dict[str, MoveOverride]:
    if not isinstance(value, dict):
        problems.append(Problem(source, prefix, f"must be a table of [{prefix}.<move-id>] tables"))
        return {}
    overrides = {}
    for move_id, table in value.items():
        where = f"{prefix}.{move_id}"
        if not ID_PATTERN.match(move_id):
            problems.append(Problem(source, f"{prefix}.{move_id[:40]}", "is not a move id (lowercase letters, "
                                                                       "digits and hyphens, up to 40)"))
            continue
        if not isinstance(table, dict):
            problems.append(Problem(source, where, "must be a table such as { hold = 20 }"))
            continue
        good: dict[str, Any] = {}
        for key, item in table.items():
            if (message := check_override(key, item)) is not None:
                problems.append(Problem(source, f"{where}.{key[:40]}", message))
            else:
                good[key] = Sides(item) if key == "sides" else item  # files hold strings; the planner wants Sides
        if good:
            overrides[move_id] = MoveOverride(**good)
    return overrides


def _load_routine_overrides(value: Any, source: str, problems: list[Problem]) -> dict[str, dict[str, MoveOverride]]:
    """`[routines.<routine-id>.moves.<move-id>]` tables: one routine's own numbers for its moves."""
    if not isinstance(value, dict):
        problems.append(Problem(source, "routines",
                                "must be a table of [routines.<routine-id>.moves.<move-id>] tables"))
        return {}
    routines: dict[str, dict[str, MoveOverride]] = {}
    for routine_id, table in value.items():
        where = f"routines.{routine_id}"
        if not ID_PATTERN.match(routine_id):
            problems.append(Problem(source, f"routines.{routine_id[:40]}", "is not a routine id (lowercase letters, "
                                                                          "digits and hyphens, up to 40)"))
        elif not isinstance(table, dict) or set(table) - {"moves"}:
            problems.append(Problem(source, where, f"must hold only [{where}.moves.<move-id>] tables"))
        elif overrides := _load_overrides(table.get("moves", {}), source, problems, prefix=f"{where}.moves"):
            routines[routine_id] = overrides
    return routines


def _load_tight_spots(value: Any, source: str, problems: list[Problem]) -> dict[str, Tightness]:
    if not isinstance(value, dict):
        problems.append(Problem(source, "tight_spots", "must be a table such as { hips = \"tight\" }"))
        return {}
    spots = {}
    for area, state in value.items():
        if area not in TARGETS:
            problems.append(Problem(source, f"tight_spots.{area}", f"not an area (one of: {', '.join(TARGETS)})"))
        elif state not in tuple(Tightness):
            problems.append(Problem(source, f"tight_spots.{area}", 'must be "tight" or "fine"'))
        else:
            spots[area] = Tightness(state)
    return spots


def _load_levels(value: Any, source: str, problems: list[Problem]) -> dict[str, int]:
    if not isinstance(value, dict):
        problems.append(Problem(source, "levels", "must be a table such as { front-plank = 1 }"))
        return {}
    levels = {}
    for move_id, level in value.items():
        if (message := check_level(level)) is not None:
            problems.append(Problem(source, f"levels.{move_id}", message))
        elif level:
            levels[move_id] = level
    return levels


def settings_to_toml(settings: Settings) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for item in fields(Settings):
        value = getattr(settings, item.name)
        if item.name == "moves":
            document["moves"] = {move_id: o.to_table() for move_id, o in sorted(value.items()) if not o.empty}
        elif item.name == "routines":
            document["routines"] = _routine_overrides_to_toml(value)
        elif item.name == "tight_spots":
            document[item.name] = {area: str(state) for area, state in sorted(value.items())}
        else:
            document[item.name] = (dict(sorted(value.items())) if isinstance(value, dict)
                                   else list(value) if isinstance(value, tuple) else value)
    return document


def _routine_overrides_to_toml(routines: dict[str, dict[str, MoveOverride]]) -> dict[str, Any]:
    """`{"desk-break": {"moves": {"cobra": {"hold": 20}}}}`, leaving out what is empty."""
    document = {}
    for routine_id, table in sorted(routines.items()):
        moves = {move_id: o.to_table() for move_id, o in sorted(table.items()) if not o.empty}
        if moves:
            document[routine_id] = {"moves": moves}
    return document


LOCK_WAIT_SECONDS = 2.0


def save_settings(settings: Settings, path: Path | None = None, *, base: Settings | None = None) -> Settings:
    """Write the settings atomically and return what was written. Raises OSError (a read-only
    folder, a full disk, a settings file that is a link to something else).

    - With `base` (the settings this writer started from), only what it changed since is
      written over the file as it is now (`merge_settings`): a change that another writer
      (the app, `backrelief set`) saved meanwhile is kept. Writers take turns through a
      lock file beside the settings, so no save falls between another's read and write.
    - The file keeps its mode (0600 stays 0600).
    - A settings file that is a symlink (a dotfiles set-up) is written through, but only
      when what it leads to reads as settings: a link to any other file is refused and
      that file is left exactly as it is.
    - When the file being replaced has problems (a hand edit gone wrong), it is first
      copied to `settings.toml.bak`, with the same mode: the broken parts are not carried
      over, but the person's text is not thrown away either.
    """
    path = path or paths.settings_file()
    import tomli_w  # only when saving: start-up only reads

    with _writers_take_turns(path):
        raw, _reason = read_regular(path)
        if path.is_symlink():
            _check_link(path, raw)
        if raw is not None:
            current, problems = load_settings(path)
            if base is not None:
                settings = merge_settings(base, settings, current)
            if problems:
                atomic_write(backup_path(path), raw, mode=stat.S_IMODE(os.stat(path).st_mode),
                             follow_symlinks=False)
        atomic_write(path, tomli_w.dumps(settings_to_toml(settings)).encode("utf-8"))
    if path == paths.settings_file():
        # `backrelief due` reads a copy of the schedule from its state file, not this TOML.
        from backrelief_tui.core.schedule import remember_schedule

        remember_schedule(settings.schedule, str(path), str(paths.state_dir()))
    return settings


class SettingsFile:
    """One long-lived writer of the settings file (the app): every save merges with the file as it is now.

    Called with the settings the writer now wants; returns what was written, which also
    holds what others changed meanwhile (the app takes that as its settings).
    """

    def __init__(self, base: Settings, path: Path | None = None) -> None:
        self.base = base  # what this writer last read or wrote
        self.path = path

    def __call__(self, settings: Settings) -> Settings:
        written = save_settings(settings, self.path, base=self.base)
        self.base = written
        return written


_MISSING = object()


def merge_settings(base: Settings, mine: Settings, theirs: Settings) -> Settings:
    """A three-way merge: what `mine` changed from `base`, applied to `theirs` (the file as it is now).

    Field by field; tables (per-move overrides, tight spots...) key by key, and an override
    field by field: the app setting a move's hold keeps the reps `backrelief set` gave it.
    When both changed the same value, `mine` (the save being made) wins.
    """
    merged = _merge(base, mine, theirs)
    return merged if isinstance(merged, Settings) else mine


def _merge(base: Any, mine: Any, theirs: Any) -> Any:
    if mine == base:
        return theirs
    if base is _MISSING and (is_dataclass(mine) or isinstance(mine, dict)) and type(mine) is type(theirs):
        base = _empty(type(mine))  # both added the same key (one move's override, one routine's): merge inside
    if theirs == base or theirs is _MISSING or base is _MISSING:
        return mine
    if is_dataclass(theirs) and not isinstance(theirs, type) and type(base) is type(mine) is type(theirs):
        return replace(theirs, **{item.name: _merge(getattr(base, item.name), getattr(mine, item.name),
                                                    getattr(theirs, item.name)) for item in fields(theirs)})
    if isinstance(mine, dict) and isinstance(base, dict) and isinstance(theirs, dict):
        merged = dict(theirs)
        for key in {**base, **mine}:
            before, now = base.get(key, _MISSING), mine.get(key, _MISSING)
            if before == now:
                continue
            if now is _MISSING and (is_dataclass(before) or isinstance(before, dict)):
                # A cleared override, or a routine's last one cleared (its table goes): field by field, key by key.
                now = _empty(type(before))
            value = _MISSING if now is _MISSING else _merge(before, now, theirs.get(key, _MISSING))
            if value is _MISSING or value == {} or (is_dataclass(value) and value == _empty(type(value))):
                merged.pop(key, None)
            else:
                merged[key] = value
        return merged
    return mine


def _empty(kind: type) -> Any:
    try:
        return kind()
    except TypeError:
        return _MISSING


def _check_link(path: Path, raw: bytes | None) -> None:
    """Refuse to write through a symlink unless it leads to a settings file (or to nothing yet, named *.toml)."""
    target = path.resolve()
    if raw is None:
        if os.path.lexists(target) or target.suffix != ".toml":
            raise OSError(errno.EPERM, f"{path.name} is a link to {target}, which is not a settings file, "
                                       "so it is left as it is")
        return
    data, _reason = parse_toml(raw)
    known = {item.name for item in fields(Settings)}
    if data is None or (data and not known.intersection(data)):
        raise OSError(errno.EPERM, f"{path.name} is a link to {target}, which does not read as a settings file, "
                                   "so it is left as it is")


@contextmanager
def _writers_take_turns(path: Path) -> Iterator[None]:
    """Hold the settings' lock file (`.settings.toml.lock` beside it) while reading, merging and writing.

    Waits up to LOCK_WAIT_SECONDS for another writer; when the lock cannot be had (a
    read-only folder, a writer stuck), the save goes ahead without it.
    """
    lock = path.with_name(f".{path.name}.lock")
    fd = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
        deadline = time.monotonic() + LOCK_WAIT_SECONDS
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    break
                time.sleep(0.01)
    except OSError:
        pass
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)  # and with it the lock


def backup_path(path: Path) -> Path:
    """Where `save_settings` keeps a copy of a settings file that had problems."""
    return path.with_name(path.name + ".bak")
