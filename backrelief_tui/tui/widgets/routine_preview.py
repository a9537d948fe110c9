"""The picker's right-hand panel: what a routine holds, and a small figure beside every move.

A person deciding what to do wants to know where they will be (standing at the desk, on
the floor, on a roller) and what each move looks like, more than any one move's details:
so every move in the list has a small figure of its key pose (`key_pose`: the position it
first holds) beside its name, numbers and kit. The figures come after the first frame
(`enable_figures`), because loading the pose data takes longer than painting the picker.

The stop rule (`RED_FLAG_LINE`) stays at the bottom of the panel, outside the scrolling
part, so it is seen before every session. A bonus move (off until chosen) is named with
the key that adds it; moves this app added, not the source article's, say "our move".
Everything from a file is plain text, never markup.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Static

from backrelief_tui.core.plan import Plan, move_seconds
from backrelief_tui.core.routine import BeatKind, Move, kit_text
from backrelief_tui.core.settings import Settings
from backrelief_tui.core.wording import RED_FLAG_LINE, format_duration, move_dose, routine_facts
from backrelief_tui.tui.literal import visible

if TYPE_CHECKING:
    from backrelief_tui.tui.widgets.figure import Figure

BONUS_KEY = "i"
OURS_NOTE = "our move: one this app adds; the others follow the article the routines come from."


def key_pose(move: Move) -> str:
    """The pose a move is pictured by: where it first holds still (its "top", "hold" or "roll"),
    else where its first beat ends, else "start"."""
    held = next((beat.pose for beat in move.beats if beat.kind is BeatKind.HOLD and beat.pose), "")
    return held or next((beat.pose for beat in move.beats if beat.pose), "start")


def planned_kit(plan: Plan) -> tuple[str, ...]:
    """The equipment the moves as planned need: a bonus move's kit counts once the bonus is on."""
    return tuple(dict.fromkeys(item for move in plan.moves for item in move.equipment))


def move_lines(move: Move, settings: Settings) -> Content:
    """A move's name and time, its dose and place, and its kit when it needs one."""
    details = f"{move_dose(move)} · {move.position}"
    if move.bonus:
        details += " · bonus"
    parts: list[str | tuple[str, str]] = [
        (visible(move.name), "bold"), "  ", (format_duration(move_seconds(move, settings)), "$text-accent"), "\n",
        (details, "$text-muted"),
    ]
    if any(move.kits):
        parts += ["\n", (visible(kit_text(move)), "$text-muted")]
    if move.ours:
        parts += ["\n" if not any(move.kits) else " · ", ("our move", "italic $text-muted")]
    return Content.assemble(*parts)


def bonus_line(moves: tuple[Move, ...], included: bool) -> Content:
    """`Bonus: Kneeling bridge (off — i adds it)`; empty when the routine has no bonus move."""
    names = ", ".join(visible(move.name) for move in moves if move.bonus)
    if not names:
        return Content("")
    state = f"on — {BONUS_KEY} leaves it out" if included else f"off — {BONUS_KEY} adds it"
    return Content.assemble(("Bonus: ", "bold"), names, (f" ({state})", "$text-muted"))


class MoveRow(Horizontal):
    """One move of the list: its figure (once figures are on) and its lines."""

    def __init__(self, figures: bool) -> None:
        super().__init__()
        self.text = Static(classes="move-text")
        self.picture: Figure | None = new_figure() if figures else None

    def compose(self) -> ComposeResult:
        if self.picture is not None:
            yield self.picture
        yield self.text

    def show(self, move: Move, number: int, settings: Settings, figures: bool) -> None:
        self.text.update(Content.assemble((f"{number}. ", "$text-muted"), move_lines(move, settings)))
        if figures and self.picture is None and self.is_mounted:
            self.picture = new_figure()
            self.mount(self.picture, before=0)
        if self.picture is not None:
            self.picture.show_pose(move, key_pose(move), None)


def new_figure() -> Figure:
    """A small figure for a move row (the figure module loads on first use, after the first frame)."""
    from backrelief_tui.tui.widgets.figure import Figure

    return Figure(classes="move-figure")


