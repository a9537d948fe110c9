"""Pilot tests for session records in the app: check-ins, the record on disk, resume, history, detail."""

from __future__ import annotations

import errno
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from backrelief_tui.core.engine import Engine, State
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.recorder import Recorder
from backrelief_tui.core.records import SessionRecord, read_record, write_record
from backrelief_tui.core.store import RecordStore
from backrelief_tui.tui.dialogs.checkin import CheckinDialog
from backrelief_tui.tui.dialogs.resume import ResumeDialog
from backrelief_tui.tui.screens.history import HistoryScreen
from backrelief_tui.tui.screens.picker import PickerScreen
from backrelief_tui.tui.screens.session import SessionScreen
from backrelief_tui.tui.screens.session_detail import SessionDetailScreen
from backrelief_tui.tui.screens.summary import SummaryScreen
from tests.fakes import FakeClock
from tests.record_factory import CET, WallClock, make_record
from tests.ui.conftest import TINY_SETTINGS, screen_text, tiny_routine
from tests.ui.helpers import capture_notes

SIZE = (100, 30)
TINY_SECONDS = 48  # 36 timed + the self-paced dead bug, finished with space after 12 s


@pytest.fixture
def store(tmp_path):
    return RecordStore(tmp_path / "data" / "sessions")


@pytest.fixture
def recorded_app(make_app, clock, store):
    def make(**overrides):
        return make_app(**{"record_store": store, "wall_clock": WallClock(clock), **overrides})
    return make


async def wait(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def run_tiny_to_the_end(pilot, clock) -> None:
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    for _ in range(36 + 12):  # the timer looks once a second; the last 12 s: the self-paced dead bug
        clock.advance(1)
        screen.tick()
    await pilot.pause()
    await pilot.press("space")  # the dead bug done
    await pilot.pause()


def the_record(store) -> SessionRecord:
    [entry] = store.entries()
    record = read_record(entry.path)
    assert isinstance(record, SessionRecord), record
    return record


def table_rows(app, selector="#sessions") -> list[tuple[str, ...]]:
    """The table's cells as text; for the history's sessions without their first cell, the light (`lights`)."""
    table = app.screen.query_one(selector)
    skip = 1 if selector == "#sessions" else 0
    return [tuple(str(cell) for cell in table.get_row_at(index))[skip:] for index in range(table.row_count)]


def lights(app) -> list[str]:
    """The traffic light of each session row of the history, in order ("" for none)."""
    table = app.screen.query_one("#sessions")
    return [str(table.get_row_at(index)[0]) for index in range(table.row_count)]


async def test_a_whole_session_with_both_check_ins_is_recorded_and_shows_in_history(recorded_app, clock, store):
    app = recorded_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CheckinDialog)
        assert "how is your back right now?" in screen_text(app)
        assert store.entries() == []  # nothing is written before the session starts
        await pilot.press("6")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        first = the_record(store)
        assert (first.status, first.pain_before, first.steps_finished) == ("in-progress", 6, 0)

        await run_tiny_to_the_end(pilot, clock)
        # The summary comes by itself and asks the check-in on it (hands-free to the summary).
        assert isinstance(app.screen, SummaryScreen)
        assert "And now: how is your back?" in screen_text(app)
        assert the_record(store).status == "completed"  # saved before the question
        await pilot.press("t")  # ten
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "how is your back" not in screen_text(app)
        assert "Pain before → after: 6 → 10" in screen_text(app)

        record = the_record(store)
        assert (record.pain_before, record.pain_after, record.moves_done) == (6, 10, 3)
        assert record.started == datetime(2025, 3, 3, 9, 0, tzinfo=CET)
        assert record.ended - record.started == timedelta(seconds=TINY_SECONDS)

        await pilot.press("h")
        await wait(pilot)
        assert isinstance(app.screen, HistoryScreen)
        assert table_rows(app) == [("2025-03-03 Mon 09:00", "Tiny", "0:48", "6 → 10", "completed")]
        text = screen_text(app)
        assert "1 of 5 this week · no week has met the goal yet" in text and "in all 1, 1 min" in text

        await pilot.press("enter")
        await wait(pilot)
        assert isinstance(app.screen, SessionDetailScreen)
        rows = table_rows(app, "#detail-moves")
        assert [row[:2] for row in rows] == [("Side plank", "done"), ("Bridge", "done"), ("Dead bug", "done")]
        assert rows[0][3] == "L 0:06/0:06 · R 0:06/0:06"
        assert "Pain before → after: 6 → 10" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)


