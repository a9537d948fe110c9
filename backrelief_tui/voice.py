"""The spoken coach: engine events -> short phrases -> WAV with espeak-ng -> the same player as the cues.

Three parts, no Textual import:

- `Coach` turns each batch of engine events into the phrases to say (what is said, by
  verbosity: off / names / full); `session_phrases` lists every phrase a session will need.
- `Voice` renders phrases to WAV by running espeak-ng (a program, never a shell; the text
  goes in on stdin, so it can never be taken for an option), caches them in
  `<cache>/voice/` by a hash of text + voice + rate + espeak-ng's version, and loads them,
  all in one background thread: `prepare` returns at once and nothing waits for a render.
- `SpokenCoach` joins them for a session: `start(steps)` when the session starts,
  `hear(events)` after each batch's cue. A phrase that is not ready yet is said when it is,
  if that is still within `audio.MAX_LATE` of its moment, else skipped; the cues carry on.

Without espeak-ng, or when it fails, the coach falls quiet and `take_notice` gives one
line saying why, once. Nothing espeak-ng prints reaches the screen.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import unicodedata
import wave
from array import array
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from backrelief_tui.audio import MAX_LATE
from backrelief_tui.core import paths
from backrelief_tui.core.atomic import atomic_write
from backrelief_tui.core.settings import Settings, Verbosity

if TYPE_CHECKING:
    from backrelief_tui.core.engine import Event
    from backrelief_tui.core.plan import Plan, Step

PROGRAM = "espeak-ng"
AMPLITUDE = 100  # espeak-ng's own default; loudness is the player's volume, so no re-render for it
RATE = 44_100  # the cues' sample rate: speech is converted to it once, when it is rendered
RENDER_TIMEOUT = 10.0  # seconds for one phrase; espeak-ng takes a few hundredths
MAX_WAV_BYTES = 8 * 1024 * 1024  # a cached phrase larger than this is not ours: render it again
MAX_PHRASE = 200  # characters
LONG_HOLD = 10  # seconds: holds at least this long get "three, two, one" (when asked for)
CACHE_FORMAT = 1  # bump when what is stored in the cache changes


# -- what is said -------------------------------------------------------------------------

SESSION_END = "Session complete. Well done."
SWITCH = "Switch sides."
GO = "Go."
GO_OWN_PACE = "Go, at your own pace."
REST = "Rest."
DONE = "Done."
_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
            "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty")


def number_word(number: int) -> str:
    """`3` -> "Three." (spelled out: espeak-ng may read "2." as an ordinal in some voices)."""
    word = _NUMBERS[number] if 0 <= number < len(_NUMBERS) else str(number)
    return f"{word.capitalize()}."


def speakable(text: str) -> str:
    """Text from a routine file made fit to speak: no control or formatting characters, no
    espeak-ng phoneme brackets, one line, at most `MAX_PHRASE` characters."""
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") or ch in "[]" else ch
                   for ch in str(text))
    return " ".join(kept.replace(" + ", " and ").split())[:MAX_PHRASE].strip()


@dataclass(frozen=True)
class CoachOptions:
    verbosity: Verbosity = Verbosity.NAMES
    countdown: bool = False  # "three, two, one" at the end of holds of `LONG_HOLD` seconds or more

    @classmethod
    def from_settings(cls, settings: Settings) -> CoachOptions:
        return cls(Verbosity(settings.voice_coach), settings.voice_countdown)


class Coach:
    """What to say for each batch of engine events, in the order the engine reports them.

    names: the move to get ready for (name and side), "Switch sides", the session's end.
    full:  also "Go" (or the rep's number, or the side for alternating moves), "Rest",
           the labels of a rep's later beats ("Hold", "Lower"), "Done".
    The countdown words come with either, when asked for.
    """

    def __init__(self, steps: Sequence[Step], options: CoachOptions) -> None:
        self.steps = tuple(steps)
        self.options = options
        self._announced: int | None = None  # move index whose name was said last

    def say(self, events: Iterable[Event]) -> list[str]:
        """The phrases for one batch of simultaneous events (empty when off)."""
        events = list(events)
        if self.options.verbosity is Verbosity.OFF:
            return []
        full = self.options.verbosity is Verbosity.FULL
        ending = any(event.kind == "session-done" for event in events)
        phrases: list[str] = []
        for event in events:
            kind, step = str(event.kind), event.step
            if kind == "session-done":
                phrases.append(SESSION_END)
            elif kind == "side-switch":
                phrases.append(SWITCH)
            elif kind == "move-done" and full and not ending:
                phrases.append(DONE)
            elif kind == "countdown" and step is not None and event.count is not None:
                if self.options.countdown and step.seconds >= LONG_HOLD:
                    phrases.append(number_word(event.count))
            elif kind == "beat" and step is not None and full:
                phrases.extend(self._beat(event, step))
            elif kind == "step-started" and step is not None:
                phrases.extend(self._started(event.step_index, step, full))
        return [phrase for index, phrase in enumerate(phrases) if phrase and phrase not in phrases[:index]]

    def _started(self, index: int, step: Step, full: bool) -> list[str]:
        phase = str(step.phase)
        if phase == "get-ready":
            return [self._announce(step.move_index, "First" if index == 0 else "Next")]
        if phase == "rest" and step.rep == 0:  # between moves: the next move is what matters
            following = self.steps[index + 1] if index + 1 < len(self.steps) else None
            if following is None or str(following.phase) == "get-ready":
                return [REST] if full else []
            upcoming = self._announce(following.move_index, "Next")
            return [f"{REST} {upcoming}"] if full else [upcoming]
        if phase == "rest":
            return [REST] if full else []
        if phase != "work":
            return []
        said = [self._announce(step.move_index, "")] if step.move_index != self._announced else []
        if full:
            said.append(self._go(step))
        return said

    def _go(self, step: Step) -> str:
        if step.self_paced:
            return GO_OWN_PACE
        if str(step.move.sides) == "alternate" and step.side is not None:
            return f"{str(step.side).capitalize()}."
        return GO if step.rep <= 1 else number_word(step.rep)

    def _beat(self, event: Event, step: Step) -> list[str]:
        """A rep's later beats are named; its first beat starts with the rep ("Go", "Two")."""
        beats = getattr(step.move, "beats", ()) or ()
        index = getattr(event, "beat", None)
        if index is None:
            index = event.count
        if len(beats) < 2 or index is None or not 0 < index < len(beats):
            return []
        label = speakable(getattr(beats[index], "label", ""))
        return [f"{label.rstrip('.!')}."] if label else []

    def _announce(self, move_index: int, lead: str) -> str:
        """ "Next: Bird dog, left side." for the move at `move_index` (its first side)."""
        self._announced = move_index
        first = next((s for s in self.steps if s.move_index == move_index and str(s.phase) == "work"), None)
        if first is None:
            return ""
        move = first.move
        name = speakable(move.name) or "the next move"
        if str(move.sides) == "alternate":
            side = "alternate sides"
        else:
            side = f"{first.side} side" if first.side is not None else ""
        text = f"{name}, {side}." if side else f"{name}."
        return f"{lead}: {text}" if lead else text


def session_phrases(plan: Plan, options: CoachOptions) -> list[str]:
    """Every phrase a session of `plan` will say, in the order it first says them.

    Walks a real engine over the plan on a clock of its own that jumps from one event
    to the next, so that it hears exactly the events the session will.
    """
    from backrelief_tui.core.engine import Engine

    steps = plan.steps
    if options.verbosity is Verbosity.OFF or not steps:
        return []
    now = [0.0]
    engine = Engine(plan, lambda: now[0])
    coach = Coach(steps, options)
    phrases = dict.fromkeys(coach.say(engine.start()))
    for _ in range(sum(step.seconds for step in steps) * 8 + 100):
        if engine.over:
            break
        step = engine.step
        if step is not None and step.self_paced:
            now[0] += 1
            batch = engine.next()
        else:
            wake = engine.next_wakeup()
            now[0] = max(now[0], wake if wake is not None else now[0])
            batch = engine.poll()
        phrases.update(dict.fromkeys(coach.say(batch)))
    return list(phrases)


# -- rendering and the cache -------------------------------------------------------------------


@dataclass(frozen=True)
class Speech:
    """One rendered phrase: 16-bit mono little-endian frames at `rate`."""

    text: str
    frames: bytes
    rate: int

    @property
    def seconds(self) -> float:
        return len(self.frames) / 2 / self.rate


class VoiceFailed(Exception):
    """espeak-ng could not render: the message is one line for the person."""


class Voice:
    """Renders, caches and loads phrases with espeak-ng in one background thread.

    `prepare(phrases)` queues a session's phrases and returns at once; `speech(text)` gives
    a phrase if it is loaded, else None, never waiting. `request(text, when_ready)` puts a
    phrase first in line and calls `when_ready(speech)` from the thread once it is loaded,
    if that is within `MAX_LATE` seconds of the request. On the first failure the voice
    stops for good and `notice` says why in one line.
    """

    def __init__(self, *, name: str = "en", rate: int = 160, cache: Path | None = None,
                 program: str | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.name = name
        self.rate = rate
        self.cache = cache
        self.program = program or shutil.which(PROGRAM)
        self.notice: str | None = None
        self.detail = ""  # espeak-ng's own words on a failure, for `sound-test` (never the TUI)
        self.renders = 0  # espeak-ng runs that rendered a phrase (the cache missed)
        self._clock = clock
        self._version: str | None = None
        self._loaded: dict[str, Speech] = {}
        self._todo: deque[str] = deque()
        self._source: Iterable[str] | None = None  # phrases given to `prepare`, not yet listed
        self._waiting: dict[str, tuple[float, Callable[[Speech], Any]]] = {}
        self._busy = False
        self._lock = threading.Lock()
        self._work = threading.Condition(self._lock)
        self._thread: threading.Thread | None = None
        if self.program is None:
            self.notice = ("espeak-ng is not installed, so the coach is not speaking; install it "
                           "(Debian: apt install espeak-ng), or turn the voice off in Settings.")

    @property
    def available(self) -> bool:
        return self.notice is None

    def prepare(self, phrases: Iterable[str]) -> None:
        """Render and load `phrases` in the background, in order, instead of what was queued.

        Returns at once: even a lazy iterable (a generator) is only walked by the thread.
        """
        with self._lock:
            self._todo = deque(text for text in self._todo if text in self._waiting)  # asked for: keep
            self._source = phrases
            self._wake()

    def speech(self, text: str) -> Speech | None:
        """The phrase, if it is loaded; never waits."""
        with self._lock:
            return self._loaded.get(text)

    def request(self, text: str, when_ready: Callable[[Speech], Any]) -> None:
        """Render `text` next; call `when_ready(speech)` from the thread if it is ready in time."""
        with self._lock:
            if not self.available:
                return
            self._waiting[text] = (self._clock(), when_ready)
            if text in self._todo:
                self._todo.remove(text)
            self._todo.appendleft(text)
            self._wake()

    def wait_ready(self, timeout: float = 30.0) -> bool:
        """Block until everything queued is loaded (for tests, benchmarks and `sound-test`)."""
        deadline = time.monotonic() + timeout
        while True:
            with self._lock:
                if not self._todo and self._source is None and not self._busy:
                    return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.005)

    def say_now(self, text: str) -> Speech | None:
        """Render (or load) one phrase in the caller's thread: for `sound-test`, not a session."""
        if not self.available:
            return None
        try:
            speech = self._load_or_render(text)
        except VoiceFailed as exc:
            self.notice = str(exc)
            return None
        with self._lock:
            self._loaded[text] = speech
        return speech

    # -- the background thread ---------------------------------------------------------

    def _wake(self) -> None:
        """With the lock held: start the thread on first use, or wake it."""
        if self._thread is None and self.available:
            self._thread = threading.Thread(target=self._run, name="backrelief-voice", daemon=True)
            self._thread.start()
        self._work.notify()

    def _run(self) -> None:
        while True:
            with self._work:
                while not (self._todo or self._source is not None) or not self.available:
                    self._busy = False
                    self._work.wait()
                self._busy = True
                source, self._source = self._source, None
                text = self._todo.popleft() if source is None else ""
                speech = self._loaded.get(text)
            if source is not None:
                self._list(source)
                continue
            if speech is None:
                try:
                    speech = self._load_or_render(text)
                except Exception as exc:  # VoiceFailed, or a bug: either way the coach falls quiet
                    with self._lock:
                        self.notice = str(exc) if isinstance(exc, VoiceFailed) else (
                            f"The spoken coach failed ({type(exc).__name__}); the coach is not speaking.")
                        self._todo.clear()
                        self._waiting.clear()
                    continue
            with self._lock:
                self._loaded[text] = speech
                asked = self._waiting.pop(text, None)
            if asked is not None and self._clock() - asked[0] <= MAX_LATE:
                asked[1](speech)

    def _list(self, source: Iterable[str]) -> None:
        """In the thread: walk what `prepare` was given and queue what is not loaded yet."""
        try:
            listed = [text for text in dict.fromkeys(source) if text]
        except Exception:  # a phrase list that cannot be made: each phrase is still rendered when asked for
            listed = []
        with self._lock:
            if self._source is None:  # not replaced meanwhile by a newer `prepare`
                queued = set(self._todo)
                self._todo.extend(text for text in listed if text not in self._loaded and text not in queued)

    # -- espeak-ng and the cache ---------------------------------------------------------

    def cache_path(self, text: str) -> Path:
        """Where the phrase's WAV is cached: named by a hash of everything that changes the sound."""
        key = json.dumps([CACHE_FORMAT, text, self.name, self.rate, AMPLITUDE, self._espeak_version()])
        digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:32]
        return (self.cache or paths.cache_dir() / "voice") / f"{digest}.wav"

    def _load_or_render(self, text: str) -> Speech:
        path = self.cache_path(text)
        cached = _read_speech(text, path)
        if cached is not None:
            return cached
        self._render(text, path)
        rendered = _read_speech(text, path)
        if rendered is None:
            raise VoiceFailed(f"espeak-ng made no usable sound for voice {self.name!r}; the coach is not speaking.")
        return rendered

    def _render(self, text: str, path: Path) -> None:
        """espeak-ng -> a temporary WAV -> converted to `RATE` -> the cache, atomically."""
        assert self.program is not None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, raw_name = tempfile.mkstemp(prefix=".render-", suffix=".wav", dir=path.parent)
            os.close(handle)
        except OSError as exc:
            raise VoiceFailed(f"The speech cache {path.parent} cannot be written ({exc.strerror or exc}); "
                              "the coach is not speaking.") from exc
        raw = Path(raw_name)
        try:
            command = [self.program, "-v", self.name, "-s", str(self.rate), "-a", str(AMPLITUDE), "-z",
                       "-w", str(raw), "--stdin"]
            self.renders += 1
            try:
                done = subprocess.run(command, input=text.encode("utf-8"), stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE, timeout=RENDER_TIMEOUT, check=False)
            except subprocess.TimeoutExpired as exc:
                raise VoiceFailed(f"espeak-ng took over {RENDER_TIMEOUT:g} s for one phrase; "
                                  "the coach is not speaking.") from exc
            except OSError as exc:
                raise VoiceFailed(f"espeak-ng could not be run ({exc.strerror or exc}); "
                                  "the coach is not speaking.") from exc
            if done.returncode != 0:
                self.detail = _first_line(done.stderr)
                raise VoiceFailed(f"espeak-ng failed with voice {self.name!r} (exit status {done.returncode}); "
                                  "the coach is not speaking. Check the voice in Settings.")
            try:
                frames, rate = _read_wav(raw)
                data = _to_rate(frames, rate, RATE)
                _write_wav(path, data, RATE)
            except (OSError, EOFError, wave.Error, ValueError) as exc:
                raise VoiceFailed(f"espeak-ng made no usable sound for voice {self.name!r} ({exc}); "
                                  "the coach is not speaking.") from exc
        finally:
            raw.unlink(missing_ok=True)

    def _espeak_version(self) -> str:
        """espeak-ng's version line, so that an upgrade renders afresh (asked once)."""
        if self._version is None:
            self._version = ""
            if self.program is not None:
                try:
                    done = subprocess.run([self.program, "--version"], stdin=subprocess.DEVNULL,
                                          capture_output=True, timeout=RENDER_TIMEOUT, check=False)
                    self._version = _first_line(done.stdout).split(" Data at:")[0]
                except (OSError, subprocess.TimeoutExpired):
                    pass
        return self._version


