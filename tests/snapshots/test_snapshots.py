"""SVG snapshots of every screen and every session phase (pytest-textual-snapshot).

Deterministic: a fixed terminal size, a FakeClock moved by hand, a player that always
"plays" (so no flash timer races the capture), no text inputs (so no blinking cursor).
Update with `pytest tests/snapshots --snapshot-update` and look at the SVGs before
committing them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from backrelief_tui.core.library import Library, load_library
from backrelief_tui.core.settings import Settings
from backrelief_tui.tui.app import build_app
from tests.fakes import FakeClock
from tests.ui.helpers import ROUTINES, TINY_SETTINGS, RecordingPlayer, tiny_routine

# Desk break with the default settings: 10 s lead-in, 15 s rest, 5 s to switch sides.
#   0:10 World's best stretch LEFT rep 1 (17 s a rep) | 0:44 switch | 1:23 rest | 1:38 child's pose ...
DESK = Settings(pain_checkin=False)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path / "home"))


def make(start: str | None = None, settings: Settings = DESK, tiny: bool = False):
    clock = FakeClock()
    library = load_library(ROUTINES, Path("/nonexistent"))
    if tiny:
        library = Library(routines={"tiny": tiny_routine()}, moves=library.moves)
    app = build_app(settings=settings, library=library, clock=clock, player=RecordingPlayer(),
                    start_routine=start, save_settings=lambda new: None)
    return app, clock


def at(clock: FakeClock, seconds: float, *keys: str):
    """A `run_before` that lets `seconds` pass, then presses `keys`."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        clock.advance(seconds)
        pilot.app.screen.tick()
        await pilot.pause()
        if keys:
            await pilot.press(*keys)
            await pilot.pause()

    return run_before


# -- picker -----------------------------------------------------------------------------


def test_picker(snap_compare):
    app, _ = make()
    assert snap_compare(app, terminal_size=(100, 30))


def test_picker_80x24(snap_compare):
    app, _ = make()
    assert snap_compare(app, terminal_size=(80, 24))


def test_picker_60x20_after_the_safety_note(snap_compare):
    app, _ = make(settings=replace(DESK, safety_acknowledged=True))
    assert snap_compare(app, terminal_size=(60, 20), press=["down"])


# -- the session, phase by phase --------------------------------------------------------------


def test_session_get_ready(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 4))


def test_session_work(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 12))


def test_session_switch_side(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 46))


def test_session_rest(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 88))


def test_session_paused(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 12, "space"))


def test_session_self_paced_with_caution(snap_compare):
    app, clock = make("tiny", settings=replace(TINY_SETTINGS, pain_checkin=False), tiny=True)
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 4, "n", "n", "n", "n", "n", "n", "n", "n"))


def test_session_hold_with_caution_and_variation(snap_compare):
    app, clock = make("tiny", settings=replace(TINY_SETTINGS, pain_checkin=False), tiny=True)
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 5))


def test_session_80x24(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(80, 24), run_before=at(clock, 12))


def test_session_60x20(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(60, 20), run_before=at(clock, 12))


def test_session_60x20_with_caution_and_variation(snap_compare):
    app, clock = make("tiny", settings=replace(TINY_SETTINGS, pain_checkin=False), tiny=True)
    assert snap_compare(app, terminal_size=(60, 20), run_before=at(clock, 5))


# -- modals and the end ----------------------------------------------------------------------


def test_help(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 12, "question_mark"))


def test_quit_question(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 12, "q"))


def test_summary_with_skipped_moves(snap_compare):
    app, clock = make("desk-break")

    async def run_before(pilot) -> None:
        await pilot.pause()
        clock.advance(88)  # through the first move, into the rest
        pilot.app.screen.tick()
        await pilot.press("n", "n")  # skip the rest, then child's pose
        clock.advance(7)
        pilot.app.screen.tick()
        await pilot.press("space")  # one pause of 30 s
        clock.advance(30)
        await pilot.press("space")
        await pilot.pause()
        for _ in range(22):  # skip every rep of kneeling thoracic extension and bird dog
            await pilot.press("n")
        clock.advance(600)  # glute bridge runs out on its own
        pilot.app.screen.tick()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_summary_60x20(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(60, 20), run_before=at(clock, 30, "q", "y"))
