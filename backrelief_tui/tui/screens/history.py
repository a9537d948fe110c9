"""The history screen: the sessions so far, the streak, this week and month, two charts.

The store is read through its cache index (in a worker thread only when many files
are new to it), then the stats and charts are computed over every session. Sorting and the routine filter also work on
every session; the table shows them a page at a time, because a DataTable lays out
every row it holds (10,000 rows take about a second) and nobody scrolls that far.
"""

from __future__ import annotations

from datetime import date, datetime

from rich.text import Text
from textual import events, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.widgets import DataTable, Footer, Label, Static

from backrelief_tui.core.records import Entry, SessionStatus, SessionSummary, Unreadable
from backrelief_tui.core.stats import Stats, compute
from backrelief_tui.core.store import RecordStore, Scan
from backrelief_tui.core.text import printable
from backrelief_tui.core.wording import format_duration, how_far, pain_change
from backrelief_tui.tui import styles
from backrelief_tui.tui.base import AppScreen
from backrelief_tui.tui.screens.history_view import ALL, SORTS, UNREADABLE, sort_and_filter, stats_text, when_text
from backrelief_tui.tui.widgets.charts import MinutesChart, PainChart

PAGE = 60  # rows per page: a few screens' worth (each row costs layout time); `m` adds more
INLINE_PARSE = 100  # up to this many files without an index entry are parsed without a thread (~0.1 s)


def row_cells(entry: Entry) -> tuple[Text, ...]:
    # Text, not str: a DataTable parses a plain str as markup, and titles come from files.
    if isinstance(entry, Unreadable):
        reason = entry.reason if len(entry.reason) <= 40 else entry.reason[:39] + "…"
        return (Text(when_text(entry.started)), Text(printable(entry.routine or "?")), Text(""),
                Text(f"unreadable: {printable(reason)}", style="bold"), Text(""))
    style = "" if entry.status is SessionStatus.COMPLETED else "italic"
    return (Text(when_text(entry.started)), Text(printable(entry.routine_title)),
            Text(format_duration(entry.active_seconds)),
            Text(how_far(entry.status, entry.moves_done, entry.moves_total), style=style),
            Text(pain_change(entry.pain_before, entry.pain_after)))


