"""Where things live.

Settings and the user's own routines go in the config folder, session records in
the data folder (platformdirs): those two are the person's own files, fit to sync.
What belongs to this machine only goes elsewhere: the history index and rendered
speech (caches that can be deleted at any time) in the cache folder, the markers of
live sessions and the break nudges' state in the state folder. `BACKRELIEF_HOME`
puts all four under one folder, which is what the tests and a synced-folder set-up use. The built-in routines and
sounds ship inside the wheel; in a checkout they are the top-level folders.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import platformdirs

APP_NAME = "backrelief"
HOME_VARIABLE = "BACKRELIEF_HOME"
PACKAGE_DIR = Path(__file__).resolve().parents[1]


def _home() -> Path | None:
    value = os.environ.get(HOME_VARIABLE)
    return Path(value).expanduser() if value else None


def config_dir() -> Path:
    home = _home()
    return home / "config" if home else platformdirs.user_config_path(APP_NAME)


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else platformdirs.user_data_path(APP_NAME)


def cache_dir() -> Path:
    """What can be thrown away at any time (rendered speech, the history index): per machine, never synced."""
    home = _home()
    return home / "cache" if home else platformdirs.user_cache_path(APP_NAME)


def state_dir() -> Path:
    """Per-machine state that must not be synced (the markers of sessions running now, the nudges' state)."""
    home = _home()
    return home / "state" if home else platformdirs.user_state_path(APP_NAME)


def settings_file() -> Path:
    return config_dir() / "settings.toml"


def user_routines_dir() -> Path:
    return config_dir() / "routines"


def sessions_dir() -> Path:
    return data_dir() / "sessions"


JOURNAL_NAME = "journal.toml"


def journal_file() -> Path:
    """The journal (core/journal.py): the safety checks, next-morning answers and progression decisions."""
    return data_dir() / JOURNAL_NAME


def index_file() -> Path:
    return cache_dir() / "index.sqlite3"


def live_dir() -> Path:
    """The markers of sessions running now, per machine: a synced BACKRELIEF_HOME must not share them."""
    import socket  # here: every command imports this module, and socket costs a few ms

    host = re.sub(r"[^A-Za-z0-9._-]", "_", socket.gethostname())[:64] or "host"
    return state_dir() / "live" / host


def shipped_dir(name: str) -> Path:
    """A data folder shipped with the app: inside the wheel, or the checkout's top level."""
    packaged = PACKAGE_DIR / "_data" / name  # where the wheel puts them (pyproject.toml)
    return packaged if packaged.is_dir() else PACKAGE_DIR.parent / name


def builtin_routines_dir() -> Path:
    return shipped_dir("routines")


def sounds_dir() -> Path:
    return shipped_dir("sounds")
