"""The record store: where session files go, the history index over them, and the live-session markers.

The session files under `<data>/sessions/YYYY/` are the only truth. Two per-machine
helpers sit beside them, outside the (syncable) data folder:

- `index` (core/index.py): a SQLite cache of every file's summary in the user cache
  folder, for listing and counting quickly. It is brought up to date by `refresh()`
  (seconds for thousands of new files: in a worker thread in the UI) and, for the one
  file a session just wrote, by `update_one()`. Deleting it loses nothing. (Older
  versions kept `<data>/index.json`; it is simply ignored now.)
- `live` (core/live.py): the markers of sessions running now, so that start-up finds
  an interrupted session without looking at the history, and a session another
  window is running is never taken over.

The store writes a record only in four ways: the recorder's saves (while it is the
record's live writer), `mark_stopped` (its status, nothing else), `set_note` (its
note, nothing else) and `set_pain` (its ratings, nothing else). Unreadable files are
listed, never written. (Deleting moves a file to the trash whole: core/trash.py.)
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from contextlib import suppress
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backrelief_tui.core import kept, paths
from backrelief_tui.core.atomic import atomic_write
from backrelief_tui.core.files import read_regular
from backrelief_tui.core.index import Cancelled, IndexUnavailable, Progress, RefreshResult, SessionIndex
from backrelief_tui.core.records import (
    MAX_NOTE,
    MAX_RECORD_BYTES,
    PAIN_RANGE,
    Entry,
    SessionRecord,
    SessionStatus,
    SessionSummary,
    Unreadable,
    entry_to_json,
    parse_record,
    read_record,
    record_path,
    write_record,
)

# The live markers and the TOML editor load where they are used: `history` and `report` only read
# records and never need them, and every command pays for its imports.
if TYPE_CHECKING:
    from backrelief_tui.core.live import LiveMarkers


class LookupCancelled(Exception):
    """A look-up through the records was told to stop (`cancelled()` said so) before it was done."""


class RecordStore:
    """Session records under one folder (`<data>/sessions` by default)."""

    def __init__(self, root: Path | None = None, index_path: Path | None = None, *, live_dir: Path | None = None,
                 now_ns: Callable[[], int] = time.time_ns) -> None:
        self.root = root if root is not None else paths.sessions_dir()
        self.index_path = index_path if index_path is not None else paths.index_file()
        self.index = SessionIndex(self.root, self.index_path, now_ns=now_ns)
        self._live_dir = live_dir
        self._now_ns = now_ns
        self.last_refresh: RefreshResult | None = None

    @cached_property
    def live(self) -> LiveMarkers:
        """The live-session markers (made on first use: `history` and `report` never need them)."""
        from backrelief_tui.core.live import LiveMarkers

        return LiveMarkers(self._live_dir if self._live_dir is not None else paths.live_dir(), self.root)

    # -- single records ---------------------------------------------------------------

    def path_for(self, record: SessionRecord) -> Path:
        return record_path(self.root, record)

    def save(self, path: Path, record: SessionRecord) -> None:
        """Write one record atomically. Raises OSError (read-only or full disk)."""
        write_record(path, record)

    def load(self, path: Path) -> SessionRecord | Unreadable:
        return read_record(path)

    def mark_stopped(self, path: Path) -> bool:
        """Give up an interrupted session: its `status` line becomes "stopped", and nothing else changes.

        Every other byte of the file stays as it was (keys and comments added by hand
        included). Only a valid in-progress record is touched, and never one that another
        running process is writing. A live marker this process holds for it is released.
        Returns whether the record was changed.
        """
        marker = self.live.held_marker(path)
        if marker is None and self.live.running_elsewhere(path):
            return False  # another process is this session's writer
        raw, _reason = read_regular(path, MAX_RECORD_BYTES)
        if raw is None:
            return False
        record = parse_record(raw, path)
        if not isinstance(record, SessionRecord) or record.status is not SessionStatus.IN_PROGRESS:
            if marker is not None:
                marker.release()
            return False
        from backrelief_tui.core.toml_edit import set_top_level

        changed = set_top_level(raw, {"status": SessionStatus.STOPPED.value})
        if changed is None:  # no status line we can change alone: leave the file as it is
            if marker is not None:
                marker.release()
            return False
        try:
            atomic_write(path, changed)
        except OSError:
            if marker is not None:
                marker.abandon()  # still interrupted: tried again at the next start
            return False
        if marker is not None:
            marker.release()
        self._reindex(path)
        return True

    def set_note(self, path: Path, note: str) -> str | None:
        """Write the person's note into a record; returns what went wrong, or None.

        Only a file that reads as a valid record is touched, and only its `note`: every
        other byte (comments and keys added by hand included) stays as it was.
        """
        note = note.strip()
        if len(note) > MAX_NOTE:
            return f"a note is at most {MAX_NOTE} characters"
        return self._set_keys(path, {"note": note or None}, "the note")

    def set_pain(self, path: Path, **ratings: int | None) -> str | None:
        """Add or correct a record's pain ratings after the fact: `before=` and/or `after=` (0-10; None removes
        one). Returns what went wrong, or None.

        As with the note, only those keys change; a session another process is recording is left alone.
        """
        values: dict[str, Any] = {}
        for name, value in ratings.items():
            if name not in ("before", "after"):
                return f"{name} is not a pain rating (before or after)"
            if value is not None and (isinstance(value, bool) or not PAIN_RANGE[0] <= value <= PAIN_RANGE[1]):
                return f"pain {name} must be from {PAIN_RANGE[0]} to {PAIN_RANGE[1]} (got {value})"
            values[f"pain_{name}"] = value
        if self.live.held_marker(path) is None and self.live.running_elsewhere(path):
            return "this session is being recorded right now; rate it on its summary"
        return self._set_keys(path, values, "the ratings")

    def _set_keys(self, path: Path, values: dict[str, Any], what: str) -> str | None:
        """Set (or, for None, remove) top-level keys of a valid record; every other byte stays (core/toml_edit.py)."""
        raw, reason = read_regular(path, MAX_RECORD_BYTES)
        if raw is None:
            return f"the file {reason}"
        if not isinstance(parse_record(raw, path), SessionRecord):  # never raises
            return "the file is not a valid session record, so it is left as it is"
        from backrelief_tui.core.toml_edit import set_top_level

        changed = set_top_level(raw, values)
        if changed is None:
            return f"{what} could not be written without rewriting the file, so it is left as it is"
        try:
            atomic_write(path, changed)
        except OSError as error:
            return f"{what} could not be saved ({error.strerror or error})"
        self._reindex(path)
        return None

    def remove_stale_temp_files(self, older_than: float = 3600.0) -> int:
        """Delete temporary files left by a write that was killed midway (`.<name>.toml.*.tmp`).

        Only `atomic_write`'s own temporary files, and only old ones: a live writer's is seconds old.
        This lists every year folder, so it is not for start-up; `refresh()` does the same as it goes.
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

    # -- the index --------------------------------------------------------------------

    def refresh(self, *, progress: Progress | None = None, cancelled: Cancelled | None = None,
                wait: bool = True, since: date | None = None, trust_folders: bool = False) -> RefreshResult | None:
        """Bring the index up to date with the files; see `SessionIndex.refresh` (and `trust_folders` there:
        the app's refresh walks only the year folders that changed).

        `since` looks only at the year folders from that year on (what a report or
        `history --since` shows). Returns None when the index cannot be used at all (the
        listing then comes from parsing the files).
        """
        folders = None
        if since is not None:
            folders = [name for name in _folder_names(self.root) if not _year_before(name, since.year)]
        try:
            self.last_refresh = self.index.refresh(progress=progress, cancelled=cancelled, wait=wait,
                                                   folders=folders, trust_folders=trust_folders)
        except IndexUnavailable:
            self.last_refresh = None
        return self.last_refresh

    def update_one(self, path: Path) -> Entry | None:
        """Index one file again now (a session just ended): call it off the UI thread."""
        try:
            return self.index.update_one(path)
        except IndexUnavailable:
            return None

    def entries(self, *, since: date | None = None, routine: str | None = None) -> list[Entry]:
        """Every session file as a summary or an `Unreadable`, newest first (after a refresh).

        With `since` and `routine`, what `history --since --routine` lists. Without a
        usable index (an unwritable cache folder), every file is parsed.
        """
        if self.refresh(since=since) is None:
            return self._parse_all(since, routine)
        try:
            return self.index.entries(since=since, routine=routine)
        except IndexUnavailable:
            return self._parse_all(since, routine)

    def json_entries(self, *, since: date | None = None, routine: str | None = None) -> list[dict[str, Any]]:
        """`entries()` as `history --json` prints them (`records.entry_to_json`), from the index's rows directly."""
        if self.refresh(since=since) is not None:
            with suppress(IndexUnavailable):
                return self.index.json_entries(since=since, routine=routine)
        return [entry_to_json(entry) for entry in self._parse_all(since, routine)]

    def records_between(self, first: date, last: date, *,
                        cancelled: Cancelled | None = None) -> tuple[list[SessionRecord], int]:
        """What a report reads: the records started from `first` to `last`, oldest first, and how many
        files of the period could not be read (an unreadable file counts when its name says it started on
        or after `first`, or says nothing).

        Only the year folders from `first` on are looked at, and only the period's files read.
        `cancelled()` is asked before each file (and by the refresh): when it says so, `LookupCancelled`
        is raised, so a look-up in a thread stops within one file when its answer is no longer wanted.
        """
        is_cancelled = cancelled or (lambda: False)
        found: tuple[list[Path], int] | None = None
        if self.refresh(since=first, cancelled=is_cancelled) is not None:
            with suppress(IndexUnavailable):
                found = self.index.between(first, last)
        if found is None:  # no index: the slow way
            entries = self._parse_all(first, None)
            files = [e.path for e in reversed(entries) if isinstance(e, SessionSummary) and e.day <= last]
            found = files, sum(isinstance(e, Unreadable) for e in entries)
        files, unreadable = found
        records = []
        if is_cancelled():  # (the refresh stopped for it)
            raise LookupCancelled
        kept_records = KeptRecords(self.root, self.index_path.parent / "records")
        for path in files:
            if is_cancelled():
                raise LookupCancelled
            record = kept_records.read(path)
            if isinstance(record, SessionRecord):
                records.append(record)
            else:
                unreadable += 1
        return records, unreadable

    def summaries(self) -> list[SessionSummary]:
        return [entry for entry in self.entries() if isinstance(entry, SessionSummary)]

    def _reindex(self, path: Path) -> None:
        with suppress(IndexUnavailable):  # no index, no harm: the file is written
            self.index.update_one(path)

    def _parse_all(self, since: date | None, routine: str | None) -> list[Entry]:
        """The slow way, without an index: parse every file."""
        entries: list[Entry] = []
        for folder in sorted(_folder_names(self.root)):
            try:
                names = sorted(os.listdir(self.root / folder))
            except OSError:
                continue
            for name in names:
                path = self.root / folder / name
                if not name.endswith(".toml") or name.startswith(".") or not path.is_file():
                    continue
                result = read_record(path)
                entries.append(result.summary(path) if isinstance(result, SessionRecord) else result)
        entries.sort(key=_newest_first, reverse=True)
        return [entry for entry in entries if _selected(entry, since, routine)]


