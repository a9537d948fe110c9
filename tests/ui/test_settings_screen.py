"""Pilot tests: the settings screen — per-move numbers, general options, tight spots, broken files."""

from __future__ import annotations

import tomllib

from textual.widgets import TabbedContent

from backrelief_tui.core.engine import Engine
from backrelief_tui.core.plan import Side, plan_session
from backrelief_tui.core.routine import Sides
from backrelief_tui.core.settings import MoveOverride, Settings, load_settings, save_settings
from backrelief_tui.tui.dialogs.confirm import ConfirmDialog
from backrelief_tui.tui.screens.picker import PickerScreen
from backrelief_tui.tui.screens.session import SessionScreen
from backrelief_tui.tui.screens.settings import OverrideTable, SettingsScreen
from backrelief_tui.tui.screens.summary import SummaryScreen
from backrelief_tui.tui.session_flow import Session
from tests.ui.conftest import TINY_SETTINGS, screen_text, text_of

SIZE = (100, 30)
PLANK_ROW = 5  # front-plank in activate


async def open_settings(pilot, routine_id: str = "activate", tab: str = "moves") -> SettingsScreen:
    await pilot.pause()
    pilot.app.push_screen(SettingsScreen(routine_id, tab=tab))
    await pilot.pause()
    return pilot.app.screen


def cell(app, row: int, column: str) -> str:
    table = app.screen.query_one(OverrideTable)
    return str(table.get_cell_at((row, ["name", "hold", "reps", "sides", "rest", "time"].index(column)))).strip()


async def to_cell(pilot, row: int, column: int = 1) -> None:
    table = pilot.app.screen.query_one(OverrideTable)
    table.focus()
    table.cursor_coordinate = (row, column)
    await pilot.pause()


async def test_picker_s_opens_the_highlighted_routine_and_a_typed_hold_is_used_next_session(make_app, saved):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        ids = list(app.library.routines)
        for _ in range(ids.index("activate")):
            await pilot.press("down")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen) and app.screen.routine_id == "activate"
        assert app.screen.query_one(TabbedContent).active == "general"  # General first (issue 19.7)
        await pilot.press("f3")
        await pilot.pause()
        assert app.focused is app.screen.query_one(OverrideTable)
        for _ in range(PLANK_ROW):
            await pilot.press("down")
        assert cell(app, PLANK_ROW, "name") == "Front forearm plank"
        assert cell(app, PLANK_ROW, "hold") == "30 s"
        await pilot.press("2", "0", "enter")
        await pilot.pause()
        assert saved[-1].moves == {"front-plank": MoveOverride(hold=20)}
        assert cell(app, PLANK_ROW, "hold") == "20 s *"
        assert "Total 12:21 · as written 12:41" in text_of(app, "#moves-total")  # activate, re-timed
        assert "Saved: Front forearm plank hold 20 s, everywhere." in text_of(app, "#moves-status")

        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("enter")
        await pilot.pause()
        session = app.screen
        assert isinstance(session, SessionScreen)
        plank = [step for step in session.engine.steps if step.move.id == "front-plank" and step.phase == "work"]
        assert [step.seconds for step in plank] == [20, 20]


async def test_plus_minus_step_and_back_to_the_routine_value_clears_the_override(make_app, saved):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await to_cell(pilot, PLANK_ROW, 1)
        await pilot.press("minus", "minus")
        assert app.settings.moves["front-plank"].hold == 20
        await pilot.press("plus", "plus")
        assert "front-plank" not in app.settings.moves  # 30 s is the routine's own: nothing to store
        await to_cell(pilot, PLANK_ROW, 2)
        await pilot.press("plus")
        assert app.settings.moves["front-plank"] == MoveOverride(reps=3)
        await to_cell(pilot, PLANK_ROW, 3)
        await pilot.press("plus")
        assert app.settings.moves["front-plank"] == MoveOverride(reps=3, sides="both")
        await to_cell(pilot, PLANK_ROW, 4)
        await pilot.press("minus")  # rest starts from the default 4 s (tiny settings) and stops at 0
        assert app.settings.moves["front-plank"].rest == 0
        await pilot.press("minus")
        assert text_of(app, "#moves-status") == "Front forearm plank: rest is already at its lowest."
        assert app.settings.moves["front-plank"].rest == 0


