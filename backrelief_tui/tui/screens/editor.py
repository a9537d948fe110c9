"""The routine editor: start from a routine or from nothing, pick moves from the whole library,
reorder, remove, set holds, name it, save it as your own TOML file.

The file goes to `<config>/routines/<id>.toml` through `core.user_routines`, which
checks it with the routine-file rules first, so what is saved always loads and
passes `backrelief validate`. Saving over a built-in's id replaces that built-in
for you, so the editor asks first; so does saving over another routine of yours.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.coordinate import Coordinate
from textual.widgets import DataTable, Footer, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from backrelief_tui.core.builder import CAUTION
from backrelief_tui.core.plan import move_seconds, plan_session
from backrelief_tui.core.routine import (
    MAX_TITLE,
    MOVE_FIELDS,
    Kind,
    Move,
    Routine,
    check_value,
    clip_title,
    with_overrides,
)
from backrelief_tui.core.settings import step_value
from backrelief_tui.core.user_routines import replaces, routine_id_from_name, user_routine_path
from backrelief_tui.core.wording import format_duration, move_dose
from backrelief_tui.tui import styles
from backrelief_tui.tui.base import AppScreen
from backrelief_tui.tui.saving import save_routine_asking

EMPTY_SUMMARY = "My own routine."


def move_haystack(move: Move) -> str:
    """What a library search looks at: name, id, areas, equipment, position and kind."""
    equipment = " ".join(move.equipment) if move.equipment else "none no-equipment"
    return " ".join((move.name, move.id, " ".join(move.targets), equipment, str(move.position),
                     str(move.kind))).lower()


def search_moves(moves: list[Move], query: str) -> list[Move]:
    """Moves matching every word of the query (`hips ball`, `standing`, `lats none`)."""
    words = query.lower().split()
    return [move for move in moves if all(word in move_haystack(move) for word in words)]


class RoutineTable(DataTable[Text]):
    """The routine being edited: +/− changes a hold (or the reps), ⇧↑/⇧↓ reorder, x removes."""

    BINDINGS = [
        Binding("plus,equals_sign", "screen.change_dose(1)", "Hold ±", key_display="+/−"),
        Binding("minus", "screen.change_dose(-1)", "Hold −", show=False),
        Binding("shift+up,ctrl+up", "screen.shift_move(-1)", "Move up", key_display="⇧↑"),
        Binding("shift+down,ctrl+down", "screen.shift_move(1)", "Move down", key_display="⇧↓"),
        Binding("x,delete", "screen.remove_move", "Remove"),
    ]


class LibraryList(OptionList):
    """Every move in the library; enter adds the highlighted one to the routine."""

    BINDINGS = [Binding("enter,a", "screen.add_highlighted", "Add move", key_display="enter")]


class SearchInput(Input):
    """Typing filters the library; ↓ or enter goes to the results."""

    BINDINGS = [Binding("down", "screen.focus_results", "Results", show=False)]


class EditorScreen(AppScreen[None]):
    """Make a routine of your own."""

    DEFAULT_CSS = styles.beside(__file__, "editor.tcss")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", key_display="^s"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help", key_display="?", show=False),
    ]

    def __init__(self, routine: Routine | None = None) -> None:
        super().__init__()
        self.original = routine
        self.moves: list[Move] = list(routine.moves) if routine else []
        if routine is None:
            self.start_title = "My routine"
        elif routine.builtin:
            self.start_title = clip_title(f"My {routine.title.lower()}")
        else:
            self.start_title = routine.title
        self.editing = routine.id if routine is not None and not routine.builtin else None
        self.dirty = False

    def compose(self) -> ComposeResult:
        heading = f"from {self.original.title}" if self.original else "from empty"
        yield Label(Content.assemble(("Routine editor", "bold"), f"  {heading}"), id="editor-title")
        with Horizontal(id="name-row"):
            yield Label("Name ", id="name-label")
            yield Input(self.start_title, id="name", compact=True, max_length=MAX_TITLE)
            yield Static(id="save-path")
        with Horizontal(id="editor-body"):
            with Vertical(id="routine-pane"):
                yield Static(id="routine-total")
                yield RoutineTable(id="routine-moves", cursor_type="row", zebra_stripes=True)
            with Vertical(id="library-pane"):
                yield SearchInput(placeholder="Search: name, area, equipment, position", id="search", compact=True)
                yield LibraryList(id="library-moves")
        yield Static(id="editor-status")
        yield Footer()

    def on_mount(self) -> None:
        for input_widget in self.query(Input):
            input_widget.cursor_blink = False
        table = self.query_one(RoutineTable)
        table.add_column("Move", key="name")
        table.add_column("Amount", key="dose")
        table.add_column("Time", key="time")
        self.refresh_routine()
        self.refresh_library()
        self.update_path()
        (table if self.moves else self.query_one("#search")).focus()

    # -- the routine -----------------------------------------------------------------------------

    def current_routine(self) -> Routine:
        title = self.query_one("#name", Input).value.strip()
        summary = self.original.summary if self.original else EMPTY_SUMMARY
        caution = self.original.caution if self.original else CAUTION
        return Routine(id=routine_id_from_name(title), title=title, summary=summary, moves=tuple(self.moves),
                       caution=caution, builtin=False)

    def refresh_routine(self, row: int | None = None) -> None:
        table = self.query_one(RoutineTable)
        row = table.cursor_coordinate.row if row is None else row
        table.clear()
        settings = self.app.settings
        for move in self.moves:
            table.add_row(Text(move.name), Text(move_dose(move, short=True)),
                          Text(format_duration(move_seconds(move, settings)), justify="right"), key=move.id)
        if self.moves:
            table.cursor_coordinate = Coordinate(max(0, min(row, len(self.moves) - 1)), 0)
        total = plan_session(self.current_routine(), settings).total_seconds if self.moves else 0
        count = len(self.moves)
        self.query_one("#routine-total", Static).update(Content.assemble(
            ("Your routine", "bold"), f" · {count} move{'s' if count != 1 else ''} · ",
            (format_duration(total), "bold $text-accent")))

    def update_path(self) -> None:
        routine_id = routine_id_from_name(self.query_one("#name", Input).value)
        path = user_routine_path(routine_id)
        warning = ""
        if routine_id != self.editing and (what := replaces(routine_id, self.app.library)):
            warning = f" (replaces {what.split(' (')[0]})"
        self.query_one("#save-path", Static).update(Content(f"→ {path.name}{warning}"))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "name":
            self.dirty = True
            self.update_path()
        elif event.input.id == "search":
            self.refresh_library()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "search":
            self.query_one(LibraryList).focus()
        else:
            self.query_one(RoutineTable).focus()

    def _row(self) -> int | None:
        table = self.query_one(RoutineTable)
        return table.cursor_coordinate.row if self.moves else None

    def action_change_dose(self, direction: int) -> None:
        row = self._row()
        if row is None:
            return
        move = self.moves[row]
        name = "reps" if move.kind is Kind.REPS else "hold"  # a hold's seconds; a reps move's count
        value = step_value(name, getattr(move, name), direction)
        if (error := check_value(name, value, MOVE_FIELDS[name])) is not None:
            self.say(f"{move.name}: {name} {error}", error=True)
            return
        self.moves[row] = with_overrides(move, **{name: value})
        self.dirty = True
        self.refresh_routine(row)
        self.say(f"{move.name}: {move_dose(self.moves[row], short=True)}.")

    def action_shift_move(self, direction: int) -> None:
        row = self._row()
        if row is None or not 0 <= row + direction < len(self.moves):
            return
        self.moves[row], self.moves[row + direction] = self.moves[row + direction], self.moves[row]
        self.dirty = True
        self.refresh_routine(row + direction)

    def action_remove_move(self) -> None:
        row = self._row()
        if row is None:
            return
        removed = self.moves.pop(row)
        self.dirty = True
        self.refresh_routine(row)
        self.say(f"Removed {removed.name}.")
        if not self.moves:
            self.query_one("#search").focus()

    # -- the library -------------------------------------------------------------------------------

    def refresh_library(self) -> None:
        options = self.query_one(LibraryList)
        query = self.query_one("#search", Input).value
        found = search_moves(list(self.app.library.moves.values()), query)
        options.clear_options()
        options.add_options(library_option(move) for move in found)
        if found:
            options.highlighted = 0

    def action_focus_results(self) -> None:
        self.query_one(LibraryList).focus()

    def action_add_highlighted(self) -> None:
        options = self.query_one(LibraryList)
        if options.highlighted is not None:
            move_id = options.get_option_at_index(options.highlighted).id
            if move_id is not None:
                self.add_move(move_id)

    def add_move(self, move_id: str) -> None:
        if any(move.id == move_id for move in self.moves):
            self.say(f"{self.app.library.moves[move_id].name} is already in the routine.", error=True)
            return
        self.moves.append(self.app.library.moves[move_id])
        self.dirty = True
        self.refresh_routine(len(self.moves) - 1)
        self.say(f"Added {self.moves[-1].name}.")

    # -- saving and leaving --------------------------------------------------------------------------

    def action_save(self) -> None:
        routine = self.current_routine()
        if not routine.title:
            self.say("Not saved: give the routine a name.", error=True)
            self.query_one("#name").focus()
            return
        if not routine.moves:
            self.say("Not saved: add at least one move from the library.", error=True)
            return

        def saved(routine: Routine) -> None:
            self.dirty = False
            self.editing = routine.id
            self.update_path()
            self.say(f"Saved as {user_routine_path(routine.id)}. It is on the routines list now.")

        save_routine_asking(self.app, routine, saved, editing=self.editing)

    def action_back(self) -> None:
        if not self.dirty:
            self.app.pop_screen()
            return
        from backrelief_tui.tui.dialogs.confirm import ConfirmDialog

        def answered(leave: bool | None) -> None:
            if leave:
                self.app.pop_screen()

        self.app.push_screen(ConfirmDialog("Leave without saving?", "Your changes to this routine are lost.",
                                           yes="Leave", no="Stay"), answered)

    def say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#editor-status", Static)
        status.set_class(error, "-error")
        status.update(Content(text))


def library_option(move: Move) -> Option:
    """Name, then areas · equipment · position."""
    equipment = ", ".join(move.equipment) or "no equipment"
    return Option(Content.assemble((move.name, "bold"), "\n",
                                   (f"{', '.join(move.targets)} · {equipment} · {move.position}", "$text-muted")),
                  id=move.id)
