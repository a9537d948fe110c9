"""Command line: no subcommand opens the TUI; the others print and exit.

Every command returns an exit code and prints problems as one line each
(`FILE: FIELD: what is wrong`), never a traceback.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TextIO

from backrelief_tui.commands_history import add_history_parsers, cmd_history, cmd_report
from backrelief_tui.commands_custom import add_parsers as add_custom_parsers
from backrelief_tui.commands_custom import cmd_build, cmd_set
from backrelief_tui.core import paths
from backrelief_tui.core.library import Library, find_routine, load_library, load_routine_file
from backrelief_tui.core.plan import format_duration, plan_session
from backrelief_tui.core.routine import Problem, Routine
from backrelief_tui.core.settings import Settings, load_settings

DESCRIPTION = """\
Follow-along low-back-pain relief in your terminal: trigger-point release,
stretching and glute/core activation, one move at a time, with a big countdown,
cues and beeps. Run with no command to open the app."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="backrelief", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    command = commands.add_parser("list", help="list the routines with their length")
    command.add_argument("--json", action="store_true", help="print JSON")

    command = commands.add_parser("show", help="show a routine's planned steps and timings")
    command.add_argument("routine", help="routine id or path of a routine file")
    command.add_argument("--json", action="store_true", help="print JSON")

    command = commands.add_parser("validate", help="check routine files; exit 1 when any has a problem")
    command.add_argument("files", nargs="+", type=Path, metavar="FILE")

    commands.add_parser("paths", help="where settings, your routines and session records live")

    command = commands.add_parser("run", help="start a routine straight away")
    command.add_argument("routine", help="routine id or path of a routine file (try one without installing it)")

    commands.add_parser("sound-test", help="play every cue and say which audio backend worked")
    add_custom_parsers(commands)  # set, build
    add_history_parsers(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    handler = HANDLERS.get(args.command or "tui")
    try:
        return handler(args)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `backrelief list | head`
        return 0


# -- helpers ------------------------------------------------------------------------


def load_context(out: TextIO | None = None) -> tuple[Library, Settings]:
    """Library and settings, with their problems reported as warnings (the rest still works)."""
    out = out or sys.stderr
    library = load_library()
    settings, problems = load_settings()
    for problem in [*library.problems, *problems]:
        print(f"warning: {problem}", file=out)
    return library, settings


def _report(problems: list[Problem]) -> int:
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1


# -- commands -------------------------------------------------------------------------


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
        return _report(problems)
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


def plan_to_json(plan) -> dict:
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
    print(f"built-in:        {paths.builtin_routines_dir()}")
    if paths.HOME_VARIABLE in __import__("os").environ:
        print(f"({paths.HOME_VARIABLE} is set: everything lives under it)")
    return 0


def cmd_tui(args: argparse.Namespace, routine_name: str | None = None) -> int:
    from backrelief_tui.tui.app import run_app  # Textual loads only for the TUI

    return run_app(routine_name=routine_name)


def cmd_run(args: argparse.Namespace) -> int:
    library, _settings = load_context()
    routine, problems = find_routine(args.routine, library)
    if routine is None:
        return _report(problems)
    return cmd_tui(args, routine_name=args.routine)


def cmd_sound_test(args: argparse.Namespace) -> int:
    from backrelief_tui.audio import sound_test

    return sound_test()


HANDLERS = {
    "tui": cmd_tui,
    "list": cmd_list,
    "show": cmd_show,
    "validate": cmd_validate,
    "paths": cmd_paths,
    "run": cmd_run,
    "sound-test": cmd_sound_test,
    "set": cmd_set,
    "build": cmd_build,
    "history": cmd_history,
    "report": cmd_report,
}
