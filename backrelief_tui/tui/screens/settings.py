"""Settings: general options (session, sound, voice, break nudges, pain guide, look), your own numbers per move,
tight spots.

Every valid change is applied and saved at once through `app.update_settings`
(atomic, tomli-w); a value that does not pass `core.settings.parse_setting` (or the
routine rules, for a move) is shown as a message naming the field and is not saved.
Problems found in `settings.toml` when it was read are listed at the top: the app runs
on the defaults for those fields and keeps every valid one, and the next save keeps
the old file as `.bak`.

A move's own numbers have a scope: everywhere the move appears (the default), or the
chosen routine only (`s` toggles it for the move under the cursor). The table shows
the numbers in force for the chosen routine, whichever scope they come from.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.content import Content
from textual.coordinate import Coordinate
from textual.message import Message
from textual.widgets import (
    Button,
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
from backrelief_tui.core.levels import level_count, level_label
from backrelief_tui.core.pain import TRAFFIC_LIGHT_SOURCE
from backrelief_tui.core.plan import move_seconds, plan_session
from backrelief_tui.core.routine import TARGETS, Move, Routine, Sides
from backrelief_tui.core.schedule import format_days
from backrelief_tui.core.settings import (
    OVERRIDE_FIELDS,
    MoveOverride,
    Settings,
    Verbosity,
    backup_path,
    check_override,
    check_setting,
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

if TYPE_CHECKING:
    from backrelief_tui.tui.keys import HelpSection

# The editable columns of the moves table, in order after the name.
COLUMNS = ("hold", "reps", "sides", "rest")
SPOT_CYCLE = (None, Tightness.TIGHT, Tightness.FINE)
HERE_MARK = "» "  # before a move's name: its changes go to this routine only
MINE_MARK = " *"  # after a value: your own number (in either scope)
NARROW_NAME = 18  # below this many columns for the name, "alternate" shows as "alt"
HEADERS = (*(name.capitalize() for name in COLUMNS), "Time")
SIDES_COLUMN = COLUMNS.index("sides")


@dataclass(frozen=True)
class Field:
    """One row of the General tab: a setting, its label, and how it is typed."""

    label: str
    unit: str = ""  # shown after the field, and in the "Saved:" line
    percent: bool = False  # a 0.0-1.0 fraction shown as a whole percentage


FIELDS: dict[str, Field] = {
    "lead_in": Field("Get ready before the first move", "s"),
    "default_rest": Field("Rest between moves", "s"),
    "switch_seconds": Field("Time to switch sides", "s"),
    "position_change": Field("Time to get down or up", "s"),
    "pain_checkin": Field("Ask about pain (before, after, morning)"),
    "include_bonus": Field("Include bonus moves (kneeling bridge)"),
    "sound": Field("Sound cues"),
    "volume": Field("Cue volume", "%", percent=True),
    "voice_coach": Field("What the coach says"),
    "voice_name": Field("espeak-ng voice"),
    "voice_rate": Field("Speaking rate", "words/min"),
    "voice_volume": Field("Voice volume", "%", percent=True),
    "voice_countdown": Field("Count down long holds aloud"),
    "break_every": Field("A break every", "min"),
    "work_days": Field("Working days"),
    "work_hours": Field("Working hours"),
    "weekly_goal": Field("Sessions to aim for", "a week"),
    "nudge_routine": Field("Routine a nudge suggests"),
    "pain_low": Field("Green: pain after up to", "of 10"),
    "pain_limit": Field("Acceptable pain (amber up to)", "of 10"),
    "pain_morning_rule": Field("Worse next morning is red"),
    "theme": Field("Theme"),
}
VOICE_CHOICES = ((Verbosity.OFF, "Off"), (Verbosity.NAMES, "Names only"), (Verbosity.FULL, "Full coach"))
DEFAULT_NUDGE = "default"  # the Select's value for "" (the desk routine where there is one)

# What + does to the field under the cursor, for the footer: one binding per wording,
# `check_action` lets through the one that fits (a binding's words cannot change).
PLUS_LABELS = {
    "hold-1": "Hold ±1 s",
    "hold-5": "Hold ±5 s",
    "hold-5-1": "Hold +5/−1 s",
    "reps": "Reps ±1",
    "sides": "Sides: next",
    "rest": "Rest ±5 s",
}

TABS = {"general": ("General", "f2"), "moves": ("Moves", "f3"), "spots": ("Tight spots", "f4")}


def tab_title(tab: str) -> str:
    title, key = TABS[tab]
    return f"{title} [dim]{key.upper()}[/]"


HELP_NOTE = (
    "Three tabs: F2 General, F3 Moves, F4 Tight spots (or click one, or tab to the tab bar and use ← →).\n"
    "General: session timing, sound, the spoken coach (with a voice test), break nudges (how often, "
    "which days and hours, the weekly goal, the routine a nudge suggests), the pain guide (the traffic "
    "lights' thresholds: green, acceptable, and whether a back worse the next morning makes a session red) "
    "and the theme. "
    "Type a value, then enter: it is checked, then saved.\n"
    "Moves: your own numbers for each move of a routine; the table shows those in force there "
    "(* yours). s: changes apply everywhere the move appears, or to this routine only (» before the name).\n"
    "Tight spots: tight areas get more release time and come first in built routines; fine ones less."
)
SCREEN_KEYS = (("esc", "back"), ("F1", "this help, in a text field (? types there)"))
MOVES_KEYS = (
    ("+  −", "change the field under the cursor"),
    ("0-9 ⏎", "type a value"),
    ("s", "this routine only / everywhere"),
    ("d", "reset this move (in its scope)"),
    ("D", "reset every move (asks first)"),
)
SPOTS_KEYS = (("space", "tight → fine → unmarked"), ("t f u", "tight, fine, unmark"))


# -- the moves table --------------------------------------------------------------------------


class OverrideTable(DataTable[Text]):
    """A routine's moves with hold, reps, sides and rest; +/− or a typed number changes the cell."""

    BINDINGS = [
        *(Binding("plus,equals_sign", f"screen.change_value(1, '{key}')", label, key_display="+/−")
          for key, label in PLUS_LABELS.items()),
        Binding("minus", "screen.change_value(-1)", "−", show=False),
        Binding("enter", "screen.type_value", "Type", key_display="⏎", show=False),  # the status line says it
        Binding("s", "screen.toggle_scope", "Scope"),
        Binding("d", "screen.reset_move", "Reset"),
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
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (80, "-wide")]
    HELP_NOTE = HELP_NOTE
    BINDINGS = [
        Binding("escape", "back", "Back"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
        # In a text field ? is typed into it: F1 opens the help there (and is shown only there).
        Binding("f1", "help_in_field", "Help", key_display="F1"),
        # Tabs by key from anywhere, a text field included (the tab titles name the keys).
        *(Binding(key, f"show_tab('{tab}')", title, show=False, priority=True) for tab, (title, key) in TABS.items()),
    ]
    NARROW = 80  # below this many columns the footer is compact and leaves out the palette's hint

    def __init__(self, routine_id: str | None = None, *, tab: str = "general") -> None:
        super().__init__()
        self.routine_id = routine_id
        self.initial_tab = tab
        self._editing: tuple[str, str] | None = None  # (move id, field) being typed
        self._described: tuple[int, int] | None = None  # the cell last described in the status line
        self._here: set[tuple[str, str]] = set()  # (routine, move): changes go to this routine only

    # -- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Label(Content.assemble(("Settings", "bold"), "  saved as you change them"), id="settings-title")
        yield Static(id="settings-problems")
        with TabbedContent(initial=self.initial_tab, id="settings-tabs"):
            with TabPane(tab_title("general"), id="general"):
                # Not a tab stop of its own: it scrolls to whichever field has focus.
                with VerticalScroll(id="general-form", can_focus=False):
                    yield from self._general_rows()
                yield Static(id="general-status", classes="status")
            with TabPane(tab_title("moves"), id="moves"):
                with Horizontal(id="moves-top"):
                    routines = self.app.library.routines
                    chosen = self.routine_id if self.routine_id in routines else next(iter(routines), None)
                    self.routine_id = chosen
                    yield Select([(printable(routine.title), rid) for rid, routine in routines.items()],
                                 value=chosen if chosen else Select.NULL, allow_blank=chosen is None,
                                 id="routine", compact=True)
                    yield Static(id="moves-total")
                yield OverrideTable(id="override-table", cursor_type="cell", zebra_stripes=True)
                with Horizontal(id="value-editor"):
                    yield Label(id="value-prompt")
                    yield ValueInput(id="value-input", compact=True, select_on_focus=False)
                yield Static(id="moves-status", classes="status")
            with TabPane(tab_title("spots"), id="spots"):
                yield Static(Content(
                    f"Spend time where it is tight, skip what is fine. Release rolls for a tight area get "
                    f"{TIGHT_FACTOR:g}× the time, for a fine area {FINE_FACTOR:g}×; built routines put tight "
                    f"areas first and leave out fine ones. Your own hold for a move always wins."),
                    id="spots-help")
                yield SpotsTable(id="spots-table", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def _general_rows(self) -> ComposeResult:
        yield self._heading("Session")
        for name in ("lead_in", "default_rest", "switch_seconds", "position_change"):
            yield from self._input_row(name)
        yield from self._switch_row("pain_checkin")
        yield from self._switch_row("include_bonus")
        yield self._heading("Sound")
        yield from self._switch_row("sound")
        yield from self._input_row("volume")
        yield self._heading("Voice (spoken coach, needs espeak-ng)")
        yield from self._select_row("voice_coach", [(label, str(value)) for value, label in VOICE_CHOICES],
                                    str(self.app.settings.voice_coach))
        for name in ("voice_name", "voice_rate", "voice_volume"):
            yield from self._input_row(name)
        yield from self._switch_row("voice_countdown")
        with Horizontal(classes="setting-row"):
            yield Label("Hear the voice as it is set", classes="setting-label")
            yield Button("Test voice", id="voice-test", compact=True)
        yield self._heading("Break nudges (backrelief due)")
        for name in ("break_every", "work_days", "work_hours", "weekly_goal"):
            yield from self._input_row(name)
        yield from self._select_row("nudge_routine", self._nudge_choices(), self.app.settings.nudge_routine
                                    or DEFAULT_NUDGE)
        yield self._heading("Pain guide (traffic lights)")
        for name in ("pain_low", "pain_limit"):
            yield from self._input_row(name)
        yield from self._switch_row("pain_morning_rule")
        yield Static(Content(TRAFFIC_LIGHT_SOURCE), classes="setting-note")
        yield self._heading("Look")
        themes = sorted(self.app.available_themes)
        yield from self._select_row("theme", [(name, name) for name in themes], self.app.theme)

    @staticmethod
    def _heading(text: str) -> Static:
        return Static(Content(text), classes="section")

    def _input_row(self, name: str) -> ComposeResult:
        with Horizontal(classes="setting-row"):
            yield Label(FIELDS[name].label, classes="setting-label")
            yield Input(self._shown_value(name), id=name, compact=True, classes="value")
            yield Label(FIELDS[name].unit, classes="unit")

    def _switch_row(self, name: str) -> ComposeResult:
        with Horizontal(classes="setting-row"):
            yield Label(FIELDS[name].label, classes="setting-label")
            value = getattr(self.app.settings, name)
            yield Switch(value, id=name)
            yield Label("on" if value else "off", id=f"{name}-state", classes="switch-state")

    def _select_row(self, name: str, choices: list[tuple[str, str]], value: str) -> ComposeResult:
        with Horizontal(classes="setting-row"):
            yield Label(FIELDS[name].label, classes="setting-label")
            yield Select(choices, value=value, allow_blank=False, id=name, compact=True)

    def _nudge_choices(self) -> list[tuple[str, str]]:
        routines = self.app.library.routines
        choices = [("Default: the desk routine", DEFAULT_NUDGE)]
        choices += [(printable(routine.title), rid) for rid, routine in routines.items()]
        chosen = self.app.settings.nudge_routine
        if chosen and chosen not in routines:
            choices.append((f"{printable(chosen)} (not found)", chosen))
        return choices

    def _shown_value(self, name: str) -> str:
        value = getattr(self.app.settings, name)
        if FIELDS[name].percent:
            return str(round(value * 100))
        if name == "work_days":
            return format_days(value)
        return str(value)

    def on_mount(self) -> None:
        for input_widget in self.query(Input):
            input_widget.cursor_blink = False  # steady screen for snapshots and screen readers
        self.query_one("#value-editor").display = False
        spots = self.query_one(SpotsTable)
        spots.add_column("Area", key="area")
        spots.add_column("Mark", key="mark")
        spots.add_column("What it does", key="effect")
        self.show_problems()
        self.refresh_moves()
        self.describe_current()
        self.refresh_spots()
        self.focus_tab(self.initial_tab)

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < self.NARROW
        footer = self.query_one(Footer)
        footer.compact, footer.show_command_palette = narrow, not narrow  # ctrl+p still opens it
        self.call_after_refresh(self.refresh_moves)  # the names take what the other columns leave

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        self.refresh_bindings()  # F1 shows in the footer only while a text field has focus

    def action_help_in_field(self) -> None:
        self.app.action_help()

    def focus_tab(self, tab: str) -> None:
        first = {"general": "#lead_in", "moves": "#override-table", "spots": "#spots-table"}
        self.query_one(first[tab]).focus()

    def action_show_tab(self, tab: str) -> None:
        if self._editing is not None:
            self.action_close_value_editor()
        self.query_one(TabbedContent).active = tab
        self.focus_tab(tab)

    def on_tabbed_content_tab_activated(self, event: TabbedContent.TabActivated) -> None:
        # Clicking a tab (or arrowing along the tab bar) leaves focus on the tab bar; that is
        # where the arrows work, so focus moves into the pane only on the way in (tab key).
        event.stop()

    def help_sections(self) -> list[HelpSection]:
        return [("On this screen", SCREEN_KEYS), ("Moves tab", MOVES_KEYS), ("Tight spots tab", SPOTS_KEYS)]

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
        """Check a typed setting with `parse_setting`; save it when it is good and new."""
        name = str(widget.id)
        field = FIELDS[name]
        if field.percent:  # shown as a percentage, kept as 0.0-1.0
            text = widget.value.strip().removesuffix("%").strip()
            value, error = (int(text) / 100, None) if text.isdigit() and int(text) <= 100 else (None, "bad")
            if error:
                error = (f"{name.replace('_', ' ')} must be a whole percentage from 0 to 100 "
                         f"(got {widget.value.strip()!r})")
        else:
            value, error = parse_setting(name, widget.value)
        if error:
            widget.add_class("-invalid")
            self.tell(f"Not saved: {error}.", error=True)
            return
        widget.remove_class("-invalid")
        if getattr(self.app.settings, name) != value:
            self.save_setting(name, value)
        shown = self._shown_value(name)
        if widget.value != shown:  # "1h" reads back as 60, "mon,tue" as mon-tue
            widget.value = shown

    def save_setting(self, name: str, value: Any) -> None:
        """Save one checked setting and say so in words."""
        if (error := check_setting(name, value)) is not None:  # a last guard: never save what the file refuses
            self.tell(f"Not saved: {name.replace('_', ' ')} {error}.", error=True)
            return
        self.app.update_settings(self.app.settings.with_setting(name, value))
        field = FIELDS[name]
        shown = self._shown_value(name) if name in self._input_names() else str(value)
        unit = "" if not field.unit else field.unit if field.unit == "%" else f" {field.unit}"
        self.tell(f"Saved: {field.label}: {shown or 'default'}{unit}.{self._pain_note()}")
        self.refresh_moves()

    def _pain_note(self) -> str:
        """Green can reach no higher than the acceptable pain: say so when it is set above it."""
        settings = self.app.settings
        if settings.pain_low <= settings.pain_limit:
            return ""
        return f" Green stops at {settings.pain_limit}, the acceptable pain, while it is set higher."

    def _input_names(self) -> set[str]:
        return {str(widget.id) for widget in self.query(Input) if widget.id != "value-input"}

    def tell(self, text: str, *, error: bool = False) -> None:
        status = self.query_one("#general-status", Static)
        status.set_class(error, "-error")
        status.update(Content(text))

    def on_switch_changed(self, event: Switch.Changed) -> None:
        event.stop()
        name = str(event.switch.id)
        self.query_one(f"#{name}-state", Label).update("on" if event.value else "off")
        if getattr(self.app.settings, name) != event.value:
            self.app.update_settings(self.app.settings.with_setting(name, event.value))
            self.tell(f"Saved: {FIELDS[name].label}: {'on' if event.value else 'off'}.")
            self.refresh_moves()

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        name, value = event.select.id, event.value
        if not isinstance(value, str):
            return
        if name == "theme" and value != self.app.theme:
            self.app.theme = value  # the app saves the theme when it changes
        elif name == "routine":
            self.routine_id = value
            self.action_close_value_editor(focus=False)
            self.refresh_moves()
            self.describe_current()
        elif name == "voice_coach" and value != self.app.settings.voice_coach:
            parsed, error = parse_setting(name, value)
            if error:
                self.tell(f"Not saved: {error}.", error=True)
            else:
                self.save_setting(name, parsed)
        elif name == "nudge_routine":
            chosen = "" if value == DEFAULT_NUDGE else value
            if chosen != self.app.settings.nudge_routine:
                self.save_setting(name, chosen)

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "voice-test":
            event.stop()
            self.test_voice()

    def test_voice(self) -> None:
        """Say the test phrase with the voice as set, in a thread (espeak-ng takes a moment)."""
        self.tell("Testing the voice…")
        settings, player = self.app.settings, self.app.flow.player
        self.run_worker(lambda: self._voice_test(settings, player), thread=True, group="voice-test",
                        exclusive=True)

    def _voice_test(self, settings: Settings, player: Any) -> None:
        from backrelief_tui.voice import voice_test

        lines: list[str] = []
        voice_test(settings, player, out=lines.append, wait=False)
        said = " ".join(" ".join(lines).split()).removeprefix("voice ")
        self.app.call_from_thread(self.tell, f"Voice test: {said}", error=not said.startswith("played"))

    # -- moves -------------------------------------------------------------------------------------

    @property
    def routine(self) -> Routine | None:
        return self.app.library.get(self.routine_id) if self.routine_id else None

    def here(self, move: Move) -> bool:
        """Whether changes to `move` go to this routine only (it has its own numbers, or `s` chose so)."""
        routine_id = self.routine_id
        return routine_id is not None and (self.app.settings.has_own(move.id, routine_id)
                                           or (routine_id, move.id) in self._here)

    def scope(self, move: Move) -> str | None:
        """Where a change to `move` is stored: this routine's id, or None for everywhere."""
        return self.routine_id if self.here(move) else None

    def refresh_moves(self) -> None:
        table = self.query_one(OverrideTable)
        # Redrawing moves the cursor; that is not the person moving it, so no new description.
        with table.prevent(DataTable.CellHighlighted):
            self._fill_moves(table)

    def _fill_moves(self, table: OverrideTable) -> None:
        routine = self.routine
        cursor = table.cursor_coordinate
        # Columns too: a column keeps the width of the widest cell it ever had, and the names
        # are cut to what the other columns leave at this width.
        table.clear(columns=True)
        if routine is None:
            self.query_one("#moves-total", Static).update("No routines.")
            return
        settings = self.app.settings
        plan = plan_session(routine, settings)
        # Every move of the routine is listed, even one the plan leaves out (a bonus move).
        planned_moves = {move.id: move for move in plan.moves}
        rows: list[tuple[Move, list[str], list[bool]]] = []
        for move in routine.moves:
            planned = planned_moves.get(move.id) or settings.override_for(move.id, routine.id).apply(move)
            mine = settings.override_for(move.id, routine.id).to_table()
            texts = [self._value_text(name, planned, settings) for name in COLUMNS]
            texts.append(format_duration(move_seconds(planned, settings)))
            rows.append((move, texts, [name in mine for name in COLUMNS] + [False]))
        for short_sides in (False, True):  # "alternate" gives way to "alt" before the names get too short
            shown = [[(_short_sides(text) if short_sides and column == SIDES_COLUMN else text)
                      + (MINE_MARK if yours else "") for column, (text, yours) in enumerate(zip(texts, flags,
                                                                                                 strict=True))]
                     for _move, texts, flags in rows]
            widths = [max([len(header), *(len(cells[column]) for cells in shown)])
                      for column, header in enumerate(HEADERS)]
            name_width = self._name_width(table, widths)
            if name_width >= NARROW_NAME:
                break
        table.add_column("Move", key="name")
        for header, key, width in zip(HEADERS, (*COLUMNS, "time"), widths, strict=True):
            table.add_column(Text(header.rjust(width)), key=key)
        for index, ((move, _texts, flags), cells) in enumerate(zip(rows, shown, strict=True)):
            name = Text((HERE_MARK if self.here(move) else "") + printable(move.name), no_wrap=True)
            name.truncate(name_width, overflow="ellipsis")
            values = [Text(text.rjust(width), style="bold" if yours else "")
                      for text, width, yours in zip(cells, widths, flags, strict=True)]
            table.add_row(name, *values, key=f"{index}:{move.id}")
        if table.row_count:
            table.cursor_coordinate = Coordinate(min(cursor.row, table.row_count - 1), max(1, cursor.column))
        written = plan_session(routine, replace(settings, moves={}, routines={}, tight_spots={}))
        total = Content.assemble(("Total ", "bold"), (format_duration(plan.total_seconds), "bold $text-accent"))
        if written.moves != plan.moves:  # (even when the changes happen to cancel out)
            total = Content.assemble(total, f" · as written {format_duration(written.total_seconds)}")
        self.query_one("#moves-total", Static).update(total)

    @staticmethod
    def _value_text(name: str, move: Move, settings: Settings) -> str:
        value = getattr(move, name)
        if name == "rest":
            return f"{settings.default_rest if value is None else value} s"
        return f"{value} s" if name == "hold" else str(value)

    @staticmethod
    def _name_width(table: OverrideTable, widths: list[int]) -> int:
        """What the other columns leave for the names (each column has a cell's padding either side)."""
        if not table.size.width:
            return 40  # not laid out yet: filled again once it is
        padding = 2 * table.cell_padding * (len(widths) + 1)
        scrollbar = 2  # room for the vertical scrollbar, shown or not: no jumping widths
        return max(8, table.size.width - sum(widths) - padding - scrollbar)

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
        """The value in force in this routine (a rest left to the default: that)."""
        value: int | Sides | None = getattr(self.app.settings.override_for(move.id, self.routine_id).apply(move),
                                            name)
        return self.app.settings.default_rest if value is None else value

    def plus_label(self) -> str:
        """Which of `PLUS_LABELS` says what + does to the field under the cursor."""
        found = self.current()
        if found is None:
            return "hold-5"
        move, name = found
        if name != "hold":
            return name
        value = self.effective_value(move, name)
        higher, lower = step_value(name, value, 1), step_value(name, value, -1)
        assert isinstance(value, int) and isinstance(higher, int) and isinstance(lower, int)
        up, down = higher - value, value - lower
        return "hold-5-1" if (up, down) == (5, 1) else "hold-1" if up == 1 else "hold-5"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "change_value" and len(parameters) == 2:
            return parameters[1] == self.plus_label()
        if action == "help_in_field":
            return isinstance(self.focused, Input)
        return True

    def set_value(self, move: Move, name: str, value: int | Sides) -> None:
        """Store one field in the move's scope; a value equal to what would be in force without it
        (the routine's own, or your everywhere number for this routine's own) clears the field."""
        settings, scope = self.app.settings, self.scope(move)
        without = settings.own_override(move.id).apply(move) if scope is not None else move
        keep = None if value == getattr(without, name) else value
        if scope is not None:  # stays this routine's, even when this change empties its own numbers
            self._here.add((scope, move.id))
        self.app.update_settings(settings.with_move_values(move.id, routine=scope, **{name: keep}))
        self.refresh_moves()

    def action_change_value(self, direction: int, _label: str = "") -> None:
        found = self.current()
        if found is None:
            return
        move, name = found
        current = self.effective_value(move, name)
        value = step_value(name, current, direction)
        if value == current:
            self.say(f"{printable(move.name)}: {name} is already at its {'lowest' if direction < 0 else 'highest'}.")
            return
        if (error := check_override(name, value)) is not None:
            self.say(f"{printable(move.name)}: {name} {error}", error=True)
            return
        self.set_value(move, name, value)
        self.say(f"{printable(move.name)}: {name} {value}{_unit(name)}{self._where(move)}.")

    def _where(self, move: Move) -> str:
        routine = self.routine
        if self.here(move) and routine is not None:
            return f", in {printable(routine.title)} only"
        return ", everywhere" if self._others(move) else ""

    def _others(self, move: Move) -> list[str]:
        return [rid for rid, routine in self.app.library.routines.items()
                if rid != self.routine_id and any(m.id == move.id for m in routine.moves)]

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
        self.query_one("#value-prompt", Label).update(Content(f"{printable(move.name)} · {name} ({unit}): "))
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
            self.say(f"Not saved: {printable(move.name)}: {error}.", error=True)
            return
        self.query_one("#value-input").remove_class("-invalid")
        self.action_close_value_editor()
        self.set_value(move, name, value)
        self.say(f"Saved: {printable(move.name)} {name} {value}{_unit(name)}{self._where(move)}.")

    def action_toggle_scope(self) -> None:
        """This routine only <-> everywhere, for the move under the cursor. Going back to everywhere
        takes this routine's own numbers along, so the numbers in force here stay as they are."""
        found, routine = self.current(), self.routine
        if found is None or routine is None:
            return
        move, _name = found
        name, title = printable(move.name), printable(routine.title)
        settings = self.app.settings
        if not self.here(move):
            self._here.add((routine.id, move.id))
            self.refresh_moves()
            self.say(f"{name}: changes now apply to {title} only; elsewhere it keeps its numbers.")
            return
        self._here.discard((routine.id, move.id))
        own = settings.own_override(move.id, routine.id)
        if not own.empty:
            merged = replace(settings.own_override(move.id), **own_fields(own))
            settings = settings.with_override(move.id, merged).without_override(move.id, routine.id)
            self.app.update_settings(settings)
        self.refresh_moves()
        others = self._others(move)
        also = f" (also in {', '.join(others)})" if others else ""
        carried = f"; your {describe(own)} now apply there too" if not own.empty and others else ""
        self.say(f"{name}: changes now apply everywhere it appears{also}{carried}.")

    def action_reset_move(self) -> None:
        found, routine = self.current(), self.routine
        if found is None or routine is None:
            return
        move, _name = found
        name, settings = printable(move.name), self.app.settings
        scope = self.scope(move)
        if settings.own_override(move.id, scope).empty:
            self.say(f"{name} has no numbers of yours {'in this routine' if scope else 'for everywhere'}.")
            return
        self.app.update_settings(settings.with_override(move.id, MoveOverride(), scope))
        self.refresh_moves()
        if scope is not None and not self.app.settings.own_override(move.id).empty:
            self.say(f"{name}: {printable(routine.title)}'s own numbers cleared; your everywhere numbers apply.")
        else:
            where = "" if scope is not None or not self._others(move) else " everywhere"
            self.say(f"{name} is back to the routine's numbers{where}.")

    def action_reset_all(self) -> None:
        from backrelief_tui.tui.dialogs.confirm import ConfirmDialog

        count = self.app.settings.override_count
        if not count:
            self.say("Every move already uses its routine's numbers.")
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.app.update_settings(self.app.settings.without_overrides())
                self._here.clear()
                self.refresh_moves()
                self.say(f"Every move is back to its routine's numbers ({count} cleared).")

        question = "Reset your 1 move setting?" if count == 1 else f"Reset all {count} of your move settings?"
        self.app.push_screen(ConfirmDialog(
            question, "Every routine goes back to the numbers it was written with.", yes="Reset all", no="Keep"),
            answered)

    def on_data_table_cell_highlighted(self, event: DataTable.CellHighlighted) -> None:
        if event.data_table.id == "override-table":
            self.refresh_bindings()  # the footer says what + does to this column
            if (event.coordinate.row, event.coordinate.column) != self._described:
                self.describe_current()

    def describe_current(self) -> None:
        """The status line: where a change to this move applies, your numbers, and what + and − do."""
        found, routine = self.current(), self.routine
        if found is None or routine is None:
            return
        move, field = found
        coordinate = self.query_one(OverrideTable).cursor_coordinate
        self._described = (coordinate.row, coordinate.column)
        settings = self.app.settings
        name, others = printable(move.name), self._others(move)
        # The markers as the table shows them, so the line explains them where they are seen.
        if self.here(move):
            first = f"{HERE_MARK}{name}: changes apply to {printable(routine.title)} only."
        else:
            first = f"{name}: changes apply everywhere" + (f" (also in {', '.join(others)})." if others else ".")
        own_here = settings.own_override(move.id, routine.id)
        everywhere = settings.own_override(move.id)
        mine = [f"here: {describe(own_here)}"] if not own_here.empty else []
        mine += [f"everywhere: {describe(everywhere)}"] if not everywhere.empty else []
        first += f" Yours ({MINE_MARK.strip()}) {'; '.join(mine)}." if mine else " The routine's numbers."
        if level_count(move):  # a level (core/levels.py) is everywhere: accepted on a summary or `set MOVE level=N`
            level = settings.level_for(move.id)
            label = printable(level_label(move, level)).rstrip(".")
            first += f" Your {label}." if level else f" Your {label} (as the cues describe)."
        self.say(f"{first}\n{self._keys_line(move, field)}")

    def _keys_line(self, move: Move, name: str) -> str:
        """What + and − do to the field under the cursor, and what s does to the scope."""
        value = self.effective_value(move, name)
        up, down = step_value(name, value, 1), step_value(name, value, -1)
        change = " · ".join(f"{key} {name} {new}{_unit(name)}" if new != value else f"{key} (at its limit)"
                            for key, new in (("+", up), ("−", down)))
        routine = self.routine
        scope = "everywhere" if self.here(move) or routine is None else f"{printable(routine.title)} only"
        return f"{change} · s: {scope} · ⏎ type"

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


def own_fields(override: MoveOverride) -> dict[str, Any]:
    """The fields an override sets."""
    return {name: getattr(override, name) for name in OVERRIDE_FIELDS if getattr(override, name) is not None}


def describe(override: MoveOverride) -> str:
    """`hold 30 s, reps 3`."""
    return ", ".join(f"{name} {value}{_unit(name)}" for name, value in own_fields(override).items())


def _unit(name: str) -> str:
    return " s" if name in ("hold", "rest", "rep_rest") else ""


def _short_sides(text: str) -> str:
    return "alt" if text == str(Sides.ALTERNATE) else text
