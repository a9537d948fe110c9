"""The countdown's cost (issues 12, 13, 16): CPU, terminal bytes and repaints while the session screen counts down.

Each round starts five programs together, each in its own 100×30 pseudo-terminal, and
measures them over the same WINDOW seconds once they are all on screen (`ptyrun.measure`:
CPU time from each thread's schedstat, in nanoseconds, bytes written to the terminal, repaints = bursts of output):

- `hold`: the real app, `backrelief run hold.toml` (the venv's script, as a person starts
  it): one 90 s forearm plank (a single Hold beat: the figure steps into it for 1.5 s, then
  stands still), with a populated data folder
  (a hard-linked copy of the 100,000-record history `benchmarks/history_data.py` makes);
- `reps`: the same app and data on `reps.toml`: reverse hypers, each rep Lift (2 s, the
  figure moving) / Hold (2 s, still) / Lower (2 s, moving), 20 reps, so the whole window is reps;
- `hold-empty`: `hold` again with no records (the peak RSS reference);
- `digits`: `benchmarks/digits_app.py`, a bare Textual `Digits` app updated once a second;
- `termdown`: `termdown 90`, the familiar reference (the `bench` extra installs it);
- `bigtext`: `benchmarks/bigtext_app.py`, the session screen's big digits alone (8 rows, as
  at 100×30) counting down once a second: what the size of the digits costs by itself
  (figures only, no budget).

Settings for the app: no lead-in (the window opens on the move), no pain check-in, the
safety note already read; sound as by default (on: the cues and the spoken coach play), into
ALSA's null device, so nothing is heard and no sound card is needed (`app_sound` says what
the app's top bar said: "sound on", or its fallback where ALSA is missing). Every
figure is the median over RUNS rounds (each round its own fresh homes), and each budget a
ratio of medians measured in the same rounds:

| figure | budget | from |
|---|---|---|
| CPU, hold / Digits app | ≤ 1.2× | issue 16 |
| CPU, hold / termdown | ≤ 1× | issues 12, 13 |
| CPU, reps / termdown | ≤ 2× | issues 12, 13 |
| terminal bytes per second, hold / Digits app | ≤ 1.5× | issue 16 |
| repaints per second during the hold | ≤ 1.1 (one per shown second: no figure frames) | issues 13, 16 |
| peak RSS in a session, 100,000 records / none | ≤ 1.5× | issue 16 (bench_history has the picker's) |

The noise shows in the `*_by_round` figures (the lowest and highest ratio of a round) and
the load average. BENCH_CODE=/path/to/another/checkout runs the app (and the BigText
reference) on that code instead, for a before/after table; the other references stay.

    python benchmarks/bench_cpu.py [RUNS [WINDOW]]      # or `python -m benchmarks cpu`, `make bench`
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.history_data import answered_safety_check  # noqa: E402
from benchmarks.ptyrun import PtyProcess, Usage, measure, spawn  # noqa: E402

RUNS = 5
WINDOW = 60.0  # seconds: the window; a countdown's CPU is a few ticks of /proc's 10 ms a second
SETTLE = 3.0  # seconds after every program is on screen (the hold's figure has stepped into place)
RECORDS = 100_000
BUDGETS = {
    "hold_vs_digits_cpu": 1.2,
    "hold_vs_termdown_cpu": 1.0,
    "reps_vs_termdown_cpu": 2.0,
    "hold_vs_digits_bytes": 1.5,
    "hold_repaints_per_s": 1.1,
    "rss_100k_vs_empty": 1.5,
}

HOLD = """\
id = "bench-hold"
title = "Bench hold"
summary = "A forearm plank held for ninety seconds: the CPU benchmark's static hold."

[[moves]]
ref = "front-plank"
reps = 1
hold = 90
"""
REPS = """\
id = "bench-reps"
title = "Bench reps"
summary = "Twenty reverse hypers (Lift, Hold, Lower): the CPU benchmark's animated reps."

[[moves]]
ref = "reverse-hyper"
reps = 20
"""
SETTINGS = "lead_in = 0\npain_checkin = false\nsafety_acknowledged = true\n"
ALSA_NULL = "pcm.!default { type null }\n"  # the sound goes nowhere: see bench_audio.py for the file sink
MARKERS = {"hold": b"Bench hold", "reps": b"Bench reps", "hold-empty": b"Bench hold"}


def code_root() -> Path:
    """The checkout whose app is measured: this one, or BENCH_CODE's."""
    return Path(os.environ.get("BENCH_CODE", ROOT)).resolve()


