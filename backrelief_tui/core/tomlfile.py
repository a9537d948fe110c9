"""Bytes -> TOML table, or the reason why not: one reader for routines, settings and records."""

from __future__ import annotations

import tomllib
from typing import Any


def parse_toml(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """The TOML table in `raw` and "", or None and why it cannot be read. Never raises."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return None, f"not UTF-8 text (bad byte at offset {error.start})"
    try:
        return tomllib.loads(text), ""
    except tomllib.TOMLDecodeError as error:
        return None, f"not valid TOML (cut short or edited by hand?): {error}"
    except (RecursionError, MemoryError):
        # tomllib recurses per nesting level: `[[[[...` thousands deep must not crash us.
        return None, "not valid TOML: nested too deeply to read"
