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
    MAX_INCLUDE_DEPTH,
    MAX_MOVES,
    MAX_ROUTINE_SECONDS,
    MOVE_FIELDS,
    ROUTINE_FIELDS,
    Move,
    Problem,
    RawRoutine,
    Routine,
    check_move,
    check_table,
    estimated_seconds,
    item_field,
    move_from_table,
    move_to_table,
    quoted,
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
    raws: dict[str, RawRoutine] = field(default_factory=dict)  # every routine file in use, as read

    def get(self, routine_id: str) -> Routine | None:
        return self.routines.get(routine_id)


def load_library(builtin_dir: Path | None = None, user_dir: Path | None = None) -> Library:
    """Load and resolve every routine; bad files are reported in `problems` and left out.

    A user routine with a built-in's id replaces that routine, but not the moves defined
    in it: refs from the other built-ins still find them. Two of the person's files with
    the same id: the first (by file name) is used and the second is reported.
    """
    builtin_dir = builtin_dir or paths.builtin_routines_dir()
    user_dir = user_dir if user_dir is not None else paths.user_routines_dir()
    raws: dict[str, RawRoutine] = {}
    readable: list[RawRoutine] = []  # every file that read, built-ins first: where library moves come from
    user_files: dict[str, str] = {}
    library = Library()
    for directory, builtin in ((builtin_dir, True), (user_dir, False)):
        for path in sorted(directory.glob("*.toml")) if directory.is_dir() else ():
            raw = read_raw(path, builtin=builtin)
            if raw.problems:
                library.problems.extend(raw.problems)
                continue
            if not builtin and raw.id in user_files:
                library.problems.append(Problem(raw.source, "id", f"{quoted(raw.id)} is also the id of "
                                                                  f"{user_files[raw.id]}, so this file is left out"))
                continue
            if not builtin:
                user_files[raw.id] = raw.source
            raws[raw.id] = raw  # a user routine with a built-in's id replaces it
            readable.append(raw)
    for raw in readable:
        for index, entry in enumerate(raw.data.get("moves", [])):
            if "ref" not in entry and not check_move(entry, item_field("moves", index), raw.source):
                library.moves.setdefault(entry["id"], move_from_table(entry))
    resolved: dict[str, Routine] = {}
    done: dict[str, tuple[Routine | None, list[Problem]]] = {}
    depths: dict[str, int] = {}
    for routine_id, raw in raws.items():
        routine, problems = resolve(raw, raws, library.moves, _done=done, _depths=depths)
        library.problems.extend(problems)
        if routine is not None:
            resolved[routine_id] = routine
    library.raws = raws
    order = {routine_id: position for position, routine_id in enumerate(BUILTIN_ORDER)}
    for routine_id in sorted(resolved, key=lambda rid: (order.get(rid, len(order)), rid)):
        library.routines[routine_id] = resolved[routine_id]
    return library


KEPT_MAGIC = "backrelief library, v1"


def kept_library() -> Library:
    """`load_library()` from the usual folders, kept in the cache folder between starts (core/kept.py).

    Reading and checking the routine files is the largest piece of the app's own start-up
    work (~8 ms, against ~1 ms to unpickle the result), so the resolved library is kept
    in `<cache>/library` under a key of every routine file's stamps, the core's code and
    Python's version, and used while that key holds; a miss loads the files and keeps the
    result (pickled: `kept.unpickled`).
    """
    import os
    import time

    from backrelief_tui.core import kept

    builtin_dir, user_dir = paths.builtin_routines_dir(), paths.user_routines_dir()
    stamps = kept.Stamps()
    now = time.time_ns()
    try:
        key = repr((os.getuid() if hasattr(os, "getuid") else -1, str(builtin_dir), str(user_dir),
                    stamps.folder(str(builtin_dir), ".toml"), stamps.folder(str(user_dir), ".toml"),
                    stamps.code(kept.package_dirs("core"))))
    except OSError:  # a folder that cannot be looked at: no keeping, the files say what is wrong
        return load_library(builtin_dir, user_dir)
    return kept.kept_or_made(str(paths.cache_dir() / "library"), KEPT_MAGIC, key, Library,
                             lambda: load_library(builtin_dir, user_dir), stamps, now)


def read_raw(path: Path, *, builtin: bool = False) -> RawRoutine:
    """Parse one routine file and check its top-level shape.

    When the top level has problems, the moves are checked too, so that one run of
    `validate` lists everything wrong rather than one layer at a time.
    """
    source = str(path)
    data, problems = read_toml(path, source)
    raw = RawRoutine(data or {}, source, builtin, problems)
    if data is None:
        return raw
    raw.problems.extend(check_table(data, ROUTINE_FIELDS, "", source))
    moves, includes = data.get("moves"), data.get("includes")
    if isinstance(moves, list) and len(moves) > MAX_MOVES:
        raw.problems.append(Problem(source, "moves", f"has {len(moves)} moves; a routine has at most {MAX_MOVES}"))
    elif isinstance(moves, list):
        for index, entry in enumerate(moves):
            if not isinstance(entry, dict):
                raw.problems.append(Problem(source, item_field("moves", index), "must be a table"))
            elif raw.problems:
                raw.problems.extend(_entry_problems(entry, item_field("moves", index), source))
    if not raw.problems:
        if moves and includes:
            raw.problems.append(Problem(source, "includes", "a routine has either moves or includes, not both"))
        elif not moves and not includes:
            raw.problems.append(Problem(source, "moves", "the routine has no moves"))
    return raw


def _entry_problems(entry: dict[str, Any], where: str, source: str) -> list[Problem]:
    """A `[[moves]]` entry checked on its own (a ref's fields as changes to a move not looked up yet)."""
    if "ref" not in entry:
        return check_move(entry, where, source)
    changes = {key: value for key, value in entry.items() if key != "ref"}
    return check_move(changes, where, source, partial=True)