def termdown_command() -> list[str] | None:
    found = shutil.which("termdown", path=str(Path(sys.executable).parent)) or shutil.which("termdown")
    return [found] if found else None


def app_command() -> list[str]:
    """How a person starts it: the venv's `backrelief` script, else `python -m backrelief_tui`."""
    script = Path(sys.executable).with_name("backrelief")
    return [str(script)] if script.exists() else [sys.executable, "-m", "backrelief_tui"]


def _home(folder: Path, records: Path | None) -> Path:
    """A BACKRELIEF_HOME with the bench settings and, when given, a hard-linked copy of a sessions folder."""
    home = folder / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "settings.toml").write_text(SETTINGS, encoding="utf-8")
    if records is not None:
        (home / "data").mkdir()
        subprocess.run(["cp", "-al", str(records), str(home / "data" / "sessions")], check=True)
    answered_safety_check(home)
    return home


def _env(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TEXTUAL")}
    alsa = home.parent / "asound.conf"
    alsa.write_text(ALSA_NULL, encoding="utf-8")
    env.update(TERM="xterm-256color", COLORTERM="truecolor", BACKRELIEF_HOME=str(home), ALSA_CONFIG_PATH=str(alsa),
               LANG=env.get("LANG", "C.UTF-8"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(code_root()), os.environ.get("PYTHONPATH")])))
    return env


def _start(tmp: Path, records: Path, termdown: list[str] | None) -> dict[str, PtyProcess]:
    tmp.mkdir(parents=True)
    (tmp / "hold.toml").write_text(HOLD, encoding="utf-8")
    (tmp / "reps.toml").write_text(REPS, encoding="utf-8")
    homes = {"hold": _home(tmp / "hold", records), "reps": _home(tmp / "reps", records),
             "hold-empty": _home(tmp / "hold-empty", None)}
    routine = {"hold": "hold.toml", "reps": "reps.toml", "hold-empty": "hold.toml"}
    code = str(code_root())
    processes = {name: spawn([*app_command(), "run", str(tmp / routine[name])], env=_env(home), cwd=code)
                 for name, home in homes.items()}
    reference_env = _env(homes["hold-empty"])
    for name, script in (("digits", "digits_app.py"), ("bigtext", "bigtext_app.py")):
        processes[name] = spawn([sys.executable, str(ROOT / "benchmarks" / script), "90"], env=reference_env, cwd=code)
    if termdown:
        processes["termdown"] = spawn([*termdown, "90"], env=reference_env, cwd=code)
    return processes


def _on_screen(processes: dict[str, PtyProcess], timeout: float = 30.0) -> None:
    """Wait until every app shows its routine and the references have drawn something, then SETTLE."""
    deadline = time.perf_counter() + timeout

    def shown(name: str, process: PtyProcess) -> bool:
        marker = MARKERS.get(name)
        return marker in process.output if marker else len(process.output) > 0

    while not all(shown(name, process) for name, process in processes.items()):
        if time.perf_counter() > deadline:
            late = [name for name, process in processes.items() if not shown(name, process)]
            raise RuntimeError(f"not on screen after {timeout:.0f} s: {late}: "
                               f"{[bytes(processes[name].output[-300:]) for name in late]!r}")
        for process in processes.values():
            process.pump(0.02)
    settle = time.perf_counter()
    while time.perf_counter() - settle < SETTLE:
        for process in processes.values():
            process.pump(0.02)
    for name, process in processes.items():
        if process.poll():
            raise RuntimeError(f"{name} exited early: {bytes(process.output[-300:])!r}")


def _sound_state(output: bytearray) -> str:
    """What the app's top bar says about the sound."""
    for state in (b"sound on", b"bell only", b"sound off", b"muted"):
        if state in output:
            return state.decode()
    return "unknown"


def _round(tmp: Path, records: Path, termdown: list[str] | None,
           window: float) -> tuple[dict[str, dict[str, float]], str]:
    processes = _start(tmp, records, termdown)
    try:
        _on_screen(processes)
        usage: dict[str, Usage] = measure(processes, window)
        for name, process in processes.items():
            if process.poll():
                raise RuntimeError(f"{name} ended during the window: {bytes(process.output[-300:])!r}")
        figures = {name: {"cpu": use.cpu_percent, "cpu_ticks": use.cpu_percent_ticks, "bytes": use.bytes_per_s,
                          "repaints": use.repaints_per_s,
                          "rss": processes[name].peak_rss_mb()} for name, use in usage.items()}
        return figures, _sound_state(processes["hold"].output)
    finally:
        for process in processes.values():
            process.stop()