class HistoryScreen(AppScreen[None]):
    """Every recorded session; Enter opens one."""

    DEFAULT_CSS = styles.beside(__file__, "history.tcss")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]  # the pain chart goes under 80 columns
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]  # and both charts under 24 rows
    BINDINGS = [
        Binding("escape,q", "back", "Back"),
        Binding("enter", "open", "Details", priority=True),
        Binding("s", "sort", "Sort"),
        Binding("f", "filter", "Routine"),
        Binding("m", "more", "More rows"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]

    def __init__(self, store: RecordStore, *, today: date | None = None, page: int = PAGE) -> None:
        super().__init__()
        self.store = store
        self.today = today or datetime.now().astimezone().date()
        self.page = page
        self.entries: list[Entry] = []
        self.rows: list[Entry] = []
        self.shown = 0
        self.sort = 0
        self.routine = ALL
        self.loaded = False
        self.stats: Stats | None = None
        self.filters: list[tuple[str, str]] = [("All routines", ALL)]  # (label, routine id) for `f`

    def compose(self) -> ComposeResult:
        yield Label(Content.assemble(("History", "bold")), id="history-title")
        yield Static(Content("Reading your sessions…"), id="stats")
        with Horizontal(id="charts"):
            yield MinutesChart(id="minutes-chart")
            yield PainChart(id="pain-chart")
        with Horizontal(id="controls"):
            yield Static(Content("Routine: All routines (f)"), id="routine-filter")
            yield Label(id="sort-label")
            yield Label(id="count")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # 77 columns with the cell padding: fits 80 with the scroll bar.
        for label, key, width in (("When", "when", 20), ("Routine", "routine", 13), ("Time", "time", 6),
                                  ("Result", "result", 21), ("Pain", "pain", 7)):
            table.add_column(label, key=key, width=width)
        self.load()  # the table, the only focusable widget, gets the focus by itself

    def load(self) -> None:
        """List the sessions: right here when the index covers (nearly) all of them, else in a thread.

        A thread would compete with the first paint for the interpreter and make the usual
        case slower; parsing thousands of new files (a first start, a big sync) takes seconds.
        """
        scan = self.store.scan()
        if len(scan.pending) <= INLINE_PARSE:
            entries = scan.finish()
            self.show_entries(entries, self._stats(entries))
        else:
            self.query_one("#stats", Static).update(Content(
                f"Reading {len(scan.pending)} session files for the first time…"))
            self._finish_in_thread(scan)

    def _stats(self, entries: list[Entry]) -> Stats:
        return compute([e for e in entries if isinstance(e, SessionSummary)], self.today)

    @work(thread=True, exclusive=True, group="history-load")
    def _finish_in_thread(self, scan: Scan) -> None:
        entries = scan.finish()
        self.app.call_from_thread(self.show_entries, entries, self._stats(entries))

    def show_entries(self, entries: list[Entry], stats: Stats) -> None:
        self.entries, self.stats = entries, stats
        unreadable = sum(not e.readable for e in entries)
        self.query_one("#stats", Static).update(Content(
            stats_text(stats, unreadable) if entries else
            "No sessions yet. Finish or stop a routine and it shows up here."))
        self.query_one(MinutesChart).show(stats.daily_minutes)
        self.query_one(PainChart).show(stats.pain)
        titles = {e.routine: e.routine_title for e in entries if isinstance(e, SessionSummary)}
        self.filters = [("All routines", ALL)] + sorted(((title, rid) for rid, title in titles.items()),
                                                        key=lambda item: item[0].lower())
        if unreadable:
            self.filters.append(("Unreadable files", UNREADABLE))
        if self.routine not in {value for _label, value in self.filters}:
            self.routine = ALL
        self.refill()
        self.call_after_refresh(self._shown)

    def _shown(self) -> None:
        self.loaded = True  # the data is on screen (tests and the benchmark wait for this)

    # -- the table ----------------------------------------------------------------------

    def refill(self) -> None:
        self.rows = sort_and_filter(self.entries, self.routine, self.sort)
        table = self.query_one(DataTable)
        table.clear()
        self.shown = 0
        self._add_page()
        self.query_one("#sort-label", Label).update(Content(f"Sorted {SORTS[self.sort][0]} (s)"))
        label = dict((value, label) for label, value in self.filters).get(self.routine, self.routine)
        self.query_one("#routine-filter", Static).update(Content(f"Routine: {printable(label)} (f)"))

    def _add_page(self) -> None:
        table = self.query_one(DataTable)
        batch = self.rows[self.shown:self.shown + self.page]
        table.add_rows(row_cells(entry) for entry in batch)
        self.shown += len(batch)
        total = len(self.rows)
        more = f" · m for {min(self.page, total - self.shown)} more" if self.shown < total else ""
        noun = "session" if total == 1 else "sessions"
        count = f"{total} {noun}" if self.shown == total else f"Showing {self.shown} of {total} {noun}{more}"
        self.query_one("#count", Label).update(Content(count))

    def selected(self) -> Entry | None:
        table = self.query_one(DataTable)
        if not self.shown or table.cursor_row is None or not 0 <= table.cursor_row < self.shown:
            return None
        return self.rows[table.cursor_row]

    # -- actions ------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_open(self) -> None:
        entry = self.selected()
        if entry is not None:
            from backrelief_tui.tui.screens.session_detail import SessionDetailScreen

            self.app.push_screen(SessionDetailScreen(self.store, entry))

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_open()

    def action_sort(self) -> None:
        self.sort = (self.sort + 1) % len(SORTS)
        self.refill()

    def action_more(self) -> None:
        # Always in the footer: toggling it would rebuild the footer (slow) for little gain.
        if self.shown < len(self.rows):
            self._add_page()

    def action_filter(self) -> None:
        """Show the next routine (then unreadable files, then all again)."""
        values = [value for _label, value in self.filters]
        position = values.index(self.routine) if self.routine in values else 0
        self.routine = values[(position + 1) % len(values)]
        self.refill()

    def on_click(self, event: events.Click) -> None:
        if event.widget is not None and event.widget.id == "routine-filter":
            event.stop()
            self.action_filter()

    def on_data_table_header_selected(self, event: DataTable.HeaderSelected) -> None:
        event.stop()
        key = str(event.column_key.value)
        if key == "when":
            self.sort = 1 if self.sort == 0 else 0  # newest <-> oldest
        else:
            self.sort = {"time": 2, "routine": 3, "pain": 4}.get(key, 0)
        self.refill()
