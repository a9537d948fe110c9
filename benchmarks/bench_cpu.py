"""CPU while a 60 s hold counts down, next to `termdown 60` measured the same way, plus peak RSS.

Each run starts `backrelief run hold.toml` (one 60-second hold, no lead-in, sound off, no
check-in) and `termdown 60` side by side, each in its own 100×30 pseudo-terminal. After a
settling pause both are measured over the same WINDOW seconds: CPU time (user + system,
from /proc) divided by wall time, and the bytes each wrote to its terminal per second (a
proxy for redraws). Peak RSS is the app's VmHWM at the end. Medians over RUNS runs.

termdown comes from the `bench` extra (`make bench` installs it); when it is missing the
figure is reported as unavailable.

    python benchmarks/bench_cpu.py [RUNS]      # or through `make bench`
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.ptyrun import PtyProcess, spawn  # noqa: E402

RUNS = 3
SETTLE = 3.0  # seconds after the first frame before measuring
WINDOW = 20.0
RSS_BUDGET_MB = 80.0

HOLD = """\
id = "bench-hold"
title = "Bench hold"
summary = "One sixty-second hold, for the CPU benchmark."

[[moves]]
id = "long-hold"
name = "Long hold"
kind = "hold"
hold = 60
position = "floor"
cues = ["Breathe slowly.", "Stay tall.", "Relax the shoulders."]
"""
SETTINGS = "lead_in = 0\nsound = false\npain_checkin = false\nsafety_acknowledged = true\n"


def termdown_command() -> list[str] | None:
    found = shutil.which("termdown", path=str(Path(sys.executable).parent)) or shutil.which("termdown")
    return [found] if found else None


def _measure(processes: dict[str, PtyProcess]) -> dict[str, dict[str, float]]:
    """CPU and output rate of each process over the same WINDOW."""
    start_cpu = {name: process.cpu_seconds() for name, process in processes.items()}
    start_bytes = {name: len(process.output) for name, process in processes.items()}
    started = time.perf_counter()
    while time.perf_counter() - started < WINDOW:
        for process in processes.values():
            process.pump(0.02)
    elapsed = time.perf_counter() - started
    return {
        name: {
            "cpu_percent": (process.cpu_seconds() - start_cpu[name]) / elapsed * 100,
            "bytes_per_s": (len(process.output) - start_bytes[name]) / elapsed,
            "peak_rss_mb": process.peak_rss_mb(),
        }
        for name, process in processes.items()
    }


def _once(tmp: Path, termdown: list[str] | None) -> dict[str, dict[str, float]]:
    home = tmp / "home"
    (home / "config").mkdir(parents=True, exist_ok=True)
    (home / "config" / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    routine = tmp / "hold.toml"
    routine.write_text(HOLD, encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if not key.startswith("TEXTUAL")}
    env.update(TERM="xterm-256color", COLORTERM="truecolor", BACKRELIEF_HOME=str(home),
               LANG=env.get("LANG", "C.UTF-8"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    processes = {"app": spawn([sys.executable, "-m", "backrelief_tui", "run", str(routine)], env=env, cwd=str(ROOT))}
    if termdown:
        processes["termdown"] = spawn([*termdown, "60"], env=env, cwd=str(ROOT))
    try:
        deadline = time.perf_counter() + 20
        while b"Long hold" not in processes["app"].output and time.perf_counter() < deadline:
            for process in processes.values():
                process.pump(0.05)
        if b"Long hold" not in processes["app"].output:
            raise RuntimeError(f"the app never showed the hold: {bytes(processes['app'].output[-300:])!r}")
        settle = time.perf_counter()
        while time.perf_counter() - settle < SETTLE:
            for process in processes.values():
                process.pump(0.05)
        for name, process in processes.items():
            if process.poll():
                raise RuntimeError(f"{name} exited early: {bytes(process.output[-300:])!r}")
        return _measure(processes)
    finally:
        for process in processes.values():
            process.stop()


def run(runs: int = RUNS) -> dict:
    termdown = termdown_command()
    rounds = []
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp:
        for index in range(runs):
            rounds.append(_once(Path(tmp) / str(index), termdown))

    def median(name: str, key: str) -> float:
        return statistics.median(row[name][key] for row in rounds)

    app_cpu = median("app", "cpu_percent")
    rss = max(row["app"]["peak_rss_mb"] for row in rounds)
    result = {
        "name": f"CPU while a 60 s hold counts down ({WINDOW:.0f} s window, median of {runs})",
        "app_cpu_percent": round(app_cpu, 2),
        "app_bytes_per_s": round(median("app", "bytes_per_s")),
        "app_peak_rss_mb": round(rss, 1),
    }
    if termdown:
        termdown_cpu = median("termdown", "cpu_percent")
        result.update(termdown_cpu_percent=round(termdown_cpu, 2),
                      termdown_bytes_per_s=round(median("termdown", "bytes_per_s")),
                      termdown_peak_rss_mb=round(max(row["termdown"]["peak_rss_mb"] for row in rounds), 1))
        ok = app_cpu <= termdown_cpu
    else:
        result["termdown_cpu_percent"] = "unavailable (pip install '.[bench]')"
        ok = True
    result.update(rss_budget_mb=RSS_BUDGET_MB, ok=ok and rss < RSS_BUDGET_MB)
    return result


def main(argv: list[str]) -> int:
    result = run(int(argv[1]) if len(argv) > 1 else RUNS)
    print(f"{result['name']}: app {result['app_cpu_percent']}% CPU, termdown "
          f"{result['termdown_cpu_percent']}% · terminal output app {result['app_bytes_per_s']} B/s, "
          f"termdown {result.get('termdown_bytes_per_s', '-')} B/s · app peak RSS {result['app_peak_rss_mb']} MB "
          f"(budget {RSS_BUDGET_MB:.0f} MB) {'OK' if result['ok'] else 'OVER'}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
