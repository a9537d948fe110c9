"""The trash: where a session record goes when it is discarded, and where it comes back from.

Nothing here ever deletes a file. A record moved to the trash keeps its name and its year
folder under `<data>/trash/sessions/` (beside `<data>/sessions/`), so it can be put back
exactly where it was, by `restore_from_trash` or by hand. A name already taken at the other
end is never overwritten: the moved file gets a numbered name (`… (2).toml`) instead.
The history and reports read only `<data>/sessions`, so a trashed record is out of them
(the index forgets it at its next look, or at once with `RecordStore.update_one(path)`).
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

TRASH_FOLDER = "trash"


def trash_dir(sessions_dir: Path) -> Path:
    """Where records of `sessions_dir` go when discarded: `<data>/trash/sessions`."""
    return sessions_dir.parent / TRASH_FOLDER / sessions_dir.name


def move_to_trash(sessions_dir: Path, path: Path) -> Path:
    """Move one record from `sessions_dir` into the trash; returns where it is now.

    Raises OSError when the file cannot be moved (gone, a read-only disk) and ValueError
    when `path` is not inside `sessions_dir`; in both cases the file is left as it was.
    """
    relative = _relative(path, sessions_dir)
    return _move(path, trash_dir(sessions_dir) / relative)


def restore_from_trash(sessions_dir: Path, trashed: Path) -> Path:
    """Put a trashed record back in its year folder under `sessions_dir`; returns where it is now."""
    relative = _relative(trashed, trash_dir(sessions_dir))
    return _move(trashed, sessions_dir / relative)


def _relative(path: Path, folder: Path) -> Path:
    try:
        return path.resolve().relative_to(folder.resolve())
    except ValueError:
        raise ValueError(f"{path} is not in {folder}") from None


def _move(source: Path, target: Path) -> Path:
    """Move without ever replacing a file: a hard link to a free name, then the old name removed."""
    if not source.is_file():
        raise FileNotFoundError(errno.ENOENT, "no such record", str(source))
    target.parent.mkdir(parents=True, exist_ok=True)
    for candidate in _free_names(target):
        try:
            os.link(source, candidate)  # fails if the name is taken: nothing is overwritten
        except FileExistsError:
            continue
        except OSError as error:
            if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
                raise
            if candidate.exists():  # no hard links here (or another disk): rename to a free name
                continue
            os.replace(source, candidate)
            return candidate
        os.unlink(source)
        return candidate
    raise FileExistsError(errno.EEXIST, "no free name in the trash", str(target))  # pragma: no cover


def _free_names(target: Path, tries: int = 1000) -> Iterator[Path]:
    yield target
    for number in range(2, tries):
        yield target.with_name(f"{target.stem} ({number}){target.suffix}")
