"""Real playback through simpleaudio and libasound, read back from an ALSA file sink.

Every test runs its ALSA configuration in a child process (see conftest.py). The sink
receives the exact 16-bit mono frames simpleaudio was given: no padding, no conversion
(the null slave accepts the stream's own format), so the checks compare samples exactly.
"""

from __future__ import annotations

import importlib.util
import json
import math
import sys
import wave
from array import array
from pathlib import Path

import pytest

from backrelief_tui.audio import Cue

ROOT = Path(__file__).resolve().parents[2]
SOUNDS = ROOT / "sounds"
SEQUENCE = ["get-ready", "go", "tick", "tick", "tick", "switch", "rest", "move-done", "session-done"]

# Unusable default devices. All but `hw card 99` make libasound print "ALSA lib ..."
# lines on stderr unless its error handler is replaced; the empty file is what a machine
# without any sound configuration looks like.
BROKEN_DEVICES = {
    "no-config": "",
    "unknown-slave": 'pcm.!default { type plug; slave.pcm "nosuch" }\n',
    "missing-plugin": "pcm.!default { type nosuchplugin }\n",
    "no-card": "pcm.!default { type hw; card 99 }\n",
}


def samples_of(name: str) -> array:
    """A cue's samples, read with `wave` independently of backrelief_tui.audio."""
    with wave.open(str(SOUNDS / f"{name}.wav"), "rb") as w:
        assert (w.getnchannels(), w.getsampwidth(), w.getframerate()) == (1, 2, 44_100)
        samples = array("h", w.readframes(w.getnframes()))
    if sys.byteorder == "big":
        samples.byteswap()
    return samples


def expected_output(names: list[str], volume: float) -> bytes:
    out = array("h")
    for name in names:
        # Round half up, as an independent statement of what "scaled by volume" means.
        out.extend(min(32767, max(-32768, math.floor(s * volume + 0.5))) for s in samples_of(name))
    if sys.byteorder == "big":
        out.byteswap()
    return out.tobytes()


def locate(played: bytes, names: list[str], volume: float) -> str:
    """Describe where each cue turned up in `played`, to explain a mismatch."""
    lines, position = [], 0
    for name in names:
        cue = expected_output([name], volume)
        found = played.find(cue, position)
        lines.append(f"{name}: expected at byte {position}, found at {found}")
        position = found + len(cue) if found >= 0 else position + len(cue)
    return f"{len(played)} bytes played; " + "; ".join(lines)


PLAY_SEQUENCE = """
    import json, sys
    from backrelief_tui.audio import Cue, SimpleaudioPlayer
    player = SimpleaudioPlayer(volume={volume})
    results = []
    for name in {names!r}:
        results.append(player.play(Cue(name)))
        # The null sink runs faster than real time, and OUT only has a cue's bytes
        # once simpleaudio has drained and closed the device.
        assert player.wait(timeout=10), "playback did not finish"
    print(json.dumps({{"results": results, "backend": player.backend, "notice": player.notice}}))
"""


@pytest.mark.parametrize("volume", [1.0, 0.5])
def test_cues_reach_the_device_exactly_and_in_order(alsa_child, volume: float) -> None:
    run = alsa_child.run(PLAY_SEQUENCE.format(volume=volume, names=SEQUENCE))
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report == {"results": [True] * len(SEQUENCE), "backend": "simpleaudio", "notice": None}
    expected = expected_output(SEQUENCE, volume)
    assert run.played == expected, locate(run.played, SEQUENCE, volume)
    assert run.stderr == ""


def test_half_volume_is_really_quieter(alsa_child) -> None:
    full = expected_output(["go"], 1.0)
    assert expected_output(["go"], 0.5) != full
    peak = max(abs(s) for s in samples_of("go"))
    run = alsa_child.run(PLAY_SEQUENCE.format(volume=0.5, names=["go"]))
    played = array("h", run.played)
    if sys.byteorder == "big":
        played.byteswap()
    assert abs(max(abs(s) for s in played) - peak / 2) <= 1


def test_volume_change_between_cues_and_mute(alsa_child) -> None:
    code = """
        from backrelief_tui.audio import Cue, SimpleaudioPlayer
        player = SimpleaudioPlayer(volume=1.0)
        assert player.play(Cue.GO) and player.wait(10)
        player.volume = 0.25
        assert player.play(Cue.GO) and player.wait(10)
        player.muted = True
        assert player.play(Cue.SWITCH) is False   # muted: nothing reaches the device
        player.muted = False
        player.volume = 7        # clamped to 1.0
        assert player.volume == 1.0
        assert player.play(Cue.TICK) and player.wait(10)
    """
    run = alsa_child.run(code)
    assert run.returncode == 0, run.stderr
    expected = expected_output(["go"], 1.0) + expected_output(["go"], 0.25) + expected_output(["tick"], 1.0)
    assert run.played == expected