def resolve(raw: RawRoutine, raws: dict[str, RawRoutine], library_moves: dict[str, Move],
            _seen: tuple[str, ...] = (),
            _done: dict[str, tuple[Routine | None, list[Problem]]] | None = None,
            _depths: dict[str, int] | None = None,
            ) -> tuple[Routine | None, list[Problem]]:
    """Turn a raw routine into a Routine: expand includes, apply refs, check the moves and the limits.

    `_done` remembers routines already resolved, so an included routine is checked once;
    `_depths` how deeply each one's includes nest (so a chain of hundreds is refused
    before it is followed, and the recursion here stays shallow).
    """
    if _done is not None and raw.id in _done:
        return _done[raw.id]
    result = _resolve(raw, raws, library_moves, _seen, {} if _done is None else _done,
                      {} if _depths is None else _depths)
    if _done is not None:
        _done[raw.id] = result
    return result


def _resolve(raw: RawRoutine, raws: dict[str, RawRoutine], library_moves: dict[str, Move],
             _seen: tuple[str, ...], _done: dict[str, tuple[Routine | None, list[Problem]]],
             _depths: dict[str, int]) -> tuple[Routine | None, list[Problem]]:
    data, source = raw.data, raw.source
    problems: list[Problem] = []
    moves: list[Move] = []
    if includes := data.get("includes"):
        depth = include_depth(raw, raws, _depths)
        if depth > MAX_INCLUDE_DEPTH:
            return None, [Problem(source, "includes", f"routines include routines {depth} levels deep; "
                                                      f"at most {MAX_INCLUDE_DEPTH}")]
        for index, included_id in enumerate(includes):
            where = item_field("includes", index)
            if included_id in _seen or included_id == raw.id:
                problems.append(Problem(source, where, f"{quoted(included_id)} includes itself (a loop of includes)"))
            elif included_id not in raws:
                problems.append(Problem(source, where, f"no routine with id {quoted(included_id)}"))
            else:
                inner, inner_problems = resolve(raws[included_id], raws, library_moves, (*_seen, raw.id), _done,
                                                _depths)
                if inner is None:
                    reason = inner_problems[0].message if inner_problems else "it has problems"
                    problems.append(Problem(source, where, f"{quoted(included_id)} cannot be used: {reason}"))
                else:
                    moves.extend(inner.moves)
            if len(moves) > MAX_MOVES:
                problems.append(Problem(source, "includes", f"adds up to more than {MAX_MOVES} moves "
                                                            f"({len(moves)} by {where}); a routine has at most "
                                                            f"{MAX_MOVES}"))
                return None, problems
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
                                        f"{quoted(move.id)} is already used by {item_field('moves', seen[move.id])}"))
            seen.setdefault(move.id, index)
    if declared := data.get("equipment"):
        for index, move in enumerate(moves):
            missing = [item for item in move.equipment if item not in declared]
            if missing and not move.fits_kit(declared):  # one of its kits is enough
                problems.append(Problem(source, f"{item_field('moves', index)}.equipment",
                                        f"{quoted(missing[0])} is not in the routine's equipment list"))
    if not problems and (seconds := estimated_seconds(moves)) > MAX_ROUTINE_SECONDS:
        problems.append(Problem(source, "includes" if includes else "moves",
                                f"the routine runs about {_hours(seconds)}; a routine is at most "
                                f"{_hours(MAX_ROUTINE_SECONDS)} (split it in two)"))
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


def _hours(seconds: int) -> str:
    hours, minutes = divmod(round(seconds / 60), 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def include_depth(raw: RawRoutine, raws: dict[str, RawRoutine], memo: dict[str, int]) -> int:
    """How many levels of includes lie under `raw` (0: it includes nothing), found without recursion.

    An include that leads back to a routine on the way (a loop) counts for nothing here:
    resolving reports the loop. Depths are kept in `memo` by routine id.
    """
    if raw.id in memo:
        return memo[raw.id]

    def includes(routine_id: str) -> Any:
        return (raw if routine_id == raw.id else raws[routine_id]).data.get("includes")

    def children(routine_id: str) -> list[str]:
        listed = includes(routine_id)
        return list(dict.fromkeys(item for item in listed if isinstance(item, str) and item in raws)) if isinstance(
            listed, list) else []

    on_path = {raw.id}
    stack = [(raw.id, iter(children(raw.id)))]
    while stack:
        routine_id, pending = stack[-1]
        child = next(pending, None)
        if child is None:
            stack.pop()
            on_path.discard(routine_id)
            below = [memo.get(item, 0) for item in children(routine_id) if item not in on_path]
            memo[routine_id] = 1 + max(below, default=0) if includes(routine_id) else 0
        elif child not in memo and child not in on_path:
            on_path.add(child)
            stack.append((child, iter(children(child))))
    return memo[raw.id]


def _resolve_move(entry: dict[str, Any], where: str, source: str,
                  library_moves: dict[str, Move]) -> tuple[Move | None, list[Problem]]:
    if "ref" not in entry:
        problems = check_move(entry, where, source)
        return (None, problems) if problems else (move_from_table(entry), [])
    ref = entry["ref"]
    if not isinstance(ref, str) or ref not in library_moves:
        return None, [Problem(source, f"{where}.ref", f"no move with id {quoted(ref)} in the library")]
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
    # The files as the library read them, so that an include is judged as it is there (a chain
    # too deep for the library is too deep here); a library built in memory has only routines.
    raws = dict(library.raws) or {routine_id: _raw_of(routine) for routine_id, routine in library.routines.items()}
    raws[raw.id] = raw
    return resolve(raw, raws, library.moves, _depths={})


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
