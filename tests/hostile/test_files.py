"""Issue 11, items 9-11 and 14: files that are not what they claim, numbers and routines too big.

A FIFO or a device never hangs a command or eats memory, a file over the size cap is one
line, a 5,000-digit number (decimal or hex) is one line, a chain of 600 includes or a
routine including `full` 2,000 times is refused with the limit it breaks — and each time
the rest of the app keeps working.
"""

from __future__ import annotations

import os

import pytest

from backrelief_tui.core.files import MAX_TEXT_BYTES
from backrelief_tui.core.routine import MAX_INCLUDE_DEPTH, MAX_MOVES
from tests.hostile.conftest import assert_clean, digest, one_problem, routine_text, run


def test_a_fifo_among_the_routines_hangs_nothing(home):
    fifo = home / "config" / "routines" / "x.toml"
    os.mkfifo(fifo)
    result = run(home, "list")  # the run's timeout fails the test if it hangs
    assert result.code == 0 and "desk-break" in result.text
    one_problem(result, "x.toml", "named pipe (FIFO)", "not a regular file")
    result = run(home, "validate", str(fifo))
    assert result.code == 1
    one_problem(result, "x.toml", "named pipe")


def test_a_fifo_in_place_of_the_settings_and_a_record(home):
    os.mkfifo(home / "config" / "settings.toml")
    folder = home / "data" / "sessions" / "2025"
    folder.mkdir(parents=True)
    os.mkfifo(folder / "2025-03-03-090000-desk-break-abc123.toml")
    for args in (["list"], ["history"], ["history", "--csv"], ["report"], ["due"]):
        result = run(home, *args)
        assert result.code in (0, 1), result.error  # `due` says 1 when no break is due
        assert_clean(result)
    one_problem(run(home, "list"), "settings.toml", "named pipe")
    result = run(home, "set", "cobra", "hold=30")
    assert result.code == 1
    one_problem(result, "cannot save the settings", "not a regular file")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_symlink_to_a_device_is_never_read(home, device):
    (home / "config" / "routines" / "zero.toml").symlink_to(device)
    result = run(home, "list")
    assert result.code == 0
    one_problem(result, "zero.toml", "a device", "not a regular file")
    result = run(home, "validate", device)
    assert result.code == 1
    one_problem(result, device, "a device")


def test_a_file_over_the_size_cap_is_one_line(home):
    big = home / "config" / "routines" / "big.toml"
    big.write_text(routine_text("big") + "# " + "x" * MAX_TEXT_BYTES + "\n")
    result = run(home, "list")
    assert result.code == 0
    one_problem(result, "big.toml", "too large to read", "the limit is 1 MB")


@pytest.mark.parametrize("number", ["9" * 5000, "0x" + "f" * 5000, "-" + "1" * 4400, "0o" + "7" * 6000])
def test_huge_integers_in_a_routine_and_in_the_settings(home, number):
    path = home / "huge.toml"
    path.write_text(routine_text("huge", move_extra=f"reps = {number}\n"))
    result = run(home, "validate", str(path))
    assert result.code == 1
    one_problem(result, "huge.toml", "number")
    (home / "config" / "settings.toml").write_text(f"lead_in = {number}\nvoice_rate = 200\n")
    result = run(home, "list")
    assert result.code == 0 and "desk-break" in result.text
    one_problem(result, "settings.toml", "number")
    assert len(result.error) < 400  # never the number itself


def test_a_number_just_out_of_range_is_named_without_its_digits_when_huge(home):
    path = home / "big-hold.toml"
    path.write_text(routine_text("big-hold").replace("hold = 20", f"hold = {2**62}"))
    one_problem(run(home, "validate", str(path)), "big-hold.toml", "moves[1].hold", "a huge number")


def test_a_chain_of_600_includes(home):
    routines = home / "config" / "routines"
    for index in range(600):
        body = f'includes = ["c{index + 1}"]\n' if index < 599 else '[[moves]]\nref = "cobra"\n'
        (routines / f"c{index}.toml").write_text(f'id = "c{index}"\ntitle = "C"\nsummary = "S"\n{body}')
    result = run(home, "list")
    assert result.code == 0 and "desk-break" in result.text
    assert_clean(result)
    one_problem(result, "c0.toml", "includes", f"at most {MAX_INCLUDE_DEPTH}")
    result = run(home, "validate", str(routines / "c0.toml"), str(routines / "c590.toml"), str(routines / "c592.toml"))
    assert result.code == 1
    one_problem(result, "c0.toml", "599 levels deep")
    one_problem(result, "c590.toml", "9 levels deep")  # judged as the library judges it
    one_problem(result, "c592.toml", "ok (1 move")


