"""What `backrelief list` printed last time, kept in the cache folder and printed again while nothing changed.

Loading the library costs `list` ~80 ms (the models' imports, six TOML files, their
checks), against ~13 ms for Python to start: issue 16 allows 3×. So the text `list`
prints is kept in `<cache>/list-output` (`list-json-output` for `--json`), under a key
made of a cheap look at everything the output depends on:

- every `*.toml` entry of the built-in and of your routines folder: name, size,
  mtime_ns, inode, mode (through symlinks: the file a link points at);
- the settings file's (overrides, levels and tight spots change the lengths);
- the code: every `.py` file of `core/` and `commands/` the same way (a new version of
  the app is new files), and Python's version;
- where those are (the folders, and the variables they come from) and the options.

A hit prints the kept text without importing anything beyond `os`, `sys` and core/kept.py (see
`cached_list`, which `commands._run` calls before building the parser). The person's
TOML files stay the only source of truth: a miss does the normal work (`cmd_list`)
and then keeps its output — unless there were warnings (they are printed afresh
every time), or a file changed too recently to trust its mtime (`RACY_NS`). The file
is written atomically, never through a symlink; a damaged, truncated or foreign one
is a miss; a cache folder that cannot be written is no error. Already-printable text
only is kept: the miss path made it so.
"""

from __future__ import annotations

import os
import sys

from backrelief_tui.core import kept

TYPE_CHECKING = False  # the hit path imports nothing but this module and core/kept.py: no typing, no pathlib
if TYPE_CHECKING:
    from collections.abc import Sequence

MAGIC = "backrelief list output, v2"

# What core.paths (platformdirs) reads to find the folders: part of the key.
_ENVIRONMENT = ("BACKRELIEF_HOME", "HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "ANDROID_DATA")


class Places:
    """Where the inputs and the kept output are: worked out as `core.paths` does, without it."""

    def __init__(self, cache: str, config: str, builtin: str) -> None:
        self.cache = cache
        self.routines = os.path.join(config, "routines")
        self.settings = os.path.join(config, "settings.toml")
        self.builtin = builtin

    def file(self, options: Sequence[str]) -> str:
        return os.path.join(self.cache, "list-json-output" if "--json" in options else "list-output")

    def agrees_with_core(self) -> bool:
        """Whether `core.paths` finds the same places (checked before output is kept, so a hit can trust them)."""
        from backrelief_tui.core import paths

        pairs = ((self.cache, paths.cache_dir()), (self.routines, paths.user_routines_dir()),
                 (self.settings, paths.settings_file()), (self.builtin, paths.builtin_routines_dir()))
        return all(os.path.normpath(ours) == os.path.normpath(str(theirs)) for ours, theirs in pairs)


def fast_places() -> Places | None:
    """`Places` for the cases that are plain to see (as `commands.due.fast_dirs`): BACKRELIEF_HOME,
    or Linux with an absolute HOME; anything else gives None (no cache)."""
    environ = os.environ
    packaged = os.path.join(kept.PACKAGE_DIR, "_data", "routines")
    builtin = packaged if os.path.isdir(packaged) else os.path.join(os.path.dirname(kept.PACKAGE_DIR), "routines")
    home = environ.get("BACKRELIEF_HOME")
    if home:
        home = os.path.expanduser(home)
        return Places(os.path.join(home, "cache"), os.path.join(home, "config"), builtin)
    user_home = environ.get("HOME", "")
    if (sys.platform != "linux" or hasattr(sys, "getandroidapilevel") or not user_home.startswith("/")
            or environ.get("ANDROID_DATA") == "/data"):
        return None
    base = user_home.rstrip("/") or "/"
    cache = environ.get("XDG_CACHE_HOME", "")
    config = environ.get("XDG_CONFIG_HOME", "")
    return Places(os.path.join(cache if cache.startswith("/") else os.path.join(base, ".cache"), "backrelief"),
                  os.path.join(config if config.startswith("/") else os.path.join(base, ".config"), "backrelief"),
                  builtin)


def code_dirs() -> tuple[str, ...]:
    """The code that makes the output (a new version of the app changes these files)."""
    return kept.package_dirs("core", "commands")


def key(places: Places, options: Sequence[str]) -> tuple[str, int]:
    """The key of the output for these places and options, and the newest mtime (ns) among its files.

    Raises OSError when a folder or a file cannot be looked at (then nothing is kept).
    """
    stamps = kept.Stamps()
    parts = (
        tuple(options), os.getuid() if hasattr(os, "getuid") else -1,
        tuple(os.environ.get(name) for name in _ENVIRONMENT),
        places.cache, places.builtin, places.routines, places.settings,
        stamps.code(code_dirs()),
        stamps.folder(places.builtin, ".toml"), stamps.folder(places.routines, ".toml"),
        stamps.file(places.settings),
    )
    return repr(parts), stamps.newest


def read(path: str, wanted: str) -> tuple[int, str] | None:
    """(exit status, text) kept at `path` under the key `wanted`; None for anything else (a miss)."""
    payload = kept.read(path, MAGIC, wanted)
    try:
        code, text = payload.decode("utf-8").split("\n", 1) if payload is not None else ("", "")
        return int(code), text
    except ValueError:  # not UTF-8, not a number (or nothing kept)
        return None


def write(path: str, key: str, code: int, text: str) -> None:
    """Keep `text` (and the exit status) at `path` under `key`; a failure leaves things as they were."""
    try:
        kept.write(path, MAGIC, key, f"{code}\n{text}".encode())
    except UnicodeEncodeError:
        return


def cached_list(options: Sequence[str]) -> int | None:
    """`backrelief list [--json]` from the cache: its exit status once printed, or None on a miss."""
    places = fast_places()
    if places is None:
        return None
    try:
        wanted, _newest = key(places, options)
    except OSError:
        return None
    found = read(places.file(options), wanted)
    if found is None:
        return None
    code, text = found
    sys.stdout.write(text)
    return code


class Keeper:
    """For the miss path: the key taken before the files are read, and the output kept afterwards."""

    def __init__(self, options: Sequence[str]) -> None:
        import time

        self.options = tuple(options)
        self.places = fast_places()
        self.key: str | None = None
        if self.places is None or not self.places.agrees_with_core():
            return
        now = time.time_ns()
        try:
            key_now, newest = key(self.places, self.options)
        except OSError:
            return
        if newest < now - kept.RACY_NS:
            self.key = key_now

    def keep(self, code: int, text: str) -> None:
        if self.places is not None and self.key is not None:
            write(self.places.file(self.options), self.key, code, text)
