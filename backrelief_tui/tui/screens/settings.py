"""Settings: general options, your own numbers per move, and tight spots.

Every valid change is applied and saved at once through `app.update_settings`
(atomic, tomli-w); a value that does not pass the routine rules is shown as a
message naming the field and is not saved. Problems found in `settings.toml` when
it was read are listed at the top: the app runs on the defaults for those fields
and keeps every valid one, and the next save keeps the old file as `.bak`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import (
    DataTable,
    Footer,
    Input,
    Label,
    Select,
    Static,
    Switch,
    TabbedContent,
    TabPane,
)

from backrelief_tui.core import paths
from backrelief_tui.core.plan import move_seconds, plan_session
from backrelief_tui.core.routine import TARGETS, Move, Routine, Sides
from backrelief_tui.core.settings import (
    Settings,
    backup_path,
    check_override,
    load_settings,
    parse_override,
    parse_setting,
    step_value,
)
from backrelief_tui.core.text import printable
from backrelief_tui.core.tight_spots import FINE_FACTOR, TIGHT_FACTOR, Tightness
from backrelief_tui.core.wording import format_duration
from backrelief_tui.tui import styles
from backrelief_tui.tui.base import AppScreen

# The editable columns of the moves table, in order after the name.
COLUMNS = ("hold", "reps", "sides", "rest")
SPOT_CYCLE = (None, Tightness.TIGHT, Tightness.FINE)
LABELS = {
    "lead_in": "Lead-in before the first move",
    "default_rest": "Rest between moves",
    "switch_seconds": "Time to switch sides",
    "volume": "Volume",
    "sound": "Sound cues",
    "pain_checkin": "Ask about pain before and after",
}


# -- the moves table --------------------------------------------------------------------------


class OverrideTable(DataTable[Text]):
    """A routine's moves with hold, reps, sides and rest; +/− or a typed number changes the cell."""

    BINDINGS = [
        Binding("plus,equals_sign", "screen.change_value(1)", "Change", key_display="+/−"),
        Binding("minus", "screen.change_value(-1)", "−", show=False),
        Binding("enter", "screen.type_value", "Type a value", key_display="enter"),
        Binding("d", "screen.reset_move", "Reset move"),
        Binding("D", "screen.reset_all", "Reset all", key_display="D"),
    ]

    class DigitTyped(Message):
        """A digit was typed on a cell: the screen opens the value editor with it."""

        def __init__(self, digit: str) -> None:
            super().__init__()
            self.digit = digit

    def on_key(self, event: events.Key) -> None:
        if event.character and event.character.isdigit():
            event.stop()
            self.post_message(self.DigitTyped(event.character))


class ValueInput(Input):
    """The one-line editor for a typed value; escape gives up without saving."""

    BINDINGS = [Binding("escape", "screen.close_value_editor", "Cancel")]


class SpotsTable(DataTable[Text]):
    """Areas marked tight or fine: t, f, u, or space to go round."""

    BINDINGS = [
        Binding("space,enter", "screen.cycle_spot", "Change", key_display="space"),
        Binding("t", "screen.mark_spot('tight')", "Tight"),
        Binding("f", "screen.mark_spot('fine')", "Fine"),
        Binding("u", "screen.mark_spot('')", "Unmark"),
    ]


# -- the screen -----------------------------------------------------------------------------------


