"""A short session with the spoken coach, through the real player and the real espeak-ng, into ALSA's file sink.

The child process does what the session screen does with each batch of engine events
(the cue, then the coach), on a fake clock. What reached ALSA must be each batch's cue
followed by its phrases, sample for sample, taken from the speech cache. A second run
renders nothing (a wrapper named espeak-ng on PATH counts the renders); without
espeak-ng on PATH the same session sounds exactly the beeps and says why once.
"""

from __future__ import annotations

import json
import os
import shutil
import wave
from pathlib import Path

import pytest

from backrelief_tui.audio import Cue, sound_dir

REAL_ESPEAK = shutil.which("espeak-ng")
needs_espeak = pytest.mark.skipif(REAL_ESPEAK is None, reason="espeak-ng is not installed (CI installs it)")

SESSION = """
import json
from backrelief_tui.audio import cue_for_events, make_player
from tests.fakes import FakeClock
from backrelief_tui.core.engine import Engine
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.routine import Kind, Move, Position, Routine, Sides
from backrelief_tui.core.settings import Settings
from backrelief_tui.voice import SpokenCoach

routine = Routine(id="spoken", title="Spoken", summary="Two holds.", moves=(
    Move(id="knee-hug", name="Knee hug", kind=Kind.HOLD, hold=12, sides=Sides.BOTH, position=Position.FLOOR),
    Move(id="bird-dog", name="Bird dog", kind=Kind.HOLD, hold=4, position=Position.FLOOR),
))
settings = Settings(lead_in=3, default_rest=3, switch_seconds=2, position_change=0, volume=1.0,
                    voice_coach={verbosity!r}, voice_countdown={countdown!r})
clock = FakeClock()
player = make_player(enabled=True, volume=settings.volume)
coach = SpokenCoach.from_settings(settings, player)
engine = Engine(plan_session(routine, settings), clock)
coach.start(engine.plan)  # returns at once; the test waits so that every phrase is there
ready = coach.voice.wait_ready(60) if coach.voice is not None else None
batches, notices = [], []

def handle(events):
    cue = cue_for_events(events)
    if cue is not None:
        player.play(cue)
    phrases = coach.hear(events)
    notice = coach.take_notice()
    if notice:
        notices.append(notice)
    if cue is not None or phrases:
        batches.append([cue and cue.value, phrases])
    player.wait(30)  # the null sink is faster than real time: nothing is ever late here

handle(engine.start())
while not engine.over:
    clock.advance(0.25)
    handle(engine.poll())
voice = coach.voice
print(json.dumps({{
    "ready": ready, "backend": player.backend, "dropped": player.dropped, "batches": batches,
    "notices": notices, "renders": voice.renders if voice else None,
    "cache": {{p: str(voice.cache_path(p)) for b in batches for p in b[1]}} if voice else {{}},
}}))
"""


def cue_frames(name: str) -> bytes:
    with wave.open(str(sound_dir() / f"{name}.wav"), "rb") as wav:
        return wav.readframes(wav.getnframes())


