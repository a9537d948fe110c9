"""core.schedule: when a back break is due, on a fake clock across hours, days off, midnight and DST; its state file."""

import json
import os
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from backrelief_tui.core import paths
from backrelief_tui.core.engine import Engine
from backrelief_tui.core.recorder import Recorder
from backrelief_tui.core.records import record_path, write_record
from backrelief_tui.core.schedule import (
    DUE,
    OFF,
    SKIPPED,
    SNOOZED,
    WAITING,
    Schedule,
    State,
    check,
    counts_as_break,
    describe,
    format_days,
    iso_week,
    loads,
    note_break,
    note_session_end,
    parse_days,
    parse_hours,
    parse_minutes,
    read_state,
    rebuild_state,
    state_file,
    state_from_json,
    state_to_json,
    suggested_routine,
    write_state,
)
from backrelief_tui.core.settings import Settings, load_settings, save_settings
from backrelief_tui.core.store import RecordStore
from tests.fakes import FakeClock
from tests.record_factory import WallClock, desk_break_plan, make_record, run_for

BERLIN = ZoneInfo("Europe/Berlin")
WORKDAY = Schedule()  # every 50 min, Mon-Fri 09:00-17:30, goal 5


def at(day: int, hour: int, minute: int = 0, *, month: int = 3, year: int = 2025, fold: int = 0) -> datetime:
    """2025-03-03 is a Monday: at(3, 9) is Monday 09:00 in Berlin."""
    return datetime(year, month, day, hour, minute, tzinfo=BERLIN, fold=fold)


# -- the rules ----------------------------------------------------------------------------------


def test_waiting_then_due_within_working_hours():
    answer = check(at(3, 9, 30), WORKDAY, State())
    assert answer.status == WAITING and answer.next_at == at(3, 9, 50)
    assert describe(answer) == "next in 20 min · 0/5 this week"
    answer = check(at(3, 9, 50), WORKDAY, State())
    assert answer.status == DUE and answer.due and answer.due_since == at(3, 9, 50)
    assert describe(answer) == "back break due (none yet today) · 0/5 this week"


def test_a_break_restarts_the_wait_and_counts_for_the_week():
    state = note_break(State(), "s1", at(3, 10))
    assert describe(check(at(3, 10, 25), WORKDAY, state)) == "next in 25 min · 1/5 this week"
    answer = check(at(3, 11, 40), WORKDAY, state)
    assert answer.due and answer.due_since == at(3, 10, 50)
    assert describe(answer) == "back break due (last 1 h 40 min ago) · 1/5 this week"


def test_the_wait_is_rounded_up_and_the_last_break_down():
    state = note_break(State(), "s1", at(3, 10))
    assert describe(check(at(3, 10, 49) + timedelta(seconds=30), WORKDAY, state)).startswith("next in 1 min")
    answer = check(at(3, 12, 0) + timedelta(seconds=59), WORKDAY, state)
    assert describe(answer).startswith("back break due (last 2 h ago)")


@pytest.mark.parametrize(("now", "text"), [
    (at(3, 8, 0), "no breaks until 09:00 · 0/5 this week"),  # before the hours
    (at(3, 17, 30), "no breaks until Tue 09:00 · 0/5 this week"),  # the end is not inside
    (at(7, 18, 0), "no breaks until Mon 09:00 · 0/5 this week"),  # Friday evening
    (at(8, 11, 0), "no breaks until Mon 09:00 · 0/5 this week"),  # Saturday: a day off
])
def test_nothing_outside_working_hours_or_on_days_off(now, text):
    answer = check(now, WORKDAY, State())
    assert answer.status == OFF and not answer.due
    assert describe(answer) == text


def test_no_more_breaks_once_the_next_would_fall_after_the_hours():
    state = note_break(State(), "s1", at(3, 17))
    answer = check(at(3, 17, 20), WORKDAY, state)
    assert answer.status == OFF and describe(answer).startswith("no breaks until Tue 09:00")


def test_across_midnight_the_day_starts_again_from_its_working_hours():
    state = note_break(State(), "s1", at(3, 17))  # Monday's last break
    assert check(at(4, 0, 30), WORKDAY, state).status == OFF
    answer = check(at(4, 9, 30), WORKDAY, state)
    assert answer.status == WAITING and answer.next_at == at(4, 9, 50)
    assert describe(check(at(4, 9, 50), WORKDAY, state)).startswith("back break due (none yet today)")
    # All day, every day: a break late yesterday still only counts from today's start.
    always = Schedule(days=range(7), start=0, end=24 * 60)
    state = note_break(State(), "s2", at(3, 23, 40))
    assert check(at(3, 23, 50), always, state).status == OFF  # the next one would fall after 24:00
    assert check(at(4, 0, 10), always, state).next_at == at(4, 0, 50)


