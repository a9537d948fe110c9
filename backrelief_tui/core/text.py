"""Text that came from a file (or a file name), made safe to show anywhere.

A routine, a settings file, a session record or a file name is someone else's text:
an escape sequence in it could retitle the terminal, clear the screen or write the
clipboard (OSC 52), and a bidi override or a zero-width character could make it read
as something it is not. `printable` is the one function every such string passes
before it reaches a terminal, a CSV cell or a report: each of those characters is
spelled out visibly (`\\x1b`, `\\u202e`) instead of being acted on.
"""

from __future__ import annotations

import re

# C0 controls (but tab and newline), DEL and C1 controls: what escape sequences are made of.
_CONTROLS = "\x00-\x08\x0b-\x1f\x7f-\x9f"
# Characters that change how the text around them reads without showing themselves:
# bidi embeddings, overrides, isolates and marks; zero-width spaces and joiners; the
# word joiner and invisible operators; the line and paragraph separators; the BOM.
_INVISIBLE = "\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ufeff"
_UNSAFE = re.compile(f"[{_CONTROLS}{_INVISIBLE}]")
_UNSAFE_OR_NEWLINE = re.compile(f"[{_CONTROLS}{_INVISIBLE}\n]")


def _spelled(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(text: object, *, multiline: bool = False) -> str:
    """`text` with every control and invisible formatting character spelled out; tabs become spaces.

    Newlines are spelled out too unless `multiline` (a table cell or a CSV field is one line).
    """
    pattern = _UNSAFE if multiline else _UNSAFE_OR_NEWLINE
    return pattern.sub(_spelled, str(text)).replace("\t", " ")


def has_unsafe(text: str) -> bool:
    """True when `text` holds a control or invisible formatting character (newlines count)."""
    return _UNSAFE_OR_NEWLINE.search(text) is not None


def is_invisible(text: str) -> bool:
    """True when nothing in `text` would show: only spaces and invisible characters."""
    return not _UNSAFE_OR_NEWLINE.sub("", text).strip()


# What a JSON encoder leaves raw inside a string (it escapes only C0 controls, quotes and
# backslashes): DEL, C1 controls and the invisible characters. None can appear outside a
# string in JSON text, so escaping them wherever they are keeps the JSON valid and the data exact.
_JSON_RAW = re.compile(f"[\x7f-\x9f{_INVISIBLE}]")


_ASCII_BUT_DEL = bytes(range(0x7f))


def json_safe(text: str) -> str:
    """JSON text (from `json.dumps(..., ensure_ascii=False)`) with every character that could act on
    a terminal written as a `\\uXXXX` escape: the same data, safe to print.

    Looked for among the text's non-ASCII characters and DELs only (`history --json` prints megabytes of
    ASCII): its bytes, without the other ASCII ones, read back as text (UTF-8 keeps each character's
    bytes together). A tenth of the time of searching the whole text with the pattern.
    """
    if text.isascii():
        found = "\x7f" in text
    else:
        try:
            raw, codec = text.encode("latin-1"), "latin-1"  # a copy: most texts have no character above U+00FF
        except UnicodeEncodeError:
            raw, codec = text.encode("utf-8", "surrogatepass"), "utf-8"
        found = _JSON_RAW.search(raw.translate(None, _ASCII_BUT_DEL).decode(codec, "surrogatepass")) is not None
    return _JSON_RAW.sub(lambda match: f"\\u{ord(match.group()):04x}", text) if found else text