def _folder_names(root: Path) -> list[str]:
    try:
        return [entry.name for entry in os.scandir(root) if entry.is_dir() and not entry.name.startswith(".")]
    except OSError:
        return []


def _year_before(name: str, year: int) -> bool:
    return len(name) == 4 and name.isdigit() and int(name) < year


def _newest_first(entry: Entry) -> tuple[float, str]:
    started = entry.started
    return (started.timestamp() if started is not None else 0.0,
            entry.file if isinstance(entry, SessionSummary) else str(entry.path))


def _selected(entry: Entry, since: date | None, routine: str | None) -> bool:
    """The `history --since --routine` rule (as `SessionIndex.entries` has it in SQL, for the slow way):
    an unreadable file goes by what its name says, and is kept if its name says nothing."""
    if isinstance(entry, SessionSummary):
        return not (since and entry.day < since or routine and entry.routine != routine)
    return not (since and entry.started is not None and entry.started.date() < since
                or routine and entry.routine is not None and entry.routine != routine)


class KeptRecords:
    """`read_record`, through parsed copies kept in the cache folder while their files are unchanged.

    A report reads every record of its weeks, and parsing the TOML is most of its time (four
    weeks of a busy history: ~60 ms of ~200; a kept copy unpickles in a twentieth of that).
    A copy is kept under `<cache>/records/`, mirroring the sessions folder, under a key of
    the file's stamps (size, mtime, inode, ctime), the core's code and Python's version
    (core/kept.py: read only as a regular file, never through a link). A file changed in the
    last two seconds is read but not kept; an unreadable one is never kept.
    """

    MAGIC = "backrelief record, v1"

    def __init__(self, root: Path, folder: Path) -> None:
        import hashlib

        self.root, self.folder = str(root), str(folder)
        code = repr(kept.Stamps().code(kept.package_dirs("core")))
        self._code = hashlib.sha256(code.encode()).hexdigest()

    def read(self, path: Path) -> SessionRecord | Unreadable:
        relative = os.path.relpath(path, self.root)
        if relative.startswith(".."):  # not under the sessions folder: nothing kept for it
            return read_record(path)
        stamps, now = kept.Stamps(), time.time_ns()
        try:
            key = repr((self._code, stamps.file(str(path))))
        except OSError:
            return read_record(path)
        copy = os.path.join(self.folder, relative + ".pickle")
        if (found := kept.unpickled(copy, self.MAGIC, key, SessionRecord)) is not None:
            return found
        record = read_record(path)
        if isinstance(record, SessionRecord) and stamps.trusted(now):
            kept.keep_pickled(copy, self.MAGIC, key, record)
        return record
