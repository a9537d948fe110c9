"""`backrelief due`: is a back break due? One quick answer for the prompt, tmux and scripts.

It runs on every shell prompt and every tmux status refresh, so `__main__` sends
`backrelief due ...` here before any argument parser is built (`fast_main`), and this
module imports nothing beyond what Python has loaded at start-up, `datetime` and
`core.schedule`. It reads one small JSON file, the nudge state, which carries a copy of
the schedule settings; the settings TOML, the routine library and the session records
are loaded only when that file is missing, damaged or older than the settings (once,
then it is rewritten), and to name the routine in a desktop notification.

Exit status: 0 when a break is due, 1 when not (for scripts: `backrelief due && ...`).
With `--notify` (the systemd timer of `backrelief remind`), 0 unless the notification
could not be sent.
"""

from __future__ import annotations

import os
import sys
from datetime import datetime

from backrelief_tui.core.schedule import (
    DUE,
    OFF,
    SKIPPED,
    SNOOZED,
    Answer,
    Schedule,
    State,
    check,
    clock_text,
    describe,
    last_break_text,
    minutes_text,
    read_state,
    settings_signature,
    state_file,
    suggested_routine,
    write_state,
)

TYPE_CHECKING = False  # not from typing: its import alone would cost a fifth of Python's start-up
if TYPE_CHECKING:
    import argparse
    from typing import Any, TextIO

FORMATS = ("plain", "tmux", "json", "prompt")
PROMPT_MARK = "⏰ back"
TMUX_DUE_STYLE = "#[fg=black,bg=yellow,bold]"
TMUX_QUIET_STYLE = "#[fg=colour245]"


def fast_main(argv: list[str]) -> int | None:
    """`backrelief due [--format F] [--notify]` without building the parser; None for anything else (`--help`...)."""
    fmt, notify = "plain", False
    items = iter(argv)
    for item in items:
        if item == "--notify":
            notify = True
        elif item == "--format":
            fmt = next(items, "")
        elif item.startswith("--format="):
            fmt = item.partition("=")[2]
        else:
            return None
    if fmt not in FORMATS:
        return None  # the parser says what is wrong
    try:
        return run_due(fmt, notify)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0


def cmd_due(args: argparse.Namespace) -> int:
    return run_due(args.format, args.notify)


