"""Build for the moment: a balanced routine that fits the minutes, kit and space at hand.

`build_routine` is pure: it reads the library and the settings and returns a
`BuildResult`; nothing is written. The rules, in the order they are applied:

1. **What qualifies.** Every move in the library with one of its kits all
   available (the calf roll takes a roller, or a ball on a block; the built move
   then lists the kit at hand) and, with `no_floor`, whose position is standing or
   seated (kneeling counts as floor). `desk` is equipment like any other. Bonus
   moves (demanding end-range positions) are left out. Moves whose every target is
   marked "fine" are left out too (the article: "don't spend time on areas that
   are ok"), unless nothing else qualifies.
2. **Balance.** Each move belongs to a part: release (rolling), stretch or
   activation, as in the built-in routines. Moves are taken from the parts in turn
   (release 30 %, stretch 40 %, activation 30 % of the moves, by count), so a short
   build still gets some of each where the kit allows; release needs a ball, roller
   or peanut and simply drops out without one.
3. **Priority.** Focused areas first (in the order given), then areas marked
   tight, then the rest; areas partly marked fine last. The session runs release,
   then stretch, then activation (the article's order), with the same priority
   inside each part.
4. **Dose.** Each move's amount is one number scaled from the library's default: a
   roll's or a single hold's seconds, or the reps (sets for a repeated hold) of a
   reps move. Never the tempo or the pause at the top: those are about form. The
   scale runs from 0.5 to 2.0 of the default within bounds a physio would accept
   (rolls 20-180 s, single holds 15-60 s, at least 3 reps of a reps move (2 when a rep
   lasts 10 s or more), at most twice the default and 20 reps). Focused and tight moves aim at 1.5, the rest at
   1.0, partly-fine moves at 0.75. A field the person set themselves
   (`backrelief set`) is never scaled: their number wins.
5. **Fit.** The planned total (`plan_session` with the person's settings: lead-in,
   rests, switches, overrides, tight spots) must be within the budget. As many
   moves as fit at 0.75 are taken (at least one, at 0.5 if that is all that fits);
   then spare time goes to focused and tight moves first, up to their aim, then to
   every move up to 2.0. Moves are never repeated: a longer hold or a few more reps
   is what a physio would add, and with very few qualifying moves the routine is
   simply shorter than the budget (the reason says so).

Tight release moves get their extra time at planning (see `tight_spots`), like in
any routine, so the builder aims them at 1.0 unless they are also focused.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from backrelief_tui.core.choices import MAX_MINUTES as MAX_MINUTES  # (re-exported: shared with the CLI)
from backrelief_tui.core.choices import MIN_MINUTES as MIN_MINUTES
from backrelief_tui.core.library import Library
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.routine import EQUIPMENT, TARGETS, Kind, Move, Position, Routine, clip_title, prefer_kit
from backrelief_tui.core.settings import Settings
from backrelief_tui.core.tight_spots import FINE, TIGHT, Tightness, round_to_five, tightness
from backrelief_tui.core.wording import INJURY_CAUTION, format_duration, plural

LEVELS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0)
LONG_REP_SECONDS = 10
FIRST_LEVEL = 0.75  # how much of each move a short build keeps before it drops a move
FOCUS_AIM = 1.5
PLAIN_AIM = 1.0
PARTLY_FINE_AIM = 0.75
OFF_FLOOR = (Position.STANDING, Position.SEATED)
CAUTION = INJURY_CAUTION

# Friendly names people type for areas, mapped onto the routine targets.
AREA_ALIASES: dict[str, tuple[str, ...]] = {
    "calf": ("calves",), "hamstring": ("hamstrings",), "hip": ("hips",), "glute": ("glutes",),
    "ab": ("abs",), "lat": ("lats",), "pec": ("pecs",), "chest": ("pecs",),
    "upper-back": ("thoracic",), "low-back": ("spine",), "lower-back": ("spine",),
    "back": ("spine", "thoracic"),
}


class Part(StrEnum):
    RELEASE = "release"
    STRETCH = "stretch"
    ACTIVATE = "activate"


PART_ORDER = (Part.RELEASE, Part.STRETCH, Part.ACTIVATE)
SHARES = {Part.RELEASE: 0.3, Part.STRETCH: 0.4, Part.ACTIVATE: 0.3}


@dataclass(frozen=True)
class BuildResult:
    routine: Routine | None  # None: nothing qualified (or fitted); `reason` says why
    total_seconds: int
    reason: str
    budget_seconds: int = 0
    notes: tuple[str, ...] = ()  # smaller things worth saying (a focus with no move, ...)


@dataclass
class _Pick:
    move: Move  # the library move
    part: Part
    rank: tuple[int, int, int]  # lower comes first
    aim: float
    level: float = field(default=FIRST_LEVEL)


# -- reading the request ----------------------------------------------------------------


def parse_areas(text: str | Iterable[str]) -> tuple[list[str], list[str]]:
    """"hips, lats" -> (["hips", "lats"], []); unknown names come back as messages."""
    items = text.split(",") if isinstance(text, str) else [part for item in text for part in item.split(",")]
    areas: list[str] = []
    errors: list[str] = []
    for item in (item.strip().lower() for item in items):
        if not item:
            continue
        found = (item,) if item in TARGETS else AREA_ALIASES.get(item) or AREA_ALIASES.get(item.rstrip("s"))
        if found is None:
            errors.append(f"{item!r} is not an area (one of: {', '.join(TARGETS)}, or back)")
        else:
            areas.extend(area for area in found if area not in areas)
    return areas, errors


def parse_equipment(items: Iterable[str]) -> tuple[set[str], list[str]]:
    """["ball,roller", "none"] -> ({"ball", "roller"}, []); "none" means no equipment."""
    kit: set[str] = set()
    errors: list[str] = []
    for item in (part.strip().lower() for entry in items for part in entry.split(",")):
        if item in ("", "none"):
            continue
        if item in EQUIPMENT:
            kit.add(item)
        else:
            errors.append(f"{item!r} is not equipment (one of: none, {', '.join(EQUIPMENT)})")
    return kit, errors


# -- which moves, which part -------------------------------------------------------------


def qualifies(move: Move, equipment: Iterable[str], no_floor: bool) -> bool:
    """One of the move's kits is at hand and, off the floor, it is standing or seated."""
    if move.bonus:
        return False
    if no_floor and move.position not in OFF_FLOOR:
        return False
    return move.fits_kit(equipment)


