"""The journal: the person's answers and decisions that are not part of one session's record.

`<data>/journal.toml`, beside the session records (the person's own, fit to sync):

- next-morning answers, one per session day: "compared with before yesterday's
  session, your back this morning is better / same / worse";
- red-flag checks: when, why, each answer; and, later, that a clinician has seen the
  person about one (an entry of its own, so no entry is ever edited);
- progression decisions: a suggested step up or back, accepted or declined, with the
  numbers before and after (accepted numbers are also the person's own in the settings).

Why a file of its own and not keys in the session records: a morning answer is
about a day (which may hold several sessions), a red-flag check about no session at
all, and a decision about a move across sessions; a session record is only ever
written by its own session (and the person's note and pain corrections), and an
old record stays byte for byte what it was. The file is small (a line or two a day),
read whole, and only ever appended to: under a lock, the new entry's text is added
after the file's last byte (an atomic write of the old bytes plus the new), and kept
only if the file then reads as before plus that entry. Comments, hand-added keys and
entries it does not understand stay as they were. A file that cannot be read is never
overwritten: writes fail with the reason until it is fixed or moved away.
"""

from __future__ import annotations

import fcntl
import os
import tomllib
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backrelief_tui.core import paths
from backrelief_tui.core.atomic import atomic_write
from backrelief_tui.core.files import read_regular
from backrelief_tui.core.pain import MorningAnswer, morning_question_due
from backrelief_tui.core.redflags import RED_FLAG_IDS, RedFlagCheck, Trigger
from backrelief_tui.core.routine import Problem

if TYPE_CHECKING:
    from backrelief_tui.core.store import RecordStore

SCHEMA = 1
MAX_BYTES = 4 << 20


class Step(StrEnum):
    UP = "up"  # the next level, or a longer hold
    BACK = "back"  # the level or hold before


class DecisionKind(StrEnum):
    ACCEPTED = "accepted"
    DECLINED = "declined"


@dataclass(frozen=True)
class MorningEntry:
    day: date  # the session day asked about
    answer: MorningAnswer
    asked: datetime


@dataclass(frozen=True)
class Decision:
    """A progression suggestion the person accepted or declined."""

    when: datetime
    move: str  # move id
    kind: DecisionKind
    step: Step
    level_from: int
    hold_from: int
    level_to: int
    hold_to: int
    reason: str = ""


@dataclass(frozen=True)
class Journal:
    mornings: tuple[MorningEntry, ...] = ()
    red_flags: tuple[RedFlagCheck, ...] = ()
    decisions: tuple[Decision, ...] = ()

    def morning(self, day: date) -> MorningAnswer | None:
        """The latest answer about `day`'s sessions (a skip included), or None."""
        found = [entry for entry in self.mornings if entry.day == day]
        return max(found, key=lambda entry: entry.asked).answer if found else None

    def mornings_by_day(self) -> dict[date, MorningAnswer]:
        answers: dict[date, MorningEntry] = {}
        for entry in self.mornings:
            if entry.day not in answers or entry.asked >= answers[entry.day].asked:
                answers[entry.day] = entry
        return {day: entry.answer for day, entry in answers.items()}

    def answered(self, day: date) -> bool:
        return self.morning(day) is not None

    @property
    def last_red_flag_check(self) -> RedFlagCheck | None:
        return max(self.red_flags, key=lambda check: check.asked, default=None)

    def last_decision(self, move_id: str) -> Decision | None:
        return max((d for d in self.decisions if d.move == move_id), key=lambda d: d.when, default=None)


# -- reading ---------------------------------------------------------------------------------------


def load_journal(path: Path | None = None) -> tuple[Journal, list[Problem]]:
    """Read the journal; a missing file is an empty journal. Never raises: a bad entry is one problem and is
    left out, the rest is kept."""
    path = path or paths.journal_file()
    _text, data, problem = _read(path)
    if data is None:
        return Journal(), [problem] if problem else []
    problems: list[Problem] = []
    source = str(path)
    mornings = _entries(data, "morning", _morning, source, problems)
    checks = _entries(data, "red_flags", _red_flag_check, source, problems)
    decisions = _entries(data, "progression", _decision, source, problems)
    seen = {visit for visit in _entries(data, "clinician", _clinician_visit, source, problems)}
    checks = [replace(check, seen_clinician=True) if check.asked in seen else check for check in checks]
    return Journal(tuple(mornings), tuple(checks), tuple(decisions)), problems


