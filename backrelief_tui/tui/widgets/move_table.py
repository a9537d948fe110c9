"""A table of moves that fits its width: every column shows, or gives way on purpose.

Wide enough, it is a plain table: Move, Amount, Time (and Where). When those columns do
not fit side by side (the builder and the editor at 80 and 60 columns), Amount and Where
fold under the move's name, dimmer, and Time stays in its own column: nothing is cut
off, a move just takes two lines (three when its name wraps). The layout is chosen again
whenever the table's width changes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.coordinate import Coordinate
from textual.widgets import DataTable

CELL_PADDING = 1  # DataTable's default, each side of a cell
SCROLLBAR = 2  # kept free for the vertical scrollbar, which appears when the rows overflow


@dataclass(frozen=True)
class MoveCells:
    """One move's cells: plain text, shown literally."""

    key: str
    name: str
    amount: str
    time: str
    where: str = ""


class MoveTable(DataTable[Text]):
    """Moves with their amount, time and (optionally) where they are done; see the module docstring."""

    def __init__(self, *, where: bool = False, id: str | None = None, cursor_type: str = "row",
                 zebra_stripes: bool = True) -> None:
        super().__init__(id=id, cursor_type=cursor_type, zebra_stripes=zebra_stripes,  # type: ignore[arg-type]
                         cell_padding=CELL_PADDING)
        self.with_where = where
        self.rows_shown: tuple[MoveCells, ...] = ()
        self.folded = False
        self._laid_out_size = (-1, -1)

    def show_moves(self, rows: Sequence[MoveCells], cursor_row: int | None = None) -> None:
        """Show these moves (the cursor on `cursor_row`, kept in range)."""
        self.rows_shown = tuple(rows)
        self._lay_out(cursor_row)

    def fits_unfolded(self, width: int) -> bool:
        """Whether Move, Amount, Time (and Where) fit side by side in `width` cells (and a scrollbar, if needed)."""
        widths = self._column_widths()
        return sum(widths) + 2 * CELL_PADDING * len(widths) + self._scrollbar(len(self.rows_shown)) <= width

    def _scrollbar(self, lines: int) -> int:
        """Room for a vertical scrollbar when `lines` rows (and the header) overflow the height. Before the
        height is known none is assumed: the resize that follows lays the table out again if it was needed."""
        return SCROLLBAR if self.size.height and lines + 1 > self.size.height else 0

    def _column_widths(self) -> list[int]:
        rows = self.rows_shown
        columns = [("Move", [row.name for row in rows]), ("Amount", [row.amount for row in rows]),
                   ("Time", [row.time for row in rows])]
        if self.with_where:
            columns.append(("Where", [row.where for row in rows]))
        return [max(cell_len(text) for text in (title, *cells)) for title, cells in columns]

    def _lay_out(self, cursor_row: int | None = None) -> None:
        row = self.cursor_coordinate.row if cursor_row is None else cursor_row
        width = self.size.width
        self._laid_out_size = (width, self.size.height)
        self.folded = bool(width) and not self.fits_unfolded(width)
        self.clear(columns=True)
        if self.folded:
            time_width = max([cell_len("Time"), *(cell_len(row.time) for row in self.rows_shown)])
            # Folded rows are 2 lines or more (a long name wraps): always leave the scrollbar its room.
            name_width = max(8, width - time_width - 4 * CELL_PADDING - SCROLLBAR)
            self.add_column("Move", key="name", width=name_width)
            self.add_column("Time", key="time", width=time_width)
            for cells in self.rows_shown:
                details = " · ".join(part for part in (cells.amount, cells.where) if part)
                self.add_row(Text.assemble((cells.name, ""), "\n", (details, "dim")),
                             Text(cells.time, justify="right"), key=cells.key, height=None)
        else:
            self.add_column("Move", key="name")
            self.add_column("Amount", key="dose")
            self.add_column("Time", key="time")
            if self.with_where:
                self.add_column("Where", key="where")
            for cells in self.rows_shown:
                values = [Text(cells.name), Text(cells.amount), Text(cells.time, justify="right")]
                if self.with_where:
                    values.append(Text(cells.where))
                self.add_row(*values, key=cells.key)
        if self.rows_shown and self.cursor_type != "none":
            self.cursor_coordinate = Coordinate(max(0, min(row, len(self.rows_shown) - 1)), 0)

    def on_resize(self, event: events.Resize) -> None:
        width = event.size.width
        if (width, event.size.height) != self._laid_out_size and (self.folded or not self.fits_unfolded(width)):
            self._lay_out()
        else:
            self._laid_out_size = (width, event.size.height)


class WrappingTable(DataTable[Text]):
    """Columns side by side; when they do not all fit, the first one wraps (its rows grow taller),
    so the other columns always show whole. For the summary's Move / Result / Time."""

    def __init__(self, columns: Sequence[tuple[str, str]], *, id: str | None = None) -> None:
        super().__init__(id=id, cursor_type="none", zebra_stripes=True, cell_padding=CELL_PADDING)
        self.column_titles = tuple(columns)  # (title, key) of each column
        self.rows_shown: tuple[tuple[Text, ...], ...] = ()
        self.wrapped = False
        self._laid_out_width = -1

    def show_rows(self, rows: Sequence[Sequence[Text]]) -> None:
        self.rows_shown = tuple(tuple(row) for row in rows)
        self._lay_out()

    def _widths(self) -> list[int]:
        return [max([cell_len(title), *(row[index].cell_len for row in self.rows_shown)])
                for index, (title, _key) in enumerate(self.column_titles)]

    def _lay_out(self) -> None:
        width = self.size.width
        self._laid_out_width = width
        widths = self._widths()
        padding = 2 * CELL_PADDING * len(widths)
        self.wrapped = bool(width) and sum(widths) + padding + SCROLLBAR > width
        self.clear(columns=True)
        for index, (title, key) in enumerate(self.column_titles):
            if self.wrapped and index == 0:
                self.add_column(title, key=key, width=max(8, width - sum(widths[1:]) - padding - SCROLLBAR))
            else:
                self.add_column(title, key=key)
        for row in self.rows_shown:
            self.add_row(*row, height=None if self.wrapped else 1)

    def on_resize(self, event: events.Resize) -> None:
        if event.size.width != self._laid_out_width:
            self._lay_out()
