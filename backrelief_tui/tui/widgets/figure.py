"""The move's stick figure, drawn in braille in the phase colour, scaled to the space it is given.

The widget never runs a timer. The session screen calls `show(...)` at the rate it chooses
while the body moves (a move or return beat) and not at all during a hold, and
`show_pose(...)` for the start position of the next move during a rest or the lead-in.
A call that would draw the same picture as the last one does nothing; frames are cached by
(move, side, poses, quantised fraction, size), so a rep drawn once is never rasterised again.

Colours (component classes, overridable in CSS): the body in the phase colour, the far
limbs dimmer, the working limbs (the side being worked) in the highlight colour, props
and the floor muted. `phase` is one of the session phases: get-ready, work, rest,
switch-side, paused; anything else draws in the plain foreground colour.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable

from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region
from textual.strip import Strip

from backrelief_tui.core.braille import Raster, Run, rasterise
from backrelief_tui.core.figures import Layer, MoveFigure, figure_box, frame_between
from backrelief_tui.core.plan import Side
from backrelief_tui.core.poses import PoseBook, builtin_poses
from backrelief_tui.core.routine import Move
from backrelief_tui.tui.widgets.painted import PaintedRows

STEPS = 40  # a beat's movement is drawn in at most this many different frames
CACHE_SIZE = 600  # rasters kept: ~4 kB each, so a couple of MB at most
PHASES = ("get-ready", "work", "rest", "switch-side", "paused")
LAYER_CLASSES = {Layer.FLOOR: "figure--floor", Layer.PROP: "figure--prop", Layer.FAR: "figure--far",
                 Layer.BODY: "figure--body", Layer.WORK: "figure--work", Layer.HEAD: "figure--body"}

_cache: OrderedDict[tuple[object, ...], Raster] = OrderedDict()


def cached_raster(figure: MoveFigure, side: Side | None, from_pose: str, to_pose: str, step: int,
                  width: int, height: int) -> Raster:
    """The raster of one frame, from the cache when it was drawn before (least recently used dropped)."""
    key = (id(figure), figure.move_id, side, from_pose, to_pose, step, width, height)
    raster = _cache.get(key)
    if raster is not None:
        _cache.move_to_end(key)
        return raster
    frame = frame_between(figure, from_pose, to_pose, step / STEPS, side)
    raster = rasterise(frame, figure_box(figure, side), width, height)
    _cache[key] = raster
    if len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    return raster


def changed_end(before: tuple[Run, ...], after: tuple[Run, ...]) -> int:
    """Where the last difference between two rows of braille runs ends (a cell index; 0 when equal).

    Whole runs are compared from the right, so the answer may be a few cells past the exact
    change: a repaint goes from the row's start to there anyway.
    """
    old, new = len(before), len(after)
    while old and new and before[old - 1] == after[new - 1]:
        old, new = old - 1, new - 1
    return max(sum(len(text) for text, _ in before[:old]), sum(len(text) for text, _ in after[:new]))


def quantise(fraction: float) -> int:
    """The fraction of a movement as one of STEPS + 1 frames."""
    return max(0, min(STEPS, round(fraction * STEPS)))


class Figure(PaintedRows):
    """Draws one move's figure; told what to show, it redraws only when that changes."""

    KEPT_ROWS = 4000  # a few reps of a few moves: every rep draws the same frames
    COMPONENT_CLASSES = {"figure--floor", "figure--prop", "figure--far", "figure--body", "figure--work"}

    DEFAULT_CSS = """
    Figure { width: 1fr; height: 1fr; min-height: 4; }
    Figure > .figure--floor { color: $foreground 30%; }
    Figure > .figure--prop { color: $foreground 35%; }
    Figure > .figure--far { color: $foreground 50%; }
    Figure > .figure--body { color: $foreground; }
    Figure > .figure--work { color: $accent; text-style: bold; }

    Figure.-get-ready > .figure--body { color: $warning; }
    Figure.-get-ready > .figure--far { color: $warning 50%; }
    Figure.-get-ready > .figure--work { color: $foreground; }
    Figure.-work > .figure--body { color: $success; }
    Figure.-work > .figure--far { color: $success 50%; }
    Figure.-work > .figure--work { color: $foreground; }
    Figure.-rest > .figure--body { color: $primary-lighten-2; }
    Figure.-rest > .figure--far { color: $primary-lighten-2 50%; }
    Figure.-rest > .figure--work { color: $foreground; }
    Figure.-switch-side > .figure--body { color: $foreground; }
    Figure.-switch-side > .figure--work { color: $accent; }
    Figure.-paused > .figure--body { color: $text-muted; }
    Figure.-paused > .figure--far { color: $text-muted; }
    Figure.-paused > .figure--work { color: $text-muted; }
    """

    def __init__(self, *, book: PoseBook | None = None, phase: str = "", name: str | None = None,
                 id: str | None = None, classes: str | None = None) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._book = book
        self._figure: MoveFigure | None = None
        self._what: tuple[object, ...] | None = None  # (figure, side, from, to, step): what is drawn
        self._phase = ""
        self.redraws = 0  # how many times show() asked for a repaint (the tests count them)
        self._pass: tuple[Raster | None, Style, dict[Layer, Style]] | None = None
        self.set_phase(phase)

    @property
    def book(self) -> PoseBook:
        return self._book if self._book is not None else builtin_poses()

    @property
    def figure(self) -> MoveFigure | None:
        """The figure being shown, if any."""
        return self._figure

    def set_phase(self, phase: str) -> None:
        """Colour the figure for a session phase (get-ready, work, rest, switch-side, paused)."""
        if phase == self._phase:
            return
        if self._phase:
            self.remove_class(f"-{self._phase}")
        self._phase = phase if phase in PHASES else ""
        if self._phase:
            self.add_class(f"-{self._phase}")

    def show(self, move: Move | str, side: Side | None, from_pose: str, to_pose: str, fraction: float) -> None:
        """The body `fraction` of the way from one keyframe to the next (eased); a no-op when unchanged."""
        figure = self.book.figure(move)
        step = quantise(fraction)
        if step == STEPS:
            from_pose, step = to_pose, 0  # the end of a movement is the next pose itself
        elif step == 0:
            to_pose = from_pose
        what = (id(figure), figure.move_id, side, from_pose, to_pose, step)
        if what == self._what:
            return
        before = self.raster()
        self._figure = figure
        self._what = what
        self.redraws += 1
        self._repaint_changes(before, self.raster())

    def _repaint_changes(self, before: Raster | None, after: Raster | None) -> None:
        """Repaint only the rows that differ between two frames of the same size, up to their last change.

        From one frame to the next most of the body stays where it was: repainting only what
        changed keeps both the work and the bytes sent to the terminal in proportion to the movement.
        """
        if before is None or after is None or (before.width, before.height) != (after.width, after.height):
            self.refresh()
            return
        # The terminal gets each repainted row from the figure's left edge, so a region only needs
        # to say how far along the row the change goes.
        regions = [Region(0, y, changed_end(old, new), 1)
                   for y, (old, new) in enumerate(zip(before.rows, after.rows, strict=True)) if old != new]
        if regions:
            self.refresh(*regions)

    def show_pose(self, move: Move | str, pose: str, side: Side | None) -> None:
        """One keyframe standing still: the start position during a rest or the lead-in."""
        self.show(move, side, pose, pose, 0.0)

    def clear(self) -> None:
        """Show nothing."""
        if self._what is not None:
            self._figure, self._what = None, None
            self.redraws += 1
            self.refresh()

    def raster(self) -> Raster | None:
        """What the widget draws at its current size."""
        if self._figure is None or self._what is None or not self.size.width or not self.size.height:
            return None
        _id, _move, side, from_pose, to_pose, step = self._what
        assert isinstance(from_pose, str) and isinstance(to_pose, str) and isinstance(step, int)
        assert side is None or isinstance(side, Side)
        return cached_raster(self._figure, side, from_pose, to_pose, step, self.size.width, self.size.height)

    def new_repaint(self) -> None:
        self._pass = None  # the styles and the raster are looked up once per repaint, not once per row

    def _paint_pass(self) -> tuple[Raster | None, Style, dict[Layer, Style]]:
        if self._pass is None:
            styles = {layer: self.get_component_rich_style(name) for layer, name in LAYER_CLASSES.items()}
            self._pass = (self.raster(), self.rich_style, styles)
        return self._pass

    def row_key(self, y: int) -> Hashable:
        raster, base, styles = self._paint_pass()
        if raster is None or y >= raster.height:
            return (None, base)
        return (self._what, raster.height, y, base, tuple(styles.values()))

    def render_line(self, y: int) -> Strip:
        raster, base, styles = self._paint_pass()
        width = self.size.width
        if raster is None or y >= raster.height:
            return Strip.blank(width, base)
        segments = [Segment(text, styles[Layer(layer)] if layer else base) for text, layer in raster.rows[y]]
        return Strip(segments, raster.width).adjust_cell_length(width, base)

    def on_resize(self) -> None:
        self.refresh()


__all__ = ["Figure", "cached_raster", "quantise"]
