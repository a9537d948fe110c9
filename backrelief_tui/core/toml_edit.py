"""Change a few top-level keys of a TOML file the person owns, and every other byte stays.

A session file may carry comments or keys added by hand; rewriting it from the parsed
data would drop the comments and reorder what is left. So a change is made as a text
edit: the key's value (which may span lines) is replaced, its lines removed or, for a new
key, a line inserted before the first table. Every candidate edit is parsed again and kept
only if the file then reads exactly as intended; when none does, nothing is changed.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from typing import Any

import tomli_w

_MISSING = object()


def set_top_level(raw: bytes, values: dict[str, Any]) -> bytes | None:
    """`raw` with each top-level key in `values` set (None: removed); None when no safe edit exists."""
    text = _decode(raw)
    if text is None:
        return None
    data = _parse(text)
    if data is None:
        return None
    for key, value in values.items():
        if data.get(key, _MISSING) == value or value is None and key not in data:
            continue
        wanted = {k: v for k, v in data.items() if k != key}
        if value is not None:
            wanted[key] = value
        edited = _edit(text, data, key, value, wanted)
        if edited is None:
            return None
        text, data = edited, wanted
    return text.encode("utf-8")


def _edit(text: str, data: dict[str, Any], key: str, value: Any, wanted: dict[str, Any]) -> str | None:
    for candidate in _candidates(text, data, key, value):
        if _parse(candidate) == wanted:
            return candidate
    return None


def _candidates(text: str, data: dict[str, Any], key: str, value: Any) -> Iterator[str]:
    """Edits that may do it, the smallest first; the caller keeps the first that reads right.

    A changed value replaces the old one (which may run over several lines) and keeps the
    spacing around `=` and a comment after it; a removed key loses its lines; a new key
    goes before the first table.
    """
    literal = "" if value is None else tomli_w.dumps({"x": value})[len("x = "):].rstrip("\n")
    line_ends = [m.start() for m in re.finditer("\n", text)] + [len(text)]
    for match in re.finditer(rf"^[ \t]*{re.escape(key)}[ \t]*=[ \t]*", text, re.M):
        for end in (end for end in line_ends if end >= match.end()):
            if value is None:
                yield text[:match.start()] + text[end + 1:]
                continue
            line_start = text.rfind("\n", 0, end) + 1
            # A trailing comment: a `#` after which the line can go without changing the file (not one in a string).
            comments = [line_start + m.start() for m in re.finditer(r"[ \t]*#", text[line_start:end])
                        if _parse(text[:line_start + m.start()] + text[end:]) == data]
            for at in [*comments[:1], end]:
                yield text[:match.end()] + literal + text[at:end] + text[end:]
    if value is not None:
        line = tomli_w.dumps({key: value})
        for start in _insert_points(text):
            yield text[:start] + line + text[start:]


def _insert_points(text: str) -> list[int]:
    """Before each table header (a new top-level key must come before the first), else the end."""
    points = [m.start() for m in re.finditer(r"^[ \t]*\[", text, re.M)]
    if not text or text.endswith("\n"):
        points.append(len(text))
    return points


def _decode(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _parse(text: str) -> dict[str, Any] | None:
    try:
        return tomllib.loads(text)
    except (tomllib.TOMLDecodeError, RecursionError):
        return None
