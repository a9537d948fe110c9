"""The journal (next-morning answers, red-flag checks, progression decisions) and the red-flag rules."""

from datetime import date, datetime, timedelta, timezone

import pytest

from backrelief_tui.core.journal import (
    Decision,
    DecisionKind,
    Step,
    load_journal,
    morning_day_due,
    previous_pain,
    record_decision,
    record_morning,
    record_red_flag_check,
    record_seen_clinician,
)
from backrelief_tui.core.pain import MorningAnswer
from backrelief_tui.core.records import write_record
from backrelief_tui.core.redflags import (
    ADVICE_TEXT,
    RED_FLAG_IDS,
    RED_FLAGS,
    Advice,
    RedFlagCheck,
    Trigger,
    advise,
    pain_jumped,
    should_ask,
    trigger_for,
)
from backrelief_tui.core.store import RecordStore
from tests.record_factory import CET, make_record

WHEN = datetime(2025, 3, 13, 8, 5, tzinfo=CET)


# -- the red-flag rules ----------------------------------------------------------------------

def test_the_checklist_is_the_eight_signs():
    assert len(RED_FLAGS) == 8 and len(set(RED_FLAG_IDS)) == 8
    assert {flag.id for flag in RED_FLAGS if flag.urgent} == {"saddle-numbness", "bladder-bowel", "leg-weakness"}
    assert all(flag.question.endswith("?") for flag in RED_FLAGS)


@pytest.mark.parametrize(("first_run", "previous", "now", "leg", "trigger"), [
    (True, None, None, False, Trigger.FIRST_RUN),
    (False, None, None, False, None),
    (False, 3, 6, False, Trigger.PAIN_JUMP),  # exactly 3 points up
    (False, 3, 5, False, None),
    (False, 6, 3, False, None),  # a drop is no jump
    (False, None, 9, False, None),  # no earlier rating to jump from
    (False, 2, 2, True, Trigger.LEG_SYMPTOMS),
    (True, 1, 9, True, Trigger.LEG_SYMPTOMS),  # the most specific reason wins
    (True, 1, 9, False, Trigger.PAIN_JUMP),
])
def test_the_trigger(first_run, previous, now, leg, trigger):
    assert trigger_for(first_run=first_run, previous_pain=previous, pain_now=now, leg_symptoms=leg) is trigger
    assert pain_jumped(previous, now) is (previous is not None and now is not None and now - previous >= 3)


def test_when_to_ask():
    check = RedFlagCheck(WHEN, Trigger.FIRST_RUN, dict.fromkeys(RED_FLAG_IDS, False))
    assert should_ask(Trigger.FIRST_RUN, None, WHEN) and not should_ask(Trigger.FIRST_RUN, check, WHEN)
    assert not should_ask(Trigger.PAIN_JUMP, check, WHEN + timedelta(hours=10))  # answered this morning
    assert should_ask(Trigger.PAIN_JUMP, check, WHEN + timedelta(days=1)) and should_ask(Trigger.PAIN_JUMP, None, WHEN)
    assert should_ask(Trigger.LEG_SYMPTOMS, check, WHEN) and not should_ask(None, None, WHEN)


def test_any_yes_advises_a_clinician_and_the_words_never_diagnose():
    assert advise(dict.fromkeys(RED_FLAG_IDS, False)) is Advice.CLEAR
    assert advise({"fever": True}) is Advice.SEE_CLINICIAN
    assert advise({"fever": True, "bladder-bowel": True}) is Advice.URGENT
    assert advise({"not-a-flag": True}) is Advice.CLEAR
    text = " ".join(ADVICE_TEXT.values()).lower()
    for word in ("cauda equina", "infection", "fracture", "tumour", "tumor", "malignan", "you have a", "may have"):
        assert word not in text
    assert "before you continue" in ADVICE_TEXT[Advice.SEE_CLINICIAN] and "today" in ADVICE_TEXT[Advice.URGENT]
    assert "not a diagnosis" in ADVICE_TEXT[Advice.SEE_CLINICIAN]


