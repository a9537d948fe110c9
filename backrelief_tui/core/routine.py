"""Routines and moves: the dataclasses and the strict TOML validation behind them.

A routine file is read with `tomllib` and checked field by field. Problems are
returned as values (`Problem`), each naming the file, the field path and what is
wrong, so the CLI and the UI can show one clear line per problem and carry on.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from backrelief_tui.core.tomlfile import parse_toml


class Kind(StrEnum):
    HOLD = "hold"  # a static hold
    REPS = "reps"  # repetitions, each with a short pause at the top
    ROLL = "roll"  # trigger-point rolling for a set time


class Sides(StrEnum):
    NONE = "none"  # both sides at once, or no sides at all
    BOTH = "both"  # all reps on one side, then switch
    ALTERNATE = "alternate"  # left, right, left, right...


class Position(StrEnum):
    FLOOR = "floor"
    KNEELING = "kneeling"
    SEATED = "seated"
    STANDING = "standing"


TARGETS = ("calves", "hamstrings", "hips", "glutes", "abs", "spine", "lats", "thoracic", "pecs", "core")
EQUIPMENT = ("ball", "roller", "peanut", "block", "band", "wall", "chair")

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_TITLE = 60
MAX_CUE_LENGTH = 80
MAX_TEXT_LENGTH = 300


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: `FILE: FIELD: MESSAGE`."""

    source: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.source}: {self.field}: {self.message}" if self.field else f"{self.source}: {self.message}"


@dataclass(frozen=True)
class Move:
    id: str
    name: str
    kind: Kind
    hold: int
    position: Position
    reps: int = 1
    tempo: int = 3
    sides: Sides = Sides.NONE
    rep_rest: int = 0
    rest: int | None = None  # None: the settings' default rest
    targets: tuple[str, ...] = ()
    equipment: tuple[str, ...] = ()
    cues: tuple[str, ...] = ()
    caution: str = ""
    variation: str = ""
    bonus: bool = False
    self_paced: bool = False  # no timer: the person presses a key when the set is done

    @property
    def rep_seconds(self) -> int:
        """Length of one rep's work step: the movement plus the pause at the top."""
        return self.tempo + self.hold if self.kind is Kind.REPS else self.hold

    @property
    def per_side(self) -> bool:
        return self.sides is not Sides.NONE


@dataclass(frozen=True)
class Routine:
    id: str
    title: str
    summary: str
    moves: tuple[Move, ...]
    caution: str = ""
    source: str = ""  # the file it came from, for messages
    builtin: bool = True

    @property
    def equipment(self) -> tuple[str, ...]:
        return _unique(item for move in self.moves for item in move.equipment)

    @property
    def targets(self) -> tuple[str, ...]:
        return _unique(item for move in self.moves for item in move.targets)