async def test_check_ins_can_be_skipped_or_turned_off(recorded_app, clock, store):
    app = recorded_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await run_tiny_to_the_end(pilot, clock)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
    record = the_record(store)
    assert (record.pain_before, record.pain_after, record.status) == (None, None, "completed")

    off = recorded_app(settings=replace(TINY_SETTINGS, pain_checkin=False))
    async with off.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(off.screen, SessionScreen)
        await run_tiny_to_the_end(pilot, clock)
        assert isinstance(off.screen, SummaryScreen)


async def test_quitting_keeps_what_was_done_as_stopped(recorded_app, clock, store):
    app = recorded_app(settings=replace(TINY_SETTINGS, pain_checkin=False))
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        for _ in range(10):
            clock.advance(1)
            screen.tick()
        await pilot.press("q")
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
    record = the_record(store)
    assert record.status == "stopped"
    assert [move.status for move in record.moves] == ["partial", "not-reached", "not-reached"]


class FullDisk(RecordStore):
    full = True

    def save(self, path, record):
        if self.full:
            raise OSError(errno.ENOSPC, "No space left on device")
        super().save(path, record)


async def test_a_full_disk_is_shown_in_the_session_and_the_session_goes_on(make_app, clock, tmp_path):
    store = FullDisk(tmp_path / "data" / "sessions")
    app = make_app(record_store=store, settings=replace(TINY_SETTINGS, pain_checkin=False))
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("enter")
        await pilot.pause()
        screen = app.screen
        messages = notes
        assert any("No space left on device" in m and "saved as soon as" in m for m in messages)
        for _ in range(5):
            clock.advance(1)
            screen.tick()
        assert screen.engine.state is State.RUNNING
        store.full = False
        clock.advance(1)
        screen.tick()
        await pilot.pause()
        assert any("saved again" in note for note in notes)
        assert store.entries()[0].steps_finished == screen.engine.steps_finished()


def interrupted_tiny(store, clock, wall, seconds=12.0) -> SessionRecord:
    """A session of tiny that stopped after `seconds` (as if the terminal was closed)."""
    engine = Engine(plan_session(tiny_routine(), TINY_SETTINGS), clock)
    recorder = Recorder(store, wall_clock=wall, pain_before=5)
    recorder.update(engine, engine.start())
    for _ in range(int(seconds)):
        clock.advance(1)
        events = engine.poll()
        if events:
            recorder.update(engine, events)
    return recorder.record


