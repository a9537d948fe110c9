"""Issue 18 in the app: the red-flag check (first run, a pain jump, leg symptoms, the clinician reminder) and the
next-morning question, with real key presses and an injected wall clock."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from backrelief_tui.core.journal import load_journal, record_morning, record_red_flag_check
from backrelief_tui.core.pain import MORNING_QUESTION, MorningAnswer
from backrelief_tui.core.redflags import ADVICE_TEXT, INTRO, RED_FLAG_IDS, Advice, RedFlagCheck, Trigger
from backrelief_tui.core.store import RecordStore
from backrelief_tui.tui.dialogs.checkin import CheckinDialog
from backrelief_tui.tui.dialogs.confirm import ConfirmDialog
from backrelief_tui.tui.dialogs.morning import MorningDialog
from backrelief_tui.tui.dialogs.redflags import RedFlagDialog
from backrelief_tui.tui.screens.picker import PickerScreen
from backrelief_tui.tui.screens.session import SessionScreen
from tests.record_factory import CET, WallClock, crash, make_record
from tests.ui.conftest import TINY_SETTINGS, screen_text, text_of

SIZE = (100, 30)
NOW = datetime(2025, 3, 4, 9, 0, tzinfo=CET)  # a Tuesday morning
ALL_NO = dict.fromkeys(RED_FLAG_IDS, False)


@pytest.fixture
def store(tmp_path) -> RecordStore:
    return RecordStore(tmp_path / "data" / "sessions")


@pytest.fixture
def journal(tmp_path):
    return tmp_path / "data" / "journal.toml"


@pytest.fixture
def app_with(make_app, clock, store, journal):
    def make(**overrides):
        options = dict(record_store=store, journal_path=journal, wall_clock=WallClock(clock, NOW))
        options.update(overrides)
        return make_app(**options)

    return make


def answered_before(journal, answers=ALL_NO, when=NOW - timedelta(days=7)) -> None:
    assert record_red_flag_check(RedFlagCheck(when, Trigger.FIRST_RUN, answers), journal) is None


def save(store, record) -> None:
    store.save(store.path_for(record), record)


async def settle(pilot) -> None:
    """Let the start-up and look-up threads finish and their results reach the screen."""
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    await pilot.pause()  # a dialog pushed from a thread is drawn a frame later


# -- the first run ---------------------------------------------------------------------------------------------


async def test_the_first_run_asks_the_safety_check_before_the_picker_is_used(app_with, journal):
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RedFlagDialog)
        text = screen_text(app)
        assert "A short safety check" in text and INTRO[:40] in text
        assert "0 of 8 answered" in text
        await pilot.press(*["n"] * 8, "enter")
        await pilot.pause()
        assert "You answered no to all 8." in screen_text(app)
        assert ADVICE_TEXT[Advice.CLEAR][:40] in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert not app.screen.query_one("#safety").display  # the check asked about falls and injuries too
        assert not app.screen.query_one("#reminder").display
    check = load_journal(journal)[0].last_red_flag_check
    assert check is not None and check.trigger is Trigger.FIRST_RUN and dict(check.answers) == ALL_NO


async def test_an_answered_check_is_saved_in_the_settings_so_the_next_start_never_shows_the_note(
        app_with, journal, saved):
    """The next start reads the settings before its first frame and the journal only after it: without this, a
    person who answered the check would see the safety note on every start for an instant, then see it go."""
    answered_before(journal)
    app = app_with(settings=replace(TINY_SETTINGS, safety_acknowledged=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#safety").display
        assert [settings.safety_acknowledged for settings in saved] == [True]
    again = app_with(settings=saved[-1])
    async with again.run_test(size=SIZE) as pilot:
        assert not again.screen.query_one("#safety").display  # from the start
        await settle(pilot)
    assert len(saved) == 1  # said once


async def test_the_first_run_check_can_be_put_off_and_is_asked_at_the_next_start(app_with, journal):
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", "escape")  # later: nothing is kept
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert app.screen.query_one("#safety").display  # the safety note stays until a check is answered
        await pilot.press("enter")  # a session now is not held up by the check again
        await pilot.pause()
        assert isinstance(app.screen, CheckinDialog)
    assert not journal.exists()
    again = app_with()
    async with again.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(again.screen, RedFlagDialog)


async def test_a_session_started_on_the_first_run_asks_the_check_first(app_with):
    app = app_with(start_routine="tiny")  # `backrelief run tiny` on the first run
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, RedFlagDialog)
        await pilot.press(*["n"] * 8, "enter")
        await pilot.pause()
        assert "Go on (enter)" in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CheckinDialog)
        await pilot.press("4")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)


async def test_a_yes_brings_a_calm_reminder_until_a_clinician_has_seen_the_person(app_with, journal, clock):
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("n", "n", "n", "y", *["n"] * 4, "enter")  # yes to fever
        await pilot.pause()
        assert "You answered yes to: fever." in screen_text(app)
        assert ADVICE_TEXT[Advice.SEE_CLINICIAN][:50] in screen_text(app)
        await pilot.press("enter")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        assert picker.query_one("#reminder").display and not picker.query_one("#safety").display
        assert text_of(app, "#reminder") == (
            "Your safety check on Tue 04 Mar found something to have looked at: please see a doctor or "
            "physiotherapist before going on with these exercises. c: a clinician has seen me.")
        await pilot.press("c")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")  # not yet: the reminder stays
        await pilot.pause()
        assert picker.query_one("#reminder").display
        clock.advance(3600)
        await pilot.press("c", "y")
        await pilot.pause()
        assert not picker.query_one("#reminder").display
    check = load_journal(journal)[0].last_red_flag_check
    assert check is not None and check.seen_clinician and not check.needs_clinician


async def test_r_on_the_picker_opens_the_check_and_help_explains_it(app_with, journal):
    answered_before(journal)
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        help_text = " ".join(screen_text(app).split())
        assert "the safety check: a few yes/no questions" in help_text
        assert "when you press l in a pain check-in" in app.screen.note  # under the keys (scrolled to)
        await pilot.press("escape", "r")
        await pilot.pause()
        assert isinstance(app.screen, RedFlagDialog)
        await pilot.press(*["n"] * 8, "enter", "enter")
        await pilot.pause()
    checks = load_journal(journal)[0].red_flags
    assert [check.trigger for check in checks] == [Trigger.FIRST_RUN, Trigger.ASKED]


# -- a jump in pain before a session -------------------------------------------------------------------------------


@pytest.mark.parametrize(("pain_now", "asked"), [(5, True), (4, False)])
async def test_pain_3_points_above_the_last_rating_asks_the_check_before_the_session(
        app_with, store, journal, pain_now, asked):
    answered_before(journal)
    save(store, make_record(NOW - timedelta(days=1), pain_before=3, pain_after=2))
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("escape")  # yesterday's session: the morning question, skipped
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press(str(pain_now))
        await settle(pilot)
        if not asked:
            assert isinstance(app.screen, SessionScreen)
            return
        assert isinstance(app.screen, RedFlagDialog)
        assert "Your pain is 3 or more points higher than after your last session." in screen_text(app)
        await pilot.press(*["n"] * 8, "enter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
    assert load_journal(journal)[0].last_red_flag_check.trigger is Trigger.PAIN_JUMP


async def test_a_yes_after_a_pain_jump_keeps_the_session_from_starting(app_with, store, journal):
    answered_before(journal)
    save(store, make_record(NOW - timedelta(days=2), pain_before=3, pain_after=2))
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "7")
        await settle(pilot)
        await pilot.press("y", *["n"] * 7, "enter")  # yes to saddle numbness: medical advice today
        await pilot.pause()
        assert ADVICE_TEXT[Advice.URGENT][:50] in screen_text(app)
        assert "Back to the routines (enter)" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert app.screen.query_one("#reminder").display
        assert "please get medical advice today" in text_of(app, "#reminder")
        assert app.flow.current is None  # no session


async def test_a_second_jump_the_same_day_is_not_asked_again(app_with, store, journal):
    answered_before(journal, when=NOW - timedelta(hours=1))  # earlier today
    save(store, make_record(NOW - timedelta(days=2), pain_before=3, pain_after=2))
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "8")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)


# -- pain, tingling or numbness down a leg -------------------------------------------------------------------------


async def test_l_in_the_check_in_reports_leg_symptoms_and_the_rating_comes_after_the_check(app_with, journal):
    answered_before(journal)
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.pause()
        assert "l: pain, tingling or numbness spreading down a leg" in screen_text(app)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, RedFlagDialog)
        assert "You said you have pain, tingling or numbness spreading down a leg." in screen_text(app)
        await pilot.press(*["n"] * 8, "enter", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CheckinDialog)  # now the rating
        await pilot.press("3")
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)
    assert load_journal(journal)[0].last_red_flag_check.trigger is Trigger.LEG_SYMPTOMS


async def test_leg_symptoms_with_a_yes_close_the_check_in_and_no_session_starts(app_with, journal):
    answered_before(journal)
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "l")
        await pilot.pause()
        await pilot.press("n", "n", "y", *["n"] * 5, "enter", "enter")  # leg weakness getting worse
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert app.flow.current is None
        assert app.screen.query_one("#reminder").display


async def test_l_on_the_summary_asks_the_check_and_the_rating_after_stays(app_with, journal, clock):
    answered_before(journal)
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await pilot.press("enter", "2")
        await settle(pilot)
        for _ in range(12):  # the get-ready and the side plank's left side
            clock.advance(1)
            app.screen.tick()
        await pilot.press("q", "y")
        await settle(pilot)
        assert "And now: how is your back?" in screen_text(app)
        assert "l: pain, tingling or numbness spreading down a leg" in screen_text(app)
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, RedFlagDialog)
        await pilot.press(*["n"] * 8, "enter", "enter")
        await pilot.pause()
        assert "And now: how is your back?" in screen_text(app)  # still asked


async def test_without_a_journal_nothing_is_asked_and_l_is_not_offered(make_app):
    app = make_app()  # the tests' default: no journal, no records
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


# -- the next-morning question -----------------------------------------------------------------------------------


@pytest.mark.parametrize(("key", "answer"), [("b", MorningAnswer.BETTER), ("s", MorningAnswer.SAME),
                                             ("w", MorningAnswer.WORSE), ("escape", MorningAnswer.SKIPPED)])
async def test_the_morning_after_a_session_day_one_key_answers(app_with, store, journal, key, answer):
    answered_before(journal)
    save(store, make_record(NOW - timedelta(days=1), pain_before=4, pain_after=3))
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MorningDialog)
        assert text_of(app, ".dialog-title") == MORNING_QUESTION
        assert "Monday's session" in text_of(app, ".dialog-hint")
        await pilot.press(key)
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert load_journal(journal)[0].morning((NOW - timedelta(days=1)).date()) is answer


async def test_the_morning_question_never_holds_up_a_session(app_with, store, journal):
    answered_before(journal)
    save(store, make_record(NOW - timedelta(days=1)))
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, MorningDialog)
        await pilot.press("enter", "enter", "s")  # lets it go, starts Tiny, skips the check-in
        await settle(pilot)
        assert isinstance(app.screen, SessionScreen)


async def test_with_the_pain_questions_off_the_morning_question_is_not_asked(app_with, store, journal):
    answered_before(journal)
    save(store, make_record(NOW - timedelta(days=1)))
    app = app_with(settings=replace(TINY_SETTINGS, pain_checkin=False))
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)


async def test_answered_or_not_a_session_day_the_morning_question_is_not_asked(app_with, store, journal):
    answered_before(journal)
    save(store, make_record(NOW - timedelta(days=1)))
    save(store, make_record(NOW - timedelta(days=3), record_id="def456"))
    assert record_morning((NOW - timedelta(days=1)).date(), MorningAnswer.SAME, NOW - timedelta(hours=1),
                          journal) is None
    app = app_with()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)


async def test_the_morning_question_waits_for_the_resume_offer(app_with, store, journal, clock):
    from backrelief_tui.core.engine import Engine
    from backrelief_tui.core.plan import plan_session
    from backrelief_tui.core.recorder import Recorder
    from backrelief_tui.tui.dialogs.resume import ResumeDialog
    from tests.ui.helpers import tiny_routine

    answered_before(journal)
    save(store, make_record(NOW - timedelta(days=1)))
    wall = WallClock(clock, NOW - timedelta(minutes=20))
    engine = Engine(plan_session(tiny_routine(), TINY_SETTINGS), clock)  # Tiny, cut short 20 minutes ago
    recorder = Recorder(store, wall_clock=wall, pain_before=5)
    recorder.update(engine, engine.start())
    for _ in range(12):
        clock.advance(1)
        recorder.update(engine, engine.poll())
    crash(recorder)
    clock.advance(20 * 60)
    app = app_with(wall_clock=wall)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ResumeDialog), app.screen_stack
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, MorningDialog)
