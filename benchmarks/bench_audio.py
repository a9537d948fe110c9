"""Cue latency: from `play()` being called until simpleaudio has handed the buffer to ALSA.

ALSA's default device is pointed at a file sink over the null device, so this needs no
sound card and makes no noise. libasound reads its configuration once per process, so
the measuring runs in a child process with its own ALSA_CONFIG_PATH.

    python benchmarks/bench_audio.py        # or through `make bench`
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAYS = 50
BUDGET_MS = 50.0


def _measure(plays: int) -> dict:
    """In the child: play the cues round-robin and time each play()."""
    from backrelief_tui.audio import Cue, SimpleaudioPlayer

    player = SimpleaudioPlayer(volume=0.8)
    cues = list(Cue)
    latencies = []
    for i in range(plays):
        if i == plays // 2:
            player.volume = 0.6  # the next plays also pay for rescaling their cue
        if not player.play(cues[i % len(cues)]):
            raise SystemExit(f"play failed: {player.notice}")
        latencies.append(player.last_latency * 1000)
        player.wait(timeout=10)  # cues are seconds apart in a session, never overlapping
    return {"latencies_ms": latencies}


def run(plays: int = PLAYS) -> dict:
    """Median and max latency (ms) of `plays` cues on the ALSA file sink."""
    with tempfile.TemporaryDirectory(prefix="bench-audio-") as tmp:
        conf = Path(tmp) / "asound.conf"
        conf.write_text(
            f'pcm.!default {{ type file; slave.pcm {{ type null }}; file "{tmp}/out.raw"; format "raw" }}\n')
        env = {
            **os.environ,
            "ALSA_CONFIG_PATH": str(conf),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
        }
        proc = subprocess.run([sys.executable, __file__, "--child", str(plays)], env=env,
                              capture_output=True, text=True, timeout=300)
    if proc.returncode != 0:
        raise RuntimeError(f"audio benchmark child failed: {proc.stderr.strip() or proc.stdout.strip()}")
    latencies = json.loads(proc.stdout)["latencies_ms"]
    median = statistics.median(latencies)
    worst = max(latencies)
    return {
        "name": "audio cue latency (play() -> buffer handed to ALSA, file sink)",
        "plays": len(latencies),
        "median_ms": round(median, 3),
        "max_ms": round(worst, 3),
        "budget_ms": BUDGET_MS,
        "ok": worst < BUDGET_MS,
    }


def main(argv: list[str]) -> int:
    if len(argv) > 2 and argv[1] == "--child":
        print(json.dumps(_measure(int(argv[2]))))
        return 0
    result = run()
    print(f"{result['name']}: median {result['median_ms']:.2f} ms, max {result['max_ms']:.2f} ms "
          f"over {result['plays']} plays (budget {result['budget_ms']:.0f} ms) "
          f"{'OK' if result['ok'] else 'OVER BUDGET'}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
