"""Screen styles kept in .tcss files beside each screen, loaded as DEFAULT_CSS.

Not CSS_PATH: a screen's CSS_PATH makes Textual re-parse every stylesheet of the app
and restyle every widget the first time that screen is shown. That cost landed before
the picker's first frame, took a fifth of the history screen's opening time, and
delayed every session's first screen (check-in 87 -> 65 ms, session 106 -> 71 ms from
the key press to the screen, measured in a pty). DEFAULT_CSS is parsed once, with the
widget classes' own styles, and scoped to the screen class. The price: no live reload
of these files under `textual run --dev`.
"""

from __future__ import annotations

from pathlib import Path


def beside(module_file: str, name: str) -> str:
    """The text of the stylesheet `name` in the folder of `module_file` (a module's __file__)."""
    return Path(module_file).with_name(name).read_text(encoding="utf-8")
