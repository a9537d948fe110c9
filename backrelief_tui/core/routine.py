"""Routines and moves: the dataclasses and the strict TOML validation behind them.

A routine file is read with `tomllib` and checked field by field. Problems are
returned as values (`Problem`), each naming the file, the field path and what is
wrong, so the CLI and the UI can show one clear line per problem and carry on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

from backrelief_tui.core.choices import EQUIPMENT as EQUIPMENT  # (re-exported: one copy, shared with the CLI)
from backrelief_tui.core.choices import TARGETS as TARGETS
from backrelief_tui.core.text import has_unsafe, is_invisible, printable
from backrelief_tui.core.tomlfile import read_toml_file


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


ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
MAX_TITLE = 60
MAX_CUE_LENGTH = 80
MAX_TEXT_LENGTH = 300


class BeatKind(StrEnum):
    MOVE = "move"  # moving into a position: lift, step out, reach
    HOLD = "hold"  # staying still at a position
    RETURN = "return"  # coming back toward the start: lower, back to knee


@dataclass(frozen=True)
class Beat:
    """One part of a rep (or the whole of a hold or roll): what the body does for `seconds`."""

    label: str  # <= 24 characters, shown large: "Lift", "Hold", "Lower"
    seconds: int  # >= 1
    kind: BeatKind
    cue: str = ""  # optional: the cue line shown during this beat
    pose: str = ""  # name of the keyframe the body is in at the END of this beat


START_POSE = "start"  # every move's first keyframe: the position to get into
TOP_POSE = "top"
HOLD_POSE = "hold"
ROLL_POSE = "roll"
MAX_BEATS = 8
MAX_BEAT_LABEL = 24
MAX_BEAT_SECONDS = 120


def default_beats(kind: Kind, tempo: int, hold: int) -> tuple[Beat, ...]:
    """The beats of a move that lists none: Lift/Hold/Lower for reps, one Hold or Roll beat otherwise."""
    if kind is Kind.REPS:
        lift, lower = (tempo + 1) // 2, tempo // 2
        beats = [Beat("Lift", lift, BeatKind.MOVE, pose=TOP_POSE), Beat("Hold", hold, BeatKind.HOLD, pose=TOP_POSE)]
        if lower:  # a 1 s tempo has no time left to lower in
            beats.append(Beat("Lower", lower, BeatKind.RETURN, pose=START_POSE))
        return tuple(beats)
    if kind is Kind.ROLL:
        return (Beat("Roll", hold, BeatKind.HOLD, pose=ROLL_POSE),)
    return (Beat("Hold", hold, BeatKind.HOLD, pose=HOLD_POSE),)


def with_poses(beats: Sequence[Beat], kind: Kind) -> tuple[Beat, ...]:
    """Fill each empty pose: move -> "top", return -> "start", hold -> the previous beat's pose.

    A hold that comes first is at "hold" ("roll" in a roll), the position the move is named for.
    """
    named: list[Beat] = []
    for beat in beats:
        pose = beat.pose
        if not pose:
            if beat.kind is BeatKind.MOVE:
                pose = TOP_POSE
            elif beat.kind is BeatKind.RETURN:
                pose = START_POSE
            elif named:
                pose = named[-1].pose
            else:
                pose = ROLL_POSE if kind is Kind.ROLL else HOLD_POSE
        named.append(beat if pose == beat.pose else replace(beat, pose=pose))
    return tuple(named)


def scale_seconds(seconds: Sequence[int], total: int) -> tuple[int, ...]:
    """Whole seconds in the same proportions, adding up to `total` (each at least 1 s).

    When `total` is smaller than the number of parts, every part gets 1 s and the sum
    is the number of parts: a beat never vanishes.
    """
    if not seconds or sum(seconds) == total:
        return tuple(seconds)
    if total <= len(seconds):
        return (1,) * len(seconds)
    current = sum(seconds)
    exact = [part * total / current for part in seconds]
    result = [max(1, int(value)) for value in exact]
    by_remainder = sorted(range(len(seconds)), key=lambda index: (-(exact[index] - int(exact[index])), index))
    step = 0
    while sum(result) < total:
        result[by_remainder[step % len(result)]] += 1
        step += 1
    while sum(result) > total:  # the 1 s floor took more than its share: take it back from the longest
        longest = max(range(len(result)), key=lambda index: (result[index], index))
        result[longest] -= 1
    return tuple(result)


def _fit(beats: tuple[Beat, ...], chosen: Callable[[Beat], bool], total: int) -> tuple[Beat, ...]:
    """Scale the chosen beats so they add up to `total`; the others stay as they are."""
    indices = [index for index, beat in enumerate(beats) if chosen(beat)]
    scaled = scale_seconds([beats[index].seconds for index in indices], total)
    fitted = list(beats)
    for index, seconds in zip(indices, scaled, strict=True):
        if fitted[index].seconds != seconds:
            fitted[index] = replace(fitted[index], seconds=seconds)
    return tuple(fitted)


def _is_hold(beat: Beat) -> bool:
    return beat.kind is BeatKind.HOLD


def _is_movement(beat: Beat) -> bool:
    return beat.kind is not BeatKind.HOLD


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a file: `FILE: FIELD: MESSAGE`."""

    source: str
    field: str
    message: str

    def __str__(self) -> str:
        # All three parts can hold text from a file or a file name (a key, a value, the path):
        # this is where a problem becomes text, so this is where it is made safe to show.
        source, where, message = printable(self.source), printable(self.field), printable(self.message)
        return f"{source}: {where}: {message}" if where else f"{source}: {message}"