async def test_an_invalid_typed_value_names_the_field_and_is_not_saved(make_app, saved):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await to_cell(pilot, PLANK_ROW, 1)
        await pilot.press("enter")
        await pilot.press("backspace", "backspace", "0", "enter")
        await pilot.pause()
        assert text_of(app, "#moves-status") == (
            "Not saved: Front forearm plank: hold must be between 1 and 600 seconds (got 0).")
        assert saved == [] and app.settings.moves == {}
        assert app.screen.query_one("#value-editor").display  # still open, to fix it
        await pilot.press("backspace", "x", "enter")
        assert "hold must be a whole number of seconds (got 'x')" in text_of(app, "#moves-status")
        await pilot.press("escape")  # gives up; the screen stays
        await pilot.pause()
        assert isinstance(app.screen, SettingsScreen) and not app.screen.query_one("#value-editor").display
        assert saved == []


async def test_reset_one_move_and_reset_all_after_asking(make_app, saved):
    settings = Settings(moves={"front-plank": MoveOverride(hold=20), "cobra": MoveOverride(hold=45)})
    app = make_app(settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await to_cell(pilot, PLANK_ROW, 1)
        await pilot.press("d")
        assert set(app.settings.moves) == {"cobra"}
        assert "back to the routine's numbers" in text_of(app, "#moves-status")
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert set(app.settings.moves) == {"cobra"}
        await pilot.press("D")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert app.settings.moves == {} and saved[-1].moves == {}


async def test_switching_routine_shows_its_moves(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        screen.query_one("#routine").value = "release"
        await pilot.pause()
        assert cell(app, 0, "name") == "Calf roll"
        assert screen.query_one(OverrideTable).row_count == 7


async def test_general_options_are_checked_then_saved(make_app, saved):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot, tab="general")
        lead_in = screen.query_one("#lead_in")
        assert app.focused is lead_in
        lead_in.value = "500"
        await pilot.press("enter")
        await pilot.pause()
        assert text_of(app, "#general-status") == "Not saved: lead in must be between 0 and 120 seconds (got 500)."
        assert lead_in.has_class("-invalid") and saved == []
        lead_in.value = "5"
        await pilot.press("enter")
        assert not lead_in.has_class("-invalid")
        assert app.settings.lead_in == 5 and saved[-1].lead_in == 5
        screen.query_one("#volume").value = "55"
        screen.query_one("#volume").focus()
        await pilot.pause()
        await pilot.press("enter")
        assert app.settings.volume == 0.55
        screen.query_one("#volume").value = "150"
        await pilot.press("enter")
        assert "volume must be a whole percentage from 0 to 100 (got '150')" in text_of(app, "#general-status")
        assert app.settings.volume == 0.55
        await pilot.click("#sound")
        await pilot.pause()
        assert app.settings.sound is False and text_of(app, "#sound-state") == "off"
        await pilot.click("#pain_checkin")
        await pilot.pause()
        assert app.settings.pain_checkin is False
        screen.query_one("#theme").value = "nord"
        await pilot.pause()
        assert app.theme == "nord" and app.settings.theme == "nord"


async def test_tight_spots_are_marked_and_change_release(make_app, saved):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot, "release", tab="spots")
        before = plan_session(app.library.get("release"), app.settings).total_seconds
        await pilot.press("down", "down", "t")  # hips
        await pilot.press("up", "up", "f")  # calves
        await pilot.press("down", "space", "space")  # hamstrings: tight, then fine
        assert app.settings.tight_spots == {"hips": "tight", "calves": "fine", "hamstrings": "fine"}
        assert saved[-1].tight_spots == app.settings.tight_spots
        after = plan_session(app.library.get("release"), app.settings).total_seconds
        assert after != before
        assert "release ×1.5" in screen_text(app)
        await pilot.press("u")
        assert "hamstrings" not in app.settings.tight_spots


async def test_problems_in_the_file_are_shown_and_saving_keeps_the_valid_rest(home, make_app):
    path = home / "config" / "settings.toml"
    path.parent.mkdir(parents=True)
    path.write_text('lead_in = "soon"\ndefault_rest = 20\n[moves.cobra]\nhold = 0\nrest = 5\n')
    settings, problems = load_settings(path)
    app = make_app(settings=settings, settings_problems=problems, save_settings=save_settings)
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot, tab="general")
        shown = text_of(app, "#settings-problems")
        assert "settings.toml has problems" in shown
        assert "lead_in: must be a whole number, not text" in shown
        assert "moves.cobra.hold: must be between 1 and 600 seconds (got 0)" in shown
        assert screen.query_one("#lead_in").value == "10"  # the default for the broken field
        assert screen.query_one("#default_rest").value == "20"  # the valid value, kept
        screen.query_one("#switch_seconds").value = "3"
        screen.query_one("#switch_seconds").focus()
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
    saved = tomllib.loads(path.read_text())
    assert saved["default_rest"] == 20 and saved["switch_seconds"] == 3 and saved["moves"] == {"cobra": {"rest": 5}}
    assert 'lead_in = "soon"' in (path.parent / "settings.toml.bak").read_text()