def test_a_check_in_words():
    clear = RedFlagCheck(WHEN, Trigger.FIRST_RUN, dict.fromkeys(RED_FLAG_IDS, False))
    assert clear.words == "Thu 13 Mar 2025, first run: no to all 8" and not clear.needs_clinician
    partial = RedFlagCheck(WHEN, Trigger.ASKED, {"fever": False})
    assert partial.words.endswith("no to 1 of 8 (the others not answered)")
    yes = RedFlagCheck(WHEN, Trigger.PAIN_JUMP, {**dict.fromkeys(RED_FLAG_IDS, False), "cancer": True})
    assert yes.words == ("Thu 13 Mar 2025, pain rose by 3 or more points between sessions: yes to a history of "
                         "cancer — advised to see a clinician before continuing")
    assert yes.needs_clinician and not RedFlagCheck(WHEN, Trigger.ASKED, {"cancer": True}, True).needs_clinician


# -- the journal file --------------------------------------------------------------------------

def test_answers_round_trip(tmp_path):
    path = tmp_path / "journal.toml"
    assert load_journal(path) == (load_journal(path)[0], [])
    assert record_morning(date(2025, 3, 12), MorningAnswer.SAME, WHEN, path) is None
    assert record_morning(date(2025, 3, 12), MorningAnswer.WORSE, WHEN + timedelta(hours=1), path) is None
    check = RedFlagCheck(WHEN, Trigger.LEG_SYMPTOMS, {**dict.fromkeys(RED_FLAG_IDS, False), "fever": True})
    assert record_red_flag_check(check, path) is None
    decision = Decision(WHEN, "front-plank", DecisionKind.ACCEPTED, Step.UP, 0, 30, 0, 35, "green three times")
    assert record_decision(decision, path) is None
    journal, problems = load_journal(path)
    assert problems == []
    assert journal.morning(date(2025, 3, 12)) is MorningAnswer.WORSE  # the later answer
    assert journal.mornings_by_day() == {date(2025, 3, 12): MorningAnswer.WORSE}
    assert journal.answered(date(2025, 3, 12)) and not journal.answered(date(2025, 3, 11))
    assert journal.last_red_flag_check == check and journal.last_red_flag_check.needs_clinician
    assert journal.decisions == (decision,) and journal.last_decision("front-plank") == decision
    assert record_seen_clinician(WHEN, WHEN + timedelta(days=3), path) is None
    assert not load_journal(path)[0].last_red_flag_check.needs_clinician
    assert record_seen_clinician(WHEN - timedelta(days=1), WHEN, path) == "no red-flag check was answered at that time"


def test_a_bad_entry_costs_only_itself_and_is_kept(tmp_path):
    path = tmp_path / "journal.toml"
    path.write_text('schema = 1\n[[morning]]\nday = 2025-03-12\nanswer = "meh"\nasked = 2025-03-13T08:00:00+01:00\n'
                    '[[morning]]\nday = 2025-03-11\nanswer = "same"\nasked = 2025-03-12T08:00:00+01:00\n'
                    '[[red_flags]]\nasked = 2025-03-12T08:00:00+01:00\n')
    journal, problems = load_journal(path)
    assert [p.field for p in problems] == ["morning[0]", "red_flags[0]"]
    assert "trigger is missing" in problems[1].message
    assert journal.mornings_by_day() == {date(2025, 3, 11): MorningAnswer.SAME}
    record_morning(date(2025, 3, 13), MorningAnswer.BETTER, WHEN + timedelta(days=1), path)
    assert 'answer = "meh"' in path.read_text()  # what it does not understand stays


def test_adding_an_entry_keeps_every_byte_that_was_there(tmp_path):
    path = tmp_path / "journal.toml"
    before = ('# my back journal\nschema = 1\n\n[[morning]]  # the first\nday = 2025-03-11\nanswer = "same"\n'
              'asked = 2025-03-12T08:00:00+01:00\nmood = "fine"')  # no newline at the end, a key of the person's
    path.write_text(before)
    assert record_morning(date(2025, 3, 12), MorningAnswer.BETTER, WHEN, path) is None
    after = path.read_text()
    assert after.startswith(before + "\n") and after.count("[[morning]]") == 2
    assert load_journal(path)[0].mornings_by_day() == {date(2025, 3, 11): MorningAnswer.SAME,
                                                       date(2025, 3, 12): MorningAnswer.BETTER}


