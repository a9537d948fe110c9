"""What the spoken coach says: a real engine's batches -> phrases, by verbosity; beats on a stand-in."""

from __future__ import annotations

import types
from dataclasses import dataclass
from pathlib import Path

import pytest

from backrelief_tui.core.engine import Engine, Event, EventKind
from backrelief_tui.core.library import load_library
from backrelief_tui.core.plan import Phase, Side, Step, plan_session
from backrelief_tui.core.routine import Kind, Move, Position, Routine, Sides
from backrelief_tui.core.settings import Settings, Verbosity
from backrelief_tui.voice import Coach, CoachOptions, number_word, session_phrases, speakable
from tests.fakes import FakeClock

ROOT = Path(__file__).resolve().parents[2]

HUG = Move(id="knee-hug", name="Knee hug", kind=Kind.HOLD, hold=12, position=Position.FLOOR, sides=Sides.BOTH)
DEAD_BUG = Move(id="dead-bug", name="Dead bug", kind=Kind.REPS, hold=1, tempo=2, reps=1, sides=Sides.ALTERNATE,
                position=Position.FLOOR, rest=0)
BRIDGE = Move(id="bridge", name="Bridge", kind=Kind.REPS, hold=1, tempo=3, reps=2, rep_rest=2,
              position=Position.FLOOR)
ROUTINE = Routine(id="tiny", title="Tiny", summary="Three moves.", moves=(HUG, DEAD_BUG, BRIDGE))
PLAN = plan_session(ROUTINE, Settings(lead_in=5, default_rest=10, switch_seconds=5, position_change=0))
STEPS = PLAN.steps


def spoken(verbosity: Verbosity, countdown: bool = False, plan=PLAN) -> list[list[str]]:
    """Drive a real engine to the end on a fake clock; the coach's phrases for each batch that has some."""
    clock = FakeClock()
    engine = Engine(plan, clock)
    coach = Coach(plan.steps, CoachOptions(verbosity, countdown))
    batches = [coach.say(engine.start())]
    while not engine.over:
        if engine.step.self_paced:
            clock.advance(1)
            batches.append(coach.say(engine.next()))
        else:
            clock.time = engine.next_wakeup()
            batches.append(coach.say(engine.poll()))
    return [batch for batch in batches if batch]


def test_names_says_the_next_move_switch_and_the_end() -> None:
    assert spoken(Verbosity.NAMES) == [
        ["First: Knee hug, left side."],
        ["Switch sides."],
        ["Next: Dead bug, alternate sides."],  # said in the rest before it
        ["Bridge."],  # no rest before it: named as it starts
        ["Session complete. Well done."],
    ]


def test_full_says_every_key_moment() -> None:
    assert spoken(Verbosity.FULL) == [
        ["First: Knee hug, left side."],
        ["Go."],
        ["Switch sides."],
        ["Go."],
        ["Done.", "Rest. Next: Dead bug, alternate sides."],
        ["Left."], ["Hold."], ["Lower."],  # alternating reps say the side; a rep's later beats their word
        ["Right."], ["Hold."], ["Lower."],
        ["Done.", "Bridge.", "Go."],
        ["Hold."], ["Lower."],
        ["Rest."],  # between reps
        ["Two."], ["Hold."], ["Lower."],  # the second rep
        ["Session complete. Well done."],  # not "Done." as well
    ]


def test_countdown_words_only_when_asked_and_only_for_long_holds() -> None:
    with_words = spoken(Verbosity.NAMES, countdown=True)
    assert with_words[1:4] == [["Three."], ["Two."], ["One."]]
    assert sum(batch == ["Three."] for batch in with_words) == 2  # the 12 s hold, each side
    short = plan_session(Routine(id="s", title="S", summary="S", moves=(
        Move(id="h", name="Short", kind=Kind.HOLD, hold=9, position=Position.FLOOR),)), Settings())
    assert ["Three."] not in spoken(Verbosity.FULL, countdown=True, plan=short)


def test_off_says_nothing() -> None:
    assert spoken(Verbosity.OFF, countdown=True) == []
    assert session_phrases(PLAN, CoachOptions(Verbosity.OFF)) == []


def test_session_phrases_lists_each_phrase_once_in_first_use_order() -> None:
    for verbosity in (Verbosity.NAMES, Verbosity.FULL):
        options = CoachOptions(verbosity, countdown=True)
        said = [phrase for batch in spoken(verbosity, countdown=True) for phrase in batch]
        assert session_phrases(PLAN, options) == list(dict.fromkeys(said))


