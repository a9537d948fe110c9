"""The settings this issue adds: the traffic light's thresholds and the levels of moves with progressions."""

import pytest

from backrelief_tui.core.pain import PainLimits
from backrelief_tui.core.settings import Settings, load_settings, parse_setting, save_settings


def test_defaults_and_a_round_trip(tmp_path):
    settings = Settings()
    assert (settings.pain_limit, settings.pain_low, settings.pain_morning_rule, settings.levels) == (5, 2, True, {})
    assert PainLimits.from_settings(settings) == PainLimits()
    path = tmp_path / "settings.toml"
    changed = Settings(pain_limit=4, pain_low=1, pain_morning_rule=False).with_level("front-plank", 1)
    save_settings(changed, path)
    loaded, problems = load_settings(path)
    assert problems == [] and loaded == changed
    assert "[levels]\nfront-plank = 1" in path.read_text()


def test_levels_are_checked_one_by_one(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('pain_limit = 11\npain_morning_rule = "yes"\n[levels]\nfront-plank = 1\nside-plank = -1\n'
                    'pelvic-tilt = 0\nbird-dog = "two"\n')
    settings, problems = load_settings(path)
    assert settings.levels == {"front-plank": 1} and settings.pain_limit == 5 and settings.pain_morning_rule
    assert [problem.field for problem in problems] == ["pain_limit", "pain_morning_rule", "levels.side-plank",
                                                       "levels.bird-dog"]
    assert "between 0 and 10 points of 10" in str(problems[0])
    path.write_text("levels = 3\n")
    assert load_settings(path)[1][0].message == "must be a table such as { front-plank = 1 }"


def test_with_level():
    settings = Settings().with_level("side-plank", 2)
    assert settings.level_for("side-plank") == 2 and settings.level_for("front-plank") == 0
    assert settings.with_level("side-plank", 0).levels == {}
    with pytest.raises(ValueError, match="levels.side-plank"):
        settings.with_level("side-plank", 99)


def test_typed_thresholds():
    assert parse_setting("pain_limit", "4") == (4, None)
    assert parse_setting("pain_limit", "4/10") == (4, None)
    assert parse_setting("pain_low", "eleven")[1] == "pain low must be a whole number from 0 to 10 (got 'eleven')"
    assert parse_setting("pain_limit", "12")[1].startswith("pain limit must be between 0 and 10")
    assert parse_setting("pain_morning_rule", "off") == (False, None)
    assert parse_setting("pain_morning_rule", "maybe")[1].startswith("pain morning rule must be on or off")
