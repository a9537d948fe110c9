"""Engine events -> sound cues -> the speaker, with a terminal-bell fallback.

`cue_for_events` picks at most one cue for a batch of engine events; a player plays it.
`make_player` returns the best player available: simpleaudio through ALSA, otherwise a
"bell" player whose `play` returns False so that the UI rings the terminal bell and
flashes the screen instead, with a one-line `notice` saying why. No Textual import here.

The spoken coach (voice.py) hands its phrases to the same player with `say`: they wait
in a queue behind whatever is playing, so speech and cues never overlap, and a sound
that would start more than `MAX_LATE` seconds after its moment is dropped. The moment of a
sound asked for together with others (a cue and its phrases) is the end of the ones before it.
"""

from __future__ import annotations

import ctypes
import errno
import importlib
import math
import re
import sys
import threading
import time
import wave
from array import array
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from backrelief_tui.core import paths

if TYPE_CHECKING:
    from backrelief_tui.core.engine import Event

FALLBACK = "using the terminal bell and a screen flash."
MAX_LATE = 1.0  # seconds: a queued cue or phrase that would start later than this is dropped
SAME_INSTANT = 0.05  # seconds: sounds asked for this close together are one batch, played back to back
_POLL = 0.005  # seconds between looks at a playing sound


class Backend(StrEnum):
    """Where cues go."""

    SIMPLEAUDIO = "simpleaudio"  # the sound device, through ALSA
    BELL = "bell"  # no usable device: the terminal bell and a flash of the screen
    NONE = "none"  # sound turned off (a flash only)


class Cue(StrEnum):
    """A sound cue; the value is the WAV file's stem in `sound_dir()`."""

    GET_READY = "get-ready"
    GO = "go"
    TICK = "tick"
    SWITCH = "switch"
    REST = "rest"
    MOVE_DONE = "move-done"
    SESSION_DONE = "session-done"
    BEAT_MOVE = "beat-move"  # a later beat of a rep: moving into a position
    BEAT_HOLD = "beat-hold"  # ... staying there
    BEAT_RETURN = "beat-return"  # ... coming back


def sound_dir() -> Path:
    """The folder of WAV cues: inside an installed wheel, else the checkout's `sounds/`."""
    return paths.sounds_dir()


# -- events -> cue ---------------------------------------------------------------------

# Cues that must be noticed even without sound: when the player could not play them, the
# session rings the terminal bell (if that is the backend) and flashes the screen.
IMPORTANT_CUES = frozenset({Cue.SWITCH, Cue.SESSION_DONE, Cue.GO, Cue.MOVE_DONE})

# Highest priority first: one batch (one instant) sounds at most one cue.
PRIORITY = (Cue.SESSION_DONE, Cue.SWITCH, Cue.MOVE_DONE, Cue.TICK, Cue.GO, Cue.GET_READY, Cue.REST,
            Cue.BEAT_HOLD, Cue.BEAT_MOVE, Cue.BEAT_RETURN)
_RANK = {cue: rank for rank, cue in enumerate(PRIORITY)}

# Keyed by the enums' string values (EventKind and Phase are StrEnums), so that this
# module does not import the engine at run time.
_CUE_OF_KIND = {
    "session-done": Cue.SESSION_DONE,
    "side-switch": Cue.SWITCH,
    "move-done": Cue.MOVE_DONE,
    "countdown": Cue.TICK,
}
_CUE_OF_STARTED_PHASE = {
    "work": Cue.GO,
    "get-ready": Cue.GET_READY,
    "rest": Cue.REST,
    # "switch-side" steps sound through their SIDE_SWITCH event.
}


_CUE_OF_BEAT_KIND = {"move": Cue.BEAT_MOVE, "hold": Cue.BEAT_HOLD, "return": Cue.BEAT_RETURN}


def _cue_for_event(event: Event) -> Cue | None:
    cue = _CUE_OF_KIND.get(event.kind)
    if cue is None and event.kind == "step-started" and event.step is not None:
        cue = _CUE_OF_STARTED_PHASE.get(event.step.phase)
    if cue is None and event.kind == "beat" and event.step is not None and event.beat:
        # The first beat of a rep sounds as the rep's "go"; the later ones by what the body does.
        cue = _CUE_OF_BEAT_KIND.get(event.step.move.beats[event.beat].kind)
    return cue


def cue_for_events(events: Iterable[Event]) -> Cue | None:
    """The one cue to play for a batch of simultaneous engine events, or None."""
    cues = [cue for cue in map(_cue_for_event, events) if cue is not None]
    return min(cues, key=_RANK.__getitem__, default=None)


# -- silencing libasound ---------------------------------------------------------------

