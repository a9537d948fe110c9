import os
import stat

import pytest

from backrelief_tui.core.atomic import atomic_write


def test_replaces_the_file_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "sub" / "file.toml"
    atomic_write(target, b"one")
    atomic_write(target, b"two")
    assert target.read_bytes() == b"two"
    assert [p.name for p in target.parent.iterdir()] == ["file.toml"]


def test_file_gets_the_usual_mode_not_a_private_one(tmp_path, monkeypatch):
    monkeypatch.setattr("backrelief_tui.core.atomic._UMASK", 0o022)
    atomic_write(tmp_path / "f", b"x")
    assert stat.S_IMODE((tmp_path / "f").stat().st_mode) == 0o644


def test_failure_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "f"
    atomic_write(target, b"old")

    def broken_replace(*args):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["f"]


def test_a_symlinked_file_is_written_through_the_link(tmp_path):
    real = tmp_path / "dotfiles" / "settings.toml"
    real.parent.mkdir()
    real.write_bytes(b"old")
    link = tmp_path / "settings.toml"
    link.symlink_to(real)
    atomic_write(link, b"new")
    assert link.is_symlink() and real.read_bytes() == b"new"


def test_never_replaces_something_that_is_not_a_regular_file(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)  # stands in for a device such as /dev/null
    with pytest.raises(OSError, match="not a regular file"):
        atomic_write(fifo, b"x")
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    (tmp_path / "folder").mkdir()
    with pytest.raises(OSError, match="not a regular file"):
        atomic_write(tmp_path / "folder", b"x")
