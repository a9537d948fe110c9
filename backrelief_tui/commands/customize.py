"""`backrelief set` (your own numbers for a move, tight spots) and `backrelief build`."""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from backrelief_tui.commands import fail
from backrelief_tui.commands.context import load_context, save_and_report
from backrelief_tui.commands.routines import plan_to_json
from backrelief_tui.core import paths
from backrelief_tui.core.builder import build_routine, parse_areas, parse_equipment
from backrelief_tui.core.levels import level_count, level_label
from backrelief_tui.core.library import Library
from backrelief_tui.core.plan import move_seconds, plan_session
from backrelief_tui.core.routine import Move, Routine, clip_title, routine_to_table
from backrelief_tui.core.settings import OVERRIDE_FIELDS, MoveOverride, Settings, parse_assignments
from backrelief_tui.core.text import json_safe, printable
from backrelief_tui.core.user_routines import replaces, routine_id_from_name, save_user_routine
from backrelief_tui.core.wording import format_duration, move_dose, plural

# -- set --------------------------------------------------------------------------------------


def cmd_set(args: argparse.Namespace) -> int:
    if args.move == "schedule":  # `backrelief set schedule every=50 days=mon-fri ...`: the break nudges
        from backrelief_tui.commands.nudges import set_schedule

        if args.reset or args.reset_all or args.routine or _marks_given(args):
            return fail("set schedule takes FIELD=VALUE only: every=50 days=mon-fri hours=9-17:30 goal=5 routine=desk")
        return set_schedule(args.values)
    library, settings = load_context()
    before = settings
    scope: str | None = args.routine  # None: everywhere the move appears
    if scope is not None and scope not in library.routines:
        return fail(f"no routine with id {scope!r} (known: {', '.join(library.routines) or 'none'})")
    if args.reset_all:
        if args.move or args.values or args.reset:
            return fail("--reset-all takes no move or values")
        settings = settings.without_overrides(scope)
        if scope is None:  # levels are everywhere only
            settings = replace(settings, levels={})
    elif args.move is not None:
        move = library.moves.get(args.move)
        if move is None:
            return fail(_unknown_move(args.move, library))
        if scope is not None and (problem := _not_in_routine(move, scope, library)):
            return fail(problem)
        if args.reset:
            if args.values:
                return fail("--reset takes a move only (to clear one field: FIELD=default)")
            settings = settings.without_override(move.id, scope)
            if scope is None:
                settings = settings.with_level(move.id, 0)
        elif args.values:
            level_items = [item for item in args.values if item.replace(" ", "").lower().startswith("level=")]
            values, errors = _parse_values([item for item in args.values if item not in level_items])
            for item in level_items:
                settings, error = _set_level(settings, move, item.partition("=")[2].strip())
                errors += [error] if error else []
            if errors:
                return fail(*errors)
            settings = settings.with_move_values(move.id, routine=scope, **values)
        elif not _marks_given(args):
            _print_move(move, settings, library)
            return 0
    elif args.reset or args.values or args.routine:
        return fail("name the move: backrelief set MOVE hold=20 [--routine ID]")
    if _marks_given(args):
        settings, errors = _apply_marks(settings, args)
        if errors:
            return fail(*errors)
    if settings == before:
        if not (args.reset or args.reset_all or args.move):
            _print_overview(settings, library)
        else:
            print("Nothing to change.")
        return 0
    if (code := save_and_report(settings, base=before)) != 0:
        return code
    if args.move is not None and args.move in library.moves:
        _print_move(library.moves[args.move], settings, library, before)
    elif args.reset_all:
        cleared = before.override_count - settings.override_count + len(before.levels) - len(settings.levels)
        where = f"in {scope} " if scope else ""
        print(f"Every move {where}is back to its routine's numbers ({cleared} cleared).")
        if scope and (settings.moves or settings.levels):
            print("Your numbers for everywhere still apply there (backrelief set shows them).")
    if _marks_given(args):
        print(_marks_line(settings))
    return 0


def _not_in_routine(move: Move, routine_id: str, library: Library) -> str | None:
    """Why `--routine` cannot scope this move (the routine does not have it), or None."""
    if any(candidate.id == move.id for candidate in library.routines[routine_id].moves):
        return None
    having = _routines_with(move.id, library)
    where = f"it is in: {', '.join(having)}" if having else "no routine has it"
    return f"{move.id} is not in the routine {routine_id} ({where})"


def _routines_with(move_id: str, library: Library) -> list[str]:
    return [rid for rid, routine in library.routines.items() if any(move.id == move_id for move in routine.moves)]


