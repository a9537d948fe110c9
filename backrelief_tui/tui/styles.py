"""Screen styles kept in .tcss files but loaded as DEFAULT_CSS.

A screen's CSS_PATH makes Textual re-parse every stylesheet of the app and restyle
every widget when that screen is first shown (tens of milliseconds: a fifth of the
history screen's opening time, and before the picker's first frame). DEFAULT_CSS is
parsed once, with the widget classes' own styles. The other screens keep CSS_PATH
(Textual reloads it live under `textual run --dev`): they pay once per run, when
first shown, not before the first frame.
"""

from __future__ import annotations

from pathlib import Path


def beside(module_file: str, name: str) -> str:
    """The text of the stylesheet `name` in the folder of `module_file` (a module's __file__)."""
    return Path(module_file).with_name(name).read_text(encoding="utf-8")
