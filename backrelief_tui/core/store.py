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

The session files stay the only truth: deleting index.json loses nothing.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from backrelief_tui.core import paths
from backrelief_tui.core.atomic import atomic_write
from backrelief_tui.core.records import (
    SCHEMA,
    Entry,
    SessionRecord,
    SessionSummary,
    Unreadable,
    read_record,
    record_path,
    summary_from_json,
    summary_to_json,
    write_record,
)

INDEX_VERSION = 1
RACY_SECONDS = 2.0
INDEX_NAME = "index.json"


def _sort_key(entry: Entry) -> tuple[float, str]:
    started = entry.started
    return (started.timestamp() if started is not None else 0.0, entry.path.name)


class RecordStore:
    """Session records under one folder (`<data>/sessions` by default)."""

    def __init__(self, root: Path | None = None, index_path: Path | None = None, *, use_index: bool = True,
                 now_ns: Callable[[], int] = time.time_ns) -> None:
        self.root = root if root is not None else paths.sessions_dir()
        self.index_path = index_path if index_path is not None else self.root.parent / INDEX_NAME
        self.use_index = use_index
        self._now_ns = now_ns
        self.last_scan: dict[str, int] = {}  # counts from the last entries(): cached, parsed, files

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
        if not isinstance(record, SessionRecord) or record.status != "in-progress":
            return False
        try:
            write_record(path, replace(record, status="stopped"))
        except OSError:
            return False
        return True

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

    def files(self) -> list[tuple[Path, os.stat_result]]:
        """Every `<root>/<folder>/*.toml` with its stat (temporary files skipped)."""
        found = []
        try:
            folders = [entry for entry in os.scandir(self.root) if entry.is_dir() and not entry.name.startswith(".")]
        except OSError:
            return []
        for folder in folders:
            try:
                with os.scandir(folder.path) as listing:
                    for entry in listing:
                        if entry.name.endswith(".toml") and not entry.name.startswith("."):
                            try:
                                if entry.is_file():
                                    found.append((Path(entry.path), entry.stat()))
                            except OSError:
                                continue
            except OSError:
                continue
        return found

    def entries(self) -> list[Entry]:
        """Every session file as a summary or an `Unreadable`, newest first."""
        scan_started = self._now_ns()
        cached = self._read_index() if self.use_index else {}
        fresh: dict[str, Any] = {}
        entries: list[Entry] = []
        counts = {"files": 0, "cached": 0, "parsed": 0}
        for path, stat in self.files():
            counts["files"] += 1
            key = path.relative_to(self.root).as_posix()
            signature = [stat.st_size, stat.st_mtime_ns, stat.st_ctime_ns, stat.st_ino]
            entry = self._from_cache(cached.get(key), signature, path)
            if entry is not None:
                counts["cached"] += 1
            else:
                counts["parsed"] += 1
                entry, cacheable = self._parse(path)
                if not cacheable:
                    entries.append(entry)
                    continue
            entries.append(entry)
            if stat.st_ctime_ns < scan_started - RACY_SECONDS * 1e9:
                fresh[key] = {"sig": signature, **_entry_to_json(entry)}
        entries.sort(key=_sort_key, reverse=True)
        self.last_scan = counts
        if self.use_index and fresh != cached:
            self._write_index(fresh)
        return entries

    def summaries(self) -> list[SessionSummary]:
        return [entry for entry in self.entries() if isinstance(entry, SessionSummary)]

    def in_progress(self) -> list[SessionSummary]:
        return [entry for entry in self.summaries() if entry.status == "in-progress"]

    # -- the index --------------------------------------------------------------------

    def _parse(self, path: Path) -> tuple[Entry, bool]:
        result = read_record(path)
        if isinstance(result, SessionRecord):
            return result.summary(path), True
        # "cannot be read" comes from the file system (permissions...), not the bytes: ask again next time.
        return result, not result.reason.startswith("cannot be read (")

    def _from_cache(self, cached: Any, signature: list[int], path: Path) -> Entry | None:
        if not isinstance(cached, dict) or cached.get("sig") != signature:
            return None
        try:
            if "unreadable" in cached:
                return Unreadable(path, str(cached["unreadable"]))
            return summary_from_json(cached["summary"], path)
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
        return data["files"]

    def _write_index(self, files: dict[str, Any]) -> None:
        document = {"version": INDEX_VERSION, "schema": SCHEMA, "root": str(self.root), "files": files}
        try:
            atomic_write(self.index_path, json.dumps(document, separators=(",", ":")).encode("utf-8"))
        except OSError:
            pass  # no cache this time; the files themselves are the truth


def _entry_to_json(entry: Entry) -> dict[str, Any]:
    if isinstance(entry, Unreadable):
        return {"unreadable": entry.reason}
    return {"summary": summary_to_json(entry)}
