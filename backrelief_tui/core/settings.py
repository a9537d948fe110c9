"""User settings and per-move overrides, kept in `<config>/settings.toml`.

Read with `tomllib`, written with `tomli-w` atomically. A broken field never costs
the rest of the file: `load_settings` keeps every valid value, uses the default for
each broken one and returns one `Problem` per broken field.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from backrelief_tui.core import paths
from backrelief_tui.core.atomic import atomic_write
from backrelief_tui.core.routine import (
    MOVE_FIELDS,
    TARGETS,
    Move,
    Problem,
    Sides,
    check_value,
    read_toml,
    with_overrides,
)

# What can be overridden per move, and the routine-file rules that apply to each.
OVERRIDE_FIELDS = ("hold", "reps", "sides", "rest", "rep_rest")
TIGHTNESS = ("tight", "fine")


@dataclass(frozen=True)
class MoveOverride:
    """The user's own numbers for one move; None keeps the routine's value."""

    hold: int | None = None
    reps: int | None = None
    sides: str | None = None
    rest: int | None = None
    rep_rest: int | None = None

    def apply(self, move: Move) -> Move:
        return with_overrides(move, **{name: getattr(self, name) for name in OVERRIDE_FIELDS})

    def to_table(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in OVERRIDE_FIELDS if getattr(self, name) is not None}

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
    sound: bool = True
    """Play audio cues (the screen still flashes when sound is off)."""
    volume: float = 0.8
    """Cue volume, 0.0 to 1.0."""
    pain_checkin: bool = True
    """Ask "how is your back, 0-10?" before and after a session."""
    theme: str = "textual-dark"
    """The Textual theme; the choice sticks between runs."""
    safety_acknowledged: bool = False
    """The trauma warning was dismissed for good."""
    include_bonus: bool = False
    """Run bonus moves (the kneeling bridge: a deep backbend many cannot do yet); off until chosen."""
    moves: dict[str, MoveOverride] = field(default_factory=dict)
    """Per-move overrides, by move id: `[moves.plank] hold = 20`."""
    tight_spots: dict[str, str] = field(default_factory=dict)
    """Target area -> "tight" or "fine": built routines and release spend time accordingly."""

    def override_for(self, move_id: str) -> MoveOverride:
        return self.moves.get(move_id, MoveOverride())

    def with_override(self, move_id: str, override: MoveOverride) -> Settings:
        moves = dict(self.moves)
        if override.empty:
            moves.pop(move_id, None)
        else:
            moves[move_id] = override
        return replace(self, moves=moves)

    def with_move_values(self, move_id: str, **values: Any) -> Settings:
        """Set some override fields of one move (None clears a field), keeping its others."""
        current = self.override_for(move_id)
        return self.with_override(move_id, replace(current, **values))

    def without_override(self, move_id: str) -> Settings:
        """Back to the routine's own numbers for one move."""
        return self.with_override(move_id, MoveOverride())

    def without_overrides(self) -> Settings:
        """Back to the routines' own numbers for every move."""
        return replace(self, moves={})

    def with_tight_spot(self, area: str, state: str | None) -> Settings:
        """Mark an area "tight" or "fine"; None forgets the mark."""
        if area not in TARGETS:
            raise ValueError(f"{area!r} is not an area (one of: {', '.join(TARGETS)})")
        if state is not None and state not in TIGHTNESS:
            raise ValueError('a spot is "tight" or "fine"')
        spots = dict(self.tight_spots)
        if state is None:
            spots.pop(area, None)
        else:
            spots[area] = state
        return replace(self, tight_spots=spots)


# name -> (type, limits) for the plain fields, checked like routine fields.
_PLAIN: dict[str, tuple[Any, bool, Any]] = {
    "lead_in": (int, False, (0, 120)),
    "default_rest": (int, False, (0, 600)),
    "switch_seconds": (int, False, (0, 60)),
    "sound": (bool, False, None),
    "pain_checkin": (bool, False, None),
    "safety_acknowledged": (bool, False, None),
    "include_bonus": (bool, False, None),
}


def check_override(name: str, value: Any) -> str | None:
    """What is wrong with one override value (the routine-file rule for that field), or None."""
    if name not in OVERRIDE_FIELDS:
        return f"cannot be set (can set: {', '.join(OVERRIDE_FIELDS)})"
    return check_value(name, value, MOVE_FIELDS[name])


def parse_override(name: str, text: str) -> tuple[Any, str | None]:
    """A typed override value (`"20"`, `"both"`) -> (value, None) or (None, "hold must be ...")."""
    text = text.strip()
    if name not in OVERRIDE_FIELDS:
        return None, f"{name} cannot be set (can set: {', '.join(OVERRIDE_FIELDS)})"
    if name == "sides":
        value: Any = text.lower()
        if value not in tuple(Sides):
            return None, f"sides must be one of: {', '.join(Sides)} (got {text!r})"
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