def test_an_entry_that_cannot_be_appended_leaves_the_file_alone(tmp_path):
    path = tmp_path / "journal.toml"
    path.write_text('schema = 1\nmorning = [{ day = 2025-03-11, answer = "same", asked = 2025-03-12T08:00:00Z }]\n')
    before = path.read_bytes()
    error = record_morning(date(2025, 3, 12), MorningAnswer.BETTER, WHEN, path)
    assert "left as it is" in error and path.read_bytes() == before


def test_a_linked_journal_is_written_through_its_link_and_a_folder_never(tmp_path):
    target = tmp_path / "dotfiles" / "journal.toml"
    target.parent.mkdir()
    target.write_text("schema = 1\n")
    link = tmp_path / "journal.toml"
    link.symlink_to(target)
    assert record_morning(date(2025, 3, 12), MorningAnswer.SAME, WHEN, link) is None
    assert link.is_symlink() and target.read_text().startswith("schema = 1\n\n[[morning]]\n")
    folder = tmp_path / "folder"
    folder.mkdir()
    (tmp_path / "to-folder.toml").symlink_to(folder)
    for path in (folder, tmp_path / "to-folder.toml"):
        assert "a folder" in load_journal(path)[1][0].message
        assert "left as it is" in record_morning(date(2025, 3, 12), MorningAnswer.SAME, WHEN, path)
    assert list(folder.iterdir()) == []


def test_a_file_that_cannot_be_read_is_never_overwritten(tmp_path):
    path = tmp_path / "journal.toml"
    path.write_text("this is not = = toml")
    journal, problems = load_journal(path)
    assert journal.mornings == () and "not valid TOML" in problems[0].message
    error = record_morning(date(2025, 3, 12), MorningAnswer.SAME, WHEN, path)
    assert "left as it is" in error and path.read_text() == "this is not = = toml"
    path.write_text("schema = 7\n")
    assert "newer version" in load_journal(path)[1][0].message
    assert record_morning(date(2025, 3, 12), MorningAnswer.SAME, WHEN, path) is not None


# -- the questions the app asks ------------------------------------------------------------------

@pytest.fixture
def store(tmp_path):
    return RecordStore(tmp_path / "sessions", tmp_path / "cache" / "index.sqlite3", live_dir=tmp_path / "live")


def test_the_morning_question_is_about_yesterdays_sessions(store, tmp_path):
    path = tmp_path / "journal.toml"
    record = make_record(datetime(2025, 3, 12, 18, 0, tzinfo=CET), pain_before=4, pain_after=2)
    write_record(store.path_for(record), record)
    store.refresh()
    journal = load_journal(path)[0]
    assert morning_day_due(WHEN, store, journal) == date(2025, 3, 12)
    assert morning_day_due(WHEN + timedelta(days=1), store, journal) is None  # two days on: not "yesterday"
    assert morning_day_due(datetime(2025, 3, 13, 2, 0, tzinfo=CET), store, journal) is None  # still the night
    record_morning(date(2025, 3, 12), MorningAnswer.SKIPPED, WHEN, path)
    assert morning_day_due(WHEN, store, load_journal(path)[0]) is None
    assert previous_pain(store, date(2025, 3, 13)) == 2


def test_a_short_stopped_session_asks_nothing_the_next_morning(store, tmp_path):
    record = make_record(datetime(2025, 3, 12, 18, 0, tzinfo=CET), status="stopped", minutes=1)
    write_record(store.path_for(record), record)
    store.refresh()
    assert morning_day_due(WHEN, store, load_journal(tmp_path / "j.toml")[0]) is None


def test_time_zones_in_the_journal(tmp_path):
    path = tmp_path / "journal.toml"
    tokyo = timezone(timedelta(hours=9))
    record_morning(date(2025, 3, 12), MorningAnswer.BETTER, datetime(2025, 3, 13, 7, 0, tzinfo=tokyo), path)
    entry = load_journal(path)[0].mornings[0]
    assert entry.asked.utcoffset() == timedelta(hours=9) and entry.day == date(2025, 3, 12)