def test_the_week_count_starts_again_on_monday():
    state = note_break(note_break(State(), "a", at(3, 10)), "b", at(9, 10))  # Monday and Sunday
    assert state.week_count(at(9, 23, 59)) == 2
    assert state.week_count(at(10, 0, 0)) == 0
    assert describe(check(at(10, 9, 0), WORKDAY, state)).endswith("0/5 this week")
    assert note_break(state, "c", at(10, 10)).week_sessions == ("c",)


def test_snooze_quiets_then_a_new_due_period_starts():
    state = State(snooze_until=at(3, 10, 20))
    answer = check(at(3, 10, 5), WORKDAY, state)
    assert answer.status == SNOOZED and not answer.due
    assert describe(answer) == "snoozed until 10:20 · 0/5 this week"
    answer = check(at(3, 10, 20), WORKDAY, state)
    assert answer.due and answer.due_since == at(3, 10, 20)  # not 09:50: one more notification
    # A snooze set before the break was due ends; then it is an ordinary wait.
    assert check(at(3, 9, 40), WORKDAY, State(snooze_until=at(3, 9, 30))).status == WAITING


def test_a_snooze_past_the_working_hours_ends_the_day():
    answer = check(at(3, 16), WORKDAY, State(snooze_until=at(3, 18)))
    assert answer.status == OFF and describe(answer).startswith("no breaks until Tue 09:00")


def test_skip_today_lasts_until_midnight():
    state = State(skip_day=date(2025, 3, 3))
    answer = check(at(3, 11), WORKDAY, state)
    assert answer.status == SKIPPED and not answer.due
    assert describe(answer) == "skipped today, no breaks until Tue 09:00 · 0/5 this week"
    assert check(at(4, 11), WORKDAY, state).due


def test_dst_spring_forward_counts_real_minutes_not_wall_clock():
    # Sunday 30 March 2025 in Berlin: 02:00 CET jumps to 03:00 CEST.
    night = Schedule(days=range(7), start=60, end=6 * 60)
    state = note_break(State(), "s1", at(30, 1, 30))  # 00:30 UTC
    answer = check(at(30, 3, 10), night, state)  # 01:10 UTC: 40 real minutes, 100 on the wall
    assert answer.status == WAITING and answer.next_at == at(30, 3, 20)
    assert describe(answer).startswith("next in 10 min")
    answer = check(at(30, 3, 20), night, state)
    assert answer.due and describe(answer).startswith("back break due (last 50 min ago)")


def test_dst_fall_back_counts_the_repeated_hour():
    # Sunday 26 October 2025 in Berlin: 03:00 CEST goes back to 02:00 CET.
    night = Schedule(days=range(7), start=60, end=6 * 60)
    state = note_break(State(), "s1", at(26, 2, 30, month=10))  # 02:30 CEST, 00:30 UTC
    answer = check(at(26, 2, 40, month=10, fold=1), night, state)  # 02:40 CET, 01:40 UTC: 70 minutes later
    assert answer.due and describe(answer).startswith("back break due (last 1 h 10 min ago)")
    assert answer.due_since.astimezone(UTC) == datetime(2025, 10, 26, 1, 20, tzinfo=UTC)
    # On the working day after, the hours are read on the wall clock: 09:00 CET.
    answer = check(at(27, 9, 10, month=10), WORKDAY, State())
    assert answer.next_at.utcoffset() == timedelta(hours=1) and answer.next_at == at(27, 9, 50, month=10)


def test_counts_as_break():
    assert counts_as_break("completed", 10, 1) and not counts_as_break("completed", 10, 0)  # 0: skipped through
    assert counts_as_break("stopped", 180, 0) and not counts_as_break("stopped", 179, 5)
    assert not counts_as_break("in-progress", 1000, 3)


def test_note_break_never_counts_a_session_twice_and_keeps_the_latest_end():
    state = note_break(note_break(State(), "a", at(3, 10)), "a", at(3, 10))
    assert state.week_sessions == ("a",) and state.week == "2025-W10"
    older = note_break(state, "old", at(24, 10, month=2))  # a week before: does not change this week
    assert older.week_sessions == ("a",) and older.last_break == at(3, 10)


