"""Derived results kept in the cache folder, under a key of everything they were made from.

The person's files stay the only source of truth: a kept result is used only while its key
(the stamps of every input file, the code's files, Python's version, the places) is
unchanged, and any doubt is a miss that does the work again. Its users:
`commands/list_cache.py` (the text `backrelief list` printed), `core/library.py`'s
`kept_library` (the resolved routine library the app opens with) and `core/store.py`'s
`KeptRecords` (parsed session records, which a report reads by the week).

A kept file is `MAGIC\\nKEY\\nLENGTH\\n` and LENGTH bytes. It is read only as a regular
file of sane size, never through a symlink; written atomically, replacing (never
following) what is there. Imports nothing beyond `os` and `sys`: `list`'s hit path
runs on it before anything else loads.
"""

from __future__ import annotations

import os
import sys

TYPE_CHECKING = False  # no typing module on the hit path
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable
    from typing import TypeVar

    T = TypeVar("T")

MAX_BYTES = 4 * 1024 * 1024
# A file modified this close (ns) to the moment it is looked at may change again within the
# same mtime tick (coarse clocks, 2 s on FAT): a result made from it is not kept.
RACY_NS = 2_000_000_000
_READ_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))


def package_dirs(*names: str) -> tuple[str, ...]:
    """Folders of this package (`core`, `commands`...): the code a kept result was made by."""
    return tuple(os.path.join(PACKAGE_DIR, name) for name in names)


class Stamps:
    """Stamps of files (size, mtime, inode, mode), and the newest mtime among them (for `RACY_NS`)."""

    def __init__(self) -> None:
        self.newest = 0

    def stat(self, info: os.stat_result) -> tuple[int, int, int, int]:
        self.newest = max(self.newest, info.st_mtime_ns)
        return info.st_size, info.st_mtime_ns, info.st_ino, info.st_mode

    def folder(self, path: str, suffix: str) -> list[tuple[object, ...]] | None:
        """Every entry of `path` whose name ends with `suffix`, through symlinks (None: no such folder)."""
        rows: list[tuple[object, ...]] = []
        try:
            with os.scandir(path) as entries:
                for entry in entries:
                    if entry.name.endswith(suffix):
                        try:
                            rows.append((entry.name, *self.stat(entry.stat())))
                        except OSError as error:  # a broken link: reading it gives a warning anyway
                            rows.append((entry.name, error.errno))
        except (FileNotFoundError, NotADirectoryError):
            return None
        rows.sort(key=lambda row: str(row[0]))
        return rows

    def file(self, path: str) -> tuple[int, int, int, int] | None:
        try:
            return self.stat(os.stat(path))
        except FileNotFoundError:
            return None

    def code(self, folders: Iterable[str]) -> tuple[str, list[list[tuple[object, ...]] | None]]:
        """What a result was made by: Python's version and the `.py` files in these folders (`package_dirs`;
        a new version of the app is new files)."""
        return sys.version, [self.folder(folder, ".py") for folder in folders]

    def trusted(self, now_ns: int) -> bool:
        """No file looked at changed within `RACY_NS` of `now_ns` (else it may change again unseen)."""
        return self.newest < now_ns - RACY_NS


def read(path: str, magic: str, wanted: str) -> bytes | None:
    """What is kept at `path` under `magic` and the key `wanted`; None for anything else (a miss)."""
    try:
        fd = os.open(path, _READ_FLAGS)  # a symlink put there is not followed: a miss
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if (info.st_mode & 0o170000) != 0o100000 or info.st_size > MAX_BYTES:  # a regular file, not too large
            return None
        chunks = []
        while chunk := os.read(fd, MAX_BYTES + 1):
            chunks.append(chunk)
        data = b"".join(chunks)
    except OSError:
        return None
    finally:
        os.close(fd)
    try:
        stored_magic, stored_key, length, payload = data.split(b"\n", 3)
        if stored_magic.decode() != magic or stored_key.decode() != wanted or int(length) != len(payload):
            return None
    except ValueError:  # too few lines, not UTF-8, not a number
        return None
    return payload


def write(path: str, magic: str, key: str, payload: bytes) -> None:
    """Keep `payload` at `path` under `magic` and `key`: atomically, replacing (never following) what is there.

    Anything in the way (a read-only or full disk, no such folder and no right to make
    it) leaves things as they were, silently: it is only a cache.
    """
    import contextlib
    import tempfile

    try:
        data = b"%s\n%s\n%d\n%s" % (magic.encode(), key.encode(), len(payload), payload)
    except UnicodeEncodeError:  # a key naming a file whose name is not text
        return
    folder = os.path.dirname(path)
    with contextlib.suppress(OSError):
        os.makedirs(folder, mode=0o700, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(path)}.", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
            os.replace(temp, path)  # a symlink at `path` is replaced, not written through
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(temp)
            raise


def unpickled(path: str, magic: str, wanted: str, kind: type[T]) -> T | None:
    """The `kind` object pickled at `path` under `magic` and the key `wanted`; None for anything else.

    Pickle is for this app's own files in the person's own cache folder (`read` takes only a
    regular file, never through a link); a damaged copy, or one made by other code, is a miss
    whatever unpickling it raises.
    """
    payload = read(path, magic, wanted)
    if payload is None:
        return None
    import pickle

    try:
        found: object = pickle.loads(payload)
    except Exception:  # noqa: BLE001 - see above: any failure is a miss
        return None
    return found if isinstance(found, kind) else None


def keep_pickled(path: str, magic: str, key: str, value: object) -> None:
    """Keep `value` pickled at `path` (see `write`; `unpickled` reads it back)."""
    import pickle

    write(path, magic, key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def kept_or_made(path: str, magic: str, key: str, kind: type[T], make: Callable[[], T], stamps: Stamps,
                 now_ns: int) -> T:
    """The `kind` kept at `path` under `key`; else `make()`, kept there unless an input it was made
    from changed within `RACY_NS` of `now_ns` (`stamps` looked at them: `Stamps.trusted`)."""
    if (found := unpickled(path, magic, key, kind)) is not None:
        return found
    made = make()
    if stamps.trusted(now_ns):
        keep_pickled(path, magic, key, made)
    return made
