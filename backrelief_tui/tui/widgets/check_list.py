"""Tick boxes that differ in shape, and keys that walk through them one box at a time.

Textual's `SelectionList` draws `▐X▌` for a ticked and an unticked box alike (only the
colour differs), and Tab jumps from one list to the next, so a person tabbing through
the builder's form ticked the wrong box twice in a row. Here a ticked box is `[✓]` and
an unticked one `[ ]` (the shape says it; the colour only adds to it), and Tab / ↓ go to
the next box — past the last one, on to the next control — while shift+Tab / ↑ go back
the same way. Space or Enter ticks; a click on a box or its label ticks it too. The
highlight shows only in the list that has the focus, so only one box ever looks chosen.
"""

from __future__ import annotations

from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.strip import Strip
from textual.widgets import OptionList, SelectionList
from textual.widgets.option_list import OptionDoesNotExist

TICKED = "[✓]"
UNTICKED = "[ ]"


class CheckList(SelectionList[str]):
    """A list of tick boxes; see the module docstring."""

    BINDINGS = [
        Binding("down", "step(1)", "Next", show=False),
        Binding("up", "step(-1)", "Previous", show=False),
        Binding("tab", "step(1)", "Next", show=False),
        Binding("shift+tab", "step(-1)", "Previous", show=False),
        Binding("enter", "select", "Tick", show=False),
    ]

    DEFAULT_CSS = """
    CheckList {
        height: auto;
        border: none;
        padding: 0;
        background: transparent;
        & > .selection-list--button { color: $text-muted; background: transparent; }
        & > .selection-list--button-highlighted { color: $text-muted; background: transparent; }
        & > .selection-list--button-selected { color: $text-success; background: transparent; text-style: bold; }
        & > .selection-list--button-selected-highlighted {
            color: $text-success; background: transparent; text-style: bold;
        }
        /* Only the focused list shows where the cursor is. */
        & > .option-list--option-highlighted { background: transparent; color: $foreground; text-style: none; }
        &:focus { border: none; background-tint: transparent; }
        &:focus > .option-list--option-highlighted {
            color: $block-cursor-foreground;
            background: $block-cursor-background;
            text-style: $block-cursor-text-style;
        }
    }
    """

    def action_select(self) -> None:
        """Tick or untick the highlighted box now. (SelectionList ticks when its own message comes
        back, by which time keys typed fast, like space then Tab, have moved the cursor on: the next
        box got ticked, then unticked again.) Clicks come here too."""
        if self.highlighted is not None:
            self.toggle(self.get_option_at_index(self.highlighted))

    def on_focus(self) -> None:
        if self.highlighted is None and self.option_count:
            self.highlighted = 0

    def action_step(self, direction: int) -> None:
        """The next (1) or previous (-1) box; from the last or first one, the next or previous control."""
        current = self.highlighted if self.highlighted is not None else -direction
        target = current + direction
        if 0 <= target < self.option_count:
            self.highlighted = target
            return
        moved_to = self.screen.focus_next() if direction > 0 else self.screen.focus_previous()
        if isinstance(moved_to, CheckList) and moved_to.option_count:
            moved_to.highlighted = 0 if direction > 0 else moved_to.option_count - 1

    def render_line(self, y: int) -> Strip:
        line = OptionList.render_line(self, y)  # the label; the box is drawn here, not by SelectionList
        index = self.scroll_offset.y + y
        try:
            selection = self.get_option_at_index(index)
        except OptionDoesNotExist:
            return line
        ticked = selection.value in self.selected
        component = "selection-list--button" + ("-selected" if ticked else "")
        if self.highlighted == index:
            component += "-highlighted"
        base = next(iter(line)).style if line.cell_length else self.rich_style
        box_style = (base or Style()) + self.get_component_rich_style(component) + Style(meta={"option": index})
        return Strip([Segment(TICKED if ticked else UNTICKED, box_style), Segment(" ", base), *line])
