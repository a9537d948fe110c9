"""Players without a sound device: silent and bell players, error handling, finding the WAVs.

A fake simpleaudio module stands in for the device here; real playback is in
test_playback.py.
"""

from __future__ import annotations

import types
from pathlib import Path

import pytest

from backrelief_tui import audio
from backrelief_tui.audio import (
    BellPlayer,
    Cue,
    SilentPlayer,
    SimpleaudioPlayer,
    make_player,
    sound_dir,
    sound_test,
)
from backrelief_tui.core import paths

ROOT = Path(__file__).resolve().parents[2]


def test_cue_values_are_the_wav_stems() -> None:
    assert {cue.value for cue in Cue} == {p.stem for p in (ROOT / "sounds").glob("*.wav")}


def test_sound_dir_in_a_checkout_is_the_top_level_folder() -> None:
    assert sound_dir() == ROOT / "sounds"


def test_sound_dir_prefers_the_wheels_data(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "_data" / "sounds").mkdir(parents=True)
    monkeypatch.setattr(paths, "PACKAGE_DIR", tmp_path)
    assert sound_dir() == tmp_path / "_data" / "sounds"


def test_disabled_sound_is_silent() -> None:
    player = make_player(enabled=False, volume=0.4)
    assert isinstance(player, SilentPlayer)
    assert (player.backend, player.notice, player.volume, player.muted) == ("none", None, 0.4, False)
    assert not any(player.play(cue) for cue in Cue)
    assert player.wait() is True


def test_bell_player_never_plays() -> None:
    player = BellPlayer(volume=3, notice="why")
    assert (player.backend, player.notice, player.volume) == ("bell", "why", 1.0)
    assert player.play(Cue.GO) is False


def test_unreadable_sound_files_fall_back_to_the_bell(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(audio, "sound_dir", lambda: tmp_path)
    player = make_player(enabled=True, volume=0.5)
    assert player.backend == "bell"
    assert player.notice.startswith("The sound files could not be read (")
    assert player.notice.endswith("; using the terminal bell and a screen flash.")


class FakeDeviceError(Exception):
    pass


class FakePlay:
    def is_playing(self) -> bool:
        return False


def fake_simpleaudio(*errors: BaseException | None) -> types.SimpleNamespace:
    """A stand-in module whose play_buffer raises each of `errors` in turn (None: plays)."""
    calls = []
    pending = list(errors)

    def play_buffer(data, channels, width, rate):
        calls.append((len(data), channels, width, rate))
        error = pending.pop(0) if pending else None
        if error is not None:
            raise error
        return FakePlay()

    return types.SimpleNamespace(
        play_buffer=play_buffer, calls=calls,
        _simpleaudio=types.SimpleNamespace(SimpleaudioError=FakeDeviceError),
    )


def test_a_busy_device_skips_one_cue_but_keeps_the_device() -> None:
    busy = FakeDeviceError("Error opening PCM device. -- CODE: -16 -- MSG: Device or resource busy")
    sa = fake_simpleaudio(busy, None)
    player = SimpleaudioPlayer(simpleaudio=sa)
    assert player.play(Cue.GO) is False
    assert (player.backend, player.notice) == ("simpleaudio", None)
    assert player.play(Cue.GO) is True
    assert sa.calls[-1] == (len((ROOT / "sounds" / "go.wav").read_bytes()) - 44, 1, 2, 44_100)


@pytest.mark.parametrize("error, reason", [
    (FakeDeviceError("Error setting parameters. -- CODE: -22 -- MSG: Invalid argument"),
     "No audio device (Error setting parameters: Invalid argument)"),
    (OSError(5, "Input/output error"), "No audio device ([Errno 5] Input/output error)"),
    (RuntimeError("surprise"), "Sound playback failed (RuntimeError: surprise)"),
])
def test_device_errors_switch_to_the_bell_for_good(error: BaseException, reason: str) -> None:
    sa = fake_simpleaudio(error)
    player = SimpleaudioPlayer(simpleaudio=sa, volume=0.5)
    assert player.play(Cue.TICK) is False
    assert player.backend == "bell"
    assert player.notice == f"{reason}; using the terminal bell and a screen flash."
    assert player.play(Cue.TICK) is False
    assert len(sa.calls) == 1


def test_scaled_buffers_are_cached_per_volume() -> None:
    sa = fake_simpleaudio()
    player = SimpleaudioPlayer(simpleaudio=sa, volume=0.5)
    first = player._buffer(Cue.GO)
    assert player._buffer(Cue.GO) is first
    player.volume = 0.5
    assert player._buffer(Cue.GO) is first
    player.volume = 0.7
    assert player._buffer(Cue.GO) is not first
    player.volume = -1
    assert player.volume == 0.0 and set(player._buffer(Cue.GO)) == {0}


def test_sound_test_with_sound_off() -> None:
    lines: list[str] = []
    assert sound_test(lines.append, wait=False, player=SilentPlayer()) == 1
    assert [line.split() for line in lines[:-1]] == [[cue.value, "silent"] for cue in Cue]
    assert lines[-1] == "Sound backend: none (sound is turned off)."


def test_sound_test_with_the_bell() -> None:
    lines: list[str] = []
    notice = "simpleaudio is not installed; using the terminal bell and a screen flash."
    assert sound_test(lines.append, wait=False, player=BellPlayer(notice=notice)) == 1
    assert lines[-1] == f"Sound backend: bell. {notice}"