def phrase_frames(path: str) -> bytes:
    with wave.open(path, "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, 44_100)
        return wav.readframes(wav.getnframes())


def expected_sound(result: dict) -> tuple[bytes, bytes]:
    """(everything, the beeps alone) that should have reached ALSA."""
    everything, beeps = b"", b""
    for cue, phrases in result["batches"]:
        if cue is not None:
            everything += cue_frames(cue)
            beeps += cue_frames(cue)
        for phrase in phrases:
            everything += phrase_frames(result["cache"][phrase])
    return everything, beeps


def run_session(alsa_child, home: Path, path: str, verbosity: str = "names", countdown: bool = False) -> tuple:
    run = alsa_child.run(SESSION.format(verbosity=verbosity, countdown=countdown),
                         env={"BACKRELIEF_HOME": str(home), "PATH": path})
    assert run.returncode == 0, run.stderr[-3000:]
    assert run.stderr == "", "nothing from espeak-ng or libasound may reach the terminal"
    return json.loads(run.stdout), run.played


def espeak_wrapper(folder: Path) -> tuple[str, Path]:
    """A PATH whose espeak-ng logs each run, then runs the real one."""
    folder.mkdir()
    log = folder / "runs.log"
    wrapper = folder / "espeak-ng"
    wrapper.write_text(f'#!/bin/sh\nprintf "%s\\n" "$*" >> "{log}"\nexec "{REAL_ESPEAK}" "$@"\n')
    wrapper.chmod(0o755)
    return f"{folder}{os.pathsep}{os.environ.get('PATH', '')}", log


def renders_in(log: Path) -> int:
    return sum(" -w " in line for line in log.read_text().splitlines()) if log.exists() else 0


NAMES = ["First: Knee hug, left side.", "Switch sides.", "Next: Bird dog.", "Session complete. Well done."]


@needs_espeak
def test_the_session_speaks_through_the_sink_and_the_second_run_renders_nothing(alsa_child, tmp_path: Path) -> None:
    home = tmp_path / "home"
    path, log = espeak_wrapper(tmp_path / "bin")
    first, played = run_session(alsa_child, home, path)
    assert first["ready"] is True and first["backend"] == "simpleaudio" and first["notices"] == []
    assert [phrase for _, phrases in first["batches"] for phrase in phrases] == NAMES
    # The cue of a batch comes first, then its phrase: "get-ready" then "First: ...".
    assert first["batches"][0] == ["get-ready", ["First: Knee hug, left side."]]
    assert first["batches"][-1] == ["session-done", ["Session complete. Well done."]]
    everything, beeps = expected_sound(first)
    assert played == everything, f"{len(played)} bytes reached ALSA, {len(everything)} expected"
    # The speech is really there: more than the beeps alone, by exactly the phrases' lengths.
    spoken = {phrase: len(phrase_frames(file)) // 2 for phrase, file in first["cache"].items()}
    assert len(played) // 2 == len(beeps) // 2 + sum(spoken.values())
    for phrase, samples in spoken.items():
        words = len(phrase.split())
        assert 0.2 * words <= samples / 44_100 <= 0.3 + 0.8 * words, (phrase, samples)
    assert first["renders"] == renders_in(log) == len(NAMES)
    assert Path(first["cache"][NAMES[0]]).parent == home / "cache" / "voice"

    second, played_again = run_session(alsa_child, home, path)
    assert second["renders"] == 0 and renders_in(log) == len(NAMES), "the cache was not used"
    assert second["batches"] == first["batches"] and played_again == played


@needs_espeak
def test_the_full_coach_with_countdown_words(alsa_child, tmp_path: Path) -> None:
    path, _log = espeak_wrapper(tmp_path / "bin")
    result, played = run_session(alsa_child, tmp_path / "home", path, verbosity="full", countdown=True)
    assert result["notices"] == [] and result["dropped"] == 0
    said = [phrase for _, phrases in result["batches"] for phrase in phrases]
    assert said == [
        "First: Knee hug, left side.", "Go.", "Three.", "Two.", "One.",  # the 12 s hold counts down
        "Switch sides.", "Go.", "Three.", "Two.", "One.",
        "Done.", "Rest. Next: Bird dog.", "Go.",  # the 4 s hold is too short for words
        "Session complete. Well done.",
    ]
    assert ["tick", ["Three."]] in result["batches"]  # the tick first, then the word
    assert played == expected_sound(result)[0]


def test_without_espeak_ng_the_session_sounds_its_beeps_and_says_why_once(alsa_child, tmp_path: Path) -> None:
    bare = tmp_path / "bare"
    bare.mkdir()
    (bare / "cat").symlink_to(shutil.which("cat"))  # the file sink's "| cat >> OUT" still needs cat
    result, played = run_session(alsa_child, tmp_path / "home", str(bare))
    assert result["backend"] == "simpleaudio"
    assert result["notices"] == ["espeak-ng is not installed, so the coach is not speaking; install it "
                                 "(Debian: apt install espeak-ng), or turn the voice off in Settings."]
    assert all(phrases == [] for _, phrases in result["batches"])
    cues = [cue for cue, _ in result["batches"]]
    assert cues[0] == Cue.GET_READY and cues[-1] == Cue.SESSION_DONE
    assert played == expected_sound(result)[1], "exactly the beeps, as without a coach"
    assert not (tmp_path / "home" / "cache").exists()


@needs_espeak
def test_sound_test_says_its_phrase_after_the_cues(alsa_child, tmp_path: Path) -> None:
    run = alsa_child.run("""
        import sys
        from backrelief_tui.commands.sound import cmd_sound_test
        sys.exit(cmd_sound_test(None))
    """, env={"BACKRELIEF_HOME": str(tmp_path / "home")})
    assert run.returncode == 0, run.stderr
    last = run.stdout.splitlines()[-1]
    assert last.startswith('voice         played "Sound test. This is your coach." (espeak-ng voice en, 160 words')
    cues = b"".join(cue_frames(cue.value) for cue in Cue)
    assert run.played.startswith(cues) and len(run.played) > len(cues) + 44_100  # over half a second of speech
    assert run.stderr == ""
