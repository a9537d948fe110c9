"""SVG snapshots of the history screen (issue 18) at the three sizes: the weekly goal, the calendar, the weekly
pain chart and its verdict, a light per session; at 60×20 the charts in the table's place (`c`); an empty
history. (The session detail is left to the Pilot tests: it shows the file's path, which is a temporary folder here.)

Look at them as PNGs (`rsvg-convert -o x.png x.svg`) before committing an update:
`pytest tests/snapshots/test_history_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest

from backrelief_tui.core.journal import record_red_flag_check
from backrelief_tui.core.library import load_library
from backrelief_tui.core.redflags import RED_FLAGS, RedFlagCheck, Trigger
from backrelief_tui.core.settings import Settings
from backrelief_tui.core.store import RecordStore
from backrelief_tui.tui.app import build_app
from tests.fakes import FakeClock
from tests.record_factory import CET, WallClock
from tests.snapshots.test_screen_snapshots import SIZES, size_id
from tests.ui.helpers import ROUTINES, RecordingPlayer
from tests.ui.test_history_insights import insight_history

QUIET = Settings(pain_checkin=False, safety_acknowledged=True)
sizes = pytest.mark.parametrize("size", SIZES, ids=size_id)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path / "home"))


def make(tmp_path: Path, *, history: bool = True):
    store = RecordStore(tmp_path / "data" / "sessions")
    journal = tmp_path / "data" / "journal.toml"
    check = RedFlagCheck(datetime(2025, 2, 1, 9, 0, tzinfo=CET), Trigger.FIRST_RUN,
                         {flag.id: False for flag in RED_FLAGS})
    assert record_red_flag_check(check, journal) is None
    if history:
        insight_history(store, journal)
    clock = FakeClock()
    return build_app(settings=QUIET, library=load_library(ROUTINES, Path("/nonexistent")), clock=clock,
                     wall_clock=WallClock(clock), player=RecordingPlayer(), record_store=store,
                     journal_path=journal, save_settings=lambda new: None)


async def settle(pilot) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_history(pilot) -> None:
    await settle(pilot)
    await pilot.press("h")
    await settle(pilot)


@sizes
def test_history_with_twelve_weeks(snap_compare, tmp_path, size):
    assert snap_compare(make(tmp_path), terminal_size=size, run_before=open_history)


def test_history_charts_in_the_table_s_place_at_60x20(snap_compare, tmp_path):
    async def charts(pilot) -> None:
        await open_history(pilot)
        await pilot.press("c")
        await pilot.pause()

    assert snap_compare(make(tmp_path), terminal_size=(60, 20), run_before=charts)


def test_history_empty(snap_compare, tmp_path):
    assert snap_compare(make(tmp_path, history=False), terminal_size=(80, 24), run_before=open_history)


def test_history_help(snap_compare, tmp_path):
    async def help_key(pilot) -> None:
        await open_history(pilot)
        await pilot.press("question_mark")
        await pilot.pause()

    assert snap_compare(make(tmp_path), terminal_size=(100, 30), run_before=help_key)