def _first_line(data: bytes) -> str:
    lines = data.decode("utf-8", "replace").strip().splitlines()
    return lines[0][:200] if lines else ""


def _read_wav(path: Path) -> tuple[bytes, int]:
    """16-bit mono frames (little-endian) and their rate; raises on anything else."""
    if not path.is_file() or path.stat().st_size > MAX_WAV_BYTES:
        raise ValueError(f"{path.name} is not a phrase file")
    with wave.open(str(path), "rb") as wav:
        params = wav.getparams()
        frames = wav.readframes(params.nframes)
    if (params.nchannels, params.sampwidth, params.comptype) != (1, 2, "NONE") or not frames:
        raise ValueError(f"{path.name} is not 16-bit mono PCM")
    return frames, params.framerate


def _read_speech(text: str, path: Path) -> Speech | None:
    """A cached phrase, or None when it is missing or not what we write (then it is rendered again)."""
    try:
        frames, rate = _read_wav(path)
    except (OSError, EOFError, wave.Error, ValueError):
        return None
    return Speech(text, frames, rate) if rate == RATE else None


def _write_wav(path: Path, frames: bytes, rate: int) -> None:
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)
    atomic_write(path, buffer.getvalue())


def _to_rate(frames: bytes, source: int, target: int) -> bytes:
    """16-bit mono frames from `source` Hz to `target` Hz.

    espeak-ng speaks at 22,050 Hz and the cues are at 44,100 Hz. For that 2:1 case each new
    sample between two old ones is a 4-tap cubic midpoint, (9(b + c) - a - d) / 16: exact at
    the old samples, quick in pure Python, and its mirror image above 11 kHz is some 50 dB
    under the speech (linear interpolation leaves it at 36 dB). Other rates: linear.
    """
    samples = array("h", frames)
    if source == target or not samples:
        return frames
    if sys.byteorder == "big":
        samples.byteswap()
    if target == 2 * source:
        padded = [samples[0], *samples, samples[-1], samples[-1]]
        between = [(9 * (b + c) - a - d + 8) >> 4
                   for a, b, c, d in zip(padded, padded[1:], padded[2:], padded[3:], strict=False)]
        between[-1] = samples[-1]  # hold the last sample: nothing to interpolate towards
        out = array("h", bytes(4 * len(samples)))
        out[0::2] = samples
        try:
            out[1::2] = array("h", between)
        except OverflowError:  # a full-scale edge can overshoot; clip only then
            out[1::2] = array("h", [min(32767, max(-32768, value)) for value in between])
    else:
        step, last = source / target, len(samples) - 1
        count = len(samples) * target // source
        values = []
        for index in range(count):
            position = index * step
            left = int(position)
            right = min(left + 1, last)
            values.append(round(samples[left] + (samples[right] - samples[left]) * (position - left)))
        out = array("h", values)
    if sys.byteorder == "big":
        out.byteswap()
    return out.tobytes()