def test_suggested_routine_prefers_the_choice_then_desk_then_desk_break():
    have = {"desk-break", "stretch"}.__contains__
    assert suggested_routine("", have) == "desk-break"
    assert suggested_routine("", {"desk", "desk-break"}.__contains__) == "desk"
    assert suggested_routine("stretch", have) == "stretch"
    assert suggested_routine("gone", have) == "desk-break"
    assert suggested_routine("", set().__contains__) is None


# -- typed values -------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "days", "short"), [
    ("mon-fri", ("mon", "tue", "wed", "thu", "fri"), "mon-fri"),
    ("Mon, Wed,fri", ("mon", "wed", "fri"), "mon,wed,fri"),
    ("sat-sun", ("sat", "sun"), "sat,sun"),
    ("fri-mon", ("mon", "fri", "sat", "sun"), "mon,fri-sun"),
    ("monday-thursday,sat", ("mon", "tue", "wed", "thu", "sat"), "mon-thu,sat"),
    ("all", ("mon", "tue", "wed", "thu", "fri", "sat", "sun"), "all"),
])
def test_parse_and_format_days(text, days, short):
    assert parse_days(text) == (days, None)
    assert format_days(days) == short and parse_days(short) == (days, None)


@pytest.mark.parametrize("text", ["", "t-f", "mon-", "funday", ","])
def test_bad_days(text):
    value, error = parse_days(text)
    assert value is None and error.startswith("days must")


@pytest.mark.parametrize(("text", "hours"), [
    ("9-17:30", "09:00-17:30"), ("09:00-17:30", "09:00-17:30"), ("8:30–12", "08:30-12:00"), ("0-24", "00:00-24:00"),
])
def test_parse_hours(text, hours):
    assert parse_hours(text) == (hours, None)


@pytest.mark.parametrize(("text", "message"), [
    ("17-9", "hours must end after they start, on the same day (got '17-9')"),
    ("9", "hours must be like 9-17:30 or 09:00-17:30 (got '9')"),
    ("9:5-10", "hours must be like"), ("25-26", "hours must be like"), ("9-24:30", "hours must be like"),
])
def test_bad_hours(text, message):
    value, error = parse_hours(text)
    assert value is None and error.startswith(message)


@pytest.mark.parametrize(("text", "minutes"), [
    ("20", 20), ("20m", 20), ("20 min", 20), ("1h", 60), ("1h30", 90), ("1h30m", 90), ("90m", 90), ("2 hours", 120),
])
def test_parse_minutes(text, minutes):
    assert parse_minutes(text) == (minutes, None)


@pytest.mark.parametrize("text", ["", "m", "h", "soon", "1.5h", "-5"])
def test_bad_minutes(text):
    assert parse_minutes(text)[0] is None


# -- the settings -------------------------------------------------------------------------------


def test_the_schedule_settings_round_trip_and_each_bad_field_is_one_problem(tmp_path):
    path = tmp_path / "settings.toml"
    settings = Settings(break_every=40, work_days=("mon", "wed"), work_hours="08:00-16:00", weekly_goal=3,
                        nudge_routine="stretch")
    save_settings(settings, path)
    assert load_settings(path) == (settings, [])
    assert settings.schedule == Schedule(40, (0, 2), 480, 960, 3, "stretch")
    path.write_text('break_every = 0\nwork_days = ["mon", "funday"]\nwork_hours = "5-4"\nweekly_goal = "5"\n'
                    'nudge_routine = "Not An Id"\nlead_in = 5\n')
    loaded, problems = load_settings(path)
    assert loaded == Settings(lead_in=5)
    assert [(problem.field, problem.message) for problem in problems] == [
        ("break_every", "must be between 1 and 480 minutes (got 0)"),
        ("work_days", 'must be a list of different weekdays such as ["mon", "tue", "wed", "thu", "fri"]'),
        ("work_hours", "must end after they start, on the same day (got '5-4')"),
        ("weekly_goal", "must be a whole number of sessions"),
        ("nudge_routine", 'must be a routine id such as "desk-break", or "" for the desk routine'),
    ]


