"""Traffic lights on the history: each session by `pain.session_light`, each move by its sessions.

A session's light comes from its pain after the session and the next-morning answer
about its day (the journal). A move has no pain rating of its own, so a move's light
is the light of the sessions in which it was done: `MoveLights` counts them, and
its `latest` is the light of the last one. (A red session colours every move done in
it; progression steps back only the moves that had been made harder.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date

from backrelief_tui.core.pain import DEFAULT_LIMITS, Light, MorningAnswer, PainLimits, light_reason, session_light
from backrelief_tui.core.records import MoveRecord, MoveStatus, SessionRecord


@dataclass(frozen=True)
class JudgedSession:
    record: SessionRecord
    morning: MorningAnswer | None
    light: Light | None  # None: not rated after, and no morning answer that makes it red
    reason: str

    @property
    def day(self) -> date:
        return self.record.started.date()


def judge_sessions(records: Iterable[SessionRecord], mornings: Mapping[date, MorningAnswer],
                   limits: PainLimits = DEFAULT_LIMITS) -> list[JudgedSession]:
    """Every record with its light, in the order given (records oldest first give a history)."""
    judged = []
    for record in records:
        morning = mornings.get(record.started.date())
        judged.append(JudgedSession(record, morning, session_light(record.pain_after, morning, limits),
                                    light_reason(record.pain_after, morning, limits)))
    return judged


@dataclass
class MoveLights:
    """How a move's sessions went: the lights of the sessions it was done in (in full or in part)."""

    id: str
    name: str
    green: int = 0
    amber: int = 0
    red: int = 0
    unjudged: int = 0
    latest: Light | None = None
    days: list[tuple[date, Light | None]] = field(default_factory=list)

    @property
    def sessions(self) -> int:
        return self.green + self.amber + self.red + self.unjudged


def done(move: MoveRecord) -> bool:
    """Done in full or in part: the move was exercised in that session."""
    return move.status in (MoveStatus.DONE, MoveStatus.PARTIAL)


def move_lights(judged: Sequence[JudgedSession]) -> dict[str, MoveLights]:
    """Per move id, in order of first appearance."""
    moves: dict[str, MoveLights] = {}
    for session in judged:
        for move in session.record.moves:
            if not done(move):
                continue
            tally = moves.setdefault(move.id, MoveLights(move.id, move.name))
            tally.name = move.name
            if session.light is None:
                tally.unjudged += 1
            else:
                tally.green += session.light is Light.GREEN
                tally.amber += session.light is Light.AMBER
                tally.red += session.light is Light.RED
                tally.latest = session.light
            tally.days.append((session.day, session.light))
    return moves
