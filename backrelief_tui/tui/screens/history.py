"""The history screen: the weekly goal, the last twelve weeks as a calendar and a pain chart, the sessions.

Everything on it comes from the history index (core/index.py), so `h` costs the same with
ten sessions or 100,000: the header and the charts from the index's aggregates, the
table a page at a time (`m` for more) with the sort order and the routine filter done in
SQL, and "Showing N of M" from counts kept up to date.

The index is brought up to date by one refresh per run of the app, started the first time
the screen is shown (after its first frame, so it never delays it), in a thread worker
that belongs to the app: leaving the screen does not stop it, coming back shows how far
it got, and there is never a second one. Until a first build is complete (a first start,
a deleted cache) the screen says "Reading your sessions…" with that progress. Quitting
cancels the worker, and the refresh stops before its next file, keeping what it read.
A session that ends updates its own row (`SessionFlow`), so the refresh need not run again.
The refresh trusts the year folders' stamps (`trust_folders`, core/index.py): it walks only
the folders where a file was added, removed or renamed since (by a sync tool, by hand, or by
this app's own saves), so with nothing changed outside the app it stats ~100 folders, not
100,000 files, and never competes with the screen; every file is still stat-ed once a day.

Without a usable index (an unwritable cache folder, say) the files are parsed in a
thread and the screen works on that list (`history_view.Listing`) the same way.
Unreadable files are listed with the reason, and never touched.
"""

from __future__ import annotations

import contextlib
import gc
import weakref
from collections.abc import Callable, Mapping, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.content import Content
from textual.message import Message
from textual.widgets import DataTable, Label, Static
from textual.worker import Worker, get_current_worker

from backrelief_tui.core.index import ORDERS, IndexUnavailable, Order, Overview, RefreshResult
from backrelief_tui.core.pain import (
    MEANINGFUL_CHANGE_RULE,
    Light,
    MorningAnswer,
    PainLimits,
    session_light,
)
from backrelief_tui.core.records import Entry, SessionStatus, SessionSummary, Unreadable
from backrelief_tui.core.stats import COUNTING_RULE, Stats
from backrelief_tui.core.store import RecordStore
from backrelief_tui.core.text import printable
from backrelief_tui.core.wording import format_duration, how_far, pain_change
from backrelief_tui.tui import styles
from backrelief_tui.tui.base import AppScreen
from backrelief_tui.tui.screens.history_view import (
    ALL,
    COUNTS_HINT,
    LIGHT_COLOURS,
    HistorySource,
    Listing,
    count_text,
    filter_choices,
    header_parts,
    known_mornings,
    light_symbol,
    lights_key,
    pack_parts,
    reading_text,
    selection,
    verdict_text,
    when_text,
)
from backrelief_tui.tui.widgets.calendar import CalendarChart
from backrelief_tui.tui.widgets.charts import WeeklyPainChart
from backrelief_tui.tui.widgets.fitting_footer import FittingFooter

if TYPE_CHECKING:
    from textual.app import App

    from backrelief_tui.tui.keys import HelpSection

PAGE = 60  # rows per page: a few screens' worth (each row costs layout time); `m` adds more
NO_SESSIONS = "No sessions yet. Finish or stop a routine and it shows up here."
T = TypeVar("T")


def entry_light(entry: Entry, mornings: Mapping[date, MorningAnswer], limits: PainLimits) -> Light | None:
    """A session's traffic light from its pain after and the next-morning answer about its day."""
    if not isinstance(entry, SessionSummary):
        return None
    return session_light(entry.pain_after, mornings.get(entry.started.date()), limits)


