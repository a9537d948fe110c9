"""The player's queue: speech waits behind whatever plays, cues wait behind speech, late sounds are dropped.

A fake simpleaudio stands in for the device: each play lasts until the test ends it, and
the queue's clock is a FakeClock, so "late" never depends on how fast this machine is.
Real playback of speech through ALSA is in test_voice_session.py.
"""

from __future__ import annotations

import sys
import threading
import types
from array import array

import pytest

from backrelief_tui.audio import MAX_LATE, BellPlayer, Cue, SilentPlayer, SimpleaudioPlayer
from tests.fakes import FakeClock


class FakeDeviceError(Exception):
    pass


class FakePlay:
    def __init__(self, playing: bool) -> None:
        self.playing = playing

    def is_playing(self) -> bool:
        return self.playing


class FakeDevice:
    """play_buffer records (frames, rate); a play lasts until `finish()` unless `instant`."""

    def __init__(self, *, instant: bool = False) -> None:
        self.instant = instant
        self.played: list[tuple[bytes, int]] = []
        self.plays: list[FakePlay] = []
        self.errors: list[BaseException] = []
        self.count_reached = threading.Condition()
        self.module = types.SimpleNamespace(
            play_buffer=self.play_buffer, _simpleaudio=types.SimpleNamespace(SimpleaudioError=FakeDeviceError))

    def play_buffer(self, data: bytes, channels: int, width: int, rate: int) -> FakePlay:
        if self.errors:
            raise self.errors.pop(0)
        self.played.append((bytes(data), rate))
        play = FakePlay(not self.instant)
        self.plays.append(play)
        with self.count_reached:
            self.count_reached.notify_all()
        return play

    def wait_for_plays(self, count: int) -> bool:
        """Wait (at most 5 s) until the queue's thread has started `count` sounds."""
        with self.count_reached:
            return self.count_reached.wait_for(lambda: len(self.played) >= count, timeout=5)

    def finish(self) -> None:
        for play in self.plays:
            play.playing = False


def pcm(*samples: int) -> bytes:
    data = array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    return data.tobytes()


SPEECH = pcm(*([1000, -1000] * 50))


def make(device: FakeDevice, clock: FakeClock | None = None, volume: float = 1.0) -> SimpleaudioPlayer:
    return SimpleaudioPlayer(volume=volume, simpleaudio=device.module, clock=clock or FakeClock())


def test_a_phrase_for_the_same_instant_waits_for_the_cue() -> None:
    device = FakeDevice()
    player = make(device)
    assert player.play(Cue.GO) is True  # straight to the device, as always
    assert player.say(SPEECH, 44_100) is True
    assert len(device.played) == 1, "the phrase must not start while the cue plays"
    assert player.wait(timeout=0.05) is False
    device.instant = True
    device.finish()
    assert player.wait(timeout=5)
    assert [frames == SPEECH for frames, _ in device.played] == [False, True]


def test_a_cue_during_speech_is_queued_behind_it_in_order() -> None:
    device = FakeDevice()
    player = make(device)
    assert player.say(SPEECH, 44_100)
    assert device.wait_for_plays(1)  # the phrase is playing
    assert player.play(Cue.TICK) is True  # queued: it would overlap the speech
    assert player.say(pcm(5, 5), 44_100)
    assert len(device.played) == 1
    device.instant = True
    device.finish()
    assert player.wait(timeout=5)
    tick = player._buffer(Cue.TICK)
    assert [frames for frames, _ in device.played] == [SPEECH, tick, pcm(5, 5)]
    assert player.dropped == 0


def test_cues_alone_still_start_at_once() -> None:
    device = FakeDevice()
    player = make(device)
    assert player.play(Cue.TICK) and player.play(Cue.TICK)  # cues never waited for cues
    assert len(device.played) == 2


