"""The picker's right-hand panel: one routine's summary, caution and list of moves."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.content import Content
from textual.widgets import Static

from backrelief_tui.core.plan import Plan, move_seconds
from backrelief_tui.core.settings import Settings
from backrelief_tui.core.wording import format_duration, move_dose, routine_facts
from backrelief_tui.tui.literal import visible


class RoutinePreview(VerticalScroll, can_focus=False):
    """Shows what a routine holds. Everything from the file is plain text, never markup."""

    def compose(self) -> ComposeResult:
        yield Static(id="preview-head")
        yield Static(id="preview-moves")

    def show(self, plan: Plan | None, settings: Settings) -> None:
        head = self.query_one("#preview-head", Static)
        moves = self.query_one("#preview-moves", Static)
        if plan is None:
            head.update(Content("No routine selected."))
            moves.update(Content(""))
            return
        routine = plan.routine
        parts: list[str | tuple[str, str]] = [
            (visible(routine.title), "bold"), "\n",
            (routine_facts(plan.total_seconds, len(plan.moves), routine.equipment), "$text-muted"), "\n",
        ]
        if routine.targets:
            parts += [("Targets: ", "$text-muted"), ", ".join(routine.targets), "\n"]
        parts += ["\n", visible(routine.summary)]
        if routine.caution:
            parts += ["\n\n", ("Caution: ", "bold $text-warning"), (visible(routine.caution), "$text-warning")]
        if not routine.builtin:
            parts += ["\n", ("Your routine: ", "$text-muted"), (visible(routine.source), "$text-muted")]
        head.update(Content.assemble(*parts))
        lines: list[str | tuple[str, str]] = []
        width = len(str(len(plan.moves)))
        for number, move in enumerate(plan.moves, 1):
            if lines:
                lines.append("\n")
            lines += [
                (f"{number:>{width}}. ", "$text-muted"),
                (visible(move.name), "bold"),
                ("  " + format_duration(move_seconds(move, settings)), "$text-accent"),
                "\n",
                (" " * (width + 2) + move_dose(move) + f" · {move.position}", "$text-muted"),
            ]
            if move.bonus:
                lines.append((" · bonus", "$text-muted"))
        moves.update(Content.assemble(*lines))
        self.scroll_home(animate=False)
