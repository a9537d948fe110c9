"""Snapshot of the settings screen: fixed size, fake clock, the real app from `build_app`."""

from __future__ import annotations

from pathlib import Path

import pytest

from backrelief_tui.core.library import load_library
from backrelief_tui.core.settings import MoveOverride, Settings
from backrelief_tui.tui.app import build_app
from backrelief_tui.tui.screens.settings import OverrideTable, SettingsScreen
from tests.fakes import FakeClock

ROUTINES = Path(__file__).resolve().parents[2] / "routines"
SIZE = (100, 30)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    # The screen lists problems in the settings file: never read the real one.
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    return tmp_path


def make_app(settings: Settings):
    return build_app(settings=settings, library=load_library(ROUTINES, Path("/nonexistent")),
                     clock=FakeClock(), save_settings=lambda settings: None)


def test_moves_tab_with_an_own_hold(snap_compare):
    app = make_app(Settings(moves={"front-plank": MoveOverride(hold=20)}))

    async def open_settings(pilot):
        await pilot.pause()
        app.push_screen(SettingsScreen("activate", tab="moves"))
        await pilot.pause()
        app.screen.query_one(OverrideTable).cursor_coordinate = (5, 1)
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_settings)


def test_general_tab_with_problems_in_the_file(snap_compare, home):
    (home / "config").mkdir()
    (home / "config" / "settings.toml").write_text('lead_in = "soon"\nvolume = 3\n')
    app = make_app(Settings())

    async def open_settings(pilot):
        await pilot.pause()
        app.push_screen(SettingsScreen("activate", tab="general"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=SIZE, run_before=open_settings)