# -- a session's spoken coach ---------------------------------------------------------------


class SpokenCoach:
    """The spoken coach of one app: `start(steps)` when a session starts, `hear(events)` after
    each batch's cue, `take_notice()` after that (a line to show once, or None)."""

    def __init__(self, voice: Voice | None, player: Any, options: CoachOptions, *, gain: float = 1.0) -> None:
        self.voice = voice
        self.player = player
        self.options = options
        self.gain = gain
        self.coach: Coach | None = None
        self._noticed = False

    @classmethod
    def from_settings(cls, settings: Settings, player: Any, *, cache: Path | None = None,
                      program: str | None = None) -> SpokenCoach:
        """The coach the settings ask for; quiet (and without a notice) when voice or sound is off."""
        options = CoachOptions.from_settings(settings)
        speaking = options.verbosity is not Verbosity.OFF and getattr(player, "backend", "none") == "simpleaudio"
        voice = Voice(name=settings.voice_name, rate=settings.voice_rate, cache=cache, program=program) \
            if speaking else None
        return cls(voice, player, options, gain=settings.voice_volume)

    @property
    def speaking(self) -> bool:
        return self.voice is not None and self.voice.available

    def start(self, plan: Plan) -> None:
        """A session begins: list and render its phrases in the background. Returns at once."""
        self.coach = Coach(plan.steps, self.options)
        if self.speaking:
            assert self.voice is not None
            options = self.options

            def phrases() -> Iterator[str]:  # walked by the voice's thread, not the caller's
                yield from session_phrases(plan, options)

            self.voice.prepare(phrases())

    def hear(self, events: Sequence[Event]) -> list[str]:
        """Queue what to say for one batch (after its cue was played); returns the phrases."""
        if self.coach is None or not events:
            return []
        phrases = self.coach.say(events)
        if not self.speaking or getattr(self.player, "muted", False):
            return []
        assert self.voice is not None
        for phrase in phrases:
            speech = self.voice.speech(phrase)
            if speech is not None:
                self._play(speech)
            else:  # not rendered yet: said when it is, if still in time
                self.voice.request(phrase, self._play)
        return phrases

    def take_notice(self) -> str | None:
        """Why the coach is quiet, the first time it is asked after that happened; else None."""
        notice = self.voice.notice if self.voice is not None else None
        if notice is None or self._noticed:
            return None
        self._noticed = True
        return notice

    def _play(self, speech: Speech) -> None:
        say = getattr(self.player, "say", None)
        if say is not None and not getattr(self.player, "muted", False):
            say(speech.frames, speech.rate, gain=self.gain)


