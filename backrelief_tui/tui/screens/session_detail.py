"""One session, move by move: planned vs done per side, and the numbers in force that day.

An unreadable file gets the reason and its path instead, and is left exactly as it is.
"""

from __future__ import annotations

from dataclasses import replace

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, Label, Static

from backrelief_tui.core.records import MAX_NOTE, Entry, MoveRecord, SessionRecord, Unreadable, pain_change
from backrelief_tui.core.store import RecordStore
from backrelief_tui.core.wording import format_duration
from backrelief_tui.tui import styles

SIDE_LETTERS = {"left": "L", "right": "R", "none": ""}


def in_force(move: MoveRecord) -> str:
    """`3 × 5 s`, `30 s hold (35 s that day)` — what the move was set to in this session."""
    hold = f"{move.hold} s"
    if move.kind == "reps":
        text = f"{move.reps} reps, {hold} at the top"
    elif move.reps > 1:
        text = f"{move.reps} × {hold}"
    else:
        text = f"{hold} {'hold' if move.kind == 'hold' else 'rolling'}"
    if move.sides == "both":
        text += ", each side"
    elif move.sides == "alternate":
        text += ", alternating"
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
    status = {"completed": "completed", "stopped": "stopped early",
              "in-progress": "interrupted (never finished)"}[record.status]
    lines = [
        f"{record.started:%A %d %B %Y, %H:%M}–{record.ended:%H:%M} · {status}"
        f"{f' · resumed {record.resumes}×' if record.resumes else ''}",
        f"Active {format_duration(record.active_seconds)} of {format_duration(record.planned_seconds)} planned · "
        f"{record.moves_done} of {len(record.moves)} moves done · "
        + (f"paused {format_duration(record.paused_seconds)} ({record.pauses}×)" if record.pauses else "no pauses"),
    ]
    if pain := pain_change(record.pain_before, record.pain_after):
        lines.append(f"Pain before → after: {pain}")
    if record.note:
        lines.append(f"Note: {record.note}")
    return lines


class SessionDetailScreen(Screen[None]):
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
        title = self.entry.routine_title if self.entry.readable else "Unreadable session file"
        yield Label(Content.assemble((title, "bold")), id="detail-title")
        yield Static(Content("Reading…"), id="detail-header")
        yield DataTable(id="detail-moves", cursor_type="row", zebra_stripes=True)
        yield Static(Content(f"File: {self.entry.path}"), id="detail-file")
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
                f"This file could not be read: {record.reason}.\n\n"
                "It is listed so you know it is there, and it is left exactly as it is: "
                "fix it by hand, or move it out of the sessions folder."))
            return
        header.update(Content("\n".join(header_lines(record))))
        table.clear(columns=True)
        for label, key in (("Move", "move"), ("Result", "result"), ("Done / planned", "time"),
                           ("Per side", "sides"), ("Set to", "set")):
            table.add_column(label, key=key)
        styles = {"skipped": "bold", "not-reached": "dim", "partial": "italic"}
        for move in record.moves:
            table.add_row(
                Text(move.name),
                Text(move.status.replace("-", " "), style=styles.get(move.status, "")),
                Text(f"{format_duration(move.done_seconds)} / {format_duration(move.planned_seconds)}"),
                Text(sides_text(move)),
                Text(in_force(move)),
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

        self.app.push_screen(NoteScreen(record.note), written)


class NoteScreen(ModalScreen[str | None]):
    """One line of text for a session: Enter saves, Escape leaves it as it was."""

    DEFAULT_CSS = """
    NoteScreen { align: center middle; background: $background 60%; }
    #note-box { width: 70; max-width: 95%; height: auto; padding: 1 2; border: thick $primary;
                background: $surface; }
    #note-hint { color: $text-muted; margin: 1 0 0 0; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, note: str) -> None:
        super().__init__()
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(id="note-box"):
            yield Label(Content("A note for this session (how it felt, what you changed):"))
            yield Input(value=self.note, max_length=MAX_NOTE, id="note-input")
            yield Label(Content("Enter saves · Escape cancels · an empty note removes it"), id="note-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
