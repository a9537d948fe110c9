"""The picker's right-hand panel: what a routine holds, and a small figure beside every move.

A person deciding what to do wants to know where they will be (standing at the desk, on
the floor, on a roller) and what each move looks like, more than any one move's details:
so every move in the list has a small figure of its key pose (`key_pose`: the position it
first holds) beside its name, numbers and kit. The moves come after the first frame, with
their figures (`enable_figures`): loading the pose data and wrapping every move's lines take
longer than painting the rest of the picker, and the list then appears once, already beside
its figures, instead of shifting sideways when they arrive. Their widgets (the list and the
note under it) are mounted then too: each widget on the first frame costs ~1 ms of start-up.

The stop rule (`RED_FLAG_LINE`) stays at the bottom of the panel, outside the scrolling
part, so it is seen before every session. A bonus move (off until chosen) is named with
the key that adds it; moves this app added, not the source article's, say "our move".
Everything from a file is plain text, never markup.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.strip import Strip
from textual.visual import Visual
from textual.widget import Widget
from textual.widgets import Static

from backrelief_tui.core.plan import Plan, move_seconds
from backrelief_tui.core.routine import BeatKind, Move, kit_text
from backrelief_tui.core.settings import Settings
from backrelief_tui.core.wording import RED_FLAG_LINE, format_duration, move_dose, routine_facts
from backrelief_tui.tui.literal import visible

BONUS_KEY = "i"
FIGURE_WIDTH = 12  # cells: 24 × 16 braille dots, enough to tell standing from kneeling from lying
FIGURE_HEIGHT = 4
FIGURE_GAP = 1
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


def routine_head(plan: Plan, settings: Settings) -> Content:
    """The routine's title, length and kit, what it works, its summary, caution and bonus move."""
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
    return Content.assemble(*parts)


class MoveList(Widget):
    """The routine's moves, a block each: the key pose on the left, the lines on the right.

    One widget draws them all, so moving through the routines lays out one widget, not
    three per move (that cost about 0.1 s a key press with the full session's 24 moves).
    """

    COMPONENT_CLASSES = {"figure--floor", "figure--prop", "figure--far", "figure--body", "figure--work"}
    DEFAULT_CSS = """
    MoveList { height: auto; }
    MoveList > .figure--floor { color: $foreground 30%; }
    MoveList > .figure--prop { color: $foreground 35%; }
    MoveList > .figure--far { color: $foreground 50%; }
    MoveList > .figure--body { color: $foreground; }
    MoveList > .figure--work { color: $accent; text-style: bold; }
    """

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.entries: tuple[tuple[Move, Content], ...] = ()
        self._laid_out: tuple[int, list[tuple[int, int]], list[list[Strip]]] | None = None

    def show(self, entries: list[tuple[Move, Content]]) -> None:
        """These moves (each with its lines), a figure beside each."""
        self.entries = tuple(entries)
        self._laid_out = None
        self.refresh(layout=True)

    def pictured(self) -> list[tuple[str, str]]:
        """(move id, pose) of each figure drawn (the tests read it)."""
        return [(move.id, key_pose(move)) for move, _lines in self.entries]

    def _lay_out(self, width: int) -> tuple[list[tuple[int, int]], list[list[Strip]]]:
        """Each entry's lines wrapped beside the figure, and for each screen line its (entry, line)."""
        if self._laid_out is not None and self._laid_out[0] == width:
            return self._laid_out[1], self._laid_out[2]
        text_width = max(1, width - FIGURE_WIDTH - FIGURE_GAP)
        blocks = [Visual.to_strips(self, lines, text_width, None, self.visual_style, pad=True)
                  for _move, lines in self.entries]
        where: list[tuple[int, int]] = []
        for index, block in enumerate(blocks):
            height = max(len(block), FIGURE_HEIGHT)
            where += [(index, line) for line in range(height)]
        self._laid_out = (width, where, blocks)
        return where, blocks

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self._lay_out(width)[0])

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        where, blocks = self._lay_out(width)
        base = self.rich_style
        if y >= len(where):
            return Strip.blank(width, base)
        index, line = where[y]
        block = blocks[index]
        text = block[line] if line < len(block) else Strip.blank(1, base)
        picture = self._figure_line(self.entries[index][0], line, base)
        return Strip.join([picture, text]).adjust_cell_length(width, base)

    def _figure_line(self, move: Move, y: int, base: Style) -> Strip:
        from backrelief_tui.core.figures import Layer
        from backrelief_tui.core.poses import builtin_poses
        from backrelief_tui.tui.widgets.figure import LAYER_CLASSES, cached_raster

        pose = key_pose(move)
        raster = cached_raster(builtin_poses().figure(move), None, pose, pose, 0, FIGURE_WIDTH, FIGURE_HEIGHT)
        if y >= raster.height:
            return Strip.blank(FIGURE_WIDTH + FIGURE_GAP, base)
        styles = {layer: self.get_component_rich_style(name) for layer, name in LAYER_CLASSES.items()}
        segments = [Segment(text, styles[Layer(layer)] if layer else base) for text, layer in raster.rows[y]]
        return Strip(segments, raster.width).adjust_cell_length(FIGURE_WIDTH + FIGURE_GAP, base)


