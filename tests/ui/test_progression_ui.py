"""Issue 18 on the summary: progression suggestions after three green sessions (a longer hold, then the next
level) or a red one (a step back), accepted or declined with one key; accepted numbers show in Settings and in
the next session's plan. Real key presses, an injected wall clock, real records from the engine and recorder."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from backrelief_tui.core.engine import Engine
from backrelief_tui.core.journal import DecisionKind, Step, load_journal, record_red_flag_check
from backrelief_tui.core.library import Library
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.recorder import Recorder
from backrelief_tui.core.redflags import RED_FLAG_IDS, RedFlagCheck, Trigger
from backrelief_tui.core.routine import Kind, Move, Position, Routine
from backrelief_tui.core.settings import MoveOverride, Settings
from backrelief_tui.core.store import LookupCancelled, RecordStore
from backrelief_tui.tui.dialogs.checkin import CheckinDialog
from backrelief_tui.tui.screens.history import HistoryScreen
from backrelief_tui.tui.screens.session import SessionScreen
from backrelief_tui.tui.screens.settings import SettingsScreen
from backrelief_tui.tui.screens.summary import SummaryScreen
from tests.fakes import FakeClock
from tests.record_factory import CET, WallClock
from tests.ui.conftest import screen_text, text_of

SIZE = (100, 30)
NOW = datetime(2025, 3, 7, 18, 0, tzinfo=CET)  # a Friday evening
SETTINGS = Settings(lead_in=2, default_rest=2, position_change=0, safety_acknowledged=True)
PLANK = Move(id="plank", name="Plank", kind=Kind.HOLD, hold=6, position=Position.FLOOR, targets=("core",),
             cues=("Forearms down.",), progressions=("On your toes, body in one line.",))
ROUTINE = Routine(id="core", title="Core", summary="One plank.", moves=(PLANK,), source="core.toml")


@pytest.fixture
def store(tmp_path) -> RecordStore:
    return RecordStore(tmp_path / "data" / "sessions")


@pytest.fixture
def journal(tmp_path):
    path = tmp_path / "data" / "journal.toml"
    check = RedFlagCheck(NOW - timedelta(days=30), Trigger.FIRST_RUN, dict.fromkeys(RED_FLAG_IDS, False))
    assert record_red_flag_check(check, path) is None
    return path


def recorded(store, settings: Settings, when: datetime, pain_after: int) -> None:
    """A whole session of the plank routine on `when`, through the real engine and recorder."""
    clock = FakeClock()
    engine = Engine(plan_session(ROUTINE, settings), clock)
    recorder = Recorder(store, wall_clock=WallClock(clock, when), pain_before=pain_after + 1)
    recorder.update(engine, engine.start())
    while not engine.over:
        clock.advance(1)
        recorder.update(engine, engine.poll())
    recorder.finish(engine)
    recorder.set_pain_after(pain_after)


@pytest.fixture
def app_for(make_app, clock, store, journal, saved):
    def make(settings: Settings = SETTINGS):
        return make_app(settings=settings, library=Library(routines={"core": ROUTINE}, moves={"plank": PLANK}),
                        record_store=store, journal_path=journal, wall_clock=WallClock(clock, NOW))

    return make


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()


async def a_session(pilot, clock, pain_after: str) -> None:
    """Start the routine, answer the check-in, run it to the end, answer the pain after."""
    app = pilot.app
    await pilot.press("enter")
    await pilot.pause()
    assert isinstance(app.screen, CheckinDialog)
    await pilot.press("1")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, SessionScreen)
    while not screen.engine.over:
        clock.advance(1)
        screen.tick()
    await pilot.pause()
    assert isinstance(app.screen, SummaryScreen)
    await pilot.press(pain_after)
    await settle(pilot)


def said(app) -> str:
    return text_of(app, "#offer-text")


async def test_three_green_sessions_suggest_5_s_more_and_accepting_makes_it_the_persons_own(
        app_for, store, journal, clock, saved):
    for days in (4, 2):
        recorded(store, SETTINGS, NOW - timedelta(days=days), pain_after=1)
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await a_session(pilot, clock, "2")  # the third green one
        assert said(app).startswith("Suggested: Plank: a step up, hold 6 s → 11 s\nWhy: green in the last 3 "
                                    "sessions with it (Mon 03 Mar, Wed 05 Mar, Fri 07 Mar): pain 2 or less after")
        assert "Accept (a)" in screen_text(app) and "Decline (n)" in screen_text(app)
        await pilot.press("a")
        await pilot.pause()
        assert app.settings.override_for("plank").hold == 11 and saved[-1].override_for("plank").hold == 11
        assert text_of(app, "#offer-text") == ("Accepted: Plank: a step up, hold 6 s → 11 s. Saved as your own "
                                               "numbers (Settings, Moves tab).")
        assert "Accept (a)" not in screen_text(app)
        await pilot.press("enter")  # back to the routines; the next session holds 11 s
        await pilot.pause()
        await pilot.press("s", "f3")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen)
        assert "11 s *" in screen_text(app)
        await pilot.press("escape", "enter", "1")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.engine.plan.moves[0].hold == 11
    [entry] = load_journal(journal)[0].decisions
    assert (entry.kind, entry.step, entry.hold_from, entry.hold_to) == (DecisionKind.ACCEPTED, Step.UP, 6, 11)


async def test_declining_keeps_the_numbers_and_is_kept_in_the_journal(app_for, store, journal, clock, saved):
    for days in (4, 2):
        recorded(store, SETTINGS, NOW - timedelta(days=days), pain_after=0)
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await a_session(pilot, clock, "0")
        await pilot.press("n")
        await pilot.pause()
        assert text_of(app, "#offer-text") == ("Declined: Plank: a step up, hold 6 s → 11 s. Suggested again "
                                               "after 3 more green sessions with it.")
        assert app.settings.override_for("plank").hold is None
    [entry] = load_journal(journal)[0].decisions
    assert entry.kind is DecisionKind.DECLINED


async def test_at_the_top_of_the_holds_the_next_level_is_suggested_with_its_instruction(
        app_for, store, journal, clock):
    settings = SETTINGS.with_override("plank", MoveOverride(hold=16))
    for days in (4, 2):
        recorded(store, settings, NOW - timedelta(days=days), pain_after=2)
    app = app_for(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await a_session(pilot, clock, "1")
        assert said(app).startswith("Suggested: Plank: a step up, level 0 → 1, hold 16 s → 6 s\n"
                                    "Level 1 of 1: On your toes, body in one line.\nWhy: green")
        await pilot.press("a")
        await pilot.pause()
        assert app.settings.level_for("plank") == 1 and app.settings.override_for("plank").hold is None


async def test_a_red_session_suggests_a_step_back(app_for, store, journal, clock):
    settings = SETTINGS.with_override("plank", MoveOverride(hold=11))
    recorded(store, settings, NOW - timedelta(days=2), pain_after=1)
    app = app_for(settings)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await a_session(pilot, clock, "7")  # above the acceptable 5
        assert said(app) == ("Suggested: Plank: a step back, hold 11 s → 6 s\n"
                             "Why: red on Fri 07 Mar: pain 7 after (above 5)")
        assert app.screen.query_one("#progression").has_class("-back")
        await pilot.press("a")
        await pilot.pause()
        assert app.settings.override_for("plank").hold is None  # the routine's own 6 s again


async def test_two_greens_suggest_nothing_and_the_keys_do_nothing(app_for, store, journal, clock, saved):
    recorded(store, SETTINGS, NOW - timedelta(days=2), pain_after=1)
    app = app_for()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await a_session(pilot, clock, "1")
        assert not app.screen.query_one("#progression").display
        await pilot.press("a")
        await pilot.pause()
        assert app.settings.override_for("plank").hold is None and load_journal(journal)[0].decisions == ()


# -- the pain guide in Settings ----------------------------------------------------------------------------------


async def type_keys(pilot, field_id: str, text: str) -> None:
    """Focus a field, clear it with backspaces and type `text`, then enter: real key presses."""
    pilot.app.screen.query_one(f"#{field_id}").focus()
    await pilot.pause()
    await pilot.press("end", *["backspace"] * 6, *text, "enter")
    await pilot.pause()


async def test_the_pain_guide_is_checked_by_parse_setting_then_saved(make_app, saved):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("s")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SettingsScreen)
        await type_keys(pilot, "pain_limit", "11")
        assert text_of(app, "#general-status") == ("Not saved: pain limit must be between 0 and 10 points of 10 "
                                                   "(got 11).")
        assert screen.query_one("#pain_limit").has_class("-invalid") and app.settings.pain_limit == 5
        await type_keys(pilot, "pain_limit", "4/10")
        assert app.settings.pain_limit == 4 and saved[-1].pain_limit == 4
        assert text_of(app, "#general-status") == "Saved: Acceptable pain (amber up to): 4 of 10."
        await type_keys(pilot, "pain_low", "a")
        assert text_of(app, "#general-status") == "Not saved: pain low must be a whole number from 0 to 10 (got 'a')."
        await type_keys(pilot, "pain_low", "6")
        assert app.settings.pain_low == 6
        assert text_of(app, "#general-status") == ("Saved: Green: pain after up to: 6 of 10. Green stops at 4, the "
                                                   "acceptable pain, while it is set higher.")
        screen.query_one("#pain_morning_rule").focus()
        await pilot.press("space")
        await pilot.pause()
        assert app.settings.pain_morning_rule is False and text_of(app, "#pain_morning_rule-state") == "off"
        assert "pain-monitoring model physiotherapists use" in " ".join(text_of(app, ".setting-note").split())


# -- the look-up, when another screen covers the summary ----------------------------------------------------------

GATE_SECONDS = 30  # the gated look-up gives up after this long, so a broken test fails instead of hanging


class GatedStore(RecordStore):
    """A store whose `records_between` waits at a gate, watching for the look-up to be cancelled."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.calls = 0
        self.cancels = 0
        self.gate = threading.Event()

    def records_between(self, first, last, *, cancelled=None):
        self.calls += 1
        for _ in range(GATE_SECONDS * 100):
            if cancelled is not None and cancelled():
                self.cancels += 1
                raise LookupCancelled
            if self.gate.wait(0.01):
                break
        return super().records_between(first, last, cancelled=cancelled)


