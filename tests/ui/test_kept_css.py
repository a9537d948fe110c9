"""Textual's parsed CSS kept between starts (tui/kept_css.py): the same rules as a parse, never a wrong one."""

import pickle

import pytest
import textual.css.stylesheet as textual_stylesheet
from textual.css.stylesheet import StylesheetParseError

from backrelief_tui.core import kept
from backrelief_tui.tui import kept_css
from backrelief_tui.tui.app import build_app
from backrelief_tui.tui.kept_css import KeptStylesheet, keep_parsed_css
from tests.spies import counted

CSS = """
Label { color: $accent; padding: 1 2; }
#panel > .row:hover { background: $panel 50%; text-style: bold; }
"""
WHERE = ("widgets.py", "Panel.DEFAULT_CSS")
DARK = {"accent": "#ff0000", "panel": "#202020"}
LIGHT = {"accent": "#0000ff", "panel": "#e0e0e0"}


@pytest.fixture
def parses(monkeypatch):
    """How many sources Textual really parsed."""
    return counted(monkeypatch, textual_stylesheet, "parse")


def rules_of(sheet: KeptStylesheet) -> list[tuple]:
    """Everything a rule is applied by: its CSS, specificity, rank and the names it is looked up by."""
    return [(rule.css, [selectors.specificity for selectors in rule.selector_set], rule.is_default_rules,
             rule.tie_breaker, rule.selector_names, rule.pseudo_classes) for rule in sheet.rules]


def sheet_with(path, variables=DARK, css=CSS) -> KeptStylesheet:
    sheet = KeptStylesheet(str(path), variables=variables)
    sheet.add_source(css, read_from=WHERE, is_default_css=True, tie_breaker=3, scope="Panel")
    return sheet


def kept_after_parsing(path, variables=DARK) -> list[tuple]:
    """A start that parses (or takes) the rules and keeps them; its rules."""
    sheet = sheet_with(path, variables)
    rules = rules_of(sheet)
    sheet.keep()
    return rules


def test_the_next_start_takes_the_same_rules_without_parsing(tmp_path, parses):
    first = sheet_with(tmp_path / "css")
    parsed = rules_of(first)
    first.keep()
    assert parses[0] == 1

    second = sheet_with(tmp_path / "css")
    assert rules_of(second) == parsed
    assert parses[0] == 1
    assert "#FF0000" in parsed[0][0]  # the theme's colour, as parsed


def test_another_theme_is_parsed_and_keeps_its_own_rules(tmp_path, parses):
    kept_after_parsing(tmp_path / "css")
    light = sheet_with(tmp_path / "css", LIGHT)
    assert "#0000FF" in rules_of(light)[0][0]
    assert parses[0] == 2
    light.keep()  # the dark theme's entries go: one theme is kept at a time
    assert "#0000FF" in rules_of(sheet_with(tmp_path / "css", LIGHT))[0][0]
    assert parses[0] == 2


def test_changed_variables_in_a_running_app_are_a_miss(tmp_path, parses):
    kept_after_parsing(tmp_path / "css")
    sheet = sheet_with(tmp_path / "css")
    sheet.set_variables(LIGHT)
    assert "#0000FF" in rules_of(sheet)[0][0]
    assert parses[0] == 2


@pytest.mark.parametrize("damage", ["garbage", "truncated", "entry", "foreign"])
def test_a_damaged_kept_file_is_a_miss(tmp_path, parses, damage):
    path = tmp_path / "css"
    expected = kept_after_parsing(path)
    parses[0] = 0
    if damage == "garbage":
        path.write_bytes(b"\x00\xff" * 100)
    elif damage == "truncated":
        path.write_bytes(path.read_bytes()[:-40])
    else:
        found = kept.unpickled(str(path), kept_css.MAGIC, kept_css._file_key(), dict)
        assert found
        for key in found:
            found[key] = b"not a pickle" if damage == "entry" else pickle.dumps({"not": "rules"})
        kept.keep_pickled(str(path), kept_css.MAGIC, kept_css._file_key(), found)
    assert rules_of(sheet_with(path)) == expected
    assert parses[0] == 1


def test_css_with_errors_is_never_kept(tmp_path, parses):
    for _ in range(2):
        sheet = sheet_with(tmp_path / "css", css="Label { colour: red; }")
        with pytest.raises(StylesheetParseError):
            sheet.parse()
        sheet.keep()
    assert parses[0] == 2
    assert not (tmp_path / "css").exists()


def test_nothing_new_is_not_written_again(tmp_path):
    kept_after_parsing(tmp_path / "css")
    before = (tmp_path / "css").stat().st_mtime_ns, (tmp_path / "css").stat().st_ino
    kept_after_parsing(tmp_path / "css")
    assert ((tmp_path / "css").stat().st_mtime_ns, (tmp_path / "css").stat().st_ino) == before


async def test_the_picker_drawn_from_kept_rules_is_the_one_drawn_from_parsed_rules(tmp_path, parses):
    screens = []
    for _ in range(2):
        app = build_app()
        stylesheet = keep_parsed_css(app, str(tmp_path / "css"))
        async with app.run_test(size=(100, 30)) as pilot:
            await pilot.pause()
            screens.append(app.export_screenshot())
        stylesheet.keep()
        if len(screens) == 1:
            parsed, parses[0] = parses[0], 0
    assert parsed > 10  # the app's and Textual's widgets
    assert parses[0] == 0
    assert screens[0] == screens[1]
