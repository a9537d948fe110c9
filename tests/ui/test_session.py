"""Pilot tests: real key presses through a whole short routine on a fake clock (nobody sleeps)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from backrelief_tui.audio import Cue
from backrelief_tui.core.engine import State
from backrelief_tui.tui.dialogs.confirm import ConfirmDialog
from backrelief_tui.tui.dialogs.help import HelpDialog
from backrelief_tui.tui.screens.picker import PickerScreen
from backrelief_tui.tui.screens.session import SessionScreen
from backrelief_tui.tui.screens.summary import SummaryScreen
from backrelief_tui.tui.widgets.big_text import BigText
from backrelief_tui.tui.widgets.session_progress import SessionProgress
from tests.ui.helpers import TINY_SETTINGS, FakeRecorder, RecordingPlayer, screen_text, summary_rows, text_of

SIZE = (100, 30)
NO_CHECKIN = replace(TINY_SETTINGS, pain_checkin=False)


async def start_tiny(pilot) -> SessionScreen:
    """From the picker (tiny is highlighted first), press Enter."""
    await pilot.pause()
    assert isinstance(pilot.app.screen, PickerScreen)
    await pilot.press("enter")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, SessionScreen)
    return screen


async def advance(pilot, clock, seconds: float) -> None:
    """Let `seconds` pass on the fake clock, the screen looking once a second as its timer does."""
    while seconds > 0:
        step = min(1.0, seconds)
        clock.advance(step)
        seconds -= step
        screen = pilot.app.screen
        if isinstance(screen, SessionScreen):
            screen.tick()
    await pilot.pause()


def shown(app) -> dict[str, str]:
    screen = app.screen
    return {
        "phase": text_of(app, "#phase"),
        "title": text_of(app, "#title"),
        "detail": text_of(app, "#detail"),
        "beat": screen.query_one("#beat", BigText).text,
        "clock": screen.query_one("#clock", BigText).text,
        "hint": text_of(app, "#hint"),
        "cue": text_of(app, "#cue"),
        "next": text_of(app, "#next-up"),
        "left": screen.query_one(SessionProgress).remaining,
    }


async def test_follow_the_whole_routine_without_a_key(make_app, clock):
    player = RecordingPlayer()
    recorder = FakeRecorder()
    app = make_app(player=player, recorder_factory=lambda store: recorder, settings=NO_CHECKIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_tiny(pilot)
        view = shown(app)
        assert (view["phase"], view["beat"], view["clock"]) == ("GET READY", "GET READY", "3")
        assert view["title"] == "Side plank"
        assert view["cue"] == "Stack the feet."
        assert view["next"] == ""  # the panel says what is next; nothing repeats it
        assert screen.query_one(SessionProgress).total == 48  # 3+6+2+6+4+5+1+5+4 + 12 s estimate for the dead bug
        assert view["left"] == "under a minute left"  # the session's time left is in minutes; the clock has seconds
        assert screen.has_class("-get-ready")

        await advance(pilot, clock, 3)
        view = shown(app)
        assert (view["phase"], view["detail"], view["beat"], view["clock"]) == ("WORK", "LEFT · hold", "HOLD", "6")
        assert text_of(app, "#caution") == "Caution: Stop if the shoulder hurts."
        assert text_of(app, "#variation") == "Variation: Knees down is easier."
        assert view["next"] == "Next up: Bridge"
        assert text_of(app, "#move-left") == "0:14 left of this move"  # both sides and the switch
        assert screen.has_class("-work") and not screen.has_class("-get-ready")

        await advance(pilot, clock, 5)  # a hold's cues take turns every 5 s of the hold
        assert shown(app)["cue"] == "Lift the hips."
        assert shown(app)["clock"] == "1"

        await advance(pilot, clock, 1)
        view = shown(app)
        assert (view["phase"], view["detail"]) == ("SWITCH SIDE", "Now the RIGHT side")
        assert screen.has_class("-switch-side")

        await advance(pilot, clock, 2)
        assert (shown(app)["detail"], shown(app)["cue"]) == ("RIGHT · hold", "Stack the feet.")  # from the top
        await advance(pilot, clock, 6)
        view = shown(app)
        assert (view["phase"], view["title"]) == ("REST", "Bridge")  # the rest shows what comes next
        assert view["detail"].startswith("Up next") and view["next"] == ""
        assert screen.has_class("-rest")

        # A rep, beat by beat: lift 2 s, hold 2 s, lower 1 s; the big number is the beat's own.
        await advance(pilot, clock, 4)
        view = shown(app)
        assert (view["phase"], view["detail"], view["beat"], view["clock"]) == ("WORK", "rep 1 of 2", "LIFT", "2")
        await advance(pilot, clock, 1)
        assert (shown(app)["beat"], shown(app)["clock"]) == ("LIFT", "1")
        await advance(pilot, clock, 1)
        assert (shown(app)["beat"], shown(app)["clock"]) == ("HOLD", "2")
        await advance(pilot, clock, 2)
        assert (shown(app)["beat"], shown(app)["clock"], shown(app)["detail"]) == ("LOWER", "1", "rep 1 of 2")
        await advance(pilot, clock, 1)
        assert (shown(app)["phase"], shown(app)["detail"]) == ("REST", "rep 1 of 2 done")
        await advance(pilot, clock, 1)
        assert (shown(app)["detail"], shown(app)["beat"]) == ("rep 2 of 2", "LIFT")
        await advance(pilot, clock, 5 + 4)

        # A self-paced move counts up and waits for Space.
        view = shown(app)
        assert (view["title"], view["detail"], view["beat"]) == ("Dead bug", "6 reps at your pace", "YOUR PACE")
        assert view["hint"] == "Space when done"
        assert view["next"] == "Next up: the end — last move"
        await advance(pilot, clock, 40)
        assert shown(app)["clock"] == "40"
        assert isinstance(app.screen, SessionScreen)  # still waiting
        await pilot.press("space")
        await pilot.pause()

        assert isinstance(app.screen, SummaryScreen)
        assert "Tiny — finished" in text_of(app, "#summary-title")
        assert text_of(app, "#skipped") == "Nothing skipped."
        assert summary_rows(app) == [
            ("Side plank", "done", "0:14 of 0:14"),  # the lead-in belongs to no move
            ("Bridge", "done", "0:11 of 0:11"),
            ("Dead bug", "done", "0:40 of 0:12"),
        ]
        assert screen.engine.state is State.FINISHED

    assert recorder.finished == [State.FINISHED]
    assert recorder.updates and all(batch for batch in recorder.updates)
    assert player.played[0] is Cue.GET_READY
    assert Cue.SWITCH in player.played and player.played[-1] is Cue.SESSION_DONE
    assert Cue.TICK in player.played  # 3-2-1 before the end of each hold
    # Each later beat of a rep has its own sound: a soft one to hold, another to lower.
    assert player.played.count(Cue.BEAT_HOLD) == 2 and player.played.count(Cue.BEAT_RETURN) == 2


async def test_pause_resume_next_back_restart_and_adjust(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_tiny(pilot)
        await advance(pilot, clock, 4)  # 1 s into the left side plank
        assert shown(app)["clock"] == "5"

        await pilot.press("space")
        await pilot.pause()
        assert shown(app)["phase"] == "PAUSED"
        assert shown(app)["hint"] == "Space to resume"
        assert screen.has_class("-paused")
        assert str(screen.query_one("#pause").label) == "Resume"
        await advance(pilot, clock, 30)  # time stands still while paused
        assert shown(app)["clock"] == "5"
        await pilot.press("space")
        await pilot.pause()
        assert shown(app)["phase"] == "WORK" and not screen.has_class("-paused")

        await pilot.press("plus")
        await pilot.pause()
        assert shown(app)["clock"] == "10"
        await pilot.press("minus", "minus")
        await pilot.pause()
        assert shown(app)["clock"] == "1"  # never below one second
        await pilot.press("equals_sign")
        await pilot.pause()
        assert shown(app)["clock"] == "6"

        await advance(pilot, clock, 2)
        await pilot.press("r")  # restart the step: the full (adjusted) length again
        await pilot.pause()
        assert shown(app)["clock"] == "7"  # 6 +5 -5 -4 +5

        await pilot.press("right")  # skip the left side
        await pilot.pause()
        assert shown(app)["phase"] == "SWITCH SIDE"
        await pilot.press("left")  # and back to it
        await pilot.pause()
        assert (shown(app)["phase"], shown(app)["detail"]) == ("WORK", "LEFT · hold")
        await pilot.press("n", "n", "n")  # skip left, switch, right
        await pilot.pause()
        assert (shown(app)["phase"], shown(app)["title"]) == ("REST", "Bridge")
        await pilot.press("p")
        await pilot.pause()
        assert shown(app)["detail"] == "RIGHT · hold"

        # Skip everything else: the summary names what was skipped.
        for _ in range(8):
            await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert text_of(app, "#skipped") == "Skipped: Side plank, Bridge"
        rows = summary_rows(app)
        assert [row[:2] for row in rows] == [
            ("Side plank", "skipped"), ("Bridge", "skipped"),
            ("Dead bug", "done"),  # self-paced: Next means done
        ]
        assert "1 pause" in text_of(app, "#totals")  # the space; skipping and going back are no pauses

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


async def test_quit_asks_first_and_keeps_what_was_done(make_app, clock):
    recorder = FakeRecorder()
    app = make_app(recorder_factory=lambda store: recorder, settings=NO_CHECKIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_tiny(pilot)
        await advance(pilot, clock, 3 + 6 + 2 + 2)  # 2 s into the right side
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Stop this session?" in screen_text(app)
        await pilot.press("n")  # no: keep going
        await pilot.pause()
        assert app.screen is screen and screen.engine.state is State.RUNNING
        assert recorder.finished == []

        await pilot.press("q")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert "stopped early" in text_of(app, "#summary-title")
        assert "Active 0:13 of 0:48 planned" in text_of(app, "#totals")
        assert [row[1] for row in summary_rows(app)] == ["1 of 2 done", "not reached", "not reached"]
        assert screen.engine.state is State.STOPPED
        assert recorder.finished == [State.STOPPED]
        await pilot.press("q")  # on the summary, q quits the app
        await pilot.pause()
    assert app.return_code == 0


async def test_quit_confirm_with_the_mouse(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await pilot.press("q")
        await pilot.pause()
        await pilot.click("#no")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        await pilot.press("q")
        await pilot.pause()
        await pilot.click("#yes")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)


async def test_buttons_work_with_the_mouse(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_tiny(pilot)
        for button in screen.query("Button"):
            button.active_effect_duration = 0  # a button ignores clicks while it animates a press
        await advance(pilot, clock, 3)
        await pilot.click("#pause")
        await pilot.pause()
        assert screen.engine.state is State.PAUSED
        await pilot.click("#pause")
        await pilot.pause()
        assert screen.engine.state is State.RUNNING
        await pilot.click("#next")
        await pilot.pause()
        assert shown(app)["phase"] == "SWITCH SIDE"
        await pilot.click("#back")
        await pilot.pause()
        assert shown(app)["detail"] == "LEFT · hold"


async def test_mute_shows_in_the_status_and_footer(make_app, clock):
    player = RecordingPlayer()
    app = make_app(player=player)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_tiny(pilot)
        assert text_of(app, "#sound") == "sound on"
        assert "Mute" in screen_text(app)
        await pilot.press("m")
        await pilot.pause()
        assert player.muted is True
        assert text_of(app, "#sound") == "muted (m)"
        assert "Unmute" in screen_text(app)
        await pilot.press("m")
        await pilot.pause()
        assert player.muted is False
        assert screen.has_class("-get-ready")


async def test_help_lists_the_keys(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpDialog)
        text = screen_text(app)
        for words in ("pause / resume", "next step", "previous step", "restart this step",
                      "add 5 seconds", "mute", "stop the session"):
            assert words in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)


async def test_without_sound_the_bell_rings_and_the_screen_flashes(make_app, clock):
    player = RecordingPlayer(backend="bell", notice="No audio device; using the terminal bell.")
    app = make_app(player=player)
    bells = []
    app.bell = lambda: bells.append(1)
    notes = []
    notify = app.notify
    app.notify = lambda message, **options: (notes.append(message), notify(message, **options))
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        screen = await start_tiny(pilot)
        assert notes.count(player.notice) == 1  # said once, however many cues fall back
        await advance(pilot, clock, 3)  # GO: an important cue, not played
        assert bells == [1]
        assert screen.flashes == 1
        player.muted = True
        await advance(pilot, clock, 6)  # SWITCH while muted: flash, but no bell
        assert bells == [1]
        assert screen.flashes == 2
        assert notes.count(player.notice) == 1
        assert text_of(app, "#sound") == "muted (m)"


async def test_wakes_when_the_shown_second_changes_not_on_a_fixed_beat(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_tiny(pilot)
        clock.advance(0.3)
        screen.tick()
        assert screen.wake_delay == pytest.approx(0.7 + 0.01)
        await pilot.press("space")
        await pilot.pause()
        assert screen.wake_delay is None  # paused: nothing to wake for


async def test_the_session_survives_resizing(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await start_tiny(pilot)
        await advance(pilot, clock, 4)
        for size in ((60, 20), (80, 24), (100, 30), (60, 20)):
            await pilot.resize_terminal(*size)
            await pilot.pause()
            text = screen_text(app)
            assert "Side plank" in text
            assert "LEFT · hold" in text
            assert "WORK" in text
            assert "Stack the feet." in text or "Lift the hips." in text
            assert "Quit" in text
        await advance(pilot, clock, 4)  # 5 s into the hold: the next cue, at 60×20 too
        assert "Lift the hips." in screen_text(app)
        assert app.screen.has_class("-short") and app.screen.has_class("-narrow")


async def test_shift_n_skips_the_whole_move(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_tiny(pilot)
        await advance(pilot, clock, 4)  # in the left side plank
        await pilot.press("N")
        await pilot.pause()
        view = shown(app)
        assert (view["phase"], view["title"]) == ("REST", "Bridge")  # on to the rest before the bridge
        await pilot.press("N")  # in that rest: the bridge it leads to is skipped
        await pilot.pause()
        assert shown(app)["title"] == "Dead bug"
        results = {result.move.id: result.status for result in screen.engine.results()}
        assert results["side-plank"] == "skipped" and results["bridge"] == "skipped"


async def test_the_help_and_stop_dialogs_hold_the_time_while_open(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_tiny(pilot)
        await advance(pilot, clock, 4)  # 1 s into the left side plank: 5 s left
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpDialog) and screen.engine.state is State.PAUSED
        clock.advance(30)  # reading the keys, not holding the plank
        await pilot.press("escape")
        await pilot.pause()
        assert screen.engine.state is State.RUNNING and shown(app)["clock"] == "5"

        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and screen.engine.state is State.PAUSED
        clock.advance(20)
        await pilot.press("n")  # keep going
        await pilot.pause()
        assert screen.engine.state is State.RUNNING and shown(app)["clock"] == "5"
        assert screen.engine.active_seconds() == pytest.approx(3 + 1)  # lead-in + 1 s: no reps done unseen

        await pilot.press("space")  # paused by the person: a dialog leaves it paused
        await pilot.press("question_mark")
        await pilot.press("escape")
        await pilot.pause()
        assert screen.engine.state is State.PAUSED


async def test_ctrl_q_in_a_session_asks_first(make_app, clock):
    recorder = FakeRecorder()
    app = make_app(recorder_factory=lambda store: recorder, settings=NO_CHECKIN)
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_tiny(pilot)
        await advance(pilot, clock, 5)
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)  # not gone without a word
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen) and screen.engine.state is State.STOPPED
        assert recorder.finished == [State.STOPPED]  # the step in progress is kept