def part_of(move: Move, library: Library) -> Part:
    """Release, stretch or activation: where the built-in routines put the move."""
    if move.kind is Kind.ROLL:
        return Part.RELEASE
    for part in (Part.STRETCH, Part.ACTIVATE):
        routine = library.get(str(part))
        if routine is not None and any(candidate.id == move.id for candidate in routine.moves):
            return part
    # A move of the person's own: activation when it works the glutes or core.
    return Part.ACTIVATE if {"glutes", "core"} & set(move.targets) else Part.STRETCH


# -- dose ---------------------------------------------------------------------------------


def dose_field(move: Move) -> str:
    """The one number the builder scales: seconds for a roll or single hold, else reps."""
    if move.kind is Kind.ROLL or (move.kind is Kind.HOLD and move.reps == 1):
        return "hold"
    return "reps"


def scaled(move: Move, level: float, settings: Settings | None = None) -> Move:
    """The move with its dose scaled by `level`, within sensible bounds.

    A field the person overrode is left alone: the planner applies their number.
    """
    name = dose_field(move)
    # Rest between moves: the person's default, not a rest chosen for another routine's next move.
    if settings is not None and getattr(settings.override_for(move.id), name) is not None:
        return replace(move, rest=None)
    base = getattr(move, name)
    if name == "hold":
        low, high = (20, 180) if move.kind is Kind.ROLL else (15, 60)
        value = round_to_five(base * level)
    else:
        # A rep of 10 s or more (the world's best stretch walks through four positions) is
        # a stretch in itself: two of them are a dose; short reps need at least three.
        fewest = 2 if move.rep_seconds >= LONG_REP_SECONDS else 3
        low, high = (fewest, 20) if move.kind is Kind.REPS else (1, 2 * base)
        high = min(high, 2 * base)
        value = round(base * level)
    value = max(min(low, base), min(max(high, base), value))
    return replace(move, **{name: value, "rest": None})


# -- the builder ----------------------------------------------------------------------------


