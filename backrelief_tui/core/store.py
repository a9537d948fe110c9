"""The record store: where session files go, and listing them fast with a cache index.

Listing 10,000 sessions by parsing every TOML file takes seconds, so `entries()`
keeps `<data>/index.json`: one summary per file, keyed by the file's relative path
and its (size, mtime_ns, ctime_ns, inode). Why a cached summary can be trusted:

- Every way a file's bytes can change moves its ctime: the kernel sets it on any
  write, truncate or rename-into-place, and user space cannot set it back (tools
  that copy mtimes, like rsync -t or Syncthing, still leave a fresh ctime). Our own
  writer also makes a new inode each time (`os.replace`). Size and mtime are extra.
- Timestamps have a granularity, so a file changed in the same tick as the scan
  that indexed it could keep its ctime. Such "racy" entries (ctime within
  `RACY_SECONDS` of the scan) are left out of the index and parsed again next time.
- Files that disappeared drop out; new files are parsed; an index that is missing,
  damaged, from another version or for another folder is ignored and rebuilt.
  Writing the index is best effort (atomic; a read-only disk just means no cache).

The same rules let a store keep its last listing in memory: the app lists every
record at start-up (to find interrupted sessions), so opening the history later
needs only the stat pass. The session files stay the only truth: deleting
index.json loses nothing.
"""

from __future__ import annotations

import json
import os
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import tomli_w

from backrelief_tui.core import paths
from backrelief_tui.core.atomic import atomic_write
from backrelief_tui.core.records import (
    MAX_NOTE,
    SCHEMA,
    Entry,
    SessionRecord,
    SessionStatus,
    SessionSummary,
    Unreadable,
    parse_record,
    read_record,
    record_path,
    summary_from_row,
    summary_to_row,
    write_record,
)

INDEX_VERSION = 2
RACY_SECONDS = 2.0
INDEX_NAME = "index.json"


Signature = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode


def signature(stat: os.stat_result) -> Signature:
    return (stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino)


def _sort_key(entry: Entry) -> tuple[float, str]:
    started = entry.started
    return (started.timestamp() if started is not None else 0.0,
            entry.file if isinstance(entry, SessionSummary) else str(entry.path))


class Scan:
    """A listing in progress: entries already vouched for, and the files still to parse."""

    def __init__(self, store: RecordStore, started_ns: int) -> None:
        self.store = store
        self.trusted_before = started_ns - RACY_SECONDS * 1e9
        self.entries: list[Entry] = []
        self.pending: list[tuple[str, str, os.stat_result]] = []
        self.vouched: dict[str, tuple[Signature, Entry, Any]] = {}  # key -> (signature, entry, index item)
        self.remembered = 0  # files whose entry came from the store's memory
        self.reused = 0  # ... or from the index file

    def keep(self, key: str, stat: os.stat_result, entry: Entry, item: Any) -> None:
        self.entries.append(entry)
        if stat.st_ctime_ns < self.trusted_before:  # not racy: safe to vouch for next time
            self.vouched[key] = (signature(stat), entry, item)

    def finish(self) -> list[Entry]:
        """Parse the pending files, save the index if it changed, and return every entry, newest first."""
        store = self.store
        count = len(self.entries) + len(self.pending)
        store.last_scan = {"files": count, "cached": self.remembered + self.reused, "parsed": len(self.pending)}
        if (not self.pending and self.remembered == count == len(store._memo)
                and store._listing is not None):
            return list(store._listing)  # every file as last time: the same listing, already sorted
        for key, file, stat in self.pending:
            entry, cacheable = store._parse(Path(file))
            if cacheable:
                self.keep(key, stat, entry, {"sig": list(signature(stat)), **_entry_to_json(entry)})
            else:
                self.entries.append(entry)
        self.entries.sort(key=_sort_key, reverse=True)
        store._memo = self.vouched
        store._listing = list(self.entries) if len(self.vouched) == count else None
        fresh = {key: item for key, (_sig, _entry, item) in self.vouched.items()}
        if store.use_index and fresh != store._index_items:
            store._write_index(fresh)
        return self.entries


