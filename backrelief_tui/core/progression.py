"""Pain-guided progression: when a move has been easy three times, suggest the next step; after a red
session, suggest stepping back.

A move's ladder (`step_up`, `step_back`) is its hold and its level (core/levels.py):

- a hold that loads the core or the glutes (a plank, a pelvic tilt) first gets longer in
  HOLD_STEP (5 s) steps, up to HOLD_STEPS steps above its routine's hold (stretches and
  release keep their numbers: a longer stretch is not a harder exercise);
- then, if it has `progressions`, the next level at its routine's hold again
  (the front plank: from the knees to the toes; the side plank's four steps; the
  pelvic tilt: marching, then slow leg lowers);
- reps moves and rolls progress by level only (none of the built-in ones has levels).

Stepping back is the same ladder downwards: the last step up, undone.

The rule, per move, over its sessions since the last decision about it (accepted or
declined) in the last PROGRESSION_WEEKS weeks, judged with the traffic light (core/lights.py):

- the newest judged session with the move is red: suggest a step back (if the move
  was made harder at all; otherwise a note says to go gently, as nothing can be undone);
- the last GREEN_RUN judged sessions with the move were green, the move done in full
  each time at its current hold or more: suggest a step up.

Amber, or the move skipped or cut short, breaks the run; sessions without a pain rating
after them are passed over. Accepting keeps the new numbers as the person's own
(`accept`: the settings' hold override and [levels]); the journal keeps the decision, so
the next suggestion waits for three new green sessions (or a new red one).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from backrelief_tui.core.journal import Decision, DecisionKind, Journal, Step
from backrelief_tui.core.levels import clamp_level, level_count, level_text
from backrelief_tui.core.lights import JudgedSession, done, judge_sessions
from backrelief_tui.core.pain import Light, PainLimits
from backrelief_tui.core.records import MoveRecord, MoveStatus, SessionRecord
from backrelief_tui.core.routine import Kind, Move
from backrelief_tui.core.settings import Settings

if TYPE_CHECKING:
    from backrelief_tui.core.store import RecordStore

GREEN_RUN = 3
HOLD_STEP = 5
HOLD_STEPS = 2
ACTIVATION_TARGETS = ("core", "glutes")
PROGRESSION_WEEKS = 4
"""Only sessions of the last four weeks are looked at: older ones say little about today (and a move done
once a week still has its three sessions)."""

PROGRESSION_RULE = (
    f"After {GREEN_RUN} green sessions in a row with a move (done in full), the next step is suggested: "
    f"{HOLD_STEP} s longer for a core or glute hold (up to {HOLD_STEP * HOLD_STEPS} s over the routine's), then the "
    "move's next level. After a red session, a step back is suggested for a move that was made harder."
)


@dataclass(frozen=True)
class Rung:
    """A place on a move's ladder: its level and its hold (seconds)."""

    level: int
    hold: int


def can_progress(move: Move) -> bool:
    """A move with levels, or a hold that loads the core or the glutes (a plank, a pelvic tilt).

    Stretches and release keep their numbers: holding a stretch longer does not make it a harder
    exercise, and pain monitoring is about load.
    """
    return level_count(move) > 0 or _longer_holds(move)


def _longer_holds(move: Move) -> bool:
    return move.kind is Kind.HOLD and bool(set(move.targets) & set(ACTIVATION_TARGETS))


def step_up(move: Move, at: Rung) -> Rung | None:
    """The next rung: 5 s more while the hold is short of the top, else the next level at the routine's hold."""
    top = move.hold + HOLD_STEP * HOLD_STEPS
    if _longer_holds(move) and at.hold + HOLD_STEP <= top:
        return Rung(at.level, at.hold + HOLD_STEP)
    if at.level < level_count(move):
        return Rung(at.level + 1, move.hold)
    return None


def step_back(move: Move, at: Rung) -> Rung | None:
    """The rung below: 5 s less while above the routine's hold, else the level below at the top of its holds."""
    if _longer_holds(move) and at.hold > move.hold:
        return Rung(at.level, max(move.hold, at.hold - HOLD_STEP))
    if at.level > 0:
        top = move.hold + HOLD_STEP * HOLD_STEPS if _longer_holds(move) else move.hold
        return Rung(at.level - 1, top)
    return None


