"""Every user-facing phrasing that more than one screen or command needs, in one place.

The TUI, the command line and the report all say these the same way: how much of a
move (its dose), a pain change, how far a session got, a routine's facts line, a side,
and the safety lines. `RED_FLAG_LINE` is the general stop rule a person sees before
every session; it never diagnoses, it says when to stop. `INJURY_CAUTION` is the
article's advice for pain that follows trauma, the caution of every built routine.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # core.routine (the routine model, ~4 ms) loads in dose(): `history` and `report` never need it
    from backrelief_tui.core.routine import Kind, Move, Sides

SAFETY_NOTE = "If your back pain started with a fall or an injury, see a doctor before doing these routines."
RED_FLAG_LINE = "Stop if you feel sharp pain, or pain, tingling or numbness spreading down a leg."
INJURY_CAUTION = "If your back pain follows a fall or injury, see a doctor first."
SEEN_CLINICIAN = "a clinician has seen me"
"""The person's own words for the key that says a doctor or physiotherapist has looked at a red flag's "yes"."""


PAIN_AFTER_QUESTION = "And now: how is your back?"


def pain_before_question(routine_title: str) -> str:
    """The check-in before a session names the routine about to start (it may not be the one highlighted)."""
    return f"Before {routine_title}: how is your back right now?"


def plural(count: int, noun: str, plural_noun: str | None = None) -> str:
    """`1 session`, `3 sessions` (`plural_noun` for irregular ones)."""
    return f"{count} {noun if count == 1 else plural_noun or noun + 's'}"


def format_duration(seconds: float) -> str:
    """`75` -> `1:15`; `3725` -> `1:02:05`.

    The one rounding rule for time done: records keep tenths of a second, so the value is
    first taken to the tenth, then to the whole second below. A session shows the same
    seconds on its summary, in the history, the detail and the CSV, whichever of those
    forms it is read from. (Time *left* counts up to the next second: `format_left`.)
    """
    return _clock_text(math.floor(round(max(0.0, seconds), 1)))


def format_left(seconds: float) -> str:
    """Time left, as a countdown shows it: a second that has begun still counts (`0.2` -> `0:01`)."""
    return _clock_text(math.ceil(round(max(0.0, seconds), 1)))


def minutes_left(seconds: float) -> str:
    """A whole session's time left, in the minutes it has begun: `331` -> `6 min left`.

    Counted as `format_left` counts (a second that has begun still counts), then rounded up
    to the minute: `6 min left` from 6:00 down to 5:01. The last minute is `under a minute
    left`: the big clock has the seconds. Changes once a minute, so the line under the
    session's progress bar is not redrawn every second.
    """
    shown = math.ceil(round(max(0.0, seconds), 1))
    if not shown:
        return "0 min left"
    return "under a minute left" if shown < 60 else f"{math.ceil(shown / 60)} min left"


def _clock_text(seconds: int) -> str:
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def dose(kind: Kind | str, hold: int, reps: int, sides: Sides | str, *, rep_seconds: int | None = None,
         self_paced: bool = False, short: bool = False) -> str:
    """How much of a move, in words.

    Long (previews, records, the report): `10 reps × 6 s, each side` (or `10 reps, 2 s at the
    top` when the length of a rep is not known), `2 × 30 s hold`, `45 s roll, alternating sides`.
    Short (narrow table columns): `10 reps per side`, `2 × 30 s`, `45 s per side`.
    """
    from backrelief_tui.core.routine import Kind, Sides

    if kind == Kind.REPS:
        amount = plural(reps, "rep")
        if self_paced:
            amount += " at your pace"
        elif not short:
            amount += f" × {rep_seconds} s" if rep_seconds else f", {hold} s at the top"
    elif reps > 1:
        amount = f"{reps} × {hold} s" + ("" if short else f" {kind}")
    else:
        amount = f"{hold} s" + ("" if short else f" {kind}")
    if sides == Sides.NONE:
        return amount
    if short:
        return amount + " per side"
    return amount + (", each side" if sides == Sides.BOTH else ", alternating sides")


def move_dose(move: Move, *, short: bool = False) -> str:
    """`dose()` for a move as planned."""
    return dose(move.kind, move.hold, move.reps, move.sides, rep_seconds=move.rep_seconds,
                self_paced=move.self_paced, short=short)


def side_label(side: str | None) -> str:
    """`LEFT`, `RIGHT`, or "" for a move without sides."""
    return side.upper() if side in ("left", "right") else ""


def pain_change(before: int | None, after: int | None) -> str:
    """`6 → 3` (– for an answer not given); "" when neither check-in was answered."""
    if before is None and after is None:
        return ""
    return f"{'–' if before is None else before} → {'–' if after is None else after}"


def pain_line(before: int | None, after: int | None) -> str:
    """`Pain before → after: 6 → 3`, or "" when neither check-in was answered."""
    change = pain_change(before, after)
    return f"Pain before → after: {change}" if change else ""


def how_far(status: str, moves_done: int, moves_total: int) -> str:
    """`completed`, `stopped · 2/5 moves`, or `in progress · 2/5 moves` (running, or cut short by a crash)."""
    if status == "completed":
        return "completed"
    word = "stopped" if status == "stopped" else "in progress"
    return f"{word} · {moves_done}/{moves_total} moves"


def routine_facts(total_seconds: float, move_count: int, equipment: tuple[str, ...]) -> str:
    """`5:25 · 5 moves · no equipment`."""
    kit = ", ".join(equipment) or "no equipment"
    return f"{format_duration(total_seconds)} · {plural(move_count, 'move')} · {kit}"
