"""Pilot tests for the history screen on the index (issue 16): pages, orders and the filter read from the
index a page at a time, the first build's progress in a refresh that belongs to the app (one at a time,
stopped by quitting), the listing without a usable index, a finished session's row, and the start-up
notice for a session another window is running."""

from __future__ import annotations

import os
import threading
import time
from datetime import datetime, timedelta

import pytest

from backrelief_tui.core.index import ORDERS, Order, RefreshResult, SessionIndex
from backrelief_tui.core.records import write_record
from backrelief_tui.core.store import RecordStore
from backrelief_tui.tui.dialogs.resume import ResumeDialog
from backrelief_tui.tui.screens.history import HistoryScreen, index_refresh
from backrelief_tui.tui.screens.history_view import Listing, sort_and_filter
from backrelief_tui.tui.screens.picker import PickerScreen
from backrelief_tui.tui.screens.session import SessionScreen
from backrelief_tui.tui.screens.summary import SummaryScreen
from tests.record_factory import CET, WallClock, make_record
from tests.ui.conftest import screen_text
from tests.ui.helpers import capture_notes
from tests.ui.test_history import SIZE, fill, run_tiny_to_the_end, table_rows, wait
from tests.unit.test_live import Holder

GATE_SECONDS = 30  # the slow refresh gives up after this long, so a broken test fails instead of hanging


class SlowStore(RecordStore):
    """A store whose refresh says it has read 3 of 30 files, then waits at a gate, watching for a cancel."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.calls = 0
        self.gate = threading.Event()  # set: the refresh goes on (the real one)
        self.saw_cancel = threading.Event()  # the refresh returned because it was cancelled

    def refresh(self, *, progress=None, cancelled=None, wait=True, since=None, trust_folders=False):
        self.calls += 1
        if progress is not None:
            progress(3, 30)
        for _ in range(GATE_SECONDS * 100):
            if cancelled is not None and cancelled():
                self.saw_cancel.set()
                return RefreshResult(complete=False)
            if self.gate.wait(0.01):
                break
        return super().refresh(progress=progress, cancelled=cancelled, wait=wait, since=since,
                               trust_folders=trust_folders)


@pytest.fixture
def store(tmp_path):
    return RecordStore(tmp_path / "data" / "sessions")


@pytest.fixture
def slow_store(tmp_path):
    store = SlowStore(tmp_path / "data" / "sessions")
    yield store
    store.gate.set()  # never leave a refresh thread waiting


def app_with(make_app, clock, store, **overrides):
    return make_app(record_store=store, wall_clock=WallClock(clock), **overrides)


def add_unreadable(store, *names: str) -> list:
    paths = []
    for name in names:
        path = store.root / "2025" / name
        path.write_bytes(b"schema = 99\n")
        paths.append(path)
    return paths


async def shows(pilot, text: str, tries: int = 200) -> bool:
    """Whether `text` comes on the screen while the app runs a little (a thread is reporting to it)."""
    for _ in range(tries):
        if text in screen_text(pilot.app):
            return True
        await pilot.pause(0.01)
    return False


class PageSpy:
    """Wraps the index's `page` to record what each call asked for."""

    def __init__(self, index) -> None:
        self.calls: list[dict] = []
        self._page = index.page
        index.page = self

    def __call__(self, order=Order.NEWEST, **options):
        self.calls.append({"order": order, **options})
        return self._page(order, **options)


async def test_a_warm_index_is_read_a_page_at_a_time_in_each_order(make_app, clock, store, monkeypatch):
    fill(store, 130)
    add_unreadable(store, "2025-03-04-120000-desk-break-bad.toml", "2025-03-05-080000-release-bad.toml")
    assert store.refresh().complete and not store.index.needs_refresh()
    truth = store._parse_all(None, None)  # every file parsed: what the screen must agree with
    spy = PageSpy(store.index)
    monkeypatch.setattr(store, "entries", lambda **_: pytest.fail("the screen listed every session"))
    app = app_with(make_app, clock, store)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("h")
        await wait(pilot)
        screen = app.screen
        assert isinstance(screen, HistoryScreen) and screen.loaded
        rows = table_rows(app)
        assert len(rows) == 60 and "Showing 60 of 132 sessions · m for 60 more" in screen_text(app)
        assert rows[0][0] == "2025-03-05 Wed 08:00" and rows[0][4].startswith("unreadable: written by a newer")
        assert [row[0] for row in rows[2:4]] == ["2025-03-03 Mon 09:00", "2025-03-02 Sun 09:00"]
        await pilot.press("m", "m")
        await pilot.pause()
        assert len(table_rows(app)) == 132 and "132 sessions" in screen_text(app)
        assert "m for" not in screen_text(app)
        await pilot.press("m")  # nothing more: no query
        calls = len(spy.calls)

        for order in ORDERS[1:]:
            await pilot.press("s")
            await pilot.pause()
            expected = sort_and_filter(truth, order=order)[:60]
            assert screen.rows == expected, order
            assert f"Sorted {order.value} (s)" in screen_text(app)
        assert all(call["limit"] <= 60 for call in spy.calls[calls:])  # never more than a page at a time

        await pilot.press("s")  # back to newest first
        await pilot.press("f")  # Desk break: 86 of the 130
        await pilot.pause()
        assert "Showing 60 of 86 sessions" in screen_text(app) and "Routine: Desk break (f)" in screen_text(app)
        assert {row[1] for row in table_rows(app)} == {"Desk break"}
        await pilot.press("f", "f")  # Release, then the unreadable files
        await pilot.pause()
        assert [row[1] for row in table_rows(app)] == ["release", "desk-break"]  # what their names say
        assert "Routine: Unreadable files (f)" in screen_text(app) and "2 sessions" in screen_text(app)
        await pilot.press("f")  # all again
        await pilot.pause()
        assert "Showing 60 of 132 sessions" in screen_text(app)
    assert max(call["limit"] for call in spy.calls) == 60


