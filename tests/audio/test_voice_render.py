"""Rendering phrases with espeak-ng: the command, the cache, the background thread, failures.

Most tests run a stand-in `espeak-ng` (a small script) so that they can count its runs,
hold it mid-render, or make it fail; the last ones use the real program when it is
installed (CI installs it).
"""

from __future__ import annotations

import json
import math
import os
import shutil
import sys
import wave
from array import array
from pathlib import Path

import pytest

from backrelief_tui import voice as voice_module
from backrelief_tui.audio import MAX_LATE
from backrelief_tui.core.engine import Engine
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.routine import Kind, Move, Position, Routine, Sides
from backrelief_tui.core.settings import Settings, Verbosity
from backrelief_tui.voice import RATE, SpokenCoach, Voice, _to_rate, session_phrases
from tests.fakes import FakeClock

REAL_ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(REAL_ESPEAK is None, reason="espeak-ng is not installed (CI installs it)")

FAKE_ESPEAK = '''#!{python}
import json, os, sys, wave
args = sys.argv[1:]
if args == ["--version"]:
    print(os.environ.get("FAKE_ESPEAK_VERSION", "eSpeak NG text-to-speech: 9.9  Data at: /nowhere"))
    sys.exit(0)
text = sys.stdin.read()
with open(os.environ["FAKE_ESPEAK_LOG"], "a") as log:
    log.write(json.dumps({{"args": args, "text": text}}) + "\\n")
gate = os.environ.get("FAKE_ESPEAK_GATE")
if gate:
    with open(gate) as fifo:  # blocks until the test opens the other end
        fifo.read()
if os.environ.get("FAKE_ESPEAK_FAIL"):
    sys.stderr.write("Error: boom\\n")
    sys.exit(1)
with wave.open(args[args.index("-w") + 1], "wb") as out:
    out.setnchannels(1)
    out.setsampwidth(2)
    out.setframerate(22050)
    out.writeframes(b"\\x10\\x00" * (100 * len(text)))
'''