def test_hand_written_days_and_hours_are_kept_in_order_and_normal_form(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('work_days = ["fri", "mon"]\nwork_hours = "8-16:30"\n')
    settings, problems = load_settings(path)
    assert problems == [] and settings.work_days == ("mon", "fri") and settings.work_hours == "08:00-16:30"


# -- the state file -----------------------------------------------------------------------------


def full_state() -> State:
    return State(last_break=at(3, 10), week="2025-W10", week_sessions=("a", "b"), snooze_until=at(3, 11),
                 skip_day=date(2025, 3, 4), notified=at(3, 10, 50), schedule=Schedule(30, (0, 6), 0, 1440, 7, "x"),
                 settings_signature=(1, 2, 3))


def test_state_round_trips_through_its_file(tmp_path):
    path = str(tmp_path / "state" / "nudges.json")
    for state in (State(), full_state()):
        write_state(path, state)
        assert read_state(path) == (state, "")
    assert json.loads((tmp_path / "state" / "nudges.json").read_text())["version"] == 1


def test_loads_is_json_loads_without_the_json_module():
    text = json.dumps(state_to_json(full_state()), indent=1, ensure_ascii=False) + "\n"
    assert loads(text) == json.loads(text)
    assert loads(' {"é": [1, 2.5, null, true, "\\u00e9"]} ') == {"é": [1, 2.5, None, True, "é"]}
    for bad in ('{"a": NaN}', '{"a": 1} x', '{"a": ', ""):
        with pytest.raises((ValueError, StopIteration)):
            loads(bad)


@pytest.mark.parametrize(("content", "reason"), [
    (b"", "damaged"), (b"\x00\xff garbage", "damaged"), (b'{"version": 2}', "damaged"), (b"[1, 2]", "damaged"),
    (b'{"version": 1, "week": "", "week_sessions": [], "last_break": "yesterday"}', "damaged"),
    (b'{"version": 1, "week": "", "week_sessions": [], "last_break": "2025-03-03T10:00:00"}', "damaged"),
    (b'{"version": 1, "week": "", "week_sessions": [1]}', "damaged"),
    (b"[" * 100_000, "damaged"),
])
def test_a_damaged_state_file_reads_as_damaged_never_raises(tmp_path, content, reason):
    path = tmp_path / "nudges.json"
    path.write_bytes(content)
    state, problem = read_state(str(path))
    assert state is None and problem.startswith(reason)


def test_missing_directory_and_huge_state_files(tmp_path):
    assert read_state(str(tmp_path / "nope.json")) == (None, "missing")
    assert read_state(str(tmp_path))[1].startswith("damaged")
    (tmp_path / "big.json").write_bytes(b" " * 70_000)
    assert read_state(str(tmp_path / "big.json"))[1] == "damaged: is too large to read (68 kB; the limit is 64 kB)"


def test_state_from_json_rejects_a_bad_schedule():
    data = state_to_json(full_state())
    data["schedule"]["end"] = 0
    with pytest.raises(ValueError):
        state_from_json(data)


def test_a_failed_write_keeps_the_old_state(tmp_path, monkeypatch):
    path = str(tmp_path / "nudges.json")
    write_state(path, full_state())

    def full_disk(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full_disk)
    with pytest.raises(OSError):
        write_state(path, State())
    assert read_state(path) == (full_state(), "")
    assert sorted(os.listdir(tmp_path)) == ["nudges.json"]


# -- rebuilding from the records ----------------------------------------------------------------


def _save(root, started, record_id, status="completed", minutes=5.0):
    record = make_record(started, record_id=record_id, status=status, minutes=minutes)
    write_record(record_path(root, record), record)
    return record


def test_rebuild_reads_only_the_newest_records(tmp_path):
    root = tmp_path / "sessions"
    for number in range(300):  # a long history, last year and the year before
        _save(root, at(1, 9, month=5, year=2023) + timedelta(days=number * 2), f"old{number}")
    _save(root, at(28, 10, month=2), "lastweek")
    monday = _save(root, at(3, 10), "mon")
    _save(root, at(4, 11), "short", status="stopped", minutes=1)  # one minute: not a break
    tuesday = _save(root, at(4, 14), "tue", status="stopped", minutes=4)
    (root / "2025" / "2025-03-05-080000-desk-break-zzz.toml").write_text("not = [toml")  # unreadable, newest
    state, read = rebuild_state(root, at(5, 9, 30))
    assert state.last_break == tuesday.ended
    assert state.week == "2025-W10" and set(state.week_sessions) == {monday.id, tuesday.id}
    assert read <= 8  # the newest files by name, down to one from before this week


def test_rebuild_in_the_first_iso_week_looks_into_last_years_folder(tmp_path):
    root = tmp_path / "sessions"
    _save(root, at(29, 10, month=12, year=2025), "dec29")  # Monday of 2026-W01
    _save(root, at(26, 10, month=12, year=2025), "dec26")  # 2025-W52
    state, _read = rebuild_state(root, at(1, 12, month=1, year=2026))
    assert state.week == "2026-W01" and state.week_sessions == ("dec29",)


def test_rebuild_without_records(tmp_path):
    state, read = rebuild_state(tmp_path / "nothing", at(3, 9))
    assert (state.last_break, state.week_sessions, read) == (None, (), 0)


def test_rebuild_stops_after_max_files_when_nothing_counts(tmp_path):
    root = tmp_path / "sessions"
    for number in range(30):
        _save(root, at(1, 9, month=2) + timedelta(hours=number), f"s{number}", status="stopped", minutes=1)
    assert rebuild_state(root, at(3, 9), max_files=10)[1] == 10


# -- the recorder's call ------------------------------------------------------------------------


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


def test_a_finished_session_restarts_the_wait(home):
    path = state_file(str(paths.state_dir()))
    write_state(path, State(schedule=WORKDAY))
    record = make_record(at(3, 10), record_id="r1")
    note_session_end(record, paths.sessions_dir())
    note_session_end(record, paths.sessions_dir())  # finish twice: counted once
    state, _ = read_state(path)
    assert state.last_break == record.ended and state.week_sessions == ("r1",) and state.schedule == WORKDAY


def test_without_a_state_file_the_recorders_call_rebuilds_it(home):
    root = paths.sessions_dir()
    first = _save(root, at(3, 9, 5), "first")
    second = _save(root, at(3, 10), "second")
    note_session_end(second, root, now=at(3, 10, 10))
    state, _ = read_state(state_file(str(paths.state_dir())))
    assert state.last_break == second.ended and set(state.week_sessions) == {first.id, second.id}


def test_sessions_that_do_not_count_or_live_elsewhere_change_nothing(home, tmp_path):
    note_session_end(make_record(at(3, 10), status="stopped", minutes=1), paths.sessions_dir())
    note_session_end(make_record(at(3, 10)), tmp_path / "elsewhere")
    note_session_end(None, paths.sessions_dir())
    assert not (home / "state").exists()


def test_a_state_folder_that_cannot_be_written_never_stops_a_session(home):
    (home / "state").parent.mkdir(parents=True)
    (home / "state").write_text("a file where the folder should be")
    note_session_end(make_record(at(3, 10)), paths.sessions_dir())  # no exception


def test_the_recorder_notes_a_completed_session(home):
    write_state(state_file(str(paths.state_dir())), State(schedule=WORKDAY))
    clock = FakeClock()
    recorder = Recorder(RecordStore(), wall_clock=WallClock(clock, at(3, 10)))
    engine = Engine(desk_break_plan(), clock)
    run_for(engine, clock, recorder, 400)
    record = recorder.finish(engine)
    assert record.status == "completed"
    state, _ = read_state(state_file(str(paths.state_dir())))
    assert state.last_break == record.ended and state.week_sessions == (record.id,)


def test_saving_the_settings_updates_the_schedule_copy(home):
    path = state_file(str(paths.state_dir()))
    write_state(path, State(schedule=WORKDAY))
    save_settings(Settings(break_every=30))
    state, _ = read_state(path)
    assert state.schedule.every == 30 and state.settings_signature is not None
    assert iso_week(at(3, 10)) == "2025-W10"


WRITER = """
import sys
from datetime import datetime, timezone
from backrelief_tui.core.schedule import State, write_state
path = sys.argv[1]
number = 0
while True:
    number += 1
    write_state(path, State(last_break=datetime.now(timezone.utc), week="2025-W10",
                            week_sessions=[f"s{n}" for n in range(number % 50)]))
    if number == 1:
        print("ready", flush=True)
"""


def test_the_state_file_survives_a_kill_in_the_middle_of_a_write(tmp_path):
    import random
    import signal
    import subprocess
    import sys
    import time

    path = tmp_path / "nudges.json"
    rng = random.Random(17)
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    for _ in range(20):
        process = subprocess.Popen([sys.executable, "-c", WRITER, str(path)], stdout=subprocess.PIPE,
                                   env={**os.environ, "PYTHONPATH": root})
        assert process.stdout.readline() == b"ready\n"
        time.sleep(rng.uniform(0, 0.05))  # a real process is killed at a random moment, not a fake clock
        process.send_signal(signal.SIGKILL)
        process.wait()
        process.stdout.close()
        state, problem = read_state(str(path))
        assert problem == "" and state.week == "2025-W10", problem
