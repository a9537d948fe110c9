"""What most commands start from: the routine library and the settings, problems as warnings."""

from __future__ import annotations

import sys
from typing import TextIO

from backrelief_tui.core.library import Library, load_library
from backrelief_tui.core.settings import Settings, load_settings


def load_context(out: TextIO | None = None) -> tuple[Library, Settings]:
    """Library and settings; each problem in them is one warning line, and the rest still works."""
    out = out or sys.stderr
    library = load_library()
    settings, problems = load_settings()
    for problem in [*library.problems, *problems]:
        print(f"warning: {problem}", file=out)
    return library, settings
