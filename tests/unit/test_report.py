"""The physiotherapist's report: rendered by a real Markdown parser, its tables valid, its sections exact."""

from dataclasses import replace
from datetime import date, datetime, timedelta

from markdown_it import MarkdownIt

from backrelief_tui.core.journal import Decision, DecisionKind, Journal, MorningEntry, Step
from backrelief_tui.core.pain import MorningAnswer
from backrelief_tui.core.progression import suggest
from backrelief_tui.core.redflags import RED_FLAG_IDS, RedFlagCheck, Trigger
from backrelief_tui.core.report import ReportContext, build_report, report_period
from backrelief_tui.core.settings import Settings
from tests.record_factory import CET, make_record
from tests.unit.test_progression import session

TODAY = date(2025, 3, 13)  # a Thursday


def tables(text):
    """Every table the parser found: a list of rows, each a list of cell texts (header row first)."""
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    found, rows, row = [], None, None
    for token in tokens:
        if token.type == "table_open":
            rows = []
        elif token.type == "table_close":
            found.append(rows)
            rows = None
        elif token.type == "tr_open":
            row = []
        elif token.type == "tr_close":
            rows.append(row)
            row = None
        elif token.type == "inline" and row is not None:
            row.append(token.content)
    return found


def check_tables(text):
    """Every table in the text parses as one, and every row has as many cells as its header."""
    found = tables(text)
    headers = [line for line in text.splitlines() if line.startswith("|---")]
    assert len(found) == len(headers)
    for rows in found:
        assert all(len(row) == len(rows[0]) for row in rows), rows
    return found


def rich_history(library):
    records = [session(library, n, after, before=before, hold=30)
               for n, (before, after) in enumerate([(6, 4), (6, 3), (7, 8), (5, 2), (4, 1), (4, 2), (3, 1)])]
    records[1] = replace(records[1], note="Tight | stiff\nafter the train")
    records.append(replace(make_record(START_STOPPED, record_id="stop", status="stopped", minutes=1.5),
                           routine_title="Desk | break"))
    return records


START_STOPPED = datetime(2025, 3, 12, 11, 0, tzinfo=CET)


def context(library, records):
    mornings = (MorningEntry(date(2025, 3, 5), MorningAnswer.WORSE, datetime(2025, 3, 6, 8, tzinfo=CET)),
                MorningEntry(date(2025, 3, 6), MorningAnswer.BETTER, datetime(2025, 3, 7, 8, tzinfo=CET)))
    checks = (RedFlagCheck(datetime(2025, 2, 20, 9, tzinfo=CET), Trigger.FIRST_RUN, dict.fromkeys(RED_FLAG_IDS, False)),
              RedFlagCheck(datetime(2025, 3, 5, 17, tzinfo=CET), Trigger.PAIN_JUMP,
                           {**dict.fromkeys(RED_FLAG_IDS, False), "night-pain": True}, seen_clinician=True))
    decisions = (Decision(datetime(2025, 3, 8, 17, tzinfo=CET), "front-plank", DecisionKind.ACCEPTED, Step.UP,
                          0, 30, 0, 35, "green"),)
    journal = Journal(mornings, checks, decisions)
    settings = Settings().with_move_values("front-plank", hold=35).with_level("side-plank", 1)
    progress = suggest(library.moves, settings, records, journal)
    return ReportContext(journal=journal, moves=library.moves, settings=settings, progress=progress)


def test_the_report_renders_as_markdown_with_valid_tables(library):
    records = rich_history(library)
    text = build_report(records, TODAY, weeks=2, context=context(library, records))
    found = check_tables(text)
    assert len(found) == 3  # weeks, sessions, moves
    weeks, sessions, moves = found
    assert weeks[0][0] == "Week" and len(weeks) == 1 + 3  # 2 whole weeks and this one so far
    assert sessions[-1][1] == "Desk | break" and sessions[-1][3] == "no"  # escaped pipe, one cell; not counted
    html = MarkdownIt("commonmark").enable("table").render(text)
    assert "<h1>Low-back care: exercise log</h1>" in html and html.count("<table>") == 3
    assert "Tight | stiff after the train" in text  # the note stays one list item


def test_the_report_says_what_a_physiotherapist_asks(library):
    records = rich_history(library)
    text = build_report(records, TODAY, weeks=2, context=context(library, records))
    assert "Period: Mon 24 Feb 2025 to Thu 13 Mar 2025: 2 whole weeks and this week so far (4 days), 18 days" in text
    assert ("- Weekly goal: 5 sessions a week. Met in 1 of 2 whole weeks; this week 0 of 5 so far (4 days); "
            "goal met 1 week in a row (best 1 week).") in text
    assert "Sessions that count: 7 (7 completed, 0 stopped after 3 minutes or more); 1 more session stopped " \
           "early, not counted." in text
    assert "| Wed 05 Mar 18:00 | Desk break | completed | yes | 7 | 8 | worse | ○ red |" in text
    assert "| Thu 06 Mar 18:00 | Desk break | completed | yes | 5 | 2 | better | ● green |" in text
    assert "Front forearm plank | 7 of 7 |" in text and "In red sessions: Front forearm plank (1)" in text
    assert "- Accepted in this period: Sat 08 Mar: Front forearm plank: a step up, hold 30 s → 35 s (accepted)." in text
    assert "Side forearm plank: level 1 of 4: Bottom knee down, top leg straight." in text
    assert "- Thu 20 Feb 2025, first run: no to all 8 (before this period)." in text
    assert ("- Wed 05 Mar 2025, pain rose by 3 or more points between sessions: yes to night pain that rest does not "
            "ease — advised to see a clinician before continuing; has seen a clinician since.") in text
    assert "Next mornings, compared with before the session day: better 1, same 0, worse 1" in text
    assert "- Tue 04 Mar: Tight | stiff after the train" in text


def test_averages_use_the_days_that_exist():
    """A history that began two days ago is not averaged over four weeks, nor a week one day old as a whole one."""
    records = [make_record(datetime(2025, 3, 12, 9, tzinfo=CET), record_id="a", minutes=10),
               make_record(datetime(2025, 3, 13, 9, tzinfo=CET), record_id="b", minutes=4)]
    text = build_report(records, TODAY, weeks=4)
    assert "14 minutes in all; 49 minutes a week on average (over 2 days, the days since the first session on " \
           "Wed 12 Mar)" in text
    text = build_report(records, TODAY, weeks=4, context=ReportContext(first_day=date(2025, 1, 1)))
    assert "14 minutes in all; 3 minutes a week on average (over 32 days)." in text


def test_the_period_on_every_day_of_the_week():
    for offset in range(7):
        today = date(2025, 3, 10) + timedelta(days=offset)
        period = report_period(today, 4)
        assert period.first.weekday() == 0 and period.last == today
        assert period.whole_weeks == 4 and period.partial_days == (offset + 1) % 7
        assert len(period.mondays) == 4 + (offset != 6)


def test_an_empty_period_still_lists_the_red_flag_answers():
    journal = Journal(red_flags=(RedFlagCheck(datetime(2025, 3, 1, 9, tzinfo=CET), Trigger.FIRST_RUN,
                                              dict.fromkeys(RED_FLAG_IDS, False)),))
    text = build_report([], TODAY, weeks=1, context=ReportContext(journal=journal))
    assert "No sessions were recorded in this period." in text and "first run: no to all 8" in text
    check_tables(text)
