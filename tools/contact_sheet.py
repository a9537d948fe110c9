"""Render every move's figure to PNG: the contact sheet to look at after changing a pose.

    .venv/bin/python tools/contact_sheet.py [MOVE ...] [--out docs/figures] [--height 12] [--width 36]

For each move (and each neutral figure) it draws every keyframe for the left side, then the
first keyframe after "start" for the right side, with the same `Figure` widget the session
screen uses, in a headless Textual app; saves the SVG screenshot and converts it to PNG with
`rsvg-convert` (Debian: librsvg2-bin). Writes `<out>/<move>.png` and `<out>/README.md`, an
index of them. Look at every image: someone who knows the exercise should name it.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from textual.app import App, ComposeResult  # noqa: E402
from textual.containers import Horizontal, Vertical  # noqa: E402
from textual.widgets import Static  # noqa: E402

from backrelief_tui.core.figures import MoveFigure  # noqa: E402
from backrelief_tui.core.library import Library, load_library  # noqa: E402
from backrelief_tui.core.plan import Side  # noqa: E402
from backrelief_tui.core.poses import PoseBook, builtin_poses  # noqa: E402
from backrelief_tui.tui.widgets.figure import Figure  # noqa: E402

Shot = tuple[str, Side | None]  # pose name, side
PER_ROW = 3


def shots(figure: MoveFigure, sided: bool) -> list[Shot]:
    """Every keyframe for the left side (or no side), then one for the right side."""
    first = Side.LEFT if sided else None
    frames: list[Shot] = [(name, first) for name in figure.poses]
    if sided:
        after_start = [name for name in figure.poses if name != "start"]
        frames.append((after_start[0] if after_start else "start", Side.RIGHT))
    return frames


class Sheet(App[None]):
    """One row: a title, then each shot with its pose name and side above it."""

    CSS = """
    Screen { background: $background; }
    #title { height: 1; padding: 0 1; text-style: bold; }
    Horizontal { height: auto; }
    .shot { width: auto; height: auto; margin: 0 1; }
    .label { height: 1; color: $text-muted; }
    """

    def __init__(self, title: str, figure_id: str, frames: list[Shot], book: PoseBook, width: int, height: int) -> None:
        super().__init__()
        self.sheet_title, self.figure_id, self.frames, self.book = title, figure_id, frames, book
        self.cell = (width, height)

    def compose(self) -> ComposeResult:
        yield Static(self.sheet_title, id="title", markup=False)
        for start in range(0, len(self.frames), PER_ROW):
            with Horizontal():
                for name, side in self.frames[start:start + PER_ROW]:
                    with Vertical(classes="shot"):
                        yield Static(f"{name}{f' ({side})' if side else ''}", classes="label", markup=False)
                        figure = Figure(book=self.book, phase="work")
                        figure.styles.width, figure.styles.height = self.cell
                        yield figure

    def on_mount(self) -> None:
        for figure, (name, side) in zip(self.query(Figure), self.frames, strict=True):
            figure.show_pose(self.figure_id, name, side)


async def render(title: str, figure_id: str, frames: list[Shot], book: PoseBook, width: int, height: int,
                 svg: Path) -> None:
    app = Sheet(title, figure_id, frames, book, width, height)
    rows = (len(frames) + PER_ROW - 1) // PER_ROW
    size = (min(len(frames), PER_ROW) * (width + 2) + 2, rows * (height + 1) + 2)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        app.save_screenshot(filename=svg.name, path=str(svg.parent))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("moves", nargs="*", help="only these move ids (default: all, plus the neutral figures)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "figures")
    parser.add_argument("--width", type=int, default=36)
    parser.add_argument("--height", type=int, default=12)
    args = parser.parse_args(argv)
    if not shutil.which("rsvg-convert"):
        print("contact_sheet: rsvg-convert is missing (Debian: apt install librsvg2-bin)", file=sys.stderr)
        return 1
    book = builtin_poses()
    library = load_library()
    entries: list[tuple[str, str, list[Shot]]] = []  # (file stem, title, frames)
    groups: list[tuple[str, list[str]]] = []  # (heading, file stems) for the index
    for heading, move_ids in move_groups(book, library):
        groups.append((heading, move_ids))
        for move_id in move_ids:
            move = library.moves.get(move_id)
            sided = move.per_side if move else True
            name = move.name if move else move_id
            entries.append((move_id, f"{name} ({move_id})", shots(book.moves[move_id], sided)))
    neutral = []
    for position, figure in book.neutral.items():
        neutral.append(f"neutral-{position}")
        entries.append((f"neutral-{position}", f"Neutral figure: {position} (a move without poses)",
                        shots(figure, False)))
    groups.append(("Neutral figures (a move of your own without poses)", neutral))
    if args.moves:
        entries = [entry for entry in entries if entry[0] in args.moves]
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as temp:
        for stem, title, frames in entries:
            svg = Path(temp) / f"{stem}.svg"
            figure_id = stem.removeprefix("neutral-") if stem.startswith("neutral-") else stem
            target = book.neutral[figure_id] if stem.startswith("neutral-") else book.moves[stem]
            sheet_book = PoseBook({figure_id: target}, book.neutral)
            asyncio.run(render(title, figure_id, frames, sheet_book, args.width, args.height, svg))
            subprocess.run(["rsvg-convert", "-o", str(args.out / f"{stem}.png"), str(svg)], check=True)
            print(f"wrote {args.out / f'{stem}.png'}")
    if not args.moves:
        for stale in sorted(set(args.out.glob("*.png")) - {args.out / f"{stem}.png" for stem, _, _ in entries}):
            stale.unlink()  # a move renamed or dropped: its old picture would mislead
            print(f"removed {stale}")
        titles = {stem: title for stem, title, _ in entries}
        index = ["# The figures", "",
                 "Every move's stick figure at each of its poses (left side, or facing right for a move done",
                 "once), plus the first pose after `start` on the right side, as the session screen draws them,",
                 "by routine in the picker's order (a move shared by routines shows under the first). Made by",
                 "`python tools/contact_sheet.py`; run it again after changing `routines/poses/*.toml` and look",
                 "at every image: someone who knows the exercise should name it.", ""]
        for heading, stems in groups:
            index += [f"## {heading}", ""]
            index += [f"### {titles[stem]}\n\n![{stem}]({stem}.png)\n" for stem in stems]
        (args.out / "README.md").write_text("\n".join(index), encoding="utf-8")
    return 0


def move_groups(book: PoseBook, library: Library) -> list[tuple[str, list[str]]]:
    """The posed moves by routine, in the picker's order, each move once; then any posed move no routine uses."""
    seen: set[str] = set()
    groups: list[tuple[str, list[str]]] = []
    for routine in library.routines.values():
        if not routine.builtin:
            continue
        ids = [move.id for move in routine.moves if move.id in book.moves and move.id not in seen]
        seen.update(ids)
        if ids:
            groups.append((f"{routine.title} (`{routine.id}`)", ids))
    rest = [move_id for move_id in book.moves if move_id not in seen]
    if rest:
        groups.append(("In no built-in routine", rest))
    return groups


if __name__ == "__main__":
    sys.exit(main())
