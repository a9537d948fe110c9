"""Text from routine files, shown exactly as typed.

Routine files are other people's text: `[bold]` must not become markup and an escape
sequence must not reach the terminal. The loader already refuses control characters;
this is the second line of defence for anything that got past it (a routine built in
code, a future field): control characters are shown as `\\x1b`-style escapes.
"""

from __future__ import annotations

import re

from textual.content import Content

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def visible(text: str) -> str:
    """`text` with every control character (but tab and newline) spelled out as `\\xNN`."""
    return _CONTROL.sub(lambda match: f"\\x{ord(match.group()):02x}", text).replace("\t", " ")


def literal(text: str, style: str = "") -> Content:
    """Content that shows `text` literally: no markup, no escape sequences."""
    return Content.styled(visible(text), style) if style else Content(visible(text))
