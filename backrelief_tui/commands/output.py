"""Standard output and error that never turn a command into a traceback.

Every command runs inside `guarded_output()` (see `commands.main` and `__main__`):

- A locale that cannot encode the app's own `—`, `×` or `→` (`LC_ALL=C PYTHONUTF8=0`:
  ASCII) gets them spelled in plain ASCII (`-`, `x`, `->`), accented letters without
  their accents, anything else as `\\u2588`: the output stays in the locale's encoding,
  so a script or a file reading it is not surprised by bytes it did not ask for.
- A full disk (`> /dev/full`) or a closed standard output (`>&-`) ends the command
  with one line on stderr and exit status 1; a closed pipe (`| head`) ends it quietly.
  Either way, nothing more is written to the broken output on the way out.
- A closed standard error gets /dev/null, so a warning never lands in the output.
"""

from __future__ import annotations

import codecs
import contextlib
import errno
import io
import os
import sys
import unicodedata

TYPE_CHECKING = False  # `backrelief due` runs this on every prompt: `typing` costs more than all the rest
if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from typing import TextIO

ERROR_HANDLER = "backrelief-plain"
# The app's own typography, in ASCII, for a locale that has no room for it.
PLAIN = {
    "\u2014": "-", "\u2013": "-", "\u2212": "-", "\u2010": "-", "\u00d7": "x", "\u2192": "->", "\u2190": "<-",
    "\u2191": "^", "\u2193": "v", "\u00b7": "-", "\u2022": "*", "\u2026": "...", "\u2018": "'", "\u2019": "'",
    "\u201c": '"', "\u201d": '"', "\u2265": ">=", "\u2264": "<=", "\u00b1": "+/-", "\u00b0": " deg",
    "\u2032": "'", "\u2033": '"', "\u2713": "v", "\u2717": "x", "\u23f0": "(!)", "\u2248": "~", "\u00a0": " ",
    "\u2009": " ", "\u202f": " ",
}


def _plain(error: UnicodeError) -> tuple[str, int]:
    if not isinstance(error, UnicodeEncodeError):
        raise error
    spelled = []
    for character in error.object[error.start:error.end]:
        ascii_form = PLAIN.get(character)
        if ascii_form is None:
            ascii_form = unicodedata.normalize("NFKD", character).encode("ascii", "ignore").decode("ascii")
            ascii_form = ascii_form or f"\\u{ord(character):04x}"
        spelled.append(ascii_form)
    return "".join(spelled), error.end


codecs.register_error(ERROR_HANDLER, _plain)


class OutputError(OSError):
    """Writing to standard output failed (a full disk, a closed output): the command cannot go on."""


class _ClosedOutput(io.TextIOBase):
    """Standard output when the process was started without one: any write is an `OutputError`."""

    def write(self, text: str) -> int:
        raise OutputError(errno.EBADF, "standard output is closed")

    def isatty(self) -> bool:
        return False


class GuardedOutput(io.TextIOBase):
    """Standard output, with a failed write or flush raised as `OutputError` (a closed pipe stays BrokenPipe)."""

    def __init__(self, stream: TextIO) -> None:
        super().__init__()
        self.stream = stream

    def write(self, text: str) -> int:
        return self._guard(lambda: self.stream.write(text))

    def flush(self) -> None:
        self._guard(self.stream.flush)

    def isatty(self) -> bool:
        return self.stream.isatty()

    def fileno(self) -> int:
        return self.stream.fileno()

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return self.stream.encoding

    def _guard(self, call: Callable[[], object]) -> int:
        try:
            result = call()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(error.errno, error.strerror or str(error)) from error
        return result if isinstance(result, int) else 0


def _fd_open(fd: int) -> bool:
    try:
        os.fstat(fd)
    except OSError:
        return False
    return True


def keep_standard_fds() -> None:
    """Put /dev/null on standard input, output or error where one is closed.

    Otherwise the next file the process opens (the history index, a record) would get
    that number, and a print would write into it.
    """
    for fd in (0, 1, 2):
        if not _fd_open(fd):
            null = os.open(os.devnull, os.O_RDWR)
            if null != fd:
                os.dup2(null, fd)
                os.close(null)


def tolerant(stream: TextIO | None) -> None:
    """Let `stream` write what its encoding has no room for, in plain ASCII (see the module docstring)."""
    if not isinstance(stream, io.TextIOWrapper):
        return
    try:
        "\u2014\u00d7\u2192".encode(stream.encoding)
    except (UnicodeEncodeError, LookupError):
        with contextlib.suppress(ValueError, OSError):
            stream.reconfigure(errors=ERROR_HANDLER)


def silence_stdout() -> None:
    """After a failed write: what is still buffered goes to /dev/null at exit, not into a traceback."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)


@contextlib.contextmanager
def guarded_output() -> Iterator[None]:
    """Run a command with the guards of the module docstring (nested use is harmless)."""
    if isinstance(sys.stdout, (GuardedOutput, _ClosedOutput)):
        yield
        return
    stdout_closed = sys.stdout is None or not _fd_open(1)
    keep_standard_fds()
    tolerant(sys.stdout)
    tolerant(sys.stderr)
    saved = sys.stdout, sys.stderr
    sys.stdout = _ClosedOutput() if stdout_closed else GuardedOutput(sys.stdout)
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w")  # noqa: SIM115  lives as long as the process
    try:
        yield
    finally:
        sys.stdout, sys.stderr = saved[0], sys.stderr if saved[1] is None else saved[1]


def run_command(command: Callable[[], int]) -> int:
    """`command()`, with its output guarded: a failed write is one line on stderr and exit status 1."""
    with guarded_output():
        try:
            try:
                code = command()
            finally:  # also after argparse's SystemExit (`--help`, a mistake): its text must get out too
                sys.stdout.flush()
        except BrokenPipeError:  # `backrelief list | head`
            silence_stdout()
            return 0
        except OutputError as error:
            silence_stdout()
            print(f"backrelief: cannot write the output: {error.strerror or error}", file=sys.stderr)
            return 1
    return code
