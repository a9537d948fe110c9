"""The history index: a per-machine SQLite cache of what every session file says.

The session TOML files are the only truth (a person reads, syncs and edits them).
This index only makes them quick to look at, and can be deleted at any time: it
lives in the user cache folder (never in the synced data folder), holds one row per
file with its summary (or why it is unreadable), and answers the questions the
history screen and the CLI ask with SQL bounded by what is shown: a page of the
list, the header's and the charts' aggregates, the records of a date range.

When is a row still right? Each row keeps what the file was when its bytes were
read: its path relative to the sessions folder, size and mtime (the key a copy or a
sync that keeps mtimes leaves alone), plus its inode and ctime and a hash of its
bytes. A refresh stats every file and:

- same size, mtime, inode and ctime, read well after that ctime: unchanged. Any
  write moves the ctime (the kernel sets it; nobody can set it back), so these bytes
  are the ones we read. ("Well after": timestamps tick coarsely, so a write in the
  same tick as our read could keep every stamp; such racy rows are checked again.)
- anything else (a `cp -a` or a sync tool re-created the file, `touch`, an edit):
  the file's bytes are read and hashed, and only if the hash differs are they
  parsed. So re-creating every file costs a read per file, never a full re-parse,
  and a file rewritten with the same size and mtime (say, edited in place and its
  mtime put back) is still seen, because its ctime moved. The one thing this index
  cannot see is nothing: same bytes give the same summary.
- files that are gone drop out; new files are parsed.

The app's refresh may also trust the year folders (`refresh(trust_folders=True)`): a folder
whose own stamp (inode, mtime, ctime) is what it was at its last walk has had no file
added, removed or renamed, so it is not walked; a file rewritten in place is caught by a
full walk at least once a day (and by every CLI command, which never trusts them).

A refresh commits as it goes (every few hundred files), so quitting midway loses
nothing and the next refresh carries on where it stopped. One refresh at a time
per machine: an exclusive lock file next to the database; a second refresher waits
(or gives up, if asked to). Two processes writing rows at once (a refresh here, a
finished session's `update_one` there) are serialised by SQLite (WAL, busy
timeout); when two reads of the same file race, the later read wins.

A database that is missing, damaged (truncated, not SQLite), from another version
(`PRAGMA user_version`), for another sessions folder or for another record schema
is thrown away and rebuilt. Rows are checked when read back (a row with wrong types
counts as stale: the file is read again), never trusted into a TypeError.
Unreadable files stay listed with their reason; the index never writes a record.
"""

from __future__ import annotations

import fcntl
import os
import re
import sqlite3
import stat
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backrelief_tui.core.files import read_regular_stat
from backrelief_tui.core.records import (
    MAX_RECORD_BYTES,
    PAIN_RANGE,
    SCHEMA,
    SUMMARY_FIELDS,
    Entry,
    SessionRecord,
    SessionStatus,
    SessionSummary,
    Unreadable,
    entry_to_json,
    parse_record,
    session_json,
    started_from_name,
    unreadable_json,
)
from backrelief_tui.core.schedule import DEFAULT_GOAL

# core.stats and core.pain (fractions, decimal) load where the header's numbers are worked out:
# `history` never asks for them, and every command pays for its imports.
if TYPE_CHECKING:
    from backrelief_tui.core.pain import PainVerdict
    from backrelief_tui.core.stats import DayTotal, PainPoint, Stats

INDEX_VERSION = 5  # PRAGMA user_version: bump when the tables or what goes into a row change
# (4: `counts` follows stats.counts, now the nudges' rule: completed, or stopped after 3 minutes;
#  5: a completed session with no move done, skipped through, no longer counts)
APPLICATION_ID = 0x42524C46  # "BRLF": PRAGMA application_id, so a foreign SQLite file is recognised
RACY_NS = 2 * 10**9  # a row read within this long of its file's ctime is checked again (see above)
BUSY_SECONDS = 10.0  # how long a writer waits for another process's transaction
COMMIT_EVERY = 256  # files per transaction during a refresh (progress is reported after each)
COMMIT_SECONDS = 0.5  # ... or after this long, whichever comes first
WAIT_POLL_SECONDS = 0.1
LITTER_AGE_NS = 3600 * 10**9
FULL_WALK_AGE_NS = 24 * 3600 * 10**9  # `trust_folders` still stats every file when the last full walk is older
_FOLDER = "folder:"  # meta rows "folder:<name>": a year folder's stamp when a refresh last walked it
_RACY = "racy"  # ... a folder changed within RACY_NS of that walk: walked again next time

_PAIN_LOW, _PAIN_HIGH = PAIN_RANGE
_JDN_OF_ORDINAL_0 = 1721425  # date.fromordinal(n) is Julian day number n + this
_STATUSES = {status.value: status for status in SessionStatus}
# A start or end exactly as `datetime.isoformat()` writes it (no zero fraction, no "-00:00"): what this
# index stores, printed by `json_entries` as it is (isoformat() costs ~1 µs, and there are two a row).
_ISOFORMAT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.(?!000000)[0-9]{6})?"
                        r"(?:\+[0-9]{2}:[0-9]{2}|-(?!00:00)[0-9]{2}:[0-9]{2})").fullmatch
Progress = Callable[[int, int], None]  # (files read so far, files to read)
Cancelled = Callable[[], bool]


class Order(StrEnum):
    """The history list's orders (the screen's `s` key), in the screen's order."""

    NEWEST = "newest first"
    OLDEST = "oldest first"
    LONGEST = "longest first"
    ROUTINE = "by routine"
    RELIEF = "most relief first"


ORDERS: tuple[Order, ...] = tuple(Order)

# Readable sessions come first in every order but the two by date; ties keep the
# newest-first order (start, then file name, both descending), as a stable sort would.
_ORDER_SQL = {
    Order.NEWEST: "ts DESC, key DESC",
    Order.OLDEST: "ts ASC, key DESC",
    Order.LONGEST: "readable DESC, active_seconds DESC, ts DESC, key DESC",
    Order.ROUTINE: "readable DESC, title_key ASC, ts DESC, key DESC",
    Order.RELIEF: "readable DESC, relief DESC, ts DESC, key DESC",  # no relief (NULL) sorts last
}

_SUMMARY_COLUMNS = SUMMARY_FIELDS  # a row's summary, in the order `history --json` prints it (json_entries)
_ENTRY_COLUMNS = "SELECT key, readable, reason, " + ", ".join(_SUMMARY_COLUMNS)
_ORDER_INDEX = {Order.NEWEST: "files_newest", Order.OLDEST: "files_newest", Order.LONGEST: "files_longest",
                Order.ROUTINE: "files_by_title", Order.RELIEF: "files_relief"}