def _unique(items: Iterable[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(items))


def clip_title(text: str) -> str:
    """A routine title cut to the length a routine file allows."""
    return text.strip()[:MAX_TITLE]


# -- field specs -----------------------------------------------------------------

# name -> (type, required, range or choices)
_INT = int
_STR = str
_BOOL = bool
_STR_LIST = "str-list"

MOVE_FIELDS: dict[str, tuple[Any, bool, Any]] = {
    "id": (_STR, True, "id"),
    "name": (_STR, True, (1, 60)),
    "kind": (_STR, True, tuple(Kind)),
    "hold": (_INT, True, (1, 600)),
    "reps": (_INT, False, (1, 100)),
    "tempo": (_INT, False, (1, 30)),
    "sides": (_STR, False, tuple(Sides)),
    "rep_rest": (_INT, False, (0, 300)),
    "rest": (_INT, False, (0, 600)),
    "position": (_STR, True, tuple(Position)),
    "targets": (_STR_LIST, False, TARGETS),
    "equipment": (_STR_LIST, False, EQUIPMENT),
    "cues": (_STR_LIST, True, (1, MAX_CUE_LENGTH)),
    "caution": (_STR, False, (1, MAX_TEXT_LENGTH)),
    "variation": (_STR, False, (1, MAX_TEXT_LENGTH)),
    "bonus": (_BOOL, False, None),
    "self_paced": (_BOOL, False, None),
}
ROUTINE_FIELDS: dict[str, tuple[Any, bool, Any]] = {
    "id": (_STR, True, "id"),
    "title": (_STR, True, (1, MAX_TITLE)),
    "summary": (_STR, True, (1, MAX_TEXT_LENGTH)),
    "caution": (_STR, False, (1, MAX_TEXT_LENGTH)),
    "equipment": (_STR_LIST, False, EQUIPMENT),
    "includes": (_STR_LIST, False, "ids"),
    "moves": (list, False, None),
}
MAX_CUES = 5


def check_value(name: str, value: Any, spec: tuple[Any, bool, Any]) -> str | None:
    """Return what is wrong with one field value, or None when it is fine."""
    kind, _required, limits = spec
    if kind is _BOOL:
        return None if isinstance(value, bool) else "must be true or false"
    if kind is _INT:
        if isinstance(value, bool) or not isinstance(value, int):
            return f"must be a whole number, not {_describe(value)}"
        low, high = limits
        if not low <= value <= high:
            unit = " seconds" if name in ("hold", "tempo", "rep_rest", "rest") else ""
            return f"must be between {low} and {high}{unit} (got {value})"
        return None
    if kind is _STR:
        if not isinstance(value, str):
            return f"must be text, not {_describe(value)}"
        if limits == "id":
            if not ID_PATTERN.match(value):
                return f"{value!r} is not a valid id (lowercase letters, digits and hyphens, up to 40)"
            return None
        if isinstance(limits, tuple) and limits and isinstance(limits[0], str):
            if value not in limits:
                return f"{value!r} is not one of: {', '.join(limits)}"
            return None
        low, high = limits
        if not value.strip():
            return "must not be empty"
        if len(value) > high:
            return f"is {len(value)} characters long; keep it under {high}"
        return _control_characters(value)
    if kind is _STR_LIST:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return "must be a list of text"
        if limits == "ids":
            bad = [item for item in value if not ID_PATTERN.match(item)]
            return f"{bad[0]!r} is not a valid id" if bad else None
        if isinstance(limits, tuple) and limits and isinstance(limits[0], str):
            bad = [item for item in value if item not in limits]
            return f"{bad[0]!r} is not one of: {', '.join(limits)}" if bad else None
        low, high = limits
        for index, item in enumerate(value):
            if not item.strip():
                return f"line {index + 1} is empty"
            if len(item) > high:
                return f"line {index + 1} is {len(item)} characters long; keep cues under {high}"
            if problem := _control_characters(item):
                return f"line {index + 1} {problem}"
        return None
    if kind is list:
        return None if isinstance(value, list) else f"must be a list of [[moves]] tables, not {_describe(value)}"
    raise AssertionError(kind)


# C0 controls except tab, DEL and C1 controls: what terminal escape sequences are made of.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def _control_characters(text: str) -> str | None:
    # Escape sequences in a cue would restyle the terminal; refuse them at the edge.
    if CONTROL_CHARACTERS.search(text):
        return "contains control characters (such as terminal escape codes)"
    return None


def _describe(value: Any) -> str:
    names: dict[type, str] = {bool: "true/false", int: "a number", float: "a decimal number", str: "text",
            list: "a list", dict: "a table"}
    return names.get(type(value), type(value).__name__)


# -- parsing -------------------------------------------------------------------------


@dataclass
class RawRoutine:
    """A routine file that parsed and whose fields have the right shapes; refs and includes unresolved."""

    data: dict[str, Any]
    source: str
    builtin: bool
    problems: list[Problem] = field(default_factory=list)

    @property
    def id(self) -> str:
        return str(self.data.get("id", ""))


def read_toml(path: Path, source: str | None = None) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read a TOML file; a file that is not UTF-8 or not TOML gives one problem, never an exception."""
    source = source or str(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        return None, [Problem(source, "", f"cannot be read ({error.strerror or error})")]
    data, reason = parse_toml(raw)
    return (data, []) if data is not None else (None, [Problem(source, "", f"is {reason}")])


FieldSpecs = dict[str, tuple[Any, bool, Any]]


def check_table(data: dict[str, Any], specs: FieldSpecs, where: str, source: str, *,
                partial: bool = False) -> list[Problem]:
    """Check a table against field specs: unknown keys, missing required keys, bad values."""
    problems = []
    for key, value in data.items():
        spec = specs.get(key)
        if spec is None:
            problems.append(Problem(source, _join(where, key), "unknown field"))
        elif (message := check_value(key, value, spec)) is not None:
            problems.append(Problem(source, _join(where, key), message))
    if not partial:
        for key, (_kind, required, _limits) in specs.items():
            if required and key not in data:
                problems.append(Problem(source, _join(where, key), "is missing"))
    return problems


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def check_move(data: dict[str, Any], where: str, source: str, *, partial: bool = False) -> list[Problem]:
    """Field checks plus the rules that tie fields together."""
    problems = check_table(data, MOVE_FIELDS, where, source, partial=partial)
    if problems:
        return problems
    cues = data.get("cues")
    if cues is not None and not 1 <= len(cues) <= MAX_CUES:
        problems.append(Problem(source, f"{where}.cues", f"must have 1 to {MAX_CUES} lines (got {len(cues)})"))
    kind = data.get("kind")
    if data.get("self_paced") and kind is not None and kind != Kind.REPS:
        problems.append(Problem(source, f"{where}.self_paced", "only a reps move can be self-paced"))
    if "tempo" in data and kind is not None and kind != Kind.REPS:
        problems.append(Problem(source, f"{where}.tempo", "only applies to reps moves"))
    return problems


def move_from_table(data: dict[str, Any]) -> Move:
    """Build a Move from a table that passed `check_move`."""
    return Move(
        id=data["id"],
        name=data["name"],
        kind=Kind(data["kind"]),
        hold=data["hold"],
        position=Position(data["position"]),
        reps=data.get("reps", 1),
        tempo=data.get("tempo", 3),
        sides=Sides(data.get("sides", Sides.NONE)),
        rep_rest=data.get("rep_rest", 0),
        rest=data.get("rest"),
        targets=tuple(data.get("targets", ())),
        equipment=tuple(data.get("equipment", ())),
        cues=tuple(data["cues"]),
        caution=data.get("caution", ""),
        variation=data.get("variation", ""),
        bonus=data.get("bonus", False),
        self_paced=data.get("self_paced", False),
    )


def move_to_table(move: Move) -> dict[str, Any]:
    """The TOML table for a move, leaving out fields that hold their default."""
    table: dict[str, Any] = {"id": move.id, "name": move.name, "kind": str(move.kind), "hold": move.hold}
    defaults = Move(id="", name="", kind=move.kind, hold=0, position=move.position)
    for key in ("reps", "tempo", "sides", "rep_rest", "rest", "targets", "equipment", "cues",
                "caution", "variation", "bonus", "self_paced"):
        value = getattr(move, key)
        if key == "tempo" and move.kind is not Kind.REPS:
            continue
        if value != getattr(defaults, key) or key == "cues":
            if isinstance(value, tuple):
                value = list(value)
            table[key] = str(value) if isinstance(value, StrEnum) else value
    table["position"] = str(move.position)
    return table


def routine_to_table(routine: Routine) -> dict[str, Any]:
    """The TOML document for a routine (all moves written out in full)."""
    table: dict[str, Any] = {"id": routine.id, "title": routine.title, "summary": routine.summary}
    if routine.caution:
        table["caution"] = routine.caution
    table["moves"] = [move_to_table(move) for move in routine.moves]
    return table


def with_overrides(move: Move, **changes: Any) -> Move:
    """A copy of the move with some numbers changed (used for user overrides)."""
    return replace(move, **{key: value for key, value in changes.items() if value is not None})