def _parse_values(items: list[str]) -> tuple[dict[str, Any], list[str]]:
    cleared: dict[str, None] = {}
    rest = []
    for item in items:
        name, _equals, text = item.partition("=")
        if text.strip().lower() == "default" and name.strip().replace("-", "_") in OVERRIDE_FIELDS:
            cleared[name.strip().replace("-", "_")] = None
        else:
            rest.append(item)
    values, errors = parse_assignments(rest)
    return {**values, **cleared}, errors


def _set_level(settings: Settings, move: Move, text: str) -> tuple[Settings, str | None]:
    """`level=1` (or `level=default`): the move's level, one of its progressions (core/levels.py)."""
    if text.lower() in ("default", "0"):
        return settings.with_level(move.id, 0), None
    if not level_count(move):
        return settings, f"{move.id} has no levels (no progressions in its routine)"
    if not text.isdigit() or not 0 <= int(text) <= level_count(move):
        return settings, f"level must be from 0 to {level_count(move)} for {move.id} (got {text!r})"
    return settings.with_level(move.id, int(text)), None


def _marks_given(args: argparse.Namespace) -> bool:
    return bool(args.tight or args.fine or args.unmark or args.bonus)


def _apply_marks(settings: Settings, args: argparse.Namespace) -> tuple[Settings, list[str]]:
    errors: list[str] = []
    if args.bonus:
        settings = replace(settings, include_bonus=args.bonus == "on")
    marked: dict[str, str] = {}  # area -> the option that named it
    for option, text, state in (("--tight", args.tight, "tight"), ("--fine", args.fine, "fine"),
                                ("--unmark", args.unmark, None)):
        areas, problems = parse_areas(text or "")
        errors.extend(problems)
        for area in areas:
            if area in marked and marked[area] != option:
                errors.append(f"{area} is given to both {marked[area]} and {option}: choose one")
            marked.setdefault(area, option)
            settings = settings.with_tight_spot(area, state)
    return settings, errors


def _marks_line(settings: Settings) -> str:
    bonus = f" Bonus moves: {'on' if settings.include_bonus else 'off'}."
    if not settings.tight_spots:
        return "No areas marked tight or fine." + bonus
    tight = [area for area, state in settings.tight_spots.items() if state == "tight"]
    fine = [area for area, state in settings.tight_spots.items() if state == "fine"]
    parts = [f"tight: {', '.join(tight)}" if tight else "", f"fine: {', '.join(fine)}" if fine else ""]
    return "Areas — " + "; ".join(part for part in parts if part) + "." + bonus


def _unknown_move(move_id: str, library: Library) -> str:
    similar = [candidate for candidate in library.moves if move_id in candidate]
    similar += [c for c in difflib.get_close_matches(move_id, list(library.moves), n=3) if c not in similar]
    hint = (f" (did you mean: {', '.join(similar[:4])}?)" if similar
            else " (see `backrelief show ROUTINE --json` for ids)")
    return f"no move with id {move_id!r} in the library{hint}"


def _numbers(move: Move, settings: Settings) -> str:
    rest = f"{settings.default_rest} s (the default)" if move.rest is None else f"{move.rest} s"
    parts = [f"hold {move.hold} s", f"reps {move.reps}", f"sides {move.sides}", f"rest {rest}"]
    if move.reps > 1:
        parts.append(f"rep_rest {move.rep_rest} s")
    return ", ".join(parts)


def _values(override: MoveOverride) -> str:
    return ", ".join(f"{name} {value}" for name, value in override.to_table().items())


def _print_move(move: Move, settings: Settings, library: Library, before: Settings | None = None) -> None:
    """The move's numbers in force in each routine that has it (a routine may set its own, and so may
    the person, for that routine only or everywhere), with each routine's length."""
    everywhere = _values(settings.own_override(move.id)) or "none"
    print(printable(f"{move.name} ({move.id}), the numbers in force in each routine that has it:"))
    print(printable(f"  your numbers everywhere: {everywhere}; saved in {paths.settings_file()}" if before is not None
                    else f"  your numbers everywhere: {everywhere}"))
    if level_count(move):
        print(printable(f"  your level: {level_label(move, settings.level_for(move.id))}"))
        print(printable(f"  {plural(level_count(move), 'harder level')} in all "
                        f"(backrelief set {move.id} level=N, 0 for the start)"))
    having = _routines_with(move.id, library)
    for routine_id in having:
        routine = library.routines[routine_id]
        plan = plan_session(routine, settings)
        in_force = next((planned for planned in plan.moves if planned.id == move.id), None)
        left_out = " (a bonus move: left out unless you opt in)" if in_force is None else ""
        if in_force is None:
            own = next(candidate for candidate in routine.moves if candidate.id == move.id)
            in_force = settings.override_for(move.id, routine_id).apply(own)
        now = plan.total_seconds
        length = format_duration(now)
        if before is not None and (was := plan_session(routine, before).total_seconds) != now:
            length = f"{format_duration(was)} → {length}"
        here = _values(settings.own_override(move.id, routine_id))
        mine = f" · yours for {routine_id} only: {here}" if here else ""
        print(printable(f"  in {routine_id}: {_numbers(in_force, settings)}{left_out} · routine {length}{mine}"))
    if not having:
        print(printable(f"  in no routine: {_numbers(settings.override_for(move.id).apply(move), settings)}"))