def test_a_loop_of_includes(home):
    routines = home / "config" / "routines"
    for name, other in (("a", "b"), ("b", "a")):
        (routines / f"{name}.toml").write_text(f'id = "{name}"\ntitle = "L"\nsummary = "S"\nincludes = ["{other}"]\n')
    result = run(home, "validate", str(routines / "a.toml"))
    assert result.code == 1
    one_problem(result, "a.toml", "loop of includes")


def test_includes_full_2000_times_is_refused_quickly_and_small(home):
    path = home / "many.toml"
    path.write_text('id = "many"\ntitle = "M"\nsummary = "S"\nincludes = [' + ", ".join(['"full"'] * 2000) + "]\n")
    result = run(home, "validate", str(path))
    assert result.code == 1
    one_problem(result, "many.toml", "includes", f"at most {MAX_MOVES}")
    result = run(home, "show", str(path), "--json")
    assert result.code == 1 and len(result.out) == 0
    one_problem(result, "many.toml", f"at most {MAX_MOVES}")


def test_too_many_moves_and_too_long(home):
    moves = "".join(f'[[moves]]\nref = "cobra"\nid = "c{index}"\n' for index in range(MAX_MOVES + 1))
    (home / "long.toml").write_text(f'id = "long"\ntitle = "L"\nsummary = "S"\n{moves}')
    one_problem(run(home, "validate", str(home / "long.toml")), "long.toml", "moves", f"at most {MAX_MOVES}")
    body = "".join(f'[[moves]]\nid = "h{index}"\nname = "Hold {index}"\nkind = "hold"\nhold = 600\n'
                   f'position = "floor"\ncues = ["Breathe."]\nsides = "both"\nreps = 10\n' for index in range(3))
    (home / "slow.toml").write_text(f'id = "slow"\ntitle = "S"\nsummary = "S"\n{body}')
    one_problem(run(home, "validate", str(home / "slow.toml")), "slow.toml", "runs about", "at most 3 h")


def test_a_bom_is_fine_and_every_problem_comes_at_once(home):
    with_bom = home / "bom.toml"
    with_bom.write_bytes(b"\xef\xbb\xbf" + routine_text("bom").encode())
    result = run(home, "validate", str(with_bom))
    assert result.code == 0, result.text
    staged = home / "staged.toml"
    staged.write_text(routine_text("staged", move_extra="hold_for = 3\n").replace('title = "Mine"', "title = 5"))
    result = run(home, "validate", str(staged))
    assert result.code == 1
    one_problem(result, "staged.toml", "title", "must be text")
    one_problem(result, "staged.toml", "moves[1].hold_for", "unknown field")  # not hidden by the title


def test_empty_cues_and_fields_counted_from_one(home):
    path = home / "cues.toml"
    path.write_text(routine_text("cues").replace('cues = ["Breathe."]', "cues = []"))
    one_problem(run(home, "validate", str(path)), "cues.toml", "moves[1].cues", "1 to 5 lines")


def test_two_files_of_yours_with_one_id(home):
    routines = home / "config" / "routines"
    (routines / "a.toml").write_text(routine_text("twin"))
    (routines / "b.toml").write_text(routine_text("twin", title="The other one"))
    result = run(home, "list")
    assert result.code == 0
    one_problem(result, "b.toml", "id", "also the id of", "a.toml")
    result = run(home, "validate", str(routines / "a.toml"), str(routines / "b.toml"))
    assert result.code == 1
    one_problem(result, "a.toml", "ok")
    one_problem(result, "b.toml", "also the id of")
    elsewhere = home / "c.toml"
    elsewhere.write_text(routine_text("same"))
    (home / "d.toml").write_text(routine_text("same"))
    result = run(home, "validate", str(elsewhere), str(home / "d.toml"))
    assert result.code == 1
    one_problem(result, "d.toml", "'same' is also the id of")


def test_replacing_a_built_in_keeps_the_moves_other_built_ins_use(home):
    # desk-break and full use moves that stretch and release define; replacing those keeps them usable.
    routines = home / "config" / "routines"
    for routine_id in ("stretch", "release", "activate"):
        (routines / f"{routine_id}.toml").write_text(routine_text(routine_id, title=f"My {routine_id}"))
    result = run(home, "list")
    assert result.code == 0
    assert_clean(result)
    assert result.error == "", result.error
    for routine_id in ("desk", "desk-break", "full"):
        assert f"\n{routine_id} " in "\n" + result.text


def test_validate_dev_zero_and_friends_do_not_touch_them(home):
    target = home / "passwd"
    target.write_text("root:x:0:0:root:/root:/bin/bash\n")
    before = digest(target)
    result = run(home, "validate", str(target), "/dev/null", str(home / "missing.toml"), str(home))
    assert result.code == 1
    one_problem(result, "passwd", "not valid TOML")
    one_problem(result, "/dev/null", "a device")
    one_problem(result, "missing.toml", "No such file")
    one_problem(result, f"{home}:", "a folder")
    assert digest(target) == before
