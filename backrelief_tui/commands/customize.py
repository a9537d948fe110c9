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
from backrelief_tui.core.settings import OVERRIDE_FIELDS, Settings, parse_assignments
from backrelief_tui.core.text import json_safe, printable
from backrelief_tui.core.user_routines import replaces, routine_id_from_name, save_user_routine
from backrelief_tui.core.wording import format_duration, move_dose, plural

# -- set --------------------------------------------------------------------------------------


def cmd_set(args: argparse.Namespace) -> int:
    if args.move == "schedule":  # `backrelief set schedule every=50 days=mon-fri ...`: the break nudges
        from backrelief_tui.commands.nudges import set_schedule

        if args.reset or args.reset_all or _marks_given(args):
            return fail("set schedule takes FIELD=VALUE only: every=50 days=mon-fri hours=9-17:30 goal=5 routine=desk")
        return set_schedule(args.values)
    library, settings = load_context()
    before = settings
    if args.reset_all:
        if args.move or args.values or args.reset:
            return fail("--reset-all takes no move or values")
        settings = replace(settings.without_overrides(), levels={})
    elif args.move is not None:
        move = library.moves.get(args.move)
        if move is None:
            return fail(_unknown_move(args.move, library))
        if args.reset:
            if args.values:
                return fail("--reset takes a move only (to clear one field: FIELD=default)")
            settings = settings.without_override(move.id).with_level(move.id, 0)
        elif args.values:
            level_items = [item for item in args.values if item.replace(" ", "").lower().startswith("level=")]
            values, errors = _parse_values([item for item in args.values if item not in level_items])
            for item in level_items:
                settings, error = _set_level(settings, move, item.partition("=")[2].strip())
                errors += [error] if error else []
            if errors:
                return fail(*errors)
            settings = settings.with_move_values(move.id, **values)
        elif not _marks_given(args):
            _print_move(move, settings, library)
            return 0
    elif args.reset or args.values:
        return fail("name the move: backrelief set MOVE hold=20")
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
        print(f"Every move is back to its routine's numbers ({len({*before.moves, *before.levels})} cleared).")
    if _marks_given(args):
        print(_marks_line(settings))
    return 0


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


def _numbers(move: Move) -> str:
    rest = "default" if move.rest is None else f"{move.rest} s"
    parts = [f"hold {move.hold} s", f"reps {move.reps}", f"sides {move.sides}", f"rest {rest}"]
    if move.reps > 1:
        parts.append(f"rep_rest {move.rep_rest} s")
    return ", ".join(parts)


def _print_move(move: Move, settings: Settings, library: Library, before: Settings | None = None) -> None:
    override = settings.override_for(move.id)
    mine = ", ".join(f"{name} {value}" for name, value in override.to_table().items()) or "none"
    print(printable(f"{move.name} ({move.id}): {_numbers(override.apply(move))}"))
    print(printable(f"  your numbers: {mine}; saved in {paths.settings_file()}" if before is not None
                    else f"  your numbers: {mine}"))
    if level_count(move):
        print(printable(f"  {level_label(move, settings.level_for(move.id))}; "
                        f"{plural(level_count(move), 'harder level')} "
                        f"in all (backrelief set {move.id} level=N, 0 for the start)"))
    for routine in library.routines.values():
        if any(candidate.id == move.id for candidate in routine.moves):
            now = plan_session(routine, settings).total_seconds
            if before is not None:
                was = plan_session(routine, before).total_seconds
                change = f"{format_duration(was)} → {format_duration(now)}" if was != now else format_duration(now)
            else:
                change = format_duration(now)
            print(f"  in {routine.id}: {change}")


def _print_overview(settings: Settings, library: Library) -> None:
    if not settings.moves and not settings.levels:
        print("You have not changed any move; every routine uses its own numbers.")
    for move_id in sorted({*settings.moves, *settings.levels}):
        move = library.moves.get(move_id)
        name = move.name if move is not None else "(not in the library)"
        values = [f"{key} {value}" for key, value in settings.override_for(move_id).to_table().items()]
        if settings.level_for(move_id):
            values.append(level_label(move, settings.level_for(move_id)) if move is not None
                          else f"level {settings.level_for(move_id)}")
        print(printable(f"{move_id}  {name}: {', '.join(values)}"))
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


