"""Bytes -> TOML table, or the reason why not: one reader for routines, settings and records."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from backrelief_tui.core.files import MAX_TEXT_BYTES, read_regular

BOM = b"\xef\xbb\xbf"
# No number in any of our files comes near this; beyond it a value is a mistake or an attack
# (printing a 20,000-bit integer from a hex literal raises ValueError in Python >= 3.11).
MAX_INTEGER = 2**63 - 1


def parse_toml(raw: bytes) -> tuple[dict[str, Any] | None, str]:
    """The TOML table in `raw` and "", or None and why it cannot be read. Never raises.

    A UTF-8 byte order mark (Windows Notepad writes one) is skipped. A whole number
    outside ±(2⁶³ − 1) is refused, with where it is: no field of ours takes one.
    """
    try:
        text = raw.removeprefix(BOM).decode("utf-8")
    except UnicodeDecodeError as error:
        return None, f"not UTF-8 text (bad byte at offset {error.start + (len(BOM) if raw.startswith(BOM) else 0)})"
    import tomllib  # here: the app opens without parsing any TOML (the library and the settings are kept)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        return None, f"not valid TOML (cut short or edited by hand?): {error}"
    except ValueError:
        # Python refuses to read a decimal integer of more than 4,300 digits.
        return None, "not usable: a number is far too long (thousands of digits)"
    except (RecursionError, MemoryError):
        # tomllib recurses per nesting level: `[[[[...` thousands deep must not crash us.
        return None, "not valid TOML: nested too deeply to read"
    if (where := _huge_integer(data)) is not None:
        return None, f"not usable: {where or 'a value'} is a number far too large"
    return data, ""


def read_toml_file(path: Path, limit: int = MAX_TEXT_BYTES) -> tuple[dict[str, Any] | None, str]:
    """A regular file of sane size (`core.files`), parsed: the table and "", or None and why not."""
    raw, reason = read_regular(path, limit)
    if raw is None:
        return None, reason
    data, reason = parse_toml(raw)
    return (data, "") if data is not None else (None, f"is {reason}")


def _huge_integer(data: dict[str, Any]) -> str | None:
    """The dotted path of the first integer out of range, or None when there is none.

    Iterative (a list nested thousands deep parses fine, so it must not overflow the stack
    here), and without building a single path unless there is something to report: every
    session record of the history passes here.
    """
    stack: list[Any] = [data]
    while stack:
        value = stack.pop()
        if type(value) is dict:
            stack.extend(value.values())
        elif type(value) is list:
            stack.extend(value)
        elif type(value) is int and not -MAX_INTEGER <= value <= MAX_INTEGER:
            return _path_of_huge(data)
    return None


def _path_of_huge(data: dict[str, Any]) -> str:
    paths: list[tuple[str, Any]] = [("", data)]
    while paths:
        where, value = paths.pop()
        if type(value) is dict:
            paths.extend((f"{where}.{key}" if where else str(key), item) for key, item in value.items())
        elif type(value) is list:
            paths.extend((f"{where}[{number}]", item) for number, item in enumerate(value, 1))
        elif type(value) is int and not -MAX_INTEGER <= value <= MAX_INTEGER:
            return where
    return ""
