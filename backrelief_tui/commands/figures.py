"""`figure`: a move's key poses (or every move of a routine) as braille text, and `--check` for the pose file."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from pathlib import Path

from backrelief_tui.commands import fail
from backrelief_tui.commands.context import load_context
from backrelief_tui.core.braille import Raster, rasterise
from backrelief_tui.core.figures import Layer, MoveFigure, figure_box, frame_of_pose
from backrelief_tui.core.library import Library
from backrelief_tui.core.plan import Side
from backrelief_tui.core.poses import (
    builtin_poses,
    load_pose_files,
    load_poses,
    pose_files,
    poses_dir,
    unposed_moves,
)
from backrelief_tui.core.routine import Move
from backrelief_tui.core.text import printable

GAP = 3  # spaces between poses printed side by side
# ANSI styles per layer when printing to a terminal: the working limbs bold, the rest of
# the scenery dim, so "which leg" shows even without colour.
STYLES = {Layer.FLOOR: "2", Layer.PROP: "2", Layer.FAR: "2", Layer.BODY: "", Layer.WORK: "1", Layer.HEAD: ""}


def cmd_figure(args: argparse.Namespace) -> int:
    if args.check:
        return _check(args)
    if not args.move:
        return fail("name a move or a routine (see `backrelief show ROUTINE --json` for move ids), or use --check")
    library, _settings = load_context()
    book = builtin_poses()
    moves = _moves_named(args.move, library)
    if not moves:
        return fail(f"no move or routine with the id {printable(args.move)!r}")
    colour = sys.stdout.isatty() and not os.environ.get("NO_COLOR")
    columns = shutil.get_terminal_size((100, 24)).columns
    for index, move in enumerate(moves):
        figure = book.figure(move)
        if args.pose and args.pose not in figure.poses:
            known = ", ".join(figure.poses)
            return fail(f"{printable(move.id)} has no pose {printable(args.pose)!r} (its poses: {known})")
        side = _side(args.side, move)
        if index:
            print()
        print(_title(move, figure, side))
        names = [args.pose] if args.pose else list(figure.poses)
        blocks = [(name, render(figure, name, side, args.width, args.height)) for name in names]
        for line in side_by_side(blocks, columns, colour=colour):
            print(line)
    return 0


def render(figure: MoveFigure, pose: str, side: Side | None, width: int, height: int) -> Raster:
    """One pose of a move, scaled to the move's box so every pose of it has the same scale."""
    return rasterise(frame_of_pose(figure, pose, side), figure_box(figure, side), width, height)


def side_by_side(blocks: list[tuple[str, Raster]], columns: int, *, colour: bool = False) -> list[str]:
    """Rasters in a row with their names above, wrapped to `columns`."""
    lines: list[str] = []
    row: list[tuple[str, Raster]] = []
    used = 0
    for name, raster in blocks:
        if row and used + GAP + raster.width > columns:
            lines += _row(row, colour)
            row, used = [], 0
        used += (GAP if row else 0) + raster.width
        row.append((name, raster))
    if row:
        lines += _row(row, colour)
    return lines


def _row(row: list[tuple[str, Raster]], colour: bool) -> list[str]:
    gap = " " * GAP
    lines = [gap.join(printable(name)[: raster.width].ljust(raster.width) for name, raster in row).rstrip()]
    for y in range(max(raster.height for _, raster in row)):
        cells = [_line(raster, y, colour) if y < raster.height else " " * raster.width for _, raster in row]
        lines.append(gap.join(cells).rstrip())
    return lines


def _line(raster: Raster, y: int, colour: bool) -> str:
    if not colour:
        return "".join(text for text, _ in raster.rows[y])
    parts = []
    for text, layer in raster.rows[y]:
        style = STYLES.get(Layer(layer), "") if layer else ""
        parts.append(f"\x1b[{style}m{text}\x1b[0m" if style else text)
    return "".join(parts)


def _title(move: Move, figure: MoveFigure, side: Side | None) -> str:
    where = f", {side} side" if side else ""
    view = "" if figure.view == "side" else f", seen from the {figure.view}"
    own = "" if figure.move_id == move.id else f" (no poses of its own: the {figure.move_id} figure)"
    working = " — the working limbs are drawn bold" if figure.working and side else ""
    return f"{printable(move.name)} ({printable(move.id)}){where}{view}{own}{working}"


def _side(name: str | None, move: Move) -> Side | None:
    if name:
        return Side(name)
    return Side.LEFT if move.per_side else None


def _moves_named(name: str, library: Library) -> list[Move]:
    if name in library.moves:
        return [library.moves[name]]
    routine = library.get(name)
    if routine is not None:
        return list(routine.moves)
    return []


def _check(args: argparse.Namespace) -> int:
    library, _settings = load_context()
    if isinstance(args.check, str):
        files = [Path(args.check)]
        _book, problems = load_poses(files[0], library.moves, require_neutral=False)
    else:
        files = pose_files()
        book, problems = load_pose_files(files, library.moves)
        problems += unposed_moves(book, _builtin_moves(library), poses_dir())
    if problems:
        for problem in problems:
            print(printable(problem))
        return 1
    for path in files:
        print(f"{printable(path)}: ok")
    return 0


def _builtin_moves(library: Library) -> list[Move]:
    # Every move of a built-in routine must have its figure; a move of the user's own may use the neutral one.
    moves = {move.id: library.moves.get(move.id, move) for routine in library.routines.values()
             if routine.builtin for move in routine.moves}
    return list(moves.values())