@dataclass(frozen=True)
class Move:
    """One move of a routine, with the numbers that time it.

    `beats` is always filled and always in step with `hold` and `tempo`: given
    empty, it is the default for the kind (see `default_beats`); given, a changed
    `hold` (an override, a tight spot, the builder's dose) rescales the hold beats of
    a reps move, or every beat of a hold or roll, in proportion and at least 1 s
    each. A reps move's `hold` is the total of its hold beats and its `tempo` the
    total of the others, so one rep lasts `tempo + hold`.
    """

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
    equipment: tuple[str, ...] = ()  # all needed: the kit the cues describe
    cues: tuple[str, ...] = ()
    caution: str = ""
    variation: str = ""
    bonus: bool = False
    self_paced: bool = False  # no timer: the person presses a key when the set is done
    beats: tuple[Beat, ...] = ()  # one rep (reps), or the whole hold or roll
    or_equipment: tuple[tuple[str, ...], ...] = ()  # other kits that do the same job
    progressions: tuple[str, ...] = ()  # harder steps after the one the cues describe, in order
    ours: bool = False  # a built-in move this app added, not one from the source article

    def __post_init__(self) -> None:
        beats = with_poses(self.beats or default_beats(self.kind, self.tempo, self.hold), self.kind)
        if self.kind is Kind.REPS:
            if not any(map(_is_hold, beats)) or not any(map(_is_movement, beats)):
                raise ValueError(f"{self.id}: a rep needs a hold beat and a move or return beat")
            beats = _fit(_fit(beats, _is_hold, self.hold), _is_movement, self.tempo)
            # Each beat keeps at least 1 s, so a very short hold can come out a little longer.
            object.__setattr__(self, "hold", sum(beat.seconds for beat in beats if _is_hold(beat)))
            object.__setattr__(self, "tempo", sum(beat.seconds for beat in beats if _is_movement(beat)))
        else:
            beats = _fit(beats, _every, self.hold)
            object.__setattr__(self, "hold", sum(beat.seconds for beat in beats))
        object.__setattr__(self, "beats", beats)

    @property
    def rep_seconds(self) -> int:
        """Length of one rep's work step: the sum of its beats (tempo + hold for reps)."""
        return sum(beat.seconds for beat in self.beats)

    @property
    def per_side(self) -> bool:
        return self.sides is not Sides.NONE

    @property
    def kits(self) -> tuple[tuple[str, ...], ...]:
        """Every set of equipment the move can be done with; the first is the one its cues describe."""
        return (self.equipment, *self.or_equipment)

    def fits_kit(self, available: Iterable[str]) -> bool:
        """Whether one of the move's kits is all at hand."""
        have = set(available)
        return any(set(kit) <= have for kit in self.kits)

    @property
    def has_own_beats(self) -> bool:
        """Whether the beats differ from the defaults for the kind (so a file must list them)."""
        return self.beats != with_poses(default_beats(self.kind, self.tempo, self.hold), self.kind)


