"""What most commands start from: the routine library and the settings, problems as warnings."""

from __future__ import annotations

import sys
from typing import TextIO

from backrelief_tui.commands import fail
from backrelief_tui.core import paths
from backrelief_tui.core.library import Library, kept_library
from backrelief_tui.core.settings import Settings, backup_path, load_settings, save_settings
from backrelief_tui.core.text import printable


def load_context(out: TextIO | None = None) -> tuple[Library, Settings]:
    """Library and settings; each problem in them is one warning line, and the rest still works."""
    out = out or sys.stderr
    library = kept_library()  # as the app opens it: read again only when a routine file (or the code) changed
    settings, problems = load_settings()
    for problem in [*library.problems, *problems]:
        print(f"warning: {problem}", file=out)  # a Problem is made printable as it becomes text
    return library, settings


def save_and_report(settings: Settings, base: Settings | None = None) -> int:
    """Save the settings; a failure is one line (exit 1), a backup of a broken file one note.

    `base`: the settings the command read; only what it changed since is written over the
    file as it is now, so a change the open app saved meanwhile is not undone.
    """
    path = paths.settings_file()
    had_backup = backup_path(path).exists()
    try:
        save_settings(settings, path, base=base)
    except OSError as error:
        return fail(f"cannot save the settings to {path}: {error.strerror or error}")
    if backup_path(path).exists() and not had_backup:
        print(printable(f"note: {path.name} had problems; the old file is kept as {backup_path(path)}"),
              file=sys.stderr)
    return 0