# libasound prints "ALSA lib ..." straight to fd 2, which scribbles over a Textual
# screen. The C handler is variadic; declaring the fixed part is enough because the
# handler ignores everything. libasound keeps only the C pointer, so this module-level
# reference is what keeps the callback alive.
_ALSA_ERROR_HANDLER_TYPE = ctypes.CFUNCTYPE(
    None, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p
)
_alsa_error_handler: Any = None


def _ignore_alsa_error(*_args: object) -> None:
    return None


def silence_alsa() -> bool:
    """Stop libasound from writing to stderr; True if the handler is installed."""
    global _alsa_error_handler
    if _alsa_error_handler is not None:
        return True
    try:
        libasound = ctypes.CDLL("libasound.so.2")
        set_handler = libasound.snd_lib_error_set_handler
    except (OSError, AttributeError):
        return False  # no libasound here (macOS, Windows, ...): nothing to silence
    handler = _ALSA_ERROR_HANDLER_TYPE(_ignore_alsa_error)
    set_handler.argtypes = [_ALSA_ERROR_HANDLER_TYPE]
    set_handler.restype = ctypes.c_int
    if set_handler(handler) != 0:
        return False
    _alsa_error_handler = handler
    return True


# -- players ---------------------------------------------------------------------------


class Player(Protocol):
    """What the UI needs from a sound player."""

    backend: Backend
    muted: bool  # muted: play() returns False
    volume: float  # 0.0 to 1.0 (clamped when set)
    notice: str | None  # why audio fell back; the UI shows it once

    def play(self, cue: Cue) -> bool:
        """Start the cue without blocking; True if it went to the sound device."""
        ...

    def say(self, frames: bytes, rate: int, *, gain: float = 1.0) -> bool:
        """Queue 16-bit mono speech after whatever is playing, at `volume * gain`, without blocking.

        False when it will not be heard (muted, bell, sound off).
        """
        ...

    def wait(self, timeout: float | None = 5.0) -> bool:
        """Block until everything queued has finished (for tests and `sound-test`, not the UI)."""
        ...


class _QuietPlayer:
    """A player that never makes a sound itself: `play` always returns False."""

    backend: Backend

    def __init__(self, *, volume: float = 1.0, muted: bool = False, notice: str | None = None) -> None:
        self.volume = volume
        self.muted = muted
        self.notice = notice

    @property
    def volume(self) -> float:
        return self._volume

    @volume.setter
    def volume(self, value: float) -> None:
        self._volume = _clamp_volume(value)

    def play(self, cue: Cue) -> bool:
        return False

    def say(self, frames: bytes, rate: int, *, gain: float = 1.0) -> bool:
        return False

    def wait(self, timeout: float | None = 5.0) -> bool:
        return True


class SilentPlayer(_QuietPlayer):
    """Sound turned off (and the player for tests): no sound, no bell."""

    backend = Backend.NONE


class BellPlayer(_QuietPlayer):
    """No usable sound device: the UI rings the terminal bell and flashes instead."""

    backend = Backend.BELL


@dataclass(frozen=True)
class _Queued:
    """A sound waiting for the device: a cue (already scaled) or speech (scaled when it starts)."""

    frames: bytes
    channels: int
    rate: int
    due: float  # when it should start, on the player's clock: asked for, or after its batch's earlier sounds
    speech: bool
    gain: float = 1.0


