"""The routine editor: start from a routine or from nothing, pick moves from the whole library,
reorder, remove, set holds, name it, save it as your own TOML file.

The file goes to `<config>/routines/<id>.toml` through `core.user_routines`, which
checks it with the routine-file rules first, so what is saved always loads and
passes `backrelief validate`. Saving over a built-in's id replaces that built-in
for you, so the editor asks first; so does saving over another routine of yours.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.widgets import DataTable, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from backrelief_tui.core.builder import CAUTION
from backrelief_tui.core.plan import move_seconds, plan_session
from backrelief_tui.core.routine import (
    MAX_TEXT_LENGTH,
    MAX_TITLE,
    MOVE_FIELDS,
    Kind,
    Move,
    Position,
    Routine,
    check_value,
    clip_title,
    kit_text,
    with_overrides,
)
from backrelief_tui.core.settings import step_value
from backrelief_tui.core.user_routines import replaces, routine_id_from_name, user_routine_path
from backrelief_tui.core.wording import format_duration, move_dose, plural
from backrelief_tui.tui import styles
from backrelief_tui.tui.base import AppScreen
from backrelief_tui.tui.keys import HelpSection
from backrelief_tui.tui.literal import visible
from backrelief_tui.tui.saving import save_routine_asking
from backrelief_tui.tui.widgets.figure import Figure
from backrelief_tui.tui.widgets.fitting_footer import FittingFooter
from backrelief_tui.tui.widgets.move_table import MoveCells, MoveTable
from backrelief_tui.tui.widgets.routine_preview import key_pose

EDITOR_KEYS = (
    ("+  −", "more or less of the move under the cursor: reps of a reps move, seconds of a hold or a roll"),
    ("⇧↑  ⇧↓", "move it up or down (ctrl+↑ and ctrl+↓ too)"),
    ("x", "remove it"),
    ("tab", "to the search, the library, and back to your routine"),
    ("enter", "in the library: add the highlighted move (a too)"),
    ("ctrl+s", "save it as one of your routines"),
    ("esc", "back to the routines (asks first when something changed)"),
)
EMPTY_SUMMARY = "My own routine."
COPY_PREFIX = "My copy of "
OWN_PREFIX = "My own routine"
PLACES = {Position.FLOOR: "on the floor", Position.KNEELING: "kneeling", Position.SEATED: "seated",
          Position.STANDING: "standing"}
# What + and − do to the move under the cursor, by its kind: the footer names it.
DOSE_ACTIONS = {Kind.REPS: "change_reps", Kind.HOLD: "change_hold", Kind.ROLL: "change_roll"}


def and_list(words: list[str]) -> str:
    """`a`, `a and b`, `a, b and c`."""
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"


def derived_summary(moves: list[Move], lead: str) -> str:
    """A short summary that is true of these moves: `My copy of Desk break: 5 moves for hips and
    lats; on the floor and kneeling; no equipment.` (`lead` is the part before the colon)."""
    if not moves:
        return EMPTY_SUMMARY
    areas = list(dict.fromkeys(area for move in moves for area in move.targets))
    places = list(dict.fromkeys(PLACES[move.position] for move in moves))
    kit = list(dict.fromkeys(item for move in moves if not move.bonus for item in move.equipment))
    what = plural(len(moves), "move") + (f" for {and_list(areas)}" if areas else "")
    needs = f"needs {', '.join(kit)}" if kit else "no equipment"
    return f"{lead}: {what}; {and_list(places)}; {needs}."[:MAX_TEXT_LENGTH]


def summary_lead(original: Routine | None) -> str | None:
    """What a copy's summary starts with (`My copy of Desk break`), or None to keep the original's own
    summary (a routine of yours whose summary you wrote yourself)."""
    if original is None:
        return OWN_PREFIX
    if original.builtin:
        return f"{COPY_PREFIX}{original.title}"
    lead = original.summary.split(":", 1)[0]
    if original.summary == EMPTY_SUMMARY:
        return OWN_PREFIX
    return lead if lead.startswith((COPY_PREFIX, OWN_PREFIX)) else None


def move_haystack(move: Move) -> str:
    """What a library search looks at: name, id, areas, equipment, position and kind."""
    equipment = " ".join(move.equipment) if move.equipment else "none no-equipment"
    return " ".join((move.name, move.id, " ".join(move.targets), equipment, str(move.position),
                     str(move.kind))).lower()


def search_moves(moves: list[Move], query: str) -> list[Move]:
    """Moves matching every word of the query (`hips ball`, `standing`, `lats none`)."""
    words = query.lower().split()
    return [move for move in moves if all(word in move_haystack(move) for word in words)]


class RoutineTable(MoveTable):
    """The routine being edited: +/− changes the reps of a reps move, the hold of a hold, the time of a
    roll (the footer names which); ⇧↑/⇧↓ reorder, x removes."""

    BINDINGS = [
        # One key, three labels: the screen's check_action lets through the one for the move under the cursor.
        Binding("plus,equals_sign", "screen.change_reps(1)", "Reps ±", key_display="+/−"),
        Binding("plus,equals_sign", "screen.change_hold(1)", "Hold ±", key_display="+/−"),
        Binding("plus,equals_sign", "screen.change_roll(1)", "Time ±", key_display="+/−"),
        Binding("minus", "screen.change_dose(-1)", "Less", show=False),
        Binding("shift+up,ctrl+up", "screen.shift_move(-1)", "Move up", key_display="⇧↑"),
        Binding("shift+down,ctrl+down", "screen.shift_move(1)", "Move down", key_display="⇧↓"),
        Binding("x,delete", "screen.remove_move", "Remove"),
    ]


class LibraryList(OptionList):
    """Every move in the library; enter adds the highlighted one to the routine (its figure shows below)."""

    BINDINGS = [Binding("enter,a", "screen.add_highlighted", "Add move", key_display="enter")]


class SearchInput(Input):
    """Typing filters the library; ↓ or enter goes to the results."""

    BINDINGS = [Binding("down", "screen.focus_results", "Results", show=False)]


class EditorScreen(AppScreen[None]):
    """Make a routine of your own."""

    DEFAULT_CSS = styles.beside(__file__, "editor.tcss")
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (90, "-wide")]
    VERTICAL_BREAKPOINTS = [(0, "-short"), (24, "-tall")]
    BINDINGS = [
        Binding("ctrl+s", "save", "Save", key_display="^s"),
        Binding("escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]
    HELP_NOTE = ("Tab goes between your routine, the search and the library. The figures show the "
                 "highlighted library move: where it starts, and the position it holds.")

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
        self._saved: tuple[str, tuple[Move, ...]] | None = None  # what was there on opening, or last saved

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
                yield RoutineTable(id="routine-moves")
            with Vertical(id="library-pane"):
                yield SearchInput(placeholder="Search: name, area, equipment, position", id="search", compact=True)
                yield LibraryList(id="library-moves")
                with Horizontal(id="library-figure"):
                    with Vertical(classes="pose-box"):
                        yield Figure(id="figure-start")
                        yield Label("start", classes="pose-name")
                    with Vertical(classes="pose-box", id="key-box"):
                        yield Figure(id="figure-key")
                        yield Label(id="key-name", classes="pose-name")
        yield Static(id="editor-status")
        yield FittingFooter(short={"screen.shift_move(-1)": ("⇧↑", "Up"), "screen.shift_move(1)": ("⇧↓", "Down")},
                            optional=("app.help",))

    def help_sections(self) -> list[HelpSection]:
        return [("Making a routine", EDITOR_KEYS)]

    def on_mount(self) -> None:
        for input_widget in self.query(Input):
            input_widget.cursor_blink = False
        table = self.query_one(RoutineTable)
        self.refresh_routine()
        self.refresh_library()
        self.update_path()
        self._saved = self.state()
        (table if self.moves else self.query_one("#search")).focus()

    # -- changed or not --------------------------------------------------------------------------

    def state(self) -> tuple[str, tuple[Move, ...]]:
        """What saving would keep: the name and the moves with their numbers."""
        return self.query_one("#name", Input).value.strip(), tuple(self.moves)

    @property
    def dirty(self) -> bool:
        """Whether anything differs from what was there on opening (or was last saved)."""
        return self._saved is not None and self.state() != self._saved

    # -- the routine -----------------------------------------------------------------------------

    def current_routine(self) -> Routine:
        title = self.query_one("#name", Input).value.strip()
        lead = summary_lead(self.original)
        if lead is not None:
            summary = derived_summary(self.moves, lead)
        else:  # a routine of yours with a summary you wrote: yours to change in its file
            summary = self.original.summary if self.original else EMPTY_SUMMARY
        caution = self.original.caution if self.original else CAUTION
        return Routine(id=routine_id_from_name(title), title=title, summary=summary, moves=tuple(self.moves),
                       caution=caution, builtin=False)

    def refresh_routine(self, row: int | None = None) -> None:
        table = self.query_one(RoutineTable)
        settings = self.app.settings
        table.show_moves([MoveCells(move.id, visible(move.name), move_dose(move, short=True),
                                    format_duration(move_seconds(move, settings))) for move in self.moves], row)
        total = plan_session(self.current_routine(), settings).total_seconds if self.moves else 0
        self.query_one("#routine-total", Static).update(Content.assemble(
            ("Your routine", "bold"), f" · {plural(len(self.moves), 'move')} · ",
            (format_duration(total), "bold $text-accent")))
        self.refresh_bindings()  # +/− says what it changes on the move under the cursor

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self.refresh_bindings()

    def update_path(self) -> None:
        routine_id = routine_id_from_name(self.query_one("#name", Input).value)
        path = user_routine_path(routine_id)
        warning = ""
        if routine_id != self.editing and (what := replaces(routine_id, self.app.library)):
            warning = f" (replaces {what.split(' (')[0]})"
        self.query_one("#save-path", Static).update(Content(f"→ {path.name}{warning}"))

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "name":
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

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in DOSE_ACTIONS.values():
            row = self._row()
            return row is not None and DOSE_ACTIONS[self.moves[row].kind] == action
        return True

    def action_change_reps(self, direction: int) -> None:
        self.action_change_dose(direction)

    def action_change_hold(self, direction: int) -> None:
        self.action_change_dose(direction)

    def action_change_roll(self, direction: int) -> None:
        self.action_change_dose(direction)

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
        self.refresh_routine(row)
        self.say(f"{move.name}: {move_dose(self.moves[row], short=True)}.")

    def action_shift_move(self, direction: int) -> None:
        row = self._row()
        if row is None or not 0 <= row + direction < len(self.moves):
            return
        self.moves[row], self.moves[row + direction] = self.moves[row + direction], self.moves[row]
        self.refresh_routine(row + direction)

    def action_remove_move(self) -> None:
        row = self._row()
        if row is None:
            return
        removed = self.moves.pop(row)
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
        self.show_library_figure()

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if isinstance(event.option_list, LibraryList):
            self.show_library_figure()

    def show_library_figure(self) -> None:
        """The highlighted library move: where it starts, and the position it holds."""
        options = self.query_one(LibraryList)
        move_id = options.get_option_at_index(options.highlighted).id if options.highlighted is not None else None
        move = self.app.library.moves.get(move_id) if move_id else None
        start, key = self.query_one("#figure-start", Figure), self.query_one("#figure-key", Figure)
        self.query_one("#library-figure").display = move is not None
        if move is None:
            start.clear()
            key.clear()
            return
        pose = key_pose(move)
        start.show_pose(move, "start", None)
        self.query_one("#key-box").display = pose != "start"
        if pose != "start":
            key.show_pose(move, pose, None)
            self.query_one("#key-name", Label).update(f"→ {pose}")

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
            self._saved = self.state()
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
    """Name, then areas · kit · position (· "our move" for one this app added, not the article's)."""
    return Option(Content.assemble(
        (visible(move.name), "bold"), "\n",
        (f"{', '.join(move.targets)} · {visible(kit_text(move))} · {move.position}", "$text-muted"),
        (" · our move" if move.ours else "", "italic $text-muted")), id=move.id)
