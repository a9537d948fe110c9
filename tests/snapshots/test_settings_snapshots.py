"""Snapshots of the settings screen: fixed sizes, fake clock, the real app from `build_app`.

The General and Moves tabs at 60×20, 80×24 and 100×30: every column and key that matters
stays on screen (the names give way, "alternate" becomes "alt", the footer gets compact).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from backrelief_tui.core.library import load_library
from backrelief_tui.core.routine import Sides
from backrelief_tui.core.settings import MoveOverride, Settings
from backrelief_tui.tui.app import build_app
from backrelief_tui.tui.screens.settings import OverrideTable, SettingsScreen
from tests.fakes import FakeClock

ROUTINES = Path(__file__).resolve().parents[2] / "routines"
SIZES = [(60, 20), (80, 24), (100, 30)]
SIZE_IDS = [f"{width}x{height}" for width, height in SIZES]


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    # The screen lists problems in the settings file: never read the real one.
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    return tmp_path


def make_app(settings: Settings):
    return build_app(settings=settings, library=load_library(ROUTINES, Path("/nonexistent")),
                     clock=FakeClock(), save_settings=lambda settings: None)


def open_tab(app, routine_id: str, tab: str, cursor: tuple[int, int] | None = None):
    async def run_before(pilot):
        await pilot.pause()
        app.push_screen(SettingsScreen(routine_id, tab=tab))
        await pilot.pause()
        if cursor is not None:
            app.screen.query_one(OverrideTable).cursor_coordinate = cursor
        await pilot.pause()

    return run_before


def test_moves_tab_with_an_own_hold(snap_compare):
    app = make_app(Settings(moves={"front-plank": MoveOverride(hold=20)}))
    assert snap_compare(app, terminal_size=(100, 30), run_before=open_tab(app, "activate", "moves", (5, 1)))


def test_general_tab_with_problems_in_the_file(snap_compare, home):
    (home / "config").mkdir()
    (home / "config" / "settings.toml").write_text('lead_in = "soon"\nvolume = 3\n')
    app = make_app(Settings())
    assert snap_compare(app, terminal_size=(100, 30), run_before=open_tab(app, "activate", "general"))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_general_tab(snap_compare, size):
    app = make_app(Settings())
    assert snap_compare(app, terminal_size=size, run_before=open_tab(app, "desk-break", "general"))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_moves_tab_with_both_scopes(snap_compare, size):
    # full: the longest names; an everywhere side change (alternate) and one routine-only hold.
    settings = (Settings().with_move_values("worlds-best-stretch", sides=Sides.ALTERNATE)
                .with_move_values("cobra", routine="full", hold=20))
    app = make_app(settings)
    cobra = [move.id for move in app.library.get("full").moves].index("cobra")
    assert snap_compare(app, terminal_size=size, run_before=open_tab(app, "full", "moves", (cobra, 1)))
