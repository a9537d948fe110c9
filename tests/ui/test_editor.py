"""Pilot tests: the routine editor and the build screen — what they save loads and validates."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from textual import events

from backrelief_tui.commands import main as cli_main
from backrelief_tui.core.library import load_library, load_routine_file
from backrelief_tui.core.plan import move_seconds, plan_session
from backrelief_tui.core.routine import Kind
from backrelief_tui.core.settings import Settings
from backrelief_tui.core.wording import format_duration, move_dose
from backrelief_tui.tui.dialogs.confirm import ConfirmDialog
from backrelief_tui.tui.dialogs.name import NameDialog
from backrelief_tui.tui.screens.build import BuildScreen
from backrelief_tui.tui.screens.editor import (
    EditorScreen,
    RoutineTable,
    derived_summary,
    search_moves,
    summary_lead,
)
from backrelief_tui.tui.screens.picker import PickerScreen
from backrelief_tui.tui.screens.session import SessionScreen
from tests.ui.conftest import ROUTINES, screen_text, text_of
from tests.ui.helpers import TINY_SETTINGS

SIZE = (100, 30)


async def highlight(pilot, routine_id: str) -> None:
    await pilot.pause()
    assert isinstance(pilot.app.screen, PickerScreen)
    for _ in range(list(pilot.app.library.routines).index(routine_id)):
        await pilot.press("down")


def names(app) -> list[str]:
    return [move.name for move in app.screen.moves]


def test_search_by_name_area_equipment_and_position(builtin_library):
    moves = list(builtin_library.moves.values())
    assert [m.id for m in search_moves(moves, "lats roller")] == ["lat-roll"]
    assert {m.id for m in search_moves(moves, "standing")} == {
        "band-stability-press", "wall-lat-stretch", "standing-hip-flexor-stretch", "desk-lat-stretch",
        "desk-calf-stretch", "doorway-pec-stretch", "standing-hip-extension", "wall-pelvic-tilt"}
    assert "glute-bridge" in {m.id for m in search_moves(moves, "GLUTES none")}
    assert search_moves(moves, "plank")[0].id == "front-plank"


async def test_edit_a_copy_reorder_remove_add_set_holds_and_save(make_app, home):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, "desk-break")
        await pilot.press("e")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, EditorScreen)
        assert editor.query_one("#name").value == "My desk break"
        assert names(app)[:2] == ["World's best stretch + hamstring", "Child's pose with lat stretch"]
        assert app.focused is editor.query_one(RoutineTable)

        await pilot.press("down", "shift+up")  # child's pose first
        assert names(app)[:2] == ["Child's pose with lat stretch", "World's best stretch + hamstring"]
        await pilot.press("up", "plus", "plus")  # 39 s -> 44 -> 49
        assert editor.moves[0].hold == 49
        await pilot.press("down", "plus")  # a reps move: one more rep
        assert editor.moves[1].reps == 3
        await pilot.press("down", "down", "down", "x")  # remove the glute bridge
        assert "Glute bridge" not in names(app)

        editor.query_one("#search").focus()
        await pilot.press(*"wall lat")  # "wall" alone now finds the desk moves that use a wall first
        await pilot.press("enter", "enter")  # to the results, then add
        assert names(app)[-1] == "Standing wall lat stretch"
        assert text_of(app, "#editor-status") == "Added Standing wall lat stretch."
        await pilot.press("enter")
        assert text_of(app, "#editor-status") == "Standing wall lat stretch is already in the routine."

        await pilot.press("ctrl+s")
        await pilot.pause()
        path = home / "config" / "routines" / "my-desk-break.toml"
        assert path.exists()
        assert "Saved as" in text_of(app, "#editor-status")
        assert app.library.get("my-desk-break").moves[0].hold == 49
        library = load_library(ROUTINES, path.parent)
        routine, problems = load_routine_file(path, library)
        assert not problems and [m.id for m in routine.moves][-1] == "wall-lat-stretch"
        assert cli_main(["validate", str(path)]) == 0

        await pilot.press("escape")  # saved: leaves without asking
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        assert "my-desk-break" in [app.screen.query_one("#routines").get_option_at_index(i).id
                                   for i in range(app.screen.query_one("#routines").option_count)]


async def test_start_empty_cannot_save_without_moves_or_name(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(EditorScreen(None))
        await pilot.pause()
        assert app.focused.id == "search"
        await pilot.press("ctrl+s")
        assert text_of(app, "#editor-status") == "Not saved: add at least one move from the library."
        await pilot.press(*"cobra", "enter", "enter")
        app.screen.query_one("#name").value = "   "
        await pilot.press("ctrl+s")
        assert text_of(app, "#editor-status") == "Not saved: give the routine a name."


async def test_saving_over_a_builtin_asks_first(make_app, home):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, "release")
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#name").value = "Release"
        await pilot.pause()
        assert "replaces the built-in routine 'Release'" in text_of(app, "#save-path")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert not (home / "config" / "routines" / "release.toml").exists()
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert (home / "config" / "routines" / "release.toml").exists()
        assert app.library.get("release").builtin is False


async def test_leaving_with_unsaved_changes_asks(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, "desk-break")
        await pilot.press("e")
        await pilot.pause()
        await pilot.press("x", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, EditorScreen)
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


# -- build ---------------------------------------------------------------------------------------


async def test_build_four_minutes_and_start_it(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, BuildScreen)
        await pilot.press("minus")
        assert screen.minutes == 4
        routine = screen.result.routine
        assert routine is not None and screen.result.total_seconds <= 240
        assert plan_session(routine, app.settings).total_seconds == screen.result.total_seconds
        assert all(not move.equipment for move in routine.moves)
        assert routine.title in text_of(app, "#build-summary")
        await pilot.press("s")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert app.screen.engine.total_planned == screen.result.total_seconds


async def test_build_follows_kit_floor_and_focus(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(BuildScreen(minutes=10))
        await pilot.pause()
        screen = app.screen
        screen.query_one("#equipment").select("roller")
        await pilot.pause()
        assert any("roller" in move.equipment for move in screen.result.routine.moves)
        screen.query_one("#focus").select("lats")
        await pilot.pause()
        assert screen.focus_order == ["lats"]
        assert screen.result.routine.moves[0].id == "lat-roll"
        screen.query_one("#equipment").deselect("roller")
        screen.query_one("#no-floor").select("no-floor")
        await pilot.pause()
        # No kit, no floor: the standing desk moves still make a routine (nothing for the lats, though).
        assert all(move.ours for move in screen.result.routine.moves)
        assert "no move for lats fits with no equipment off the floor" in screen.result.notes


async def test_build_with_nothing_that_fits_cannot_start(make_app):
    app = make_app(settings=replace(TINY_SETTINGS, lead_in=120))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(BuildScreen(minutes=2))
        await pilot.pause()
        screen = app.screen
        assert screen.result.routine is None
        assert "Nothing to build: even the shortest move" in text_of(app, "#build-summary")
        await pilot.press("s")  # nothing to start: the key does nothing
        await pilot.pause()
        assert app.screen is screen


async def test_build_save_asks_for_a_name_and_writes_a_valid_file(make_app, home):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(BuildScreen(minutes=4))
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, NameDialog)
        app.screen.query_one("#routine-name").value = "Lunch break"
        await pilot.press("enter")
        await pilot.pause()
        path = home / "config" / "routines" / "lunch-break.toml"
        assert path.exists() and isinstance(app.screen, BuildScreen)
        assert app.library.get("lunch-break").title == "Lunch break"
        assert load_routine_file(Path(path), load_library(ROUTINES, path.parent))[1] == []


# -- issue 19: no question without a change, labels that say what +/− does, a summary of its own -------------


def footer(app) -> str:
    return screen_text(app).splitlines()[-1]


async def open_copy(pilot, routine_id: str) -> EditorScreen:
    await highlight(pilot, routine_id)
    await pilot.press("e")
    await pilot.pause()
    assert isinstance(pilot.app.screen, EditorScreen)
    return pilot.app.screen


async def test_leaving_right_away_does_not_ask(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await open_copy(pilot, "desk-break")
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


async def test_a_change_undone_is_no_change(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_copy(pilot, "desk-break")
        await pilot.press("plus", "minus")  # 2 reps -> 3 -> 2
        editor.query_one("#name").value = "Something else"
        await pilot.pause()
        editor.query_one("#name").value = "My desk break"
        await pilot.pause()
        assert not editor.dirty
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)


async def test_the_footer_says_what_plus_and_minus_change(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_copy(pilot, "desk-break")
        kinds = [move.kind for move in editor.moves]
        assert kinds[:2] == [Kind.REPS, Kind.HOLD]
        assert "+/− Reps ±" in footer(app)
        await pilot.press("down")
        await pilot.pause()
        assert "+/− Hold ±" in footer(app) and "Reps" not in footer(app)
        editor.moves.append(app.library.moves["calf-roll"])
        editor.refresh_routine(len(editor.moves) - 1)
        await pilot.pause()
        assert "+/− Time ±" in footer(app)
        await pilot.press("plus")
        assert editor.moves[-1].hold == app.library.moves["calf-roll"].hold + 5


async def test_a_copy_of_a_builtin_gets_a_summary_true_to_its_moves(make_app, home):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_copy(pilot, "desk-break")
        source = app.library.get("desk-break")
        routine = editor.current_routine()
        assert routine.summary != source.summary
        assert routine.summary.startswith("My copy of Desk break: 5 moves for hips, ")
        assert routine.summary.endswith("; on the floor and kneeling; no equipment.")
        editor.add_move("wall-lat-stretch")
        assert editor.current_routine().summary.endswith("; on the floor, kneeling and standing; needs wall.")
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = load_routine_file(home / "config" / "routines" / "my-desk-break.toml",
                                  load_library(ROUTINES, home / "config" / "routines"))[0]
        assert saved.summary.startswith("My copy of Desk break: 6 moves")

        # Opened again, the copy keeps its lead and its summary follows its moves.
        app.pop_screen()
        await pilot.pause()
        app.push_screen(EditorScreen(app.library.get("my-desk-break")))
        await pilot.pause()
        app.screen.action_remove_move()
        assert app.screen.current_routine().summary.startswith("My copy of Desk break: 5 moves")


def test_a_summary_written_by_hand_is_kept(builtin_library):
    routine = replace(builtin_library.get("desk-break"), builtin=False, summary="Mine, by hand.")
    assert summary_lead(routine) is None
    assert summary_lead(None) == "My own routine"
    assert derived_summary([builtin_library.moves["cobra"]], "My own routine") == (
        "My own routine: 1 move for spine, abs and hips; on the floor; no equipment.")


async def test_the_library_shows_the_highlighted_moves_figure_kit_and_ours(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        editor = await open_copy(pilot, "desk-break")
        editor.query_one("#search").value = "calf"
        await pilot.pause()
        library = editor.query_one("#library-moves")
        ids = [library.get_option_at_index(i).id for i in range(library.option_count)]
        assert set(ids[:2]) == {"calf-roll", "desk-calf-stretch"}
        text = screen_text(app)
        assert "roller, or ball + block" in text  # the calf roll's two kits
        assert "our move" in text  # the desk calf stretch is this app's
        assert "our move" in str(library.get_option("desk-calf-stretch").prompt)
        assert "our move" not in str(library.get_option("calf-roll").prompt)
        start, key = editor.query_one("#figure-start"), editor.query_one("#figure-key")
        expected = {"calf-roll": "→ roll", "desk-calf-stretch": "→ hold"}
        assert start.figure.move_id == key.figure.move_id == ids[0]
        assert text_of(app, "#key-name") == expected[ids[0]]
        library.focus()
        await pilot.press("down")
        await pilot.pause()
        assert start.figure.move_id == ids[1] and text_of(app, "#key-name") == expected[ids[1]]


@pytest.mark.parametrize("size", [(100, 30), (80, 24), (60, 20)], ids=lambda size: f"{size[0]}x{size[1]}")
async def test_every_column_and_key_shows_at_each_size(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        editor = await open_copy(pilot, "release")
        text = screen_text(app)
        assert ("Amount" in text) is (size[0] >= 80)  # at 60 columns the amount folds under the name
        for move in editor.moves[:3]:  # the rows on screen at 60x20
            assert move.name.split()[0] in text and move_dose(move, short=True) in text
            assert format_duration(move_seconds(move, app.settings)) in text
        for key in ("+/− Time ±", "Save", "esc Back"):
            assert key in footer(app)
        assert "⇧↑" in footer(app) and "x Remove" in footer(app)


# -- the builder's boxes and columns (issue 19.1, 19.6) ------------------------------------------------------


def box_lines(app, *labels: str) -> list[str]:
    """The screen lines of these box labels (`[✓] wall`), stripped of the form's border."""
    lines = [line.strip("│ ") for line in screen_text(app).splitlines()]
    return [next(line for line in lines if line.endswith(f"] {label}") or f"] {label} " in line)
            for label in labels]


