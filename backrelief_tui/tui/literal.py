"""Text from files on screen: never markup, never an escape sequence.

`[bold]` in a cue must show as typed, and any control or invisible character shows
spelled out (`core.text.printable`, the one function all file-derived text passes).
"""

from __future__ import annotations

from textual.content import Content

from backrelief_tui.core.text import printable


def visible(text: str) -> str:
    """`text` as it may be shown: controls and invisible characters spelled out (newlines kept)."""
    return printable(text, multiline=True)


def literal(text: str, style: str = "") -> Content:
    """Content that shows `text` literally: no markup, no escape sequences."""
    return Content.styled(visible(text), style) if style else Content(visible(text))