# -- `backrelief sound-test` ------------------------------------------------------------------

TEST_PHRASE = "Sound test. This is your coach."


def voice_test(settings: Settings, player: Any, out: Callable[[str], Any] = print, *, wait: bool = True,
               voice: Voice | None = None) -> bool:
    """The `sound-test` line for the voice: which voice, played or why not. True if it was heard."""
    from backrelief_tui.core.text import printable

    voice = voice or Voice(name=settings.voice_name, rate=settings.voice_rate)
    which = f"espeak-ng voice {settings.voice_name}, {settings.voice_rate} words a minute"
    off = ' (the coach is off in Settings: voice_coach = "off")' if settings.voice_coach == Verbosity.OFF else ""
    speech = voice.say_now(TEST_PHRASE)
    if speech is None:
        said = f" espeak-ng said: {printable(voice.detail)}" if voice.detail else ""
        out(f"{'voice':<13} not available: {voice.notice}{said}{off}")
        return False
    played = not getattr(player, "muted", False) and bool(
        player.say(speech.frames, speech.rate, gain=settings.voice_volume))
    if not played:
        out(f"{'voice':<13} rendered ({which}) but not played: the {player.backend} backend cannot play it{off}")
        return False
    out(f'{"voice":<13} played "{TEST_PHRASE}" ({which}, {speech.seconds:.1f} s){off}')
    if wait:
        player.wait(timeout=speech.seconds + 5.0)
    return True