class RoutinePreview(Vertical, can_focus=False):
    """Shows what a routine holds. Everything from the file is plain text, never markup."""

    DEFAULT_CSS = """
    RoutinePreview { layout: vertical; }
    RoutinePreview #preview-scroll { height: 1fr; scrollbar-size-vertical: 1; }
    RoutinePreview #preview-moves { height: auto; margin: 1 0 0 0; }
    RoutinePreview #preview-notes { color: $text-muted; height: auto; }
    RoutinePreview #preview-stop {
        height: auto;
        color: $text-warning;
        border-top: hkey $warning 50%;
    }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self.figures = False  # no moves before the first frame: they come with their figures (see above)
        self._drawn: tuple[Plan | None, Settings, bool] | None = None  # what is on screen, figures or not

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="preview-scroll", can_focus=False):
            yield Static(id="preview-head")  # the moves and their note follow (`enable_figures`)
        yield Static(Content.assemble(("Stop ", "bold"), RED_FLAG_LINE.removeprefix("Stop ")), id="preview-stop")

    async def enable_figures(self) -> None:
        """List the moves, a figure beside each, from now on (call after the first frame)."""
        if not self.figures:
            self.figures = True
            await self.query_one("#preview-scroll").mount(MoveList(id="preview-moves"), Static(id="preview-notes"))
            if self._shown is not None:
                self.show(*self._shown)

    @property
    def _shown(self) -> tuple[Plan | None, Settings] | None:
        """The plan and settings on screen (with or without figures)."""
        return None if self._drawn is None else self._drawn[:2]

    def show(self, plan: Plan | None, settings: Settings) -> None:
        if self._drawn == (plan, settings, self.figures):
            return  # already on screen (the list refreshed, the same routine highlighted): no second layout
        self._drawn = (plan, settings, self.figures)
        self.query_one("#preview-head", Static).update(
            routine_head(plan, settings) if plan is not None else Content("No routine selected."))
        if self.figures:
            moves = plan.moves if plan is not None else ()
            self.query_one(MoveList).show(
                [(move, Content.assemble((f"{number}. ", "$text-muted"), move_lines(move, settings)))
                 for number, move in enumerate(moves, 1)])
            notes = self.query_one("#preview-notes", Static)
            notes.update(Content(OURS_NOTE if any(move.ours for move in moves) else ""))
            notes.display = any(move.ours for move in moves)
        self.query_one("#preview-scroll", VerticalScroll).scroll_home(animate=False)

    def scroll_moves(self, lines: int) -> None:
        """Scroll the routine's text and moves (the stop rule stays where it is)."""
        self.query_one("#preview-scroll", VerticalScroll).scroll_relative(y=lines, animate=False)

    def row_texts(self) -> list[str]:
        """The move lines as plain text, in order (for the tests)."""
        return [lines.plain for moves in self.query(MoveList) for _move, lines in moves.entries]
