"""The summary's progression bar: one suggestion at a time, with its reason, to accept or decline.

"Suggested: Front forearm plank: a step up, hold 30 s → 35 s" and why (three green sessions,
or a red one), the next level's instruction when the level changes, then Accept (a) and
Decline (n). The keys belong to the screen (they work wherever the focus is); a click on a
button posts `Decided`. The screen saves the decision and shows the next suggestion, with
what became of the last one above it; at the end only that line stays. A note (a red session
with nothing to step back) shows the same way, without buttons.
"""

from __future__ import annotations

from collections.abc import Mapping

from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.message import Message
from textual.widgets import Button, Static

from backrelief_tui.core.journal import Step
from backrelief_tui.core.levels import level_label
from backrelief_tui.core.progression import Suggestion
from backrelief_tui.core.routine import Move
from backrelief_tui.tui.literal import visible


def suggestion_text(suggestion: Suggestion, moves: Mapping[str, Move], *, place: str = "") -> Content:
    """The suggestion in words: what changes, the next level's instruction if the level changes, and why."""
    parts: list[str | tuple[str, str]] = [("Suggested: ", "bold"), (visible(suggestion.title), "bold")]
    if place:
        parts.append((f"  ({place})", "$text-muted"))
    move = moves.get(suggestion.move_id)
    if move is not None and suggestion.proposed.level != suggestion.current.level:
        label = level_label(move, suggestion.proposed.level)
        parts += ["\n", visible(label[:1].upper() + label[1:])]
    parts += ["\n", ("Why: ", "bold"), visible(suggestion.reason)]
    return Content.assemble(*parts)


class SuggestionPrompt(Vertical):
    """Shows one suggestion (or a line of text); see the module docstring."""

    DEFAULT_CSS = """
    SuggestionPrompt {
        display: none;
        height: auto;
        margin: 0 0 1 0;
        padding: 0 1;
        background: $success 10%;
        border-left: thick $success;
    }
    SuggestionPrompt.-shown { display: block; }
    SuggestionPrompt.-back { background: $warning 10%; border-left: thick $warning; }
    SuggestionPrompt #offer-outcome { color: $text-muted; display: none; }
    SuggestionPrompt #offer-outcome.-shown { display: block; }
    SuggestionPrompt #offer-buttons { height: auto; }
    SuggestionPrompt.-text-only #offer-buttons { display: none; }
    SuggestionPrompt Button { margin: 0 2 0 0; }
    """

    class Decided(Message):
        def __init__(self, accepted: bool) -> None:
            super().__init__()
            self.accepted = accepted

    def __init__(self) -> None:
        super().__init__(id="progression")
        self.suggestion: Suggestion | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="offer-outcome")
        yield Static(id="offer-text")
        with Horizontal(id="offer-buttons"):
            yield Button("Accept (a)", id="offer-accept", variant="success", compact=True)
            yield Button("Decline (n)", id="offer-decline", compact=True)

    def on_mount(self) -> None:
        for button in self.query(Button):
            button.can_focus = False  # the keys are the screen's; Enter stays "back to the routines"

    def offer(self, suggestion: Suggestion, moves: Mapping[str, Move], *, place: str = "",
              outcome: str = "") -> None:
        """Show `suggestion` (with what became of the one before, if any)."""
        self.suggestion = suggestion
        self._outcome(outcome)
        self.query_one("#offer-text", Static).update(suggestion_text(suggestion, moves, place=place))
        self.set_class(suggestion.step is Step.BACK, "-back")
        self.remove_class("-text-only")
        self.add_class("-shown")

    def say(self, text: str, *, outcome: str = "") -> None:
        """Only words (an outcome, a note): no suggestion is open."""
        self.suggestion = None
        self._outcome(outcome)
        self.query_one("#offer-text", Static).update(Content(visible(text)))
        self.remove_class("-back")
        self.add_class("-text-only", "-shown")

    def _outcome(self, text: str) -> None:
        line = self.query_one("#offer-outcome", Static)
        line.update(Content(visible(text)))
        line.set_class(bool(text), "-shown")

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.post_message(self.Decided(event.button.id == "offer-accept"))