def row_cells(entry: Entry, light: Light | None = None) -> tuple[Text, ...]:
    # Text, not str: a DataTable parses a plain str as markup, and titles come from files.
    if isinstance(entry, Unreadable):
        reason = entry.reason if len(entry.reason) <= 40 else entry.reason[:39] + "…"
        return (Text(""), Text(when_text(entry.started)), Text(printable(entry.routine or "?")), Text(""), Text(""),
                Text(f"unreadable: {printable(reason)}", style="bold"))
    style = "" if entry.status is SessionStatus.COMPLETED else "italic"
    return (Text(light_symbol(light), style=LIGHT_COLOURS.get(light, "") if light else ""),
            Text(when_text(entry.started)), Text(printable(entry.routine_title)),
            Text(format_duration(entry.active_seconds)),
            Text(pain_change(entry.pain_before, entry.pain_after)),
            Text(how_far(entry.status, entry.moves_done, entry.moves_total), style=style))


def header_content(stats: Stats, unreadable: int, width: int) -> Content:
    """The header in lines of `width` broken between its parts: the weekly goal first, in bold, then the rest,
    then where to read what counts."""
    parts = [*header_parts(stats, unreadable), COUNTS_HINT]
    styles = {parts[0]: "bold $text-accent", COUNTS_HINT: "$text-muted"}
    lines = []
    for line in pack_parts(parts, width):
        pieces: list[tuple[str, str] | str] = []
        for part in line:
            pieces += [" · "] if pieces else []
            pieces.append((part, styles.get(part, "")))
        lines.append(Content.assemble(*pieces))
    return Content("\n").join(lines)


# -- the app's one refresh of the index --------------------------------------------------------


class RefreshProgress(Message):
    """The refresh read `done` of the `total` files it has to read."""

    def __init__(self, done: int, total: int) -> None:
        super().__init__()
        self.done, self.total = done, total


class RefreshFinished(Message):
    """The refresh ended (not when it was cancelled: then the app is quitting)."""


class IndexRefresh:
    """The one refresh of the history index an app runs (see the module docstring).

    Its worker belongs to the app, not to a screen. The screen showing the history
    watches it: progress and the end come to it as messages (`post_message` is safe
    from the worker's thread and never waits for the UI).
    """

    def __init__(self, app: App[Any], store: RecordStore) -> None:
        self.app = app
        self.store = store
        self.worker: Worker[None] | None = None
        self.progress: tuple[int, int] | None = None  # (files read, files to read) of the running refresh
        self.result: RefreshResult | None = None  # of the last refresh that ended
        self.ended = False  # a refresh ran to its end in this run of the app
        self.unusable = False  # ... and the index could not be used (the files are parsed instead)
        self.watchers: list[HistoryScreen] = []  # the history screens on the stack (one, as a rule)

    @property
    def running(self) -> bool:
        return self.worker is not None and not self.worker.is_finished

    def start(self, *, again: bool = False) -> bool:
        """Start a refresh unless one is running, or one has already run (unless `again`). True if started."""
        if self.running or (self.ended and not again):
            return False
        self.progress = None
        self.worker = self.app.run_worker(self._run, name="history index refresh", group="history-refresh",
                                          thread=True, exit_on_error=False)
        return True

    def _run(self) -> None:
        worker = get_current_worker()

        def progress(done: int, total: int) -> None:
            self.progress = (done, total)
            self._tell(RefreshProgress(done, total))

        result = self.store.refresh(progress=progress, cancelled=lambda: worker.is_cancelled, trust_folders=True)
        if worker.is_cancelled:
            return  # the app is quitting: the next run carries on from what this one kept
        self.result, self.unusable = result, result is None
        self.ended = result is None or result.complete
        self._tell(RefreshFinished())

    def _tell(self, message: Message) -> None:
        for screen in list(self.watchers):
            with contextlib.suppress(RuntimeError):  # the event loop closed under us: the app has quit
                screen.post_message(message)


_refreshes: weakref.WeakKeyDictionary[App[Any], IndexRefresh] = weakref.WeakKeyDictionary()


def index_refresh(app: App[Any], store: RecordStore) -> IndexRefresh:
    """The app's refresh of `store`'s index (made on first use)."""
    refresh = _refreshes.get(app)
    if refresh is None or refresh.store is not store:
        refresh = _refreshes[app] = IndexRefresh(app, store)
    return refresh