@pytest.mark.parametrize("routine_id", ["desk-break", "release", "stretch", "activate", "full"])
def test_every_builtin_routine_names_each_move_and_ends(routine_id: str, tmp_path: Path) -> None:
    routine = load_library(ROOT / "routines", tmp_path).get(routine_id)
    plan = plan_session(routine)
    steps = plan.steps
    said = [phrase for batch in spoken(Verbosity.NAMES, plan=plan) for phrase in batch]
    named = [phrase for phrase in said if phrase not in ("Switch sides.", "Session complete. Well done.")]
    assert len(named) == len({step.move_index for step in steps})
    assert all(speakable(move.name) in phrase for move, phrase in zip(plan.moves, named, strict=True))
    assert said[-1] == "Session complete. Well done."
    assert said.count("Switch sides.") == sum(step.phase is Phase.SWITCH for step in steps)


def test_a_resumed_session_names_the_move_it_resumes_in() -> None:
    clock = FakeClock()
    engine = Engine(PLAN, clock)
    index = next(i for i, step in enumerate(STEPS)
                 if step.move.id == "bridge" and step.phase is Phase.WORK and step.rep == 2)
    engine.resume_from(index)
    coach = Coach(STEPS, CoachOptions(Verbosity.FULL))
    assert coach.say(engine.start()) == ["Bridge.", "Two."]


# -- beats, on a stand-in for the lead's BEAT event (kind "beat", with the beat's index) ----------


@dataclass(frozen=True)
class BeatEvent:
    kind: str
    step_index: int
    step: Step
    count: int | None = None
    beat: int | None = None


def beat_step() -> Step:
    beats = tuple(types.SimpleNamespace(label=label, seconds=1, kind=kind, cue="", pose="")
                  for label, kind in (("Lift", "move"), ("Hold", "hold"), ("Lower", "return")))
    move = types.SimpleNamespace(id="bridge", name="Bridge", sides=Sides.NONE, kind=Kind.REPS, beats=beats)
    return Step(Phase.WORK, move, 0, 3, rep=1, reps=2)  # type: ignore[arg-type]


def test_full_names_a_reps_later_beats() -> None:
    step = beat_step()
    coach = Coach([step], CoachOptions(Verbosity.FULL))
    started = Event(EventKind.STEP_STARTED, 0, step)
    # The first beat comes with the rep's start: the rep says "Go", not "Lift" as well.
    assert coach.say([started, BeatEvent("beat", 0, step, beat=0)]) == ["Bridge.", "Go."]
    assert coach.say([BeatEvent("beat", 0, step, beat=1)]) == ["Hold."]
    assert coach.say([BeatEvent("beat", 0, step, beat=2)]) == ["Lower."]
    # The index may come in `count` instead; an index out of range says nothing.
    assert coach.say([BeatEvent("beat", 0, step, count=2)]) == ["Lower."]
    assert coach.say([BeatEvent("beat", 0, step, beat=7)]) == []


def test_names_leaves_beats_out_and_a_single_beat_is_not_named() -> None:
    step = beat_step()
    assert Coach([step], CoachOptions(Verbosity.NAMES)).say([BeatEvent("beat", 0, step, beat=1)]) == []
    single = types.SimpleNamespace(**{**vars(step.move), "beats": step.move.beats[:1]})
    hold = Step(Phase.WORK, single, 0, 3)  # type: ignore[arg-type]
    assert Coach([hold], CoachOptions(Verbosity.FULL)).say([BeatEvent("beat", 0, hold, beat=0)]) == []


# -- words ---------------------------------------------------------------------------------------


def test_speakable_text() -> None:
    assert speakable("World's best stretch + hamstring") == "World's best stretch and hamstring"
    assert speakable("Bird\x1b[31m dog\u202e [[h@'loU]]\n") == "Bird 31m dog h@'loU"
    assert speakable("x" * 500) == "x" * 200
    assert speakable("-v xx") == "-v xx"  # harmless: the text goes in on stdin, never as an option


def test_number_words() -> None:
    assert [number_word(n) for n in (1, 2, 3, 20, 21)] == ["One.", "Two.", "Three.", "Twenty.", "21."]


def test_a_next_move_name_from_a_file_is_made_speakable() -> None:
    odd = Move(id="odd", name="Odd\x07 move", kind=Kind.HOLD, hold=5, position=Position.FLOOR, sides=Sides.BOTH)
    plan = plan_session(Routine(id="o", title="O", summary="O", moves=(odd,)), Settings())
    assert plan.steps[1].side is Side.LEFT
    assert spoken(Verbosity.NAMES, plan=plan)[0] == ["First: Odd move, left side."]


def test_the_voice_module_loads_no_textual() -> None:
    import subprocess
    import sys

    code = "import sys, backrelief_tui.voice; print('textual' in sys.modules, 'rich' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "False"]
