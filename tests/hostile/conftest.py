"""Hostile inputs, and the command line run as a person runs it: a real process, real streams.

`run(home, *args)` starts `python -m backrelief_tui` with BACKRELIEF_HOME=home and returns
its exit code and output. `assert_clean` checks what every hostile test asks of any output:
no traceback, and not one control, bidi or zero-width character — in any form a terminal
would act on (raw bytes, or UTF-8 encoded C1 and formatting characters).
"""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

# The app's Pilot fixtures (a fake clock, the tiny routine, `make_app`), for the tests of the app here.
from tests.ui.conftest import builtin_library, clock, make_app, saved  # noqa: F401

ROOT = Path(__file__).parents[2]
TIMEOUT = 60  # seconds: a FIFO that hangs a command fails the test, never the run

# C0 controls but newline, DEL; then, UTF-8 encoded: C1 controls, bidi and zero-width characters, the BOM.
_UNSAFE_BYTES = re.compile(
    rb"[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xd8\x9c|\xe1\xa0\x8e|\xe2\x80[\x8b-\x8f\xa8-\xae]"
    rb"|\xe2\x81[\xa0-\xa4\xa6-\xaf]|\xef\xbb\xbf")

ESC = "\x1b"
TITLE_CHANGE = f"{ESC}]0;pwned{chr(7)}"  # OSC 0: retitles the terminal window
CLEAR_SCREEN = f"{ESC}[2J{ESC}[H"
OSC52 = f"{ESC}]52;c;cm0gLXJmIH4={chr(7)}"  # OSC 52: writes "rm -rf ~" to the clipboard
BIDI = "\u202eevil\u202c"  # right-to-left override
ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
HOSTILE = f"{TITLE_CHANGE}{CLEAR_SCREEN}{OSC52}{BIDI}{ZERO_WIDTH}\x9b31m\x07\x08"
CET = timezone(timedelta(hours=1))


@dataclass
class Result:
    code: int
    out: bytes
    err: bytes

    @property
    def text(self) -> str:
        return self.out.decode("utf-8", "replace")

    @property
    def error(self) -> str:
        return self.err.decode("utf-8", "replace")


def run(home: Path, *args: str, env: dict[str, str] | None = None, stdin: int | None = subprocess.DEVNULL,
        stdout: int | None = subprocess.PIPE, pass_fds: tuple[int, ...] = (),
        preexec_fn=None, cwd: Path | None = None) -> Result:
    """`backrelief ARGS...` in a process of its own (the real entry point, the real streams)."""
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("LC_", "PYTHON"))}
    environment.update(BACKRELIEF_HOME=str(home), PYTHONPATH=str(ROOT), LANG="C.UTF-8", PYTHONUTF8="1",
                       NO_COLOR="1")
    environment.update(env or {})
    completed = subprocess.run([sys.executable, "-m", "backrelief_tui", *args], env=environment, stdin=stdin,
                               stdout=stdout, stderr=subprocess.PIPE, timeout=TIMEOUT, check=False,
                               pass_fds=pass_fds, preexec_fn=preexec_fn, cwd=cwd or home)
    return Result(completed.returncode, completed.stdout or b"", completed.stderr)


def assert_clean(result: Result) -> None:
    """No traceback, and nothing a terminal would act on, in what the command printed."""
    for name, data in (("stdout", result.out), ("stderr", result.err)):
        assert b"Traceback" not in data, f"{name}:\n{data.decode('utf-8', 'replace')}"
        found = _UNSAFE_BYTES.search(data)
        assert found is None, f"{name} holds {found.group()!r}:\n{data!r}"


def unsafe_in(data: bytes) -> bytes | None:
    found = _UNSAFE_BYTES.search(data)
    return found.group() if found else None


def one_problem(result: Result, *fragments: str) -> str:
    """The single line that names the file and the problem (every fragment is in it): on stderr, or on
    stdout for `validate`, whose report is its output."""
    assert_clean(result)
    lines = [line for line in (result.error + result.text).splitlines() if line.strip()]
    matching = [line for line in lines if all(fragment in line for fragment in fragments)]
    assert len(matching) == 1, f"want one line with {fragments} in:\n{result.error}{result.text}"
    return matching[0]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def tree_digest(folder: Path) -> dict[str, str]:
    """Every regular file under `folder` and its hash: files the app must not touch stay as they are."""
    return {str(path.relative_to(folder)): digest(path) for path in sorted(folder.rglob("*"))
            if path.is_file() and not path.is_symlink()}


@pytest.fixture
def home(tmp_path) -> Path:
    folder = tmp_path / "home"
    (folder / "config" / "routines").mkdir(parents=True)
    return folder


@pytest.fixture(autouse=True)
def builtins_untouched():
    """No hostile input ever changes a shipped routine."""
    before = tree_digest(ROOT / "routines")
    yield
    assert tree_digest(ROOT / "routines") == before


def routine_text(routine_id: str = "mine", *, title: str = "Mine", name: str = "Cobra hold", extra: str = "",
                 move_extra: str = "") -> str:
    """A small valid routine file (one hold), with room for hostile additions."""
    return (f'id = "{routine_id}"\ntitle = {_toml(title)}\nsummary = "A test routine."\n{extra}\n'
            f'[[moves]]\nid = "hold-it"\nname = {_toml(name)}\nkind = "hold"\nhold = 20\nposition = "floor"\n'
            f'cues = ["Breathe."]\n{move_extra}\n')


def _toml(text: str) -> str:
    """A TOML basic string for any text (control characters as \\u escapes, as tomli-w would write them)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(f"\\u{ord(c):04x}" if ord(c) < 0x20 or 0x7f <= ord(c) <= 0x9f else c for c in escaped) + '"'


toml_string = _toml


def started_at(day: int = 3, hour: int = 9) -> datetime:
    return datetime(2025, 3, day, hour, 0, tzinfo=CET)
