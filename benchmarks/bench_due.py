"""`backrelief due`: wall time of one answer next to bare Python start-up (`python -c pass`), same run.

`due` runs on every shell prompt and every tmux status refresh, so its budget is at
most 2× the interpreter's own start-up. Both are started the same way as a shell
would: the venv's `backrelief` script (as installed) and the venv's python, with a
fresh BACKRELIEF_HOME holding a history of HISTORY sessions and the nudge state already
made (the first `due` makes it; every later one reads only that small file). Runs are
interleaved, one warm-up each; medians of RUNS. Our package is byte-compiled first, as
`pip install` does (see bench_startup.py for why that matters where
PYTHONDONTWRITEBYTECODE is set).

    python benchmarks/bench_due.py [RUNS]      # or through `make bench`
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

RUNS = 21
BUDGET_RATIO = 2.0
HISTORY = 400


def _backrelief_argv() -> list[str]:
    script = Path(sys.executable).with_name("backrelief")
    return [str(script)] if script.exists() else [sys.executable, "-m", "backrelief_tui"]


def _make_history(home: Path) -> None:
    from backrelief_tui.core.records import record_path, write_record
    from tests.record_factory import make_record

    sessions = home / "data" / "sessions"
    start = datetime.now().astimezone() - timedelta(days=HISTORY)
    for number in range(HISTORY):
        record = make_record(start + timedelta(days=number, hours=10), record_id=f"b{number:05d}")
        write_record(record_path(sessions, record), record)


def _time(argv: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    result = subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode not in (0, 1) or result.stderr:
        raise RuntimeError(f"{argv} exited {result.returncode}: {result.stderr.decode(errors='replace')}")
    return elapsed


def run(runs: int = RUNS) -> dict:
    compileall.compile_dir(ROOT / "backrelief_tui", quiet=1)
    due_argv = [*_backrelief_argv(), "due"]
    bare_argv = [sys.executable, "-c", "pass"]
    with tempfile.TemporaryDirectory(prefix="bench-due-") as tmp:
        home = Path(tmp) / "home"
        _make_history(home)
        env = {**os.environ, "BACKRELIEF_HOME": str(home)}
        first = subprocess.run(due_argv, env=env, capture_output=True, text=True, check=False)  # makes the state
        if first.returncode not in (0, 1):
            raise RuntimeError(f"backrelief due failed: {first.stderr}")
        _time(due_argv, env)
        _time(bare_argv, env)
        due, bare = [], []
        for _ in range(runs):
            due.append(_time(due_argv, env))
            bare.append(_time(bare_argv, env))
    due_ms, bare_ms = statistics.median(due) * 1000, statistics.median(bare) * 1000
    ratio = due_ms / bare_ms
    pairs = statistics.quantiles([a / b for a, b in zip(due, bare, strict=True)], n=4)
    return {
        "name": f"backrelief due vs python -c pass (median of {runs}, {HISTORY} sessions recorded)",
        "due_ms": round(due_ms, 1),
        "python_pass_ms": round(bare_ms, 1),
        "ratio": round(ratio, 2),
        "pair_ratio_quartiles": f"{pairs[0]:.2f}–{pairs[2]:.2f}",
        "answer": first.stdout.strip(),
        "budget_ratio": BUDGET_RATIO,
        "ok": ratio <= BUDGET_RATIO,
    }


def main(argv: list[str]) -> int:
    result = run(int(argv[1]) if len(argv) > 1 else RUNS)
    print(f"{result['name']}: due {result['due_ms']} ms, python -c pass {result['python_pass_ms']} ms -> "
          f"{result['ratio']}× (budget ≤ {BUDGET_RATIO}×) {'OK' if result['ok'] else 'OVER'} "
          f"(run by run, middle half: {result['pair_ratio_quartiles']}×)\n  answer: {result['answer']}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
