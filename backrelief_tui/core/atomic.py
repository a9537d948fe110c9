"""Crash-safe file writes: a reader sees the old file or the new one, never half of one."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path


def atomic_write(path: Path, data: bytes, *, mode: int | None = None, follow_symlinks: bool = True) -> None:
    """Write to a temporary file in the same folder, fsync it, then `os.replace` it into place.

    The new file gets `mode` when given, else the mode of the file it replaces (a
    private 0600 file stays private), else what a plain open() would give. A symlinked
    file (a dotfiles set-up) is written through the link, not replaced by a file,
    unless `follow_symlinks` is false (a backup: the link itself is replaced, whatever
    it pointed at is left alone). Anything that is not a regular file (a device such as
    /dev/null, a folder, a FIFO) is refused: renaming over it would destroy it. Raises
    OSError (read-only folder, full disk...) and leaves no temporary file behind.
    """
    if follow_symlinks and path.is_symlink():
        try:
            path = path.resolve()
        except RuntimeError as error:  # a loop of links (Python 3.11 and 3.12)
            raise OSError(errno.ELOOP, "a loop of symbolic links", str(path)) from error
    try:
        existing = os.stat(path) if follow_symlinks else os.lstat(path)
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode) and not stat.S_ISLNK(existing.st_mode):
        raise OSError(errno.EINVAL, "not a regular file, so it is not replaced", str(path))
    if mode is None and existing is not None and stat.S_ISREG(existing.st_mode):
        mode = stat.S_IMODE(existing.st_mode)
    path.parent.mkdir(parents=True, exist_ok=True)
    import tempfile  # here: commands that only read (history, report) need not load it (a few ms)

    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        # mkstemp makes the file private (0600): give it the mode it is meant to have.
        os.fchmod(fd, mode if mode is not None else 0o666 & ~_UMASK)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise
    _fsync_dir(path.parent)


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# Read once at import: os.umask() can only be read by setting it, which is not thread-safe.
_UMASK = _read_umask()


def _fsync_dir(directory: Path) -> None:
    # The rename itself is durable only once the folder's entry is on disk.
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