@dataclass(frozen=True)
class Suggestion:
    move_id: str
    move_name: str
    step: Step
    current: Rung
    proposed: Rung
    reason: str
    days: tuple[date, ...]  # the sessions it rests on

    @property
    def change(self) -> str:
        """`hold 30 s → 35 s`; `level 0 → 1 (On your toes, ...)`, with the hold when it changes too."""
        if self.current.level == self.proposed.level:
            return f"hold {self.current.hold} s → {self.proposed.hold} s"
        hold = (f", hold {self.current.hold} s → {self.proposed.hold} s"
                if self.current.hold != self.proposed.hold else "")
        return f"level {self.current.level} → {self.proposed.level}{hold}"

    @property
    def title(self) -> str:
        """`Front forearm plank: a step up, hold 30 s → 35 s`."""
        word = "a step up" if self.step is Step.UP else "a step back"
        return f"{self.move_name}: {word}, {self.change}"

    def to_json(self) -> dict[str, Any]:
        return {"move": self.move_id, "name": self.move_name, "step": str(self.step),
                "from": {"level": self.current.level, "hold": self.current.hold},
                "to": {"level": self.proposed.level, "hold": self.proposed.hold},
                "change": self.change, "reason": self.reason, "sessions": [day.isoformat() for day in self.days]}


@dataclass(frozen=True)
class Progress:
    """What `backrelief progress` lists and the summary offers."""

    suggestions: tuple[Suggestion, ...]
    notes: tuple[str, ...]  # e.g. a red session with nothing to step back
    judged: tuple[JudgedSession, ...]  # the sessions looked at, with their lights

    def for_moves(self, move_ids: Sequence[str]) -> tuple[Suggestion, ...]:
        """The suggestions about these moves (the summary: the moves of the session just done)."""
        return tuple(s for s in self.suggestions if s.move_id in move_ids)

    def find(self, move_id: str) -> Suggestion | None:
        return next((s for s in self.suggestions if s.move_id == move_id), None)


def current_rung(move: Move, settings: Settings, last_done: MoveRecord | None) -> Rung:
    """Where the move is now: its level setting, and the person's own hold, else the hold last done, else the
    routine's."""
    override = settings.override_for(move.id).hold
    hold = override if override is not None else last_done.hold if last_done is not None else move.hold
    return Rung(clamp_level(move, settings.level_for(move.id)), hold)


def _hold_done(move: MoveRecord) -> int:
    return move.hold_changed if move.hold_changed is not None else move.hold


def suggest(moves: Mapping[str, Move], settings: Settings, records: Sequence[SessionRecord], journal: Journal,
            limits: PainLimits | None = None) -> Progress:
    """The suggestions for every move in `records` (oldest first; the last PROGRESSION_WEEKS weeks)."""
    limits = limits or PainLimits.from_settings(settings)
    judged = judge_sessions(sorted(records, key=lambda r: r.started), journal.mornings_by_day(), limits)
    seen: dict[str, None] = {}
    for session in judged:
        for record_move in session.record.moves:
            seen.setdefault(record_move.id, None)
    suggestions = []
    stepped_back: set[str] = set()
    for move_id in seen:
        move = moves.get(move_id)
        if move is None or not can_progress(move):
            continue
        suggestion = _suggest_move(move, settings, judged, journal.last_decision(move_id), limits)
        if suggestion is not None:
            suggestions.append(suggestion)
            if suggestion.step is Step.BACK:
                stepped_back.add(move_id)
    notes = _red_notes(judged, stepped_back)
    return Progress(tuple(suggestions), notes, tuple(judged))


def _suggest_move(move: Move, settings: Settings, judged: Sequence[JudgedSession], decision: Decision | None,
                  limits: PainLimits) -> Suggestion | None:
    history: list[tuple[JudgedSession, MoveRecord]] = []
    for session in judged:
        if decision is not None and session.record.started <= decision.when:
            continue
        found = next((m for m in session.record.moves if m.id == move.id and m.status is not MoveStatus.NOT_REACHED),
                     None)
        if found is not None:
            history.append((session, found))
    last_done = next((m for _, m in reversed(history) if done(m)), None)
    at = current_rung(move, settings, last_done)
    rated = [(session, m) for session, m in history if session.light is not None]
    if not rated:
        return None
    newest, newest_move = rated[-1]
    if newest.light is Light.RED and done(newest_move):
        back = step_back(move, at)
        if back is None:
            return None
        return Suggestion(move.id, move.name, Step.BACK, at, back,
                          f"red on {newest.day:%a %d %b}: {newest.reason}", (newest.day,))
    run: list[JudgedSession] = []
    for session, m in reversed(rated):
        if session.light is not Light.GREEN or m.status is not MoveStatus.DONE or _hold_done(m) < at.hold:
            break
        run.append(session)
        if len(run) == GREEN_RUN:
            break
    if len(run) < GREEN_RUN:
        return None
    up = step_up(move, at)
    if up is None:
        return None
    days = tuple(session.day for session in reversed(run))
    settled = ", not worse the next morning" if limits.morning_rule else ""
    reason = (f"green in the last {GREEN_RUN} sessions with it ({_days_text(days)}): "
              f"pain {limits.low} or less after{settled}")
    return Suggestion(move.id, move.name, Step.UP, at, up, reason, days)


