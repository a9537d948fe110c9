"""Issue 11 in the app: a full disk at the end (item 3), hostile records and notices (item 7), a
sound library that fails to load (item 10), and SIGTERM/SIGHUP, an ASCII locale, no terminal
(items 10, 12, 13) with the real program in a pseudo-terminal.
"""

from __future__ import annotations

import errno
import importlib.abc
import os
import signal
import sys
import time
from dataclasses import replace

import pytest

from backrelief_tui.audio import Backend, BellPlayer, make_player
from backrelief_tui.core.records import SessionStatus, dumps, read_record, record_path
from backrelief_tui.core.store import RecordStore
from backrelief_tui.tui.dialogs.confirm import ConfirmDialog
from backrelief_tui.tui.screens.history import HistoryScreen
from backrelief_tui.tui.screens.picker import PickerScreen
from backrelief_tui.tui.screens.session import SessionScreen
from backrelief_tui.tui.screens.summary import SummaryScreen
from tests.hostile.conftest import HOSTILE, ROOT, started_at, unsafe_in
from tests.record_factory import make_record
from tests.ui.helpers import TINY_SETTINGS, screen_text, text_of

SIZE = (100, 30)
NO_CHECKIN = replace(TINY_SETTINGS, pain_checkin=False)


class FullDisk(RecordStore):
    """A record store on a disk that fills up and frees again when the test says so."""

    full = False

    def save(self, path, record) -> None:
        if self.full:
            raise OSError(errno.ENOSPC, "No space left on device")
        super().save(path, record)


def full_disk_store(tmp_path) -> FullDisk:
    return FullDisk(tmp_path / "sessions", tmp_path / "index.sqlite3", live_dir=tmp_path / "live")


async def run_for(pilot, fake_clock, seconds: float) -> None:
    while seconds > 0:
        fake_clock.advance(1)
        seconds -= 1
        if isinstance(pilot.app.screen, SessionScreen):
            pilot.app.screen.tick()
    await pilot.pause()


async def run_to_the_end(pilot, fake_clock) -> None:
    """Through the tiny routine: its timed moves, then Space for the self-paced last one."""
    await run_for(pilot, fake_clock, 60)
    if isinstance(pilot.app.screen, SessionScreen):
        await pilot.press("space")
        await pilot.pause()


