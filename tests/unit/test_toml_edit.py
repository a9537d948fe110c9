"""Changing a few top-level keys of a file the person owns: every other byte stays, or nothing changes."""

import tomllib

from backrelief_tui.core.toml_edit import set_top_level

RECORD = b'''# kept by hand
schema = 1
status   =   "in-progress"  # was running
note = """
status = "in-progress" # not the status
"""
pain_before = 3

[progress]
done = 2
'''


def edit(raw: bytes, **values) -> str:
    changed = set_top_level(raw, values)
    assert changed is not None
    return changed.decode()


def test_a_value_changes_in_place_with_its_spacing_and_comment():
    after = edit(RECORD, status="stopped")
    assert after == RECORD.decode().replace('status   =   "in-progress"  # was', 'status   =   "stopped"  # was')


def test_a_multi_line_value_is_replaced_whole_and_the_rest_stays():
    after = edit(RECORD, note="Hips tight # after the drive")
    assert tomllib.loads(after)["note"] == "Hips tight # after the drive"
    assert after.replace('note = "Hips tight # after the drive"\n', "") == RECORD.decode().replace(
        'note = """\nstatus = "in-progress" # not the status\n"""\n', "")


def test_a_new_key_goes_before_the_first_table_and_none_removes_a_key():
    after = edit(RECORD, pain_after=1, pain_before=None)
    assert "pain_before" not in after
    assert after.index("pain_after = 1\n") < after.index("[progress]")
    assert tomllib.loads(after)["progress"] == {"done": 2} and tomllib.loads(after)["pain_after"] == 1


def test_a_hash_inside_a_string_is_not_taken_for_a_comment():
    after = edit(b'note = "a # b"\n', note="c")
    assert after == 'note = "c"\n'


def test_nothing_to_change_gives_the_same_bytes_and_no_safe_edit_gives_none():
    assert set_top_level(RECORD, {"pain_before": 3, "mood": None}) == RECORD
    assert set_top_level(b'"status" = "x"\n', {"status": "y"}) is None  # a quoted key: not one our edit finds
    assert set_top_level(b"not toml = =", {"status": "y"}) is None
    assert set_top_level("schema = 1\n".encode("utf-16"), {"status": "y"}) is None