async def until(pilot, condition, tries: int = 500) -> bool:
    """Whether `condition()` comes true while the app runs a little (a thread is working for it)."""
    for _ in range(tries):
        if condition():
            return True
        await pilot.pause(0.01)
    return False


async def test_the_look_up_stops_while_another_screen_covers_the_summary_and_is_done_when_it_is_back(
        make_app, clock, journal, tmp_path):
    store = GatedStore(tmp_path / "data" / "sessions")
    for days in (4, 2):
        recorded(store, SETTINGS, NOW - timedelta(days=days), pain_after=1)
    app = make_app(settings=SETTINGS, library=Library(routines={"core": ROUTINE}, moves={"plank": PLANK}),
                   record_store=store, journal_path=journal, wall_clock=WallClock(clock, NOW))
    try:
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            await pilot.press("enter")
            await pilot.pause()
            await pilot.press("1")
            await settle(pilot)
            screen = app.screen
            while not screen.engine.over:
                clock.advance(1)
                screen.tick()
            await pilot.pause()
            await pilot.press("2")  # the pain after: the look-up starts, and waits at the gate
            assert await until(pilot, lambda: store.calls == 1)
            await pilot.press("h")  # the history covers the summary: the look-up stops
            assert await until(pilot, lambda: store.cancels == 1)
            assert isinstance(app.screen, HistoryScreen) and store.calls == 1
            await pilot.press("escape")  # the summary is back: it looks again
            assert await until(pilot, lambda: store.calls == 2)
            store.gate.set()
            await settle(pilot)
            assert isinstance(app.screen, SummaryScreen)
            assert said(app).startswith("Suggested: Plank: a step up, hold 6 s → 11 s")
            assert store.cancels == 1
    finally:
        store.gate.set()  # never leave a look-up waiting
