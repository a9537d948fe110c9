"""Pain-guided progression: the ladder, three green sessions up, one red session back, accepting, levels."""

import json
from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from backrelief_tui.commands import main
from backrelief_tui.core.journal import Decision, DecisionKind, Journal, MorningEntry, Step, load_journal
from backrelief_tui.core.levels import at_level, level_label
from backrelief_tui.core.pain import MorningAnswer, PainLimits
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.progression import Rung, accept, can_progress, step_back, step_up, suggest
from backrelief_tui.core.records import MoveRecord, MoveStatus, write_record
from backrelief_tui.core.routine import Kind
from backrelief_tui.core.settings import Settings, load_settings
from backrelief_tui.core.store import RecordStore
from tests.record_factory import CET, make_record

START = datetime(2025, 3, 3, 18, 0, tzinfo=CET)


def session(library, number, after, *, moves=("front-plank", "glute-bridge"), status=MoveStatus.DONE, hold=None,
            before=5, day_offset=None):
    """A session `number` days after START with these library moves, all with `status`."""
    started = START + timedelta(days=number if day_offset is None else day_offset)
    record = make_record(started, record_id=f"s{number}", pain_before=before, pain_after=after, moves=len(moves))
    done = []
    for move_id in moves:
        move = library.moves[move_id]
        done.append(MoveRecord(id=move.id, name=move.name, kind=move.kind, status=status, planned_seconds=60,
                               done_seconds=60.0 if status is MoveStatus.DONE else 0.0,
                               hold=hold if hold is not None and move.kind is Kind.HOLD else move.hold,
                               reps=move.reps, sides=move.sides, rest=0))
    return replace(record, moves=tuple(done))


def suggestions(library, records, settings=None, journal=None, limits=None):
    progress = suggest(library.moves, settings or Settings(), records, journal or Journal(), limits)
    return {s.move_id: s for s in progress.suggestions}, progress


# -- the ladder ------------------------------------------------------------------------------------

def test_the_front_plank_ladder(library):
    plank = library.moves["front-plank"]  # 30 s on the knees, then on the toes
    assert step_up(plank, Rung(0, 30)) == Rung(0, 35)
    assert step_up(plank, Rung(0, 35)) == Rung(0, 40)
    assert step_up(plank, Rung(0, 40)) == Rung(1, 30)  # then the toes, back at the routine's hold
    assert step_up(plank, Rung(1, 40)) is None  # the top
    assert step_back(plank, Rung(1, 30)) == Rung(0, 40)  # the last step up, undone
    assert step_back(plank, Rung(0, 35)) == Rung(0, 30)
    assert step_back(plank, Rung(0, 32)) == Rung(0, 30)
    assert step_back(plank, Rung(0, 30)) is None


def test_what_progresses(library):
    moves = library.moves
    assert can_progress(moves["front-plank"]) and can_progress(moves["side-plank"])
    assert can_progress(moves["pelvic-tilt"]) and can_progress(moves["wall-pelvic-tilt"])
    assert can_progress(moves["kneeling-bridge"])  # a stretch, but it has a harder level
    assert not can_progress(moves["cobra"]) and not can_progress(moves["desk-lat-stretch"])  # longer is not harder
    assert not can_progress(moves["glute-bridge"]) and not can_progress(moves["calf-roll"])
    side = moves["side-plank"]
    assert step_up(side, Rung(3, 30)) == Rung(4, 20) and step_up(side, Rung(4, 30)) is None
    assert step_up(moves["kneeling-bridge"], Rung(0, 24)) == Rung(1, 24)  # no longer holds: the level only


# -- three green, one red ---------------------------------------------------------------------------

def test_three_green_sessions_suggest_the_next_step(library):
    records = [session(library, n, after) for n, after in enumerate((4, 2, 1, 2))]  # amber, then three green
    found, _ = suggestions(library, records)
    plank = found["front-plank"]
    assert plank.step is Step.UP and (plank.current, plank.proposed) == (Rung(0, 30), Rung(0, 35))
    assert plank.title == "Front forearm plank: a step up, hold 30 s → 35 s"
    assert plank.reason == ("green in the last 3 sessions with it (Tue 04 Mar, Wed 05 Mar, Thu 06 Mar): "
                            "pain 2 or less after, not worse the next morning")
    assert "glute-bridge" not in found  # a reps move without levels


def test_two_green_or_an_amber_in_between_is_not_enough(library):
    assert suggestions(library, [session(library, n, 1) for n in range(2)])[0] == {}
    records = [session(library, 0, 1), session(library, 1, 1), session(library, 2, 3), session(library, 3, 1)]
    assert suggestions(library, records)[0] == {}
    skipped = [session(library, 0, 1), session(library, 1, 1, status=MoveStatus.SKIPPED), session(library, 2, 1)]
    assert suggestions(library, skipped)[0] == {}


def test_sessions_without_a_rating_are_passed_over(library):
    records = [session(library, 0, 1), session(library, 1, None), session(library, 2, 2), session(library, 3, 0)]
    assert suggestions(library, records)[0]["front-plank"].days[-1] == records[3].started.date()


def test_worse_the_next_morning_is_red(library):
    records = [session(library, n, 1) for n in range(3)]
    journal = Journal(mornings=(MorningEntry(records[2].started.date(), MorningAnswer.WORSE, START),))
    assert suggestions(library, records, journal=journal)[0] == {}
    assert suggestions(library, records, journal=journal, limits=PainLimits(morning_rule=False))[0] != {}


