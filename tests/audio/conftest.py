"""Run code in a fresh Python process with ALSA pointed at a file sink (or a broken device).

libasound reads its configuration once per process, so every distinct ALSA set-up runs
in its own subprocess; this also keeps the test process itself free of libasound.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# The null sink swallows audio faster than real time; the file plugin copies every
# frame to OUT on the way. "| cat >> OUT" appends each play; a plain path would truncate.
FILE_SINK = 'pcm.!default {{ type file; slave.pcm {{ type null }}; file "| cat >> {out}"; format "raw" }}\n'


@dataclass
class ChildRun:
    returncode: int
    stdout: str
    stderr: str
    played: bytes  # what reached the file sink (raw 16-bit LE mono)


class AlsaChild:
    def __init__(self, tmp_path: Path) -> None:
        self.dir = tmp_path
        self.out = tmp_path / "OUT"

    def run(self, code: str, conf: str | None = None, env: dict[str, str] | None = None) -> ChildRun:
        """Run `code` with ALSA's default device = `conf` (default: the file sink)."""
        conf_path = self.dir / "asound.conf"
        conf_path.write_text(conf if conf is not None else FILE_SINK.format(out=shlex.quote(str(self.out))))
        if self.out.exists():
            self.out.unlink()
        child_env = {
            **os.environ,
            "ALSA_CONFIG_PATH": str(conf_path),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
            **(env or {}),
        }
        proc = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(code)],
            env=child_env, cwd=ROOT, capture_output=True, text=True, timeout=120,
        )
        played = self.out.read_bytes() if self.out.exists() else b""
        return ChildRun(proc.returncode, proc.stdout, proc.stderr, played)


@pytest.fixture
def alsa_child(tmp_path: Path) -> AlsaChild:
    return AlsaChild(tmp_path)