async def test_the_header_and_the_charts_come_from_the_index(make_app, clock, store):
    fill(store, 30)  # one a day up to 2025-03-03, a Monday
    store.refresh()
    app = app_with(make_app, clock, store)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("h")
        await wait(pilot)
        screen = app.screen
        stats = screen.stats
        assert stats == store.index.overview(screen.today).stats
        text = screen_text(app)
        assert f"{stats.week_sessions} of 5 this week · {stats.goal_streak_line}" in text and "in all 30," in text


async def test_a_first_build_shows_its_progress_and_goes_on_when_the_screen_is_left(make_app, clock, slow_store):
    fill(slow_store, 30)
    app = app_with(make_app, clock, slow_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("h")
        assert await shows(pilot, "Reading your sessions… 3 of 30 files")
        assert table_rows(app) == [] and not app.screen.loaded
        await pilot.press("s", "f", "m", "enter")  # nothing to sort, filter or open yet
        await pilot.pause()
        assert isinstance(app.screen, HistoryScreen) and table_rows(app) == []

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        refresher = index_refresh(app, slow_store)
        assert refresher.running  # leaving the screen did not stop it
        await pilot.press("h")
        await pilot.pause()
        assert "Reading your sessions… 3 of 30 files" in screen_text(app)  # its progress, at once
        assert slow_store.calls == 1  # and no second refresh

        slow_store.gate.set()
        await wait(pilot)
        assert await shows(pilot, "30 sessions")
        assert len(table_rows(app)) == 30 and app.screen.loaded
        assert table_rows(app)[0][0] == "2025-03-03 Mon 09:00"
        await pilot.press("escape", "h")  # once per run: the index is up to date now
        await wait(pilot)
        assert len(table_rows(app)) == 30
    assert slow_store.calls == 1 and not slow_store.saw_cancel.is_set()


async def test_quitting_during_a_rebuild_stops_the_refresh_at_once(make_app, clock, slow_store):
    fill(slow_store, 30)
    app = app_with(make_app, clock, slow_store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("h")
        assert await shows(pilot, "Reading your sessions… 3 of 30 files")
        await pilot.press("ctrl+q")
        await pilot.pause()
    # The gate was never opened: the refresh returned only because quitting cancelled it
    # (it would otherwise wait GATE_SECONDS, and the quit with it).
    assert slow_store.saw_cancel.wait(GATE_SECONDS / 2)
    assert not slow_store.gate.is_set() and slow_store.calls == 1


async def test_a_rebuild_cut_short_carries_on_at_the_next_start(make_app, clock, store):
    fill(store, 30)
    stop = threading.Event()
    stop.set()
    result = store.refresh(cancelled=stop.is_set)  # as if the app had quit during its first build
    assert not result.complete and store.index.needs_refresh()
    app = app_with(make_app, clock, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await wait(pilot)
        assert await shows(pilot, "30 sessions")
    assert not store.index.needs_refresh()


async def test_without_a_usable_index_the_files_are_parsed_and_listed(make_app, clock, tmp_path):
    blocked = tmp_path / "cache-is-a-file"
    blocked.write_text("not a folder")
    store = RecordStore(tmp_path / "data" / "sessions", blocked / "index.sqlite3")
    fill(store, 12)
    [bad] = add_unreadable(store, "2025-03-04-120000-desk-break-bad.toml")
    app = app_with(make_app, clock, store)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("h")
        await wait(pilot)
        assert await shows(pilot, "13 sessions")
        screen = app.screen
        assert screen.listing is not None and screen.loaded
        assert table_rows(app)[0][4].startswith("unreadable") and "1 unreadable file" in screen_text(app)
        await pilot.press("s")  # oldest first
        await pilot.pause()
        assert table_rows(app)[0][0] == "2025-02-20 Thu 09:00"
        await pilot.press("f")
        await pilot.pause()
        assert "Routine: Desk break (f)" in screen_text(app) and "8 sessions" in screen_text(app)
    assert bad.read_bytes() == b"schema = 99\n"


def test_the_listing_answers_as_the_index_does(store):
    fill(store, 40)
    add_unreadable(store, "2025-03-04-120000-desk-break-bad.toml", "2025-01-01-080000-zeta-bad.toml")
    store.refresh()
    listing = Listing(store._parse_all(None, None))
    index = store.index
    today = datetime(2025, 3, 3, tzinfo=CET).date()
    assert listing.overview(today) == index.overview(today)
    for order in ORDERS:
        for routine, unreadable in [(None, False), ("release", False), ("desk-break", False), (None, True)]:
            options = dict(routine=routine, unreadable=unreadable)
            assert listing.count(**options) == index.count(**options)
            for offset, limit in [(0, 60), (5, 7), (38, 10)]:
                assert listing.page(order, offset=offset, limit=limit, **options) == index.page(
                    order, offset=offset, limit=limit, **options), (order, routine, unreadable, offset)


async def test_a_finished_session_updates_its_row_without_a_refresh(make_app, clock, store, monkeypatch):
    fill(store, 5)
    store.refresh()
    refreshes = []
    real_refresh = store.refresh
    monkeypatch.setattr(store, "refresh", lambda **options: refreshes.append(options) or real_refresh(**options))
    app = app_with(make_app, clock, store)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("h")
        await wait(pilot)
        assert "5 sessions" in screen_text(app) and len(refreshes) == 1  # the one refresh of this run
        await pilot.press("escape", "enter")
        await pilot.pause()
        await pilot.press("s")  # no pain check-in
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await run_tiny_to_the_end(pilot, clock)
        assert isinstance(app.screen, SummaryScreen)
        await wait(pilot)
        assert store.index.count() == 6  # its row, read in a thread when it ended
        await pilot.press("h")
        await wait(pilot)
        assert "6 sessions" in screen_text(app) and table_rows(app)[0][1] == "Tiny"
    assert len(refreshes) == 1


async def test_a_session_ending_under_an_open_history_shows_up_in_it(make_app, clock, store):
    fill(store, 3)
    store.refresh()
    app = app_with(make_app, clock, store)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("h")
        await wait(pilot)
        assert "3 sessions" in screen_text(app)
        record = make_record(datetime(2025, 3, 5, 18, 0, tzinfo=CET), record_id="late01", routine="release")
        path = store.path_for(record)
        write_record(path, record)  # what a session's last save leaves
        app.flow.index_record(type("Finished", (), {"path": path})())
        await wait(pilot)
        assert "4 sessions" in screen_text(app) and table_rows(app)[0][0] == "2025-03-05 Wed 18:00"


async def test_a_session_running_in_another_window_is_named_and_left_to_it(make_app, clock, store):
    wall = WallClock(clock)
    now = wall()
    record = make_record(now - timedelta(minutes=3), status="in-progress", record_id="live01", routine="release")
    path = store.path_for(record)
    write_record(path, record)
    before = path.read_bytes()
    holder = Holder(store, path)  # another process runs it now
    try:
        assert holder.answer == "held"
        app = app_with(make_app, clock, store)
        notes = capture_notes(app)
        async with app.run_test(size=SIZE) as pilot:
            await wait(pilot)
            assert isinstance(app.screen, PickerScreen) and not isinstance(app.screen, ResumeDialog)
            assert "A Release session is running in another window; it is left to that window." in notes
    finally:
        holder.stop()
    assert path.read_bytes() == before


async def test_h_walks_only_the_folders_that_changed_and_still_sees_files_synced_in(make_app, clock, tmp_path,
                                                                                   monkeypatch):
    ahead = lambda: time.time_ns() + 3600 * 10**9  # noqa: E731 - an hour on: no file or folder is racy
    store = RecordStore(tmp_path / "data" / "sessions", now_ns=ahead)
    fill(store, 5)  # one year folder
    old = make_record(datetime(2023, 6, 1, 9, 0, tzinfo=CET), record_id="old001")
    write_record(store.path_for(old), old)  # and another
    assert store.refresh().files == 6  # a full walk (say, `backrelief history`)
    walked: list = []
    real_walk = SessionIndex._walk
    monkeypatch.setattr(SessionIndex, "_walk", lambda self, folders: walked.append(folders) or real_walk(self, folders))
    async with app_with(make_app, clock, store).run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("h")
        await wait(pilot)
        assert "6 sessions" in screen_text(pilot.app)
        assert walked == []  # nothing changed outside the app: no file stat-ed, let alone read
    synced = make_record(datetime(2025, 3, 4, 18, 0, tzinfo=CET), record_id="sync01", routine="release")
    staging = tmp_path / "staging.toml"
    write_record(staging, synced)
    os.replace(staging, store.path_for(synced))  # as a sync tool puts a file in place
    async with app_with(make_app, clock, store).run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("h")
        await wait(pilot)
        assert "7 sessions" in screen_text(pilot.app)
        assert walked == [["2025"]]  # the one folder that changed
