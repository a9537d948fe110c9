"""Fixtures for the Pilot tests: a fake clock, a library with the tiny routine, the app factory."""

from __future__ import annotations

from pathlib import Path

import pytest

from backrelief_tui.core.library import Library, load_library
from backrelief_tui.core.settings import Settings
from backrelief_tui.tui.app import BackReliefApp, build_app
from tests.fakes import FakeClock

# Re-exported: tests import these from here as well as from tests.ui.helpers.
from tests.ui.helpers import (  # noqa: F401
    ROUTINES,
    TINY_SETTINGS,
    FakeRecorder,
    RecordingPlayer,
    screen_text,
    summary_rows,
    text_of,
    tiny_routine,
)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    """Never touch the real settings: everything lives under a temporary BACKRELIEF_HOME."""
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture(scope="session")
def builtin_library() -> Library:
    return load_library(ROUTINES, Path("/nonexistent"))


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def saved() -> list[Settings]:
    return []


@pytest.fixture
def make_app(clock, saved, builtin_library):
    """Build the real app around fakes; keyword arguments override the defaults."""

    def make(**overrides) -> BackReliefApp:
        options = dict(
            settings=TINY_SETTINGS,
            library=Library(routines={"tiny": tiny_routine(), **builtin_library.routines},
                            moves=dict(builtin_library.moves)),
            clock=clock,
            player=RecordingPlayer(),
            save_settings=saved.append,
        )
        options.update(overrides)
        return build_app(**options)

    return make
