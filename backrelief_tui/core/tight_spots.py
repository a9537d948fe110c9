"""Tight spots: spend time where it is tight, skip what is fine.

The article's advice for trigger-point release: "Spend more time on the areas that
are tight. If a spot doesn't hurt, don't spend time there!" The person marks areas
"tight" or "fine" in the settings; `plan_session` runs every release (roll) move
through `for_tight_spots`, so the release routine, the full session and any routine
of their own that rolls an area follow the marks. The builder uses the same
`tightness` to choose and order moves of every kind.

A move's tightness comes from its targets: tight when any target is tight, fine
only when every target is fine (a roll over hips and abs is not skipped because the
abs are fine), otherwise unmarked.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum

from backrelief_tui.core.routine import Kind, Move, with_overrides


class Tightness(StrEnum):
    TIGHT = "tight"
    FINE = "fine"


TIGHT = Tightness.TIGHT
FINE = Tightness.FINE
TIGHT_FACTOR = 1.5  # a tight area gets half as long again
FINE_FACTOR = 0.5  # a fine area gets a quick check pass, not a full roll
MIN_ROLL_SECONDS = 15  # below this a roll cannot even find a spot
MAX_ROLL_SECONDS = 600  # the routine-file limit for a hold


def tightness(targets: Iterable[str], spots: Mapping[str, Tightness]) -> Tightness | None:
    """"tight" if any target is tight, "fine" if every target is fine, else None."""
    marks = [spots.get(area) for area in targets]
    if TIGHT in marks:
        return TIGHT
    if marks and all(mark == FINE for mark in marks):
        return FINE
    return None


def for_tight_spots(move: Move, spots: Mapping[str, Tightness]) -> Move:
    """A release move with its roll time scaled for the marks; other moves unchanged.

    Only rolls change here: how long to stay on a spot is the article's advice for
    release, while a stretch or an activation set keeps the numbers it was given.
    The person's own hold override (applied after this) still wins.
    """
    if move.kind is not Kind.ROLL or not spots:
        return move
    mark = tightness(move.targets, spots)
    if mark is None:
        return move
    factor = TIGHT_FACTOR if mark == TIGHT else FINE_FACTOR
    hold = round_to_five(move.hold * factor)
    hold = min(MAX_ROLL_SECONDS, max(min(MIN_ROLL_SECONDS, move.hold), hold))
    return with_overrides(move, hold=hold)


def round_to_five(seconds: float) -> int:
    """Round to the nearest 5 s (halves up): timings people can read at a glance."""
    return int(seconds / 5 + 0.5) * 5
