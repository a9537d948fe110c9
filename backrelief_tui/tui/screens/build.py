"""Build for the moment: minutes, kit and floor in; a balanced routine out, to start or to save.

The routine comes from `core.builder.build_routine` with the person's settings
(lead-in, rests, their own numbers, tight spots) and is rebuilt on every change,
so the preview always shows what Start would run.
"""

from __future__ import annotations

from dataclasses import replace

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Label, SelectionList, Static
from textual.widgets.selection_list import Selection

from backrelief_tui.core.builder import MAX_MINUTES, MIN_MINUTES, BuildResult, build_routine
from backrelief_tui.core.plan import move_seconds
from backrelief_tui.core.routine import EQUIPMENT, TARGETS, clip_title
from backrelief_tui.core.user_routines import routine_id_from_name
from backrelief_tui.core.wording import format_duration, move_dose
from backrelief_tui.tui import styles
from backrelief_tui.tui.base import AppScreen
from backrelief_tui.tui.dialogs.name import NameDialog
from backrelief_tui.tui.keys import HelpSection
from backrelief_tui.tui.saving import save_routine_asking
from backrelief_tui.tui.widgets.check_list import CheckList
from backrelief_tui.tui.widgets.fitting_footer import FittingFooter
from backrelief_tui.tui.widgets.move_table import MoveCells, MoveTable

BUILD_KEYS = (
    ("+  −", "a minute more or less"),
    ("[  ]", "five minutes less or more"),
    ("tab  ↓  ↑", "from box to box, and on to the next group (shift+tab back)"),
    ("space", "tick or untick the box (enter too)"),
    ("s", "start the routine shown"),
    ("w", "save it as one of your routines"),
    ("esc", "back to the routines"),
)
DEFAULT_MINUTES = 5
NO_FLOOR = "no-floor"


class BuildScreen(AppScreen[None]):
    """Choose minutes, equipment, floor and focus; start or save what comes out."""

    DEFAULT_CSS = styles.beside(__file__, "build.tcss")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]
    HELP_NOTE = "[✓] is ticked, [ ] is not. Areas you focus on come first, in the order you tick them."
    BINDINGS = [
        Binding("plus,equals_sign", "minutes(1)", "Minutes ±", key_display="+/−"),
        Binding("minus", "minutes(-1)", "−1 min", show=False),
        Binding("right_square_bracket", "minutes(5)", "+5 min", show=False),
        Binding("left_square_bracket", "minutes(-5)", "−5 min", show=False),
        Binding("s", "start", "Start"),
        Binding("w", "save", "Save"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]

    def __init__(self, minutes: int = DEFAULT_MINUTES) -> None:
        super().__init__()
        self.minutes = minutes
        self.focus_order: list[str] = []  # areas in the order they were ticked
        self.result: BuildResult | None = None

    def compose(self) -> ComposeResult:
        yield Label(Content.assemble(("Build for the moment", "bold"),
                                     "  a balanced routine that fits your time and kit"), id="build-title")
        with Horizontal(id="build-body"):
            with VerticalScroll(id="build-form"):
                yield Static(id="minutes")
                yield Label("Equipment at hand", classes="form-label")
                yield CheckList(*(Selection(item, item) for item in EQUIPMENT), id="equipment")
                yield CheckList(Selection("Off the floor only", NO_FLOOR), id="no-floor")
                yield Label("Focus on (in ticked order)", classes="form-label")
                yield CheckList(*(Selection(area, area) for area in TARGETS), id="focus")
            with Vertical(id="build-preview"):
                yield Static(id="build-summary")
                yield MoveTable(id="build-moves", where=True, cursor_type="none")
                yield Static(id="build-notes")
        yield FittingFooter(short={"minutes(1)": ("+/−", "Min ±")}, optional=("app.help",))

    def help_sections(self) -> list[HelpSection]:
        return [("Building a routine", BUILD_KEYS)]

    def on_mount(self) -> None:
        self.query_one("#equipment").focus()
        self.rebuild()

    # -- the request -------------------------------------------------------------------------------

    def action_minutes(self, change: int) -> None:
        self.minutes = max(MIN_MINUTES, min(MAX_MINUTES, self.minutes + change))
        self.rebuild()

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged[str]) -> None:
        event.stop()
        if event.selection_list.id == "focus":
            ticked = event.selection_list.selected
            self.focus_order = [area for area in self.focus_order if area in ticked]
            self.focus_order += [area for area in ticked if area not in self.focus_order]
        self.rebuild()

    def rebuild(self) -> None:
        kit = set(self.query_one("#equipment", CheckList).selected)
        no_floor = NO_FLOOR in self.query_one("#no-floor", CheckList).selected
        settings = self.app.settings
        self.result = build_routine(self.app.library, self.minutes, kit, no_floor, self.focus_order,
                                    settings=settings)
        self.query_one("#minutes", Static).update(Content.assemble(
            ("Minutes ", "bold"), (f" {self.minutes} ", "reverse bold"), "\n", ("+/− by 1 · [/] by 5", "$text-muted")))
        table = self.query_one("#build-moves", MoveTable)
        summary = self.query_one("#build-summary", Static)
        routine = self.result.routine
        table.display = routine is not None
        rows: list[MoveCells] = []
        if routine is None:
            summary.update(Content.assemble(("Nothing to build: ", "bold"), self.result.reason + "."))
        else:
            summary.update(Content.assemble(
                (routine.title, "bold"), "  ", (format_duration(self.result.total_seconds), "bold $text-accent"),
                "\n", self.result.reason + "."))
            for move in routine.moves:
                planned = settings.override_for(move.id).apply(move)
                rows.append(MoveCells(move.id, move.name, move_dose(planned, short=True),
                                      format_duration(move_seconds(planned, settings)), str(move.position)))
        table.show_moves(rows)
        notes = self.query_one("#build-notes", Static)
        notes.update(Content("\n".join(f"Note: {note}." for note in self.result.notes)))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("start", "save"):
            return self.result is not None and self.result.routine is not None
        return True

    # -- start or save -------------------------------------------------------------------------------

    def action_start(self) -> None:
        if self.result is not None and self.result.routine is not None:
            self.app.start_routine(self.result.routine)

    def action_save(self) -> None:
        if self.result is None or self.result.routine is None:
            return
        built = self.result.routine

        def named(name: str | None) -> None:
            if not name:
                return
            routine = replace(built, id=routine_id_from_name(name), title=clip_title(name))
            save_routine_asking(self.app, routine, lambda saved: None)

        self.app.push_screen(NameDialog(f"My {self.minutes} minutes"), named)

    def action_back(self) -> None:
        self.app.pop_screen()