def _days_text(days: Sequence[date]) -> str:
    return ", ".join(f"{day:%a %d %b}" for day in days)


def _red_notes(judged: Sequence[JudgedSession], stepped_back: set[str]) -> tuple[str, ...]:
    """A note when the newest judged session is red and none of its moves can step back."""
    rated = [session for session in judged if session.light is not None]
    if not rated or rated[-1].light is not Light.RED:
        return ()
    newest = rated[-1]
    if any(move.id in stepped_back for move in newest.record.moves if done(move)):
        return ()
    return (f"Your session on {newest.day:%a %d %b} was red ({newest.reason}). None of its moves had been made "
            "harder, so there is nothing to step back: go gently next time (shorter holds with −, skip what "
            "hurts), and if it happens again, talk to your physiotherapist.",)


def recent_progress(store: RecordStore, moves: Mapping[str, Move], settings: Settings, journal: Journal,
                    today: date, *, cancelled: Callable[[], bool] | None = None) -> Progress:
    """`suggest` over the last PROGRESSION_WEEKS weeks of records (read through the index: only those files).

    `cancelled` is asked between files (`RecordStore.records_between`: it raises `LookupCancelled`)."""
    records, _unreadable = store.records_between(today - timedelta(weeks=PROGRESSION_WEEKS), today,
                                                 cancelled=cancelled)
    return suggest(moves, settings, records, journal)


def accept(settings: Settings, suggestion: Suggestion, move: Move) -> Settings:
    """The settings with the suggestion's numbers as the person's own: the hold override (cleared when it is the
    routine's hold again) and the level."""
    hold = suggestion.proposed.hold
    settings = settings.with_move_values(move.id, hold=None if hold == move.hold else hold)
    return settings.with_level(move.id, suggestion.proposed.level)


def decision(suggestion: Suggestion, kind: DecisionKind, when: datetime) -> Decision:
    """The journal entry for accepting or declining `suggestion`."""
    return Decision(when, suggestion.move_id, kind, suggestion.step, suggestion.current.level,
                    suggestion.current.hold, suggestion.proposed.level, suggestion.proposed.hold, suggestion.reason)


def accepted_words(suggestion: Suggestion) -> str:
    """`Accepted: Front forearm plank: a step up, hold 30 s → 35 s. Saved as your own numbers`: the caller
    says where to see them (`backrelief set MOVE`, Settings)."""
    return f"Accepted: {suggestion.title}. Saved as your own numbers"


def declined_words(suggestion: Suggestion) -> str:
    """`Declined: ... Suggested again after 3 more green sessions with it.`"""
    again = f"{GREEN_RUN} more green sessions with it" if suggestion.step is Step.UP else "another red session"
    return f"Declined: {suggestion.title}. Suggested again after {again}."


def decision_words(entry: Decision, moves: Mapping[str, Move]) -> str:
    """`Front forearm plank: hold 30 s → 35 s (accepted)`: one line for the report and `progress`."""
    move = moves.get(entry.move)
    name = move.name if move is not None else entry.move
    if entry.level_from == entry.level_to:
        change = f"hold {entry.hold_from} s → {entry.hold_to} s"
    else:
        change = f"level {entry.level_from} → {entry.level_to}"
        if move is not None and entry.level_to:
            change += f" ({level_text(move, entry.level_to)})"
        if entry.hold_from != entry.hold_to:
            change += f", hold {entry.hold_from} s → {entry.hold_to} s"
    step = "a step up" if entry.step is Step.UP else "a step back"
    return f"{name}: {step}, {change} ({entry.kind})"
