"""Settings: per-move overrides, typed values, tight spots, and saving without losing anything valid."""

import tomllib

import pytest

from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.settings import (
    MoveOverride,
    Settings,
    backup_path,
    check_override,
    check_setting,
    load_settings,
    parse_assignments,
    parse_override,
    parse_setting,
    save_settings,
)


def test_with_move_values_keeps_other_fields_and_none_clears():
    settings = Settings().with_move_values("front-plank", hold=20, reps=3)
    settings = settings.with_move_values("front-plank", reps=None)
    assert settings.moves == {"front-plank": MoveOverride(hold=20)}
    assert settings.with_move_values("front-plank", hold=None).moves == {}


def test_reset_one_and_all():
    settings = Settings(moves={"a": MoveOverride(hold=5), "b": MoveOverride(reps=2)})
    assert set(settings.without_override("a").moves) == {"b"}
    assert settings.without_overrides().moves == {}


def test_tight_spots_marks():
    settings = Settings().with_tight_spot("hips", "tight").with_tight_spot("calves", "fine")
    assert settings.tight_spots == {"hips": "tight", "calves": "fine"}
    assert settings.with_tight_spot("hips", None).tight_spots == {"calves": "fine"}
    with pytest.raises(ValueError):
        settings.with_tight_spot("knees", "tight")
    with pytest.raises(ValueError):
        settings.with_tight_spot("hips", "sore")


@pytest.mark.parametrize(("name", "text", "value"), [
    ("hold", "20", 20), ("hold", " 20s ", 20), ("reps", "6", 6), ("sides", "Both", "both"), ("rest", "0", 0),
])
def test_parse_override_good(name, text, value):
    assert parse_override(name, text) == (value, None)


@pytest.mark.parametrize(("name", "text", "message"), [
    ("hold", "abc", "hold must be a whole number of seconds (got 'abc')"),
    ("hold", "0", "hold must be between 1 and 600 seconds (got 0)"),
    ("reps", "1000", "reps must be between 1 and 100 (got 1000)"),
    ("sides", "left", "sides must be one of: none, both, alternate (got 'left')"),
    ("tempo", "3", "tempo cannot be set (can set: hold, reps, sides, rest, rep_rest)"),
])
def test_parse_override_names_the_field(name, text, message):
    assert parse_override(name, text) == (None, message)


def test_parse_assignments_collects_each_problem():
    values, errors = parse_assignments(["hold=20", "rest=10", "reps=x", "sides"])
    assert values == {"hold": 20, "rest": 10}
    assert len(errors) == 2 and errors[0].startswith("reps must be")


def test_check_override_and_setting():
    assert check_override("hold", 20) is None
    assert "between 1 and 600" in check_override("hold", 601)
    assert check_setting("volume", 0.5) is None and check_setting("volume", 2) is not None
    assert check_setting("lead_in", 500) == "must be between 0 and 120 seconds (got 500)"
    assert parse_setting("default_rest", "20") == (20, None)
    assert parse_setting("lead_in", "soon") == (None, "lead in must be a whole number of seconds (got 'soon')")
    assert parse_setting("volume", "0.25") == (0.25, None)


def test_round_trip(tmp_path):
    path = tmp_path / "settings.toml"
    settings = Settings(lead_in=5, volume=0.3, theme="nord", pain_checkin=False,
                        moves={"front-plank": MoveOverride(hold=20, sides="none")},
                        tight_spots={"hips": "tight"})
    save_settings(settings, path)
    assert load_settings(path) == (settings, [])


