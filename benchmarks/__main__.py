"""`make bench`: run every `benchmarks/bench_*.py` module's `run() -> dict` and print a table.

    python -m benchmarks                 # all of them
    python -m benchmarks startup cpu     # only the modules whose names contain these words
    python -m benchmarks --json          # the raw results, for keeping

Each `run()` returns a dict with a `name`, its figures, and `ok` (within its budget).
Exit status: 0 when every benchmark ran and is within budget, 1 when one is over
budget, 2 when one failed to run.
"""

from __future__ import annotations

import importlib
import json
import sys
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def discover(words: list[str]) -> list[str]:
    names = sorted(path.stem for path in HERE.glob("bench_*.py"))
    return [name for name in names if not words or any(word in name for word in words)]


def run_all(names: list[str]) -> list[dict]:
    results = []
    for name in names:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        started = time.perf_counter()
        try:
            module = importlib.import_module(f"benchmarks.{name}")
            result = dict(module.run())
        except Exception as error:  # one broken benchmark must not hide the others
            result = {"name": name, "error": f"{type(error).__name__}: {error}", "ok": False,
                      "traceback": traceback.format_exc()}
        result["module"] = name
        result["seconds"] = round(time.perf_counter() - started, 1)
        results.append(result)
    return results


def table(results: list[dict]) -> str:
    lines = []
    for result in results:
        status = "ERROR" if "error" in result else ("ok" if result.get("ok") else "OVER BUDGET")
        lines.append(f"{result['module']}  [{status}]  {result.get('name', '')}  ({result['seconds']} s)")
        figures = {key: value for key, value in result.items()
                   if key not in ("name", "ok", "module", "seconds", "traceback")}
        width = max((len(key) for key in figures), default=0)
        for key, value in figures.items():
            lines.append(f"    {key:<{width}}  {value}")
        lines.append("")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    as_json = "--json" in argv
    words = [arg for arg in argv if not arg.startswith("-")]
    names = discover(words)
    if not names:
        print(f"no benchmark matches {words}", file=sys.stderr)
        return 2
    results = run_all(names)
    if as_json:
        print(json.dumps([{k: v for k, v in r.items() if k != "traceback"} for r in results], indent=2))
    else:
        print(table(results))
    for result in results:
        if "traceback" in result:
            print(result["traceback"], file=sys.stderr)
    if any("error" in result for result in results):
        return 2
    return 0 if all(result.get("ok") for result in results) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
