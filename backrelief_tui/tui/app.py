"""The Textual app: one factory (`build_app`) for `backrelief`, the Pilot tests and the snapshots.

Screens: the picker is the base screen; a session is pushed on top of it and replaced
by its summary when it ends; help and the stop question are modals. Everything the app
needs from outside (settings, library, clock, sound player, record store, how to save
settings) is passed in, so tests build the real app with fakes.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App
from textual.binding import Binding
from textual.theme import Theme

from backrelief_tui.core.library import Library, find_routine, load_library
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.routine import Problem, Routine
from backrelief_tui.core.settings import Settings, load_settings
from backrelief_tui.core.settings import save_settings as default_save_settings
from backrelief_tui.tui.recording import RecordingMixin
from backrelief_tui.tui.screens.picker import PickerScreen

if TYPE_CHECKING:
    from textual.command import Provider

    from backrelief_tui.core.engine import Engine
    from backrelief_tui.core.store import RecordStore
    from backrelief_tui.tui.screens.session import Recorder

# Startup stays lean: only the picker and what it needs load before the first frame;
# the session screen, the palette provider, the record store and the sound player load
# when first used.

BENCH_EXIT_VARIABLE = "BACKRELIEF_BENCH_EXIT_ON_READY"
"""Set by `benchmarks/bench_startup.py` only: exit as soon as the picker has been painted."""
MAX_STARTUP_NOTES = 5


def _routine_commands() -> type[Provider]:
    from backrelief_tui.tui.commands import RoutineCommands

    return RoutineCommands


class BackReliefApp(RecordingMixin, App[int]):
    """Pick a routine, follow it, see what you did."""

    CSS_PATH = "app.tcss"
    TITLE = "backrelief"
    COMMANDS = App.COMMANDS | {_routine_commands}
    BINDINGS = [Binding("question_mark", "help", "Help", key_display="?", show=False)]

    def __init__(
        self,
        *,
        settings: Settings,
        library: Library,
        clock: Callable[[], float],
        player: Any,
        problems: Sequence[Problem | str] = (),
        start_routine: str | None = None,
        record_store: Any = None,
        record_store_factory: Callable[[], RecordStore] | None = None,
        save_settings: Callable[[Settings], None] = default_save_settings,
        player_factory: Callable[..., Any] | None = None,
    ) -> None:
        super().__init__()
        self.settings = settings
        self.library = library
        self.clock = clock
        self.player = player  # None until `ensure_player()` when a factory is given
        self._record_store = record_store
        self._record_store_factory = record_store_factory
        self.exit_when_ready = False
        self._save_settings = save_settings
        self._player_factory = player_factory
        self._start_routine = start_routine
        self._notes = [str(problem) for problem in problems]
        self._notices_shown: set[str] = set()
        if settings.theme in self.available_themes:
            self.theme = settings.theme
        else:
            self._notes.append(f"settings: theme: {settings.theme!r} is not a theme here; using {self.theme}")

    def get_default_screen(self) -> PickerScreen:
        # The picker is the base screen. (As a MODES entry it would cost a full CSS
        # re-parse and restyle before the first frame.)
        return PickerScreen()

    @property
    def record_store(self) -> RecordStore | None:
        """Where sessions are saved; None when this run keeps no records (the tests' default)."""
        if self._record_store is None and self._record_store_factory is not None:
            self._record_store = self._record_store_factory()
        return self._record_store

    def on_mount(self) -> None:
        self.theme_changed_signal.subscribe(self, self._theme_changed)
        shown = self._notes[:MAX_STARTUP_NOTES]
        for note in shown:
            self.notify(note, severity="warning", timeout=12, markup=False)
        if len(self._notes) > len(shown):
            self.notify(f"… and {len(self._notes) - len(shown)} more: run `backrelief validate` on your routines.",
                        severity="warning", timeout=12, markup=False)
        if self.player is not None:
            self.show_player_notice()
        if self._start_routine:
            self.start_named_routine(self._start_routine)

    def on_ready(self) -> None:
        if not gc.isenabled():  # paused for start-up by `backrelief` (__main__)
            gc.freeze()
            gc.enable()
        if self.exit_when_ready:
            self.call_after_refresh(self.exit, 0)
            return
        self.call_after_refresh(self.ensure_player)  # after the first frame: opening audio takes a while
        # After the first frame too: reading the records must not delay the picker.
        self.check_interrupted()  # records: offer to resume a session cut short < 1 h ago

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
        """Push a session for `routine` on top of the picker."""
        from backrelief_tui.core.engine import Engine
        from backrelief_tui.tui.screens.session import SessionScreen

        self.ensure_player()
        if isinstance(self.screen, SessionScreen) and not self.screen.engine.over:
            self.notify("A session is running: stop it first (q).", severity="warning", markup=False)
            return
        plan = plan_session(routine, self.settings)
        if not plan.steps:
            self.notify(f"{routine.title} has nothing to do.", severity="warning", markup=False)
            return
        while len(self.screen_stack) > 1:  # back to the picker (e.g. from a summary)
            self.pop_screen()
        engine = Engine(plan, clock=self.clock)
        recorder = self.make_recorder(routine, engine)
        self.ask_pain_before(recorder, lambda: self.push_screen(SessionScreen(  # records: 0-10 check-in first
            engine, title=routine.title, player=self.player, clock=self.clock, recorder=recorder)))

    def make_recorder(self, routine: Routine, engine: Engine) -> Recorder | None:
        """The recorder that saves this session as it goes, or None when there is no record store.

        The history feature fills this in; the session screen calls `update` after every
        engine call that returned events and `finish` once at the end.
        """
        return self.new_recorder(routine, engine)

    # -- sound ------------------------------------------------------------------------------

    def ensure_player(self) -> Any:
        """The sound player, made on first use (the factory opens the audio device)."""
        if self.player is None:
            if self._player_factory is not None:
                self.player = self._player_factory(enabled=self.settings.sound, volume=self.settings.volume)
            else:
                from backrelief_tui.audio import SilentPlayer

                self.player = SilentPlayer()
            self.show_player_notice()
        return self.player

    def show_player_notice(self) -> None:
        """Say once why sound fell back (the player sets `notice` when it gives up)."""
        notice = getattr(self.player, "notice", None)
        if notice and notice not in self._notices_shown:
            self._notices_shown.add(notice)
            self.notify(notice, title="Sound", severity="warning", timeout=10, markup=False)

    # -- settings -----------------------------------------------------------------------------

    def update_settings(self, new: Settings) -> None:
        """Use `new` from now on and save it; a failed save is shown, never raised."""
        old, self.settings = self.settings, new
        self._follow_sound_settings(old, new)
        try:
            self._save_settings(new)
        except OSError as error:
            self.notify(f"Could not save settings: {error.strerror or error}", severity="error",
                        timeout=10, markup=False)

    def _follow_sound_settings(self, old: Settings, new: Settings) -> None:
        if self.player is None:
            return  # not made yet: it will be made from the new settings
        if new.sound != old.sound and self._player_factory is not None:
            muted = getattr(self.player, "muted", False)
            self.player = self._player_factory(enabled=new.sound, volume=new.volume)
            self.player.muted = muted
            self.show_player_notice()
        elif new.volume != old.volume and hasattr(self.player, "volume"):
            try:
                self.player.volume = new.volume
            except AttributeError:  # a player whose volume is fixed
                pass

    def _theme_changed(self, theme: Theme) -> None:
        # The theme choice sticks between runs.
        if theme.name != self.settings.theme:
            self.update_settings(replace(self.settings, theme=theme.name))

    # -- actions ------------------------------------------------------------------------------

    def action_help(self) -> None:
        from backrelief_tui.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())