class RecordStore:
    """Session records under one folder (`<data>/sessions` by default)."""

    def __init__(self, root: Path | None = None, index_path: Path | None = None, *, use_index: bool = True,
                 now_ns: Callable[[], int] = time.time_ns) -> None:
        self.root = root if root is not None else paths.sessions_dir()
        self.index_path = index_path if index_path is not None else self.root.parent / INDEX_NAME
        self.use_index = use_index
        self._now_ns = now_ns
        self.last_scan: dict[str, int] = {}  # counts from the last entries(): cached, parsed, files
        self._memo: dict[str, tuple[Signature, Entry, Any]] = {}  # what the last listing vouched for
        self._listing: list[Entry] | None = None  # that listing, when it was all vouched for
        self._index_items: dict[str, Any] = {}  # the index as last read or written

    # -- single records ---------------------------------------------------------------

    def path_for(self, record: SessionRecord) -> Path:
        return record_path(self.root, record)

    def save(self, path: Path, record: SessionRecord) -> None:
        """Write one record atomically. Raises OSError (read-only or full disk)."""
        write_record(path, record)

    def load(self, path: Path) -> SessionRecord | Unreadable:
        return read_record(path)

    def mark_stopped(self, path: Path) -> bool:
        """Give up an interrupted session: rewrite its status only. Unreadable files are left alone."""
        record = read_record(path)
        if not isinstance(record, SessionRecord) or record.status is not SessionStatus.IN_PROGRESS:
            return False
        try:
            write_record(path, replace(record, status=SessionStatus.STOPPED))
        except OSError:
            return False
        return True

    def set_note(self, path: Path, note: str) -> str | None:
        """Write the person's note into a record; returns what went wrong, or None.

        Only a file that reads as a valid record is touched, and only its `note`: every
        other key, even ones added by hand, is written back as it was.
        """
        note = note.strip()
        if len(note) > MAX_NOTE:
            return f"a note is at most {MAX_NOTE} characters"
        try:
            raw = path.read_bytes()
        except OSError as error:
            return f"the file cannot be read ({error.strerror or error})"
        if not isinstance(parse_record(raw, path), SessionRecord):  # never raises
            return "the file is not a valid session record, so it is left as it is"
        data = tomllib.loads(raw.decode("utf-8"))  # known to parse
        if note:
            data["note"] = note
        else:
            data.pop("note", None)
        data["progress"] = data.pop("progress")  # still last (see records.py)
        try:
            atomic_write(path, tomli_w.dumps(data).encode("utf-8"))
        except OSError as error:
            return f"the note could not be saved ({error.strerror or error})"
        return None

    def remove_stale_temp_files(self, older_than: float = 3600.0) -> int:
        """Delete temporary files left by a write that was killed midway (`.<name>.toml.*.tmp`).

        Only `atomic_write`'s own temporary files, and only old ones: a live writer's is seconds old.
        """
        removed = 0
        cutoff = self._now_ns() - older_than * 1e9
        for path in self.root.glob("*/.*.toml.*.tmp"):
            try:
                if path.stat().st_mtime_ns < cutoff:
                    path.unlink()
                    removed += 1
            except OSError:
                continue
        return removed

    # -- listing ------------------------------------------------------------------------

    def files(self) -> Iterator[tuple[str, str, os.stat_result]]:
        """Every `<root>/<folder>/*.toml` as (key `folder/name`, full path, stat); temporary files skipped.

        Plain strings, no Path objects: this runs for every file on every listing.
        """
        try:
            folders = [entry for entry in os.scandir(self.root) if entry.is_dir() and not entry.name.startswith(".")]
        except OSError:
            return
        for folder in folders:
            prefix = folder.name + "/"
            try:
                with os.scandir(folder.path) as listing:
                    for entry in listing:
                        name = entry.name
                        if name.endswith(".toml") and not name.startswith("."):
                            try:
                                if entry.is_file():
                                    yield prefix + name, entry.path, entry.stat()
                            except OSError:
                                continue
            except OSError:
                continue

    def entries(self) -> list[Entry]:
        """Every session file as a summary or an `Unreadable`, newest first."""
        return self.scan().finish()

    def scan(self) -> Scan:
        """The fast half of `entries()`: stat every file and take what is already vouched for.

        First the entries this store vouched for last time (kept in memory: same
        signature means the same bytes, and a ctime that was old enough then still is),
        then the index file (read only if needed). The other files are left in
        `Scan.pending` for `Scan.finish()` to parse, so a caller can tell a quick listing
        from a long one before doing it.
        """
        scan = Scan(self, self._now_ns())
        memo = self._memo
        index: dict[str, Any] | None = None
        for key, file, stat in self.files():
            remembered = memo.get(key)
            if remembered is not None and remembered[0] == signature(stat):
                scan.remembered += 1
                scan.entries.append(remembered[1])
                scan.vouched[key] = remembered
                continue
            if index is None:
                index = self._read_index() if self.use_index else {}
            item = index.get(key)
            entry = self._from_cache(item, list(signature(stat)), file)
            if entry is None:
                scan.pending.append((key, file, stat))
                continue
            scan.reused += 1
            scan.keep(key, stat, entry, item)
        return scan

    def summaries(self) -> list[SessionSummary]:
        return [entry for entry in self.entries() if isinstance(entry, SessionSummary)]

    def in_progress(self) -> list[SessionSummary]:
        return [entry for entry in self.summaries() if entry.status is SessionStatus.IN_PROGRESS]

    # -- the index --------------------------------------------------------------------

    def _parse(self, path: Path) -> tuple[Entry, bool]:
        result = read_record(path)
        if isinstance(result, SessionRecord):
            return result.summary(path), True
        # "cannot be read" comes from the file system (permissions...), not the bytes: ask again next time.
        return result, not result.reason.startswith("cannot be read (")

    def _from_cache(self, cached: Any, signature: list[int], file: str) -> Entry | None:
        if not isinstance(cached, dict) or cached.get("sig") != signature:
            return None
        try:
            if "unreadable" in cached:
                return Unreadable(Path(file), str(cached["unreadable"]))
            return summary_from_row(cached["row"], file)
        except (KeyError, TypeError, ValueError):
            return None

    def _read_index(self) -> dict[str, Any]:
        try:
            data = json.loads(self.index_path.read_bytes())
        except (OSError, ValueError, RecursionError):
            return {}
        if (not isinstance(data, dict) or data.get("version") != INDEX_VERSION or data.get("schema") != SCHEMA
                or data.get("root") != str(self.root) or not isinstance(data.get("files"), dict)):
            return {}
        files: dict[str, Any] = data["files"]
        self._index_items = files
        return files

    def _write_index(self, files: dict[str, Any]) -> None:
        document = {"version": INDEX_VERSION, "schema": SCHEMA, "root": str(self.root), "files": files}
        try:
            atomic_write(self.index_path, json.dumps(document, separators=(",", ":")).encode("utf-8"))
        except OSError:
            return  # no cache this time; the files themselves are the truth
        self._index_items = files


def _entry_to_json(entry: Entry) -> dict[str, Any]:
    if isinstance(entry, Unreadable):
        return {"unreadable": entry.reason}
    return {"row": summary_to_row(entry)}
