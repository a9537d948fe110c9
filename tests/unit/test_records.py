"""The session record format: what is written, and a reader that never raises."""

from datetime import datetime, timedelta, timezone

import pytest
import tomli_w

from backrelief_tui.core.records import (
    SCHEMA,
    SessionRecord,
    Unreadable,
    dumps,
    parse_record,
    read_record,
    record_path,
    record_to_toml,
    started_from_name,
    write_record,
)
from tests.record_factory import CET, make_record


def test_a_record_reads_back_as_written(tmp_path):
    record = make_record(pain_before=4, pain_after=2, note="Hips tight after the drive.")
    path = record_path(tmp_path, record)
    write_record(path, record)
    assert read_record(path) == record


def test_the_file_is_plain_toml_with_the_agreed_fields(tmp_path):
    record = make_record()
    text = dumps(record).decode()
    assert text.startswith("schema = 1\n")
    for line in ('routine = "desk-break"', 'status = "completed"', "started = 2025-03-03 09:00:00+01:00",
                 "[[moves]]", "[progress]"):
        assert line in text
    # [progress] comes last, so a file cut short loses it (see the truncation test).
    assert text.rindex("[progress]") > text.rindex("[[moves]]")


def test_path_is_year_folder_then_start_routine_and_id(tmp_path):
    record = make_record(datetime(2024, 12, 31, 23, 59, 58, tzinfo=CET), routine="release", record_id="9f3e2a")
    assert record_path(tmp_path, record) == tmp_path / "2024" / "2024-12-31-235958-release-9f3e2a.toml"


def test_the_start_time_is_read_back_from_a_file_name_for_unreadable_files():
    when = started_from_name("2024-12-31-235958-release-9f3e2a.toml")
    assert (when.year, when.month, when.day, when.hour, when.minute) == (2024, 12, 31, 23, 59)
    assert started_from_name("notes.toml") is None
    assert started_from_name("2024-13-45-999999-x.toml") is None


def _document(**changes):
    document = record_to_toml(make_record())
    for key, value in changes.items():
        if value is None:
            document.pop(key)
        else:
            document[key] = value
    return tomli_w.dumps(document).encode()


@pytest.mark.parametrize("raw, reason", [
    (b"", "empty"),
    (b"   \n\n", "empty"),
    (b"\xff\xfe schema = 1", "not UTF-8"),
    (b"schema = 1\nid = ", "not valid TOML"),
    (b"[[[[", "not valid TOML"),
    (_document(schema=2), "newer version"),
    (_document(schema=0), "not a known schema"),
    (_document(schema="1"), "schema has the wrong type"),
    (_document(status="finished"), "status is 'finished'"),
    (_document(routine=None), "routine is missing"),
    (_document(pain_before=11), "pain_before must be from 0 to 10"),
    (_document(pain_after=-1), "pain_after must be from 0 to 10"),
    (_document(active_seconds="lots"), "active_seconds has the wrong type"),
    (_document(active_seconds=-5), "active_seconds is out of range"),
    (_document(pauses=True), "pauses has the wrong type"),
    (_document(started="yesterday"), "started has the wrong type"),
    (_document(progress=None), "progress is missing"),
    (_document(steps_finished=1), "progress.steps shows 3 finished steps"),
    (_document(steps_total=2), "is more than steps_total"),
    (_document(steps_total=4), "entries for 4 steps"),
    (_document(moves=[{"id": "x"}]), "moves[1].name is missing"),
    (_document(moves=["x"]), "moves[1] is not a table"),
    (_document(note="x" * 3000), "note is longer"),
], ids=lambda value: value if isinstance(value, str) else None)
def test_bad_files_are_unreadable_with_a_reason(tmp_path, raw, reason):
    path = tmp_path / "2025-03-03-090000-desk-break-abc123.toml"
    path.write_bytes(raw)
    result = read_record(path)
    assert isinstance(result, Unreadable)
    assert result.path == path
    assert reason in result.reason


def test_a_missing_or_unreadable_file_is_a_value_not_an_exception(tmp_path):
    assert "cannot be read" in read_record(tmp_path / "gone.toml").reason
    assert "cannot be read" in read_record(tmp_path).reason  # a folder


def test_every_cut_of_a_real_file_is_unreadable_or_the_whole_record(tmp_path):
    """A file cut short anywhere never reads as a shorter, wrong session."""
    record = make_record(pain_before=3, pain_after=1, note="ok", moves=4, skipped=(2,))
    raw = dumps(record)
    whole = 0
    for end in range(len(raw)):
        result = parse_record(raw[:end], tmp_path / "x.toml")
        if isinstance(result, SessionRecord):
            assert result == record
            whole += 1
    assert whole <= 2  # only without the final newline (and nothing else)


def test_hand_edits_that_keep_the_meaning_are_fine():
    document = record_to_toml(make_record())
    document["mood"] = "good"  # an unknown key is kept out of the way, not an error
    text = tomli_w.dumps(document).replace("2025-03-03 09:00:00+01:00", "2025-03-03 09:00:00")
    result = parse_record(text.encode(), None)
    assert isinstance(result, SessionRecord)
    assert result.started.tzinfo is not None  # a local time is read as this machine's local time


def test_integers_where_decimals_are_expected_are_accepted():
    document = record_to_toml(make_record())
    document["active_seconds"] = 300
    result = parse_record(tomli_w.dumps(document).encode(), None)
    assert isinstance(result, SessionRecord) and result.active_seconds == 300.0


def test_the_schema_number_is_one():
    assert SCHEMA == 1
    assert record_to_toml(make_record())["schema"] == 1


def test_summary_carries_how_far_the_session_got(tmp_path):
    stopped = make_record(status="stopped", moves=4).summary(tmp_path / "a.toml")
    assert stopped.how_far == "stopped · 1/4 moves"
    assert make_record().summary(tmp_path / "b.toml").how_far == "completed"
    assert stopped.day == datetime(2025, 3, 3).date()


def test_the_day_is_the_day_where_the_person_was():
    late = make_record(datetime(2025, 3, 3, 23, 30, tzinfo=timezone(timedelta(hours=-5))))
    assert late.summary(None).day.isoformat() == "2025-03-03"  # already the 4th in UTC


def test_the_routine_is_read_back_from_a_file_name_for_unreadable_files(tmp_path):
    assert Unreadable(tmp_path / "2024-12-31-235958-desk-break-9f3e2a.toml", "x").routine == "desk-break"
    assert Unreadable(tmp_path / "2024-12-31-235958-9f3e2a.toml", "x").routine is None
    assert Unreadable(tmp_path / "mine.toml", "x").routine is None
