"""Issue 11, items 2 and 8: the settings file has more than one writer, and may be a link.

Two writers (the open app, `backrelief set`) never undo each other's changes; a link to a
file that is not settings is never written through; the file and its backup keep its mode.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from dataclasses import replace

from backrelief_tui.core.settings import (
    MoveOverride,
    Settings,
    SettingsFile,
    backup_path,
    load_settings,
    merge_settings,
    save_settings,
)
from backrelief_tui.core.tight_spots import Tightness
from backrelief_tui.tui.app import build_app
from tests.hostile.conftest import ROOT, digest, one_problem, run
from tests.ui.helpers import RecordingPlayer

PASSWD = "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"


def test_the_open_app_keeps_what_backrelief_set_saved_meanwhile(home):
    settings_path = home / "config" / "settings.toml"
    save_settings(Settings(lead_in=7), settings_path)
    loaded, _ = load_settings(settings_path)
    app_saves = SettingsFile(loaded, settings_path)  # what the app holds from its start

    assert run(home, "set", "cobra", "hold=30").code == 0  # another terminal, while the app is open
    assert run(home, "set", "--tight", "hips").code == 0

    written = app_saves(replace(loaded, safety_acknowledged=True))  # dismissing the safety note
    written = app_saves(replace(written, theme="nord"))  # a theme change
    on_disk, problems = load_settings(settings_path)
    assert not problems
    assert on_disk == written
    assert on_disk.override_for("cobra").hold == 30
    assert on_disk.tight_spots == {"hips": Tightness.TIGHT}
    assert (on_disk.safety_acknowledged, on_disk.theme, on_disk.lead_in) == (True, "nord", 7)


async def test_the_real_app_merges_and_uses_the_merge(home, monkeypatch, tmp_path):
    monkeypatch.setenv("BACKRELIEF_HOME", str(home))
    settings_path = home / "config" / "settings.toml"
    save_settings(Settings(), settings_path)
    loaded, _ = load_settings(settings_path)
    app = build_app(settings=loaded, player=RecordingPlayer())  # the default saver: the settings file
    async with app.run_test(size=(100, 30)) as pilot:
        assert run(home, "set", "cobra", "hold=30", "reps=2").code == 0
        app.update_settings(app.settings.with_move_values("cobra", hold=45))  # the settings screen's +/−
        await pilot.pause()
        assert app.settings.override_for("cobra") == MoveOverride(hold=45, reps=2)  # same move, other field kept
        app.update_settings(replace(app.settings, theme="nord"))
        await pilot.pause()
    assert load_settings(settings_path)[0].override_for("cobra") == MoveOverride(hold=45, reps=2)
    assert load_settings(settings_path)[0].theme == "nord"


def test_two_writers_at_once_lose_nothing(home):
    """Two processes saving different moves, ten times each, at the same time: all twenty stay."""
    save_settings(Settings(), home / "config" / "settings.toml")
    script = ("import sys; from backrelief_tui.commands import main\n"
              "for n in range(10):\n"
              "    assert main(['set', f'{sys.argv[1]}', f'hold={20 + n}']) == 0\n")
    env = {**os.environ, "BACKRELIEF_HOME": str(home), "PYTHONPATH": str(ROOT)}
    writers = [subprocess.Popen([sys.executable, "-c", script, move], env=env, stdout=subprocess.DEVNULL)
               for move in ("cobra", "glute-bridge")]
    assert [writer.wait(timeout=120) for writer in writers] == [0, 0]
    settings, problems = load_settings(home / "config" / "settings.toml")
    assert not problems
    assert settings.override_for("cobra").hold == 29 and settings.override_for("glute-bridge").hold == 29


def test_merge_rules():
    base = Settings(moves={"cobra": MoveOverride(hold=20)}, lead_in=5)
    mine = base.with_move_values("cobra", hold=None).with_move_values("plank", reps=3)
    theirs = replace(base.with_move_values("cobra", reps=4), lead_in=9)
    merged = merge_settings(base, mine, theirs)
    assert merged.moves == {"cobra": MoveOverride(reps=4), "plank": MoveOverride(reps=3)}
    assert merged.lead_in == 9
    assert merge_settings(base, base, theirs) == theirs
    both = merge_settings(base, replace(base, lead_in=1), replace(base, lead_in=2))
    assert both.lead_in == 1  # the save being made wins where both changed the same value


def test_a_link_to_a_file_that_is_not_settings_is_never_written(home):
    target = home / "passwd"
    target.write_text(PASSWD)
    target.chmod(0o600)
    before = digest(target)
    (home / "config" / "settings.toml").symlink_to(target)

    result = run(home, "set", "cobra", "hold=30")
    assert result.code == 1
    one_problem(result, "cannot save the settings", "is a link to", "passwd", "does not read as a settings file")
    assert digest(target) == before
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert not backup_path(home / "config" / "settings.toml").exists()  # its content copied nowhere
    assert (home / "config" / "settings.toml").is_symlink()


def test_a_link_to_a_settings_file_is_written_through_and_keeps_its_mode(home):
    dotfiles = home / "dotfiles"
    dotfiles.mkdir()
    target = dotfiles / "backrelief.toml"
    target.write_text("lead_in = 4\n")
    target.chmod(0o600)
    link = home / "config" / "settings.toml"
    link.symlink_to(target)
    assert run(home, "set", "cobra", "hold=30").code == 0
    assert link.is_symlink()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    settings, _ = load_settings(target)
    assert (settings.lead_in, settings.override_for("cobra").hold) == (4, 30)


def test_a_broken_file_is_backed_up_with_its_mode(home):
    path = home / "config" / "settings.toml"
    path.write_text('lead_in = "soon"\nvolume = 0.5\n')
    path.chmod(0o600)
    result = run(home, "set", "cobra", "hold=30")
    assert result.code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    backup = backup_path(path)
    assert backup.read_text() == 'lead_in = "soon"\nvolume = 0.5\n'
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600


def test_a_backup_never_follows_a_planted_link(home):
    path = home / "config" / "settings.toml"
    path.write_text('lead_in = "soon"\n')
    victim = home / "victim"
    victim.write_text(PASSWD)
    before = digest(victim)
    backup_path(path).symlink_to(victim)
    assert run(home, "set", "cobra", "hold=30").code == 0
    assert digest(victim) == before
    assert not backup_path(path).is_symlink() and backup_path(path).read_text() == 'lead_in = "soon"\n'


def test_a_settings_file_that_is_a_link_to_a_device(home):
    (home / "config" / "settings.toml").symlink_to("/dev/zero")
    result = run(home, "set", "cobra", "hold=30")
    assert result.code == 1
    one_problem(result, "cannot save the settings")
    one_problem(result, "warning", "settings.toml", "a device")
