"""`list`, `show`, `validate`, `paths` and `run`: the routines, and starting one."""

from __future__ import annotations

import argparse
import json
import os
from typing import Any

from backrelief_tui.commands import fail
from backrelief_tui.commands.context import load_context
from backrelief_tui.core import paths
from backrelief_tui.core.library import find_routine, load_library, load_routine_file
from backrelief_tui.core.plan import Plan, format_duration, plan_session


def cmd_list(args: argparse.Namespace) -> int:
    library, settings = load_context()
    rows = []
    for routine in library.routines.values():
        plan = plan_session(routine, settings)
        rows.append({
            "id": routine.id,
            "title": routine.title,
            "summary": routine.summary,
            "moves": len(plan.moves),
            "total_seconds": plan.total_seconds,
            "minutes": round(plan.total_seconds / 60, 1),
            "equipment": list(routine.equipment),
            "targets": list(routine.targets),
            "builtin": routine.builtin,
            "source": routine.source,
        })
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    if not rows:
        print("No routines found.")
        return 1
    width = max(len(row["id"]) for row in rows)
    for row in rows:
        equipment = ", ".join(row["equipment"]) or "no equipment"
        origin = "" if row["builtin"] else "  (yours)"
        print(f"{row['id']:<{width}}  {format_duration(row['total_seconds']):>6}  "
              f"{row['moves']:>2} moves  {row['title']} — {equipment}{origin}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    library, settings = load_context()
    routine, problems = find_routine(args.routine, library)
    if routine is None:
        return fail(*problems)
    plan = plan_session(routine, settings)
    if args.json:
        print(json.dumps(plan_to_json(plan), indent=2))
        return 0
    print(f"{routine.title} ({routine.id}) — {format_duration(plan.total_seconds)} in all")
    print(routine.summary)
    if routine.caution:
        print(f"Caution: {routine.caution}")
    print()
    at = 0
    for number, step in enumerate(plan.steps, 1):
        side = f" {step.side.upper()}" if step.side else ""
        rep = f" rep {step.rep}/{step.reps}" if step.phase == "work" and step.reps > 1 else ""
        paced = " (self-paced)" if step.self_paced else ""
        print(f"{number:>4}  {format_duration(at):>6}  {step.phase:<11} {step.seconds:>4}s  "
              f"{step.move.name}{side}{rep}{paced}")
        at += step.seconds
    print(f"\nTotal: {format_duration(plan.total_seconds)} ({plan.total_seconds} s), {len(plan.moves)} moves")
    return 0


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan as `show --json` prints it (and `build --json` embeds it)."""
    return {
        "id": plan.routine.id,
        "title": plan.routine.title,
        "total_seconds": plan.total_seconds,
        "moves": [{"id": move.id, "name": move.name, "kind": str(move.kind), "hold": move.hold,
                   "reps": move.reps, "sides": str(move.sides), "equipment": list(move.equipment),
                   "position": str(move.position), "targets": list(move.targets)} for move in plan.moves],
        "steps": [{"phase": str(step.phase), "move": step.move.id, "side": step.side and str(step.side),
                   "rep": step.rep, "seconds": step.seconds, "self_paced": step.self_paced}
                  for step in plan.steps],
    }


def cmd_validate(args: argparse.Namespace) -> int:
    library = load_library()
    failed = False
    for path in args.files:
        routine, problems = load_routine_file(path, library)
        if routine is None:
            failed = True
            for problem in problems:
                print(problem)
        else:
            total = plan_session(routine).total_seconds
            print(f"{path}: ok ({len(routine.moves)} moves, {format_duration(total)})")
    return 1 if failed else 0


def cmd_paths(args: argparse.Namespace) -> int:
    print(f"settings:        {paths.settings_file()}")
    print(f"your routines:   {paths.user_routines_dir()}")
    print(f"session records: {paths.sessions_dir()}")
    print(f"history index:   {paths.index_file()} (a cache, safe to delete)")
    print(f"live sessions:   {paths.live_dir()}")
    print(f"built-in:        {paths.builtin_routines_dir()}")
    if paths.HOME_VARIABLE in os.environ:
        print(f"({paths.HOME_VARIABLE} is set: everything lives under it)")
    return 0


def cmd_tui(args: argparse.Namespace, routine_name: str | None = None) -> int:
    from backrelief_tui.tui.app import run_app  # Textual loads only for the TUI

    return run_app(routine_name=routine_name)


def cmd_run(args: argparse.Namespace) -> int:
    library, _settings = load_context()
    routine, problems = find_routine(args.routine, library)
    if routine is None:
        return fail(*problems)
    return cmd_tui(args, routine_name=args.routine)