class SimpleaudioPlayer:
    """Plays the WAV cues through ALSA's default device with simpleaudio, never blocking.

    A cue starts at once, as it always has, unless speech is playing or waiting: then it
    joins the queue, which one background thread plays in order, one sound at a time.

    On the first device error it turns into a bell player for good (`backend` becomes
    "bell", `notice` says why) and `play` returns False from then on; it never raises.
    """

    def __init__(self, *, volume: float = 1.0, muted: bool = False, directory: Path | None = None,
                 simpleaudio: Any = None, clock: Callable[[], float] = time.monotonic) -> None:
        if simpleaudio is None:
            simpleaudio = importlib.import_module("simpleaudio")
        self._sa = simpleaudio
        self._device_error: type[BaseException] = getattr(
            getattr(simpleaudio, "_simpleaudio", None), "SimpleaudioError", OSError)
        self.backend = Backend.SIMPLEAUDIO
        self.muted = muted
        self.notice: str | None = None
        self.last_latency: float | None = None  # seconds from play() to play_buffer returning
        self._last_play: Any = None  # simpleaudio.PlayObject of the latest sound
        self._last_is_speech = False
        self._clock = clock
        self._lock = threading.Lock()  # guards the queue and the device; never held while waiting
        self._queued: deque[_Queued] = deque()
        self._queue_filled = threading.Condition(self._lock)
        self._worker: threading.Thread | None = None
        self.dropped = 0  # queued sounds dropped because they would have started too late
        self._batch_at = -math.inf  # when the current batch of sounds was first asked for
        self._batch_end = -math.inf  # when its sounds so far will have ended, played back to back
        directory = directory or sound_dir()
        self._sounds = {cue: _read_wav(cue, directory) for cue in Cue}
        self._scaled: dict[Cue, bytes] = {}
        self._volume = _clamp_volume(volume)
        silence_alsa()
        for cue in Cue:  # scale now, so that no play() pays for it
            self._buffer(cue)

    @property
    def volume(self) -> float:
        return self._volume

    @volume.setter
    def volume(self, value: float) -> None:
        value = _clamp_volume(value)
        if value != self._volume:
            self._volume = value
            self._scaled.clear()  # each cue is rescaled on its next play (a few ms)

    def play(self, cue: Cue) -> bool:
        called = time.perf_counter()
        if self.muted or self.backend is not Backend.SIMPLEAUDIO:
            return False
        with self._lock:
            data = self._buffer(cue)
            sound = self._sounds[cue]
            due = self._due(len(data) / 2 / sound.channels / sound.rate)
            if self._queued or self._speaking():
                self._enqueue(_Queued(data, sound.channels, sound.rate, due, speech=False))
                return True
            played = self._start(data, sound.channels, sound.rate, speech=False)
        if played:
            self.last_latency = time.perf_counter() - called
        return played

    def say(self, frames: bytes, rate: int, *, gain: float = 1.0) -> bool:
        if self.muted or self.backend != "simpleaudio" or not frames:
            return False
        with self._lock:
            due = self._due(len(frames) / 2 / rate)
            self._enqueue(_Queued(frames, 1, rate, due, speech=True, gain=_clamp_volume(gain)))
        return True

    def _due(self, seconds: float) -> float:
        """With the lock held: when a sound asked for now should start (after its batch's earlier sounds)."""
        now = self._clock()
        if now - self._batch_at > SAME_INSTANT:
            self._batch_at = self._batch_end = now
        due = max(now, self._batch_end)
        self._batch_end = due + seconds
        return due

    def _speaking(self) -> bool:
        return self._last_is_speech and self._last_play is not None and self._last_play.is_playing()

    def _enqueue(self, item: _Queued) -> None:
        """With the lock held: queue a sound and wake the thread that plays the queue."""
        self._queued.append(item)
        if self._worker is None:
            self._worker = threading.Thread(target=self._play_queue, name="backrelief-sound", daemon=True)
            self._worker.start()
        self._queue_filled.notify()

    def _play_queue(self) -> None:
        """The background thread: play each queued sound once the one before it has finished."""
        while True:
            with self._queue_filled:
                while not self._queued:
                    self._queue_filled.wait()
                item, before = self._queued[0], self._last_play
            while before is not None and before.is_playing():
                time.sleep(_POLL)
            # Speech is scaled here, at the volume in force when it starts, off the UI's thread.
            frames = _Sound(item.frames, item.channels, item.rate).scaled(self._volume * item.gain) \
                if item.speech else item.frames
            with self._lock:
                if not self._queued or self._queued[0] is not item or self._last_play is not before:
                    continue  # the queue changed while waiting: look again
                self._queued.popleft()
                if self.muted or self.backend != "simpleaudio":
                    self._queued.clear()
                elif self._clock() - item.due > MAX_LATE:
                    self.dropped += 1
                else:
                    self._start(frames, item.channels, item.rate, speech=item.speech)

    def _start(self, frames: bytes, channels: int, rate: int, *, speech: bool) -> bool:
        """With the lock held: hand one sound to the device; on failure say why, never raise."""
        try:
            play = self._sa.play_buffer(frames, channels, 2, rate)
        except self._device_error as exc:
            code = _alsa_code(exc)
            if code == -errno.EBUSY:
                # A device without software mixing still holds the previous cue: skip
                # this one, but the device works, so do not give up on it.
                return False
            return self._give_up(f"No audio device ({_describe_alsa_error(exc)})")
        except OSError as exc:
            return self._give_up(f"No audio device ({exc})")
        except Exception as exc:  # a cue must never crash a session
            return self._give_up(f"Sound playback failed ({type(exc).__name__}: {exc})")
        self._last_play = play
        self._last_is_speech = speech
        return True

    def wait(self, timeout: float | None = 5.0) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            with self._lock:
                play = self._last_play
                busy = bool(self._queued) or (play is not None and play.is_playing())
            if not busy:
                return True
            if deadline is not None and time.monotonic() >= deadline:
                return False
            time.sleep(_POLL)

    def _give_up(self, reason: str) -> bool:
        self.backend = Backend.BELL
        self.notice = f"{reason}; {FALLBACK}"
        self._queued.clear()  # called with the lock held
        return False

    def _buffer(self, cue: Cue) -> bytes:
        data = self._scaled.get(cue)
        if data is None:
            data = self._scaled[cue] = self._sounds[cue].scaled(self._volume)
        return data


