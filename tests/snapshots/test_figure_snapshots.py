"""Snapshots of the figure: the braille text of a few key poses, and the widget as the session shows it.

Update with `pytest tests/snapshots/test_figure_snapshots.py --snapshot-update`, then look at
the result (`python tools/contact_sheet.py MOVE` for a PNG) before committing it.
"""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.containers import Horizontal

from backrelief_tui.core.braille import rasterise
from backrelief_tui.core.figures import figure_box, frame_between, frame_of_pose
from backrelief_tui.core.plan import Side
from backrelief_tui.core.poses import builtin_poses
from backrelief_tui.tui.widgets.figure import Figure


@pytest.mark.parametrize(("move_id", "pose", "side", "size"), [
    ("front-plank", "hold", None, (36, 12)),
    ("worlds-best-stretch", "open", Side.LEFT, (36, 12)),
    ("fire-hydrant", "top", Side.RIGHT, (30, 9)),
    ("glute-bridge", "top", None, (30, 9)),
])
def test_key_poses_as_text(snapshot, move_id, pose, side, size):
    figure = builtin_poses().moves[move_id]
    raster = rasterise(frame_of_pose(figure, pose, side), figure_box(figure, side), *size)
    assert raster.text() == snapshot


def test_a_frame_between_two_poses_as_text(snapshot):
    figure = builtin_poses().moves["bear-squat"]
    raster = rasterise(frame_between(figure, "start", "top", 0.5, None), figure_box(figure, None), 36, 12)
    assert raster.text() == snapshot


class Figures(App[None]):
    """The figure at the sizes the session screen gives it: 36×12 at 100×30, 30×9 at 80×24."""

    CSS = """
    Horizontal { height: auto; }
    #big { width: 36; height: 12; margin: 0 1; }
    #small { width: 30; height: 9; margin: 0 1; }
    """

    def compose(self) -> ComposeResult:
        with Horizontal():
            yield Figure(id="big", phase="work")
            yield Figure(id="small", phase="rest")

    def on_mount(self) -> None:
        self.query_one("#big", Figure).show("worlds-best-stretch", Side.LEFT, "lunge", "elbow", 0.5)
        self.query_one("#small", Figure).show_pose("bird-dog", "top", Side.RIGHT)


def test_the_widget_in_work_and_rest_colours(snap_compare):
    assert snap_compare(Figures(), terminal_size=(72, 13))