def _read(path: Path) -> tuple[str, dict[str, Any] | None, Problem | None]:
    """The journal's text and data; ("", None, None) when there is no journal yet."""
    raw, reason = read_regular(path, MAX_BYTES)
    if raw is None:
        if not os.path.lexists(path):
            return "", None, None
        return "", None, Problem(str(path), "", reason)
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, RecursionError) as error:
        return "", None, Problem(str(path), "", f"is not valid TOML ({error})")
    schema = data.get("schema", SCHEMA)
    if not isinstance(schema, int) or isinstance(schema, bool) or schema > SCHEMA:
        return "", None, Problem(str(path), "schema", f"written by a newer version of backrelief ({schema!r})")
    return text, data, None


def _entries(data: dict[str, Any], key: str, parse: Callable[[dict[str, Any]], Any], source: str,
             problems: list[Problem]) -> list[Any]:
    tables = data.get(key, [])
    if not isinstance(tables, list):
        problems.append(Problem(source, key, "must be an array of tables"))
        return []
    found = []
    for index, table in enumerate(tables):
        try:
            if not isinstance(table, dict):
                raise ValueError("is not a table")
            found.append(parse(table))
        except (KeyError, ValueError, TypeError) as error:
            what = f"{error.args[0]} is missing" if isinstance(error, KeyError) else str(error)
            problems.append(Problem(source, f"{key}[{index}]", what))
    return found


