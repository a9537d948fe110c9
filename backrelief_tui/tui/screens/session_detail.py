"""One session, move by move: planned vs done per side, and the numbers in force that day.

An unreadable file gets the reason and its path instead, and is left exactly as it is.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.widgets import DataTable, Footer, Label, Static

from backrelief_tui.core.lights import judge_sessions, move_lights
from backrelief_tui.core.pain import LIGHT_SYMBOLS, TRAFFIC_LIGHT_SOURCE, PainLimits
from backrelief_tui.core.records import (
    Entry,
    MoveRecord,
    MoveStatus,
    SessionRecord,
    SessionStatus,
    SessionSummary,
    Unreadable,
)
from backrelief_tui.core.store import RecordStore
from backrelief_tui.core.text import printable
from backrelief_tui.core.wording import dose, format_duration, pain_line
from backrelief_tui.tui import styles
from backrelief_tui.tui.base import AppScreen
from backrelief_tui.tui.dialogs.note import NoteDialog
from backrelief_tui.tui.screens.history_view import LIGHT_COLOURS, known_mornings, light_symbol

SIDE_LETTERS = {"left": "L", "right": "R", "none": ""}
STATUS_STYLES = {MoveStatus.SKIPPED: "bold", MoveStatus.NOT_REACHED: "dim", MoveStatus.PARTIAL: "italic"}


def in_force(move: MoveRecord) -> str:
    """`2 × 30 s hold, each side (+/- to 35 s)` — what the move was set to in this session."""
    text = dose(move.kind, move.hold, move.reps, move.sides, rep_seconds=move.tempo and move.tempo + move.hold)
    if move.hold_changed is not None and move.hold_changed != move.hold:
        text += f" (+/- to {move.hold_changed} s)"
    return text


def sides_text(move: MoveRecord) -> str:
    parts = []
    for part in move.per_side:
        letter = SIDE_LETTERS.get(part.side, "")
        reps = f" {part.reps_done}/{part.reps_planned} reps" if part.reps_planned > 1 else ""
        done = f"{format_duration(part.done_seconds)}/{format_duration(part.planned_seconds)}"
        parts.append(f"{letter + ' ' if letter else ''}{done}{reps}")
    return " · ".join(parts)


def header_lines(record: SessionRecord) -> list[str]:
    status = {SessionStatus.COMPLETED: "completed", SessionStatus.STOPPED: "stopped early",
              SessionStatus.IN_PROGRESS: "interrupted (never finished)"}[record.status]
    lines = [
        f"{record.started:%A %d %B %Y, %H:%M}–{record.ended:%H:%M} · {status}"
        f"{f' · resumed {record.resumes}×' if record.resumes else ''}",
        f"Active {format_duration(record.active_seconds)} of {format_duration(record.planned_seconds)} planned · "
        f"{record.moves_done} of {len(record.moves)} moves done · "
        + (f"paused {format_duration(record.paused_seconds)} ({record.pauses}×)" if record.pauses else "no pauses"),
    ]
    if pain := pain_line(record.pain_before, record.pain_after):
        lines.append(pain)
    if record.note:
        lines.append(f"Note: {printable(record.note)}")
    return lines


class SessionDetailScreen(AppScreen[None]):
    """The record behind one row of the history."""

    DEFAULT_CSS = styles.beside(__file__, "history.tcss")  # shared with the history screen
    BINDINGS = [
        Binding("escape,q", "back", "Back"),
        Binding("n", "note", "Note"),
        Binding("question_mark", "app.help", "Help", key_display="?"),
    ]

    def __init__(self, store: RecordStore, entry: Entry) -> None:
        super().__init__()
        self.store = store
        self.entry = entry
        self.record: SessionRecord | Unreadable | None = None

    def compose(self) -> ComposeResult:
        entry = self.entry
        title = printable(entry.routine_title) if isinstance(entry, SessionSummary) else "Unreadable session file"
        yield Label(Content.assemble((title, "bold")), id="detail-title")
        yield Static(Content("Reading…"), id="detail-header")
        yield DataTable(id="detail-moves", cursor_type="row", zebra_stripes=True)
        yield Static(id="detail-source")
        yield Static(Content(f"File: {printable(self.entry.path)}"), id="detail-file")
        yield Footer()

    def on_mount(self) -> None:
        self.load()

    @work(thread=True, exclusive=True, group="detail-load")
    def load(self) -> None:
        record = self.store.load(self.entry.path)
        self.app.call_from_thread(self.show_record, record)

    def show_record(self, record: SessionRecord | Unreadable) -> None:
        self.record = record
        header = self.query_one("#detail-header", Static)
        table = self.query_one(DataTable)
        if isinstance(record, Unreadable):
            table.display = False
            header.update(Content(
                f"This file could not be read: {printable(record.reason)}.\n\n"
                "It is listed so you know it is there, and it is left exactly as it is: "
                "fix it by hand, or move it out of the sessions folder."))
            return
        # The traffic light: the session's, from its pain after and the next morning; a move done in it has the
        # session's light (core/lights.py: a move has no rating of its own).
        [judged] = judge_sessions([record], known_mornings(self.app.flow.asking),
                                  PainLimits.from_settings(self.app.settings))
        lights = move_lights([judged])
        lines = header_lines(record)
        if judged.light is not None:
            lines.append(f"Light: {LIGHT_SYMBOLS[judged.light]} {judged.light} — {judged.reason}")
            self.query_one("#detail-source", Static).update(Content(TRAFFIC_LIGHT_SOURCE))
        header.update(Content("\n".join(lines)))
        table.clear(columns=True)
        for label, key in (("Move", "move"), ("Result", "result"), ("Done / planned", "time"),
                           ("Per side", "sides"), ("Set to", "set"), ("Light", "light")):
            table.add_column(label, key=key)
        for move in record.moves:
            light = lights[move.id].latest if move.id in lights else None
            table.add_row(
                Text(printable(move.name)),
                Text(move.status.replace("-", " "), style=STATUS_STYLES.get(move.status, "")),
                Text(f"{format_duration(move.done_seconds)} / {format_duration(move.planned_seconds)}"),
                Text(sides_text(move)),
                Text(in_force(move)),
                Text(light_symbol(light), style=LIGHT_COLOURS.get(light, "") if light else ""),
            )
        table.focus()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_note(self) -> None:
        """Add or change this session's note (only for a record that reads fine)."""
        record = self.record
        if not isinstance(record, SessionRecord):
            self.notify("Only a readable session can take a note.", timeout=4)
            return

        def written(text: str | None) -> None:
            if text is None:
                return
            problem = self.store.set_note(self.entry.path, text)
            if problem:
                self.notify(f"Note not saved: {problem}", severity="error", timeout=8, markup=False)
            else:
                self.show_record(replace(record, note=text.strip()))
                self.notify("Note saved.", timeout=3)

        self.app.push_screen(NoteDialog(record.note), written)