class SettingsScreen(AppScreen[None]):
    """General options, per-move numbers for each routine, tight spots."""

    DEFAULT_CSS = styles.beside(__file__, "settings.tcss")
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]

    def __init__(self, routine_id: str | None = None, *, tab: str = "general") -> None:
        super().__init__()
        self.routine_id = routine_id
        self.initial_tab = tab
        self._editing: tuple[str, str] | None = None  # (move id, field) being typed
        self._described_row: int | None = None

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Label(Content.assemble(("Settings", "bold"), "  saved as you change them"), id="settings-title")
        yield Static(id="settings-problems")
        with TabbedContent(initial=self.initial_tab, id="settings-tabs"):
            with TabPane("General", id="general"), VerticalScroll(id="general-form"):
                yield from self._number_row("lead_in", "s")
                yield from self._number_row("default_rest", "s")
                yield from self._number_row("switch_seconds", "s")
                yield from self._switch_row("sound")
                yield from self._number_row("volume", "%")
                yield from self._switch_row("pain_checkin")
                with Horizontal(classes="setting-row"):
                    yield Label("Theme", classes="setting-label")
                    themes = sorted(self.app.available_themes)
                    yield Select([(name, name) for name in themes], value=self.app.theme,
                                 allow_blank=False, id="theme", compact=True)
                yield Static(id="general-status", classes="status")
            with TabPane("Moves", id="moves"):
                with Horizontal(id="moves-top"):
                    routines = self.app.library.routines
                    chosen = self.routine_id if self.routine_id in routines else next(iter(routines), None)
                    self.routine_id = chosen
                    yield Select([(routine.title, rid) for rid, routine in routines.items()],
                                 value=chosen if chosen else Select.NULL, allow_blank=chosen is None,
                                 id="routine", compact=True)
                    yield Static(id="moves-total")
                yield OverrideTable(id="override-table", cursor_type="cell", zebra_stripes=True)
                with Horizontal(id="value-editor"):
                    yield Label(id="value-prompt")
                    yield ValueInput(id="value-input", compact=True, select_on_focus=False)
                yield Static(id="moves-status", classes="status")
            with TabPane("Tight spots", id="spots"):
                yield Static(Content(
                    f"Spend time where it is tight, skip what is fine. Release rolls for a tight area get "
                    f"{TIGHT_FACTOR:g}× the time, for a fine area {FINE_FACTOR:g}×; built routines put tight "
                    f"areas first and leave out fine ones. Your own hold for a move always wins."),
                    id="spots-help")
                yield SpotsTable(id="spots-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def _number_row(self, name: str, unit: str) -> ComposeResult:
        with Horizontal(classes="setting-row"):
            yield Label(LABELS[name], classes="setting-label")
            yield Input(self._number_text(name), id=name, compact=True, classes="number")
            yield Label(unit, classes="unit")

    def _switch_row(self, name: str) -> ComposeResult:
        with Horizontal(classes="setting-row"):
            yield Label(LABELS[name], classes="setting-label")
            value = getattr(self.app.settings, name)
            yield Switch(value, id=name)
            yield Label("on" if value else "off", id=f"{name}-state", classes="switch-state")

    def _number_text(self, name: str) -> str:
        value = getattr(self.app.settings, name)
        return str(round(value * 100)) if name == "volume" else str(value)

    def on_mount(self) -> None:
        for input_widget in self.query(Input):
            input_widget.cursor_blink = False  # steady screen for snapshots and screen readers
        self.query_one("#value-editor").display = False
        table = self.query_one(OverrideTable)
        table.add_column("Move", key="name")
        for name in COLUMNS:
            table.add_column(name.capitalize(), key=name)
        table.add_column("Time", key="time")
        spots = self.query_one(SpotsTable)
        spots.add_column("Area", key="area")
        spots.add_column("Mark", key="mark")
        spots.add_column("What it does", key="effect")
        self.show_problems()
        self.refresh_moves()
        self.describe_current()
        self.refresh_spots()
        self.focus_tab(self.initial_tab)

    def focus_tab(self, tab: str) -> None:
        first = {"general": "#lead_in", "moves": "#override-table", "spots": "#spots-table"}
        self.query_one(first[tab]).focus()

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        # Clicking a tab (or arrowing along the tab bar) leaves focus on the tab bar; that is
        # where the arrows work, so focus moves into the pane only on the way in (tab key).
        event.stop()

    # -- problems in the file --------------------------------------------------------------------

    def show_problems(self) -> None:
        """List what was wrong in settings.toml (errors as values: reading it never raises)."""
        path = paths.settings_file()
        _settings, problems = load_settings(path)
        widget = self.query_one("#settings-problems", Static)
        widget.display = bool(problems)
        if problems:
            lines = [f"{printable(path.name)} has problems; the defaults are used for these and your other values "
                     "are kept:"]
            lines += [f"  • {printable(problem.field or path.name)}: {printable(problem.message)}"
                      for problem in problems]
            lines.append(f"The next change saves a clean file and keeps the old one as "
                         f"{printable(backup_path(path).name)}.")
            widget.update(Content("\n".join(lines)))

    # -- general -----------------------------------------------------------------------------------

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "value-input":
            self.apply_typed_value(event.value)
        else:
            self.apply_general(event.input)

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if event.input.id != "value-input" and event.input.is_attached:
            self.apply_general(event.input)

    def apply_general(self, widget: Input) -> None:
        name = str(widget.id)
        status = self.query_one("#general-status", Static)
        if name == "volume":  # shown as a percentage, kept as 0.0-1.0
            text = widget.value.strip().removesuffix("%").strip()
            value, error = (int(text) / 100, None) if text.isdigit() and int(text) <= 100 else (None, "bad")
            if error:
                error = f"volume must be a whole percentage from 0 to 100 (got {widget.value.strip()!r})"
        else:
            value, error = parse_setting(name, widget.value)
        if error:
            widget.add_class("-invalid")
            status.add_class("-error")
            status.update(Content(f"Not saved: {error}."))
            return
        widget.remove_class("-invalid")
        status.remove_class("-error")
        if getattr(self.app.settings, name) != value:
            self.app.update_settings(self.app.settings.with_setting(name, value))
            status.update(Content(f"Saved: {LABELS[name]} {widget.value.strip()}{'%' if name == 'volume' else ' s'}."))
            self.refresh_moves()

    def on_switch_changed(self, event: Switch.Changed) -> None:
        event.stop()
        name = str(event.switch.id)
        self.query_one(f"#{name}-state", Label).update("on" if event.value else "off")
        if getattr(self.app.settings, name) != event.value:
            self.app.update_settings(self.app.settings.with_setting(name, event.value))

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        if event.select.id == "theme" and isinstance(event.value, str) and event.value != self.app.theme:
            self.app.theme = event.value  # the app saves the theme when it changes
        elif event.select.id == "routine" and isinstance(event.value, str):
            self.routine_id = event.value
            self.action_close_value_editor(focus=False)
            self.refresh_moves()
            self.describe_current()

    # -- moves -------------------------------------------------------------------------------------

    @property
    def routine(self) -> Routine | None:
        return self.app.library.get(self.routine_id) if self.routine_id else None

    def refresh_moves(self) -> None:
        table = self.query_one(OverrideTable)
        # Redrawing moves the cursor; that is not the person moving it, so no new description.
        with table.prevent(DataTable.CellHighlighted):
            self._fill_moves(table)

    def _fill_moves(self, table: OverrideTable) -> None:
        routine = self.routine
        cursor = table.cursor_coordinate
        table.clear()
        if routine is None:
            self.query_one("#moves-total", Static).update("No routines.")
            return
        settings = self.app.settings
        plan = plan_session(routine, settings)
        # Every move of the routine is listed, even one the plan leaves out (a bonus move).
        planned_moves = {move.id: move for move in plan.moves}
        for index, move in enumerate(routine.moves):
            planned = planned_moves.get(move.id) or settings.override_for(move.id).apply(move)
            mine = settings.override_for(move.id).to_table()
            cells: list[Any] = [Text(move.name)]
            for name in COLUMNS:
                cells.append(self._cell(name, planned, settings, name in mine))
            cells.append(Text(format_duration(move_seconds(planned, settings)), justify="right"))
            table.add_row(*cells, key=f"{index}:{move.id}")
        if table.row_count:
            table.cursor_coordinate = Coordinate(min(cursor.row, table.row_count - 1), max(1, cursor.column))
        written = plan_session(routine, replace(settings, moves={}, tight_spots={}))
        total = Content.assemble(("Total ", "bold"), (format_duration(plan.total_seconds), "bold $text-accent"))
        if written.moves != plan.moves:  # (even when the changes happen to cancel out)
            total = Content.assemble(total, f" with your numbers ({format_duration(written.total_seconds)} as written)")
        self.query_one("#moves-total", Static).update(total)

    @staticmethod
    def _cell(name: str, move: Move, settings: Settings, mine: bool) -> Text:
        value = getattr(move, name)
        if name == "rest":
            text = f"{settings.default_rest if value is None else value} s"
        elif name == "hold":
            text = f"{value} s"
        else:
            text = str(value)
        return Text(text + (" *" if mine else ""), style="bold" if mine else "", justify="right")

    def current(self) -> tuple[Move, str] | None:
        """The routine's own move under the cursor and the field of the column."""
        table = self.query_one(OverrideTable)
        routine = self.routine
        if routine is None or not table.row_count:
            return None
        column = table.cursor_coordinate.column
        name = COLUMNS[column - 1] if 1 <= column <= len(COLUMNS) else "hold"
        return routine.moves[table.cursor_coordinate.row], name

    def effective_value(self, move: Move, name: str) -> int | Sides:
        """The value in force: the routine's, or the person's own (a rest left to the default: that)."""
        value: int | Sides | None = getattr(self.app.settings.override_for(move.id).apply(move), name)
        return self.app.settings.default_rest if value is None else value

    def set_value(self, move: Move, name: str, value: int | Sides) -> None:
        """Store one field for a move; back at the routine's own value, the override field is cleared."""
        keep = None if value == getattr(move, name) else value
        self.app.update_settings(self.app.settings.with_move_values(move.id, **{name: keep}))
        self.refresh_moves()

    def action_change_value(self, direction: int) -> None:
        found = self.current()
        if found is None:
            return
        move, name = found
        current = self.effective_value(move, name)
        value = step_value(name, current, direction)
        if value == current:
            self.say(f"{move.name}: {name} is already at its {'lowest' if direction < 0 else 'highest'}.")
            return
        if (error := check_override(name, value)) is not None:
            self.say(f"{move.name}: {name} {error}", error=True)
            return
        self.set_value(move, name, value)
        self.say(f"{move.name}: {name} {value}{' s' if name in ('hold', 'rest') else ''}.")

    def action_type_value(self) -> None:
        self.open_value_editor()

    def on_override_table_digit_typed(self, message: OverrideTable.DigitTyped) -> None:
        self.open_value_editor(message.digit)

    def open_value_editor(self, first: str = "") -> None:
        found = self.current()
        if found is None:
            return
        move, name = found
        self._editing = (move.id, name)
        unit = "seconds" if name in ("hold", "rest") else ("none, both or alternate" if name == "sides" else "reps")
        self.query_one("#value-prompt", Label).update(Content(f"{move.name} · {name} ({unit}): "))
        editor = self.query_one("#value-input", ValueInput)
        editor.value = first or str(self.effective_value(move, name))
        editor.remove_class("-invalid")
        self.query_one("#value-editor").display = True
        editor.focus()
        if first:  # typing on: the digit already pressed stays
            editor.cursor_position = len(editor.value)
        else:  # enter: the current value is selected, so typing replaces it
            editor.select_all()

    def action_close_value_editor(self, focus: bool = True) -> None:
        self._editing = None
        self.query_one("#value-editor").display = False
        if focus:
            self.query_one(OverrideTable).focus()

    def apply_typed_value(self, text: str) -> None:
        if self._editing is None:
            return
        move_id, name = self._editing
        routine = self.routine
        move = next((move for move in routine.moves if move.id == move_id), None) if routine else None
        if move is None:
            return
        value, error = parse_override(name, text)
        if error:
            # The editor stays open so the value can be fixed; nothing is saved.
            self.query_one("#value-input").add_class("-invalid")
            self.say(f"Not saved: {move.name}: {error}.", error=True)
            return
        self.query_one("#value-input").remove_class("-invalid")
        self.action_close_value_editor()
        self.set_value(move, name, value)
        self.say(f"Saved: {move.name} {name} {value}{' s' if name in ('hold', 'rest') else ''}.")

    def action_reset_move(self) -> None:
        found = self.current()
        if found is None:
            return
        move, _name = found
        if self.app.settings.override_for(move.id).empty:
            self.say(f"{move.name} already uses the routine's numbers.")
            return
        self.app.update_settings(self.app.settings.without_override(move.id))
        self.refresh_moves()
        self.say(f"{move.name} is back to the routine's numbers.")

    def action_reset_all(self) -> None:
        from backrelief_tui.tui.dialogs.confirm import ConfirmDialog

        count = len(self.app.settings.moves)
        if not count:
            self.say("Every move already uses its routine's numbers.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.update_settings(self.app.settings.without_overrides())
                self.refresh_moves()
                self.say(f"Every move is back to its routine's numbers ({count} cleared).")

        self.app.push_screen(ConfirmDialog(
            f"Reset all {count} of your move settings?",
            "Every routine goes back to the numbers it was written with.", yes="Reset all", no="Keep"), answered)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        if event.data_table.id == "override-table" and event.coordinate.row != self._described_row:
            self.describe_current()

    def describe_current(self) -> None:
        found = self.current()
        if found is None:
            return
        move, _name = found
        self._described_row = self.query_one(OverrideTable).cursor_coordinate.row
        mine = self.app.settings.override_for(move.id).to_table()
        others = [rid for rid, routine in self.app.library.routines.items()
                  if rid != self.routine_id and any(m.id == move.id for m in routine.moves)]
        text = f"{move.name}: " + (", ".join(f"your {k} {v}" for k, v in mine.items()) if mine
                                   else "the routine's numbers")
        if others:
            text += f"; also used in {', '.join(others)}"
        self.say(text + ".  * = your number")

    def say(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#moves-status", Static)
        status.set_class(error, "-error")
        status.update(Content(text))

    # -- tight spots -------------------------------------------------------------------------------

    def refresh_spots(self) -> None:
        table = self.query_one(SpotsTable)
        row = table.cursor_coordinate.row
        table.clear()
        spots = self.app.settings.tight_spots
        effects = {"tight": f"release ×{TIGHT_FACTOR:g}, first in builds",
                   "fine": f"release ×{FINE_FACTOR:g}, left out of builds", None: ""}
        for area in TARGETS:
            mark = spots.get(area)
            table.add_row(Text(area), Text(mark or "—", style="bold" if mark else "dim"), Text(effects[mark]),
                          key=area)
        table.cursor_coordinate = Coordinate(min(row, table.row_count - 1), 0)

    def _current_area(self) -> str:
        return TARGETS[self.query_one(SpotsTable).cursor_coordinate.row]

    def action_mark_spot(self, state: str) -> None:
        area = self._current_area()
        self.app.update_settings(self.app.settings.with_tight_spot(area, Tightness(state) if state else None))
        self.refresh_spots()
        self.refresh_moves()

    def action_cycle_spot(self) -> None:
        current = self.app.settings.tight_spots.get(self._current_area())
        self.action_mark_spot(SPOT_CYCLE[(SPOT_CYCLE.index(current) + 1) % len(SPOT_CYCLE)] or "")

    # -- leaving -------------------------------------------------------------------------------------

    def action_back(self) -> None:
        self.app.pop_screen()
