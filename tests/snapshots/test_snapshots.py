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
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.settings import Settings
from backrelief_tui.tui.app import build_app
from backrelief_tui.tui.screens.session import SessionScreen
from tests.fakes import FakeClock
from tests.ui.helpers import ROUTINES, TINY_SETTINGS, RecordingPlayer, tiny_routine

# Desk break with the default settings: a 20 s lead-in (10 s, + 10 s to get down to the floor),
# 15 s rests (+ 5 s up or down a level), 5 s to switch sides.
#   0:20 World's best stretch LEFT rep 1 (17 s a rep: lunge 3, elbow 2, hold 2, rotate 2, hold 2,
#   sit back 3, hold 3) | 0:54 switch | 1:33 rest | 1:53 child's pose ...
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
    """A `run_before` that lets `seconds` pass (the screen looking once a second, as its timer does),
    then presses `keys`."""

    async def run_before(pilot) -> None:
        await pilot.pause()
        await let_pass(pilot, clock, seconds)
        if keys:
            await pilot.press(*keys)
            await pilot.pause()

    return run_before


async def let_pass(pilot, clock: FakeClock, seconds: float) -> None:
    while seconds > 0 and isinstance(pilot.app.screen, SessionScreen):
        step = min(1.0, seconds)
        clock.advance(step)
        seconds -= step
        pilot.app.screen.tick()
    await pilot.pause()


def into_beat(move_id: str, label: str, settings: Settings = DESK, routine: str = "desk-break") -> float:
    """Seconds from the start of `routine` to half a second into the first `label` beat of `move_id`."""
    library = load_library(ROUTINES, Path("/nonexistent"))
    at_seconds = 0.0
    for step in plan_session(library.get(routine), settings).steps:
        if step.move.id == move_id and step.beats:
            for beat in step.beats:
                if beat.label == label:
                    return at_seconds + 0.5
                at_seconds += beat.seconds
            raise AssertionError(f"{move_id} has no {label!r} beat")
        at_seconds += step.seconds
    raise AssertionError(f"{move_id} is not in {routine}")


# A movement toward a pose, a hold, and a return, on the screens the README promises.
BEATS = {"move": ("worlds-best-stretch", "Lunge"), "hold": ("worlds-best-stretch", "Hold"),
         "return": ("glute-bridge", "Lower")}
SIZES = [(100, 30), (80, 24), (60, 20)]


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


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
@pytest.mark.parametrize("kind", list(BEATS))
def test_session_beat(snap_compare, kind, size):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=size, run_before=at(clock, into_beat(*BEATS[kind])))


def test_session_switch_side(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 56))


def test_session_rest(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 98))


def test_session_paused(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 26.5, "space"))


def test_session_self_paced_with_caution(snap_compare):
    app, clock = make("tiny", settings=replace(TINY_SETTINGS, pain_checkin=False), tiny=True)
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 4, "n", "n", "n", "n", "n", "n", "n", "n"))


def test_session_hold_with_caution_and_variation(snap_compare):
    app, clock = make("tiny", settings=replace(TINY_SETTINGS, pain_checkin=False), tiny=True)
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 5))


def test_session_60x20_with_caution_and_variation(snap_compare):
    app, clock = make("tiny", settings=replace(TINY_SETTINGS, pain_checkin=False), tiny=True)
    assert snap_compare(app, terminal_size=(60, 20), run_before=at(clock, 5))


# -- modals and the end ----------------------------------------------------------------------


def test_help(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 26, "question_mark"))


def test_quit_question(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(100, 30), run_before=at(clock, 26, "q"))


def test_summary_with_skipped_moves(snap_compare):
    app, clock = make("desk-break")

    async def run_before(pilot) -> None:
        await pilot.pause()
        await let_pass(pilot, clock, 98)  # through the first move, into the rest
        await pilot.press("n", "n")  # skip the rest, then child's pose
        await let_pass(pilot, clock, 7)
        await pilot.press("space")  # one pause of 30 s
        clock.advance(30)
        await pilot.press("space")
        await pilot.pause()
        await pilot.press("N", "N")  # skip kneeling thoracic extension, then bird dog (from the rest before it)
        await let_pass(pilot, clock, 120)  # glute bridge runs out on its own
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 30), run_before=run_before)


def test_summary_60x20(snap_compare):
    app, clock = make("desk-break")
    assert snap_compare(app, terminal_size=(60, 20), run_before=at(clock, 30, "q", "y"))
