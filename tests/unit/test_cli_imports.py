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