_ADD = """
    UPDATE totals SET files = files + 1, unreadable = unreadable + (NEW.readable = 0),
        counting = counting + NEW.counts,
        counting_tenths = counting_tenths + NEW.counts * CAST(round(COALESCE(NEW.active_seconds, 0) * 10) AS INTEGER);
    INSERT INTO routines (routine, sessions) SELECT NEW.routine, 1 WHERE NEW.readable = 1
        ON CONFLICT (routine) DO UPDATE SET sessions = sessions + 1;
    INSERT INTO days (day, sessions, counting, tenths, counting_tenths)
        SELECT NEW.day, 1, NEW.counts, CAST(round(COALESCE(NEW.active_seconds, 0) * 10) AS INTEGER),
               NEW.counts * CAST(round(COALESCE(NEW.active_seconds, 0) * 10) AS INTEGER)
        WHERE NEW.readable = 1 AND NEW.day IS NOT NULL
        ON CONFLICT (day) DO UPDATE SET sessions = sessions + 1, counting = counting + excluded.counting,
            tenths = tenths + excluded.tenths, counting_tenths = counting_tenths + excluded.counting_tenths;
    INSERT INTO weeks (week, counting) SELECT CAST((julianday(NEW.day) + 0.5) / 7 AS INTEGER), NEW.counts
        WHERE NEW.readable = 1 AND NEW.day IS NOT NULL
        ON CONFLICT (week) DO UPDATE SET counting = counting + excluded.counting;
"""
_REMOVE = """
    UPDATE totals SET files = files - 1, unreadable = unreadable - (OLD.readable = 0),
        counting = counting - OLD.counts,
        counting_tenths = counting_tenths - OLD.counts * CAST(round(COALESCE(OLD.active_seconds, 0) * 10) AS INTEGER);
    UPDATE routines SET sessions = sessions - 1 WHERE OLD.readable = 1 AND routine = OLD.routine;
    DELETE FROM routines WHERE OLD.readable = 1 AND routine = OLD.routine AND sessions <= 0;
    UPDATE days SET sessions = sessions - 1, counting = counting - OLD.counts,
        tenths = tenths - CAST(round(COALESCE(OLD.active_seconds, 0) * 10) AS INTEGER),
        counting_tenths = counting_tenths - OLD.counts * CAST(round(COALESCE(OLD.active_seconds, 0) * 10) AS INTEGER)
        WHERE OLD.readable = 1 AND day = OLD.day;
    DELETE FROM days WHERE OLD.readable = 1 AND day = OLD.day AND sessions <= 0;
    UPDATE weeks SET counting = counting - OLD.counts
        WHERE OLD.readable = 1 AND OLD.day IS NOT NULL AND week = CAST((julianday(OLD.day) + 0.5) / 7 AS INTEGER);
"""
# A day that starts counting joins the run that ends the day before (extended over it and over the
# run that starts the day after), or starts a run of its own (taking in the run after it).
_JOIN = """
    UPDATE runs SET
        last = COALESCE((SELECT r.last FROM runs AS r WHERE r.first = date({day}, '+1 day')), {day}),
        length = CAST(julianday(COALESCE((SELECT r.last FROM runs AS r WHERE r.first = date({day}, '+1 day')),
                                         {day})) - julianday(first) AS INTEGER) + 1
        WHERE last = date({day}, '-1 day');
    INSERT INTO runs (first, last, length)
        SELECT {day}, last, CAST(julianday(last) - julianday({day}) AS INTEGER) + 1 FROM (SELECT
            COALESCE((SELECT last FROM runs WHERE first = date({day}, '+1 day')), {day}) AS last)
        WHERE NOT EXISTS (SELECT 1 FROM runs WHERE first <= {day} AND last >= {day});
    DELETE FROM runs WHERE first = date({day}, '+1 day');
"""
# A day that stops counting splits its run in two (either part may be empty). (Plain statements,
# no INSERT OR REPLACE: an outer statement's conflict handling would override a trigger's.)
_SPLIT = """
    INSERT INTO runs (first, last, length)
        SELECT date({day}, '+1 day'), last, CAST(julianday(last) - julianday({day}) AS INTEGER)
        FROM runs WHERE first <= {day} AND last > {day};
    UPDATE runs SET last = date({day}, '-1 day'), length = CAST(julianday({day}) - julianday(first) AS INTEGER)
        WHERE first < {day} AND last >= {day};
    DELETE FROM runs WHERE first = {day};
"""

# The rows, plus what the header and the charts need kept up to date by triggers, so that
# no question `h` asks costs more than a few index look-ups, however long the history.
_SCHEMA: tuple[str, ...] = (
    "CREATE TABLE meta (name TEXT PRIMARY KEY, value TEXT NOT NULL) STRICT",
    """CREATE TABLE files (
    key TEXT PRIMARY KEY,          -- path relative to the sessions folder: YYYY/<name>.toml
    size INTEGER NOT NULL,         -- what the file was when its bytes were read
    mtime_ns INTEGER NOT NULL,
    ino INTEGER NOT NULL,
    ctime_ns INTEGER NOT NULL,
    digest BLOB NOT NULL,          -- hash of those bytes; empty when they could not be read
    read_ns INTEGER NOT NULL,      -- when they were read (racy rows; the later read wins)
    readable INTEGER NOT NULL,     -- 1: a session summary, 0: unreadable
    reason TEXT,                   -- why it is unreadable
    ts REAL NOT NULL,              -- start as a POSIX timestamp, for sorting (0: unknown)
    day TEXT,                      -- start day where the person was, YYYY-MM-DD (NULL: unknown)
    routine TEXT,                  -- for an unreadable file: what its name says, if anything
    title_key TEXT,                -- lower-case title, for sorting by routine
    counts INTEGER NOT NULL,       -- 1 when it counts toward a streak (stats.counts)
    relief INTEGER,                -- pain before minus after, when both were given
    id TEXT, routine_title TEXT, started TEXT, ended TEXT, status TEXT,
    planned_seconds INTEGER, active_seconds REAL, paused_seconds REAL, pauses INTEGER,
    steps_total INTEGER, steps_finished INTEGER, moves_total INTEGER, moves_done INTEGER,
    pain_before INTEGER, pain_after INTEGER, note TEXT
) STRICT""",
    # One index per order of the list (and the routine filter), so a page is read in order, never sorted.
    "CREATE INDEX files_newest ON files (ts DESC, key DESC)",
    "CREATE INDEX files_routine ON files (readable, routine, ts DESC, key DESC)",
    "CREATE INDEX files_longest ON files (readable DESC, active_seconds DESC, ts DESC, key DESC)",
    "CREATE INDEX files_by_title ON files (readable DESC, title_key, ts DESC, key DESC)",
    "CREATE INDEX files_relief ON files (readable DESC, relief DESC, ts DESC, key DESC)",
    "CREATE INDEX files_day ON files (day, ts, key)",
    # What a refresh compares every file with, read without touching the wide rows.
    "CREATE INDEX files_stamps ON files (key, size, mtime_ns, ino, ctime_ns, digest, read_ns)",
    "CREATE INDEX files_pain ON files (ts DESC, key) WHERE pain_before IS NOT NULL OR pain_after IS NOT NULL",
    # Counts kept as rows change. Times in tenths of a second: whole numbers add up exactly.
    """CREATE TABLE totals (one INTEGER PRIMARY KEY CHECK (one = 1), files INTEGER NOT NULL,
        unreadable INTEGER NOT NULL, counting INTEGER NOT NULL, counting_tenths INTEGER NOT NULL) STRICT""",
    "INSERT INTO totals VALUES (1, 0, 0, 0, 0)",
    "CREATE TABLE routines (routine TEXT PRIMARY KEY, sessions INTEGER NOT NULL) STRICT, WITHOUT ROWID",
    """CREATE TABLE days (day TEXT PRIMARY KEY, sessions INTEGER NOT NULL, counting INTEGER NOT NULL,
        tenths INTEGER NOT NULL, counting_tenths INTEGER NOT NULL) STRICT, WITHOUT ROWID""",
    # Sessions that count per ISO week, by its Monday's Julian day number / 7 (JDN 0 was a Monday): the
    # weekly goal's streaks without grouping the days.
    "CREATE TABLE weeks (week INTEGER PRIMARY KEY, counting INTEGER NOT NULL) STRICT",
    # Runs of consecutive days with a counting session (the streaks), first and last day each.
    """CREATE TABLE runs (first TEXT PRIMARY KEY, last TEXT NOT NULL, length INTEGER NOT NULL)
        STRICT, WITHOUT ROWID""",
    "CREATE INDEX runs_last ON runs (last)",
    "CREATE INDEX runs_length ON runs (length)",
    f"CREATE TRIGGER files_added AFTER INSERT ON files BEGIN {_ADD} END",
    f"CREATE TRIGGER files_removed AFTER DELETE ON files BEGIN {_REMOVE} END",
    "CREATE TRIGGER files_changed AFTER UPDATE OF readable, day, routine, counts, active_seconds ON files "
    f"BEGIN {_REMOVE} {_ADD} END",
    f"CREATE TRIGGER day_added AFTER INSERT ON days WHEN NEW.counting > 0 BEGIN {_JOIN.format(day='NEW.day')} END",
    "CREATE TRIGGER day_counts AFTER UPDATE OF counting ON days WHEN OLD.counting = 0 AND NEW.counting > 0 "
    f"BEGIN {_JOIN.format(day='NEW.day')} END",
    "CREATE TRIGGER day_stops AFTER UPDATE OF counting ON days WHEN OLD.counting > 0 AND NEW.counting = 0 "
    f"BEGIN {_SPLIT.format(day='OLD.day')} END",
    f"CREATE TRIGGER day_removed AFTER DELETE ON days WHEN OLD.counting > 0 BEGIN {_SPLIT.format(day='OLD.day')} END",
    f"PRAGMA application_id = {APPLICATION_ID}",
    f"PRAGMA user_version = {INDEX_VERSION}",
)