def build_routine(
    library: Library,
    minutes: float,
    equipment: Iterable[str] = (),
    no_floor: bool = False,
    focus: Sequence[str] = (),
    tight_spots: Mapping[str, Tightness] | None = None,
    settings: Settings | None = None,
) -> BuildResult:
    """Compose a balanced routine whose planned time is within `minutes` (see the module doc)."""
    settings = settings or Settings()
    spots = dict(settings.tight_spots if tight_spots is None else tight_spots)
    if tight_spots is not None:
        settings = replace(settings, tight_spots=spots)
    kit = {item for item in equipment if item != "none"}
    if not (math.isfinite(minutes * 60) and MIN_MINUTES * 60 <= round(minutes * 60) <= MAX_MINUTES * 60):
        return BuildResult(None, 0, f"choose from {MIN_MINUTES} to {MAX_MINUTES} minutes (got {minutes:g})", 0)
    budget = int(round(minutes * 60))

    qualified = [move for move in library.moves.values() if qualifies(move, kit, no_floor)]
    if not qualified:
        return BuildResult(None, 0, _nothing_qualifies(library, kit, no_floor), budget)
    notes: list[str] = []
    wanted = [move for move in qualified if tightness(move.targets, spots) != FINE]
    if not wanted:
        wanted = qualified
        notes.append("everything that fits here is for areas you marked fine, so it is kept short")
    for area in focus:
        if not any(area in move.targets for move in wanted):
            notes.append(f"no move for {area} fits {_constraints(kit, no_floor)}")

    picks = _ranked([prefer_kit(move, kit) for move in wanted], library, focus, spots)
    order = _interleave(picks)
    chosen = _most_that_fit(order, budget, settings)
    if not chosen:
        shortest = min(_planned([_with_level(pick, LEVELS[0])], settings) for pick in order)
        return BuildResult(
            None, 0,
            f"even the shortest move takes {format_duration(shortest)} with your lead-in; "
            f"{format_duration(budget)} is not enough", budget, tuple(notes))
    _fill(chosen, budget, settings)
    routine = _routine(chosen, minutes, kit, no_floor, focus, settings)
    total = plan_session(routine, settings).total_seconds
    count = len(routine.moves)
    reason = f"{plural(count, 'move')}, {format_duration(total)} of the {format_duration(budget)} you have"
    if len(chosen) == len(order) and total < budget - 60:
        reason += f"; that is every suitable move {_constraints(kit, no_floor)}, each at its longest sensible dose"
    return BuildResult(routine, total, reason, budget, tuple(notes))


def _ranked(moves: list[Move], library: Library, focus: Sequence[str],
            spots: Mapping[str, Tightness]) -> list[_Pick]:
    position = {move_id: index for index, move_id in enumerate(library.moves)}
    focus_order = _focus_order(moves, focus, position)
    picks = []
    for move in moves:
        focus_index = focus_order.get(move.id)
        mark = tightness(move.targets, spots)
        partly_fine = mark is None and any(spots.get(area) == FINE for area in move.targets)
        if focus_index is not None:
            tier, aim = 0, FOCUS_AIM
        elif mark == TIGHT:
            # Tight rolls already get their extra time from the planner.
            tier, aim = 1, PLAIN_AIM if move.kind is Kind.ROLL else FOCUS_AIM
        elif partly_fine or mark == FINE:
            tier, aim = 3, PARTLY_FINE_AIM
        else:
            tier, aim = 2, PLAIN_AIM
        rank = (tier, focus_index if focus_index is not None else 0, position[move.id])
        picks.append(_Pick(move, part_of(move, library), rank, aim))
    return sorted(picks, key=lambda pick: pick.rank)


def _focus_order(moves: list[Move], focus: Sequence[str], position: Mapping[str, int]) -> dict[str, int]:
    """Focused moves taken area by area in turn (hips, lats, hips, lats...), so every focus gets a move early."""
    remaining = sorted((move for move in moves if set(move.targets) & set(focus)), key=lambda move: position[move.id])
    order: dict[str, int] = {}
    while remaining:
        for area in focus:
            move = next((move for move in remaining if area in move.targets), None)
            if move is not None:
                order[move.id] = len(order)
                remaining.remove(move)
    return order