def build_app(
    *,
    settings: Settings | None = None,
    settings_problems: Iterable[Problem] = (),
    library: Library | None = None,
    clock: Callable[[], float] = time.monotonic,
    player: Any = None,
    start_routine: str | None = None,
    record_store: Any = None,
    record_store_factory: Callable[[], RecordStore] | None = None,
    save_settings: Callable[[Settings], None] | None = None,
    player_factory: Callable[..., Any] | None = None,
) -> BackReliefApp:
    """The app with everything it depends on injected; defaults suit tests (silent, no records).

    With `player=None` and a `player_factory`, the player is made just after the first
    frame (or when a session starts), so that opening the audio device never delays the
    picker; with neither, the app is silent. Likewise `record_store_factory` makes the
    record store on first use.
    """
    if library is None:
        library = load_library()
    if player is None and player_factory is None:
        from backrelief_tui.audio import SilentPlayer

        player = SilentPlayer()
    return BackReliefApp(
        settings=settings or Settings(),
        library=library,
        clock=clock,
        player=player,
        problems=[*library.problems, *settings_problems],
        start_routine=start_routine,
        record_store=record_store,
        record_store_factory=record_store_factory,
        save_settings=save_settings or default_save_settings,
        player_factory=player_factory,
    )


def _make_player(*, enabled: bool, volume: float) -> Any:
    from backrelief_tui.audio import make_player

    return make_player(enabled=enabled, volume=volume)


def _open_record_store() -> RecordStore:
    from backrelief_tui.core.store import RecordStore

    return RecordStore()


def run_app(routine_name: str | None = None) -> int:
    """Run the TUI for real: the user's settings and routines, the best sound player there is."""
    library = load_library()
    settings, problems = load_settings()
    app = build_app(settings=settings, settings_problems=problems, library=library, player=None,
                    start_routine=routine_name, record_store_factory=_open_record_store,
                    player_factory=_make_player)
    app.exit_when_ready = bool(os.environ.get(BENCH_EXIT_VARIABLE))
    app.run()
    return app.return_code or 0
