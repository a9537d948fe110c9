"""Pilot tests for the picker, the command palette, settings that stick, and how a session starts."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from backrelief_tui import commands
from backrelief_tui.core.library import Library
from backrelief_tui.core.routine import Kind, Move, Position, Problem, Routine
from backrelief_tui.tui.screens.picker import SAFETY_NOTE, PickerScreen
from backrelief_tui.tui.screens.session import SessionScreen
from backrelief_tui.tui.screens.summary import SummaryScreen
from backrelief_tui.tui.widgets.routine_preview import MoveList, RoutinePreview, key_pose
from tests.ui.helpers import TINY_SETTINGS, capture_notes, click_text, screen_text, summary_rows, text_of

SIZE = (100, 30)


def preview_moves(app) -> str:
    """The preview's list of moves, as text."""
    return "\n".join(app.screen.query_one(RoutinePreview).row_texts())


async def until_shown(pilot, text: str) -> None:
    """Let the palette's search worker finish (it answers from a worker), then check `text` is on the screen."""
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert text in screen_text(pilot.app), screen_text(pilot.app)


async def test_picker_lists_routines_and_previews_the_highlighted_one(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
        text = screen_text(app)
        for line in ("Tiny", "0:48 · 3 moves · no equipment", "Desk break", "Release", "5 moves · no equipment"):
            assert line in text
        preview = text_of(app, "#preview-head")
        assert "Tiny" in preview and "0:48 · 3 moves · no equipment" in preview
        assert "1. Side plank  0:14" in preview_moves(app)
        assert "6 s hold, each side · floor" in preview_moves(app)

        await pilot.press("down")
        await pilot.pause()
        preview = text_of(app, "#preview-head")
        assert "At the desk" in preview and "chair, desk, wall" in preview  # the break at the desk comes first

        await pilot.press("down")
        await pilot.pause()
        preview = text_of(app, "#preview-head")
        assert "Desk break" in preview
        assert "Caution: If your back pain follows a fall or injury" in preview
        assert "Targets: hips, hamstrings" in preview
        assert "2 reps × 17 s, each side · floor" in preview_moves(app)

        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert text_of(app, "#title") == "World's best stretch + hamstring"


async def click_footer_start(pilot):
    await click_text(pilot, "enter Start")


async def click_first_routine(pilot):
    await pilot.click("#routines", offset=(3, 1))  # the first routine's title line


@pytest.mark.parametrize("click", [click_footer_start, click_first_routine])
async def test_the_mouse_starts_the_highlighted_routine(make_app, click):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await click(pilot)
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert text_of(app, "#where") == "Tiny · Move 1 of 3"


async def test_safety_note_until_dismissed_for_good(make_app, saved):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert SAFETY_NOTE[:40] in screen_text(app)
        assert "Got it (d)" in screen_text(app)
        await pilot.press("d")
        await pilot.pause()
        assert SAFETY_NOTE[:40] not in screen_text(app)
        assert "Got it (d)" not in screen_text(app)
    assert saved[-1].safety_acknowledged is True
    assert app.settings.safety_acknowledged is True

    again = make_app(settings=replace(TINY_SETTINGS, safety_acknowledged=True))
    async with again.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert SAFETY_NOTE[:40] not in screen_text(again)
        await pilot.press("d")  # nothing to hide: nothing saved
        await pilot.pause()
    assert len(saved) == 1


async def test_safety_note_dismissed_with_the_mouse(make_app, saved):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await click_text(pilot, "Got it (d)")
        await pilot.pause()
        assert not app.screen.query_one("#safety").display
    assert saved[-1].safety_acknowledged is True


async def test_command_palette_starts_a_routine_by_name(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"start desk break")
        await until_shown(pilot, "Start routine: Desk break")  # the palette searches in a worker
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert text_of(app, "#where") == "Desk break · Move 1 of 5"


async def test_the_theme_sticks(make_app, saved):
    app = make_app(settings=replace(TINY_SETTINGS, theme="nord"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
        assert saved == []
        app.theme = "gruvbox"  # what the palette's "Theme" command does
        await pilot.pause()
    assert saved[-1].theme == "gruvbox"
    assert app.settings.theme == "gruvbox"


async def test_an_unknown_theme_is_reported_and_the_app_still_works(make_app):
    app = make_app(settings=replace(TINY_SETTINGS, theme="no-such-theme"))
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert any("'no-such-theme' is not a theme" in note for note in notes)


async def test_settings_problems_show_one_line_each(make_app):
    problems = [Problem("settings.toml", "lead_in", "must be a whole number, not text"),
                Problem("settings.toml", "volume", "must be a number from 0.0 to 1.0")]
    app = make_app(settings_problems=problems)
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert notes[:2] == [str(problem) for problem in problems]


async def test_a_failed_settings_save_is_shown_not_raised(make_app):
    def broken(settings):
        raise PermissionError(13, "Permission denied")

    app = make_app(save_settings=broken)
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert "Could not save settings: Permission denied" in notes
    assert app.settings.safety_acknowledged is True  # kept for this run


async def test_update_settings_follows_sound_changes(make_app, saved):
    made = []

    def factory(*, enabled, volume):
        from tests.ui.helpers import RecordingPlayer

        player = RecordingPlayer(backend="simpleaudio" if enabled else "none", volume=volume)
        made.append(player)
        return player

    app = make_app(player_factory=factory)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.update_settings(replace(app.settings, volume=0.3))
        assert app.flow.player.volume == 0.3 and made == []
        app.update_settings(replace(app.settings, sound=False))
        assert made and app.flow.player is made[-1] and app.flow.player.backend == "none"
    assert saved[-1].sound is False


# -- literal text ------------------------------------------------------------------------

MARKUP = "[bold]Loud[/bold] [red]x[/red] [link=http://x]y[/link]"


def markup_routine() -> Routine:
    return Routine(
        id="markup", title="[b]Tricky[/b]", summary=f"Summary {MARKUP}", caution="[i]careful[/i]",
        moves=(Move(id="m", name="[reverse]Move[/reverse]", kind=Kind.HOLD, hold=30, position=Position.FLOOR,
                    cues=(MARKUP, "Escape \x1b[31mred\x1b[0m here"), caution="$warning [@click=app.quit]q[/]",
                    variation="\\[not escaped\\]"),),
        source="markup.toml",
    )


async def test_text_from_routine_files_renders_literally(make_app, clock):
    app = make_app(library=Library(routines={"markup": markup_routine()}))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        text = screen_text(app)
        assert "[b]Tricky[/b]" in text
        assert f"Summary {MARKUP}" in text_of(app, "#preview-head")
        assert "Caution: [i]careful[/i]" in text_of(app, "#preview-head")
        assert "[reverse]Move[/reverse]" in preview_moves(app)

        await pilot.press("enter")
        await pilot.pause()
        for _ in range(3 + 10):  # lead-in, then well into the hold (the timer looks once a second)
            clock.advance(1)
            app.screen.tick()
        await pilot.pause()
        assert text_of(app, "#title") == "[reverse]Move[/reverse]"
        assert text_of(app, "#cue") == MARKUP
        assert text_of(app, "#caution") == "Caution: $warning [@click=app.quit]q[/]"
        assert text_of(app, "#variation") == "Variation: \\[not escaped\\]"
        assert text_of(app, "#where").startswith("[b]Tricky[/b] · ")
        for _ in range(5):  # next cue: the escape sequence is spelled out, never sent
            clock.advance(1)
            app.screen.tick()
        await pilot.pause()
        assert text_of(app, "#cue") == "Escape \\x1b[31mred\\x1b[0m here"
        assert "\x1b" not in screen_text(app)

        await pilot.press("q", "y")
        await pilot.pause()
        assert isinstance(app.screen, SummaryScreen)
        assert text_of(app, "#summary-title").startswith("[b]Tricky[/b] — ")
        assert summary_rows(app)[0][0] == "[reverse]Move[/reverse]"

        await pilot.press("enter", "ctrl+p")
        await pilot.pause()
        await pilot.press(*"tricky")
        await until_shown(pilot, "Start routine: [b]Tricky[/b]")
        assert f"Summary {MARKUP}" in screen_text(app)


# -- starting straight into a session (`backrelief run`) ------------------------------------

TOML = """\
id = "sent-to-me"
title = "Sent to me"
summary = "A routine file someone sent."

[[moves]]
id = "wall-sit"
name = "Wall sit"
kind = "hold"
hold = 20
position = "standing"
cues = ["Back flat on the wall."]

[[moves]]
ref = "glute-bridge"
reps = 2
"""


async def test_run_opens_a_routine_file_directly(make_app, tmp_path):
    path = tmp_path / "sent.toml"
    path.write_text(TOML, encoding="utf-8")
    app = make_app(start_routine=str(path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert text_of(app, "#where") == "Sent to me · Move 1 of 2"
        assert text_of(app, "#title") == "Wall sit"
        assert [move.name for move in app.screen.engine.plan.moves] == ["Wall sit", "Glute bridge"]  # a ref resolved
        await pilot.press("q", "y", "enter")
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)  # the picker is underneath


async def test_run_opens_a_routine_by_id(make_app):
    app = make_app(start_routine="desk-break")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, SessionScreen)
        assert text_of(app, "#title") == "World's best stretch + hamstring"


async def test_the_picker_behind_a_check_in_shows_the_routine_about_to_start(make_app, tmp_path):
    from backrelief_tui.core.store import RecordStore
    from backrelief_tui.tui.dialogs.checkin import CheckinDialog

    app = make_app(start_routine="activate", record_store=RecordStore(tmp_path / "sessions"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, CheckinDialog)
        picker = app.screen_stack[0]
        assert isinstance(picker, PickerScreen) and picker.highlighted_id() == "activate"
        shown_plan, _ = picker.query_one(RoutinePreview)._shown  # the preview under the question too
        assert shown_plan is not None and shown_plan.routine.id == "activate"


@pytest.mark.parametrize("name, message", [
    ("missing.toml", "no such file"),
    ("no-such-routine", "no routine with this id"),
])
async def test_run_with_a_bad_name_shows_why_and_the_picker(make_app, name, message):
    app = make_app(start_routine=name)
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert any(message in note for note in notes)


def test_cli_run_passes_a_file_path_to_the_app(tmp_path, monkeypatch):
    path = tmp_path / "sent.toml"
    path.write_text(TOML, encoding="utf-8")
    calls = []
    monkeypatch.setattr("backrelief_tui.tui.app.run_app", lambda routine_name=None: calls.append(routine_name) or 0)
    assert commands.main(["run", str(path)]) == 0
    assert calls == [str(path)]
    assert commands.main(["run", str(tmp_path / "nope.toml")]) == 1  # the CLI says why, no TUI
    assert calls == [str(path)]


async def test_a_broken_routine_file_shows_its_problems(make_app, tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text(TOML.replace('hold = 20', 'hold = "long"'), encoding="utf-8")
    app = make_app(start_routine=str(path))
    notes = capture_notes(app)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen)
    assert any("moves[1].hold: must be a whole number" in note for note in notes)


def test_textual_loads_only_for_the_tui():
    import subprocess
    import sys

    code = ("import sys, backrelief_tui.commands.routines, backrelief_tui.commands.customize,"
            "backrelief_tui.commands.history, backrelief_tui.core.engine, backrelief_tui.audio;"
            "print('textual' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == "False"


def test_backrelief_with_no_arguments_opens_the_app_without_the_command_line(monkeypatch, capsys):
    import subprocess
    import sys

    from backrelief_tui.__main__ import main

    calls = []
    monkeypatch.setattr("backrelief_tui.tui.app.run_app", lambda routine_name=None: calls.append(routine_name) or 0)
    assert main([]) == 0
    assert calls == [None]
    assert main(["paths"]) == 0  # anything else goes to the command line
    assert "settings:" in capsys.readouterr().out
    # The fast path really skips the subcommands' modules (records, reports, the builder).
    code = ("import sys, backrelief_tui.__main__ as m, backrelief_tui.tui.app as a;"
            "a.run_app = lambda routine_name=None: 0; m.main([]);"
            "print('backrelief_tui.commands' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == "False"


def test_the_picker_is_on_screen_before_anything_about_the_past_loads(tmp_path):
    """Start-up reads nothing of the past before the first frame (issue 16): the journal, the red-flag
    rules, the pain model, the records and their index load after it (on_ready is the first moment after)."""
    import os
    import subprocess
    import sys

    code = f"""
import asyncio, sys
from pathlib import Path
from backrelief_tui.tui import app as tui_app
loaded_by_first_frame = []
after_first_frame = tui_app.BackReliefApp.on_ready
def on_ready(self):
    loaded_by_first_frame.extend(name for name in sys.modules if name.startswith("backrelief_tui."))
    after_first_frame(self)
tui_app.BackReliefApp.on_ready = on_ready
app = tui_app.build_app(journal_path=Path({str(tmp_path / "journal.toml")!r}),
                        record_store_factory=tui_app._open_record_store)
async def main():
    async with app.run_test() as pilot:
        await pilot.pause()
asyncio.run(main())
print(" ".join(sorted(loaded_by_first_frame)))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2],
                            env={**os.environ, "BACKRELIEF_HOME": str(tmp_path)})
    loaded = set(result.stdout.split())
    assert "backrelief_tui.tui.screens.picker" in loaded
    past = {"journal", "redflags", "pain", "store", "index", "records", "recorder", "stats"}
    assert {name.rsplit(".", 1)[-1] for name in loaded} & past == set()


async def test_collection_paused_for_start_up_resumes_once_the_app_is_on_screen(make_app):
    import gc

    gc_was = []
    app = make_app()
    gc.disable()  # what `backrelief` does before loading the app
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            gc_was.append(gc.isenabled())
    finally:
        gc.unfreeze()
        gc.enable()
    assert gc_was == [True]


def test_collection_is_back_on_when_the_app_returns(monkeypatch):
    import gc

    from backrelief_tui.__main__ import main

    seen = []
    monkeypatch.setattr("backrelief_tui.tui.app.run_app", lambda routine_name=None: seen.append(gc.isenabled()) or 0)
    assert main([]) == 0
    assert seen == [False] and gc.isenabled()


# -- the picker's preview: figures, the bonus key, our moves, kits, the stop rule (issues 13, 15, 19) --------


async def highlight(pilot, routine_id: str) -> None:
    await pilot.pause()
    ids = list(pilot.app.library.routines)
    steps = ids.index(routine_id) - ids.index(pilot.app.screen.highlighted_id())
    for _ in range(abs(steps)):
        await pilot.press("down" if steps > 0 else "up")
    await pilot.pause()


async def test_every_move_in_the_preview_has_its_figure_after_the_first_frame(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, "desk-break")
        moves = app.screen.query_one(MoveList)
        plan = app.screen._plans["desk-break"]
        assert moves.pictured() == [(move.id, key_pose(move)) for move in plan.moves]
        assert ("worlds-best-stretch", "elbow") in moves.pictured()  # where it first holds still
        lines = screen_text(app).splitlines()
        first = next(index for index, line in enumerate(lines) if "1. World's best stretch" in line)
        beside = "".join(line.split("1. World")[0] for line in lines[first:first + 4])
        assert any("\u2800" < char <= "\u28ff" for char in beside)  # a braille figure beside the move


def test_the_picker_module_does_not_load_the_figures():
    """The pose data and the rasteriser load after the first frame, not with the picker (start-up is measured)."""
    import subprocess
    import sys

    code = ("import sys, backrelief_tui.tui.app; "
            "print(any(name in sys.modules for name in ('backrelief_tui.tui.widgets.figure', "
            "'backrelief_tui.core.poses', 'backrelief_tui.core.braille')))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.stdout.strip() == "False"


async def test_the_bonus_key_adds_the_bonus_move_and_says_so(make_app, saved):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, "stretch")
        routine = app.library.get("stretch")
        bonus = next(move for move in routine.moves if move.bonus)
        assert f"Bonus: {bonus.name} (off — i adds it)" in text_of(app, "#preview-head")
        assert bonus.name not in preview_moves(app)
        assert "i Add bonus" in screen_text(app).splitlines()[-1]
        length_before = app.screen._plans["stretch"].total_seconds

        await pilot.press("i")
        await pilot.pause()
        assert saved[-1].include_bonus and app.settings.include_bonus
        assert f"Bonus: {bonus.name} (on — i leaves it out)" in text_of(app, "#preview-head")
        assert f"{bonus.name}" in preview_moves(app) and "· bonus" in preview_moves(app)
        assert app.screen._plans["stretch"].total_seconds > length_before
        assert "i Drop bonus" in screen_text(app).splitlines()[-1]
        assert "chair" in text_of(app, "#preview-head").splitlines()[1]  # the bonus move's kit now counts

        await pilot.press("i")
        await pilot.pause()
        assert not saved[-1].include_bonus

        await highlight(pilot, "release")  # no bonus move here: no key, no line
        assert "Bonus" not in text_of(app, "#preview-head")
        assert "bonus" not in screen_text(app).splitlines()[-1]
        await pilot.press("i")
        await pilot.pause()
        assert not app.settings.include_bonus


async def test_the_preview_marks_our_moves_shows_kits_and_the_stop_rule(make_app):
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await highlight(pilot, "desk")
        moves = preview_moves(app)
        assert moves.count("our move") == len(app.screen._plans["desk"].moves)
        assert "our move: one this app adds" in text_of(app, "#preview-notes")
        assert "Stop if you feel sharp pain, or pain, tingling or numbness spreading down a leg." in " ".join(
            text_of(app, "#preview-stop").split())
        await highlight(pilot, "release")
        assert "roller, or ball + block" in preview_moves(app)  # the calf roll's two kits
        assert "our move" not in preview_moves(app)
        assert not app.screen.query_one("#preview-notes").display


@pytest.mark.parametrize("size", [(100, 30), (80, 24), (60, 20)], ids=lambda size: f"{size[0]}x{size[1]}")
async def test_the_picker_footer_keeps_its_keys_whole_at_each_size(make_app, size):
    app = make_app(settings=replace(TINY_SETTINGS, safety_acknowledged=True))
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        footer = screen_text(app).splitlines()[-1]
        for key in ("Start", "q Quit", "? Help", "s Settings", "b Build", "e Edit", "h History"):
            assert key in footer, footer
        assert footer.rstrip().endswith(("History", "palette"))  # nothing cut off after the last key
        await highlight(pilot, "stretch")
        assert "Stop" in text_of(app, "#preview-stop")  # the stop rule is on screen at every size


async def test_shift_arrows_scroll_the_preview(make_app):
    app = make_app()
    async with app.run_test(size=(60, 20)) as pilot:
        await highlight(pilot, "full")
        scroll = app.screen.query_one("#preview-scroll")
        assert scroll.scroll_y == 0
        await pilot.press("shift+down", "shift+down")
        await pilot.pause()
        assert scroll.scroll_y == 6 and app.screen.highlighted_id() == "full"


async def test_the_benchmark_exit_waits_for_start_up_work_after_the_first_frame(make_app, tmp_path):
    """BACKRELIEF_BENCH_EXIT_ON_READY: no shortcut past the work a person's start does after the first frame
    (the player, the interrupted-session check and the journal): the app exits only once they are done."""
    import threading

    from backrelief_tui.core.store import RecordStore
    from tests.ui.conftest import RecordingPlayer

    made: list[str] = []

    def player_factory(*, enabled: bool, volume: float) -> RecordingPlayer:
        made.append("player")
        return RecordingPlayer()

    app = make_app(player=None, player_factory=player_factory, record_store=RecordStore(tmp_path / "sessions"),
                   journal_path=tmp_path / "journal.toml")
    app.exit_when_ready = True
    still_working = threading.Event()
    async with app.run_test() as pilot:
        app.run_worker(still_working.wait, thread=True)  # start-up work not finished yet
        await pilot.pause()
        assert made == ["player"] and app.flow.asking.journal is not None
        app._exit_when_started()
        await pilot.pause()
        assert app.return_code is None
        still_working.set()
        await app.workers.wait_for_complete()
        app._exit_when_started()
        await pilot.pause()
    assert app.return_code == 0

