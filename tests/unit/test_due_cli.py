"""`backrelief due`, `snooze`, `skip`, `set schedule`, `run` without a routine, and `due --notify`."""

import argparse
import json
import os
import subprocess
import sys
import tomllib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from backrelief_tui.commands import due as due_module
from backrelief_tui.commands import main
from backrelief_tui.commands.due import fast_dirs, fast_main, run_due
from backrelief_tui.commands.nudges import cmd_skip, cmd_snooze
from backrelief_tui.core import paths
from backrelief_tui.core.records import record_path, write_record
from backrelief_tui.core.schedule import Schedule, State, note_break, read_state, state_file, write_state
from tests.record_factory import make_record

BERLIN = ZoneInfo("Europe/Berlin")
ROOT = Path(__file__).parents[2]


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """2025-03-03 is a Monday."""
    return datetime(2025, 3, day, hour, minute, tzinfo=BERLIN)


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def state_path() -> str:
    return state_file(str(paths.state_dir()))


def saved_state() -> State:
    state, problem = read_state(state_path())
    assert state is not None, problem
    return state


def save_record(started, record_id, **kwargs):
    record = make_record(started, record_id=record_id, **kwargs)
    write_record(record_path(paths.sessions_dir(), record), record)
    return record


def due(capsys, now, fmt="plain", notify=False):
    code = run_due(fmt, notify, now=now)
    captured = capsys.readouterr()
    return code, captured.out.rstrip("\n"), captured.err


# -- the answer in each format ------------------------------------------------------------------


def test_each_format_and_the_exit_status(capsys):
    write_state(state_path(), note_break(State(), "s1", at(3, 10)))
    due(capsys, at(3, 10, 1))  # reads the settings once (none: the defaults)
    assert due(capsys, at(3, 10, 25)) == (1, "next in 25 min · 1/5 this week", "")
    assert due(capsys, at(3, 11, 40)) == (0, "back break due (last 1 h 40 min ago) · 1/5 this week", "")
    assert due(capsys, at(3, 10, 25), "tmux")[1] == "#[fg=colour245]next in 25 min · 1/5#[default]"
    assert due(capsys, at(3, 11, 40), "tmux")[1] == "#[fg=black,bg=yellow,bold] back break due · 1/5 #[default]"
    assert due(capsys, at(3, 18), "tmux")[1] == ""  # quiet outside the working hours
    assert due(capsys, at(3, 11, 40), "prompt")[1] == "⏰ back"
    assert due(capsys, at(3, 10, 25), "prompt") == (1, "", "")
    code, out, _ = due(capsys, at(3, 11, 40), "json")
    assert code == 0 and json.loads(out) == {
        "due": True, "status": "due", "text": "back break due (last 1 h 40 min ago) · 1/5 this week",
        "now": "2025-03-03T11:40:00+01:00", "last_break": "2025-03-03T10:00:00+01:00",
        "due_since": "2025-03-03T10:50:00+01:00", "next_at": None, "snoozed_until": None,
        "sessions_this_week": 1, "weekly_goal": 5}
    assert due(capsys, at(8, 12)) == (1, "no breaks until Mon 09:00 · 1/5 this week", "")


def test_the_fast_path_takes_only_what_it_knows(monkeypatch):
    calls = []
    monkeypatch.setattr(due_module, "run_due", lambda fmt, notify: calls.append((fmt, notify)) or 0)
    assert fast_main([]) == 0 and fast_main(["--format", "tmux"]) == 0 and fast_main(["--format=json", "--notify"]) == 0
    assert calls == [("plain", False), ("tmux", False), ("json", True)]
    for argv in (["--help"], ["-h"], ["--format", "bad"], ["--format"], ["extra"]):
        assert fast_main(argv) is None  # the parser answers these


def test_due_help_goes_through_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["due", "--help"])
    assert exit_info.value.code == 0
    assert "--format {plain,tmux,json,prompt}" in capsys.readouterr().out


# -- the state file: made, rebuilt, kept fresh ----------------------------------------------------


def test_a_first_run_makes_the_state_quietly(capsys):
    assert due(capsys, at(3, 9, 30)) == (1, "next in 20 min · 0/5 this week", "")
    assert saved_state().schedule == Schedule()


