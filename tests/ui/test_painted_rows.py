"""Rows kept as drawn (`PaintedRows`): the same cells as Textual's own rendering, each row drawn once.

The countdown's glyphs, the session bar, the lines of text and the figure render their rows
themselves and keep them (issue 16: the hold's CPU). What they hand the compositor must be
what Textual's styles cache would have made of the same `render_line`, filters and all, in
every phase colour; a row shown before is not drawn again; and a style the short way does not
apply sends the widget back to Textual's way.
"""

from __future__ import annotations

from pathlib import Path

from textual.app import App, ComposeResult
from textual.filter import Monochrome
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from backrelief_tui.core.library import load_library
from backrelief_tui.core.settings import Settings
from backrelief_tui.tui.app import build_app
from backrelief_tui.tui.widgets.big_text import BigText, Glyph
from backrelief_tui.tui.widgets.figure import Figure
from backrelief_tui.tui.widgets.line import Line
from backrelief_tui.tui.widgets.painted import PaintedRows
from backrelief_tui.tui.widgets.session_progress import BarPiece
from tests.fakes import FakeClock
from tests.spies import counted
from tests.ui.helpers import ROUTINES, RecordingPlayer


def _cells(strips: list[Strip]) -> list[list[tuple[str, object]]]:
    return [[(character, segment.style) for segment in strip for character in segment.text] for strip in strips]


def _textuals(widget: PaintedRows) -> list[Strip]:
    """The widget's rows the way Textual renders them (its styles cache, from scratch)."""
    widget._styles_cache.clear()
    widget.new_repaint()
    return Widget.render_lines(widget, Region(0, 0, *widget.size))


def _assert_as_textual(screen) -> set[type]:
    kinds = set()
    for widget in screen.query(PaintedRows):
        if widget.size.area and widget.display:
            kinds.add(type(widget))
            ours = widget.render_lines(Region(0, 0, *widget.size))
            assert _cells(ours) == _cells(_textuals(widget)), widget
            cropped = widget.render_lines(Region(1, 0, widget.size.width - 2, widget.size.height))
            assert _cells(cropped) == [row[1:-1] for row in _cells(ours)], widget
    return kinds


async def test_the_session_screen_rows_are_what_textual_draws_in_every_phase(tmp_path: Path):
    clock = FakeClock()
    app = build_app(settings=Settings(pain_checkin=False, safety_acknowledged=True),
                    library=load_library(ROUTINES, Path("/nonexistent")), clock=clock, player=RecordingPlayer(),
                    start_routine="desk-break", save_settings=lambda _new: None)
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        screen = app.screen
        seen = set()
        phases = set()
        for _step in range(12):  # get-ready, a few beats of work, a pause: each phase colours differently
            seen |= _assert_as_textual(screen)
            phases.add(screen.view.phase)
            clock.advance(2.5)
            screen.tick()
            await pilot.pause()
        await pilot.press("space")  # paused: the figure and the clock go muted
        await pilot.pause()
        seen |= _assert_as_textual(screen)
        assert seen == {Glyph, BarPiece, Line, Figure}
        assert {"get-ready", "work"} <= phases


class Painted(App[None]):
    CSS = "BigText { width: 30; height: 10; } Line { width: 12; }"

    def compose(self) -> ComposeResult:
        yield BigText("1:29")
        yield Line("1 min left")


async def test_a_row_shown_before_is_not_drawn_again(monkeypatch):
    app = Painted()
    async with app.run_test(size=(40, 14)) as pilot:
        await pilot.pause()
        clock = app.query_one(BigText)
        digit = clock.glyphs[-1]
        first = digit.render_lines(Region(0, 0, *digit.size))
        drawn = counted(monkeypatch, Glyph, "render_line")
        for text in ("1:28", "1:29", "1:28", "1:29"):
            clock.show(text)
            await pilot.pause()
        assert drawn[0] == digit.size.height  # the 8, once; the 9 was kept
        again = digit.render_lines(Region(0, 0, *digit.size))
        assert all(a is b for a, b in zip(first, again, strict=True))  # the very strips: their own caches hit


async def test_new_colours_draw_the_rows_again():
    app = Painted()
    async with app.run_test(size=(40, 14)) as pilot:
        await pilot.pause()
        line = app.query_one(Line)
        before = _cells(line.render_lines(Region(0, 0, *line.size)))
        line.styles.color = "red"
        await pilot.pause()
        after = _cells(line.render_lines(Region(0, 0, *line.size)))
        assert after != before
        assert after == _cells(_textuals(line))


async def test_a_style_the_short_way_skips_renders_the_textual_way(monkeypatch):
    app = Painted()
    async with app.run_test(size=(40, 14)) as pilot:
        await pilot.pause()
        line = app.query_one(Line)
        line.styles.padding = (0, 1)
        line.styles.tint = "red 30%"
        await pilot.pause()
        textual_way = counted(monkeypatch, type(line._styles_cache), "render_widget")
        rows = line.render_lines(Region(0, 0, *line.size))
        assert textual_way[0] == 1
        assert rows[0].text.startswith(" 1 min")  # the padding: only Textual's way draws it


async def test_the_app_line_filters_apply_as_in_textual():
    """A line filter of the app (NO_COLOR's Monochrome here) reaches these rows as it reaches any other."""
    app = Painted()
    async with app.run_test(size=(40, 14)) as pilot:
        await pilot.pause()
        line = app.query_one(Line)
        line.styles.color = "red"
        await pilot.pause()
        coloured = _cells(line.render_lines(Region(0, 0, *line.size)))
        app._filters.append(Monochrome())
        line.refresh()
        await pilot.pause()
        grey = _cells(line.render_lines(Region(0, 0, *line.size)))
        assert grey != coloured
        assert grey == _cells(_textuals(line))
        glyph = app.query_one(BigText).glyphs[0]
        assert _cells(glyph.render_lines(Region(0, 0, *glyph.size))) == _cells(_textuals(glyph))