async def test_a_full_disk_at_the_end_is_shown_retried_and_asked_about(make_app, clock, tmp_path):
    store = full_disk_store(tmp_path)
    app = make_app(record_store=store, settings=NO_CHECKIN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")  # tiny
        await pilot.pause()
        await run_for(pilot, clock, 5)  # the record exists, in progress
        store.full = True
        await run_to_the_end(pilot, clock)
        assert isinstance(app.screen, SummaryScreen)
        summary = app.screen
        assert text_of(app, "#summary-title").endswith("finished, not saved yet")
        not_saved = text_of(app, "#not-saved")
        assert "Not saved yet." in not_saved and "No space left on device" in not_saved
        path = app.flow.unsaved.recorder.path
        assert read_record(path).status is SessionStatus.IN_PROGRESS

        await pilot.press("q")  # quitting asks first
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        assert "Quit without saving this session?" in screen_text(app)
        await pilot.press("n")
        await pilot.pause()
        assert app.screen is summary and app.is_running

        await pilot.press("r")  # still full
        await pilot.pause()
        assert "not saved yet" in text_of(app, "#summary-title")

        store.full = False  # space comes back: the next try (the timer's, or r) completes the record
        assert app.flow.retry_save()
        await pilot.pause()
        summary._show_save_state()
        assert read_record(path).status is SessionStatus.COMPLETED
        assert text_of(app, "#summary-title").endswith("— finished")
        assert text_of(app, "#not-saved") == ""
        assert store.live.held_marker(path) is None  # nothing left to resume
        await pilot.press("q")  # saved: no question
        await pilot.pause()
    assert app.return_code == 0


async def test_ctrl_q_and_leaving_the_summary_while_unsaved(make_app, clock, tmp_path):
    store = full_disk_store(tmp_path)
    app = make_app(record_store=store, settings=NO_CHECKIN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await run_for(pilot, clock, 5)
        store.full = True
        await run_to_the_end(pilot, clock)
        await pilot.press("enter")  # back to the routines: still retried from there
        await pilot.pause()
        assert isinstance(app.screen, PickerScreen) and app.flow.unsaved is not None
        await pilot.press("ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmDialog)
        await pilot.press("y")  # quit anyway
        await pilot.pause()
    assert not app.is_running


async def test_hostile_records_on_the_history_and_detail_screens(make_app, clock, tmp_path):
    store = RecordStore(tmp_path / "sessions", tmp_path / "index.sqlite3", live_dir=tmp_path / "live")
    record = make_record(started_at(), note=f"note {HOSTILE}")
    moves = tuple(replace(move, name=f"{move.name} {HOSTILE}") for move in record.moves)
    record = replace(record, routine_title=f"Desk {HOSTILE}", moves=moves)
    path = record_path(store.root, record)
    path.parent.mkdir(parents=True)
    path.write_bytes(dumps(record))
    app = make_app(record_store=store)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        await pilot.press("h")
        for _ in range(50):
            await pilot.pause()
            if isinstance(app.screen, HistoryScreen) and app.screen.loaded:
                break
        text = screen_text(app)
        assert "Desk \\x1b]0;p" in text  # spelled out (and cut to the column)
        assert unsafe_in(text.encode()) is None
        await pilot.press("f")  # the routine filter names the title too
        await pilot.pause()
        assert unsafe_in(screen_text(app).encode()) is None
        await pilot.press("f", "enter")
        await pilot.pause()
        text = screen_text(app)
        assert "note \\x1b]0;pwned" in text and unsafe_in(text.encode()) is None


async def test_notices_are_printable(make_app, clock, monkeypatch):
    """Every notice passes `printable` on its way to Textual (many quote a file's name or content)."""
    from textual.app import App

    reached: list[tuple[str, str]] = []
    monkeypatch.setattr(App, "notify", lambda self, message, *, title="", **options: reached.append((message, title)))
    app = make_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        app.notify(f"bad file {HOSTILE}", title=f"t {HOSTILE}")
        app.screen.notify(f"from a screen {HOSTILE}")
    assert reached[-2][0].startswith("bad file \\x1b]0;pwned\\x07") and reached[-2][1].startswith("t \\x1b]0;")
    assert reached[-1][0].startswith("from a screen \\x1b]0;pwned")
    assert all(unsafe_in(f"{message}{title}".encode()) is None for message, title in reached)


class _BrokenSimpleaudio(importlib.abc.MetaPathFinder):
    """`import simpleaudio` raising what a broken install raises: not an ImportError."""

    def find_spec(self, name, path=None, target=None):
        if name == "simpleaudio":
            raise RuntimeError("ALSA lib: ABI mismatch")
        return None


async def test_simpleaudio_raising_anything_falls_back_and_the_session_runs(make_app, clock, monkeypatch):
    monkeypatch.delitem(sys.modules, "simpleaudio", raising=False)
    monkeypatch.setattr(sys, "meta_path", [_BrokenSimpleaudio(), *sys.meta_path])
    player = make_player(enabled=True, volume=0.5)
    assert isinstance(player, BellPlayer) and player.backend is Backend.BELL
    assert "simpleaudio cannot be loaded (RuntimeError: ALSA lib: ABI mismatch)" in player.notice
    app = make_app(player=player, settings=NO_CHECKIN)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        await run_to_the_end(pilot, clock)
        assert isinstance(app.screen, SummaryScreen)
        assert text_of(app, "#summary-title").endswith("finished")


# -- the real program in a pseudo-terminal ---------------------------------------------------------------

ptyrun = pytest.importorskip("benchmarks.ptyrun")

ALT_SCREEN_OFF = b"\x1b[?1049l"
MOUSE_OFF = b"\x1b[?1000l"


def _spawn(home, env_extra=None):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "PYTHONUTF8"))}
    env.update(TERM="xterm-256color", BACKRELIEF_HOME=str(home), PYTHONPATH=str(ROOT), LANG="C.UTF-8")
    env.update(env_extra or {})
    return ptyrun.spawn([sys.executable, "-m", "backrelief_tui"], env=env, size=(100, 30))


def _until_drawn(process) -> None:
    deadline = time.monotonic() + 30
    while b"low-back relief" not in process.output and time.monotonic() < deadline and not process.poll():
        process.pump(0.2)
    assert b"low-back relief" in process.output, process.output[-2000:]
    process.pump(0.5)


@pytest.mark.parametrize("signal_number", [signal.SIGTERM, signal.SIGHUP])
def test_a_signal_restores_the_terminal(home, signal_number):
    process = _spawn(home)
    try:
        _until_drawn(process)
        drawn = len(process.output)
        os.kill(process.pid, signal_number)
        assert process.wait(20), "the app did not end"
        after = bytes(process.output[drawn:])
        assert ALT_SCREEN_OFF in after and MOUSE_OFF in after, after[-500:]
        assert os.WIFEXITED(process.status) and os.WEXITSTATUS(process.status) == 128 + signal_number
        assert b"Traceback" not in process.output
    finally:
        process.stop()


def test_an_ascii_locale_still_draws_boxes(home):
    process = _spawn(home, {"LC_ALL": "C", "PYTHONUTF8": "0", "LANG": "C"})
    try:
        _until_drawn(process)
        assert b"\\u25" not in process.output and b"\\u2" not in process.output  # nothing drawn as an escape
        assert "─".encode() in process.output or "━".encode() in process.output or "▔".encode() in process.output
        process.send(b"\x11")  # ctrl+q
        assert process.wait(20)
    finally:
        process.stop()