def test_a_red_session_suggests_a_step_back_for_a_move_made_harder(library):
    settings = Settings().with_move_values("front-plank", hold=35)
    records = [session(library, 0, 1, hold=35), session(library, 1, 7, hold=35)]
    found, progress = suggestions(library, records, settings)
    plank = found["front-plank"]
    assert plank.step is Step.BACK and (plank.current, plank.proposed) == (Rung(0, 35), Rung(0, 30))
    assert plank.reason == "red on Tue 04 Mar: pain 7 after (above 5)"
    assert progress.notes == ()


def test_a_red_session_with_nothing_to_step_back_says_to_go_gently(library):
    _, progress = suggestions(library, [session(library, 0, 1), session(library, 1, 8)])
    assert progress.suggestions == () and "nothing to step back" in progress.notes[0]
    assert "talk to your physiotherapist" in progress.notes[0]


def test_a_decision_starts_the_count_again(library):
    records = [session(library, n, 1) for n in range(5)]
    decided = Journal(decisions=(Decision(records[2].started + timedelta(hours=1), "front-plank",
                                          DecisionKind.DECLINED, Step.UP, 0, 30, 0, 35),))
    assert "front-plank" not in suggestions(library, records, journal=decided)[0]  # two green since
    assert "front-plank" in suggestions(library, [*records, session(library, 5, 2)], journal=decided)[0]


def test_a_session_at_a_shorter_hold_does_not_prove_the_longer_one(library):
    settings = Settings().with_move_values("front-plank", hold=40)
    records = [session(library, n, 1, hold=35 if n == 1 else 40) for n in range(3)]
    assert "front-plank" not in suggestions(library, records, settings)[0]


# -- accepting --------------------------------------------------------------------------------------

def test_accepting_keeps_the_numbers_as_the_persons_own(library):
    plank = library.moves["front-plank"]
    records = [session(library, n, 1, hold=40) for n in range(3)]
    settings = Settings().with_move_values("front-plank", hold=40)
    found, _ = suggestions(library, records, settings)
    assert found["front-plank"].proposed == Rung(1, 30)
    assert found["front-plank"].title == "Front forearm plank: a step up, level 0 → 1, hold 40 s → 30 s"
    accepted = accept(settings, found["front-plank"], plank)
    assert accepted.level_for("front-plank") == 1 and accepted.override_for("front-plank").hold is None
    planned = plan_session(library.get("activate"), accepted)
    on_toes = next(move for move in planned.moves if move.id == "front-plank")
    assert on_toes.cues[0] == "On your toes, feet together; thighs and glutes tight." and on_toes.hold == 30


def test_levels_lead_the_cues(library):
    side = library.moves["side-plank"]
    assert at_level(side, 0) is side
    second = at_level(side, 2)
    assert second.cues[0] == side.progressions[1] and second.cues[1:] == side.cues
    assert second.variation == f"Next step, when this is easy: {side.progressions[2]}"
    assert at_level(side, 4).variation == "" and at_level(side, 9).cues[0] == side.progressions[3]
    assert level_label(side, 1) == "level 1 of 4: Bottom knee down, top leg straight."
    assert level_label(side, 0) == "starting level"


# -- the commands --------------------------------------------------------------------------------------

@pytest.fixture
def home(tmp_path, monkeypatch, library):
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    store = RecordStore()
    today = datetime.now().astimezone()
    for n, after in enumerate((3, 1, 2, 1)):
        record = session(library, n, after, day_offset=0)
        record = replace(record, started=today - timedelta(days=4 - n), ended=today - timedelta(days=4 - n))
        write_record(store.path_for(record), record)
    return store


def test_backrelief_progress_lists_and_accepts(home, capsys):
    assert main(["progress"]) == 0
    out = capsys.readouterr().out
    assert "Front forearm plank: a step up, hold 30 s → 35 s" in out and "why: green in the last 3" in out
    assert "backrelief progress accept front-plank" in out and "pain-monitoring model" in out
    assert main(["progress", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [s["move"] for s in data["suggestions"]] == ["front-plank"]
    assert data["week"]["goal"] == 5 and [s["light"] for s in data["sessions"]] == ["amber", "green", "green", "green"]
    assert main(["progress", "accept", "front-plank"]) == 0
    assert "Accepted: Front forearm plank" in capsys.readouterr().out
    settings, _ = load_settings()
    assert settings.override_for("front-plank").hold == 35
    assert load_journal()[0].decisions[0].kind is DecisionKind.ACCEPTED
    assert main(["progress", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["suggestions"] == []  # three new green sessions needed
    assert main(["set"]) == 0
    assert "front-plank  Front forearm plank: hold 35" in capsys.readouterr().out


def test_backrelief_progress_decline_and_mistakes(home, capsys):
    assert main(["progress", "decline", "front-plank"]) == 0
    assert "Suggested again after 3 more green sessions" in capsys.readouterr().out
    assert load_settings()[0] == Settings()
    assert main(["progress", "accept", "front-plank"]) == 1
    assert "no suggestion for 'front-plank' now" in capsys.readouterr().err
    assert main(["progress", "accept"]) == 1


def test_backrelief_set_level(home, capsys):
    assert main(["set", "side-plank", "level=2"]) == 0
    out = capsys.readouterr().out
    assert "level 2 of 4: Both legs straight, top foot in front of the bottom one." in out
    assert load_settings()[0].levels == {"side-plank": 2}
    assert main(["set", "front-plank", "level=3"]) == 1
    assert "level must be from 0 to 1" in capsys.readouterr().err
    assert main(["set", "glute-bridge", "level=1"]) == 1
    assert main(["set", "side-plank", "--reset"]) == 0
    assert load_settings()[0].levels == {}
