"""The built wheel carries routines and sounds and works outside the checkout."""

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    (path,) = out.glob("backrelief_tui-*.whl")
    return path


def test_wheel_contains_routines_and_sounds(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    assert "backrelief_tui/_data/routines/desk-break.toml" in names
    assert any(name.startswith("backrelief_tui/_data/sounds/") and name.endswith(".wav") for name in names)
    # Each screen reads the .tcss beside it when its module loads.
    styles = {Path(name).name for name in names if name.endswith(".tcss")}
    assert styles == {path.name for path in (ROOT / "backrelief_tui").rglob("*.tcss")}


@pytest.mark.slow
def test_installed_wheel_lists_routines_outside_the_checkout(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", str(wheel)],
                   check=True, capture_output=True, timeout=600)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "BACKRELIEF_HOME": str(tmp_path / "home"), "PYTHONPATH": ""}
    result = subprocess.run([str(env_dir / "bin" / "backrelief"), "list"], cwd=elsewhere, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    for routine in ("desk-break", "release", "stretch", "activate", "full"):
        assert routine in result.stdout
    where = subprocess.run([str(env_dir / "bin" / "backrelief"), "paths"], cwd=elsewhere, env=env,
                           capture_output=True, text=True, timeout=60).stdout
    assert str(env_dir) in where and str(ROOT) not in where