def check_setting(name: str, value: Any) -> str | None:
    """What is wrong with one top-level setting's value, or None (moves and tight_spots excluded)."""
    if name in _PLAIN:
        message = check_value(name, value, _PLAIN[name])
        if message and _PLAIN[name][0] is int and message.startswith("must be between"):
            message = message.replace(" (got", " seconds (got")
        return message
    if name == "volume":
        if isinstance(value, (int, float)) and not isinstance(value, bool) and 0 <= value <= 1:
            return None
        return "must be a number from 0.0 to 1.0"
    if name == "theme":
        return None if isinstance(value, str) and value.strip() else "must be the name of a theme"
    return "unknown setting"


def parse_setting(name: str, text: str) -> tuple[Any, str | None]:
    """A typed top-level setting (`lead_in`, `default_rest`, `switch_seconds`, `volume`) -> (value, error)."""
    text = text.strip()
    try:
        value: Any = float(text) if name == "volume" else int(text.removesuffix("s").strip())
    except ValueError:
        kind = "a number from 0.0 to 1.0" if name == "volume" else "a whole number of seconds"
        return None, f"{name.replace('_', ' ')} must be {kind} (got {text!r})"
    message = check_setting(name, value)
    return (None, f"{name.replace('_', ' ')} {message}") if message else (value, None)


def load_settings(path: Path | None = None) -> tuple[Settings, list[Problem]]:
    """Read the settings file; a missing file gives the defaults and no problems."""
    path = path or paths.settings_file()
    if not path.exists():
        return Settings(), []
    data, problems = read_toml(path)
    if data is None:
        return Settings(), problems
    source = str(path)
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key == "moves":
            values[key] = _load_overrides(value, source, problems)
        elif key == "tight_spots":
            values[key] = _load_tight_spots(value, source, problems)
        elif (message := check_setting(key, value)) is None:
            values[key] = float(value) if key == "volume" else value
        else:
            problems.append(Problem(source, key, message))
    return Settings(**values), problems


def _load_overrides(value: Any, source: str, problems: list[Problem]) -> dict[str, MoveOverride]:
    if not isinstance(value, dict):
        problems.append(Problem(source, "moves", "must be a table of [moves.<move-id>] tables"))
        return {}
    overrides = {}
    for move_id, table in value.items():
        where = f"moves.{move_id}"
        if not isinstance(table, dict):
            problems.append(Problem(source, where, "must be a table such as { hold = 20 }"))
            continue
        good = {}
        for key, item in table.items():
            if (message := check_override(key, item)) is not None:
                problems.append(Problem(source, f"{where}.{key}", message))
            else:
                good[key] = item
        if good:
            overrides[move_id] = MoveOverride(**good)
    return overrides


def _load_tight_spots(value: Any, source: str, problems: list[Problem]) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.append(Problem(source, "tight_spots", "must be a table such as { hips = \"tight\" }"))
        return {}
    spots = {}
    for area, state in value.items():
        if area not in TARGETS:
            problems.append(Problem(source, f"tight_spots.{area}", f"not an area (one of: {', '.join(TARGETS)})"))
        elif state not in TIGHTNESS:
            problems.append(Problem(source, f"tight_spots.{area}", 'must be "tight" or "fine"'))
        else:
            spots[area] = state
    return spots


def settings_to_toml(settings: Settings) -> dict[str, Any]:
    document: dict[str, Any] = {}
    for item in fields(Settings):
        value = getattr(settings, item.name)
        if item.name == "moves":
            document["moves"] = {move_id: o.to_table() for move_id, o in sorted(value.items()) if not o.empty}
        else:
            document[item.name] = dict(sorted(value.items())) if isinstance(value, dict) else value
    return document


def save_settings(settings: Settings, path: Path | None = None) -> None:
    """Write the settings atomically. Raises OSError when the folder is not writable.

    When the file being replaced has problems (a hand edit gone wrong), it is first
    copied to `settings.toml.bak`: the broken parts are not carried over, but the
    person's text is not thrown away either.
    """
    path = path or paths.settings_file()
    if path.exists() and load_settings(path)[1]:
        atomic_write(backup_path(path), path.read_bytes())
    import tomli_w  # only when saving: start-up only reads

    atomic_write(path, tomli_w.dumps(settings_to_toml(settings)).encode("utf-8"))


def backup_path(path: Path) -> Path:
    """Where `save_settings` keeps a copy of a settings file that had problems."""
    return path.with_name(path.name + ".bak")
