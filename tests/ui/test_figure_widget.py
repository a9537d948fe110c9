"""The figure widget: it draws what it is told, redraws only when the picture changes, keeps no timer."""

from __future__ import annotations

from textual.app import App, ComposeResult

from backrelief_tui.core.plan import Side
from backrelief_tui.tui.widgets.figure import STEPS, Figure, cached_raster, quantise


class FigureApp(App[None]):
    CSS = "Figure { width: 36; height: 12; }"

    def compose(self) -> ComposeResult:
        yield Figure(phase="work")


async def test_an_unchanged_frame_is_not_redrawn():
    app = FigureApp()
    async with app.run_test(size=(40, 14)) as pilot:
        figure = app.query_one(Figure)
        figure.show("bird-dog", Side.LEFT, "start", "top", 0.5)
        await pilot.pause()
        assert figure.redraws == 1
        figure.show("bird-dog", Side.LEFT, "start", "top", 0.5)
        figure.show("bird-dog", Side.LEFT, "start", "top", 0.5 + 0.1 / STEPS)  # same quantised frame
        assert figure.redraws == 1
        figure.show("bird-dog", Side.LEFT, "start", "top", 0.5 + 1 / STEPS)
        assert figure.redraws == 2
        figure.show("bird-dog", Side.RIGHT, "start", "top", 0.5 + 1 / STEPS)
        assert figure.redraws == 3


async def test_the_ends_of_a_movement_are_its_keyframes():
    app = FigureApp()
    async with app.run_test(size=(40, 14)) as pilot:
        figure = app.query_one(Figure)
        figure.show_pose("glute-bridge", "top", None)
        await pilot.pause()
        drawn = figure.redraws
        figure.show("glute-bridge", None, "start", "top", 1.0)  # the end of "Lift" is the top pose itself
        figure.show("glute-bridge", None, "top", "top", 0.0)
        assert figure.redraws == drawn
        figure.clear()
        assert figure.redraws == drawn + 1 and figure.raster() is None


async def test_the_widget_draws_braille_at_its_size_and_keeps_no_timer():
    app = FigureApp()
    async with app.run_test(size=(40, 14)) as pilot:
        figure = app.query_one(Figure)
        figure.show_pose("cobra", "hold", None)
        await pilot.pause()
        raster = figure.raster()
        assert raster is not None and (raster.width, raster.height) == (36, 12)
        assert any("\u2800" < char <= "\u28ff" for line in raster.lines() for char in line)
        assert not figure._timers  # the session screen drives it; holds cost nothing


def test_frames_are_cached():
    from backrelief_tui.core.poses import builtin_poses

    figure = builtin_poses().moves["fire-hydrant"]
    first = cached_raster(figure, Side.LEFT, "start", "top", quantise(0.25), 36, 12)
    assert cached_raster(figure, Side.LEFT, "start", "top", quantise(0.25), 36, 12) is first
    assert cached_raster(figure, Side.LEFT, "start", "top", quantise(0.25), 30, 9) is not first


async def test_a_phase_colours_the_figure():
    app = FigureApp()
    async with app.run_test(size=(40, 14)) as pilot:
        figure = app.query_one(Figure)
        figure.show_pose("bear-squat", "start", None)
        await pilot.pause()
        work = figure.get_component_rich_style("figure--body").color
        figure.set_phase("rest")
        await pilot.pause()
        assert figure.has_class("-rest") and not figure.has_class("-work")
        assert figure.get_component_rich_style("figure--body").color != work
        figure.set_phase("nonsense")
        assert not figure.has_class("-rest")