async def test_summary_offers_to_keep_a_hold_changed_during_the_session(make_app, saved, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        engine = Engine(plan_session(app.library.get("tiny"), TINY_SETTINGS), clock=clock)
        engine.start()
        clock.advance(3)  # into the side plank's first hold (6 s)
        engine.poll()
        assert engine.adjust(5) == 5
        engine.stop()
        app.push_screen(SummaryScreen(Session(app.library.get("tiny"), engine, None)))
        await pilot.pause()
        prompt = app.screen.query_one("#keep-holds")
        assert prompt.display and "Side plank 6 s → 11 s" in screen_text(app)
        await pilot.press("k")
        await pilot.pause()
        assert app.settings.moves == {"side-plank": MoveOverride(hold=11)}
        assert saved[-1].moves == app.settings.moves
        assert not prompt.display


async def test_summary_says_nothing_when_no_hold_changed(make_app, clock):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        engine = Engine(plan_session(app.library.get("tiny"), TINY_SETTINGS), clock=clock)
        engine.start()
        engine.stop()
        app.push_screen(SummaryScreen(Session(app.library.get("tiny"), engine, None)))
        await pilot.pause()
        assert not app.screen.query("#keep-holds")  # not even mounted: its keys stay out of the footer
        footer_keys = {binding.action for (_, binding, enabled, _) in app.active_bindings.values()}
        assert not any(action.startswith("keep") for action in footer_keys)


async def test_sides_changed_on_the_screen_change_the_plan(make_app, saved):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot, "desk-break")
        await to_cell(pilot, 0, 3)  # the world's best stretch, sides column
        assert cell(app, 0, "sides") == "both"
        await pilot.press("plus")
        await pilot.pause()
        assert cell(app, 0, "sides") == "alternate *"
        assert saved[-1].moves == {"worlds-best-stretch": MoveOverride(sides=Sides.ALTERNATE)}
        plan = plan_session(app.library.get("desk-break"), app.settings)
        sides = [step.side for step in plan.steps if step.move.id == "worlds-best-stretch" and step.phase == "work"]
        assert sides == [Side.LEFT, Side.RIGHT] * 2  # its 2 reps a side in desk-break


# -- override scope: this routine only, or everywhere ------------------------------------------------

COBRA_ROW = 8  # cobra in stretch


async def test_s_sets_the_scope_of_the_move_under_the_cursor_and_the_table_marks_it(make_app, saved):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot, "stretch")
        await to_cell(pilot, COBRA_ROW, 1)
        assert cell(app, COBRA_ROW, "name") == "Cobra" and cell(app, COBRA_ROW, "hold") == "30 s"
        assert "Cobra: changes apply everywhere (also in full)." in text_of(app, "#moves-status")
        await pilot.press("s")
        assert "Cobra: changes now apply to Stretch only" in text_of(app, "#moves-status")
        assert cell(app, COBRA_ROW, "name") == "» Cobra" and saved == []  # nothing to save yet
        await pilot.press("plus")
        assert app.settings.routines == {"stretch": {"cobra": MoveOverride(hold=35)}} and app.settings.moves == {}
        assert saved[-1].routines == app.settings.routines
        assert "Cobra: hold 35 s, in Stretch only." in text_of(app, "#moves-status")
        assert cell(app, COBRA_ROW, "hold") == "35 s *"
        full = plan_session(app.library.get("full"), app.settings)
        assert [move.hold for move in full.moves if move.id == "cobra"] == [30]  # full keeps its numbers

        screen.query_one("#routine").value = "full"  # the other routine shows its own numbers in force
        await pilot.pause()
        row = next(i for i, move in enumerate(app.library.get("full").moves) if move.id == "cobra")
        assert cell(app, row, "name") == "Cobra" and cell(app, row, "hold") == "30 s"
        screen.query_one("#routine").value = "stretch"
        await pilot.pause()

        await to_cell(pilot, COBRA_ROW, 1)
        await pilot.press("s")  # back to everywhere: stretch's own numbers go along, so nothing changes here
        assert app.settings.moves == {"cobra": MoveOverride(hold=35)} and app.settings.routines == {}
        assert "Cobra: changes now apply everywhere it appears (also in full); your hold 35 s now apply there too." \
            in text_of(app, "#moves-status")
        assert cell(app, COBRA_ROW, "name") == "Cobra" and cell(app, COBRA_ROW, "hold") == "35 s *"


