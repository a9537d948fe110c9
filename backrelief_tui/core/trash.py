"""The trash: where a deleted session's file goes, whole and restorable. Nothing is ever destroyed.

`<data>/trash/` mirrors `<data>/sessions/`: `sessions/2025/<name>.toml` goes to
`trash/2025/<name>.toml`, so putting it back needs nothing but the trash path. The
file is moved inside the data folder: the same bytes, the same inode, even the same
mtime. A name already taken in the trash (the
same file deleted, restored and deleted again while a copy stayed behind) gets a
`~2`, `~3`... before `.toml`; a restore never replaces a session file that is there.
(Moving is a hard link then an unlink, so a file that appears meanwhile is never
replaced; a rename where links are not supported.)

The trash is outside the sessions folder, so the history index and every listing leave
it alone; the caller updates the index for the one file (`RecordStore.update_one`).
"""

from __future__ import annotations

import errno
import os
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

TRASH_NAME = "trash"


def trash_dir(sessions_dir: Path) -> Path:
    """`<data>/trash`, beside `<data>/sessions`."""
    return sessions_dir.parent / TRASH_NAME


class TrashError(Exception):
    """A move into or out of the trash that could not be done; the message says why (one line)."""


def move_to_trash(sessions_dir: Path, path: Path) -> Path:
    """Move a session file (`<sessions>/<folder>/<name>.toml`) into the trash; returns where it went.

    Raises TrashError when `path` is not a regular file in a folder of `sessions_dir`, or the move fails.
    """
    relative = _relative(sessions_dir, path)
    if not path.is_file() or path.is_symlink():
        raise TrashError(f"{path} is not a session file")
    folder = trash_dir(sessions_dir) / relative.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TrashError(f"cannot make the trash folder {folder} ({error.strerror or error})") from error
    for number in range(1, 1000):
        stem = relative.stem if number == 1 else f"{relative.stem}~{number}"
        target = folder / f"{stem}{relative.suffix}"
        if _move_unless_taken(path, target):
            return target
    raise TrashError(f"too many files named {relative.name} in the trash")


def restore(sessions_dir: Path, trashed: Path) -> Path:
    """Put a trashed file back where it came from; returns its path in the sessions folder.

    Raises TrashError when it is not in the trash, or a session file with its name is there already.
    """
    relative = _relative(trash_dir(sessions_dir), trashed)
    if not trashed.is_file() or trashed.is_symlink():
        raise TrashError(f"{trashed} is not in the trash")
    stem, _, number = relative.stem.rpartition("~")
    name = f"{stem}{relative.suffix}" if stem and number.isdigit() else relative.name
    target = sessions_dir / relative.parent / name
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise TrashError(f"cannot make the folder {target.parent} ({error.strerror or error})") from error
    if not _move_unless_taken(trashed, target):
        raise TrashError(f"a session file named {name} is already in {target.parent}: it is left as it is")
    return target


@dataclass(frozen=True)
class Trashed:
    path: Path  # in the trash
    name: str  # the file name it had (and will have again)


def list_trash(sessions_dir: Path) -> list[Trashed]:
    """Every file in the trash, newest start first (names begin with the start time)."""
    root = trash_dir(sessions_dir)
    found = []
    try:
        folders = [entry for entry in os.scandir(root) if entry.is_dir(follow_symlinks=False)]
    except OSError:
        return []
    for folder in folders:
        try:
            entries = list(os.scandir(folder.path))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith(".") or not entry.is_file(follow_symlinks=False):
                continue
            stem, _, number = Path(entry.name).stem.rpartition("~")
            name = f"{stem}{Path(entry.name).suffix}" if stem and number.isdigit() else entry.name
            found.append(Trashed(Path(entry.path), name))
    found.sort(key=lambda item: (item.name, item.path.name), reverse=True)
    return found


def _relative(root: Path, path: Path) -> Path:
    try:
        relative = Path(os.path.abspath(path)).relative_to(os.path.abspath(root))
    except ValueError:
        raise TrashError(f"{path} is not in {root}") from None
    if len(relative.parts) != 2 or relative.parts[0].startswith("."):
        raise TrashError(f"{path} is not a session file in a folder of {root}")
    return relative


def _move_unless_taken(source: Path, target: Path) -> bool:
    """Rename `source` to `target` unless `target` exists; False when it does. Raises TrashError otherwise.

    A hard link then an unlink never replaces a file that appeared meanwhile; where links are not
    supported (some synced or removable file systems), a check then a rename.
    """
    try:
        os.link(source, target, follow_symlinks=False)
    except FileExistsError:
        return False
    except OSError as error:
        if error.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EXDEV, errno.EMLINK):
            raise TrashError(f"cannot move {source.name} ({error.strerror or error})") from error
        if target.exists():
            return False
        try:
            os.rename(source, target)
        except OSError as rename_error:
            raise TrashError(f"cannot move {source.name} ({rename_error.strerror or rename_error})") from rename_error
        return True
    try:
        os.unlink(source)
    except OSError as error:
        with suppress(OSError):
            os.unlink(target)  # back as it was: the file stays where it was
        raise TrashError(f"cannot move {source.name} ({error.strerror or error})") from error
    return True
