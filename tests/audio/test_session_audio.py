"""A whole session in the real app, on the real audio backend, with ALSA pointed at a file sink.

The child process builds the app with `make_player` (what `backrelief` uses), runs a short
routine to its summary on a fake clock, and the test reads back the samples that reached
ALSA: the cues must be there, in order, sample for sample. The same session with no device
and without simpleaudio must also reach its summary, flash, and say once why it is quiet.
"""

from __future__ import annotations

import json
import wave

import pytest

from backrelief_tui.audio import Cue, sound_dir

# Lead-in 3 s, a 5 s hold, 3 s rest, then a 4 s hold per side with a 2 s switch.
EXPECTED = [
    Cue.GET_READY,
    Cue.GO, Cue.TICK, Cue.TICK, Cue.TICK,
    Cue.MOVE_DONE,  # A ends: "move done" outranks the rest that starts with it
    Cue.GO, Cue.TICK, Cue.TICK, Cue.TICK,
    Cue.SWITCH,
    Cue.GO, Cue.TICK, Cue.TICK, Cue.TICK,
    Cue.SESSION_DONE,
]

SESSION = """
import asyncio, json, sys
{prelude}
from backrelief_tui.audio import make_player
from tests.fakes import FakeClock
from backrelief_tui.core.library import Library
from backrelief_tui.core.routine import Kind, Move, Position, Routine, Sides
from backrelief_tui.core.settings import Settings
from backrelief_tui.tui.app import build_app

routine = Routine(id="beeps", title="Beeps", summary="Two holds.", moves=(
    Move(id="a", name="A", kind=Kind.HOLD, hold=5, position=Position.FLOOR, cues=("Hold.",)),
    Move(id="b", name="B", kind=Kind.HOLD, hold=4, sides=Sides.BOTH, position=Position.FLOOR, cues=("Hold.",)),
))
settings = Settings(lead_in=3, default_rest=3, switch_seconds=2, position_change=0, pain_checkin=False,
                    volume=1.0, voice_coach="off")  # the beeps alone (the voice has tests of its own)
clock = FakeClock()
player = make_player(enabled=True, volume=1.0)
app = build_app(settings=settings, library=Library(routines={{"beeps": routine}}), clock=clock,
                player=player, start_routine="beeps")
notes = []
notify = app.notify
app.notify = lambda message, **options: (notes.append(message), notify(message, **options))
bells = []
app.bell = lambda: bells.append(1)

async def main():
    async with app.run_test(size=(100, 30)) as pilot:
        await pilot.pause()
        session = app.screen
        player.wait()
        for _ in range(400):
            if app.screen is not session:
                break
            clock.advance(0.25)
            session.tick()
            player.wait()  # one cue at a time reaches the sink, so they never interleave
            await pilot.pause()
        print(json.dumps({{"screen": type(app.screen).__name__, "backend": player.backend,
                          "notes": notes, "flashes": session.flashes, "bells": len(bells)}}))

asyncio.run(main())
"""


def wav_frames(cue: Cue) -> bytes:
    with wave.open(str(sound_dir() / f"{cue}.wav"), "rb") as wav:
        return wav.readframes(wav.getnframes())


def report(run) -> dict:
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_a_session_sounds_its_cues_in_order_on_the_device(alsa_child) -> None:
    run = alsa_child.run(SESSION.format(prelude=""))
    result = report(run)
    assert result["screen"] == "SummaryScreen"
    assert result["backend"] == "simpleaudio"
    assert result["flashes"] == 0 and result["bells"] == 0 and result["notes"] == []
    # What reached ALSA, sample for sample: each cue's WAV frames, in the session's order.
    assert alsa_child.out.read_bytes() == b"".join(wav_frames(cue) for cue in EXPECTED)


@pytest.mark.parametrize("case", ["no-device", "no-simpleaudio"])
def test_without_sound_the_session_still_ends_with_a_flash_and_one_notice(alsa_child, case) -> None:
    if case == "no-device":
        run = alsa_child.run(SESSION.format(prelude=""), conf="pcm.!default { type hw; card 99 }\n")
    else:
        run = alsa_child.run(SESSION.format(prelude="sys.modules['simpleaudio'] = None"))
    result = report(run)
    assert result["screen"] == "SummaryScreen"
    assert result["backend"] == "bell"
    assert len(result["notes"]) == 1, result["notes"]
    assert ("No audio device" if case == "no-device" else "simpleaudio is not installed") in result["notes"][0]
    # Every important cue (go, switch, move done, session done) falls back to bell + flash.
    important = sum(cue in (Cue.GO, Cue.SWITCH, Cue.MOVE_DONE, Cue.SESSION_DONE) for cue in EXPECTED)
    assert result["bells"] == important
    assert result["flashes"] >= important
    assert "ALSA lib" not in run.stderr
