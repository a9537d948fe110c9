"""Entry point: `backrelief` and `python -m backrelief_tui`."""

import gc
import sys


def main(argv: list[str] | None = None) -> int:
    """With no arguments open the app straight away; otherwise run the command line.

    The fast path skips importing every subcommand (records, reports, the builder):
    the app opens in a break, and every millisecond before the picker shows counts.
    """
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        # Start-up creates tens of thousands of objects that live for the whole run
        # (modules, classes, parsed styles): collecting them over and over only delays
        # the first frame. The app freezes them and turns collection back on once it
        # is on screen (BackReliefApp.on_ready).
        gc.disable()
        from backrelief_tui.tui.app import run_app  # Textual loads only for the TUI

        try:
            return run_app()
        except KeyboardInterrupt:
            return 130
        finally:
            gc.enable()  # if the app never got on screen
    if argv[0] == "due":
        # On every shell prompt and tmux refresh: answered before the parser (and what
        # every other command imports) is built; `due --help` and mistakes go on below.
        from backrelief_tui.commands.due import fast_main
        from backrelief_tui.commands.output import run_command

        answered: list[int | None] = []

        def due() -> int:
            answered.append(fast_main(argv[1:]))
            return answered[0] or 0

        code = run_command(due)
        if answered[0:1] != [None]:
            return code
    from backrelief_tui.commands import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
