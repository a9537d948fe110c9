"""Every subcommand's arguments, and the module:function that runs it (imported on use).

`backrelief --help` and every command pay for this module, so it imports argparse and
nothing else of weight: the constants the help names come from `core.choices` (the
models behind them would cost ~60 ms), and `datetime`, `pathlib` and `typing` load only
where an argument is converted or a type is checked.
"""

from __future__ import annotations

import argparse

from backrelief_tui.core.choices import EQUIPMENT, MAX_MINUTES, MIN_MINUTES, OVERRIDE_FIELDS, TARGETS

TYPE_CHECKING = False  # not `from typing import ...`: typing costs a few ms of every command's start
if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path
    from typing import TypeAlias

    Subcommands: TypeAlias = "argparse._SubParsersAction[argparse.ArgumentParser]"

DESCRIPTION = """\
Follow-along low-back-pain relief in your terminal: trigger-point release,
stretching and glute/core activation, one move at a time, with a big countdown,
cues and beeps. Run with no command to open the app."""


def day_argument(text: str) -> date:
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date like 2025-03-01") from None


def path_argument(text: str) -> Path:
    from pathlib import Path

    return Path(text)


def weeks_argument(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 1 <= value <= 520:
        raise argparse.ArgumentTypeError(f"{text!r}: give a number of weeks from 1 to 520")
    return value


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; with `command` (the first argument), only that subcommand is declared.

    Declaring all twenty costs every command ~8 ms; one is all `parse_args` needs when the
    first argument names it (the whole list is for `--help` and mistakes). When `command`
    is not one of ours, every subcommand is declared, so argparse can say what exists.
    """
    parser = argparse.ArgumentParser(prog="backrelief", description=DESCRIPTION,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.set_defaults(handler="backrelief_tui.commands.routines:cmd_tui")
    commands = _Commands(parser.add_subparsers(dest="command", metavar="COMMAND"), command)
    _routine_commands(commands)
    _customize_commands(commands)
    _history_commands(commands)
    _progress_commands(commands)
    _record_commands(commands)
    _nudge_commands(commands)
    _figure_command(commands)
    if command is not None and not commands.found:
        return build_parser()
    return parser


class _Unused:
    """Stands for a subcommand that is not declared this time: every declaration on it is ignored."""

    def add_argument(self, *args: object, **kwargs: object) -> None:
        pass

    def add_mutually_exclusive_group(self, *args: object, **kwargs: object) -> _Unused:
        return self


class _Commands:
    """The subcommands: all of them, or only `only` (see `build_parser`)."""

    def __init__(self, subparsers: Subcommands, only: str | None) -> None:
        self.subparsers = subparsers
        self.only = only
        self.found = False


def _add(commands: _Commands, name: str, handler: str, *,
         help: str, description: str | None = None) -> argparse.ArgumentParser | _Unused:
    if commands.only is not None and name != commands.only:
        return _Unused()
    commands.found = True
    command = commands.subparsers.add_parser(name, help=help, description=description)
    command.set_defaults(handler=handler)
    return command


def _routine_commands(commands: _Commands) -> None:
    where = "backrelief_tui.commands.routines"
    command = _add(commands, "list", f"{where}:cmd_list", help="list the routines with their length")
    command.add_argument("--json", action="store_true", help="print JSON")

    command = _add(commands, "show", f"{where}:cmd_show", help="show a routine's planned steps and timings")
    command.add_argument("routine", help="routine id or path of a routine file")
    command.add_argument("--json", action="store_true", help="print JSON")

    command = _add(commands, "validate", f"{where}:cmd_validate",
                   help="check routine files and pose files; exit 1 when any has a problem")
    command.add_argument("files", nargs="+", type=path_argument, metavar="FILE")

    _add(commands, "paths", f"{where}:cmd_paths", help="where settings, your routines and session records live")

    command = _add(commands, "run", f"{where}:cmd_run", help="start a routine straight away")
    command.add_argument("routine", nargs="?",
                         help="routine id or path of a routine file (try one without installing it); "
                              "without one, the routine your break nudges suggest (`backrelief set schedule`)")
    command.add_argument("--plain", action="store_true",
                         help="follow it as plain lines on stdout, one per event, never redrawn (for a screen "
                              "reader, a braille display, an editor's shell or ssh); keys when stdin is a "
                              "terminal (space pause, n next, N next move, q stop), else hands-free")
    command.add_argument("--color", action="store_true", help="with --plain: colour the lines")
    command.add_argument("--no-checkin", action="store_true",
                         help="with --plain: do not ask about pain before and after")

    _add(commands, "sound-test", "backrelief_tui.commands.sound:cmd_sound_test",
         help="play every cue and say which audio backend worked")


def _customize_commands(commands: _Commands) -> None:
    where = "backrelief_tui.commands.customize"
    command = _add(
        commands, "set", f"{where}:cmd_set", help="your own numbers for a move (hold, reps, sides, rest, rep_rest)",
        description="Set your own numbers for a move, wherever it appears: "
                    "`backrelief set front-plank hold=20 reps=3`, or in one routine only: "
                    "`backrelief set cobra hold=20 --routine stretch` (its own numbers win there). "
                    "FIELD=default clears one field. `backrelief set MOVE` shows the numbers in force "
                    "in each routine that has it. With no arguments, lists what you have set. "
                    "The break nudges: `backrelief set schedule every=50 days=mon-fri hours=9-17:30 goal=5 "
                    "routine=desk` (minutes between breaks, working days and hours, sessions a week, the routine "
                    "a nudge suggests); `backrelief set schedule` shows them.")
    command.add_argument("move", nargs="?", help="move id (see `backrelief show ROUTINE --json`), or `schedule`")
    command.add_argument("values", nargs="*", metavar="FIELD=VALUE",
                         help=f"fields: {', '.join(OVERRIDE_FIELDS)} (seconds, or reps; sides: none|both|alternate)")
    command.add_argument("--routine", metavar="ID",
                         help="this routine only (default: everywhere the move appears); with --reset or "
                              "--reset-all, clear that routine's own numbers only")
    command.add_argument("--reset", action="store_true",
                         help="back to the routines' own numbers for MOVE (everywhere, and in every routine)")
    command.add_argument("--reset-all", action="store_true", help="back to the routines' own numbers for every move")
    command.add_argument("--tight", metavar="AREAS", help=f"mark areas tight, e.g. hips,lats ({', '.join(TARGETS)})")
    command.add_argument("--fine", metavar="AREAS",
                         help="mark areas fine (built routines and release spend less there)")
    command.add_argument("--unmark", metavar="AREAS", help="forget the tight/fine mark of areas")
    command.add_argument("--bonus", choices=("on", "off"),
                         help="run bonus moves (the kneeling bridge) in stretch and full: on, or off (the default)")

    command = _add(
        commands, "build", f"{where}:cmd_build", help="compose a routine that fits the minutes and kit you have",
        description="Compose a balanced routine (release where the kit allows, stretch, activation; "
                    "focused and tight areas first) whose planned time fits the budget.")
    command.add_argument("--minutes", type=float, default=5.0,
                         help=f"time you have, {MIN_MINUTES} to {MAX_MINUTES} (default 5)")
    command.add_argument("--equipment", nargs="+", default=[], metavar="ITEM",
                         help=f"what you have: none or any of {', '.join(EQUIPMENT)} (space or comma separated)")
    command.add_argument("--no-floor", action="store_true",
                         help="only standing and seated moves (kneeling counts as floor)")
    command.add_argument("--focus", default="", metavar="AREAS", help="areas to put first, e.g. hips,lats")
    command.add_argument("--json", action="store_true", help="print the routine and its plan as JSON")
    command.add_argument("--save", metavar="NAME", help="save it as one of your routines under this name")
    command.add_argument("--replace", action="store_true",
                         help="with --save: replace a routine with the same id (yours or a built-in)")


def _history_commands(commands: _Commands) -> None:
    where = "backrelief_tui.commands.history"
    command = _add(commands, "history", f"{where}:cmd_history", help="list your sessions, newest first")
    form = command.add_mutually_exclusive_group()
    form.add_argument("--json", action="store_true", help="print JSON")
    form.add_argument("--csv", action="store_true", help="print CSV (for a spreadsheet)")
    command.add_argument("--since", type=day_argument, metavar="DATE", help="only sessions from DATE (YYYY-MM-DD)")
    command.add_argument("--routine", metavar="ID", help="only sessions of this routine")

    command = _add(commands, "report", f"{where}:cmd_report",
                   help="a Markdown summary of the last weeks, for a physiotherapist")
    command.add_argument("--weeks", type=weeks_argument, default=4, metavar="N", help="weeks to cover (default 4)")
    command.add_argument("--output", "-o", type=path_argument, metavar="FILE", help="write to FILE instead of printing")


def _progress_commands(commands: _Commands) -> None:
    command = _add(
        commands, "progress", "backrelief_tui.commands.progress:cmd_progress",
        help="is it helping? the weekly goal, pain against your first two weeks, and suggested steps",
        description="This week against your weekly goal, the pain trend judged against your first two weeks, "
                    "each session's traffic light, and the progression suggestions with their reasons: a step "
                    "up after 3 green sessions with a move, a step back after a red one. "
                    "`backrelief progress accept MOVE` keeps the step as your own numbers (`backrelief set` "
                    "shows them); `decline MOVE` lets it go until there is new reason.")
    command.add_argument("action", nargs="?", choices=("accept", "decline"), help="decide a suggestion")
    command.add_argument("move", nargs="?", metavar="MOVE", help="the move id of the suggestion")
    command.add_argument("--json", action="store_true", help="print JSON")


def _record_commands(commands: _Commands) -> None:
    where = "backrelief_tui.commands.sessions"
    session_help = "the session: its start as `backrelief history` shows it (\"2025-03-12 09:00\"), its id, " \
                   "its file, or `last`"
    command = _add(commands, "pain", f"{where}:cmd_pain", help="add or correct a session's pain ratings",
                   description="Add or correct the 0-10 pain ratings of a session after the fact: "
                               "`backrelief pain last before=6 after=3`. `after=-` removes a rating. "
                               "Only those ratings change in the session's file.")
    command.add_argument("session", metavar="SESSION", help=session_help)
    command.add_argument("ratings", nargs="+", metavar="before=N|after=N", help="0 to 10, or - to remove")

    command = _add(commands, "delete", f"{where}:cmd_delete", help="move a session to the trash (restorable)",
                   description="Move a session's file to the trash folder inside the data folder. Nothing is "
                               "destroyed: `backrelief trash` lists it, `backrelief restore` puts it back.")
    command.add_argument("session", metavar="SESSION", help=session_help)

    command = _add(commands, "restore", f"{where}:cmd_restore", help="put a deleted session back")
    command.add_argument("name", metavar="NAME", help="its file name as `backrelief trash` lists it (or its id)")

    _add(commands, "trash", f"{where}:cmd_trash", help="list deleted sessions")

    command = _add(commands, "morning", f"{where}:cmd_morning",
                   help="answer the next-morning question: better, same or worse than before yesterday's session")
    command.add_argument("answer", choices=("better", "same", "worse"))
    command.add_argument("--day", type=day_argument, metavar="DATE",
                         help="the session day it is about (default: yesterday)")


def _nudge_commands(commands: _Commands) -> None:
    where = "backrelief_tui.commands.nudges"
    command = _add(
        commands, "due", "backrelief_tui.commands.due:cmd_due", help="is a back break due? (exit 0 when it is)",
        description="One quick answer, for a shell prompt, a tmux status line or a script: "
                    "'back break due (last 1 h 40 min ago) · 2/5 this week' or 'next in 25 min'. "
                    "Exit status 0 when a break is due, 1 when not. Set the schedule with "
                    "`backrelief set schedule`.")
    command.add_argument("--format", choices=("plain", "tmux", "json", "prompt"), default="plain",
                         help="plain (default); tmux: a short coloured status segment; json; "
                              "prompt: '⏰ back' when due, nothing otherwise")
    command.add_argument("--notify", action="store_true",
                         help="send a desktop notification when due, once per due period (the timer of "
                              "`backrelief remind` runs this)")

    command = _add(commands, "snooze", f"{where}:cmd_snooze", help="no break nudges for a while (default 20m)")
    command.add_argument("duration", nargs="?", default="20m", metavar="DURATION",
                         help="minutes or hours: 20m, 45, 1h, 1h30; `off` ends a snooze")

    command = _add(commands, "skip", f"{where}:cmd_skip", help="no break nudges for the rest of today")
    command.add_argument("day", choices=("today",), help="today")
    command.add_argument("--undo", action="store_true", help="nudges back on for today")

    command = _add(
        commands, "remind", "backrelief_tui.commands.remind:cmd_remind",
        help="desktop notifications when a break is due (a systemd user timer)",
        description="install: a systemd user timer that runs `backrelief due --notify` every few minutes, "
                    "which sends a desktop notification (notify-send) naming the routine and the command to "
                    "start it, once per due period, never outside your working hours or while snoozed. "
                    "uninstall: stop and remove it. status: whether it is installed and active.")
    command.add_argument("action", choices=("install", "uninstall", "status"))
    command.add_argument("--dry-run", action="store_true", help="print the unit files and commands, change nothing")


def _figure_command(commands: _Commands) -> None:
    command = _add(commands, "figure", "backrelief_tui.commands.figures:cmd_figure",
                   help="draw a move's key poses (or every move of a routine) as text",
                   description="Draw the stick figure of a move at each of its poses, in braille, the way the "
                               "session screen shows it. Give a move id or a routine id.")
    command.add_argument("move", nargs="?", metavar="MOVE", help="a move id, or a routine id for all its moves")
    command.add_argument("--pose", metavar="NAME", help="only this pose (start, top, hold, roll…)")
    command.add_argument("--side", choices=["left", "right"], help="which side (default: left for a move with sides)")
    command.add_argument("--width", type=int, default=32, metavar="N", help="columns per pose (default 32)")
    command.add_argument("--height", type=int, default=10, metavar="N", help="rows per pose (default 10)")
    command.add_argument("--check", nargs="?", const=True, metavar="FILE",
                         help="check the pose file (or FILE) and exit 1 when it has a problem")
