"""The core never imports Textual: it must stay testable and usable without a terminal."""

import ast
import subprocess
import sys
from pathlib import Path

CORE = Path(__file__).parents[2] / "backrelief_tui" / "core"


def test_core_modules_do_not_import_textual():
    for path in CORE.glob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert not name.startswith(("textual", "rich")), f"{path.name} imports {name}"


def test_importing_the_core_and_cli_loads_no_textual():
    code = ("import sys, backrelief_tui.commands.parser, backrelief_tui.commands.routines,"
            "backrelief_tui.commands.customize, backrelief_tui.commands.history;"
            "import pkgutil, importlib, backrelief_tui.core as c;"
            "[importlib.import_module('backrelief_tui.core.' + m.name) for m in pkgutil.iter_modules(c.__path__)];"
            "print('textual' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