async def test_a_routine_s_own_numbers_win_and_d_clears_them_only(make_app, saved):
    settings = (TINY_SETTINGS.with_move_values("cobra", hold=45)
                .with_move_values("cobra", routine="stretch", reps=3))
    app = make_app(settings=settings)
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot, "stretch")
        await to_cell(pilot, COBRA_ROW, 2)
        assert (cell(app, COBRA_ROW, "name"), cell(app, COBRA_ROW, "hold"), cell(app, COBRA_ROW, "reps")) == (
            "» Cobra", "45 s *", "3 *")
        status = text_of(app, "#moves-status")
        assert "» Cobra: changes apply to Stretch only. Yours (*) here: reps 3; everywhere: hold 45 s." in status
        await pilot.press("plus")  # in this routine's own table
        assert app.settings.routines == {"stretch": {"cobra": MoveOverride(reps=4)}}
        await pilot.press("minus", "minus")  # back at stretch's own 2 reps: nothing of yours left here
        assert app.settings.routines == {} and cell(app, COBRA_ROW, "name") == "» Cobra"  # the scope stays
        await pilot.press("plus")
        assert app.settings.routines == {"stretch": {"cobra": MoveOverride(reps=3)}}
        await pilot.press("d")
        assert app.settings.routines == {} and app.settings.moves == {"cobra": MoveOverride(hold=45)}
        assert "Cobra: Stretch's own numbers cleared; your everywhere numbers apply." in text_of(app, "#moves-status")
        assert cell(app, COBRA_ROW, "hold") == "45 s *"


async def test_plus_says_what_it_does_to_the_field_under_the_cursor(make_app):
    def plus_label(app) -> str:
        return app.screen.active_bindings["plus"].binding.description

    app = make_app(settings=TINY_SETTINGS.with_move_values("front-plank", hold=10))
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot)
        await to_cell(pilot, PLANK_ROW, 1)
        assert plus_label(app) == "Hold +5/−1 s"  # 10 s: up to 15, down to 9
        assert "+ hold 15 s · − hold 9 s · s: Activate only · ⏎ type" in text_of(app, "#moves-status")
        await pilot.press("minus")
        assert plus_label(app) == "Hold ±1 s"
        await to_cell(pilot, PLANK_ROW + 1, 1)  # the side plank's 20 s
        assert plus_label(app) == "Hold ±5 s"
        await to_cell(pilot, PLANK_ROW, 2)
        assert plus_label(app) == "Reps ±1" and "+ reps 3 · − reps 1" in text_of(app, "#moves-status")
        await to_cell(pilot, PLANK_ROW, 3)
        assert plus_label(app) == "Sides: next" and "+ sides both · − sides alternate" in text_of(app, "#moves-status")
        await to_cell(pilot, PLANK_ROW, 4)
        assert plus_label(app) == "Rest ±5 s"
        await pilot.pause()  # the footer repaints after the bindings changed
        assert "Rest ±5 s" in screen_text(app)  # (the status line says "rest", lower case)


async def test_reset_all_counts_every_scope_and_says_one_setting_in_the_singular(make_app):
    from backrelief_tui.tui.dialogs.confirm import ConfirmDialog

    app = make_app(settings=TINY_SETTINGS.with_move_values("cobra", routine="stretch", hold=20))
    async with app.run_test(size=SIZE) as pilot:
        await open_settings(pilot, "stretch")
        await pilot.press("D")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog) and "Reset your 1 move setting?" in screen_text(app)
        await pilot.press("n")
        app.update_settings(app.settings.with_move_values("bird-dog", reps=3))
        await pilot.press("D")
        await pilot.pause()
        assert "Reset all 2 of your move settings?" in screen_text(app)
        await pilot.press("y")
        await pilot.pause()
        assert app.settings.override_count == 0


async def test_help_explains_the_tabs(make_app):
    from backrelief_tui.tui.dialogs.help import HelpDialog

    app = make_app()
    async with app.run_test(size=(100, 50)) as pilot:
        await open_settings(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpDialog)
        text = screen_text(app)
        for words in ("Three tabs", "General: session timing", "Moves: your own numbers", "Tight spots: tight areas",
                      "this routine only / everywhere"):
            assert words in text, words


# -- the General tab: voice, break nudges, bonus moves, position change ------------------------------


async def type_into(pilot, field_id: str, text: str) -> None:
    widget = pilot.app.screen.query_one(f"#{field_id}")
    widget.focus()
    widget.value = text
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()


