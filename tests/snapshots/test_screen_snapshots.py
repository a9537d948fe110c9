"""SVG snapshots of the screens and dialogs people choose and build with, at the three sizes the README
promises (100×30, 80×24, 60×20): the picker, the editor, the builder, the summary and every dialog.

Look at them as PNGs (`rsvg-convert -o x.png x.svg`) before committing an update:
`pytest tests/snapshots/test_screen_snapshots.py --snapshot-update`.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from backrelief_tui.core.library import load_library
from backrelief_tui.core.recorder import Interrupted
from backrelief_tui.core.settings import Settings
from backrelief_tui.core.store import RecordStore
from backrelief_tui.tui.app import build_app
from backrelief_tui.tui.dialogs.note import NoteDialog
from backrelief_tui.tui.dialogs.resume import ResumeDialog
from backrelief_tui.tui.screens.build import BuildScreen
from backrelief_tui.tui.screens.session import SessionScreen
from tests.fakes import FakeClock
from tests.record_factory import CET, WallClock, make_record
from tests.ui.helpers import ROUTINES, RecordingPlayer

SIZES = [(100, 30), (80, 24), (60, 20)]
QUIET = Settings(pain_checkin=False, safety_acknowledged=True)
NOW = datetime(2025, 3, 3, 9, 0, tzinfo=CET)


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path / "home"))


def make(settings: Settings = QUIET, store: RecordStore | None = None):
    clock = FakeClock()
    app = build_app(settings=settings, library=load_library(ROUTINES, Path("/nonexistent")), clock=clock,
                    wall_clock=WallClock(clock), player=RecordingPlayer(), record_store=store,
                    save_settings=lambda new: None)
    return app, clock


def down_to(routine_id: str) -> list[str]:
    return ["down"] * list(load_library(ROUTINES, Path("/nonexistent")).routines).index(routine_id)


sizes = pytest.mark.parametrize("size", SIZES, ids=size_id)


# -- the picker: figures beside the moves, the bonus line, the stop rule, the footer ------------------------------


@sizes
def test_picker_with_the_safety_note(snap_compare, size):
    app, _ = make(settings=Settings(pain_checkin=False))
    assert snap_compare(app, terminal_size=size)


@sizes
def test_picker_on_a_routine_with_a_bonus_move(snap_compare, size):
    app, _ = make()
    assert snap_compare(app, terminal_size=size, press=down_to("stretch"))


def test_picker_with_the_bonus_added(snap_compare):
    app, _ = make()
    assert snap_compare(app, terminal_size=(100, 30), press=[*down_to("stretch"), "i"])


# -- the editor and the builder ----------------------------------------------------------------------------


@sizes
def test_editor_copy_of_a_routine(snap_compare, size):
    app, _ = make()
    assert snap_compare(app, terminal_size=size, press=[*down_to("desk-break"), "e"])


@sizes
def test_editor_leave_question_after_a_change(snap_compare, size):
    app, _ = make()

    async def run_before(pilot) -> None:  # a pause after each screen change: keys sent at once can beat its mount
        await pilot.press(*down_to("desk-break"), "e")
        await pilot.pause()
        await pilot.press("plus")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@sizes
def test_builder_with_kit_ticked(snap_compare, size):
    app, _ = make()

    async def run_before(pilot) -> None:
        await pilot.pause()
        app.push_screen(BuildScreen())
        await pilot.pause()
        await pilot.press(*["tab"] * 5, "space", "tab", "space", "tab", "space", "tab", "space")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@sizes
def test_builder_save_asks_for_a_name(snap_compare, size):
    app, _ = make()

    async def run_before(pilot) -> None:
        await pilot.press("b")
        await pilot.pause()  # the builder mounted before its key
        await pilot.press("w")
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


# -- the summary: a mistaken start offered for discarding; the pain check-in ----------------------------------


async def stopped_after(pilot, clock: FakeClock, seconds: int, *keys: str) -> None:
    await pilot.pause()
    await pilot.press(*down_to("desk-break"), "enter", *keys)
    await pilot.pause()
    for _ in range(seconds):
        clock.advance(1)
        if isinstance(pilot.app.screen, SessionScreen):
            pilot.app.screen.tick()
    await pilot.press("q", "y")
    await pilot.pause()


@sizes
def test_summary_of_a_mistaken_start(snap_compare, size, tmp_path):
    app, clock = make(store=RecordStore(tmp_path / "data" / "sessions"))

    async def run_before(pilot) -> None:
        await stopped_after(pilot, clock, 3)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@sizes
def test_summary_asking_how_the_back_is(snap_compare, size, tmp_path):
    app, clock = make(settings=replace(QUIET, pain_checkin=True), store=RecordStore(tmp_path / "data" / "sessions"))

    async def run_before(pilot) -> None:
        await stopped_after(pilot, clock, 60, "5")  # answered 5 before; into the first move's second rep

    assert snap_compare(app, terminal_size=size, run_before=run_before)


# -- the dialogs ------------------------------------------------------------------------------------------


@sizes
def test_checkin_dialog(snap_compare, size, tmp_path):
    app, _ = make(settings=replace(QUIET, pain_checkin=True), store=RecordStore(tmp_path / "data" / "sessions"))
    assert snap_compare(app, terminal_size=size, press=[*down_to("desk-break"), "enter"])


@sizes
def test_help_dialog_on_the_picker(snap_compare, size):
    app, _ = make()
    assert snap_compare(app, terminal_size=size, press=["question_mark"])


@sizes
def test_resume_dialog(snap_compare, size):
    app, _ = make()
    record = make_record(NOW - timedelta(minutes=20), status="in-progress", moves=5)

    async def run_before(pilot) -> None:
        await pilot.pause()
        app.push_screen(ResumeDialog(Interrupted(Path("x.toml"), record), NOW))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)


@sizes
def test_note_dialog(snap_compare, size):
    app, _ = make()

    async def run_before(pilot) -> None:
        await pilot.pause()
        app.push_screen(NoteDialog("Felt easier than last week"))
        await pilot.pause()

    assert snap_compare(app, terminal_size=size, run_before=run_before)