class FakeEspeak:
    def __init__(self, folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        self.program = folder / "espeak-ng"
        self.program.write_text(FAKE_ESPEAK.format(python=sys.executable))
        self.program.chmod(0o755)
        self.log = folder / "runs.jsonl"
        self.monkeypatch = monkeypatch
        monkeypatch.setenv("FAKE_ESPEAK_LOG", str(self.log))

    def runs(self) -> list[dict]:
        return [json.loads(line) for line in self.log.read_text().splitlines()] if self.log.exists() else []

    def gate(self) -> Path:
        """Hold each render until `release()` (a FIFO: no sleeping on either side)."""
        fifo = self.program.parent / "gate"
        os.mkfifo(fifo)
        self.monkeypatch.setenv("FAKE_ESPEAK_GATE", str(fifo))
        return fifo


@pytest.fixture
def fake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeEspeak:
    return FakeEspeak(tmp_path / "bin", monkeypatch)


def release(gate: Path) -> None:
    with open(gate, "w") as fifo:
        fifo.write("go")


def test_the_command_takes_the_text_on_stdin_never_as_an_argument(fake: FakeEspeak, tmp_path: Path) -> None:
    voice = Voice(name="en-us", rate=170, cache=tmp_path / "cache", program=str(fake.program))
    speech = voice.say_now("--help -w /etc/passwd")
    assert speech is not None and speech.rate == RATE
    [run] = fake.runs()
    assert run["text"] == "--help -w /etc/passwd"
    out = run["args"][run["args"].index("-w") + 1]
    assert run["args"] == ["-v", "en-us", "-s", "170", "-a", "100", "-z", "-w", out, "--stdin"]
    assert Path(out).parent == tmp_path / "cache" and not Path(out).exists(), "the raw render is cleaned up"
    # 22,050 Hz from espeak-ng, 44,100 Hz in the cache: twice the samples.
    assert len(speech.frames) == 2 * 2 * 100 * len(run["text"])


def test_prepare_returns_at_once_and_the_phrase_is_skipped_until_rendered(fake: FakeEspeak, tmp_path: Path) -> None:
    gate = fake.gate()
    voice = Voice(cache=tmp_path / "cache", program=str(fake.program))
    voice.prepare(["Next: Bird dog, left side."])  # the render is held at the gate: prepare did not wait
    assert voice.speech("Next: Bird dog, left side.") is None
    release(gate)
    assert voice.wait_ready(timeout=20)
    assert voice.speech("Next: Bird dog, left side.") is not None
    assert voice.renders == 1


def test_a_lazy_phrase_list_is_walked_by_the_voices_thread(fake: FakeEspeak, tmp_path: Path) -> None:
    import threading

    walked_in: list[str] = []

    def phrases():
        walked_in.append(threading.current_thread().name)
        yield from ["Go.", "Rest.", "Go."]

    voice = Voice(cache=tmp_path / "cache", program=str(fake.program))
    voice.prepare(phrases())
    assert voice.wait_ready(timeout=20)
    assert walked_in == ["backrelief-voice"]
    assert [run["text"] for run in fake.runs()] == ["Go.", "Rest."]


def test_the_cache_is_keyed_by_text_voice_rate_and_espeak_version(
        fake: FakeEspeak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = tmp_path / "cache"
    phrases = ["Go.", "Switch sides.", "Go."]

    def render(**options) -> Voice:
        voice = Voice(cache=cache, program=str(fake.program), **options)
        voice.prepare(phrases)
        assert voice.wait_ready(timeout=20)
        return voice

    assert render().renders == 2  # each phrase once
    again = render()
    assert again.renders == 0 and again.speech("Switch sides.") is not None  # the cache, not espeak-ng
    assert render(rate=200).renders == 2
    assert render(name="en-us").renders == 2
    monkeypatch.setenv("FAKE_ESPEAK_VERSION", "eSpeak NG text-to-speech: 10.0  Data at: /nowhere")
    assert render().renders == 2  # a new espeak-ng renders afresh
    assert sorted(path.suffix for path in cache.iterdir()) == [".wav"] * 8, "no temporary files left"


def test_a_damaged_cache_file_is_rendered_again(fake: FakeEspeak, tmp_path: Path) -> None:
    voice = Voice(cache=tmp_path / "cache", program=str(fake.program))
    good = voice.say_now("Rest.")
    path = voice.cache_path("Rest.")
    path.write_bytes(b"RIFF not a wave")
    assert Voice(cache=tmp_path / "cache", program=str(fake.program)).say_now("Rest.") == good
    assert len(fake.runs()) == 2


def test_a_phrase_asked_for_before_it_is_ready_is_said_when_ready_if_still_in_time(
        fake: FakeEspeak, tmp_path: Path) -> None:
    gate = fake.gate()
    clock = FakeClock()
    voice = Voice(cache=tmp_path / "cache", program=str(fake.program), clock=clock)
    heard: list[str] = []
    voice.request("First: Knee hug.", lambda speech: heard.append(speech.text))
    clock.advance(MAX_LATE)  # just in time
    release(gate)
    assert voice.wait_ready(timeout=20)
    assert heard == ["First: Knee hug."]

    voice.request("Next: Bridge.", lambda speech: heard.append(speech.text))
    clock.advance(MAX_LATE + 0.01)  # too late: skipped, but kept for next time
    release(gate)
    assert voice.wait_ready(timeout=20)
    assert heard == ["First: Knee hug."]
    assert voice.speech("Next: Bridge.") is not None


# -- the session's coach: notices, settings, the player ------------------------------------------


class RecordingPlayer:
    backend = "simpleaudio"
    notice = None

    def __init__(self) -> None:
        self.muted = False
        self.volume = 0.8
        self.said: list[tuple[int, int, float]] = []

    def play(self, cue) -> bool:
        return True

    def say(self, frames: bytes, rate: int, *, gain: float = 1.0) -> bool:
        self.said.append((len(frames), rate, gain))
        return True

    def wait(self, timeout: float | None = 5.0) -> bool:
        return True


ROUTINE = Routine(id="r", title="R", summary="R", moves=(
    Move(id="a", name="Knee hug", kind=Kind.HOLD, hold=5, position=Position.FLOOR, sides=Sides.BOTH),))
SETTINGS = Settings(lead_in=3, switch_seconds=2, position_change=0, voice_volume=0.5)
PLAN = plan_session(ROUTINE, SETTINGS)
STEPS = PLAN.steps


def run_session(coach: SpokenCoach) -> list[str]:
    """The session screen's part, in short: start, then each batch to the coach; the notices it shows."""
    clock = FakeClock()
    engine = Engine(PLAN, clock)
    coach.start(engine.plan)
    if coach.voice is not None:
        coach.voice.wait_ready(timeout=20)
    notices = []
    batch = engine.start()
    while True:
        coach.hear(batch)
        notice = coach.take_notice()
        if notice is not None:
            notices.append(notice)
        if engine.over:
            return notices
        clock.time = engine.next_wakeup()
        batch = engine.poll()


def test_the_coach_hands_each_phrase_to_the_player_at_the_voice_volume(fake: FakeEspeak, tmp_path: Path) -> None:
    player = RecordingPlayer()
    coach = SpokenCoach.from_settings(SETTINGS, player, cache=tmp_path / "cache", program=str(fake.program))
    assert run_session(coach) == []
    phrases = session_phrases(PLAN, coach.options)
    assert phrases == ["First: Knee hug, left side.", "Switch sides.", "Session complete. Well done."]
    assert player.said == [(2 * 2 * 100 * len(p), RATE, 0.5) for p in phrases]
    player.muted = True
    player.said.clear()
    run_session(coach)
    assert player.said == []


def test_without_espeak_ng_the_session_runs_with_one_notice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # nothing called espeak-ng here
    player = RecordingPlayer()
    coach = SpokenCoach.from_settings(SETTINGS, player, cache=tmp_path / "cache")
    notices = run_session(coach)
    assert notices == ["espeak-ng is not installed, so the coach is not speaking; install it "
                       "(Debian: apt install espeak-ng), or turn the voice off in Settings."]
    assert player.said == []
    assert not (tmp_path / "cache").exists()


def test_a_failing_espeak_ng_gives_one_notice_and_none_of_its_output(
        fake: FakeEspeak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("FAKE_ESPEAK_FAIL", "1")
    player = RecordingPlayer()
    coach = SpokenCoach.from_settings(replace_voice(SETTINGS, "xx"), player, cache=tmp_path / "cache",
                                      program=str(fake.program))
    notices = run_session(coach)
    assert notices == ["espeak-ng failed with voice 'xx' (exit status 1); the coach is not speaking. "
                       "Check the voice in Settings."]
    assert len(fake.runs()) == 1, "it gives up after the first failure"
    assert coach.voice.detail == "Error: boom"  # kept for `sound-test`, never shown by the session
    assert player.said == []
    captured = capfd.readouterr()
    assert "boom" not in captured.err + captured.out


def replace_voice(settings: Settings, name: str) -> Settings:
    from dataclasses import replace

    return replace(settings, voice_name=name)


def test_a_render_that_hangs_is_given_up(
        fake: FakeEspeak, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake.gate()  # never released
    monkeypatch.setattr(voice_module, "RENDER_TIMEOUT", 0.5)
    voice = Voice(cache=tmp_path / "cache", program=str(fake.program))
    assert voice.say_now("Go.") is None
    assert voice.notice == "espeak-ng took over 0.5 s for one phrase; the coach is not speaking."


@pytest.mark.parametrize("settings, player_backend", [
    (Settings(voice_coach=Verbosity.OFF), "simpleaudio"),
    (Settings(), "none"),  # sound off
    (Settings(), "bell"),  # no device: the player already said why
])
def test_no_voice_and_no_notice_when_it_could_not_be_heard(settings, player_backend, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    player = RecordingPlayer()
    player.backend = player_backend
    coach = SpokenCoach.from_settings(settings, player)
    assert coach.voice is None and not coach.speaking
    assert run_session(coach) == []
    assert player.said == []


# -- sample-rate conversion ---------------------------------------------------------------------


def pcm(samples) -> bytes:
    data = array("h", samples)
    if sys.byteorder == "big":
        data.byteswap()
    return data.tobytes()


def test_doubling_the_rate_keeps_each_sample_and_puts_a_cubic_midpoint_between() -> None:
    assert _to_rate(pcm([0, 100, -100, 7]), 22_050, 44_100) == pcm([0, 63, 100, 0, -100, -59, 7, 7])
    # Full scale: the midpoint between two peaks would overshoot, so it is clipped.
    assert _to_rate(pcm([-32768, 32767, 32767, -32768]), 22_050, 44_100) == pcm(
        [-32768, 0, 32767, 32767, 32767, 0, -32768, -32768])
    assert _to_rate(pcm([5]), 16_000, 16_000) == pcm([5])


def test_other_rates_interpolate_linearly() -> None:
    out = array("h", _to_rate(pcm([0, 300, 600, 900]), 16_000, 24_000))
    if sys.byteorder == "big":
        out.byteswap()
    assert list(out) == [0, 200, 400, 600, 800, 900]


# -- the real espeak-ng ----------------------------------------------------------------------------


def levels(speech) -> tuple[float, float]:
    samples = array("h", speech.frames)
    if sys.byteorder == "big":
        samples.byteswap()
    rms = math.sqrt(sum(s * s for s in samples) / len(samples)) / 32768
    return rms, max(abs(s) for s in samples) / 32768


@needs_espeak
def test_real_espeak_ng_renders_plausible_speech(tmp_path: Path) -> None:
    voice = Voice(cache=tmp_path / "cache")
    phrases = {"Go.": 1, "Switch sides.": 2, "Next: Bird dog, left side.": 5, "Session complete. Well done.": 4}
    voice.prepare(phrases)
    assert voice.wait_ready(timeout=60), voice.notice
    assert voice.notice is None and voice.renders == len(phrases)
    for text, words in phrases.items():
        speech = voice.speech(text)
        assert speech is not None and speech.rate == RATE
        # 160 words a minute is 0.375 s a word; pauses at punctuation make a phrase longer.
        assert 0.2 * words <= speech.seconds <= 0.3 + 0.8 * words, (text, speech.seconds)
        rms, peak = levels(speech)
        assert 0.03 < rms < 0.3 and 0.2 < peak <= 1.0, (text, rms, peak)  # speech, not silence or noise
        with wave.open(str(voice.cache_path(text)), "rb") as wav:
            assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
    faster = Voice(cache=tmp_path / "cache", rate=320)
    assert faster.say_now("Next: Bird dog, left side.").seconds < voice.speech("Next: Bird dog, left side.").seconds


@needs_espeak
def test_real_espeak_ng_with_an_unknown_voice_fails_quietly(tmp_path: Path, capfd) -> None:
    voice = Voice(name="xx-nosuch", cache=tmp_path / "cache")
    assert voice.say_now("Go.") is None
    assert voice.notice.startswith("espeak-ng failed with voice 'xx-nosuch' (exit status")
    assert "does not exist" in voice.detail
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""
