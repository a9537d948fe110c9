"""Test helpers shared by the Pilot and snapshot tests: a tiny routine, fakes, screen readers."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from backrelief_tui.audio import Backend
from backrelief_tui.core.routine import Kind, Move, Position, Routine, Sides
from backrelief_tui.core.settings import Settings

ROUTINES = Path(__file__).resolve().parents[2] / "routines"

# lead-in 3 s, rest between moves 4 s, switch 2 s: the tiny routine's plan is
#   0 get-ready 3 | 1 Side plank L 6 | 2 switch 2 | 3 Side plank R 6 | 4 rest 4
#   5 Bridge rep 1 5 | 6 rest 1 | 7 Bridge rep 2 5 | 8 rest 4 | 9 Dead bug (self-paced)
TINY_SETTINGS = Settings(lead_in=3, default_rest=4, switch_seconds=2, position_change=0)


def tiny_routine() -> Routine:
    return Routine(
        id="tiny",
        title="Tiny",
        summary="Three short moves for the tests.",
        moves=(
            Move(id="side-plank", name="Side plank", kind=Kind.HOLD, hold=6, position=Position.FLOOR,
                 sides=Sides.BOTH, cues=("Stack the feet.", "Lift the hips.", "Breathe."),
                 caution="Stop if the shoulder hurts.", variation="Knees down is easier."),
            Move(id="bridge", name="Bridge", kind=Kind.REPS, hold=2, tempo=3, reps=2, rep_rest=1,
                 position=Position.FLOOR, cues=("Squeeze the glutes.",)),
            Move(id="dead-bug", name="Dead bug", kind=Kind.REPS, hold=1, tempo=1, reps=6, self_paced=True,
                 position=Position.FLOOR, cues=("Low back down.", "Slow and steady.")),
        ),
        source="tiny.toml",
    )


@dataclass
class RecordingPlayer:
    """A player that remembers every cue; `audible=False` acts like a failed device."""

    backend: str = "simpleaudio"
    audible: bool = True
    muted: bool = False
    notice: str | None = None
    volume: float = 0.8
    played: list = field(default_factory=list)

    def __post_init__(self) -> None:
        self.backend = Backend(self.backend)

    def play(self, cue) -> bool:
        self.played.append(cue)
        return self.audible and not self.muted and self.backend is Backend.SIMPLEAUDIO

    def wait(self, timeout=5.0) -> bool:
        return True


@dataclass
class FakeRecorder:
    """Remembers what the session told it; keeps no file."""

    updates: list = field(default_factory=list)
    finished: list = field(default_factory=list)
    pain: list = field(default_factory=list)
    record: None = None
    error: str | None = None

    def update(self, engine, events=()) -> None:
        self.updates.append([event.kind for event in events])

    def finish(self, engine) -> None:
        self.finished.append(engine.state)

    def set_pain_before(self, value) -> None:
        self.pain.append(("before", value))

    def set_pain_after(self, value) -> None:
        self.pain.append(("after", value))


def text_of(app, selector: str) -> str:
    """The plain text a Static/Label on the current screen shows."""
    widget = app.screen.query_one(selector)
    return str(widget.render()).strip() if widget.display else ""


_SVG_TEXT = re.compile(r'<text [^>]*?x="([0-9.]+)"[^>]*?clip-path="url\(#[^)]*-line-(\d+)\)"[^>]*>(.*?)</text>')


def screen_text(app) -> str:
    """Everything on the screen, as plain text lines (read from Textual's public SVG screenshot).

    Each run of text in the SVG sits at x = column × the cell width (Rich's export: 20 px × 0.61).
    """
    width, height = app.size
    lines = [[" "] * width for _ in range(height)]
    for x, row, text in _SVG_TEXT.findall(app.export_screenshot()):
        column = round(float(x) / (20 * 0.61))
        for offset, character in enumerate(html.unescape(text).replace("\xa0", " ")):  # spaces are &#160; there
            if 0 <= int(row) < height and column + offset < width:
                lines[int(row)][column + offset] = character
    return "\n".join("".join(line).rstrip() for line in lines)


def capture_notes(app) -> list[str]:
    """Every message the app shows with `notify`, from now on (the public way in: wrapping `notify`)."""
    notes: list[str] = []
    notify = app.notify

    def recording_notify(message, **options):
        notes.append(str(message))
        return notify(message, **options)

    app.notify = recording_notify
    return notes


async def click_text(pilot, text: str) -> None:
    """Click the first place on the screen where `text` shows (a link or a footer key)."""
    for y, line in enumerate(screen_text(pilot.app).splitlines()):
        x = line.find(text)
        if x >= 0:
            await pilot.click(offset=(x + 1, y))
            return
    raise AssertionError(f"{text!r} is not on the screen")


def summary_rows(app) -> list[tuple[str, ...]]:
    """The summary table's rows as plain strings: (move, result, time)."""
    table = app.screen.query_one("#moves")
    return [tuple(str(cell) for cell in table.get_row_at(index)) for index in range(table.row_count)]