async def test_a_session_interrupted_minutes_ago_is_offered_and_resumed(recorded_app, clock, store):
    wall = WallClock(clock)
    left = interrupted_tiny(store, clock, wall)
    assert left.steps_finished == 3  # get ready, left side, switch
    clock.advance(20 * 60)
    app = recorded_app(wall_clock=wall)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        assert isinstance(app.screen, ResumeDialog)
        assert "Tiny stopped 20 minutes ago, with 0 of 3 moves done." in screen_text(app)
        await pilot.press("r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SessionScreen)  # no check-in: the answer from before is kept
        # A get-ready first (the settings' 3 s lead-in), to get back into position...
        assert screen.engine.index == 3 and screen.view.phase == "get-ready" and screen.view.title == "Side plank"
        for _ in range(3):
            clock.advance(1)
            screen.tick()
        assert screen.view.detail == "RIGHT · hold"  # ...then the step it stopped in, in full
        assert screen.engine.remaining() == 6
        await run_tiny_to_the_end(pilot, clock)
        await pilot.press("3")
        await pilot.pause()
    record = the_record(store)
    assert (record.id, record.status, record.resumes) == (left.id, "completed", 1)
    assert (record.pain_before, record.pain_after) == (5, 3)
    assert record.progress.steps == "d" * record.steps_total


async def test_declining_the_offer_marks_the_session_stopped(recorded_app, clock, store):
    wall = WallClock(clock)
    interrupted_tiny(store, clock, wall)
    app = recorded_app(wall_clock=wall)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        assert isinstance(app.screen, ResumeDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert the_record(store).status == "stopped"


async def test_an_old_interrupted_session_is_not_offered_but_marked_stopped(recorded_app, clock, store):
    wall = WallClock(clock)
    interrupted_tiny(store, clock, wall)
    clock.advance(2 * 3600)
    app = recorded_app(wall_clock=wall)
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        assert isinstance(app.screen, PickerScreen)
    assert the_record(store).status == "stopped"


def fill(store, count: int, **options) -> None:
    start = datetime(2025, 3, 3, 9, 0, tzinfo=CET)
    for n in range(count):
        record = make_record(start - timedelta(days=n), record_id=f"r{n:05d}", minutes=5 + n % 7,
                             routine="desk-break" if n % 3 else "release", pain_before=n % 11, pain_after=(n + 3) % 11,
                             **options)
        write_record(store.path_for(record), record)


async def test_history_sorts_filters_pages_and_lists_unreadable_files(recorded_app, store, clock):
    fill(store, 30)
    bad = store.root / "2025" / "2025-03-04-120000-desk-break-bad.toml"
    bad.write_bytes(b"schema = 99\n")
    app = recorded_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("h")
        await wait(pilot)
        screen = app.screen
        screen.page = 10
        screen.refill()
        await pilot.pause()
        rows = table_rows(app)
        assert len(rows) == 10 and "Showing 10 of 31 sessions" in screen_text(app)
        assert rows[0][0] == "2025-03-04 Tue 12:00" and rows[0][4].startswith("unreadable: written by a newer")
        assert rows[1][0] == "2025-03-03 Mon 09:00"
        await pilot.press("m")
        await pilot.pause()
        assert len(table_rows(app)) == 20

        await pilot.press("s")  # oldest first
        await pilot.pause()
        assert table_rows(app)[0][0] == "2025-02-02 Sun 09:00"
        await pilot.press("s")  # longest first
        await pilot.pause()
        assert table_rows(app)[0][2] == "11:00"

        await pilot.press("f")  # the first routine in the filter: Desk break
        await pilot.pause()
        assert {row[1] for row in table_rows(app)} == {"Desk break"} and "20 sessions" in screen_text(app)
        await pilot.press("f", "f")  # Release, then the unreadable files
        await pilot.pause()
        assert [row[4][:10] for row in table_rows(app)] == ["unreadable"]

        await pilot.press("enter")
        await wait(pilot)
        assert isinstance(app.screen, SessionDetailScreen)
        assert "written by a newer version" in screen_text(app) and "left exactly as it is" in screen_text(app)
    assert bad.read_bytes() == b"schema = 99\n"


async def test_history_when_there_is_nothing_yet(recorded_app):
    app = recorded_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("h")
        await wait(pilot)
        text = screen_text(app)
        assert "No sessions yet" in text and "No before-session pain ratings yet" in text


async def test_history_is_off_without_a_store(make_app):
    app = make_app()
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert any("history is off" in note for note in notes)


async def test_the_check_in_answers_with_one_key_or_a_click(make_app):
    app = make_app()
    answers = []
    async with app.run_test(size=SIZE) as pilot:
        for keys in (["0"], ["9"], ["t"], ["escape"], ["s"]):
            app.push_screen(CheckinDialog("Tiny"), answers.append)
            await pilot.pause()
            await pilot.press(*keys)
            await pilot.pause()
        app.push_screen(CheckinDialog("Tiny"), answers.append)
        await pilot.pause()
        await pilot.click("#pain-7")
        await pilot.pause()
    assert answers == [0, 9, 10, None, None, 7]


def test_fake_clock_is_not_the_wall_clock():
    # The records' start times come from the injected wall clock, never from the monotonic one.
    wall = WallClock(FakeClock())
    assert wall().tzinfo is not None


async def test_a_note_can_be_added_from_the_session_detail(recorded_app, store):
    fill(store, 1)
    app = recorded_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait(pilot)
        await pilot.press("h")
        await wait(pilot)
        await pilot.press("enter")
        await wait(pilot)
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Less stiff", "enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionDetailScreen)
        assert "Note: Less stiff" in screen_text(app)
    [entry] = store.entries()
    assert read_record(entry.path).note == "Less stiff"
