"""`backrelief remind install | uninstall | status [--dry-run]`: desktop notifications when a break is due.

A systemd user timer (`backrelief-nudge.timer`) runs `backrelief due --notify`
(`backrelief-nudge.service`) every few minutes; that sends one notification per due
period, never outside the working hours, on a skipped day or while snoozed (the rules
live in `core.schedule`, so the timer itself can stay this simple and never needs
rewriting when the schedule changes). Where there is no systemd user session or no
desktop, `install` says so in one line and points to the tmux and prompt nudges.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

from backrelief_tui.commands import fail

UNIT = "backrelief-nudge"
CHECK_EVERY_MINUTES = 5
PASSED_ON = ("BACKRELIEF_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME")
"""Variables that decide where backrelief's files are: the timer must see the same folders as the shell."""
ELSEWHERE = ("show the nudge where you already look instead: tmux (status-right '#(backrelief due --format tmux)') "
             "or your prompt ('$(backrelief due --format prompt)'); see the README's Nudges section")


def cmd_remind(args: argparse.Namespace) -> int:
    if args.action == "install":
        return install(dry_run=args.dry_run)
    if args.action == "uninstall":
        return uninstall(dry_run=args.dry_run)
    return status()


# -- the unit files -------------------------------------------------------------------------


def units_dir() -> Path:
    """The systemd user configuration folder: `$XDG_CONFIG_HOME/systemd/user`, else `~/.config/systemd/user`."""
    config = os.environ.get("XDG_CONFIG_HOME", "")
    base = Path(config) if config.startswith("/") else Path.home() / ".config"
    return base / "systemd" / "user"


def unit_paths() -> tuple[Path, Path]:
    folder = units_dir()
    return folder / f"{UNIT}.service", folder / f"{UNIT}.timer"


def backrelief_command() -> list[str]:
    """This very backrelief, by absolute path: the script that is running, else this Python with `-m`."""
    script = Path(sys.argv[0])
    if script.name == "backrelief" and script.is_file():
        return [str(script.resolve())]
    # Not resolved: a venv's python is a symlink, and only the link knows the venv.
    return [os.path.abspath(sys.executable), "-m", "backrelief_tui"]


def service_text(command: list[str], environ: dict[str, str]) -> str:
    lines = [
        "# Written by `backrelief remind install`; `backrelief remind uninstall` removes it.",
        "[Unit]",
        "Description=backrelief: a desktop notification when a back break is due",
        "",
        "[Service]",
        "Type=oneshot",
        "ExecStart=" + " ".join(_exec_quote(part) for part in [*command, "due", "--notify"]),
    ]
    lines += [f'Environment="{_env_quote(name)}={_env_quote(environ[name])}"'
              for name in PASSED_ON if environ.get(name)]
    return "\n".join(lines) + "\n"


def timer_text() -> str:
    return "\n".join([
        "# Written by `backrelief remind install`; `backrelief remind uninstall` removes it.",
        "[Unit]",
        f"Description=backrelief: check every {CHECK_EVERY_MINUTES} minutes whether a back break is due",
        "",
        "[Timer]",
        # Every few minutes, all day: `due --notify` knows the working hours, so changing
        # them never means reinstalling the timer. It costs one short process per run.
        f"OnCalendar=*:0/{CHECK_EVERY_MINUTES}",
        "AccuracySec=30s",
        "",
        "[Install]",
        "WantedBy=timers.target",
    ]) + "\n"


def _exec_quote(word: str) -> str:
    # systemd reads `%` as a specifier and `$` as a variable in ExecStart; inside double
    # quotes a backslash and a quote are escaped with a backslash.
    escaped = word.replace("%", "%%").replace("$", "$$")
    if escaped and not any(char in escaped for char in ' \t"\'\\;'):
        return escaped
    return '"' + escaped.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _env_quote(text: str) -> str:
    return text.replace("%", "%%").replace("\\", "\\\\").replace('"', '\\"')


# -- what is there ----------------------------------------------------------------------------


def _systemctl(*arguments: str) -> tuple[int, str]:
    """Run `systemctl --user ...`: (exit status, its output), or (127, why) when it cannot run."""
    try:
        result = subprocess.run(["systemctl", "--user", *arguments], capture_output=True, text=True, timeout=30,
                                check=False)
    except (OSError, subprocess.TimeoutExpired) as error:
        return 127, str(error)
    return result.returncode, (result.stdout + result.stderr).strip()


def missing_for_reminders() -> str:
    """What this machine lacks for desktop reminders ("" when nothing): systemd, a desktop, notify-send."""
    if shutil.which("systemctl") is None or _systemctl("show-environment")[0] != 0:
        return "there is no systemd user session here"
    if not any(os.environ.get(name) for name in ("DBUS_SESSION_BUS_ADDRESS", "DISPLAY", "WAYLAND_DISPLAY")):
        return "there is no desktop session here (no DBUS_SESSION_BUS_ADDRESS, DISPLAY or WAYLAND_DISPLAY)"
    if shutil.which("notify-send") is None:
        return "notify-send is missing (Debian, Ubuntu: install libnotify-bin; Fedora, Arch: libnotify)"
    return ""


