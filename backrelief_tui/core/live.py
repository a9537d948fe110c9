"""Markers of the sessions running now: found in O(1), and dead with their process.

A running session holds an exclusive `flock` on a small file in `<state>/live/`
(named after its record file, holding the record's path relative to the sessions
folder) for as long as its process runs. The kernel drops the lock when the process
ends in any way (quit, crash, `kill -9`, a closed terminal), so at start-up:

- a marker whose lock can be taken was left by a writer that died: its record is an
  interrupted session (offered again, or marked stopped);
- a marker whose lock is held belongs to a session another process is running right
  now: it is never offered and its record is never written.

Finding interrupted sessions is then a listing of this small folder, however long
the history. The folder is per machine (platformdirs' state folder, never synced):
a session running on another computer is none of this machine's business.

Rules that keep the lock honest:
- A marker is created locked: written and locked under a temporary name, then
  linked into place, so nobody ever sees an unlocked marker of a live session.
- A session that ends removes its marker while still holding the lock (unlink, then
  close). Whoever locks a marker checks that the name still leads to the file it
  locked, so a marker removed meanwhile is not taken for an interrupted session.
- `flock` locks belong to an open file, not to a process: a second open of the
  same marker in this process would not see our own lock. So every marker this
  process holds is kept in one registry, and asking for it again hands over the same
  one (how a resumed session takes over the marker its resume offer was holding).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import threading
import weakref
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

SUFFIX = ".lock"
MAX_MARKER_BYTES = 4096

# Every marker this process holds, by its path: see the module docstring.
_held: weakref.WeakValueDictionary[str, LiveMarker] = weakref.WeakValueDictionary()
_registry_lock = threading.Lock()


class LiveMarker:
    """A marker this process holds the lock of: its session is ours to write."""

    def __init__(self, path: Path, record: Path, fd: int) -> None:
        self.path = path
        self.record = record  # the record file it stands for
        self._fd: int | None = fd

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        """The session is over (or given up): remove the marker, then let go of its lock."""
        if self._fd is None:
            return
        # Already gone is fine: a leftover marker is harmless (its record is no longer in progress).
        _unlink_quietly(self.path)
        self._close()

    def abandon(self) -> None:
        """Let go of the lock but leave the marker, exactly as a crash would (the tests' crash)."""
        self._close()

    def _close(self) -> None:
        fd, self._fd = self._fd, None
        with _registry_lock:
            if _held.get(str(self.path)) is self:
                del _held[str(self.path)]
        if fd is not None:
            os.close(fd)  # the lock goes with the last descriptor of the open file

    def __del__(self) -> None:
        # A marker nobody refers to any more has no session behind it: behave as a crash does.
        fd = getattr(self, "_fd", None)
        if fd is not None:
            with contextlib.suppress(OSError):
                os.close(fd)

    def __repr__(self) -> str:
        return f"LiveMarker({str(self.path)!r}, held={self.held})"


@dataclass(frozen=True)
class Survey:
    """What the live folder says: markers whose writer died (now held by us), and records running elsewhere."""

    dead: list[LiveMarker]
    elsewhere: list[Path]  # records another running process is writing now
    here: list[Path]  # records this process is writing (e.g. `backrelief run` started before the check)


class LiveMarkers:
    """The live folder of one machine, for the records under one sessions folder."""

    def __init__(self, folder: Path, sessions_root: Path) -> None:
        self.folder = folder
        self.sessions_root = sessions_root

    def marker_path(self, record: Path) -> Path:
        # Named after the record file (`<start>-<routine>-<id>`): unique, and already a safe name.
        return self.folder / (record.stem + SUFFIX)

    def held_marker(self, record: Path) -> LiveMarker | None:
        """The marker this process holds for `record`, if any."""
        with _registry_lock:
            marker = _held.get(str(self.marker_path(record)))
        return marker if marker is not None and marker.held else None

    def running_elsewhere(self, record: Path) -> bool:
        """Whether another running process holds the marker of `record` (is writing it now)."""
        if self.held_marker(record) is not None:
            return False
        fd = _open_existing(self.marker_path(record))
        if fd is None:
            return False
        try:
            return not _try_lock(fd)
        finally:
            os.close(fd)  # our lock, if we got it, goes with it

    def claim(self, record: Path) -> LiveMarker | None:
        """Hold the marker of `record` for a session about to write it.

        Returns the marker (new, taken over from a dead writer, or the one this process
        already holds), or None when another running process holds it: then that process
        is the record's writer and this one must not write it. Raises OSError when the
        marker cannot be made (a read-only state folder): the caller goes on without one.
        """
        path = self.marker_path(record)
        mine = self.held_marker(record)
        if mine is not None:
            return mine
        content = self._content(record)
        for _attempt in range(3):
            fd = _open_existing(path)
            if fd is None:
                marker = self._create(path, record, content)
                if marker is not None:
                    return marker
                continue  # someone made it meanwhile: look at theirs
            if not _try_lock(fd):
                os.close(fd)
                return None
            if not _still_there(fd, path):
                os.close(fd)
                continue
            try:
                os.ftruncate(fd, 0)
                os.pwrite(fd, content, 0)
            except OSError:
                os.close(fd)
                raise
            return self._register(LiveMarker(path, record, fd))
        raise OSError(errno.EAGAIN, "the live-session marker keeps changing", str(path))

    def survey(self) -> Survey:
        """Look at every marker (never at the history): see `Survey`. Dead markers come back locked by us."""
        dead: list[LiveMarker] = []
        elsewhere: list[Path] = []
        here: list[Path] = []
        try:
            names = sorted(entry.name for entry in os.scandir(self.folder)
                           if entry.name.endswith(SUFFIX) and not entry.name.startswith("."))
        except OSError:
            return Survey(dead, elsewhere, here)
        for name in names:
            path = self.folder / name
            with _registry_lock:
                mine = _held.get(str(path))
            if mine is not None and mine.held:
                here.append(mine.record)
                continue
            fd = _open_existing(path)
            if fd is None:
                continue
            if not _try_lock(fd):
                record = self._record_of(fd)
                os.close(fd)
                if record is not None:
                    elsewhere.append(record)
                continue
            if not _still_there(fd, path):
                os.close(fd)
                continue
            record = self._record_of(fd)
            if record is None:  # not a marker we wrote: it stands for nothing
                _remove_locked(path, fd)
                continue
            dead.append(self._register(LiveMarker(path, record, fd)))
        return Survey(dead, elsewhere, here)

    # -- helpers ------------------------------------------------------------------------

    def _content(self, record: Path) -> bytes:
        try:
            relative = record.relative_to(self.sessions_root).as_posix()
        except ValueError:
            relative = str(record)  # a record outside the sessions folder: keep its full path
        return relative.encode("utf-8") + b"\n"

    def _record_of(self, fd: int) -> Path | None:
        """The record a marker names, or None when its content is not a plausible record path."""
        try:
            raw = os.pread(fd, MAX_MARKER_BYTES + 1, 0)
            text = raw.decode("utf-8").strip()
        except (OSError, UnicodeDecodeError):
            return None
        if not text or len(raw) > MAX_MARKER_BYTES or "\x00" in text or not text.endswith(".toml"):
            return None
        relative = PurePosixPath(text)
        if relative.is_absolute():
            return Path(text)
        if ".." in relative.parts:
            return None
        return self.sessions_root.joinpath(*relative.parts)

    def _create(self, path: Path, record: Path, content: bytes) -> LiveMarker | None:
        """A new marker, locked before it gets its name; None when the name was taken meanwhile."""
        self.folder.mkdir(parents=True, exist_ok=True)
        import tempfile  # here: only a session that starts needs it (a few ms off every command)

        fd, temp = tempfile.mkstemp(dir=self.folder, prefix=f".{path.name}.", suffix=".tmp")
        try:
            if not _try_lock(fd):  # nobody else knows this file: cannot happen
                raise OSError(errno.EAGAIN, "cannot lock a new marker", temp)
            os.write(fd, content)
            try:
                os.link(temp, path)
            except FileExistsError:
                os.close(fd)
                return None
            except OSError as error:
                if error.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                    raise
                os.replace(temp, path)  # a file system without hard links
        except BaseException:
            with contextlib.suppress(OSError):
                os.close(fd)
            _unlink_quietly(temp)
            raise
        _unlink_quietly(temp)
        return self._register(LiveMarker(path, record, fd))

    @staticmethod
    def _register(marker: LiveMarker) -> LiveMarker:
        with _registry_lock:
            _held[str(marker.path)] = marker
        return marker


def _open_existing(path: Path) -> int | None:
    try:
        return os.open(path, os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK)
    except FileNotFoundError:
        return None
    except OSError as error:
        if error.errno == errno.ELOOP:  # a symlink where a marker should be: not ours
            return None
        raise


def _try_lock(fd: int) -> bool:
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _still_there(fd: int, path: Path) -> bool:
    """Whether `path` still names the file open at `fd` (it may have been removed since we opened it)."""
    try:
        mine, now = os.fstat(fd), os.stat(path, follow_symlinks=False)
    except OSError:
        return False
    return (mine.st_dev, mine.st_ino) == (now.st_dev, now.st_ino)


def _remove_locked(path: Path, fd: int) -> None:
    _unlink_quietly(str(path))
    os.close(fd)


def _unlink_quietly(name: str | Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(name)
