"""The person's own routines: `<config>/routines/<id>.toml`, one file each.

Written by the routine editor and `backrelief build --save`, read back by the
library like any other routine file. A file is checked with the same rules as a
built-in before it is written, so what is saved always loads and passes
`backrelief validate`; it is plain TOML with every move written out in full, so it
can be edited by hand.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from pathlib import Path

import tomli_w

from backrelief_tui.core import paths
from backrelief_tui.core.atomic import atomic_write
from backrelief_tui.core.library import Library, resolve
from backrelief_tui.core.routine import (
    ID_PATTERN,
    ROUTINE_FIELDS,
    Problem,
    RawRoutine,
    Routine,
    check_table,
    routine_to_table,
)

HEADER = """\
# Your own routine, saved by backrelief. Edit it freely: it is plain TOML.
# `backrelief validate {path}` checks it; the numbers are explained in the
# built-in routines' DEFAULTS.md. Delete the file to remove the routine.

"""
FALLBACK_ID = "my-routine"


def routine_id_from_name(name: str) -> str:
    """A file-safe id from a title: "Desk, 4 min!" -> "desk-4-min"."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:40].strip("-")
    return slug if slug and ID_PATTERN.match(slug) else FALLBACK_ID


def user_routine_path(routine_id: str, directory: Path | None = None) -> Path:
    return (directory if directory is not None else paths.user_routines_dir()) / f"{routine_id}.toml"


def routine_document(routine: Routine) -> str:
    """The TOML text for a routine, with a short header saying what the file is."""
    return HEADER.format(path=f"{routine.id}.toml") + tomli_w.dumps(routine_to_table(routine))


def check_routine(routine: Routine) -> list[Problem]:
    """The problems the routine would have once written and read back (empty: it is fine)."""
    source = f"{routine.id or '(no id)'}.toml"
    data = tomllib.loads(routine_document(routine))
    problems = check_table(data, ROUTINE_FIELDS, "", source)
    if not routine.moves:
        problems.append(Problem(source, "moves", "the routine has no moves"))
    if problems:
        return problems
    _resolved, problems = resolve(RawRoutine(data, source, builtin=False), {}, {})
    return problems


def replaces(routine_id: str, library: Library, directory: Path | None = None) -> str | None:
    """What saving under this id would replace, in words, or None when the id is free."""
    path = user_routine_path(routine_id, directory)
    if path.exists():
        return f"your routine in {path}"
    existing = library.get(routine_id)
    if existing is not None and existing.builtin:
        return f"the built-in routine {existing.title!r} (it stays hidden while your file exists)"
    return None


def save_user_routine(routine: Routine, directory: Path | None = None) -> tuple[Path, list[Problem]]:
    """Check, then write the routine atomically; nothing is written when there are problems.

    Raises OSError when the folder cannot be written.
    """
    path = user_routine_path(routine.id, directory)
    problems = check_routine(routine)
    if not problems:
        atomic_write(path, routine_document(routine).encode("utf-8"))
    return path, problems
