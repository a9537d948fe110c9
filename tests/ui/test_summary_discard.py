"""Issue 19.8: a session stopped within its first seconds, with nothing done, can be discarded from the summary."""

from __future__ import annotations

from dataclasses import replace

import pytest

from backrelief_tui.core.records import SessionSummary
from backrelief_tui.core.store import RecordStore
from backrelief_tui.core.trash import trash_dir
from backrelief_tui.tui.screens.summary import SummaryScreen
from tests.record_factory import WallClock
from tests.ui.conftest import TINY_SETTINGS, screen_text, text_of

SIZE = (100, 30)


@pytest.fixture
def store(tmp_path):
    return RecordStore(tmp_path / "data" / "sessions")


async def stop_after(pilot, clock, seconds: int) -> None:
    await pilot.pause()
    await pilot.press("enter")  # Tiny, the first routine
    await pilot.pause()
    for _ in range(seconds):
        clock.advance(1)
        pilot.app.screen.tick()
    await pilot.press("q", "y")
    await pilot.pause()
    assert isinstance(pilot.app.screen, SummaryScreen)


def listed(store) -> list[str]:
    return [entry.routine for entry in store.entries() if isinstance(entry, SessionSummary)]


async def test_a_mistaken_start_is_discarded_to_the_trash_and_can_come_back(make_app, clock, store):
    app = make_app(record_store=store, wall_clock=WallClock(clock), settings=replace(TINY_SETTINGS, pain_checkin=False))
    async with app.run_test(size=SIZE) as pilot:
        await stop_after(pilot, clock, 2)
        assert listed(store) == ["tiny"]
        assert "Started by mistake? Stopped after 0:02 with nothing done: d discards it" in text_of(app, "#discard")
        assert "d Discard" in screen_text(app).splitlines()[-1]

        await pilot.press("d")
        await pilot.pause()
        assert listed(store) == []  # the history no longer lists it
        trashed = list(trash_dir(store.root).rglob("*.toml"))
        assert len(trashed) == 1 and not list(store.root.rglob("*.toml"))
        assert text_of(app, "#discard").startswith("Discarded: not in your history any more.")
        footer = screen_text(app).splitlines()[-1]
        assert "u Undo discard" in footer and "Discard" not in footer.replace("Undo discard", "")

        await pilot.press("u")
        await pilot.pause()
        assert listed(store) == ["tiny"] and not list(trash_dir(store.root).rglob("*.toml"))


async def test_a_session_skipped_through_is_offered_for_discarding_and_does_not_count(make_app, clock, store):
    from backrelief_tui.core.stats import counts

    app = make_app(record_store=store, wall_clock=WallClock(clock), settings=replace(TINY_SETTINGS, pain_checkin=False))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # Tiny
        await pilot.pause()
        for _ in range(4):  # every move skipped: N, N, ... to the end
            clock.advance(1)
            await pilot.press("N")
            await pilot.pause()
            if isinstance(app.screen, SummaryScreen):
                break
        assert isinstance(app.screen, SummaryScreen)
        summary = next(e for e in store.entries() if isinstance(e, SessionSummary))
        assert summary.status == "completed" and not counts(summary)  # finished, but not a session that counts
        assert "Every move skipped" in text_of(app, "#discard") and "d discards it" in text_of(app, "#discard")
        await pilot.press("d")
        await pilot.pause()
        assert listed(store) == []


# 35 s into a 60 s get-ready (nothing done, but past the first 30 s); or the side plank's left side done.
@pytest.mark.parametrize(("lead_in", "seconds"), [(60, 35), (3, 12)])
async def test_a_real_session_is_not_offered_for_discarding(make_app, clock, store, lead_in, seconds):
    settings = replace(TINY_SETTINGS, pain_checkin=False, lead_in=lead_in)
    app = make_app(record_store=store, wall_clock=WallClock(clock), settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await stop_after(pilot, clock, seconds)
        assert text_of(app, "#discard") == ""
        await pilot.press("d")
        await pilot.pause()
        assert listed(store) == ["tiny"]


async def test_nothing_to_discard_without_a_record(make_app, clock):
    app = make_app(settings=replace(TINY_SETTINGS, pain_checkin=False))  # this run keeps no records
    async with app.run_test(size=SIZE) as pilot:
        await stop_after(pilot, clock, 2)
        assert text_of(app, "#discard") == ""