def _print_overview(settings: Settings, library: Library) -> None:
    if not settings.override_count and not settings.levels:
        print("You have not changed any move; every routine uses its own numbers.")
    scoped = [(None, settings.moves), *((rid, table) for rid, table in sorted(settings.routines.items()))]
    for routine_id, table in scoped:
        for move_id, override in sorted(table.items()):
            name = library.moves[move_id].name if move_id in library.moves else "(not in the library)"
            where = "everywhere" if routine_id is None else f"in {routine_id} only"
            print(printable(f"{move_id}  {name}: {_values(override)} — {where}"))
    for move_id, level in sorted(settings.levels.items()):
        move = library.moves.get(move_id)
        name = move.name if move is not None else "(not in the library)"
        label = level_label(move, level) if move is not None else f"level {level}"
        print(printable(f"{move_id}  {name}: {label} — everywhere"))
    print(_marks_line(settings))


# -- build ------------------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    kit, errors = parse_equipment(args.equipment)
    focus, focus_errors = parse_areas(args.focus)
    if errors or focus_errors:
        return fail(*errors, *focus_errors)
    library, settings = load_context()
    result = build_routine(library, args.minutes, kit, args.no_floor, focus, settings=settings)
    routine = result.routine
    saved = None
    if routine is not None and args.save:
        routine, saved, code = _save_built(routine, args, library)
        if code:
            return code
    if args.json:
        document: dict[str, Any] = {"reason": result.reason, "notes": list(result.notes),
                                    "budget_seconds": result.budget_seconds, "saved": saved and str(saved)}
        if routine is not None:
            document |= plan_to_json(plan_session(routine, settings))
            document["routine"] = routine_to_table(routine)
        else:
            document |= {"routine": None, "total_seconds": 0}
        print(json_safe(json.dumps(document, indent=2, ensure_ascii=False)))
        return 0 if routine is not None else 1
    if routine is None:
        return fail(f"nothing to build: {result.reason}")
    _print_built(routine, settings, result.reason, result.notes)
    if saved:
        print(printable(f"\nSaved as {saved}. Start it: backrelief run {routine.id}", multiline=True))
    else:
        print("\nTo keep it: add --save NAME. To start it now: open the app and press b on the picker.")
    return 0


def _save_built(routine: Routine, args: argparse.Namespace, library: Library) -> tuple[Routine, Path | None, int]:
    routine_id = routine_id_from_name(args.save)
    routine = replace(routine, id=routine_id, title=clip_title(args.save) or routine.title)
    replaced = replaces(routine_id, library)
    if replaced and not args.replace:
        return routine, None, fail(f"saving as {routine_id!r} would replace {replaced}; "
                                    f"choose another name or add --replace")
    try:
        path, problems = save_user_routine(routine)
    except OSError as error:
        return routine, None, fail(f"cannot save to {paths.user_routines_dir()}: {error.strerror or error}")
    if problems:
        return routine, None, fail(*problems)
    if replaced:
        print(printable(f"note: this replaces {replaced}"), file=sys.stderr)
    return routine, path, 0


def _print_built(routine: Routine, settings: Settings, reason: str, notes: tuple[str, ...]) -> None:
    plan = plan_session(routine, settings)
    print(printable(f"{routine.title} — {format_duration(plan.total_seconds)} planned"))
    print(printable(f"{reason}."))
    for note in notes:
        print(printable(f"note: {note}"))
    print()
    width = max(len(move.name) for move in plan.moves)
    for number, move in enumerate(plan.moves, 1):
        equipment = f"  [{', '.join(move.equipment)}]" if move.equipment else ""
        print(printable(f"{number:>3}. {move.name:<{width}}  {move_dose(move, short=True):<18} "
                        f"{format_duration(move_seconds(move, settings)):>5}  {move.position}{equipment}"))
    print(f"\nWith a {settings.lead_in} s lead-in and {settings.default_rest} s between moves: "
          f"{format_duration(plan.total_seconds)} in all.")


