"""The one place where the app opens a file to read it: regular files of sane size only.

Everything the app reads (routines, settings, pose files, session records, the nudge
state) comes through `read_regular`, so none of it can hang or eat memory whatever
is put in its place:

- a FIFO is opened without blocking (`O_NONBLOCK`) and refused, so `mkfifo x.toml`
  never hangs a command;
- a device (`/dev/zero`, a terminal), a folder or a socket is refused after `fstat`,
  before a byte is read, also when a symlink leads to it (a symlink to a regular file,
  a dotfiles set-up, is fine);
- at most `limit` bytes are read, whatever the file claims to be (a file still growing,
  /proc): a larger file is refused in one line that gives the limit.

Problems are values: (None, "why"), the why in words that follow the file's name —
never an exception, never a traceback.
"""

from __future__ import annotations

import os
import stat

TYPE_CHECKING = False  # `backrelief due` reads its state through here on every prompt: no pathlib, no typing
if TYPE_CHECKING:
    from pathlib import Path

KB = 1024
MAX_TEXT_BYTES = 1024 * KB
"""Routine, settings and pose files: the largest built-in is ~40 kB."""

# Bytes asked for per read(): a regular file gives all of it at once.
_CHUNK = 256 * KB
# Non-blocking so that opening a FIFO returns at once; no controlling terminal from a tty.
_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)


def kind_of(mode: int) -> str:
    """What a file that is not a regular file is, in words."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def size_text(size: int) -> str:
    """`1 MB`, `300 kB`, `512 bytes`: a limit or a size in a message."""
    if size >= KB * KB:
        return f"{size / (KB * KB):g} MB"
    if size >= KB:
        return f"{size // KB} kB"
    return f"{size} bytes"


def read_regular(path: Path | str, limit: int = MAX_TEXT_BYTES) -> tuple[bytes | None, str]:
    """The bytes of a regular file of at most `limit` bytes, and ""; or None and why not.

    The reason reads after the file's name: "cannot be read: it is a named pipe (FIFO),
    not a regular file", "is too large to read (3 MB; the limit is 1 MB)", "cannot be
    read (No such file or directory)".
    """
    raw, _info, reason = read_regular_stat(path, limit)
    return raw, reason


def read_regular_stat(path: Path | str, limit: int = MAX_TEXT_BYTES,
                      ) -> tuple[bytes | None, os.stat_result | None, str]:
    """`read_regular`, with the `stat` of the file (None when there is no such file)."""
    try:
        fd = os.open(path, _FLAGS)
    except OSError as error:
        try:
            info: os.stat_result | None = os.stat(path)
        except OSError:
            info = None
        if info is not None and not stat.S_ISREG(info.st_mode):
            return None, info, _not_regular(info.st_mode)
        return None, info, f"cannot be read ({error.strerror or error})"
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            return None, info, _not_regular(info.st_mode)
        if info.st_size > limit:
            return None, info, _too_large(limit, info.st_size)
        chunks: list[bytes] = []
        left = limit + 1  # one byte more than allowed tells a file that grew past the limit
        while left > 0:
            chunk = os.read(fd, min(left, _CHUNK))
            if not chunk:
                break
            chunks.append(chunk)
            left -= len(chunk)
        if left <= 0:
            return None, info, _too_large(limit)
        return b"".join(chunks), info, ""
    except OSError as error:
        return None, None, f"cannot be read ({error.strerror or error})"
    finally:
        os.close(fd)


def _not_regular(mode: int) -> str:
    return f"cannot be read: it is {kind_of(mode)}, not a regular file"


def _too_large(limit: int, size: int | None = None) -> str:
    found = f"{size_text(size)}; " if size is not None else ""
    return f"is too large to read ({found}the limit is {size_text(limit)})"