def test_a_sound_that_would_start_more_than_a_second_late_is_dropped() -> None:
    device = FakeDevice()
    clock = FakeClock()
    player = make(device, clock)
    assert player.say(SPEECH, 44_100)
    assert device.wait_for_plays(1)  # the phrase is playing
    assert player.say(pcm(1, 2), 44_100)  # in time when the first ends...
    assert player.play(Cue.GO)  # ...and so is this cue, behind it
    clock.advance(MAX_LATE + 0.01)  # the first phrase ran long
    device.instant = True
    device.finish()
    assert player.wait(timeout=5)
    assert player.dropped == 2
    assert len(device.played) == 1
    # Just in time still plays.
    assert player.say(SPEECH, 44_100)
    assert player.wait(timeout=5)
    assert len(device.played) == 2


@pytest.mark.parametrize("extra, plays", [(MAX_LATE - 0.01, True), (MAX_LATE + 0.01, False)])
def test_a_phrase_asked_for_with_its_cue_is_late_only_from_the_cues_end(extra: float, plays: bool) -> None:
    device = FakeDevice()
    clock = FakeClock()
    player = make(device, clock)
    assert player.play(Cue.SESSION_DONE)  # over a second long: the phrase behind it is not late for that
    assert player.say(SPEECH, 44_100)
    clock.advance(len(player._buffer(Cue.SESSION_DONE)) / 2 / 44_100 + extra)
    device.instant = True
    device.finish()
    assert player.wait(timeout=5)
    assert len(device.played) == (2 if plays else 1) and player.dropped == (0 if plays else 1)


def test_a_sound_asked_for_later_is_a_new_moment() -> None:
    device = FakeDevice()
    clock = FakeClock()
    player = make(device, clock)
    assert player.play(Cue.SESSION_DONE)
    clock.advance(0.1)  # not the same instant: its lateness counts from now
    assert player.say(SPEECH, 44_100)
    clock.advance(MAX_LATE + 0.01)
    device.instant = True
    device.finish()
    assert player.wait(timeout=5)
    assert player.dropped == 1


def test_speech_follows_the_volume_in_force_times_its_gain() -> None:
    device = FakeDevice(instant=True)
    player = make(device, volume=0.5)
    assert player.say(pcm(1000, -1000, 32767), 44_100, gain=0.5)
    assert player.wait(timeout=5)
    assert device.played == [(pcm(250, -250, 8192), 44_100)]
    player.volume = 1.0
    assert player.say(pcm(1000), 22_050)
    assert player.wait(timeout=5)
    assert device.played[-1] == (pcm(1000), 22_050)


def test_muted_speech_is_not_queued_and_muting_drops_what_waits() -> None:
    device = FakeDevice()
    player = make(device)
    player.muted = True
    assert player.say(SPEECH, 44_100) is False
    player.muted = False
    assert player.play(Cue.GO)  # holds the device, so the phrases below wait in the queue
    assert player.say(SPEECH, 44_100) and player.say(pcm(7), 44_100)
    player.muted = True
    device.instant = True
    device.finish()
    assert player.wait(timeout=5)
    assert [frames for frames, _ in device.played] == [player._buffer(Cue.GO)]


def test_empty_speech_is_not_played() -> None:
    assert make(FakeDevice()).say(b"", 44_100) is False


def test_a_device_error_while_speaking_turns_the_player_into_the_bell() -> None:
    device = FakeDevice(instant=True)
    device.errors.append(FakeDeviceError("Error opening PCM device. -- CODE: -2 -- MSG: No such file or directory"))
    player = make(device)
    assert player.say(SPEECH, 44_100) is True  # accepted; the device fails in the background
    assert player.wait(timeout=5)
    assert player.backend == "bell"
    assert player.notice == ("No audio device (Error opening PCM device: No such file or directory); "
                             "using the terminal bell and a screen flash.")
    assert player.say(SPEECH, 44_100) is False and player.play(Cue.GO) is False


@pytest.mark.parametrize("player", [SilentPlayer(), BellPlayer(notice="why")], ids=["silent", "bell"])
def test_players_without_a_device_say_nothing(player) -> None:
    assert player.say(SPEECH, 44_100) is False
    assert player.wait() is True