def test_a_damaged_state_is_rebuilt_from_the_records_with_one_notice(capsys):
    save_record(at(3, 9, 0), "a")
    save_record(at(3, 10, 0), "b")
    Path(state_path()).parent.mkdir(parents=True)
    Path(state_path()).write_bytes(b'{"version": 1, "week": "2025-W10", "week_sessio')  # cut short
    code, out, err = due(capsys, at(3, 10, 30))
    assert out == "next in 25 min · 2/5 this week"
    assert err.count("\n") == 1 and err.startswith(f"backrelief: the nudge state {state_path()} was damaged: ")
    assert err.rstrip().endswith("rebuilt it from your 2 newest session records")
    assert due(capsys, at(3, 10, 31))[2] == ""  # once: the file is whole again
    assert set(saved_state().week_sessions) == {"a", "b"}


def test_a_missing_state_with_records_says_so_once(capsys):
    save_record(at(3, 9, 0), "a")
    err = due(capsys, at(3, 10))[2]
    assert err == (f"backrelief: the nudge state {state_path()} was missing; "
                   "rebuilt it from your 1 newest session record\n")
    assert due(capsys, at(3, 10))[2] == ""


def test_changed_settings_are_read_again_once(capsys, home):
    due(capsys, at(3, 9, 30))
    assert main(["set", "schedule", "every=20", "goal=3"]) == 0
    capsys.readouterr()
    assert due(capsys, at(3, 9, 10))[1] == "next in 10 min · 0/3 this week"
    settings = home / "config" / "settings.toml"
    settings.write_text(settings.read_text().replace("break_every = 20", "break_every = 5"))  # by hand
    assert due(capsys, at(3, 9, 10)) == (0, "back break due (none yet today) · 0/3 this week", "")
    settings.write_text("break_every = [")  # broken: defaults, and one warning, once
    code, out, err = due(capsys, at(3, 9, 10))
    assert out == "next in 40 min · 0/5 this week" and err.startswith(f"warning: {settings}: is not valid TOML")
    assert due(capsys, at(3, 9, 10))[2] == ""


def test_an_unwritable_state_folder_still_answers(capsys, home):
    home.mkdir()
    (home / "state").write_text("not a folder")
    save_record(at(3, 9, 0), "a")
    code, out, err = due(capsys, at(3, 9, 30))
    assert out == "next in 25 min · 1/5 this week"
    assert err.startswith("backrelief: the nudge state") and "it cannot be saved" in err and err.count("\n") == 1