def _every(beat: Beat) -> bool:
    return True


def prefer_kit(move: Move, available: Iterable[str]) -> Move:
    """The move with the first kit that is at hand listed first (as `equipment`); unchanged if none is."""
    have = set(available)
    kit = next((kit for kit in move.kits if set(kit) <= have), None)
    if kit is None or kit == move.equipment:
        return move
    return replace(move, equipment=kit, or_equipment=tuple(other for other in move.kits if other != kit))


def kit_text(move: Move) -> str:
    """The kits in words: "roller, or ball + block"; "no equipment" when none is needed."""
    words = [" + ".join(kit) if kit else "no equipment" for kit in move.kits]
    return ", or ".join(words)


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
        """What the moves that run by default need (a bonus move is opt-in, its kit is not counted)."""
        return _unique(item for move in self.moves if not move.bonus for item in move.equipment)

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
_KITS = "kits"  # a list of equipment lists
_BEATS = "beats"  # a list of beat tables, checked by `check_beats`

MOVE_FIELDS: dict[str, tuple[Any, bool, Any]] = {
    "id": (_STR, True, "id"),
    "name": (_STR, True, (1, 60)),
    "kind": (_STR, True, tuple(Kind)),
    "hold": (_INT, False, (1, 600)),  # required unless `beats` gives it
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
    "beats": (_BEATS, False, None),
    "or_equipment": (_KITS, False, EQUIPMENT),
    "progressions": (_STR_LIST, False, (1, MAX_CUE_LENGTH)),
    "ours": (_BOOL, False, None),
}
BEAT_FIELDS: dict[str, tuple[Any, bool, Any]] = {
    "label": (_STR, True, (1, MAX_BEAT_LABEL)),
    "seconds": (_INT, True, (1, MAX_BEAT_SECONDS)),
    "kind": (_STR, True, tuple(BeatKind)),
    "cue": (_STR, False, (1, MAX_CUE_LENGTH)),
    "pose": (_STR, False, "id"),
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
MAX_PROGRESSIONS = 6
# Limits on a whole routine, so that no file can freeze the picker or fill a screen with steps:
# the longest built-in (full) has 24 moves and runs about 46 minutes.
MAX_MOVES = 60
MAX_ROUTINE_SECONDS = 3 * 3600
MAX_INCLUDE_DEPTH = 8
ESTIMATE_REST = 15  # the default rest between moves, for the length a file is checked against


def estimated_seconds(moves: Iterable[Move]) -> int:
    """About how long the moves run at their own numbers (the default rest where a move sets none).

    For the length limit only: the plan (core/plan.py) also adds lead-ins and position changes.
    """
    total = 0
    for move in moves:
        sets = 2 if move.per_side else 1
        total += sets * (move.reps * move.rep_seconds + (move.reps - 1) * move.rep_rest)
        total += ESTIMATE_REST if move.rest is None else move.rest
    return total


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
            unit = " seconds" if name in ("hold", "tempo", "rep_rest", "rest", "seconds") else ""
            return f"must be between {low} and {high}{unit} (got {number_text(value)})"
        return None
    if kind is _STR:
        if not isinstance(value, str):
            return f"must be text, not {_describe(value)}"
        if limits == "id":
            if not ID_PATTERN.match(value):
                what = "name" if name == "pose" else "id"
                return f"{quoted(value)} is not a valid {what} (lowercase letters, digits and hyphens, up to 40)"
            return None
        if isinstance(limits, tuple) and limits and isinstance(limits[0], str):
            if value not in limits:
                return f"{quoted(value)} is not one of: {', '.join(limits)}"
            return None
        low, high = limits
        if not value.strip():
            return "must not be empty"
        if len(value) > high:
            return f"is {len(value)} characters long; keep it under {high}"
        if is_invisible(value):
            return "must have something to show (it is only invisible characters)"
        return _control_characters(value)
    if kind is _STR_LIST:
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            return "must be a list of text"
        if limits == "ids":
            bad = [item for item in value if not ID_PATTERN.match(item)]
            return f"{quoted(bad[0])} is not a valid id" if bad else None
        if isinstance(limits, tuple) and limits and isinstance(limits[0], str):
            bad = [item for item in value if item not in limits]
            return f"{quoted(bad[0])} is not one of: {', '.join(limits)}" if bad else None
        low, high = limits
        for index, item in enumerate(value):
            if not item.strip() or is_invisible(item):
                return f"line {index + 1} is empty"
            if len(item) > high:
                return f"line {index + 1} is {len(item)} characters long; keep cues under {high}"
            if problem := _control_characters(item):
                return f"line {index + 1} {problem}"
        return None
    if kind is _KITS:
        if not isinstance(value, list) or not all(
                isinstance(kit, list) and all(isinstance(item, str) for item in kit) for kit in value):
            return 'must be a list of equipment lists, such as [["ball", "block"]]'
        bad = [item for kit in value for item in kit if item not in limits]
        return f"{quoted(bad[0])} is not one of: {', '.join(limits)}" if bad else None
    if kind is _BEATS:
        if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
            return 'must be a list of tables such as { label = "Lift", seconds = 2, kind = "move" }'
        return None
    if kind is list:
        return None if isinstance(value, list) else f"must be a list of [[moves]] tables, not {_describe(value)}"
    raise AssertionError(kind)


# C0 controls except tab, DEL and C1 controls: what terminal escape sequences are made of.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f]")
# Bidi embeddings, overrides and isolates: they make text read as something it is not.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def _control_characters(text: str) -> str | None:
    # Escape sequences in a cue would restyle the terminal; refuse them at the edge.
    # (Everything shown still passes `printable`: this keeps them out of saved files too.)
    if CONTROL_CHARACTERS.search(text):
        return "contains control characters (such as terminal escape codes)"
    if BIDI_CONTROLS.search(text):
        return "contains bidirectional override characters (they reorder what is shown)"
    if has_unsafe(text):
        hidden = next(printable(character) for character in text if has_unsafe(character))
        return f"contains an invisible character ({hidden}: zero-width or formatting)"
    return None


def quoted(value: Any, width: int = 60) -> str:
    """A value from a file, quoted for a message and cut to `width` characters (a problem stays one line)."""
    text = repr(value)
    return text if len(text) <= width else text[:width - 1] + "…"


def number_text(value: int) -> str:
    """A number from a file, for a message: a huge one is described, not printed in full."""
    return str(value) if -10**15 < value < 10**15 else ("a huge number" if value > 0 else "a huge negative number")


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
        value = self.data.get("id", "")
        return value if isinstance(value, str) else ""


def read_toml(path: Path, source: str | None = None) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Read a TOML file; a file that is not UTF-8 or not TOML gives one problem, never an exception."""
    source = source or str(path)
    data, reason = read_toml_file(path)
    return (data, []) if data is not None else (None, [Problem(source, "", reason)])


FieldSpecs = dict[str, tuple[Any, bool, Any]]


def check_table(data: dict[str, Any], specs: FieldSpecs, where: str, source: str, *,
                partial: bool = False) -> list[Problem]:
    """Check a table against field specs: unknown keys, missing required keys, bad values."""
    problems = []
    for key, value in data.items():
        spec = specs.get(key)
        if spec is None:
            shown = key if len(key) <= 40 else key[:39] + "…"  # a problem stays one line
            problems.append(Problem(source, _join(where, shown), "unknown field"))
        elif (message := check_value(key, value, spec)) is not None:
            problems.append(Problem(source, _join(where, key), message))
    if not partial:
        for key, (_kind, required, _limits) in specs.items():
            if required and key not in data:
                problems.append(Problem(source, _join(where, key), "is missing"))
    return problems


def item_field(name: str, index: int) -> str:
    """`moves[1]` for the first move: field paths in messages count from 1, as people do."""
    return f"{name}[{index + 1}]"


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def check_move(data: dict[str, Any], where: str, source: str, *, partial: bool = False) -> list[Problem]:
    """Field checks plus the rules that tie fields together."""
    problems = check_table(data, MOVE_FIELDS, where, source, partial=partial)
    if problems:
        return problems
    if not partial and "hold" not in data and "beats" not in data:
        problems.append(Problem(source, f"{where}.hold", "is missing (or give the move beats)"))
    cues = data.get("cues")
    if cues is not None and not 1 <= len(cues) <= MAX_CUES:
        problems.append(Problem(source, f"{where}.cues", f"must have 1 to {MAX_CUES} lines (got {len(cues)})"))
    progressions = data.get("progressions")
    if progressions is not None and not 1 <= len(progressions) <= MAX_PROGRESSIONS:
        problems.append(Problem(source, f"{where}.progressions",
                                f"must have 1 to {MAX_PROGRESSIONS} lines (got {len(progressions)})"))
    kind = data.get("kind")
    if data.get("self_paced") and kind is not None and kind != Kind.REPS:
        problems.append(Problem(source, f"{where}.self_paced", "only a reps move can be self-paced"))
    if "tempo" in data and kind is not None and kind != Kind.REPS:
        problems.append(Problem(source, f"{where}.tempo", "only applies to reps moves"))
    if "beats" in data:
        problems.extend(check_beats(data, where, source))
    return problems


def check_beats(data: dict[str, Any], where: str, source: str) -> list[Problem]:
    """The beats of a move: each table's fields, then how they add up against `hold` and `tempo`.

    With beats, a reps move's `tempo` is left out (its move and return beats are the
    tempo) and its `hold` is the total of its hold beats: it may be left out, or must
    equal that total. A hold or roll move's beats split (or relabel) the hold: they
    must add up to `hold` when it is given.
    """
    beats = data["beats"]
    at = f"{where}.beats"
    if not 1 <= len(beats) <= MAX_BEATS:
        return [Problem(source, at, f"must have 1 to {MAX_BEATS} beats (got {len(beats)})")]
    problems: list[Problem] = []
    for number, beat in enumerate(beats, 1):
        problems.extend(check_table(beat, BEAT_FIELDS, f"{at}[{number}]", source))
    if problems:
        return problems
    kind = data.get("kind")
    hold_beats = sum(beat["seconds"] for beat in beats if beat["kind"] == BeatKind.HOLD)
    other_beats = sum(beat["seconds"] for beat in beats if beat["kind"] != BeatKind.HOLD)
    if kind == Kind.REPS:
        if "tempo" in data:
            problems.append(Problem(source, f"{where}.tempo",
                                    "cannot be given with beats (the move and return beats time the rep)"))
        if not hold_beats:
            problems.append(Problem(source, at, 'a rep needs at least one beat of kind "hold" (the pause it holds)'))
        if not other_beats:
            problems.append(Problem(source, at, 'a rep needs at least one beat of kind "move" or "return"'))
        total, what = hold_beats, "its hold beats"
    else:
        total, what = hold_beats + other_beats, "its beats"
    if "hold" in data and data["hold"] != total:
        problems.append(Problem(source, f"{where}.hold", f"is {data['hold']} s but {what} add up to {total} s; "
                                                         "make them agree or leave hold out"))
    elif "hold" not in data and total > MOVE_FIELDS["hold"][2][1]:
        problems.append(Problem(source, at, f"{what} add up to {total} s; a hold is at most 600 seconds"))
    return problems


def beats_from_tables(tables: list[dict[str, Any]]) -> tuple[Beat, ...]:
    """Beats from tables that passed `check_beats`."""
    return tuple(Beat(label=table["label"], seconds=table["seconds"], kind=BeatKind(table["kind"]),
                      cue=table.get("cue", ""), pose=table.get("pose", "")) for table in tables)


def beat_to_table(beat: Beat) -> dict[str, Any]:
    """The TOML table for a beat (its pose always written out, its cue when it has one)."""
    table: dict[str, Any] = {"label": beat.label, "seconds": beat.seconds, "kind": str(beat.kind)}
    if beat.cue:
        table["cue"] = beat.cue
    table["pose"] = beat.pose
    return table


def move_from_table(data: dict[str, Any]) -> Move:
    """Build a Move from a table that passed `check_move`."""
    beats = beats_from_tables(data.get("beats", []))
    kind = Kind(data["kind"])
    if beats and kind is Kind.REPS:
        hold = sum(beat.seconds for beat in beats if beat.kind is BeatKind.HOLD)
        tempo = sum(beat.seconds for beat in beats if beat.kind is not BeatKind.HOLD)
    else:
        hold = data["hold"] if "hold" in data else sum(beat.seconds for beat in beats)
        tempo = data.get("tempo", 3)
    return Move(
        id=data["id"],
        name=data["name"],
        kind=kind,
        hold=hold,
        position=Position(data["position"]),
        reps=data.get("reps", 1),
        tempo=tempo,
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
        beats=beats,
        or_equipment=tuple(tuple(kit) for kit in data.get("or_equipment", ())),
        progressions=tuple(data.get("progressions", ())),
        ours=data.get("ours", False),
    )


# Fields a table leaves out when they hold their default (cues are always written).
_OPTIONAL_FIELDS: dict[str, Any] = {
    "reps": 1, "tempo": 3, "sides": Sides.NONE, "rep_rest": 0, "rest": None, "targets": (), "equipment": (),
    "caution": "", "variation": "", "bonus": False, "self_paced": False, "or_equipment": (),
    "progressions": (), "ours": False,
}


def move_to_table(move: Move) -> dict[str, Any]:
    """The TOML table for a move, leaving out fields that hold their default.

    Beats are written only when they are the move's own; then a reps move's tempo
    is left out, since its beats time the rep.
    """
    table: dict[str, Any] = {"id": move.id, "name": move.name, "kind": str(move.kind), "hold": move.hold}
    own_beats = move.has_own_beats
    for key, default in _OPTIONAL_FIELDS.items():
        value = getattr(move, key)
        if key == "tempo" and (move.kind is not Kind.REPS or own_beats):
            continue
        if value != default:
            table[key] = _plain(value)
    table["cues"] = list(move.cues)
    if own_beats:
        table["beats"] = [beat_to_table(beat) for beat in move.beats]
    table["position"] = str(move.position)
    return table


def _plain(value: Any) -> Any:
    """Tuples as lists and enums as text, for TOML."""
    if isinstance(value, tuple):
        return [_plain(item) for item in value]
    return str(value) if isinstance(value, StrEnum) else value


def routine_to_table(routine: Routine) -> dict[str, Any]:
    """The TOML document for a routine (all moves written out in full)."""
    table: dict[str, Any] = {"id": routine.id, "title": routine.title, "summary": routine.summary}
    if routine.caution:
        table["caution"] = routine.caution
    table["moves"] = [move_to_table(move) for move in routine.moves]
    return table


def with_overrides(move: Move, **changes: Any) -> Move:
    """A copy of the move with some numbers changed (user overrides, tight spots, the builder's dose).

    A new `hold` rescales the beats it covers (see `Move`): the hold beats of a reps
    move, every beat of a hold or roll, at least 1 s each. So a plan built from the
    result always runs beats that add up to its steps.
    """
    changed = {key: value for key, value in changes.items() if value is not None}
    return replace(move, **changed) if changed else move  # nothing to change: the same move (no re-checks)
