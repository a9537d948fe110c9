"""The Textual app and its one factory, `build_app`, used by `backrelief`, the Pilot tests and the snapshots.

Screens: the picker is the base screen; a session is pushed on top of it and replaced
by its summary when it ends (`session_flow.py` owns that way through); history,
settings, the editor and the builder are pushed from the picker; dialogs are modals.
Everything the app needs from outside (settings, library, clocks, sound player, record
store, recorders, how to save settings) is passed in, so tests build the real app
with fakes and nothing is patched.
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import gc
import io
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import App
from textual.binding import Binding
from textual.theme import Theme

from backrelief_tui.core import paths
from backrelief_tui.core.clock import Clock, WallClock, local_now
from backrelief_tui.core.library import Library, find_routine, kept_library, load_library
from backrelief_tui.core.routine import Problem, Routine
from backrelief_tui.core.settings import Settings, SettingsFile, kept_settings
from backrelief_tui.core.text import printable
from backrelief_tui.tui.base import AppScreen
from backrelief_tui.tui.kept_css import keep_parsed_css
from backrelief_tui.tui.screens.picker import PickerScreen
from backrelief_tui.tui.session_flow import PlayerFactory, RecorderFactory, SessionFlow, StoreFactory

if TYPE_CHECKING:
    from textual.command import Provider
    from textual.notifications import SeverityLevel

    from backrelief_tui.audio import Player
    from backrelief_tui.core.store import RecordStore

# Start-up stays lean: only the picker and what it needs load before the first frame;
# the session screens, the palette provider, the record store and the sound player load
# when first used.

BENCH_EXIT_VARIABLE = "BACKRELIEF_BENCH_EXIT_ON_READY"
"""Set by `benchmarks/bench_startup.py` only: exit once the picker is painted and start-up's work after
it (the sound player, the interrupted-session check, the journal) is done."""
MAX_STARTUP_NOTES = 5

SettingsSaver = Callable[[Settings], "Settings | None"]
"""Saves the settings; may return what was written (the file's merge with what others saved meanwhile)."""


def _routine_commands() -> type[Provider]:
    from backrelief_tui.tui.palette import RoutineCommands

    return RoutineCommands


class BackReliefApp(App[int]):
    """Pick a routine, follow it, see what you did."""

    CSS_PATH = "app.tcss"
    TITLE = "backrelief"
    COMMANDS = App.COMMANDS | {_routine_commands}
    BINDINGS = [Binding("question_mark", "help", "Help", key_display="?", show=False)]

    def __init__(self, *, settings: Settings, library: Library, flow: SessionFlow,
                 save_settings: SettingsSaver, problems: Iterable[Problem | str] = (),
                 start_routine: str | None = None) -> None:
        super().__init__()
        self.settings = settings
        self.library = library
        self.flow = flow
        flow.bind(self)
        self.start_routine_name = start_routine
        self.exit_when_ready = False
        self.handle_signals = False  # SIGTERM and SIGHUP end the app as quitting does (`run_app` only)
        self._save_settings = save_settings
        self._notes = [str(problem) for problem in problems]
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        else:
            self._notes.append(f"settings: theme: {settings.theme!r} is not a theme here; using {self.theme}")

    def notify(self, message: str, *, title: str = "", severity: SeverityLevel = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every notice passes `printable`: many quote a file's name or content (a problem, a
        record's title, a path), and none may act on the terminal."""
        super().notify(printable(message, multiline=True), title=printable(title), severity=severity,
                       timeout=timeout, markup=markup)

    def get_default_screen(self) -> PickerScreen:
        # The picker is the base screen. (As a MODES entry it would cost a full CSS
        # re-parse and restyle before the first frame.)
        return PickerScreen()

    def on_mount(self) -> None:
        if self.handle_signals:
            self._end_on_signals()
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        shown = self._notes[:MAX_STARTUP_NOTES]
        for note in shown:
            self.notify(note, severity="warning", timeout=12, markup=False)
        if len(self._notes) > len(shown):
            self.notify(f"… and {len(self._notes) - len(shown)} more: run `backrelief validate` on your routines.",
                        severity="warning", timeout=12, markup=False)
        if self.flow.player_made:
            self.flow.show_player_notice()
        if self.start_routine_name:
            self.start_named_routine(self.start_routine_name)

    def on_ready(self) -> None:
        if not gc.isenabled():  # paused for start-up by `backrelief` (__main__)
            gc.freeze()
            gc.enable()
        # After the first frame: opening audio takes a while, and reading the records
        # must not delay the picker.
        self.call_after_refresh(lambda: self.flow.player)
        self.flow.asking.at_start()  # the journal is read first: the start-up thread asks it about the morning
        self.flow.check_interrupted()
        if self.exit_when_ready:  # the benchmark: once all of start-up's work is done, as a person's start does it
            self.set_interval(0.02, self._exit_when_started)

    def _exit_when_started(self) -> None:
        if self.flow.player_made and all(worker.is_finished for worker in self.workers):
            self.exit(0)

    # -- sessions ---------------------------------------------------------------------------

    def start_named_routine(self, name: str) -> None:
        """Start a routine given by id or by the path of a routine file (`backrelief run`)."""
        routine, problems = find_routine(name, self.library)
        if routine is None:
            for problem in problems:
                self.notify(str(problem), severity="error", timeout=12, markup=False)
            return
        self.start_routine(routine)

    def start_routine(self, routine: Routine) -> None:
        if (picker := self.picker()) is not None:
            picker.highlight(routine.id)
        self.flow.start(routine)

    def picker(self) -> PickerScreen | None:
        """The picker: the default screen, at the bottom of the stack (None before it is pushed)."""
        base = self.screen_stack[0] if self.screen_stack else None
        return base if isinstance(base, PickerScreen) else None

    # -- settings -----------------------------------------------------------------------------

    def update_settings(self, new: Settings) -> None:
        """Use `new` from now on and save it; a failed save is shown, never raised.

        The save merges with the file as it is now (`SettingsFile`): what `backrelief set`
        changed while the app was open is kept, and from then on used here too.
        """
        old, self.settings = self.settings, new
        self.flow.follow_sound_settings(old, new)
        try:
            written = self._save_settings(new)
        except OSError as error:
            self.notify(f"Could not save settings: {error.strerror or error}", severity="error",
                        timeout=10, markup=False)
            return
        if written is not None and written != new and self.settings is new:
            self.settings = written
            self.flow.follow_sound_settings(new, written)

    # -- signals ------------------------------------------------------------------------------

    def _end_on_signals(self) -> None:
        """SIGTERM (kill, a logout) and SIGHUP (the terminal closed) end the app the way quitting does.

        Through the event loop, not a bare signal handler: the exit then runs as any other
        (the terminal leaves the alternate screen and mouse reporting), and the session in
        progress is saved first (it is offered again at the next start).
        """
        loop = asyncio.get_running_loop()
        for number in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(number, self._ended_by_signal, number)

    def _ended_by_signal(self, number: int) -> None:
        self.flow.save_before_exit()
        self.exit(return_code=128 + number)

    def _theme_changed(self, theme: Theme) -> None:
        # The theme choice sticks between runs.
        if theme.name != self.settings.theme:
            self.update_settings(replace(self.settings, theme=theme.name))

    def show_safety_state(self) -> None:
        """The picker's safety note and clinician reminder, after the journal changed."""
        if self.flow.asking.check_answered and not self.settings.safety_acknowledged:
            # The note has done its job (the picker hides it). Saying so in the settings too lets the next
            # start, which reads them before its first frame and the journal only after it, leave it out
            # from the start instead of showing it for an instant.
            self.update_settings(replace(self.settings, safety_acknowledged=True))
        if (picker := self.picker()) is not None:
            picker.show_safety()

    # -- actions ------------------------------------------------------------------------------

    async def action_quit(self) -> None:
        """ctrl+q (and the summary's q): during a session, the same question as `q`, so no step is lost;
        with a session record not saved yet (a full disk), a question first."""
        from backrelief_tui.tui.screens.session import SessionScreen

        session_screen = next((screen for screen in self.screen_stack if isinstance(screen, SessionScreen)), None)
        if session_screen is not None and not session_screen.engine.over:
            if self.screen is session_screen:
                session_screen.action_quit_session()
            return  # a dialog is over the session: answer it first
        unsaved = self.flow.unsaved
        if unsaved is not None and not self.flow.retry_save():
            from backrelief_tui.tui.dialogs.confirm import ConfirmDialog

            if isinstance(self.screen, ConfirmDialog):
                return  # already asking
            self.push_screen(ConfirmDialog(
                "Quit without saving this session?",
                f"Its record could not be saved: {self.flow.not_saved(unsaved)} It is tried again every "
                f"{self.flow.retry_seconds:g} s while the app is open. Quit now and the record keeps only "
                "the steps saved before.", yes="Quit anyway", no="Stay"),
                lambda quit_anyway: self.exit() if quit_anyway else None)
            return
        self.exit()

    def action_help(self) -> None:
        from backrelief_tui.tui.dialogs.help import HelpDialog

        screen = self.screen
        if isinstance(screen, HelpDialog):
            return
        sections = screen.help_sections() if isinstance(screen, AppScreen) else []
        note = screen.HELP_NOTE if isinstance(screen, AppScreen) else ""
        self.push_screen(HelpDialog(sections, note))

    def action_history(self) -> None:
        from backrelief_tui.tui.screens.history import HistoryScreen

        store = self.flow.store
        if store is None:
            self.notify("Session history is off in this run.", timeout=4)
        elif not isinstance(self.screen, HistoryScreen):
            self.push_screen(HistoryScreen(store, today=self.flow.wall_clock().date()))


def build_app(
    *,
    settings: Settings | None = None,
    settings_problems: Iterable[Problem] = (),
    library: Library | None = None,
    clock: Clock = time.monotonic,
    wall_clock: WallClock = local_now,
    player: Player | None = None,
    player_factory: PlayerFactory | None = None,
    record_store: RecordStore | None = None,
    record_store_factory: StoreFactory | None = None,
    recorder_factory: RecorderFactory | None = None,
    start_routine: str | None = None,
    save_settings: SettingsSaver | None = None,
    journal_path: Path | None = None,
) -> BackReliefApp:
    """The app with everything it depends on injected; defaults suit tests (silent, no records).

    With no `player` and a `player_factory`, the player is made just after the first frame
    (or when a session starts), so that opening the audio device never delays the picker;
    with neither, the app is silent. Likewise `record_store_factory` makes the record store
    on first use; `recorder_factory` makes each session's recorder from it (by default a
    `Recorder` on the store, or none when there is no store). Settings are saved to the
    settings file, merged with what is there (`SettingsFile`), unless `save_settings` is given.
    With a `journal_path` (core/journal.py) the app asks the red-flag check and the next-morning
    question, and the summary suggests progressions (tui/asking.py); without one it does none of these.
    """
    if library is None:
        library = load_library()
    flow = SessionFlow(clock=clock, wall_clock=wall_clock, player=player, player_factory=player_factory,
                       record_store=record_store, record_store_factory=record_store_factory,
                       recorder_factory=recorder_factory, journal_path=journal_path)
    settings = settings or Settings()
    return BackReliefApp(settings=settings, library=library, flow=flow,
                         save_settings=save_settings or SettingsFile(settings),
                         problems=[*library.problems, *settings_problems], start_routine=start_routine)


def _make_player(*, enabled: bool, volume: float) -> Player:
    from backrelief_tui.audio import make_player

    return make_player(enabled=enabled, volume=volume)


def _open_record_store() -> RecordStore:
    from backrelief_tui.core.store import RecordStore

    return RecordStore()


def run_app(routine_name: str | None = None) -> int:
    """Run the TUI for real: the user's settings and routines, the best sound player there is.

    Without a terminal to read keys from and draw on, it says so and exits (status 1)
    instead of waiting for input that never comes.
    """
    if (missing := _no_terminal()) is not None:
        print(f"backrelief: the app needs a terminal, and {missing} is not one. "
              "The commands work without one: backrelief --help", file=sys.__stderr__ or sys.stdout)
        return 1
    _utf8_terminal()
    library = kept_library()
    settings, problems = kept_settings()
    app = build_app(settings=settings, settings_problems=problems, library=library, start_routine=routine_name,
                    record_store_factory=_open_record_store, player_factory=_make_player,
                    journal_path=paths.journal_file())
    app.exit_when_ready = bool(os.environ.get(BENCH_EXIT_VARIABLE))
    app.handle_signals = True
    stylesheet = keep_parsed_css(app, str(paths.cache_dir() / "css"))  # Textual's CSS, parsed on an earlier start
    app.run()
    stylesheet.keep()  # what this run parsed, for the next start
    return app.return_code or 0


def _no_terminal() -> str | None:
    """Which standard stream the app needs is not a terminal: it reads keys from stdin, draws on stderr."""
    for name, stream in (("standard input", sys.__stdin__), ("standard error", sys.__stderr__)):
        try:
            if stream is None or not os.isatty(stream.fileno()):
                return name
        except (OSError, ValueError):
            return name
    return None


def _utf8_terminal() -> None:
    """Draw in UTF-8 whatever the locale says (`LC_ALL=C` makes Python's stderr ASCII).

    The screen is made of box-drawing and block characters that have no ASCII form, and
    in practice terminals are UTF-8: a C locale comes from a script's or an ssh session's
    environment, rarely from the terminal itself. (The commands, whose output goes to
    files and pipes, keep to the locale's encoding instead.)
    """
    stream = sys.__stderr__
    if isinstance(stream, io.TextIOWrapper):
        with contextlib.suppress(LookupError, ValueError, OSError):
            if codecs.lookup(stream.encoding).name != "utf-8":
                stream.reconfigure(encoding="utf-8", errors="replace")
