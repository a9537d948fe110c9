"""The command line: `backrelief COMMAND ...` (no command opens the app; see `__main__`).

`parser.py` declares every subcommand and the module:function that handles it; only
that module is imported, so `backrelief list` never loads the history or the builder.
Every handler returns an exit code and reports problems through `fail()`: one line
each, never a traceback. Output goes through `output.run_command`: a locale without
room for `—`, a full disk or a closed output is one line too.
"""

from __future__ import annotations

import importlib
import sys

TYPE_CHECKING = False  # `backrelief due` imports this package on every prompt: nothing heavy at the top
if TYPE_CHECKING:
    from collections.abc import Sequence

    from backrelief_tui.core.routine import Problem


def fail(*problems: str | Problem) -> int:
    """Print each problem on stderr as one line and return exit status 1.

    A `Problem` names its file (`FILE: FIELD: what is wrong`); plain text is the
    command's own complaint and is prefixed with the program's name. Either may quote a
    file's name or content, so each line passes `printable`.
    """
    from backrelief_tui.core.routine import Problem
    from backrelief_tui.core.text import printable

    for problem in problems:
        print(printable(problem if isinstance(problem, Problem) else f"backrelief: {problem}"), file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    from backrelief_tui.commands.output import run_command

    return run_command(lambda: _run(argv))


def _run(argv: Sequence[str] | None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv in (["list"], ["list", "--json"]):
        # What the last `list` printed, while none of its files changed: no parser, no library (list_cache).
        from backrelief_tui.commands.list_cache import cached_list

        try:
            cached = cached_list(argv[1:])
        except KeyboardInterrupt:
            return 130
        if cached is not None:
            return cached
    from backrelief_tui.commands.parser import build_parser

    command = argv[0] if argv and not argv[0].startswith("-") else None
    args = build_parser(command).parse_args(argv)
    module_name, _, function_name = args.handler.partition(":")
    handler = getattr(importlib.import_module(module_name), function_name)
    try:
        code: int = handler(args)
    except KeyboardInterrupt:
        return 130
    return code