def _interleave(picks: list[_Pick]) -> list[_Pick]:
    """One list taking the parts in turn by their shares, the best-ranked first within each tier."""
    queues = {part: [pick for pick in picks if pick.part is part] for part in PART_ORDER}
    taken = {part: 0 for part in PART_ORDER}
    order: list[_Pick] = []
    while any(queues.values()):
        part = min((part for part in PART_ORDER if queues[part]),
                   key=lambda part: (queues[part][0].rank[0], taken[part] / SHARES[part], PART_ORDER.index(part)))
        order.append(queues[part].pop(0))
        taken[part] += 1
    return order


def _session_order(picks: list[_Pick]) -> list[_Pick]:
    return sorted(picks, key=lambda pick: (PART_ORDER.index(pick.part), pick.rank))


def _with_level(pick: _Pick, level: float) -> _Pick:
    return _Pick(pick.move, pick.part, pick.rank, pick.aim, level)


def _planned(picks: list[_Pick], settings: Settings) -> int:
    moves = tuple(scaled(pick.move, pick.level, settings) for pick in _session_order(picks))
    return plan_session(Routine("built", "Built", "Built", moves), settings).total_seconds


def _most_that_fit(order: list[_Pick], budget: int, settings: Settings) -> list[_Pick]:
    chosen: list[_Pick] = []
    for pick in order:  # a move that does not fit is passed over: a shorter one further on may
        trial = [*chosen, _with_level(pick, min(FIRST_LEVEL, pick.aim))]
        if _planned(trial, settings) <= budget:
            chosen = trial
    if chosen:
        return chosen
    for pick in order:  # nothing fits at 0.75: one move at the smallest sensible dose
        trial = [_with_level(pick, LEVELS[0])]
        if _planned(trial, settings) <= budget:
            return trial
    return []


def _fill(chosen: list[_Pick], budget: int, settings: Settings) -> None:
    """Spend spare time one level at a time, best-ranked first.

    First focused and tight moves up to their aim, then every move up to its aim,
    then every move up to 2.0. Levels only go up, so this ends.
    """
    rounds = ((lambda pick: pick.rank[0] <= 1, lambda pick: pick.aim),
              (lambda pick: True, lambda pick: pick.aim),
              (lambda pick: True, lambda pick: LEVELS[-1]))
    for eligible, ceiling in rounds:
        raised = True
        while raised:
            raised = False
            for pick in sorted(chosen, key=lambda pick: pick.rank):
                higher = [level for level in LEVELS if pick.level < level <= ceiling(pick)]
                if not eligible(pick) or not higher:
                    continue
                old, pick.level = pick.level, higher[0]
                if _planned(chosen, settings) > budget:
                    pick.level = old
                else:
                    raised = True


def _routine(chosen: list[_Pick], minutes: float, kit: set[str], no_floor: bool,
             focus: Sequence[str], settings: Settings) -> Routine:
    moves = tuple(scaled(pick.move, pick.level, settings) for pick in _session_order(chosen))
    label = f"{minutes:g} min"
    summary = f"Built for {label} {_constraints(kit, no_floor)}"
    if focus:
        summary += f", {', '.join(focus)} first"
    return Routine(
        id=f"built-{minutes:g}-min".replace(".", "-"),
        title=clip_title(f"Built: {label}, {_kit_words(kit)}"),
        summary=summary + ".",
        moves=moves,
        caution=CAUTION,
        source="(built)",
        builtin=False,
    )


def _kit_words(kit: set[str]) -> str:
    return ", ".join(sorted(kit)) if kit else "no equipment"


def _constraints(kit: set[str], no_floor: bool) -> str:
    items = [f"a {item}" for item in sorted(kit)]
    words = "with " + (" and ".join([", ".join(items[:-1]), items[-1]]) if len(items) > 1 else
                       items[0] if items else "no equipment")
    return words + (" off the floor" if no_floor else "")


def _nothing_qualifies(library: Library, kit: set[str], no_floor: bool) -> str:
    reason = f"no move in the library can be done {_constraints(kit, no_floor)}"
    if no_floor:
        reason += " (kneeling counts as floor)"
    unlocks = []
    for item in EQUIPMENT:
        if item in kit:
            continue
        moves = [move.name for move in library.moves.values() if qualifies(move, kit | {item}, no_floor)]
        if moves:
            unlocks.append(f"a {item} would allow {', '.join(moves)}")
    if unlocks:
        reason += "; " + "; ".join(unlocks)
    return reason