async def test_ticked_and_unticked_boxes_differ_in_shape(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(BuildScreen())
        await pilot.pause()
        await pilot.press("down", "space")  # the second box: roller
        await pilot.pause()
        ball, roller = box_lines(app, "ball", "roller")
        assert ball.startswith("[ ] ball") and roller.startswith("[✓] roller")
        assert app.screen.query_one("#equipment").selected == ["roller"]


async def test_tab_and_arrows_go_box_by_box_then_on_to_the_next_group(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(BuildScreen())
        await pilot.pause()
        screen = app.screen
        equipment, floor, focus = (screen.query_one(f"#{name}") for name in ("equipment", "no-floor", "focus"))
        assert app.focused is equipment and equipment.highlighted == 0
        await pilot.press("tab", "tab")
        assert app.focused is equipment and equipment.highlighted == 2  # within the group
        await pilot.press(*["down"] * 5)
        assert app.focused is equipment and equipment.highlighted == 7  # the last box: desk
        await pilot.press("tab")
        assert app.focused is floor
        await pilot.press("space")
        await pilot.pause()
        assert screen.query_one("#no-floor").selected == ["no-floor"]
        await pilot.press("down")
        assert app.focused is focus and focus.highlighted == 0
        await pilot.press("shift+tab")
        assert app.focused is floor
        await pilot.press("up")
        assert app.focused is equipment and equipment.highlighted == 7  # back in at its last box
        assert equipment.selected == [] and focus.selected == []  # walking ticks nothing


@pytest.mark.parametrize("size", [(100, 30), (80, 24), (60, 20)], ids=lambda size: f"{size[0]}x{size[1]}")
async def test_the_builder_shows_amount_time_and_where_at_each_size(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        await app.push_screen(BuildScreen(minutes=4))  # mounted before the frames that paint it
        await pilot.pause()
        await pilot.pause()
        screen = app.screen
        text = screen_text(app)
        first = screen.result.routine.moves[0]
        planned = app.settings.override_for(first.id).apply(first)
        assert move_dose(planned, short=True) in text
        assert format_duration(move_seconds(planned, app.settings)) in text
        assert str(first.position) in text
        assert ("Where" in text) is (size[0] >= 100)  # narrower, Amount and Where fold under the name
        for key in ("+/−", "s Start", "w Save", "esc Back"):
            assert key in footer(app)


async def test_keys_typed_fast_tick_the_boxes_they_were_meant_for(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.push_screen(BuildScreen())
        await pilot.pause()
        # All queued at once, as a terminal delivers them when typed fast (or pasted).
        for key, character in [("tab", "\t")] * 5 + [("space", " "), ("tab", "\t")] * 3 + [("space", " ")]:
            app.post_message(events.Key(key, character))
        await pilot.pause()
        await pilot.pause()
        assert app.screen.query_one("#equipment").selected == ["wall", "chair", "desk"]
        assert app.screen.query_one("#no-floor").selected == ["no-floor"]


async def test_a_long_folded_table_keeps_its_time_column_whole(make_app):
    app = make_app(settings=Settings())  # the default rests: 6 moves fit in the 5 minutes
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        # wall, chair, desk and off the floor, ticked one by one: the table grows from 4 moves to 6
        await pilot.press(*["tab"] * 5, "space", "tab", "space", "tab", "space", "tab", "space")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one("#build-moves")
        assert table.folded and len(screen.result.routine.moves) >= 5
        lines = screen_text(app).splitlines()
        header = next(line for line in lines if "Move" in line and "Tim" in line)
        assert header.rstrip("│ ").endswith("Time"), header
        first = screen.result.routine.moves[0]
        time = format_duration(move_seconds(app.settings.override_for(first.id).apply(first), app.settings))
        assert any(time in line for line in lines)


@pytest.mark.parametrize("open_keys", [("e",), ("b",)], ids=["editor", "builder"])
async def test_help_lists_the_keys_of_the_editor_and_the_builder(make_app, open_keys):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press(*open_keys, "question_mark")
        await pilot.pause()
        text = screen_text(app)
        if open_keys == ("e",):
            assert "more or less of the move under the cursor" in text and "ctrl+s" in text
        else:
            assert "from box to box" in text and "tick or untick" in text