def _aware(value: Any, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise ValueError(f"{name} must be a date and time")
    return value if value.tzinfo is not None else value.astimezone()


def _whole(value: Any, name: str, low: int = 0, high: int = 10**4) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValueError(f"{name} must be a whole number from {low} to {high}")
    return value


def _morning(table: dict[str, Any]) -> MorningEntry:
    day = table["day"]
    if isinstance(day, datetime) or not isinstance(day, date):
        raise ValueError("day must be a date such as 2025-03-12")
    return MorningEntry(day, MorningAnswer(table["answer"]), _aware(table["asked"], "asked"))


def _red_flag_check(table: dict[str, Any]) -> RedFlagCheck:
    answers = table.get("answers", {})
    if not isinstance(answers, dict) or not all(isinstance(v, bool) for v in answers.values()):
        raise ValueError("answers must be a table of true/false values")
    seen = table.get("seen_clinician", False)
    if not isinstance(seen, bool):
        raise ValueError("seen_clinician must be true or false")
    return RedFlagCheck(_aware(table["asked"], "asked"), Trigger(table["trigger"]),
                        {key: value for key, value in answers.items() if key in RED_FLAG_IDS}, seen)


def _clinician_visit(table: dict[str, Any]) -> datetime:
    """A `[[clinician]]` entry: the `check` (its `asked` time) a clinician has seen the person about."""
    return _aware(table["check"], "check")


def _decision(table: dict[str, Any]) -> Decision:
    before, after = table["from"], table["to"]
    if not isinstance(before, dict) or not isinstance(after, dict):
        raise ValueError("from and to must be tables such as { level = 0, hold = 30 }")
    move = table["move"]
    reason = table.get("reason", "")
    if not isinstance(move, str) or not isinstance(reason, str):
        raise ValueError("move and reason must be text")
    return Decision(_aware(table["when"], "when"), move, DecisionKind(table["decision"]), Step(table["step"]),
                    _whole(before["level"], "from.level", high=10), _whole(before["hold"], "from.hold"),
                    _whole(after["level"], "to.level", high=10), _whole(after["hold"], "to.hold"), reason)


# -- writing ---------------------------------------------------------------------------------------


def record_morning(day: date, answer: MorningAnswer, asked: datetime, path: Path | None = None) -> str | None:
    """Keep a next-morning answer; returns what went wrong, or None."""
    return _append(path, "morning", {"day": day, "answer": str(answer), "asked": _second(asked)})


def record_red_flag_check(check: RedFlagCheck, path: Path | None = None) -> str | None:
    """Keep one answered checklist; returns what went wrong, or None."""
    table: dict[str, Any] = {"asked": _second(check.asked), "trigger": str(check.trigger),
                             "seen_clinician": check.seen_clinician,
                             "answers": {flag: check.answers[flag] for flag in RED_FLAG_IDS if flag in check.answers}}
    return _append(path, "red_flags", table)


def record_seen_clinician(asked: datetime, said: datetime, path: Path | None = None) -> str | None:
    """The person says (at `said`) that a clinician has seen them about the check answered at `asked`."""
    journal, _problems = load_journal(path)
    if not any(check.asked == _second(asked) for check in journal.red_flags):
        return "no red-flag check was answered at that time"
    return _append(path, "clinician", {"check": _second(asked), "said": _second(said)})


def record_decision(decision: Decision, path: Path | None = None) -> str | None:
    """Keep a progression decision; returns what went wrong, or None."""
    return _append(path, "progression", {
        "when": _second(decision.when), "move": decision.move, "decision": str(decision.kind),
        "step": str(decision.step), "from": {"level": decision.level_from, "hold": decision.hold_from},
        "to": {"level": decision.level_to, "hold": decision.hold_to}, "reason": decision.reason})


def _second(moment: datetime) -> datetime:
    return moment.replace(microsecond=0)


def _append(path: Path | None, key: str, table: dict[str, Any]) -> str | None:
    """Add one `[[key]]` entry after the journal's last byte; returns what went wrong, or None."""
    path = path or paths.journal_file()
    with _locked():
        text, data, problem = _read(path)
        if problem is not None:
            return f"{path} {problem.message}: it is left as it is"
        entries = (data or {}).get(key, [])
        if not isinstance(entries, list):
            return f"{path}: its {key} is not an array of tables: it is left as it is"
        head = text if text.endswith("\n") or not text else text + "\n"
        changed = (head + "\n" if head else f"schema = {SCHEMA}\n\n") + _entry_text(key, table)
        wanted = {**(data or {"schema": SCHEMA}), key: [*entries, table]}
        try:
            fits = tomllib.loads(changed) == wanted
        except tomllib.TOMLDecodeError:
            fits = False
        if not fits:
            return f"{path}: a new entry cannot be added after its last line: it is left as it is"
        try:
            atomic_write(path, changed.encode("utf-8"))
        except OSError as error:
            return f"cannot write {path} ({error.strerror or error})"
    return None


def _entry_text(key: str, table: dict[str, Any]) -> str:
    """`[[key]]` and the table's keys, one per line; a table inside it as dotted keys (`from.level = 0`)."""
    import tomli_w

    lines = [f"[[{key}]]"]
    for name, value in table.items():
        if isinstance(value, dict):
            lines += [f"{name}.{tomli_w.dumps({inner: item}).strip()}" for inner, item in value.items()]
        else:
            lines.append(tomli_w.dumps({name: value}).strip())
    return "\n".join(lines) + "\n"


@contextmanager
def _locked() -> Iterator[None]:
    """One writer at a time on this machine (a lock file in the per-machine state folder)."""
    fd = None
    with suppress(OSError):
        lock = paths.state_dir() / "journal.lock"
        lock.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        yield
    finally:
        if fd is not None:
            os.close(fd)


# -- questions the app asks -------------------------------------------------------------------------


def morning_day_due(now: datetime, store: RecordStore, journal: Journal) -> date | None:
    """The session day to ask the next-morning question about now, or None (see `pain.morning_question_due`).

    Only yesterday can be asked about, so only yesterday's count is looked up (the index's
    kept counts: no file is read).
    """
    from backrelief_tui.core.index import IndexUnavailable

    yesterday = now.date() - timedelta(days=1)
    try:
        had_session = bool(store.index.day_totals(yesterday, yesterday))
    except IndexUnavailable:
        return None
    day = yesterday if had_session else None
    return day if morning_question_due(now, day, journal.answered(yesterday)) else None


def previous_pain(store: RecordStore, today: date, days: int = 90) -> int | None:
    """The last pain rating of the last `days` days (`redflags.last_rating` of the newest rated session)."""
    from backrelief_tui.core.index import IndexUnavailable
    from backrelief_tui.core.redflags import last_rating

    try:
        points = store.index.pain_points(today - timedelta(days=days), today)
    except IndexUnavailable:
        return None
    return last_rating(points[-1].before, points[-1].after) if points else None
