"""The routine library: built-in routines plus the user's own, with refs and includes resolved.

A user routine with a built-in's id replaces it. A `[[moves]]` entry may be
`ref = "move-id"` plus fields to change, so a short routine can reuse a move's
cues from the library; a routine may instead be `includes = [...]` other routines.
Every problem is collected, not raised: one bad file never hides the others.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from backrelief_tui.core import paths
from backrelief_tui.core.routine import (
    MOVE_FIELDS,
    ROUTINE_FIELDS,
    Move,
    Problem,
    RawRoutine,
    Routine,
    check_move,
    check_table,
    item_field,
    move_from_table,
    move_to_table,
    read_toml,
    with_overrides,
)

# The picker's order for the built-ins: the breaks first (at the desk, then on the floor), the long haul last.
BUILTIN_ORDER = ("desk", "desk-break", "release", "stretch", "activate", "full")


@dataclass
class Library:
    routines: dict[str, Routine] = field(default_factory=dict)
    moves: dict[str, Move] = field(default_factory=dict)  # every move defined in full, by id
    problems: list[Problem] = field(default_factory=list)

    def get(self, routine_id: str) -> Routine | None:
        return self.routines.get(routine_id)


def load_library(builtin_dir: Path | None = None, user_dir: Path | None = None) -> Library:
    """Load and resolve every routine; bad files are reported in `problems` and left out."""
    builtin_dir = builtin_dir or paths.builtin_routines_dir()
    user_dir = user_dir if user_dir is not None else paths.user_routines_dir()
    raws: dict[str, RawRoutine] = {}
    library = Library()
    for directory, builtin in ((builtin_dir, True), (user_dir, False)):
        for path in sorted(directory.glob("*.toml")) if directory.is_dir() else ():
            raw = read_raw(path, builtin=builtin)
            if raw.problems:
                library.problems.extend(raw.problems)
                continue
            raws[raw.id] = raw  # a user routine with a built-in's id replaces it
    for raw in raws.values():
        for index, entry in enumerate(raw.data.get("moves", [])):
            if "ref" not in entry and not check_move(entry, item_field("moves", index), raw.source):
                library.moves.setdefault(entry["id"], move_from_table(entry))
    resolved: dict[str, Routine] = {}
    done: dict[str, tuple[Routine | None, list[Problem]]] = {}
    for routine_id, raw in raws.items():
        routine, problems = resolve(raw, raws, library.moves, _done=done)
        library.problems.extend(problems)
        if routine is not None:
            resolved[routine_id] = routine
    order = {routine_id: position for position, routine_id in enumerate(BUILTIN_ORDER)}
    for routine_id in sorted(resolved, key=lambda rid: (order.get(rid, len(order)), rid)):
        library.routines[routine_id] = resolved[routine_id]
    return library


def read_raw(path: Path, *, builtin: bool = False) -> RawRoutine:
    """Parse one routine file and check its top-level shape."""
    source = str(path)
    data, problems = read_toml(path, source)
    raw = RawRoutine(data or {}, source, builtin, problems)
    if data is None:
        return raw
    raw.problems.extend(check_table(data, ROUTINE_FIELDS, "", source))
    moves, includes = data.get("moves"), data.get("includes")
    if not raw.problems:
        if moves and includes:
            raw.problems.append(Problem(source, "includes", "a routine has either moves or includes, not both"))
        elif not moves and not includes:
            raw.problems.append(Problem(source, "moves", "the routine has no moves"))
        for index, entry in enumerate(moves or []):
            if not isinstance(entry, dict):
                raw.problems.append(Problem(source, item_field("moves", index), "must be a table"))
    return raw


def resolve(raw: RawRoutine, raws: dict[str, RawRoutine], library_moves: dict[str, Move],
            _seen: tuple[str, ...] = (),
            _done: dict[str, tuple[Routine | None, list[Problem]]] | None = None,
            ) -> tuple[Routine | None, list[Problem]]:
    """Turn a raw routine into a Routine: expand includes, apply refs, check the moves.

    `_done` remembers routines already resolved, so an included routine is checked once.
    """
    if _done is not None and raw.id in _done:
        return _done[raw.id]
    result = _resolve(raw, raws, library_moves, _seen, {} if _done is None else _done)
    if _done is not None:
        _done[raw.id] = result
    return result


def _resolve(raw: RawRoutine, raws: dict[str, RawRoutine], library_moves: dict[str, Move],
             _seen: tuple[str, ...], _done: dict[str, tuple[Routine | None, list[Problem]]],
             ) -> tuple[Routine | None, list[Problem]]:
    data, source = raw.data, raw.source
    problems: list[Problem] = []
    moves: list[Move] = []
    if includes := data.get("includes"):
        for index, included_id in enumerate(includes):
            where = item_field("includes", index)
            if included_id in _seen or included_id == raw.id:
                problems.append(Problem(source, where, f"{included_id!r} includes itself (a loop of includes)"))
            elif included_id not in raws:
                problems.append(Problem(source, where, f"no routine with id {included_id!r}"))
            else:
                inner, inner_problems = resolve(raws[included_id], raws, library_moves, (*_seen, raw.id), _done)
                if inner is None:
                    reason = inner_problems[0].message if inner_problems else "it has problems"
                    problems.append(Problem(source, where, f"{included_id!r} cannot be used: {reason}"))
                else:
                    moves.extend(inner.moves)
    for index, entry in enumerate(data.get("moves", [])):
        move, move_problems = _resolve_move(entry, item_field("moves", index), source, library_moves)
        problems.extend(move_problems)
        if move is not None:
            moves.append(move)
    if not includes:
        seen: dict[str, int] = {}
        for index, move in enumerate(moves):
            if move.id in seen:
                problems.append(Problem(source, f"{item_field('moves', index)}.id",
                                        f"{move.id!r} is already used by {item_field('moves', seen[move.id])}"))
            seen.setdefault(move.id, index)
    if declared := data.get("equipment"):
        for index, move in enumerate(moves):
            missing = [item for item in move.equipment if item not in declared]
            if missing and not move.fits_kit(declared):  # one of its kits is enough
                problems.append(Problem(source, f"{item_field('moves', index)}.equipment",
                                        f"{missing[0]!r} is not in the routine's equipment list"))
    if problems:
        return None, problems
    routine = Routine(
        id=data["id"],
        title=data["title"],
        summary=data["summary"],
        moves=tuple(moves),
        caution=data.get("caution", ""),
        source=source,
        builtin=raw.builtin,
    )
    return routine, []


def _resolve_move(entry: dict[str, Any], where: str, source: str,
                  library_moves: dict[str, Move]) -> tuple[Move | None, list[Problem]]:
    if "ref" not in entry:
        problems = check_move(entry, where, source)
        return (None, problems) if problems else (move_from_table(entry), [])
    ref = entry["ref"]
    if not isinstance(ref, str) or ref not in library_moves:
        return None, [Problem(source, f"{where}.ref", f"no move with id {ref!r} in the library")]
    changes = {key: value for key, value in entry.items() if key != "ref"}
    problems = check_move(changes, where, source, partial=True)
    if problems:
        return None, problems
    base = library_moves[ref]
    merged = move_to_table(base)
    new_hold = None
    if "beats" in changes:
        # New beats time the move afresh: the library move's hold and tempo do not carry over.
        merged.pop("hold", None)
        merged.pop("tempo", None)
    elif "hold" in changes and base.has_own_beats:
        # A new hold on a move with beats rescales those beats, as an override does.
        new_hold = changes.pop("hold")
    merged |= changes
    problems = check_move(merged, where, source)
    if problems:
        return None, problems
    move = move_from_table(merged)
    return (with_overrides(move, hold=new_hold) if new_hold is not None else move), []


def load_routine_file(path: Path, library: Library | None = None) -> tuple[Routine | None, list[Problem]]:
    """Load one routine file on its own (for `validate` and `run FILE`), resolving refs against the library."""
    raw = read_raw(path)
    if raw.problems:
        return None, raw.problems
    library = library if library is not None else load_library()
    raws = {routine_id: _raw_of(routine) for routine_id, routine in library.routines.items()}
    raws[raw.id] = raw
    return resolve(raw, raws, library.moves)


def find_routine(name: str, library: Library) -> tuple[Routine | None, list[Problem]]:
    """A routine by id, or from a routine file's path (tried without installing it)."""
    routine = library.get(name)
    if routine is not None:
        return routine, []
    path = Path(name).expanduser()
    if path.suffix == ".toml" or path.exists():
        if not path.is_file():
            return None, [Problem(name, "", "no such file")]
        return load_routine_file(path, library)
    known = ", ".join(library.routines) or "none"
    return None, [Problem(name, "", f"no routine with this id (known: {known})")]


def _raw_of(routine: Routine) -> RawRoutine:
    # A loaded routine, in raw form, so that `includes` can point at it.
    data = {"id": routine.id, "title": routine.title, "summary": routine.summary,
            "moves": [move_to_table(move) for move in routine.moves]}
    return RawRoutine(data, routine.source, routine.builtin)


__all__ = ["Library", "find_routine", "load_library", "load_routine_file", "read_raw", "resolve", "MOVE_FIELDS"]