# -- the actions ------------------------------------------------------------------------------

ENABLE = ("enable", "--now", f"{UNIT}.timer")
DISABLE = ("disable", "--now", f"{UNIT}.timer")
RELOAD = ("daemon-reload",)


def install(*, dry_run: bool = False) -> int:
    """Write the two unit files and start the timer; with `dry_run`, print them and the commands instead."""
    service_path, timer_path = unit_paths()
    files = {service_path: service_text(backrelief_command(), dict(os.environ)), timer_path: timer_text()}
    commands = [RELOAD, ENABLE]
    if dry_run:
        for path, text in files.items():
            print(f"# {path}\n{text}")
        for arguments in commands:
            print("systemctl --user " + " ".join(arguments))
        lacking = missing_for_reminders()
        if lacking:
            print(f"# on this machine install would stop here: {lacking}")
        return 0
    lacking = missing_for_reminders()
    if lacking:
        return fail(f"no desktop reminders: {lacking}; {ELSEWHERE}")
    from backrelief_tui.core.atomic import atomic_write

    try:
        for path, text in files.items():
            atomic_write(path, text.encode("utf-8"))
    except OSError as error:
        return fail(f"cannot write {error.filename or units_dir()}: {error.strerror or error}")
    for arguments in commands:
        code, output = _systemctl(*arguments)
        if code != 0:
            return fail(f"systemctl --user {' '.join(arguments)} failed: {_last_line(output, code)}")
    print(f"Reminders on: every {CHECK_EVERY_MINUTES} minutes {UNIT}.timer runs `backrelief due --notify`, "
          "which shows a notification once when a back break is due (in your working hours, unless snoozed "
          "or skipped).")
    print(f"Files: {service_path}, {timer_path}. Check: backrelief remind status. Remove: backrelief remind uninstall.")
    return 0


def uninstall(*, dry_run: bool = False) -> int:
    """Stop the timer and remove both unit files; nothing to do when they are not there."""
    present = [path for path in unit_paths() if path.exists() or path.is_symlink()]
    if not present:
        print("Reminders are not installed; nothing to remove.")
        return 0
    if dry_run:
        print("systemctl --user " + " ".join(DISABLE))
        for path in present:
            print(f"rm {path}")
        print("systemctl --user " + " ".join(RELOAD))
        return 0
    reachable = shutil.which("systemctl") is not None
    if reachable:
        _systemctl(*DISABLE)  # fails harmlessly when the timer was never enabled
    try:
        for path in present:
            path.unlink()
    except OSError as error:
        return fail(f"cannot remove {error.filename}: {error.strerror or error}")
    if reachable:
        _systemctl(*RELOAD)
    print(f"Reminders off: removed {', '.join(str(path) for path in present)}.")
    return 0


def status() -> int:
    """Installed and active (exit 0), or what is not (exit 1)."""
    service_path, timer_path = unit_paths()
    if not service_path.exists() or not timer_path.exists():
        print("Reminders are not installed (backrelief remind install).")
        return 1
    program = _program(service_path)
    if program and not Path(program).is_file():
        print(f"Reminders are installed, but their command {program} no longer exists: "
              "run `backrelief remind install` again.")
        return 1
    code, output = _systemctl("is-active", f"{UNIT}.timer")
    if code == 127:
        print(f"Reminders are installed ({service_path.parent}), but systemctl cannot be run here: {output}")
        return 1
    state = output.splitlines()[-1] if output else "unknown"
    if code == 0 and state == "active":
        print(f"Reminders are installed and active: {timer_path.name} checks every {CHECK_EVERY_MINUTES} minutes "
              f"({service_path.parent}).")
        return 0
    print(f"Reminders are installed ({service_path.parent}) but the timer is {state}: "
          f"systemctl --user enable --now {UNIT}.timer")
    return 1


def _program(service_path: Path) -> str:
    """The program the installed service runs (its ExecStart's first word), or "" if unreadable."""
    from backrelief_tui.core.files import read_regular

    raw, _reason = read_regular(service_path)
    if raw is None:
        return ""
    text = raw.decode("utf-8", errors="replace")
    import shlex

    for line in text.splitlines():
        if line.startswith("ExecStart="):
            try:
                words = shlex.split(line.removeprefix("ExecStart="))
            except ValueError:
                return ""
            return words[0].replace("%%", "%").replace("$$", "$") if words else ""
    return ""


def _last_line(output: str, code: int) -> str:
    lines = output.strip().splitlines()
    return lines[-1] if lines else f"exit status {code}"
