"""A per-move `sides` override reaches the plan, the preview wording and the record alike.

It used to be saved and shown but ignored by the planner (a plain string never `is` an
enum member): the plan still ran both sides one after the other.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from backrelief_tui.commands import main
from backrelief_tui.core.engine import Engine
from backrelief_tui.core.library import load_library
from backrelief_tui.core.plan import Phase, Side, plan_session
from backrelief_tui.core.recorder import move_records
from backrelief_tui.core.routine import Sides
from backrelief_tui.core.settings import MoveOverride, Settings, load_settings
from backrelief_tui.core.wording import move_dose
from tests.fakes import FakeClock

ROUTINES = Path(__file__).parents[2] / "routines"
MOVE = "worlds-best-stretch"
REPS = 2  # its reps a side in desk-break


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    return tmp_path


def work_sides(settings: Settings) -> list[Side | None]:
    routine = load_library(ROUTINES, Path("/nonexistent")).get("desk-break")
    plan = plan_session(routine, settings)
    return [step.side for step in plan.steps if step.move.id == MOVE and step.phase is Phase.WORK]


def test_the_routine_runs_all_reps_on_one_side_then_the_other():
    assert work_sides(Settings()) == [Side.LEFT] * REPS + [Side.RIGHT] * REPS


@pytest.mark.parametrize(("sides", "expected"), [
    (Sides.ALTERNATE, [Side.LEFT, Side.RIGHT] * REPS),
    (Sides.NONE, [None] * REPS),
])
def test_an_override_changes_the_plan_the_wording_and_the_record(sides, expected):
    settings = Settings(moves={MOVE: MoveOverride(sides=sides)})
    assert work_sides(settings) == expected
    routine = load_library(ROUTINES, Path("/nonexistent")).get("desk-break")
    plan = plan_session(routine, settings)
    planned = next(move for move in plan.moves if move.id == MOVE)
    assert planned.sides is sides
    words = move_dose(planned)
    assert ("alternating sides" in words) if sides is Sides.ALTERNATE else ("side" not in words)
    record = next(move for move in move_records(Engine(plan, FakeClock())) if move.id == MOVE)
    assert record.sides is sides
    assert [part.side for part in record.per_side] == (["left", "right"] if sides is Sides.ALTERNATE else ["none"])


@pytest.mark.parametrize("value", ["none", "alternate"])
def test_from_the_settings_file_and_the_command_line(home, capsys, value):
    (home / "config").mkdir()
    (home / "config" / "settings.toml").write_text(f'[moves.{MOVE}]\nsides = "{value}"\n', encoding="utf-8")
    settings, problems = load_settings()
    assert not problems and settings.override_for(MOVE).sides is Sides(value)
    assert work_sides(settings) == ([Side.LEFT, Side.RIGHT] * REPS if value == "alternate" else [None] * REPS)

    other = "none" if value == "alternate" else "alternate"
    assert main(["set", MOVE, f"sides={other}"]) == 0
    capsys.readouterr()
    assert main(["show", "desk-break", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    sides = [step["side"] for step in shown["steps"] if step["move"] == MOVE and step["phase"] == "work"]
    assert sides == (["left", "right"] * REPS if other == "alternate" else [None] * REPS)
    assert next(move for move in shown["moves"] if move["id"] == MOVE)["sides"] == other
