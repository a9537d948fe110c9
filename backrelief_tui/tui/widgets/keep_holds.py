"""The summary's "keep the new hold time?" bar, shown when holds were changed with +/−."""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from backrelief_tui.core.routine import Move
from backrelief_tui.core.text import printable


def changed_holds(moves: tuple[Move, ...], adjusted: Mapping[str, int]) -> dict[str, tuple[Move, int]]:
    """Move id -> (the move as planned, the hold it ended with), for the holds that really changed."""
    planned = {move.id: move for move in moves}
    return {move_id: (planned[move_id], hold) for move_id, hold in adjusted.items()
            if move_id in planned and planned[move_id].hold != hold}


class KeepHoldsPrompt(Vertical, can_focus=True):
    """Asks whether to keep the changed holds; posts `Answered` (the screen saves them)."""

    # Styles live here, not in a .tcss, because the prompt is one small bar.
    DEFAULT_CSS = """
    KeepHoldsPrompt {
        height: auto;
        margin: 1 0 0 0;
        padding: 0 1;
        background: $primary 15%;
        border-left: thick $primary;
    }
    KeepHoldsPrompt:focus-within, KeepHoldsPrompt:focus { border-left: thick $accent; }
    KeepHoldsPrompt #keep-buttons { height: auto; }
    KeepHoldsPrompt Button { margin: 0 2 0 0; }
    """

    BINDINGS = [
        Binding("k", "keep(True)", "Keep new holds"),
        Binding("x", "keep(False)", "Don't keep"),
    ]

    class Answered(Message):
        def __init__(self, keep: bool, changes: dict[str, tuple[Move, int]]) -> None:
            super().__init__()
            self.keep = keep
            self.changes = changes

    def __init__(self, changes: dict[str, tuple[Move, int]]) -> None:
        super().__init__(id="keep-holds")
        self.changes = changes

    def compose(self) -> ComposeResult:
        lines = ", ".join(f"{printable(move.name)} {move.hold} s → {hold} s" for move, hold in self.changes.values())
        yield Static(Content(f"You changed hold times: {lines}. Keep them for next time?"), id="keep-question")
        with Horizontal(id="keep-buttons"):
            yield Button("Keep (k)", id="keep", variant="success", compact=True)
            yield Button("Not now (x)", id="dont-keep", compact=True)

    def on_mount(self) -> None:
        self.focus()

    def action_keep(self, keep: bool) -> None:
        self.display = False
        self.post_message(self.Answered(keep, self.changes))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.action_keep(event.button.id == "keep")
