"""`list`, `show`, `validate`, `paths` and `run`: the routines, and starting one."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any

from backrelief_tui.commands import fail
from backrelief_tui.commands.context import load_context
from backrelief_tui.core import paths
from backrelief_tui.core.library import Library, find_routine, load_library, load_routine_file
from backrelief_tui.core.plan import Plan, plan_session
from backrelief_tui.core.routine import Beat, Kind, Move, Problem, kit_text
from backrelief_tui.core.settings import Settings
from backrelief_tui.core.text import printable
from backrelief_tui.core.wording import RED_FLAG_LINE, format_duration, plural


def cmd_list(args: argparse.Namespace) -> int:
    """The routines with their length. What it prints is kept for next time (`list_cache`) when it gave no warning."""
    import io

    from backrelief_tui.commands.list_cache import Keeper

    keeper = Keeper(["--json"] if args.json else [])  # the key first: a file changed while read is a miss next time
    warnings = io.StringIO()
    library, settings = load_context(warnings)
    sys.stderr.write(warnings.getvalue())
    code, lines = list_lines(library, settings, as_json=args.json)
    text = "".join(f"{line}\n" for line in lines)
    sys.stdout.write(text)
    if not warnings.getvalue():
        keeper.keep(code, text)
    return code


def list_lines(library: Library, settings: Settings, *, as_json: bool = False) -> tuple[int, list[str]]:
    """`list`'s exit status and lines (made printable)."""
    rows: list[dict[str, Any]] = []
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
    if as_json:
        return 0, [json.dumps(rows, indent=2)]
    if not rows:
        return 1, ["No routines found."]
    width = max(len(row["id"]) for row in rows)
    lines = []
    for row in rows:
        equipment = ", ".join(row["equipment"]) or "no equipment"
        origin = "" if row["builtin"] else "  (yours)"
        lines.append(printable(f"{row['id']:<{width}}  {format_duration(row['total_seconds']):>6}  "
                               f"{row['moves']:>2} moves  {row['title']} — {equipment}{origin}"))
    return 0, lines


def cmd_show(args: argparse.Namespace) -> int:
    library, settings = load_context()
    routine, problems = find_routine(args.routine, library)
    if routine is None:
        return fail(*problems)
    plan = plan_session(routine, settings)
    if args.json:
        print(json.dumps(plan_to_json(plan), indent=2))
        return 0
    print(printable(f"{routine.title} ({routine.id}) — {format_duration(plan.total_seconds)} in all"))
    print(printable(routine.summary))
    if routine.caution:
        print(printable(f"Caution: {routine.caution}"))
    print(RED_FLAG_LINE)
    planned = {move.id for move in plan.moves}
    left_out = [move.name for move in routine.moves if move.bonus and move.id not in planned]
    if left_out:
        print(printable(f"Bonus, left out unless you opt in: {', '.join(left_out)}"))
    print()
    at = 0
    for number, step in enumerate(plan.steps, 1):
        side = f" {step.side.upper()}" if step.side else ""
        rep = f" rep {step.rep}/{step.reps}" if step.phase == "work" and step.reps > 1 else ""
        paced = " (self-paced)" if step.self_paced else ""
        print(printable(f"{number:>4}  {format_duration(at):>6}  {step.phase:<11} {step.seconds:>4}s  "
                        f"{step.move.name}{side}{rep}{paced}"))
        at += step.seconds
    print(f"\nTotal: {format_duration(plan.total_seconds)} ({plan.total_seconds} s), {len(plan.moves)} moves")
    print("\nThe beats of each move (one rep, or the whole hold):")
    for move in dict.fromkeys(plan.moves):
        for line in move_lines(move):
            print(printable(line))
    return 0


def move_lines(move: Move) -> list[str]:
    """A move once, for `show`: its name, kit and origin, then one line per beat."""
    what = "a rep" if move.kind is Kind.REPS else ("the roll" if move.kind is Kind.ROLL else "the hold")
    notes = [f"{move.rep_seconds} s {what}", kit_text(move)]
    if move.ours:
        notes.append("ours, not the article's")
    lines = [f"  {move.name} ({move.id}): {'; '.join(notes)}"]
    width = max(len(beat.label) for beat in move.beats)
    for beat in move.beats:
        cue = f"  {beat.cue}" if beat.cue else ""
        lines.append(f"    {beat.label:<{width}} {beat.seconds:>3} s  {beat.kind:<6}  → {beat.pose:<10}{cue}".rstrip())
    if move.progressions:
        lines.append(f"    then: {' → '.join(move.progressions)}")
    return lines


def plan_to_json(plan: Plan) -> dict[str, Any]:
    """The plan as `show --json` prints it (and `build --json` embeds it)."""
    return {
        "id": plan.routine.id,
        "title": plan.routine.title,
        "total_seconds": plan.total_seconds,
        "moves": [move_to_json(move) for move in plan.moves],
        "steps": [{"phase": str(step.phase), "move": step.move.id, "side": step.side and str(step.side),
                   "rep": step.rep, "seconds": step.seconds, "self_paced": step.self_paced}
                  for step in plan.steps],
    }


