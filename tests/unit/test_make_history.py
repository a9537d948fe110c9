"""tools/make_history.py: a realistic history the commands can read (a short one, without fsync waits)."""

import importlib.util
import os
from argparse import Namespace
from datetime import date
from pathlib import Path

import pytest

from backrelief_tui.commands.history import cmd_report
from backrelief_tui.core.journal import load_journal
from backrelief_tui.core.redflags import Trigger
from backrelief_tui.core.store import RecordStore

TOOL = Path(__file__).parents[2] / "tools" / "make_history.py"


@pytest.fixture
def make_history():
    spec = importlib.util.spec_from_file_location("make_history", TOOL)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_three_week_person(make_history, tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(os, "fsync", lambda fd: None)  # the records are written as the app writes them, minus the wait
    make_history.make(tmp_path, weeks=3, seed=3, today=date(2025, 3, 13))
    monkeypatch.setenv("BACKRELIEF_HOME", str(tmp_path))
    entries = RecordStore().summaries()
    assert 9 <= len(entries) <= 18 and {e.routine for e in entries} <= {"desk", "desk-break", "activate"}
    assert all(e.day < date(2025, 3, 13) for e in entries)
    assert any(e.status == "stopped" for e in entries)
    journal, problems = load_journal()
    assert problems == [] and journal.red_flags[0].trigger is Trigger.FIRST_RUN and journal.mornings
    capsys.readouterr()
    assert cmd_report(Namespace(weeks=3, output=None), today=date(2025, 3, 13)) == 0
    report = capsys.readouterr().out
    assert "## Sessions and traffic lights" in report and "first run: no to all 8" in report
    with pytest.raises(SystemExit, match="already holds sessions"):
        make_history.make(tmp_path, weeks=3, seed=3, today=date(2025, 3, 13))