@pytest.mark.parametrize("env", [
    {},
    {"XDG_CONFIG_HOME": "/x/config", "XDG_STATE_HOME": "/x/state"},
    {"XDG_CONFIG_HOME": "relative/config", "XDG_STATE_HOME": ""},
    {"HOME": "/home/someone/"},
    {"HOME": "/"},
])
def test_fast_dirs_agree_with_core_paths(monkeypatch, env):
    monkeypatch.delenv("BACKRELIEF_HOME")
    for name in ("XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    dirs = fast_dirs()
    if sys.platform == "linux":
        assert dirs is not None
    if dirs is not None:
        assert (Path(dirs[0]), Path(dirs[1])) == (paths.config_dir(), paths.state_dir())


def test_fast_dirs_with_backrelief_home(home):
    assert fast_dirs() == (str(home / "config"), str(home / "state"))
    assert Path(fast_dirs()[1]) == paths.state_dir()


def test_due_imports_nothing_heavy(home, capsys):
    """What `due` must not load on every prompt (each costs a good share of Python's start-up)."""
    due(capsys, at(3, 9))  # the state file and its copy of the settings exist from here on
    code = ("import sys; from backrelief_tui.__main__ import main; main(['due']); "
            "heavy = {'re', 'json', 'enum', 'pathlib', 'platformdirs', 'tomllib', 'typing', 'dataclasses', "
            "'textual', 'backrelief_tui.core.settings', 'backrelief_tui.core.records'}; "
            "print(sorted(heavy & set(sys.modules)))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.stdout.splitlines()[-1] == "[]", result.stdout + result.stderr


# -- snooze, skip, set schedule -------------------------------------------------------------------


def test_snooze_and_snooze_off(capsys):
    assert cmd_snooze(argparse.Namespace(duration="20m"), now=at(3, 10)) == 0
    assert capsys.readouterr().out == "Snoozed until 10:20. (`backrelief snooze off` ends it.)\n"
    assert saved_state().snooze_until == at(3, 10, 20)
    assert due(capsys, at(3, 10, 5))[:2] == (1, "snoozed until 10:20 · 0/5 this week")
    assert cmd_snooze(argparse.Namespace(duration="1h"), now=at(3, 10)) == 0
    assert saved_state().snooze_until == at(3, 11)
    assert cmd_snooze(argparse.Namespace(duration="off"), now=at(3, 10)) == 0
    assert saved_state().snooze_until is None


@pytest.mark.parametrize(("text", "message"), [
    ("soon", "give minutes or hours"), ("0m", "snooze for 1 minute to 12 hours"), ("13h", "snooze for"),
])
def test_bad_snoozes_are_one_line(capsys, text, message):
    assert cmd_snooze(argparse.Namespace(duration=text), now=at(3, 10)) == 1
    err = capsys.readouterr().err
    assert err.startswith("backrelief: ") and message in err and err.count("\n") == 1


def test_skip_today_and_undo(capsys):
    assert cmd_skip(argparse.Namespace(undo=False), now=at(7, 10)) == 0  # a Friday
    assert capsys.readouterr().out.startswith("No more nudges today; they start again Mon 09:00.")
    assert due(capsys, at(7, 11))[:2] == (1, "skipped today, no breaks until Mon 09:00 · 0/5 this week")
    assert cmd_skip(argparse.Namespace(undo=True), now=at(7, 11)) == 0
    assert capsys.readouterr().out.startswith("Nudges are back on for today: back break due")


def test_snooze_and_skip_through_the_command_line(capsys):
    assert main(["snooze", "45"]) == 0 and "Snoozed until" in capsys.readouterr().out
    assert main(["skip", "today"]) == 0 and saved_state().skip_day is not None
    with pytest.raises(SystemExit):
        main(["skip", "tomorrow"])


def test_set_schedule_saves_and_shows(capsys, home):
    due(capsys, at(3, 9))  # a state file to keep the schedule's copy in
    assert main(["set", "schedule", "every=1h", "days=mon,wed-fri", "hours=8-16:30", "goal=4", "routine=stretch"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Schedule: every=60 days=mon,wed-fri hours=08:00-16:30 goal=4 routine=stretch\n")
    assert "a nudge suggests stretch" in out
    saved = tomllib.loads((home / "config" / "settings.toml").read_text())
    assert (saved["break_every"], saved["work_days"], saved["work_hours"], saved["weekly_goal"],
            saved["nudge_routine"]) == (60, ["mon", "wed", "thu", "fri"], "08:00-16:30", 4, "stretch")
    assert saved_state().schedule == Schedule(60, (0, 2, 3, 4), 480, 990, 4, "stretch")
    assert main(["set", "schedule", "routine=default", "every=default"]) == 0
    assert "a nudge suggests desk (the default)" in capsys.readouterr().out
    assert main(["set", "schedule"]) == 0
    assert capsys.readouterr().out.startswith("Schedule: every=50 days=mon,wed-fri")


def test_set_schedule_bad_values_are_one_line_each_and_save_nothing(capsys, home):
    assert main(["set", "schedule", "every=0", "days=xx", "hours=17-9", "goal=lots", "routine=nope", "oops"]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert lines == [
        "backrelief: every must be between 1 and 480 minutes (got 0)",
        "backrelief: days must be weekdays such as mon-fri or mon,wed,fri (got 'xx')",
        "backrelief: hours must end after they start, on the same day (got '17-9')",
        "backrelief: goal must be a number of sessions (got 'lots')",
        "backrelief: routine 'nope' is not one of your routines (see `backrelief list`)",
        "backrelief: 'oops': write FIELD=VALUE with a field of: every, days, hours, goal, routine "
        "(e.g. every=50 days=mon-fri hours=9-17:30 goal=5 routine=desk)",
    ]
    assert not (home / "config" / "settings.toml").exists()
    assert main(["set", "schedule", "--reset"]) == 1


def test_set_move_still_works_next_to_set_schedule(capsys, home):
    assert main(["set", "cobra", "hold=45"]) == 0
    assert tomllib.loads((home / "config" / "settings.toml").read_text())["moves"] == {"cobra": {"hold": 45}}


# -- run without a routine ------------------------------------------------------------------------


@pytest.fixture
def started(monkeypatch):
    names = []
    monkeypatch.setattr("backrelief_tui.commands.routines.cmd_tui",
                        lambda args, routine_name=None: names.append(routine_name) or 0)
    return names


def test_run_without_a_routine_starts_the_suggested_one(started, capsys, home):
    assert main(["run"]) == 0
    main(["set", "schedule", "routine=stretch"])
    assert main(["run"]) == 0
    routines = home / "config" / "routines"
    routines.mkdir(parents=True)
    (routines / "desk.toml").write_text('id = "desk"\ntitle = "Desk"\nsummary = "At the desk."\n'
                                        '[[moves]]\nref = "cobra"\n')
    main(["set", "schedule", "routine=default"])
    assert main(["run"]) == 0
    assert main(["run", "activate"]) == 0
    assert started == ["desk", "stretch", "desk", "activate"]


def test_run_when_the_chosen_routine_is_gone(started, capsys, home):
    settings = home / "config" / "settings.toml"
    settings.parent.mkdir(parents=True)
    settings.write_text('nudge_routine = "gone"\n')
    assert main(["run"]) == 0 and started == ["desk"]
    assert "the routine your nudges suggest (gone) is gone; starting desk" in capsys.readouterr().err


# -- desktop notifications ------------------------------------------------------------------------


@pytest.fixture
def notify_log(tmp_path, monkeypatch):
    """A fake notify-send first on PATH: it writes its arguments, one per line, to a log."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    log = tmp_path / "notifications.log"
    script = bin_dir / "notify-send"
    script.write_text(f'#!/bin/sh\nfor arg in "$@"; do printf "%s\\n" "$arg"; done >> "{log}"\necho --- >> "{log}"\n')
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    return log


def sent(log: Path) -> list[list[str]]:
    if not log.exists():
        return []
    return [block.strip("\n").split("\n") for block in log.read_text().split("---\n") if block.strip()]


def test_notify_sends_once_per_due_period(capsys, notify_log):
    write_state(state_path(), note_break(State(), "s1", at(3, 10)))
    assert due(capsys, at(3, 10, 30), notify=True)[0] == 0
    assert sent(notify_log) == []  # not due yet
    code, out, err = due(capsys, at(3, 11, 40), notify=True)
    assert code == 0 and err == ""
    assert sent(notify_log) == [["--app-name=backrelief", "--urgency=normal", "Time for a back break",
                                 "Start At the desk (6 min): backrelief run",
                                 "Last break 1 h 40 min ago · 1/5 this week"]]
    assert out.startswith("notified: Time for a back break: Start At the desk (6 min): backrelief run / ")
    due(capsys, at(3, 11, 45), notify=True)
    due(capsys, at(3, 12, 30), notify=True)
    assert len(sent(notify_log)) == 1  # the same due period
    cmd_snooze(argparse.Namespace(duration="20m"), now=at(3, 12, 30))
    due(capsys, at(3, 12, 40), notify=True)
    assert len(sent(notify_log)) == 1  # snoozed
    due(capsys, at(3, 12, 50), notify=True)
    assert len(sent(notify_log)) == 2  # the snooze is over: due again
    due(capsys, at(3, 18, 0), notify=True)
    due(capsys, at(8, 11, 0), notify=True)
    assert len(sent(notify_log)) == 2  # after hours, on a Saturday: nothing


def test_notify_names_the_chosen_routine_as_text(capsys, notify_log, home):
    routines = home / "config" / "routines"
    routines.mkdir(parents=True)
    (routines / "mine.toml").write_text('id = "mine"\ntitle = "<b>Mine</b> & more"\nsummary = "x"\n'
                                        '[[moves]]\nref = "cobra"\n')
    main(["set", "schedule", "routine=mine"])
    due(capsys, at(3, 10), notify=True)
    assert sent(notify_log)[0][3] == "Start &lt;b&gt;Mine&lt;/b&gt; &amp; more (2 min): backrelief run"


def test_notify_without_notify_send_says_what_to_install(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    code, _out, err = due(capsys, at(3, 10), notify=True)
    assert code == 1
    assert err == ("backrelief: notify-send is missing: install libnotify-bin (Debian, Ubuntu) "
                   "or libnotify (Fedora, Arch)\n")
    assert saved_state().notified is None  # tried again next time


def test_a_real_session_end_resets_the_answer(capsys):
    write_state(state_path(), State())
    assert due(capsys, at(3, 11))[0] == 0
    from backrelief_tui.core.schedule import note_session_end

    record = save_record(at(3, 11, 0), "done")
    note_session_end(record, paths.sessions_dir())
    assert due(capsys, at(3, 11, 10))[1] == "next in 45 min · 1/5 this week"


def test_a_snooze_ends_on_a_whole_minute(capsys):
    assert cmd_snooze(argparse.Namespace(duration="20m"), now=at(3, 10).replace(second=30)) == 0
    assert saved_state().snooze_until == at(3, 10, 21)
    assert capsys.readouterr().out.startswith("Snoozed until 10:21.")