def _records() -> Path:
    from benchmarks.history_data import history_home

    return history_home(RECORDS) / "data" / "sessions"  # made once and kept (minutes the first time)


def run(runs: int = RUNS, window: float = WINDOW) -> dict:
    termdown = termdown_command()
    records = _records()
    rounds, sounds = [], set()
    with tempfile.TemporaryDirectory(prefix="bench-cpu-") as tmp:
        for index in range(runs):
            figures, sound = _round(Path(tmp) / str(index), records, termdown, window)
            rounds.append(figures)
            sounds.add(sound)

    def median(name: str, key: str) -> float:
        return statistics.median(row[name][key] for row in rounds)

    def spread(top: str, bottom: str, key: str) -> str:
        ratios = sorted(row[top][key] / max(row[bottom][key], 1e-9) for row in rounds)
        return f"{ratios[0]:.2f}–{ratios[-1]:.2f}"

    names = ["hold", "reps", "digits", "bigtext"] + (["termdown"] if termdown else [])
    figures: dict[str, object] = {}
    for name in names:
        figures[f"{name}_cpu_percent"] = round(median(name, "cpu"), 3)
    for name in names:
        figures[f"{name}_bytes_per_s"] = round(median(name, "bytes"))
    for name in names:
        figures[f"{name}_repaints_per_s"] = round(median(name, "repaints"), 2)
    ratios = {
        "hold_vs_digits_cpu": median("hold", "cpu") / median("digits", "cpu"),
        "hold_vs_digits_bytes": median("hold", "bytes") / median("digits", "bytes"),
        "hold_repaints_per_s": median("hold", "repaints"),
        "rss_100k_vs_empty": median("hold", "rss") / median("hold-empty", "rss"),
    }
    noise = {"hold_vs_digits_cpu_by_round": spread("hold", "digits", "cpu"),
             # As /proc/<pid>/stat's 10 ms ticks alone would have it (not budgeted: see ptyrun.measure).
             "hold_vs_digits_cpu_ticks": round(median("hold", "cpu_ticks") / median("digits", "cpu_ticks"), 2),
             "hold_vs_digits_cpu_ticks_by_round": spread("hold", "digits", "cpu_ticks")}
    if termdown:
        ratios["hold_vs_termdown_cpu"] = median("hold", "cpu") / median("termdown", "cpu")
        ratios["reps_vs_termdown_cpu"] = median("reps", "cpu") / median("termdown", "cpu")
        noise["hold_vs_termdown_cpu_by_round"] = spread("hold", "termdown", "cpu")
        noise["reps_vs_termdown_cpu_by_round"] = spread("reps", "termdown", "cpu")
    else:
        figures["termdown"] = "unavailable (pip install '.[bench]'): its ratios are not checked"
    figures.update(hold_peak_rss_mb=round(median("hold", "rss"), 1),
                   hold_empty_peak_rss_mb=round(median("hold-empty", "rss"), 1),
                   reps_peak_rss_mb=round(median("reps", "rss"), 1),
                   digits_peak_rss_mb=round(median("digits", "rss"), 1))
    figures.update({name: round(value, 2) for name, value in ratios.items()})
    figures["bigtext_vs_digits_bytes"] = round(median("bigtext", "bytes") / median("digits", "bytes"), 2)
    figures.update(noise)
    over = [name for name, value in ratios.items() if value > BUDGETS[name]]
    return {
        "name": f"the countdown: CPU, terminal bytes, repaints, RSS ({window:.0f} s windows, median of {runs}, "
                f"{RECORDS:,} records)",
        **figures,
        "app_sound": ", ".join(sorted(sounds)),
        "load_average": round(os.getloadavg()[0], 2),
        "code": str(code_root()),
        "budgets": ", ".join(f"{name} ≤ {value:g}" for name, value in BUDGETS.items()),
        "over": ", ".join(over) or "none",
        "ok": not over,
    }


def main(argv: list[str]) -> int:
    result = run(int(argv[1]) if len(argv) > 1 else RUNS, float(argv[2]) if len(argv) > 2 else WINDOW)
    width = max(len(key) for key in result)
    for key, value in result.items():
        print(f"{key:<{width}}  {value}")
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))