@dataclass(frozen=True)
class _Sound:
    """One cue's 16-bit frames as read from its WAV file."""

    frames: bytes
    channels: int
    rate: int

    def scaled(self, volume: float) -> bytes:
        """The frames with every sample multiplied by `volume` (rounded, clamped)."""
        if volume >= 1.0:
            return self.frames
        samples = array("h", self.frames)
        if sys.byteorder == "big":  # WAV data is little-endian
            samples.byteswap()
        gain = round(volume * 32768)  # Q15 fixed point: exact and fast in pure Python
        try:
            # With gain <= 1.0 nothing can overflow; array() would raise if it did.
            out = array("h", [(s * gain + 16384) >> 15 for s in samples])
        except OverflowError:
            out = array("h", [min(32767, max(-32768, (s * gain + 16384) >> 15)) for s in samples])
        if sys.byteorder == "big":
            out.byteswap()
        return out.tobytes()


def _read_wav(cue: Cue, directory: Path) -> _Sound:
    path = directory / f"{cue.value}.wav"
    with wave.open(str(path), "rb") as wav:
        params = wav.getparams()
        frames = wav.readframes(params.nframes)
    if params.sampwidth != 2 or params.comptype != "NONE":
        raise ValueError(f"{path.name} is not 16-bit PCM")
    return _Sound(frames, params.nchannels, params.framerate)


def _clamp_volume(volume: float) -> float:
    return min(1.0, max(0.0, float(volume)))


_ALSA_MESSAGE = re.compile(r"^(?P<what>.*?)\.? -- CODE: (?P<code>-?\d+) -- MSG: (?P<msg>.*)$", re.S)


def _alsa_code(exc: BaseException) -> int | None:
    match = _ALSA_MESSAGE.match(str(exc))
    return int(match["code"]) if match else None


def _describe_alsa_error(exc: BaseException) -> str:
    """'Error opening PCM device. -- CODE: -2 -- MSG: No such ...' -> 'Error opening PCM device: No such ...'."""
    match = _ALSA_MESSAGE.match(str(exc))
    if not match:
        return str(exc) or type(exc).__name__
    return f"{match['what']}: {match['msg']}" if match["msg"] else match["what"]


def make_player(*, enabled: bool, volume: float) -> Player:
    """The best player available: simpleaudio, else the bell fallback; silent when disabled."""
    if not enabled:
        return SilentPlayer(volume=volume)
    try:
        import simpleaudio
    except ImportError:
        return BellPlayer(volume=volume, notice=f"simpleaudio is not installed; {FALLBACK}")
    except Exception as exc:  # a broken install (an ALSA or ABI mismatch) raises anything
        return BellPlayer(volume=volume, notice=f"simpleaudio cannot be loaded ({_why(exc)}); {FALLBACK}")
    try:
        return SimpleaudioPlayer(volume=volume, simpleaudio=simpleaudio)
    except (OSError, EOFError, wave.Error, ValueError) as exc:
        return BellPlayer(volume=volume, notice=f"The sound files could not be read ({exc}); {FALLBACK}")
    except Exception as exc:  # sound is never a reason for a session not to run
        return BellPlayer(volume=volume, notice=f"simpleaudio cannot be used ({_why(exc)}); {FALLBACK}")


def _why(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


# -- `backrelief sound-test` -------------------------------------------------------------


def sound_test(out: Callable[[str], Any] = print, wait: bool = True, *, player: Player | None = None) -> int:
    """Play every cue in turn, naming each, then say which backend worked and why.

    Returns 0 when the cues went to the sound device, 1 otherwise (bell or no sound).
    """
    player = player or make_player(enabled=True, volume=1.0)
    played = []
    for cue in Cue:
        audible = player.play(cue)
        played.append(audible)
        if audible:
            out(f"{cue.value:<13} played")
        elif player.backend is Backend.BELL:
            out(f"{cue.value:<13} terminal bell\a")
        else:
            out(f"{cue.value:<13} silent")
        if wait:
            if audible:
                player.wait(timeout=5.0)
            time.sleep(0.25)  # a gap, so that the cues (or bells) can be told apart
    if all(played):
        out("Sound works: simpleaudio played every cue on the default ALSA device.")
        return 0
    if player.backend is Backend.BELL:
        out(f"Sound backend: bell. {player.notice or ''}".rstrip())
    elif player.backend is Backend.NONE:
        out("Sound backend: none (sound is turned off).")
    else:
        out(f"Sound backend: {player.backend}, but some cues were not played "
            f"(muted: {player.muted}). {player.notice or ''}".rstrip())
    return 1