@pytest.mark.parametrize("conf", BROKEN_DEVICES.values(), ids=BROKEN_DEVICES.keys())
def test_no_device_falls_back_to_the_bell_quietly(alsa_child, conf: str) -> None:
    code = """
        import json, simpleaudio
        from backrelief_tui.audio import Cue, make_player
        calls = []
        real_play_buffer = simpleaudio.play_buffer
        def counting_play_buffer(*args):
            calls.append(1)
            return real_play_buffer(*args)
        simpleaudio.play_buffer = counting_play_buffer
        player = make_player(enabled=True, volume=0.8)
        assert player.backend == "simpleaudio"
        first = player.play(Cue.GO)
        notice = player.notice
        later = [player.play(cue) for cue in Cue]
        print(json.dumps({"first": first, "later": later, "backend": player.backend,
                          "notice": notice, "notice_after": player.notice, "device_tries": len(calls)}))
    """
    run = alsa_child.run(code, conf=conf)
    assert run.returncode == 0, run.stderr
    report = json.loads(run.stdout)
    assert report["first"] is False
    assert report["later"] == [False] * len(Cue)
    assert report["backend"] == "bell"
    assert report["notice"].startswith("No audio device (Error opening PCM device: ")
    assert report["notice"].endswith("; using the terminal bell and a screen flash.")
    assert "\n" not in report["notice"]
    assert report["notice_after"] == report["notice"], "the notice is set once"
    assert report["device_tries"] == 1, "after the first failure the device is not tried again"
    assert run.stderr == "", "libasound wrote to stderr"


@pytest.mark.parametrize("conf", [c for c in BROKEN_DEVICES.values() if "card 99" not in c])
def test_without_the_handler_libasound_would_write_to_stderr(alsa_child, conf: str) -> None:
    """The control for the test above: these configurations are noisy by themselves."""
    code = """
        import simpleaudio
        try:
            simpleaudio.play_buffer(bytes(200), 1, 2, 44100)
        except Exception as exc:
            print(type(exc).__name__)
    """
    run = alsa_child.run(code, conf=conf)
    assert run.stdout.strip() == "SimpleaudioError"
    assert "ALSA lib " in run.stderr


def test_missing_simpleaudio_gives_the_bell_with_a_notice(alsa_child) -> None:
    code = """
        import json, sys
        sys.modules["simpleaudio"] = None   # makes `import simpleaudio` raise ImportError
        from backrelief_tui.audio import Cue, make_player
        player = make_player(enabled=True, volume=0.3)
        print(json.dumps([player.backend, player.notice, player.play(Cue.GO), player.volume,
                          "simpleaudio" in sys.modules and sys.modules["simpleaudio"] is not None]))
    """
    run = alsa_child.run(code)
    assert run.returncode == 0, run.stderr
    backend, notice, played, volume, imported = json.loads(run.stdout)
    assert backend == "bell"
    assert notice == "simpleaudio is not installed; using the terminal bell and a screen flash."
    assert played is False and volume == 0.3 and imported is False
    assert run.played == b"" and run.stderr == ""


def test_sound_test_plays_every_cue_on_the_device(alsa_child) -> None:
    run = alsa_child.run("""
        import sys
        from backrelief_tui.audio import sound_test
        sys.exit(sound_test())
    """)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == [cue.value for cue in Cue]
    assert all(line.split()[1] == "played" for line in lines[:-1])
    assert lines[-1].startswith("Sound works: simpleaudio")
    assert run.played == expected_output([cue.value for cue in Cue], 1.0)
    assert run.stderr == ""


def test_sound_test_without_a_device_reports_the_bell(alsa_child) -> None:
    run = alsa_child.run("""
        import sys
        from backrelief_tui.audio import sound_test
        sys.exit(sound_test(wait=False))
    """, conf="")
    assert run.returncode == 1
    lines = run.stdout.splitlines()
    assert [line.split()[0] for line in lines[:-1]] == [cue.value for cue in Cue]
    assert all(line.endswith("terminal bell\a") for line in lines[:-1])
    assert lines[-1].startswith("Sound backend: bell. No audio device (Error opening PCM device")
    assert run.stderr == ""


def test_latency_from_play_to_alsa_is_under_50_ms() -> None:
    spec = importlib.util.spec_from_file_location("bench_audio", ROOT / "benchmarks" / "bench_audio.py")
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    result = bench.run()
    assert result["plays"] == 50
    # The budget is for every cue; the median has a wide margin against a busy CI machine.
    assert result["median_ms"] < 50, result
    assert result["max_ms"] < 200, result
