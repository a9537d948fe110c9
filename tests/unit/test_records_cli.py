"""`backrelief history` and `backrelief report` on a folder of records."""

import csv
import io
import json
from datetime import date, datetime, timedelta

import pytest

from backrelief_tui.commands import main
from backrelief_tui.core.records import write_record
from backrelief_tui.core.report import build_report, period_start
from backrelief_tui.core.store import RecordStore
from tests.record_factory import CET, make_record


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    store = RecordStore()
    records = [
        make_record(datetime(2025, 3, 10, 9, 0, tzinfo=CET), record_id="a1", pain_before=5, pain_after=3),
        make_record(datetime(2025, 3, 11, 9, 0, tzinfo=CET), record_id="b2", status="stopped", moves=4,
                    routine="release"),
        make_record(datetime(2025, 3, 12, 9, 0, tzinfo=CET), record_id="c3", status="in-progress",
                    note='Tight, "very"'),
    ]
    for record in records:
        write_record(store.path_for(record), record)
    bad = store.root / "2025" / "2025-03-12-120000-desk-break-bad.toml"
    bad.write_text("schema = 1\nid = ")
    return store


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_history_text_lists_newest_first_with_unreadable_files(home, capsys):
    code, out, _ = run(capsys, "history")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 4
    assert "unreadable" in lines[0] and "not valid TOML" in lines[0]
    assert lines[1].startswith("2025-03-12 09:00  desk-break") and "in progress · 1/3 moves" in lines[1]
    assert "stopped · 1/4 moves" in lines[2]
    assert lines[3].endswith("completed                   pain 5 → 3")


def test_history_csv_has_one_row_per_file(home, capsys):
    code, out, _ = run(capsys, "history", "--csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert code == 0 and [row["status"] for row in rows] == ["unreadable", "in-progress", "stopped", "completed"]
    assert rows[0]["problem"].startswith("not valid TOML") and rows[0]["date"] == "2025-03-12"
    assert rows[1]["note"] == 'Tight, "very"'
    assert (rows[3]["pain_before"], rows[3]["pain_after"], rows[3]["minutes"]) == ("5", "3", "5.0")
    assert rows[2]["pain_before"] == ""


def test_history_json_and_filters(home, capsys):
    _, out, _ = run(capsys, "history", "--json", "--routine", "release")
    [item] = json.loads(out)
    assert item["routine"] == "release" and item["how_far"] == "stopped · 1/4 moves"
    _, out, _ = run(capsys, "history", "--json", "--since", "2025-03-12")
    items = json.loads(out)
    assert [item.get("status", "unreadable") for item in items] == ["unreadable", "in-progress"]
    assert "unreadable" in items[0] and items[0]["file"].endswith("bad.toml")


def test_history_rejects_a_bad_date(home, capsys):
    with pytest.raises(SystemExit):
        main(["history", "--since", "last tuesday"])
    assert "not a date like 2025-03-01" in capsys.readouterr().err


def test_history_with_no_records(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    code, out, _ = run(capsys, "history")
    assert code == 0 and out == "No sessions recorded yet.\n"
    _, out, _ = run(capsys, "history", "--csv")
    assert out.startswith("started,date,routine")


def test_report_command_prints_markdown_and_writes_a_file(home, capsys, tmp_path):
    code, out, _ = run(capsys, "report", "--weeks", "520")
    assert code == 0 and out.startswith("# Low-back care: exercise log")
    assert "1 session file could not be read and is left out" in out
    target = tmp_path / "report.md"
    code, _, err = run(capsys, "report", "--weeks", "520", "-o", str(target))
    assert code == 0 and target.read_text() == out and "Wrote" in err
    with pytest.raises(SystemExit):
        main(["report", "--weeks", "0"])


# -- the report itself (more in test_report.py) ---------------------------------------------

TODAY = date(2025, 3, 13)


def test_the_period_is_whole_weeks_before_this_one_and_this_week_so_far():
    assert period_start(TODAY, 1) == date(2025, 3, 3)
    assert period_start(TODAY, 4) == date(2025, 2, 10)
    assert period_start(date(2025, 3, 16), 1) == date(2025, 3, 10)  # a Sunday completes its week


def test_report_sections():
    records = [make_record(datetime(2025, 3, 10, 9, tzinfo=CET) - timedelta(weeks=w), record_id=f"r{w}",
                           pain_before=6 - w, pain_after=4 - w % 2, skipped=(1,) if w % 2 else ())
               for w in range(4)]
    records.append(make_record(datetime(2025, 3, 11, 9, tzinfo=CET), record_id="n", note="Felt good."))
    records.append(make_record(datetime(2024, 1, 1, 9, tzinfo=CET), record_id="old"))  # outside the period
    text = build_report(records, TODAY, weeks=4)
    assert "Period: Mon 10 Feb 2025 to Thu 13 Mar 2025: 4 whole weeks and this week so far (4 days), 32 days" in text
    assert "- Sessions that count: 5 (5 completed, 0 stopped after 3 minutes or more)." in text
    assert "| 17 Feb – 23 Feb | 7 | 1 | no | 5 | 3.0 | 3.0 | 3.0 → 3.0 (1) |" in text
    assert "| 10 Mar – 13 Mar (so far) | 4 | 2 | so far | 10 | 6.0 | 4.0 | 6.0 → 4.0 (1) |" in text
    assert "| Move 0 | 5 of 5 | 5:00 | 60 s hold |" in text
    assert "- Move 1: skipped in 2 and cut short in 0 of 5 sessions" in text
    assert "- Tue 11 Mar: Felt good." in text


def test_report_with_nothing_to_say():
    assert "No sessions were recorded in this period." in build_report([], TODAY, weeks=2)
    text = build_report([make_record(datetime(2025, 3, 12, 9, tzinfo=CET))], TODAY, weeks=1)
    assert "No pain ratings were given" in text and "### Moves often skipped\n\nNone." in text


def test_report_leaves_out_moves_never_reached_and_counts_in_words():
    stopped = make_record(datetime(2025, 3, 12, 9, tzinfo=CET), status="stopped", moves=3, pain_before=5,
                          pain_after=3)
    text = build_report([stopped], TODAY, weeks=1)
    assert "| Move 0 | 1 of 1 |" in text and "Move 1" not in text  # moves 1 and 2 were never reached
    assert "18 minutes a week on average (over 2 days, the days since the first session on Wed 12 Mar)" in text
    assert "Within a session (1 session rated both before and after" in text