async def test_voice_and_nudge_settings_are_checked_by_parse_setting_then_saved(make_app, saved):
    from backrelief_tui.core.settings import Verbosity

    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot, tab="general")
        screen.query_one("#voice_coach").value = "full"
        await pilot.pause()
        assert app.settings.voice_coach is Verbosity.FULL and saved[-1].voice_coach is Verbosity.FULL
        assert text_of(app, "#general-status") == "Saved: What the coach says: full."
        await type_into(pilot, "voice_rate", "20")
        assert text_of(app, "#general-status") == (
            "Not saved: voice rate must be between 80 and 450 words a minute (got 20).")
        assert app.settings.voice_rate == 160 and screen.query_one("#voice_rate").has_class("-invalid")
        await type_into(pilot, "voice_rate", "140")
        assert app.settings.voice_rate == 140
        await type_into(pilot, "voice_name", "--help")
        assert "espeak-ng voice name" in text_of(app, "#general-status") and app.settings.voice_name == "en"
        await type_into(pilot, "voice_name", "en-gb")
        await type_into(pilot, "voice_volume", "50")
        assert (app.settings.voice_name, app.settings.voice_volume) == ("en-gb", 0.5)
        await pilot.click("#voice_countdown")
        await pilot.pause()
        assert app.settings.voice_countdown is True

        await type_into(pilot, "break_every", "1h")
        assert app.settings.break_every == 60 and screen.query_one("#break_every").value == "60"
        assert text_of(app, "#general-status") == "Saved: A break every: 60 min."
        await type_into(pilot, "work_days", "mon,wed,fri")
        assert app.settings.work_days == ("mon", "wed", "fri")
        await type_into(pilot, "work_hours", "9-17")
        assert app.settings.work_hours == "09:00-17:00" and screen.query_one("#work_hours").value == "09:00-17:00"
        await type_into(pilot, "work_hours", "17-9")
        assert text_of(app, "#general-status").startswith("Not saved: hours") and app.settings.work_hours == \
            "09:00-17:00"
        await type_into(pilot, "weekly_goal", "3")
        assert app.settings.weekly_goal == 3
        nudge = screen.query_one("#nudge_routine")
        assert nudge.value == "default"
        nudge.value = "desk-break"
        await pilot.pause()
        assert app.settings.nudge_routine == "desk-break" and saved[-1].nudge_routine == "desk-break"
        nudge.value = "default"
        await pilot.pause()
        assert app.settings.nudge_routine == ""

        await type_into(pilot, "position_change", "8")
        assert app.settings.position_change == 8
        await pilot.click("#include_bonus")
        await pilot.pause()
        assert app.settings.include_bonus is True and text_of(app, "#include_bonus-state") == "on"
        assert text_of(app, "#general-status") == "Saved: Include bonus moves (kneeling bridge): on."


async def test_the_general_tab_scrolls_to_the_field_in_focus_and_f1_is_its_help(make_app):
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        screen = await open_settings(pilot, tab="general")
        await pilot.pause()
        assert "F1 Help" in screen_text(app)  # ? types into a text field
        screen.query_one("#nudge_routine").focus()
        await pilot.pause()
        await pilot.pause()
        text = screen_text(app)
        assert "Routine a nudge suggests" in text and "? Help" in text and "F1 Help" not in text
        switch = screen.query_one("#include_bonus")
        switch.focus()
        await pilot.pause()
        assert switch.region.height == 1  # focused, still one line (no border)
        screen.query_one("#settings-tabs Tabs").focus()
        await pilot.press("tab")
        assert app.focused is screen.query_one("#lead_in")  # the form itself is no tab stop


async def test_test_voice_says_why_not_without_espeak_ng(make_app, monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no espeak-ng on it
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot, tab="general")
        screen.query_one("#voice-test").press()
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        status = text_of(app, "#general-status")
        assert status.startswith("Voice test: not available: espeak-ng is not installed"), status
        assert screen.query_one("#general-status").has_class("-error")


async def test_a_hold_kept_from_the_summary_goes_where_the_routine_s_own_numbers_are(make_app, clock):
    app = make_app(settings=TINY_SETTINGS.with_move_values("side-plank", routine="tiny", reps=1))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        engine = Engine(plan_session(app.library.get("tiny"), app.settings), clock=clock)
        engine.start()
        clock.advance(3)
        engine.poll()
        engine.adjust(5)
        engine.stop()
        app.push_screen(SummaryScreen(Session(app.library.get("tiny"), engine, None)))
        await pilot.pause()
        await pilot.press("k")
        await pilot.pause()
        assert app.settings.routines == {"tiny": {"side-plank": MoveOverride(hold=11, reps=1)}}
        assert app.settings.moves == {}