def history_changed(app: App[Any]) -> None:
    """A session's row changed in the index (it just ended): the history screen, if open, shows it."""
    for screen in app.screen_stack:
        if isinstance(screen, HistoryScreen):
            screen.requery(keep=True)


# -- the screen ------------------------------------------------------------------------------------


class HistoryScreen(AppScreen[None]):
    """Every recorded session; Enter opens one."""

    DEFAULT_CSS = styles.beside(__file__, "history.tcss")
    # Under 100 columns the count gets a line of its own; under 24 rows the charts take the table's place
    # with `c` (at full height `c` puts them away to give the table the room).
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide"), (100, "-wider")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall"), (30, "-taller")]
    BINDINGS = [
        Binding("escape,q", "back", "Back"),
        Binding("enter", "open", "Details", priority=True),
        Binding("s", "sort", "Sort"),
        Binding("f", "filter", "Routine"),
        Binding("m", "more", "More rows"),
        Binding("c", "charts", "Charts"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]

    def __init__(self, store: RecordStore, *, today: date | None = None, page: int = PAGE) -> None:
        # Building the screen makes thousands of objects that live as long as it does (widgets,
        # styles, rows). With the collector on, those bursts set off full collections that walk
        # the whole app (10-70 ms each, three or four per `h`): collection waits for the first frame.
        self._collector_paused = gc.isenabled()
        gc.disable()
        super().__init__()
        self.store = store
        self.today = today or datetime.now().astimezone().date()
        self.page = page
        self.listing: Listing | None = None  # the parsed files, when the index cannot be used
        self.reading = False  # waiting for the index's first build, or for the files to be parsed
        self.parsing = False  # the files are being parsed (no usable index)
        self.rows: list[Entry] = []  # what the table shows, in order
        self.total = 0  # rows there are with this filter
        self.sort = 0  # index into ORDERS
        self.routine = ALL  # the filter: ALL, a routine id, or UNREADABLE
        self.loaded = False  # the rows are on screen (tests and the benchmark wait for this)
        self.stats: Stats | None = None
        self.overview: Overview | None = None  # what the header and the charts show
        self.filters: list[tuple[str, str]] = [("All routines", ALL)]  # (label, choice) for `f`
        self.mornings: Mapping[date, MorningAnswer] = {}  # the next-morning answers, for the lights

    @property
    def order(self) -> Order:
        return ORDERS[self.sort]

    @property
    def refresher(self) -> IndexRefresh:
        return index_refresh(self.app, self.store)

    def compose(self) -> ComposeResult:
        yield Label(Content.assemble(("History", "bold")), id="history-title")
        yield Static(id="stats")
        with Horizontal(id="charts"):
            yield CalendarChart(id="calendar-chart")
            yield WeeklyPainChart(id="pain-chart")
        yield Static(id="verdict")
        with Container(id="controls"):
            yield Static(Content("Routine: All routines (f)"), id="routine-filter")
            yield Label(id="sort-label")
            yield Label(id="count")
        yield DataTable(id="sessions", cursor_type="row", zebra_stripes=True)
        yield Static(Content(lights_key()), id="lights-key")
        yield FittingFooter(optional=("more", "charts", "app.help"))

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        # 77 columns with the cell padding: fits 80 with the scroll bar. The light and the pain come first: at
        # 60 columns, where the table scrolls sideways, what answers "is it helping?" stays in sight.
        for label, key, width in (("", "light", 1), ("When", "when", 20), ("Routine", "routine", 13),
                                  ("Time", "time", 6), ("Pain", "pain", 7), ("Result", "result", 19)):
            table.add_column(label, key=key, width=width)
        self.refresher.watchers.append(self)
        self.requery()  # the table, the only focusable widget, gets the focus by itself
        self.call_after_refresh(self._first_frame)

    def on_unmount(self) -> None:
        self._resume_collector()  # (gone before its first frame)
        with contextlib.suppress(ValueError):
            self.refresher.watchers.remove(self)

    def _resume_collector(self) -> None:
        if self._collector_paused:
            self._collector_paused = False
            gc.enable()

    def _first_frame(self) -> None:
        self._resume_collector()
        self.loaded = not self.reading
        refresher = self.refresher
        if refresher.unusable and self.listing is None:
            self._parse_files()
        else:
            # Once per run (a missing index is built, a stale one caught up), or again if the index went.
            refresher.start(again=self.reading and not self.parsing)

    def _rows_painted(self) -> None:
        self.loaded = True

    # -- where the rows come from -------------------------------------------------------------

    @property
    def source(self) -> HistorySource:
        return self.listing if self.listing is not None else self.store.index

    def _ask(self, question: Callable[[HistorySource], T]) -> T | None:
        """`question(source)`; None when the index turns out unusable (the files are then parsed instead)."""
        try:
            return question(self.source)
        except IndexUnavailable:
            self._parse_files()
            return None

    def _first_build(self) -> bool | None:
        """Whether the index has never been completely built (None: it cannot be used)."""
        if self.listing is not None:
            return False
        try:
            return self.store.index.needs_refresh()
        except IndexUnavailable:
            self._parse_files()
            return None

    def requery(self, *, keep: bool = False) -> None:
        """The header, the charts, the filter choices and the table from the source again.

        With `keep`, as many rows as were shown and the cursor where it was (the history
        changed under the screen: a refresh found new files, a session just ended).
        """
        first_build = self._first_build()
        if first_build is None:
            return
        if first_build:
            self._show_reading()
            return
        goal = self.app.settings.weekly_goal
        overview = self._ask(lambda source: source.overview(self.today, goal))
        if overview is None:
            return
        self.reading = False
        self.remove_class("-reading")
        self._show_overview(overview)
        self.refill(keep=len(self.rows) if keep else 0)

    def _show_reading(self) -> None:
        self.reading = True
        self.add_class("-reading")  # no charts or controls yet: nothing to chart, sort or filter
        self.query_one("#stats", Static).update(Content(reading_text(self.refresher.progress)))
        self.rows, self.total = [], 0
        self.query_one(DataTable).clear()
        self.query_one("#count", Label).update("")

    def _show_overview(self, overview: Overview) -> None:
        stats = self.stats = overview.stats
        self.overview = overview
        self._paint_header()
        self.query_one(CalendarChart).show(stats.calendar)
        self.query_one(WeeklyPainChart).show(stats.weekly_pain)
        self.query_one("#verdict", Static).update(Content(verdict_text(stats.pain_verdict)))
        self.mornings = known_mornings(self.app.flow.asking)
        self.filters = filter_choices(overview)
        if self.routine not in {choice for _label, choice in self.filters}:
            self.routine = ALL

    def _paint_header(self) -> None:
        """The header for the screen's width (its parts never break inside: `pack_parts`)."""
        overview = self.overview
        if overview is None or self.reading:
            return
        files = overview.sessions + overview.unreadable
        width = max(1, self.size.width - 2)  # the header's padding
        self.query_one("#stats", Static).update(
            header_content(overview.stats, overview.unreadable, width) if files else Content(NO_SESSIONS))

    def on_resize(self, _event: events.Resize) -> None:
        self._paint_header()

    def _parse_files(self) -> None:
        """No usable index: parse every file in a thread, then show them (a `Listing`)."""
        if self.listing is not None or self.parsing:
            return
        self.parsing = True
        self._show_reading()
        self.run_worker(self._parse_in_thread, thread=True, group="history-parse", exclusive=True,
                        exit_on_error=False)

    def _parse_in_thread(self) -> None:
        entries = self.store.entries()  # through the index if it works again, else every file parsed
        self.app.call_from_thread(self._show_listing, entries)

    def _show_listing(self, entries: Sequence[Entry]) -> None:
        self.listing, self.parsing = Listing(entries), False
        self.requery()
        self.call_after_refresh(self._rows_painted)

    # -- the refresh's news ------------------------------------------------------------------------

    def on_refresh_progress(self, message: RefreshProgress) -> None:
        if self.reading and self.listing is None:
            self.query_one("#stats", Static).update(Content(reading_text((message.done, message.total))))

    def on_refresh_finished(self, _message: RefreshFinished) -> None:
        refresher = self.refresher
        if refresher.unusable:
            self._parse_files()
            return
        result = refresher.result
        if self.listing is None and (self.reading or result is not None and (result.parsed or result.removed)):
            was_reading = self.reading
            self.requery(keep=not was_reading)
            if was_reading and not self.reading:
                self.call_after_refresh(self._rows_painted)

    # -- the table ----------------------------------------------------------------------------

    def refill(self, *, keep: int = 0) -> None:
        """The table from its first row in the current order and filter (and at least `keep` rows)."""
        routine, unreadable = selection(self.routine)
        order = self.order

        def first_rows(source: HistorySource) -> tuple[int, list[Entry]]:
            total = source.count(routine=routine, unreadable=unreadable)
            return total, source.page(order, routine=routine, unreadable=unreadable, offset=0,
                                      limit=max(self.page, keep))

        answer = self._ask(first_rows)
        if answer is None:
            return
        table = self.query_one(DataTable)
        cursor = table.cursor_row if keep else 0
        self.total, rows = answer
        table.clear()
        self.rows = []
        self._add(rows)
        if keep and self.rows:
            table.move_cursor(row=min(cursor, len(self.rows) - 1), scroll=False)
        self.query_one("#sort-label", Label).update(Content(f"Sorted {order.value} (s)"))
        label = dict((choice, label) for label, choice in self.filters).get(self.routine, self.routine)
        self.query_one("#routine-filter", Static).update(Content(f"Routine: {printable(label)} (f)"))

    def _add(self, rows: list[Entry]) -> None:
        limits = self.limits
        self.query_one(DataTable).add_rows(row_cells(entry, entry_light(entry, self.mornings, limits))
                                           for entry in rows)
        self.rows.extend(rows)
        self.total = max(self.total, len(self.rows))  # (a row added since the count: never "31 of 30")
        self.query_one("#count", Label).update(Content(count_text(len(self.rows), self.total, self.page)))

    def selected(self) -> Entry | None:
        table = self.query_one(DataTable)
        if not self.rows or table.cursor_row is None or not 0 <= table.cursor_row < len(self.rows):
            return None
        return self.rows[table.cursor_row]

    @property
    def limits(self) -> PainLimits:
        return PainLimits.from_settings(self.app.settings)

    def help_sections(self) -> list[HelpSection]:
        from backrelief_tui.tui.keys import listed_keys

        rules = (("counts", COUNTING_RULE), ("lights", self.limits.rule),
                 ("trend", MEANINGFUL_CHANGE_RULE))
        return [("On this screen", listed_keys(self.BINDINGS, ())), ("How the numbers are made", rules)]

    # -- actions ------------------------------------------------------------------------

    def action_charts(self) -> None:
        """Put the charts away (full height) or show them in the table's place (under 24 rows)."""
        self.toggle_class("-flip")

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
        if not self.reading:
            self.sort = (self.sort + 1) % len(ORDERS)
            self.refill()

    def action_more(self) -> None:
        # Always in the footer: toggling it would rebuild the footer (slow) for little gain.
        if self.reading or len(self.rows) >= self.total:
            return
        routine, unreadable = selection(self.routine)
        order, offset = self.order, len(self.rows)
        rows = self._ask(lambda source: source.page(order, routine=routine, unreadable=unreadable,
                                                    offset=offset, limit=self.page))
        if rows is not None:
            self._add(rows)

    def action_filter(self) -> None:
        """Show the next routine (then unreadable files, then all again)."""
        if self.reading:
            return
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
        if self.reading:
            return
        key = str(event.column_key.value)
        orders = {"time": Order.LONGEST, "routine": Order.ROUTINE, "pain": Order.RELIEF}
        if key == "when":
            order = Order.OLDEST if self.order is Order.NEWEST else Order.NEWEST
        else:
            order = orders.get(key, Order.NEWEST)
        self.sort = ORDERS.index(order)
        self.refill()