_ROW_COLUMNS = ("key", "size", "mtime_ns", "ino", "ctime_ns", "digest", "read_ns", "readable", "reason", "ts",
                "day", "routine", "title_key", "counts", "relief") + tuple(c for c in _SUMMARY_COLUMNS
                                                                        if c != "routine")
_UPSERT = (f"INSERT INTO files ({', '.join(_ROW_COLUMNS)}) VALUES ({', '.join('?' * len(_ROW_COLUMNS))}) "
           "ON CONFLICT (key) DO UPDATE SET "
           + ", ".join(f"{c} = excluded.{c}" for c in _ROW_COLUMNS if c != "key")
           + " WHERE excluded.read_ns >= files.read_ns")
_SAME_BYTES = ("UPDATE files SET size = ?, mtime_ns = ?, ino = ?, ctime_ns = ?, read_ns = ? "
               "WHERE key = ? AND digest = ? AND read_ns <= ?")


class IndexUnavailable(Exception):
    """The cache database cannot be used at all (say, an unwritable cache folder)."""


@dataclass(frozen=True)
class RefreshResult:
    """What a refresh did. `complete` is False when it was cancelled (it resumes next time)."""

    files: int = 0  # session files found
    unchanged: int = 0  # trusted from their stamps alone
    same_bytes: int = 0  # read and hashed: the bytes had not changed, so not parsed
    parsed: int = 0
    removed: int = 0
    complete: bool = True
    skipped: bool = False  # another process was refreshing and we were told not to wait
    seconds: float = 0.0


@dataclass(frozen=True)
class Overview:
    """Everything above the history table, from aggregates."""

    stats: Stats
    sessions: int  # readable session files
    unreadable: int
    routines: tuple[tuple[str, str], ...]  # (routine id, its newest title), by title


# Plain tuples, not dataclasses: a refresh makes one of each per file.
_Stamp = tuple[int, int, int, int]  # size, mtime_ns, inode, ctime_ns
_Known = tuple[_Stamp, bytes, int]  # a row's stamp, digest and read_ns
_ODD_ROW: _Known = ((-1, -1, -1, -1), b"", -1)  # a row with wrong types: read the file again


class _Plan:
    def __init__(self) -> None:
        self.files = 0
        self.unchanged = 0
        self.to_read: list[tuple[str, str, _Known | None]] = []  # (key, path, its row)
        self.gone: list[str] = []


class _StaleRow(Exception):
    """A row that is not what this version writes: the file is read again."""


def _stamp(st: os.stat_result) -> _Stamp:
    # SQLite integers are signed 64-bit; inode numbers may use all 64 bits.
    ino = st.st_ino - (1 << 64) if st.st_ino >= 1 << 63 else st.st_ino
    return st.st_size, st.st_mtime_ns, ino, st.st_ctime_ns


