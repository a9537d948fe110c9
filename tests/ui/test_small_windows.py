"""Issue 19.1 on the shared parts: the session's footer and the pain scale, whole at 60×20, 80×24 and 100×30."""

from __future__ import annotations

from dataclasses import replace

import pytest

from backrelief_tui.core.store import RecordStore
from backrelief_tui.tui.dialogs.checkin import CheckinDialog
from backrelief_tui.tui.screens.session import SessionScreen
from tests.record_factory import WallClock
from tests.ui.conftest import TINY_SETTINGS, screen_text

SIZES = [(100, 30), (80, 24), (60, 20)]


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


@pytest.mark.parametrize("size", SIZES, ids=size_id)
async def test_the_session_footer_keeps_the_keys_that_matter(make_app, clock, size):
    app = make_app(settings=replace(TINY_SETTINGS, pain_checkin=False))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        footer = screen_text(app).splitlines()[-1]
        for key in ("space Pause", "→ Next", "← Back", "q Quit", "? Help"):
            assert key in footer, footer
        assert ("r Restart" in footer) is (size[0] >= 80)  # the first to give way; `?` lists it
        assert footer.rstrip().endswith(("Help", "Mute", "Restart", "±5s"))  # no key cut in half


@pytest.mark.parametrize("size", SIZES, ids=size_id)
async def test_the_pain_scale_shows_0_to_10(make_app, clock, tmp_path, size):
    store = RecordStore(tmp_path / "data" / "sessions")
    app = make_app(record_store=store, wall_clock=WallClock(clock))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CheckinDialog)
        scores = next(line for line in screen_text(app).splitlines() if " 0 " in line and " 9 " in line)
        assert " 10 " in scores, scores
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
