"""Files with an mtime well in the past: a kept result (core/kept.py) is never made from a file changed in the
last two seconds (`kept.RACY_NS`), so the tests of the caches give their inputs an older one."""

from __future__ import annotations

import os
import time
from pathlib import Path

_AGO = 0


def aged(path: Path) -> Path:
    """Give `path` an mtime a minute ago (a new one each call, as an edit would)."""
    global _AGO
    _AGO += 1
    then = time.time_ns() - 60_000_000_000 - _AGO * 1_000_000
    os.utime(path, ns=(then, then))
    return path


def code_folder(folder: Path, name: str = "code.py") -> Path:
    """A folder standing for the app's code in a kept result's key: one aged `.py` file in it (the tests
    of the caches point the key at it, so a fresh clone, every file just written, keeps as an install does)."""
    folder.mkdir()
    (folder / name).write_text("x = 1\n")
    aged(folder / name)
    return folder