class SessionIndex:
    """The index of one sessions folder, in one database file. Safe to use from several threads."""

    def __init__(self, root: Path, db_path: Path, *, now_ns: Callable[[], int] = time.time_ns) -> None:
        self.root = root
        self.db_path = db_path
        self.lock_path = db_path.with_name(db_path.name + ".lock")
        self._now_ns = now_ns
        self._root_text = str(root)
        self._root_prefix = os.path.join(self._root_text, "")  # + key = the file's path (a row's key has no "..")
        self._local = threading.local()
        self._reset_lock = threading.Lock()

    # -- queries --------------------------------------------------------------------------

    def page(self, order: Order = Order.NEWEST, *, routine: str | None = None, unreadable: bool = False,
             offset: int = 0, limit: int = 60) -> list[Entry]:
        """One page of the history list: `routine` keeps that routine's sessions, `unreadable` only
        unreadable files (else everything). Read in order from an index: never a sort of the history."""
        order = Order(order)
        params: tuple[str, ...] = ()
        if unreadable:
            where, hint = " WHERE readable = 0", "files_routine"  # a few rows: any order is quick
        elif routine is not None:
            where, params = " WHERE readable = 1 AND routine = ?", (routine,)
            hint = "files_routine" if order in (Order.NEWEST, Order.OLDEST) else _ORDER_INDEX[order]
        else:
            where, hint = "", _ORDER_INDEX[order]
        sql = f"{_ENTRY_COLUMNS} FROM files INDEXED BY {hint}{where} ORDER BY {_ORDER_SQL[order]} LIMIT ? OFFSET ?"
        return self._entries(sql, (*params, max(0, limit), max(0, offset)))

    def count(self, *, routine: str | None = None, unreadable: bool = False) -> int:
        """How many rows `page` can give with the same filter (from counts kept up to date: no scan)."""
        if unreadable:
            row = self._query_one("SELECT unreadable FROM totals")
        elif routine is not None:
            row = self._query_one("SELECT sessions FROM routines WHERE routine = ?", (routine,))
        else:
            row = self._query_one("SELECT files FROM totals")
        return _int(row[0]) if row is not None else 0

    def entries(self, *, since: date | None = None, routine: str | None = None) -> list[Entry]:
        """Every file, newest first, as `history` lists them: sessions from `since` on and of `routine`;
        an unreadable file goes by what its name says, and is kept if its name says nothing."""
        entries: list[Entry] = self._entries(*self._listing(since, routine))
        return entries

    def json_entries(self, *, since: date | None = None, routine: str | None = None) -> list[dict[str, Any]]:
        """`entries()` as `history --json` prints them (`records.entry_to_json`), made from the checked rows
        without a summary in between (no datetime made only to be turned back into the text it came from)."""
        items: list[dict[str, Any]] = self._entries(*self._listing(since, routine), as_json=True)
        return items

    def _listing(self, since: date | None, routine: str | None) -> tuple[str, tuple[Any, ...]]:
        clauses, params = [], []
        if since is not None:
            clauses.append("(day IS NULL AND readable = 0 OR day >= ?)")
            params.append(since.isoformat())
        if routine is not None:
            clauses.append("(routine = ? OR readable = 0 AND routine IS NULL)")
            params.append(routine)
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        return (f"{_ENTRY_COLUMNS} FROM files INDEXED BY files_newest{where} ORDER BY {_ORDER_SQL[Order.NEWEST]}",
                tuple(params))

    def between(self, first: date, last: date) -> tuple[list[Path], int]:
        """What a report reads: the session files started from `first` to `last` (oldest first), and how
        many unreadable files may belong to the period (their name says it started on or after `first`,
        or says nothing)."""
        keys = self._query("SELECT key FROM files INDEXED BY files_day WHERE day BETWEEN ? AND ? AND readable = 1 "
                           "ORDER BY ts ASC, key ASC", (first.isoformat(), last.isoformat()))
        row = self._query_one("SELECT COUNT(*) FROM files INDEXED BY files_routine "
                              "WHERE readable = 0 AND (day IS NULL OR day >= ?)", (first.isoformat(),))
        return [self.root / key for (key,) in keys if type(key) is str], _int(row[0]) if row is not None else 0

    def routines(self) -> list[tuple[str, str]]:
        """(routine id, the title of its newest session) for every routine with a readable session, by title."""
        rows = self._query(
            "SELECT routine, (SELECT routine_title FROM files INDEXED BY files_routine WHERE readable = 1 "
            "AND files.routine = routines.routine ORDER BY ts DESC, key DESC LIMIT 1) FROM routines")
        found = [(rid, title) for rid, title in rows if type(rid) is str and type(title) is str]
        return sorted(found, key=lambda item: (item[1].lower(), item[0]))

    def overview(self, today: date, goal: int = DEFAULT_GOAL) -> Overview:
        """The streaks, totals, charts and filter choices the history screen shows above its table."""
        row = self._query_one("SELECT files, unreadable FROM totals")
        files, unreadable = (_int(row[0]), _int(row[1])) if row is not None else (0, 0)
        return Overview(self.stats(today, goal), files - unreadable, unreadable, tuple(self.routines()))

    def stats(self, today: date, goal: int = DEFAULT_GOAL) -> Stats:
        """`stats.compute()` over every readable session, from the counts kept per day (twelve weeks at most
        are read day by day; the weekly goal's streak adds one grouped query over the days)."""
        from backrelief_tui.core.stats import (
            CALENDAR_WEEKS,
            CHART_DAYS,
            PAIN_POINTS,
            PAIN_WEEKS,
            PainPoint,
            Stats,
            calendar,
            goal_streaks,
            week_start,
            weekly_pain,
        )

        week_first = week_start(today)
        chart_start = today - timedelta(days=CHART_DAYS - 1)
        calendar_start = week_first - timedelta(weeks=CALENDAR_WEEKS - 1)
        first = min(week_first, today.replace(day=1), chart_start, calendar_start)
        total = self._query_one("SELECT counting, counting_tenths FROM totals")
        count, tenths = (_int(total[0]), _int(total[1])) if total is not None else (0, 0)
        days = {total.day: total for total in self.day_totals(first, today)}
        daily = [0.0] * CHART_DAYS
        week, month = [0, 0], [0, 0]  # sessions, tenths of a second
        for day, day_total in days.items():
            if 0 <= (day - chart_start).days < CHART_DAYS:
                daily[(day - chart_start).days] = day_total.minutes
            if day >= week_first:
                week[0] += day_total.sessions
                week[1] += day_total.tenths
            if (day.year, day.month) == (today.year, today.month):
                month[0] += day_total.sessions
                month[1] += day_total.tenths
        best, current = self._streaks(today)
        goal_streak, best_goal_streak = goal_streaks(self.week_counts(today), goal, today)
        pain = [PainPoint(_date(day), _pain(before), _pain(after)) for day, before, after in reversed(self._query(
            "SELECT day, pain_before, pain_after FROM files INDEXED BY files_pain "
            "WHERE pain_before IS NOT NULL OR pain_after IS NOT NULL ORDER BY ts DESC, key ASC LIMIT ?",
            (PAIN_POINTS,)))]
        return Stats(
            today=today, streak=current, best_streak=best,
            week_sessions=week[0], week_minutes=week[1] / 600,
            month_sessions=month[0], month_minutes=month[1] / 600,
            total_sessions=count, total_minutes=tenths / 600,
            daily_minutes=tuple(daily), pain=tuple(pain),
            goal=goal, goal_streak=goal_streak, best_goal_streak=best_goal_streak,
            calendar=calendar(days, today),
            weekly_pain=weekly_pain(self.pain_points(week_first - timedelta(weeks=PAIN_WEEKS - 1), today), today),
            pain_verdict=self.pain_verdict(today),
        )

    def day_totals(self, first: date | None = None, last: date | None = None) -> list[DayTotal]:
        """The sessions that count (stats.counts) and their time, per day with any, oldest first."""
        from backrelief_tui.core.stats import DayTotal

        rows = self._query("SELECT day, counting, counting_tenths FROM days WHERE counting > 0 "
                           "AND day BETWEEN ? AND ? ORDER BY day",
                           ((first or date.min).isoformat(), (last or date.max).isoformat()))
        totals = [DayTotal(_date(day), _int(sessions), _int(day_tenths)) for day, sessions, day_tenths in rows]
        return [total for total in totals if total.day != date.min]

    def week_counts(self, last: date | None = None) -> dict[date, int]:
        """Sessions that count per ISO week (by its Monday), up to `last`: for the weekly goal's streak."""
        if last is None:
            rows = self._query("SELECT week, counting FROM weeks WHERE counting > 0")
        else:  # the week of `last` counts only up to `last`
            monday = last - timedelta(days=last.weekday())
            rows = self._query("SELECT week, counting FROM weeks WHERE counting > 0 AND week < ?",
                               ((monday.toordinal() + _JDN_OF_ORDINAL_0) // 7,))
            rows.append(((monday.toordinal() + _JDN_OF_ORDINAL_0) // 7,
                         sum(total.sessions for total in self.day_totals(monday, last))))
        weeks: dict[date, int] = {}
        for week, sessions in rows:
            if type(week) is int and 0 < week * 7 - _JDN_OF_ORDINAL_0 <= date.max.toordinal() and _int(sessions):
                weeks[date.fromordinal(week * 7 - _JDN_OF_ORDINAL_0)] = _int(sessions)
        return weeks

    def pain_points(self, first: date | None = None, last: date | None = None) -> list[PainPoint]:
        """Every rated session from `first` to `last`, oldest first."""
        from backrelief_tui.core.stats import PainPoint

        rows = self._query(
            "SELECT day, pain_before, pain_after FROM files INDEXED BY files_day WHERE day BETWEEN ? AND ? "
            "AND readable = 1 AND (pain_before IS NOT NULL OR pain_after IS NOT NULL) ORDER BY day, ts, key",
            ((first or date.min).isoformat(), (last or date.max).isoformat()))
        points = [PainPoint(_date(day), _pain(before), _pain(after)) for day, before, after in rows]
        return [point for point in points if point.day != date.min]

    def first_rated_day(self, last: date | None = None) -> date | None:
        """The day of the oldest before-session pain rating (up to `last`): where the pain baseline starts."""
        # The oldest rating by time comes from the (small) index of rated sessions; the oldest by day, on the
        # person's own calendar, is at most two days before it (UTC offsets span 26 hours).
        last_text = (last or date.max).isoformat()
        row = self._query_one(
            "SELECT day FROM files INDEXED BY files_pain WHERE (pain_before IS NOT NULL OR pain_after IS NOT NULL) "
            "AND pain_before IS NOT NULL AND day <= ? ORDER BY ts ASC LIMIT 1", (last_text,))
        oldest = _date(row[0]) if row is not None else date.min
        if oldest == date.min:
            return None
        row = self._query_one(
            "SELECT day FROM files INDEXED BY files_day WHERE day BETWEEN ? AND ? AND readable = 1 "
            "AND pain_before IS NOT NULL ORDER BY day LIMIT 1",
            ((oldest - timedelta(days=2)).isoformat(), min(oldest.isoformat(), last_text)))
        day = _date(row[0]) if row is not None else oldest
        return oldest if day == date.min else day

    def first_day(self) -> date | None:
        """The day of the oldest session that counts."""
        row = self._query_one("SELECT MIN(day) FROM days WHERE counting > 0")
        day = _date(row[0]) if row is not None else date.min
        return None if day == date.min else day

    def pain_verdict(self, today: date) -> PainVerdict | None:
        """`pain.pain_verdict` from the first two weeks' and the last two weeks' ratings only."""
        from backrelief_tui.core.pain import baseline_period, pain_verdict, recent_period

        first = self.first_rated_day(today)
        if first is None:
            return None
        ratings: list[tuple[date, int]] = []
        for window_first, window_last in (baseline_period(first), recent_period(first, today)):
            ratings += [(p.day, p.before) for p in self.pain_points(window_first, min(window_last, today))
                        if p.before is not None]
        return pain_verdict(ratings, today)

    def _streaks(self, today: date) -> tuple[int, int]:
        """(best streak, current streak), from the runs of days kept up to date."""
        best = self._query_one("SELECT MAX(length) FROM runs")
        yesterday = today - timedelta(days=1)
        current = 0
        for day in (today, yesterday):  # a streak still stands if only today is missing
            row = self._query_one("SELECT first FROM runs WHERE last >= ? ORDER BY last LIMIT 1", (day.isoformat(),))
            first = _date(row[0]) if row is not None else None
            if first is not None and first <= day:
                current = (day - first).days + 1
                break
        return _int(best[0]) if best is not None else 0, current

    # -- keeping it up to date ------------------------------------------------------------

    def refresh(self, *, progress: Progress | None = None, cancelled: Cancelled | None = None,
                wait: bool = True, folders: Iterable[str] | None = None,
                trust_folders: bool = False) -> RefreshResult:
        """Bring the index up to date with the files (see the module docstring for how).

        Runs for as long as it takes (seconds for a first build of thousands of files): call
        it from a worker thread in the UI. `progress(done, total)` is called as files are
        read; `cancelled()` is checked between files, and a cancelled refresh keeps what it
        did. When another process is refreshing, this one waits for it (`wait`, checking
        `cancelled`) or returns at once with `skipped`. `folders` limits it to those
        subfolders of the sessions folder (a report only needs its years).

        With `trust_folders` (the app's refresh), a year folder whose own stamp (inode, mtime,
        ctime) is what it was when a refresh last walked it is not walked again: adding,
        removing or renaming a file in a folder changes its stamp (a sync tool writing a
        temporary file and renaming it, `cp`, `mv`, an editor that saves by renaming), so
        nothing of that is missed, and an unchanged history of 100,000 files costs a stat per
        folder, not per file. A file rewritten in place leaves its folder's stamp alone: for
        that, every file is still stat-ed when the last full walk is over a day old (and by
        every CLI command, which never trusts the folders).
        """
        started = time.perf_counter()
        is_cancelled = cancelled or (lambda: False)
        chosen = None if folders is None else sorted(set(folders))
        with self._refresh_lock(wait, is_cancelled) as locked:
            if not locked:
                return RefreshResult(skipped=True, complete=False, seconds=time.perf_counter() - started)
            result: RefreshResult = self._use(lambda connection: self._refresh(connection, progress, is_cancelled,
                                                                               chosen, trust_folders))
        return replace(result, seconds=time.perf_counter() - started)

    def update_one(self, path: Path) -> Entry | None:
        """Read one file again now (a session just ended, a note was written): its row, or None when it is
        gone or not under the sessions folder."""
        key = self._key(path)
        if key is None:
            return None
        entry: Entry | None = self._use(lambda connection: self._update_one(connection, key))
        return entry

    def needs_refresh(self) -> bool:
        """Whether a refresh has never completed here (a first start, or a rebuild that was cut short)."""
        value = self._query_one("SELECT value FROM meta WHERE name = 'complete'", ())
        return value is None or value[0] != "1"

    def close(self) -> None:
        """Close this thread's connection (others close with their threads)."""
        connection = getattr(self._local, "connection", None)
        self._local.connection = None
        if connection is not None:
            connection.close()

    # -- the refresh itself -----------------------------------------------------------------

    def _plan(self, connection: sqlite3.Connection, folders: list[str] | None,
              cancelled: Cancelled) -> _Plan | None:
        """Stat every file against its row: what to read, and which rows are gone. None when cancelled."""
        known = self._known(connection, folders)  # before the walk: rows added meanwhile are not "gone"
        plan = _Plan()
        for key, file, found in self._walk(folders):
            plan.files += 1
            if plan.files % 256 == 0 and cancelled():
                return None
            old = known.pop(key, None)
            if (old is not None and old[1] and old[0] == _stamp(found)
                    and old[2] - found.st_ctime_ns > RACY_NS):
                plan.unchanged += 1
                continue
            plan.to_read.append((key, file, old))
        plan.gone = list(known)
        return plan

    def _refresh(self, connection: sqlite3.Connection, progress: Progress | None, cancelled: Cancelled,
                 folders: list[str] | None, trust_folders: bool = False) -> RefreshResult:
        snapshot_ns = self._now_ns()
        on_disk = self._folders_on_disk()
        wanted = on_disk if folders is None else sorted(set(folders) & set(on_disk))
        stamps = {name: self._folder_stamp(name, snapshot_ns) for name in wanted}  # before the walk
        whole = folders is None
        if trust_folders and self._folders_trusted(connection, snapshot_ns):
            saved = self._saved_folders(connection)
            changed = [name for name, stamp in stamps.items() if stamp == _RACY or saved.get(name) != stamp]
            gone = [name for name in saved if name not in stamps and (folders is None or name in folders)]
            folders, whole = sorted(changed + gone), False
        result = self._refresh_folders(connection, progress, cancelled, folders, snapshot_ns)
        if result.complete:
            self._keep_folder_stamps(connection, stamps, folders, whole, snapshot_ns)
        return result

    def _refresh_folders(self, connection: sqlite3.Connection, progress: Progress | None, cancelled: Cancelled,
                         folders: list[str] | None, snapshot_ns: int) -> RefreshResult:
        if folders is not None and not folders:
            return RefreshResult()  # every folder as it was: nothing to walk
        plan = self._plan(connection, folders, cancelled)
        if plan is None:
            return RefreshResult(complete=False)
        files, unchanged, to_read = plan.files, plan.unchanged, plan.to_read
        removed = self._remove_gone(connection, plan.gone, snapshot_ns)
        total = len(to_read)
        if progress is not None:
            progress(0, total)
        same = parsed = 0
        rows: list[tuple[Any, ...]] = []
        same_rows: list[tuple[Any, ...]] = []
        last_commit = time.monotonic()
        for done, (key, file, old) in enumerate(to_read, 1):
            if cancelled():  # checked before every file: a quit waits for one file at most
                self._commit(connection, rows, same_rows)  # and keeps what was read
                return RefreshResult(files, unchanged, same, parsed, removed, complete=False)
            read_ns = self._now_ns()
            raw, st, problem = _read(file)
            if st is not None:  # (else gone since the walk: the next refresh drops its row)
                digest = _digest(raw) if raw is not None else b""
                if old is not None and digest and digest == old[1]:
                    same_rows.append((*_stamp(st), read_ns, key, digest, read_ns))
                    same += 1
                else:
                    rows.append(self._row(key, file, raw, problem, st, digest, read_ns))
                    parsed += 1
            if len(rows) + len(same_rows) >= COMMIT_EVERY or time.monotonic() - last_commit > COMMIT_SECONDS:
                self._commit(connection, rows, same_rows)
                rows, same_rows, last_commit = [], [], time.monotonic()
                if progress is not None:
                    progress(done, total)
        self._commit(connection, rows, same_rows)
        if progress is not None and total:
            progress(total, total)
        if folders is None:
            self._set_meta(connection, "complete", "1")
        return RefreshResult(files, unchanged, same, parsed, removed)

    # -- the folders' stamps (`trust_folders`) ---------------------------------------------------

    def _folders_on_disk(self) -> list[str]:
        """The subfolders a refresh walks (as `_walk` picks them)."""
        try:
            with os.scandir(self._root_text) as listing:
                return sorted(e.name for e in listing if not e.name.startswith(".") and e.is_dir())
        except OSError:
            return []

    def _folder_stamp(self, name: str, now_ns: int) -> str:
        """A folder's inode, mtime and ctime as text; `_RACY` when it changed too lately to be trusted (a file
        added in the same clock tick as a later look would leave the stamp as it is)."""
        try:
            st = os.stat(os.path.join(self._root_text, name))
        except OSError:
            return _RACY
        if now_ns - st.st_ctime_ns <= RACY_NS:
            return _RACY
        return f"{st.st_ino} {st.st_mtime_ns} {st.st_ctime_ns}"

    def _folders_trusted(self, connection: sqlite3.Connection, now_ns: int) -> bool:
        """A full walk completed here less than FULL_WALK_AGE_NS ago (so the folders' stamps may be trusted)."""
        meta = dict(connection.execute("SELECT name, value FROM meta WHERE name IN ('complete', 'full_ns')"))
        full_ns = meta.get("full_ns")
        return (meta.get("complete") == "1" and isinstance(full_ns, str) and full_ns.isdigit()
                and 0 <= now_ns - int(full_ns) < FULL_WALK_AGE_NS)

    def _saved_folders(self, connection: sqlite3.Connection) -> dict[str, str]:
        rows = connection.execute("SELECT name, value FROM meta WHERE name >= ? AND name < ?",
                                  (_FOLDER, _FOLDER[:-1] + ";"))
        return {name[len(_FOLDER):]: value for name, value in rows if type(name) is str and type(value) is str}

    def _keep_folder_stamps(self, connection: sqlite3.Connection, stamps: dict[str, str],
                            walked: list[str] | None, whole: bool, snapshot_ns: int) -> None:
        """After a walk that completed: the walked folders' stamps as they were before it (a change during the
        walk shows next time), gone folders forgotten; after a full walk, when it was."""
        saved = self._saved_folders(connection)
        names = set(stamps if walked is None else walked) | (set(saved) if whole else set())
        gone = [(_FOLDER + name,) for name in names if name not in stamps and name in saved]
        kept = [(_FOLDER + name, stamps[name]) for name in names if name in stamps and saved.get(name) != stamps[name]]
        if not (gone or kept or whole):
            return  # (no write for a refresh that found every folder as it was)
        with _transaction(connection):
            connection.executemany("DELETE FROM meta WHERE name = ?", gone)
            connection.executemany("INSERT INTO meta (name, value) VALUES (?, ?) "
                                   "ON CONFLICT (name) DO UPDATE SET value = excluded.value", kept)
            if whole:
                connection.execute("INSERT INTO meta (name, value) VALUES ('full_ns', ?) "
                                   "ON CONFLICT (name) DO UPDATE SET value = excluded.value", (str(snapshot_ns),))

    def _known(self, connection: sqlite3.Connection, folders: list[str] | None) -> dict[str, _Known]:
        known: dict[str, _Known] = {}
        sql = "SELECT key, size, mtime_ns, ino, ctime_ns, digest, read_ns FROM files INDEXED BY files_stamps"
        queries: list[tuple[str, tuple[Any, ...]]] = [(sql, ())]
        if folders is not None:
            queries = [(sql + " WHERE key >= ? AND key < ?", (folder + "/", folder + "0")) for folder in folders]
        for query, params in queries:
            for key, size, mtime_ns, ino, ctime_ns, digest, read_ns in connection.execute(query, params):
                if (type(size) is type(mtime_ns) is type(ino) is type(ctime_ns) is type(read_ns) is int
                        and type(digest) is bytes):
                    known[key] = ((size, mtime_ns, ino, ctime_ns), digest, read_ns)
                else:
                    known[key] = _ODD_ROW
        return known

    def _walk(self, folders: list[str] | None) -> Iterator[tuple[str, str, os.stat_result]]:
        """Every `<root>/<folder>/*.toml` (not hidden, a regular file or a link to one) as (key, path, stat).

        Plain strings, no Path objects: this runs for every file on every refresh.
        """
        root = self._root_text
        try:
            with os.scandir(root) as listing:
                names = sorted(e.name for e in listing if not e.name.startswith(".") and e.is_dir())
        except OSError:
            return
        if folders is not None:
            wanted = set(folders)
            names = [name for name in names if name in wanted]
        for name in names:
            prefix = name + "/"
            try:
                with os.scandir(os.path.join(root, name)) as listing:
                    for entry in listing:
                        entry_name = entry.name
                        if entry_name.startswith("."):
                            if entry_name.endswith(".tmp") and ".toml." in entry_name:
                                self._remove_litter(entry)
                            continue
                        if not entry_name.endswith(".toml"):
                            continue
                        try:
                            st = entry.stat()
                        except OSError:
                            continue
                        if not stat.S_ISREG(st.st_mode):
                            continue
                        key = prefix + entry_name
                        try:
                            key.encode("utf-8")
                        except UnicodeEncodeError:  # a name that is not UTF-8: not one of ours, and SQLite
                            continue  # cannot hold it
                        yield key, entry.path, st
            except OSError:
                continue

    def _remove_litter(self, entry: os.DirEntry[str]) -> None:
        """A temporary file of `atomic_write` (`.<name>.toml.*.tmp`) over an hour old: a killed write's litter.

        (A live writer's is seconds old.) Removed as the walk passes by; never a record.
        """
        with suppress(OSError):
            if entry.stat(follow_symlinks=False).st_mtime_ns < self._now_ns() - LITTER_AGE_NS:
                os.unlink(entry.path)

    def _remove_gone(self, connection: sqlite3.Connection, gone: list[str], snapshot_ns: int) -> int:
        if not gone:
            return 0
        # Only rows read before this refresh began: one written meanwhile by another process stays.
        with _transaction(connection):
            connection.executemany("DELETE FROM files WHERE key = ? AND read_ns <= ?",
                                   [(key, snapshot_ns) for key in gone])
        return len(gone)

    def _commit(self, connection: sqlite3.Connection, rows: list[tuple[Any, ...]],
                same_rows: list[tuple[Any, ...]]) -> None:
        if not rows and not same_rows:
            return
        with _transaction(connection):
            if rows:
                connection.executemany(_UPSERT, rows)
            if same_rows:
                connection.executemany(_SAME_BYTES, same_rows)

    def _update_one(self, connection: sqlite3.Connection, key: str) -> Entry | None:
        file = os.path.join(self._root_text, key)
        read_ns = self._now_ns()
        raw, st, problem = _read(file)
        if st is None:
            with _transaction(connection):
                connection.execute("DELETE FROM files WHERE key = ? AND read_ns <= ?", (key, read_ns))
            return None
        digest = _digest(raw) if raw is not None else b""
        row = self._row(key, file, raw, problem, st, digest, read_ns)
        with _transaction(connection):
            connection.execute(_UPSERT, row)
        return self._entry_from_row(row)

    def _row(self, key: str, file: str, raw: bytes | None, problem: str, st: os.stat_result, digest: bytes,
             read_ns: int) -> tuple[Any, ...]:
        """The row for a file's bytes (or for why they could not be read)."""
        from backrelief_tui.core.stats import counts

        head = (key, *_stamp(st), digest, read_ns)
        parsed: SessionRecord | Unreadable = (parse_record(raw, Path(file)) if raw is not None
                                              else Unreadable(Path(file), problem))
        if isinstance(parsed, Unreadable):
            started = started_from_name(os.path.basename(key))
            return (*head, 0, parsed.reason, started.timestamp() if started is not None else 0.0,
                    started.date().isoformat() if started is not None else None, parsed.routine, None, 0, None,
                    *(None,) * (len(_SUMMARY_COLUMNS) - 1))
        summary = parsed.summary(file)
        counted = counts(summary)
        relief = (summary.pain_before - summary.pain_after
                  if summary.pain_before is not None and summary.pain_after is not None else None)
        return (*head, 1, None, summary.started.timestamp(), summary.day.isoformat(), summary.routine,
                summary.routine_title.lower(), int(counted), relief, summary.id, summary.routine_title,
                summary.started.isoformat(), summary.ended.isoformat(), summary.status, summary.planned_seconds,
                summary.active_seconds, summary.paused_seconds, summary.pauses, summary.steps_total,
                summary.steps_finished, summary.moves_total, summary.moves_done, summary.pain_before,
                summary.pain_after, summary.note)

    def _entry_from_row(self, row: tuple[Any, ...]) -> Entry:
        index = {name: position for position, name in enumerate(_ROW_COLUMNS)}
        values = (row[index["key"]], row[index["readable"]], row[index["reason"]],
                  *(row[index[name]] for name in _SUMMARY_COLUMNS))
        return self._entry(values)

    # -- reading rows back ----------------------------------------------------------------

    def _entries(self, sql: str, params: tuple[Any, ...], *, as_json: bool = False) -> list[Any]:
        """The rows' entries (`as_json`: as `history --json` prints them)."""
        rows = self._query(sql, params)
        make = self._json if as_json else self._entry
        entries: list[Any] = []
        for row in rows:
            try:
                entries.append(make(row))
            except _StaleRow:
                # Not what this version writes: read the file again now (bounded by what is shown).
                key = row[0] if row and type(row[0]) is str else None
                entry = self._reindex(key) if key is not None else None
                if entry is not None:
                    entries.append(entry_to_json(entry) if as_json else entry)
        return entries

    def _entry(self, row: tuple[Any, ...]) -> Entry:
        """A checked row -> the entry it stands for; `_StaleRow` when any value is not what we write."""
        file, values = self._checked(row)
        if values is None:
            return Unreadable(Path(file), row[2])
        return SessionSummary(file, *values)

    def _json(self, row: tuple[Any, ...]) -> dict[str, Any]:
        """A checked row -> `records.entry_to_json` of the entry it stands for; `_StaleRow` as `_entry`."""
        file, values = self._checked(row)
        if values is None:
            return unreadable_json(str(Path(file)), row[2])
        # The start and end as stored when that is exactly their isoformat() (always, unless the row came
        # from elsewhere), as `records.entry_to_json` prints them.
        started, ended = row[6], row[7]
        return session_json(values, file, started if _ISOFORMAT(started) else values[3].isoformat(),
                            ended if _ISOFORMAT(ended) else values[4].isoformat())

    def _checked(self, row: tuple[Any, ...]) -> tuple[str, tuple[Any, ...] | None]:
        """A row's file and its summary's values after `file` (as `SessionSummary` takes them), None for an
        unreadable file's row; `_StaleRow` when any value is not what we write."""
        if len(row) != 3 + len(_SUMMARY_COLUMNS):
            raise _StaleRow
        key, readable, reason = row[0], row[1], row[2]
        if type(key) is not str:
            raise _StaleRow
        file = self._root_prefix + key
        if readable == 0:
            if type(reason) is not str:
                raise _StaleRow
            return file, None
        (id_, routine, title, started, ended, status, planned, active, paused, pauses, steps_total,
         steps_finished, moves_total, moves_done, pain_before, pain_after, note) = row[3:]
        # Chained `is` tests, no generators: this runs for every row `history` lists.
        session_status = _STATUSES.get(status) if isinstance(status, str) else None
        if (readable != 1 or not type(id_) is type(routine) is type(title) is type(note) is str
                or session_status is None
                or not type(planned) is type(pauses) is type(steps_total) is type(steps_finished)
                is type(moves_total) is type(moves_done) is int
                or type(active) not in (int, float) or type(paused) not in (int, float)
                or pain_before is not None and (type(pain_before) is not int
                                                or not _PAIN_LOW <= pain_before <= _PAIN_HIGH)
                or pain_after is not None and (type(pain_after) is not int
                                               or not _PAIN_LOW <= pain_after <= _PAIN_HIGH)):
            raise _StaleRow
        try:
            started_at, ended_at = datetime.fromisoformat(started), datetime.fromisoformat(ended)
        except (TypeError, ValueError) as error:
            raise _StaleRow from error
        if started_at.tzinfo is None or ended_at.tzinfo is None:
            raise _StaleRow
        return file, (id_, routine, title, started_at, ended_at, session_status, planned, float(active),
                      float(paused), pauses, steps_total, steps_finished, moves_total, moves_done,
                      pain_before, pain_after, note)

    def _reindex(self, key: str) -> Entry | None:
        """A stale row's file, read and indexed again now."""
        entry: Entry | None = self._use(lambda connection: self._update_one(connection, key))
        return entry

    def _key(self, path: Path) -> str | None:
        try:
            relative = Path(os.path.abspath(path)).relative_to(os.path.abspath(self.root))
        except ValueError:
            return None
        parts = relative.parts
        if len(parts) != 2 or not parts[1].endswith(".toml"):
            return None
        return "/".join(parts)

    # -- the database -----------------------------------------------------------------------

    def _query(self, sql: str, params: Any = ()) -> list[tuple[Any, ...]]:
        rows: list[tuple[Any, ...]] = self._use(lambda connection: connection.execute(sql, params).fetchall())
        return rows

    def _query_one(self, sql: str, params: Any = ()) -> tuple[Any, ...] | None:
        rows = self._query(sql, params)
        return rows[0] if rows else None

    def _use(self, work: Callable[[sqlite3.Connection], Any]) -> Any:
        """Run `work` on this thread's connection; a damaged database is rebuilt (empty) and `work` run again."""
        try:
            return work(self._connection())
        except sqlite3.DatabaseError as error:
            if isinstance(error, sqlite3.OperationalError) and _is_busy(error):
                raise IndexUnavailable(f"the history index is busy ({error})") from error
            self._reset(f"damaged: {error}")
        try:
            return work(self._connection())
        except sqlite3.DatabaseError as error:
            raise IndexUnavailable(f"the history index cannot be used ({error})") from error

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection, opened (and the database checked or made) on first use.

        A connection whose file was replaced since (another process rebuilt a damaged
        index) is opened again.
        """
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is not None:
            try:
                if os.stat(self.db_path).st_ino == self._local.inode:
                    return connection
            except OSError:
                pass
            connection.close()
            self._local.connection = None
        try:
            connection = self._open()
        except sqlite3.DatabaseError:
            self._reset("not a usable database")
            try:
                connection = self._open()
            except sqlite3.DatabaseError as error:
                raise IndexUnavailable(f"the history index cannot be used ({error})") from error
        self._local.connection = connection
        return connection

    def _open(self) -> sqlite3.Connection:
        try:
            self.db_path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise IndexUnavailable(f"no folder for the history index ({error.strerror or error})") from error
        try:
            connection = sqlite3.connect(self.db_path, timeout=BUSY_SECONDS, isolation_level=None)
        except sqlite3.OperationalError as error:
            raise IndexUnavailable(f"the history index cannot be opened ({error})") from error
        try:
            self._local.inode = os.stat(self.db_path).st_ino
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = NORMAL")  # a cache: a power cut may lose a commit, not the file
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version != INDEX_VERSION or not self._ours(connection):
                connection = self._initialise(connection)
        except BaseException:
            connection.close()
            raise
        return connection

    def _ours(self, connection: sqlite3.Connection) -> bool:
        if connection.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
            return False
        try:
            meta = dict(connection.execute("SELECT name, value FROM meta").fetchall())
        except sqlite3.OperationalError:  # no such table, or not the columns we make
            return False
        return meta.get("root") == self._root_text and meta.get("record_schema") == str(SCHEMA)

    def _initialise(self, connection: sqlite3.Connection) -> sqlite3.Connection:
        """Make a fresh, empty index in this file (one process at a time), whatever it held."""
        with _transaction(connection):
            # Another process may have just done it: look again inside the write lock.
            version = connection.execute("PRAGMA user_version").fetchone()[0]
            if version == INDEX_VERSION and self._ours(connection):
                return connection
            tables = [name for (name,) in connection.execute(
                "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
            for name in tables:
                connection.execute(f'DROP TABLE IF EXISTS "{name.replace(chr(34), chr(34) * 2)}"')
            for statement in _SCHEMA:
                connection.execute(statement)
            connection.executemany("INSERT INTO meta (name, value) VALUES (?, ?)",
                                   [("root", self._root_text), ("record_schema", str(SCHEMA)), ("complete", "0")])
        return connection

    def _reset(self, why: str) -> None:
        """Throw away a damaged database file (and its journal) so the next use makes a new one."""
        del why  # the files are the truth: there is nothing to tell the person
        with self._reset_lock:
            self.close()
            try:
                connection = sqlite3.connect(self.db_path, timeout=BUSY_SECONDS, isolation_level=None)
                try:
                    connection.execute("PRAGMA quick_check").fetchall()
                    connection.execute("SELECT COUNT(*) FROM sqlite_schema").fetchall()
                    connection.close()
                    return  # usable after all (another process rebuilt it meanwhile)
                except sqlite3.DatabaseError:
                    connection.close()
            except sqlite3.DatabaseError:
                pass
            for suffix in ("", "-wal", "-shm", "-journal"):
                with suppress(OSError):
                    os.unlink(str(self.db_path) + suffix)

    def _set_meta(self, connection: sqlite3.Connection, name: str, value: str) -> None:
        with _transaction(connection):
            connection.execute("INSERT INTO meta (name, value) VALUES (?, ?) "
                               "ON CONFLICT (name) DO UPDATE SET value = excluded.value", (name, value))

    @contextmanager
    def _refresh_lock(self, wait: bool, cancelled: Cancelled) -> Iterator[bool]:
        """One refresh at a time on this machine: an exclusive flock on a file next to the database."""
        try:
            self.lock_path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        except OSError as error:
            raise IndexUnavailable(f"no lock for the history index ({error.strerror or error})") from error
        try:
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if not wait or cancelled():
                        yield False
                        return
                    time.sleep(WAIT_POLL_SECONDS)
            # Threads of this process are kept apart too: each refresh opens the lock file anew.
            yield True
        finally:
            os.close(fd)


@contextmanager
def _transaction(connection: sqlite3.Connection) -> Iterator[None]:
    connection.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _read(file: str) -> tuple[bytes | None, os.stat_result | None, str]:
    """A file's bytes and the stat of what was read; or None and why; (None, None, "") when it is gone.

    Only regular files of sane size are read, and never a FIFO that would block (`core.files`).
    """
    raw, st, problem = read_regular_stat(file, MAX_RECORD_BYTES)
    return (raw, st, problem) if st is not None else (None, None, "")


def _digest(raw: bytes) -> bytes:
    """The hash a row keeps of a file's bytes (hashlib loads on first use: OpenSSL costs every command ms)."""
    import hashlib

    return hashlib.blake2b(raw, digest_size=16).digest()


def _is_busy(error: sqlite3.OperationalError) -> bool:
    text = str(error).lower()
    return "locked" in text or "busy" in text


def _int(value: Any) -> int:
    return value if type(value) is int else 0


def _date(value: Any) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        return date.min


def _pain(value: Any) -> int | None:
    return value if type(value) is int else None