def run_due(fmt: str = "plain", notify: bool = False, *, now: datetime | None = None,
            out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Answer `due` at `now` (default: this machine's clock and zone); see the module docstring."""
    now = now or datetime.now().astimezone()
    out, err = out or sys.stdout, err or sys.stderr
    state, path = load_state(now, err)
    assert state.schedule is not None  # load_state always fills it
    answer = check(now, state.schedule, state)
    if notify:
        return notify_when_due(answer, state, path, out, err)
    print(render(answer, fmt), file=out)
    return 0 if answer.due else 1


# -- where the files are --------------------------------------------------------------------


def fast_dirs() -> tuple[str, str] | None:
    """(config folder, state folder), worked out as `core.paths` does, without importing platformdirs or pathlib.

    Only for the cases that are plain to see: BACKRELIEF_HOME, or Linux with an absolute
    HOME (and XDG_CONFIG_HOME / XDG_STATE_HOME used when absolute, as platformdirs does).
    Anything else gives None, and the caller asks `core.paths`.
    """
    environ = os.environ
    home = environ.get("BACKRELIEF_HOME")
    if home:
        home = os.path.expanduser(home)
        return os.path.join(home, "config"), os.path.join(home, "state")
    user_home = environ.get("HOME", "")
    if sys.platform != "linux" or hasattr(sys, "getandroidapilevel") or not user_home.startswith("/"):
        return None
    if environ.get("ANDROID_DATA") == "/data":
        return None  # perhaps Android, where platformdirs has its own folders
    base = user_home.rstrip("/") or "/"
    config = environ.get("XDG_CONFIG_HOME", "")
    state = environ.get("XDG_STATE_HOME", "")
    return (os.path.join(config if config.startswith("/") else os.path.join(base, ".config"), "backrelief"),
            os.path.join(state if state.startswith("/") else os.path.join(base, ".local", "state"), "backrelief"))


def config_and_state_dirs() -> tuple[str, str]:
    """(config folder, state folder): `fast_dirs`, else `core.paths`."""
    dirs = fast_dirs()
    if dirs is not None:
        return dirs
    from backrelief_tui.core import paths

    return str(paths.config_dir()), str(paths.state_dir())


# -- the state, kept fresh ------------------------------------------------------------------


def load_state(now: datetime, err: TextIO) -> tuple[State, str]:
    """The nudge state with its schedule filled in, and its file's path.

    A missing or damaged file is rebuilt from the newest session records (one notice
    line on `err`, unless there was nothing to rebuild); a schedule older than the
    settings file is read again. Either way the file is rewritten (best effort).
    """
    config_dir, state_dir = config_and_state_dirs()
    path = state_file(state_dir)
    state, problem = read_state(path)
    notice = ""
    changed = state is None
    if state is None:
        state, notice = _rebuild(now, problem, path)
    signature = settings_signature(os.path.join(config_dir, "settings.toml"))
    if state.schedule is None or state.settings_signature != signature:
        state = state.copy(schedule=_schedule_from_settings(err), settings_signature=signature)
        changed = True
    if changed:
        try:
            write_state(path, state)
        except OSError as error:
            if notice:
                notice += f"; it cannot be saved ({error.strerror or error})"
    if notice:
        print(f"backrelief: {notice}", file=err)
    return state, path


def _rebuild(now: datetime, problem: str, path: str) -> tuple[State, str]:
    from backrelief_tui.core import paths
    from backrelief_tui.core.schedule import rebuild_state

    state, read = rebuild_state(paths.sessions_dir(), now)
    if problem == "missing" and read == 0:
        return state, ""  # a first run: nothing was lost, nothing to say
    what = "was missing" if problem == "missing" else f"was {problem}"
    records = f"your {read} newest session record{'s' if read != 1 else ''}" if read else "your session records (none)"
    return state, f"the nudge state {path} {what}; rebuilt it from {records}"


def _schedule_from_settings(err: TextIO) -> Schedule:
    from backrelief_tui.core.settings import SCHEDULE_FIELDS, load_settings

    settings, problems = load_settings()
    for problem in problems:  # shown once: the copy is kept until the file changes again
        if problem.field in ("", *SCHEDULE_FIELDS.values()):
            print(f"warning: {problem}", file=err)
    return settings.schedule


# -- saying it ------------------------------------------------------------------------------


def render(answer: Answer, fmt: str) -> str:
    if fmt == "prompt":
        return PROMPT_MARK if answer.due else ""
    if fmt == "tmux":
        return tmux_segment(answer)
    if fmt == "json":
        import json

        return json.dumps(answer_to_json(answer), ensure_ascii=False)
    return describe(answer)


def tmux_segment(answer: Answer) -> str:
    """A short status-line segment in tmux's style syntax; empty outside working hours and on a skipped day."""
    week = f" · {answer.week_count}/{answer.goal}"
    if answer.status == DUE:
        return f"{TMUX_DUE_STYLE} back break due{week} #[default]"
    if answer.status in (OFF, SKIPPED):
        return ""
    if answer.status == SNOOZED and answer.snooze_until is not None:
        return f"{TMUX_QUIET_STYLE}snoozed until {clock_text(answer.snooze_until, answer.now)}#[default]"
    assert answer.next_at is not None
    wait = minutes_text(answer.next_at.timestamp() - answer.now.timestamp(), round_up=True)
    return f"{TMUX_QUIET_STYLE}next in {wait}{week}#[default]"


def answer_to_json(answer: Answer) -> dict[str, Any]:
    def when(value: datetime | None) -> str | None:
        return value.isoformat(timespec="seconds") if value is not None else None

    return {
        "due": answer.due,
        "status": answer.status,
        "text": describe(answer),
        "now": when(answer.now),
        "last_break": when(answer.last_break),
        "due_since": when(answer.due_since),
        "next_at": when(answer.next_at),
        "snoozed_until": when(answer.snooze_until),
        "sessions_this_week": answer.week_count,
        "weekly_goal": answer.goal,
    }


# -- the desktop notification -----------------------------------------------------------------


def notify_when_due(answer: Answer, state: State, path: str, out: TextIO, err: TextIO) -> int:
    """Send one notification per due period (the moment it became due is remembered in the state)."""
    if not answer.due or answer.due_since is None or answer.due_since == state.notified:
        return 0
    assert state.schedule is not None
    summary, body = notification_text(answer, state.schedule)
    problem = send_notification(summary, body)
    if problem:
        print(f"backrelief: {problem}", file=err)
        return 1
    try:
        write_state(path, state.copy(notified=answer.due_since))
    except OSError as error:
        print(f"backrelief: cannot save the nudge state {path} ({error.strerror or error})", file=err)
    print(f"notified: {summary}: {body.replace(chr(10), ' / ')}", file=out)
    return 0


def notification_text(answer: Answer, schedule: Schedule) -> tuple[str, str]:
    """The notification's title and body: the routine it suggests and the command that starts it."""
    routine = _suggestion(schedule)
    start = f"Start {routine}: backrelief run" if routine else "Start one: backrelief"
    last = last_break_text(answer)
    last = f"Last break {last.removeprefix('last ')}" if last.startswith("last ") else "No break yet today"
    return "Time for a back break", f"{start}\n{last} · {answer.week_count}/{answer.goal} this week"


def _suggestion(schedule: Schedule) -> str:
    """`Desk break (5 min)`: the suggested routine's title and length ("" when the library has none)."""
    from backrelief_tui.core.library import load_library
    from backrelief_tui.core.plan import plan_session
    from backrelief_tui.core.settings import load_settings
    from backrelief_tui.core.text import printable

    library = load_library()
    routine_id = suggested_routine(schedule.routine, lambda candidate: candidate in library.routines)
    if routine_id is None:
        return ""
    routine = library.routines[routine_id]
    minutes = round(plan_session(routine, load_settings()[0]).total_seconds / 60)
    return f"{printable(routine.title)} ({minutes} min)"


def send_notification(summary: str, body: str) -> str:
    """Show a desktop notification with `notify-send`; "" when it was sent, else what went wrong.

    Why notify-send (Debian: libnotify-bin) and not a Python library: it is on every
    desktop that shows notifications (GNOME, KDE, Xfce, and on Wayland too), it adds no
    dependency for the many people who never turn the reminders on, and the Python
    options either wrap the same D-Bus call with a compiled dbus binding (notify2, which
    is no longer maintained) or bring an asyncio D-Bus stack (desktop-notifier) to send
    one message every fifty minutes. A timer that runs a small process needs no more.
    """
    import shutil
    import subprocess

    program = shutil.which("notify-send")
    if program is None:
        return "notify-send is missing: install libnotify-bin (Debian, Ubuntu) or libnotify (Fedora, Arch)"
    # Notification servers read a little HTML in the body: routine titles are shown as text.
    body = body.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    try:
        result = subprocess.run([program, "--app-name=backrelief", "--urgency=normal", summary, body],
                                capture_output=True, text=True, timeout=20, check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"notify-send failed: {error}"
    if result.returncode != 0:
        reason = (result.stderr.strip().splitlines() or [f"exit status {result.returncode}"])[-1]
        return f"notify-send failed: {reason}"
    return ""
