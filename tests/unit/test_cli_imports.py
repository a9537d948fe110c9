"""`backrelief --help` pays only for the parser: it must not load the models its help text names."""

import subprocess
import sys

from backrelief_tui.core import builder, choices, routine, settings


def test_building_the_parser_loads_none_of_the_models():
    code = ("import sys; from backrelief_tui.commands.parser import build_parser; build_parser();"
            "print(' '.join(sorted(m for m in sys.modules if m.startswith('backrelief_tui'))))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["backrelief_tui", "backrelief_tui.commands", "backrelief_tui.commands.parser",
                                     "backrelief_tui.core", "backrelief_tui.core.choices"]


def test_the_models_use_the_one_copy_of_the_choices():
    assert routine.TARGETS is choices.TARGETS and routine.EQUIPMENT is choices.EQUIPMENT
    assert settings.OVERRIDE_FIELDS is choices.OVERRIDE_FIELDS
    assert (builder.MIN_MINUTES, builder.MAX_MINUTES) == (choices.MIN_MINUTES, choices.MAX_MINUTES)


def _choices(parser):
    [action] = [a for a in parser._actions if a.dest == "command"]  # argparse's subparsers action
    return action.choices


def test_a_parser_for_one_command_reads_it_as_the_whole_one_does():
    from backrelief_tui.commands.parser import build_parser

    whole = build_parser()
    samples = {"history": ["--json", "--since", "2025-03-01"], "report": ["--weeks", "3", "-o", "x.md"],
               "set": ["cobra", "hold=30", "--tight", "hips"], "build": ["--minutes", "7", "--no-floor"],
               "validate": ["a.toml", "b.toml"], "due": ["--format", "tmux"], "snooze": ["1h"], "show": ["desk"],
               "skip": ["today"], "remind": ["status"], "pain": ["last", "before=6"], "delete": ["last"],
               "restore": ["x.toml"], "morning": ["better"]}
    for name, sub in _choices(whole).items():
        one = build_parser(name)
        assert list(_choices(one)) == [name]
        argv = [name, *samples.get(name, [])]
        assert one.parse_args(argv) == whole.parse_args(argv), name
        assert _choices(one)[name].format_help() == sub.format_help(), name
    assert list(_choices(build_parser("histori"))) == list(_choices(whole))  # not ours: all of them, to say so