def move_to_json(move: Move) -> dict[str, Any]:
    """One planned move: its numbers, kits and beats (label, seconds, kind, pose, cue)."""
    return {"id": move.id, "name": move.name, "kind": str(move.kind), "hold": move.hold,
            "reps": move.reps, "sides": str(move.sides), "equipment": list(move.equipment),
            "kits": [list(kit) for kit in move.kits], "position": str(move.position),
            "targets": list(move.targets), "ours": move.ours, "bonus": move.bonus,
            "rep_seconds": move.rep_seconds, "beats": [beat_to_json(beat) for beat in move.beats],
            "progressions": list(move.progressions)}


def beat_to_json(beat: Beat) -> dict[str, Any]:
    return {"label": beat.label, "seconds": beat.seconds, "kind": str(beat.kind), "pose": beat.pose, "cue": beat.cue}


def cmd_validate(args: argparse.Namespace) -> int:
    """Check each file as a routine (or a pose file); every problem is one line, and `ok` says how long it runs.

    A file is also judged as part of the library: an id that another of your files has
    already, or that another file given here has, is a problem (one of them would be hidden).
    """
    from backrelief_tui.core.poses import looks_like_pose_file  # here: the figures cost `list` and `show` ~10 ms

    library = load_library()
    failed = False
    ids: dict[str, Path] = {}
    for path in args.files:
        if looks_like_pose_file(path):
            failed |= not _validate_poses(path, library)
            continue
        routine, problems = load_routine_file(path, library)
        if routine is not None:
            problems = [problem for problem in library.problems if _same_file(problem.source, path)]
            first = ids.setdefault(routine.id, path)
            if not _same_file(str(first), path) and not any(problem.field == "id" for problem in problems):
                problems.append(Problem(str(path), "id", f"{routine.id!r} is also the id of {first}"))
        if problems:
            failed = True
            for problem in problems:
                print(problem)
        elif routine is not None:
            total = plan_session(routine).total_seconds
            print(printable(f"{path}: ok ({plural(len(routine.moves), 'move')}, {format_duration(total)})"))
    return 1 if failed else 0


def _same_file(name: str, path: Path) -> bool:
    try:
        return os.path.samefile(name, path)
    except OSError:
        return False


def _validate_poses(path: Path, library: Library) -> bool:
    """A pose file (`routines/poses/*.toml`): its figures, against the moves and beats of the library."""
    from backrelief_tui.core.poses import load_poses

    book, problems = load_poses(path, library.moves, require_neutral=False)
    for problem in problems:
        print(printable(problem))
    if not problems:
        poses = sum(len(figure.poses) for figure in [*book.moves.values(), *book.neutral.values()])
        print(f"{printable(path)}: ok (pose file: {plural(len(book.moves), 'move')}, {plural(poses, 'pose')})")
    return not problems


def cmd_paths(args: argparse.Namespace) -> int:
    print(printable(f"settings:        {paths.settings_file()}"))
    print(printable(f"your routines:   {paths.user_routines_dir()}"))
    print(printable(f"session records: {paths.sessions_dir()}"))
    print(printable(f"nudge state:     {paths.state_dir()}"))
    print(printable(f"history index:   {paths.index_file()} (a cache, safe to delete)"))
    print(printable(f"live sessions:   {paths.live_dir()}"))
    print(printable(f"built-in:        {paths.builtin_routines_dir()}"))
    if paths.HOME_VARIABLE in os.environ:
        print(f"({paths.HOME_VARIABLE} is set: everything lives under it)")
    return 0


def cmd_tui(args: argparse.Namespace, routine_name: str | None = None) -> int:
    import gc

    # As `backrelief` alone does (__main__): no collection while start-up makes its long-lived objects;
    # the app freezes them once on screen. Without it, every full collection of a `backrelief run`
    # walks all of them (50-70 ms, now and then, for the whole run).
    gc.disable()
    try:
        from backrelief_tui.tui.app import run_app  # Textual loads only for the TUI

        return run_app(routine_name=routine_name)
    finally:
        gc.enable()  # if the app never got on screen


def cmd_run(args: argparse.Namespace) -> int:
    if (args.color or args.no_checkin) and not args.plain:
        return fail("--color and --no-checkin go with --plain")
    library, settings = load_context()
    name = args.routine
    if name is None:  # `backrelief run` from a nudge: the routine the schedule suggests
        from backrelief_tui.core.schedule import suggested_routine

        name = suggested_routine(settings.nudge_routine, lambda candidate: candidate in library.routines)
        if name is None:
            return fail("name a routine: backrelief run ROUTINE (see `backrelief list`)")
        if settings.nudge_routine and name != settings.nudge_routine:
            print(f"warning: the routine your nudges suggest ({settings.nudge_routine}) is gone; starting {name}",
                  file=sys.stderr)
    routine, problems = find_routine(name, library)
    if routine is None:
        return fail(*problems)
    if args.plain:
        from backrelief_tui.plain import run_plain

        return run_plain(routine, settings, color=args.color, checkin=not args.no_checkin)
    return cmd_tui(args, routine_name=name)
