"""Issue 11, item 7: text from files (keys, values, file names, records) never reaches a terminal raw.

Each file here carries escape sequences (a title change, a screen clear, an OSC 52 clipboard
write), C1 controls, a bidi override and zero-width characters. Whatever the command prints
or writes for it must show them spelled out or refuse them, and say which file it was.
"""

from __future__ import annotations

import csv
import io
import json

import tomli_w

from backrelief_tui.core.records import dumps, record_path
from tests.hostile.conftest import (
    ESC,
    HOSTILE,
    OSC52,
    TITLE_CHANGE,
    assert_clean,
    one_problem,
    routine_text,
    run,
    started_at,
    toml_string,
)
from tests.record_factory import make_record


def test_escape_sequences_in_routine_keys_are_spelled_out_in_warnings(home):
    routines = home / "config" / "routines"
    (routines / "keys.toml").write_text(routine_text("keys", extra=f"{toml_string(TITLE_CHANGE)} = 1\n"
                                                                   f"{toml_string(OSC52)} = 2\n"))
    result = run(home, "list")
    assert result.code == 0 and "desk-break" in result.text  # the rest keeps working
    line = one_problem(result, "keys.toml", "unknown field", "]0;pwned")
    assert "\\x1b]0;pwned\\x07" in line  # shown, not acted on
    one_problem(result, "keys.toml", "]52;c;")


def test_escape_sequences_in_routine_values_are_refused_by_validate(home):
    path = home / "evil.toml"
    path.write_text(routine_text("evil", title=f"Nice{TITLE_CHANGE}", name=f"Cobra{OSC52}",
                                 extra=f"caution = {toml_string('Careful ' + chr(0x202e) + 'reversed')}\n"))
    result = run(home, "validate", str(path))
    assert result.code == 1
    one_problem(result, "evil.toml", "title", "control characters")
    one_problem(result, "evil.toml", "moves[1].name", "control characters")
    one_problem(result, "evil.toml", "caution", "bidirectional")


def test_names_made_only_of_invisible_characters_are_refused(home):
    path = home / "ghost.toml"
    path.write_text(routine_text("ghost", title="\u200b\u200c\u2060", name="\ufeff\u200d"))
    result = run(home, "validate", str(path))
    assert result.code == 1
    one_problem(result, "ghost.toml", "title", "only invisible characters")
    one_problem(result, "ghost.toml", "moves[1].name", "only invisible characters")
    hidden = home / "hidden.toml"
    hidden.write_text(routine_text("hidden", name="Co\u200bbra"))
    one_problem(run(home, "validate", str(hidden)), "hidden.toml", "moves[1].name", "\\u200b")


def test_a_hostile_file_name_is_spelled_out(home):
    routines = home / "config" / "routines"
    (routines / f"{TITLE_CHANGE}{OSC52}.toml").write_text("this is [not toml")
    result = run(home, "list")
    assert result.code == 0
    line = one_problem(result, "\\x1b]0;pwned\\x07", "not valid TOML")
    assert ESC not in line


def test_hostile_settings_keys_and_override_ids(home):
    settings = home / "config" / "settings.toml"
    settings.write_text(f"{toml_string(TITLE_CHANGE)} = 1\nlead_in = 5\ntheme = {toml_string(OSC52)}\n"
                        f"[moves.{toml_string(OSC52)}]\nhold = 20\n[moves.cobra]\n{toml_string(TITLE_CHANGE)} = 3\n")
    for args in (["list"], ["set"], ["set", "schedule"]):
        result = run(home, *args)
        assert result.code == 0, result.error
        assert_clean(result)
    result = run(home, "set")
    one_problem(result, "settings.toml", "\\x1b]0;pwned\\x07", "unknown setting")
    one_problem(result, "settings.toml", "moves.\\x1b]52", "not a move id")
    one_problem(result, "settings.toml", "theme", "name of a theme")
    one_problem(result, "settings.toml", "moves.cobra.\\x1b]0;", "cannot be set")


def _hostile_record(home):
    record = make_record(started_at(), note=f"felt good {HOSTILE}")
    moves = tuple(type(move)(**{**move.__dict__, "name": f"{move.name}{HOSTILE}"}) for move in record.moves)
    record = type(record)(**{**record.__dict__, "routine_title": f"Desk {HOSTILE}", "moves": moves})
    path = record_path(home / "data" / "sessions", record)
    path.parent.mkdir(parents=True)
    path.write_bytes(dumps(record))
    return record, path


def test_records_with_escape_sequences_in_history_csv_json_and_report(home):
    record, path = _hostile_record(home)
    before = path.read_bytes()

    text = run(home, "history")
    assert text.code == 0
    assert_clean(text)

    as_csv = run(home, "history", "--csv")
    assert as_csv.code == 0
    assert_clean(as_csv)
    rows = list(csv.DictReader(io.StringIO(as_csv.text)))
    assert rows[0]["routine_title"].startswith("Desk \\x1b]0;pwned\\x07")
    assert "\\u202e" in rows[0]["note"]

    as_json = run(home, "history", "--json")
    assert as_json.code == 0
    assert_clean(as_json)
    item = json.loads(as_json.text)[0]
    assert (item["routine_title"], item["note"]) == (record.routine_title, record.note)  # the same data, escaped

    report = run(home, "report", "--weeks", "520")
    assert report.code == 0
    assert_clean(report)
    assert "Desk \\x1b]0;pwned\\x07" in report.text and "\\u202eevil" in report.text

    written = home / "report.md"
    assert run(home, "report", "--weeks", "520", "-o", str(written)).code == 0
    assert _clean_bytes(written.read_bytes())
    assert path.read_bytes() == before  # reading never writes a record


def test_a_hostile_unreadable_record_file_name_and_reason(home):
    folder = home / "data" / "sessions" / "2025"
    folder.mkdir(parents=True)
    (folder / f"2025-03-03-090000-{TITLE_CHANGE}.toml").write_text(f"status = {toml_string(HOSTILE)}\n")
    for args in (["history"], ["history", "--csv"], ["history", "--json"], ["report", "--weeks", "520"]):
        result = run(home, *args)
        assert result.code == 0, result.error
        assert_clean(result)


def test_build_json_escapes_what_it_copies(home):
    settings = home / "config" / "settings.toml"
    settings.write_text(tomli_w.dumps({"lead_in": 5}))
    result = run(home, "build", "--minutes", "5", "--json", "--save", f"Mine {OSC52}")
    assert_clean(result)


def _clean_bytes(data: bytes) -> bool:
    from tests.hostile.conftest import unsafe_in

    return unsafe_in(data) is None