class RoutinePreview(Vertical, can_focus=False):
    """Shows what a routine holds. Everything from the file is plain text, never markup."""

    DEFAULT_CSS = """
    RoutinePreview { layout: vertical; }
    RoutinePreview #preview-scroll { height: 1fr; scrollbar-size-vertical: 1; }
    RoutinePreview #preview-moves { height: auto; margin: 1 0 0 0; }
    RoutinePreview MoveRow { height: auto; }
    RoutinePreview .move-figure { width: 12; height: 4; min-height: 4; margin: 0 1 0 0; }
    RoutinePreview .move-text { width: 1fr; height: auto; }
    RoutinePreview #preview-notes { color: $text-muted; height: auto; }
    RoutinePreview #preview-stop {
        height: auto;
        color: $text-warning;
        border-top: hkey $warning 50%;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.figures = False  # no figures before the first frame (loading the poses takes a while)
        self._shown: tuple[Plan | None, Settings] | None = None
        self._rows: list[MoveRow] = []

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="preview-scroll", can_focus=False):
            yield Static(id="preview-head")
            yield Vertical(id="preview-moves")
            yield Static(id="preview-notes")
        yield Static(Content.assemble(("Stop ", "bold"), RED_FLAG_LINE.removeprefix("Stop ")), id="preview-stop")

    def enable_figures(self) -> None:
        """Draw a figure beside every move from now on (call after the first frame)."""
        if not self.figures:
            self.figures = True
            if self._shown is not None:
                self.show(*self._shown)

    def show(self, plan: Plan | None, settings: Settings) -> None:
        self._shown = (plan, settings)
        head = self.query_one("#preview-head", Static)
        notes = self.query_one("#preview-notes", Static)
        rows = self.query_one("#preview-moves", Vertical)
        if plan is None:
            head.update(Content("No routine selected."))
            notes.update(Content(""))
            for row in self._rows:
                row.display = False
            return
        routine = plan.routine
        parts: list[str | tuple[str, str] | Content] = [
            (visible(routine.title), "bold"), "\n",
            (routine_facts(plan.total_seconds, len(plan.moves), planned_kit(plan)), "$text-muted"), "\n",
        ]
        if routine.targets:
            parts += [("Targets: ", "$text-muted"), ", ".join(routine.targets), "\n"]
        parts += ["\n", visible(routine.summary)]
        if routine.caution:
            parts += ["\n\n", ("Caution: ", "bold $text-warning"), (visible(routine.caution), "$text-warning")]
        bonus = bonus_line(routine.moves, settings.include_bonus)
        if bonus:
            parts += ["\n\n", bonus]
        if not routine.builtin:
            parts += ["\n", ("Your routine: ", "$text-muted"), (visible(routine.source), "$text-muted")]
        head.update(Content.assemble(*parts))
        self._show_moves(rows, plan, settings)
        notes.update(Content(OURS_NOTE if any(move.ours for move in plan.moves) else ""))
        notes.display = any(move.ours for move in plan.moves)
        self.query_one("#preview-scroll", VerticalScroll).scroll_home(animate=False)

    def _show_moves(self, rows: Vertical, plan: Plan, settings: Settings) -> None:
        # Rows are kept and reused: moving through the routines mounts nothing new.
        existing = self._rows
        missing = len(plan.moves) - len(existing)
        if missing > 0:
            new_rows = [MoveRow(self.figures) for _ in range(missing)]
            rows.mount_all(new_rows)
            existing += new_rows
        for index, row in enumerate(existing):
            row.display = index < len(plan.moves)
        for number, (row, move) in enumerate(zip(existing, plan.moves, strict=False), 1):
            row.show(move, number, settings, self.figures)

    def scroll_moves(self, lines: int) -> None:
        """Scroll the routine's text and moves (the stop rule stays where it is)."""
        self.query_one("#preview-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)

    def row_texts(self) -> list[str]:
        """The move lines as plain text, in order (for the tests)."""
        return [str(row.text.render()).strip() for row in self._rows if row.display]
