"""Pilot tests: the routine editor and the build screen — what they save loads and validates."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from backrelief_tui.commands import main as cli_main
from backrelief_tui.core.library import load_library, load_routine_file
from backrelief_tui.core.plan import plan_session
from backrelief_tui.tui.dialogs.confirm import ConfirmDialog
from backrelief_tui.tui.dialogs.name import NameDialog
from backrelief_tui.tui.screens.build import BuildScreen
from backrelief_tui.tui.screens.editor import EditorScreen, RoutineTable, search_moves
from backrelief_tui.tui.screens.picker import PickerScreen
from backrelief_tui.tui.screens.session import SessionScreen
from tests.ui.conftest import ROUTINES, text_of
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
        screen.query_one("#no-floor").value = True
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