def test_broken_fields_keep_the_valid_rest_and_saving_keeps_a_backup(tmp_path):
    path = tmp_path / "settings.toml"
    text = ('lead_in = "ten"\ndefault_rest = 20\nvolume = 7\nsound = false\n'
            '[moves.front-plank]\nhold = 0\nreps = 3\n[moves.cobra]\nhold = 45\n'
            '[tight_spots]\nhips = "tight"\nknees = "tight"\n')
    path.write_text(text)
    settings, problems = load_settings(path)
    fields = sorted(problem.field for problem in problems)
    assert fields == ["lead_in", "moves.front-plank.hold", "tight_spots.knees", "volume"]
    assert all(str(path) in str(problem) for problem in problems)
    assert settings.default_rest == 20 and settings.sound is False and settings.lead_in == 10
    assert settings.moves == {"front-plank": MoveOverride(reps=3), "cobra": MoveOverride(hold=45)}
    assert settings.tight_spots == {"hips": "tight"}

    save_settings(settings.with_move_values("cobra", hold=50), path)
    saved = tomllib.loads(path.read_text())
    assert saved["default_rest"] == 20 and saved["sound"] is False
    assert saved["moves"] == {"cobra": {"hold": 50}, "front-plank": {"reps": 3}}
    assert backup_path(path).read_text() == text  # the hand-edited original is not thrown away
    assert load_settings(path)[1] == []


def test_saving_a_clean_file_makes_no_backup(tmp_path):
    path = tmp_path / "settings.toml"
    save_settings(Settings(), path)
    save_settings(Settings(lead_in=3), path)
    assert not backup_path(path).exists()


def test_saving_where_the_folder_cannot_be_made_raises_oserror(tmp_path):
    # (A file where the folder should be: chmod does not stop root, which the tests may run as.)
    (tmp_path / "config").write_text("not a folder")
    with pytest.raises(OSError):
        save_settings(Settings(lead_in=4), tmp_path / "config" / "settings.toml")
    assert [p.name for p in tmp_path.iterdir()] == ["config"]


def test_overrides_apply_wherever_the_move_appears(library):
    settings = Settings(moves={"bird-dog": MoveOverride(reps=3)})
    for routine_id in ("activate", "desk-break", "full"):
        plan = plan_session(library.get(routine_id), settings)
        assert [move.reps for move in plan.moves if move.id == "bird-dog"] == [3]


def test_voice_settings_defaults_checks_and_round_trip(tmp_path):
    from backrelief_tui.core.settings import Verbosity

    defaults = Settings()
    assert (defaults.voice_coach, defaults.voice_name, defaults.voice_rate, defaults.voice_volume,
            defaults.voice_countdown) == (Verbosity.NAMES, "en", 160, 1.0, False)
    assert check_setting("voice_coach", "full") is None
    assert check_setting("voice_coach", "loud") == "must be one of: off, names, full"
    assert check_setting("voice_rate", 20) == "must be between 80 and 450 words a minute (got 20)"
    assert check_setting("voice_volume", 1.5) == "must be a number from 0.0 to 1.0"
    assert check_setting("voice_countdown", "yes") == "must be true or false"
    for good in ("en", "en-us", "en+f3", "mb/mb-en1"):
        assert check_setting("voice_name", good) is None
    for bad in ("", "-x", "en us", "../x", "a" * 41, 3):
        assert "espeak-ng voice name" in check_setting("voice_name", bad), bad
    assert parse_setting("voice_coach", " Full ") == (Verbosity.FULL, None)
    assert parse_setting("voice_rate", "180") == (180, None)
    assert parse_setting("voice_rate", "fast") == (
        None, "voice rate must be a whole number of words a minute (got 'fast')")
    assert parse_setting("voice_volume", "0.5") == (0.5, None)
    assert parse_setting("voice_name", "en-gb") == ("en-gb", None)

    path = tmp_path / "settings.toml"
    settings = Settings(voice_coach=Verbosity.FULL, voice_name="en-us", voice_rate=140, voice_volume=0.5,
                        voice_countdown=True)
    save_settings(settings, path)
    assert 'voice_coach = "full"' in path.read_text()
    loaded, problems = load_settings(path)
    assert (loaded, problems) == (settings, [])
    assert type(loaded.voice_coach) is Verbosity


def test_broken_voice_settings_fall_back_one_by_one(tmp_path):
    path = tmp_path / "settings.toml"
    path.write_text('voice_coach = "chatty"\nvoice_name = "--help"\nvoice_rate = 1000\nvoice_volume = 1\n')
    settings, problems = load_settings(path)
    assert sorted(problem.field for problem in problems) == ["voice_coach", "voice_name", "voice_rate"]
    assert settings.voice_volume == 1.0 and isinstance(settings.voice_volume, float)
    assert settings.voice_coach == "names" and settings.voice_name == "en" and settings.voice_rate == 160
