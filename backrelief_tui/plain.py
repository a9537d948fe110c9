"""`backrelief run ROUTINE --plain`: a routine followed as plain lines, one per event, never redrawn.

For a screen reader, a braille display, an Emacs shell buffer or `ssh` from a phone: every
line is written once, with no cursor movement and no colour (unless `--color`), and every
piece of text that came from a file passes `core.text.printable`. It is the same session as
the TUI's: the same engine and events, the same recorder (the record is written like any
other and holds the live marker), the same cues and spoken coach through the real player.

Keys work when stdin is a terminal (cbreak mode: one key at a time, no echo; the terminal is
put back on exit, on ctrl+z and on signals): space pauses and resumes (on a self-paced step:
done), n goes to the next step, N to the next move, q asks "Stop this session? y/n". With
stdin not a terminal it runs hands-free: a self-paced step moves on after its usual time.
Ctrl+C (or SIGTERM, SIGHUP) stops the session like q does: the record says stopped.

The loop sleeps (or waits for a key) until `engine.next_wakeup()`: no busy loop, no fixed
tick. Tests pass a fake clock and a sleeper that moves it, so no real time passes.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from types import FrameType
from typing import TYPE_CHECKING, Any, Protocol, TextIO

from backrelief_tui.core.clock import Clock, WallClock, local_now
from backrelief_tui.core.engine import Engine, Event, EventKind, PauseReason, State
from backrelief_tui.core.plan import Phase, Step, fit_beats, plan_session
from backrelief_tui.core.routine import Kind, Routine, Sides
from backrelief_tui.core.text import printable
from backrelief_tui.core.wording import (
    PAIN_AFTER_QUESTION,
    RED_FLAG_LINE,
    format_duration,
    pain_before_question,
    plural,
    routine_facts,
)

if TYPE_CHECKING:
    from backrelief_tui.audio import Player
    from backrelief_tui.core.recorder import SessionRecorder
    from backrelief_tui.core.settings import Settings
    from backrelief_tui.core.store import RecordStore

WAKE_SLACK = 0.01  # wake just after a boundary, so the new second is already due
MIN_WAKE = 0.02  # never spin, whatever the clock says
SPEECH_TAIL = 4.0  # seconds to let the last phrase ("Session complete") finish before exiting
STOPPED = 130  # the exit status after ctrl+c, as a shell gives it (a signal: 128 + its number)

KEYS_LINE = "Keys: space pause/resume, n next step, N next move, q stop."
HANDS_FREE_LINE = "Hands-free (stdin is not a terminal): no keys; ctrl+c stops."
CONFIRM_STOP = "Stop this session? y/n"
PAIN_HINT = "0 (none) to 10, enter to skip: "

# ANSI colours for `--color`, by what a line is about.
_COLOURS = {"ready": "33", "go": "1;32", "beat": "36", "count": "1", "rest": "34", "switch": "35",
            "done": "32", "end": "1;32", "pause": "1;33", "stop": "1;31"}


class Keys(Protocol):
    """Where keys come from: a terminal in cbreak mode, or a test's script."""

    def wait(self, timeout: float | None) -> str | None:
        """The next key pressed within `timeout` seconds (None: wait for one), or None."""
        ...


class Interrupted(Exception):
    """A signal (SIGTERM, SIGHUP) or the end of the terminal asked the session to end."""

    def __init__(self, reason: str, signal_number: int = signal.SIGINT) -> None:
        super().__init__(reason)
        self.exit_status = 128 + signal_number  # as a shell reports a process ended by that signal


# -- the session -----------------------------------------------------------------------------


@dataclass
class PlainSession:
    """One routine followed in plain lines; `run()` returns the exit status."""

    routine: Routine
    settings: Settings
    out: TextIO
    keys: Keys | None = None  # None: hands-free
    ask: Callable[[str], str | None] | None = None  # reads an answer line; None: no questions
    clock: Clock = time.monotonic
    sleep: Callable[[float], Any] = time.sleep
    recorder: SessionRecorder | None = None
    player: Player | None = None
    color: bool = False
    checkin: bool = True
    err: TextIO = field(default_factory=lambda: sys.stderr)
    engine: Engine = field(init=False)
    _coach: Any = field(init=False, default=None)
    _announced: set[int] = field(init=False, default_factory=set)  # moves whose cues were written
    _notices: set[str] = field(init=False, default_factory=set)

    def __post_init__(self) -> None:
        self.engine = Engine(plan_session(self.routine, self.settings), clock=self.clock)

    # -- the whole way through -------------------------------------------------------------

    def run(self) -> int:
        """Check-in, the session, its end (or a stop), the check-in after; returns the exit status."""
        plan = self.engine.plan
        if not plan.steps:
            self.say_err(f"{printable(self.routine.title)} has nothing to do.")
            return 1
        self.write_header()
        pain_before = self.ask_pain(pain_before_question(printable(self.routine.title)))
        if self.recorder is not None:
            self.recorder.set_pain_before(pain_before)
        self._start_coach()
        code = 0
        try:
            # Keys from a terminal come in cbreak mode only while the session runs: the
            # check-ins read whole lines, with echo.
            with self.keys if isinstance(self.keys, contextlib.AbstractContextManager) else contextlib.nullcontext():
                self.follow()
        except KeyboardInterrupt:
            self.engine.stop()
            code = STOPPED
        except Interrupted as interrupted:
            self.engine.stop()
            code = interrupted.exit_status
        except OSError:  # the output is gone (a closed pipe, a full disk): stop, keep the record, and let
            self.engine.stop()  # the command say so (`commands.output`)
            raise
        finally:
            self.finish_record()
        self.write_summary()
        if code == 0:  # after ctrl+c or a signal, no more questions
            self.ask_pain_after()
        if self.player is not None:
            self.player.wait(timeout=SPEECH_TAIL)
        return code

    def follow(self) -> None:
        """The loop: wait until the engine's next wake-up (or a key), then act and write."""
        engine = self.engine
        self.handle(engine.start())
        while not engine.over:
            key = self.wait()
            if key is not None:
                events = self.on_key(key)
            else:
                events = engine.poll()
                step = engine.step
                if (self.keys is None and step is not None and step.self_paced and engine.running
                        and engine.elapsed_in_step() >= step.seconds):
                    events += engine.next()  # hands-free: a self-paced set ends after its usual time
            self.handle(events)

    def wait(self) -> str | None:
        """Until the engine's next wake-up: a key, or None when the time came."""
        wake = self.engine.next_wakeup()
        timeout = None if wake is None else max(MIN_WAKE, wake - self.clock() + WAKE_SLACK)
        if self.keys is not None:
            return self.keys.wait(timeout)
        if timeout is None:  # paused with nobody to press a key (the clock jumped): go on at once
            return " " if self.engine.state is State.PAUSED else None
        self.sleep(timeout)
        return None

    # -- keys -------------------------------------------------------------------------------

    def on_key(self, key: str) -> list[Event]:
        engine = self.engine
        step = engine.step
        if key == " ":
            if step is not None and step.self_paced and engine.running:
                return engine.next()  # done with the set
            return engine.toggle_pause()
        if key == "n":
            self.line("pause", "Next step.")
            return engine.next()
        if key == "N":
            self.line("pause", "Next move.")
            events = engine.next_move()
            # Only where it lands: the steps it went through were skipped, not started.
            return [event for event in events if event.step_index >= engine.index
                    or event.kind is EventKind.SESSION_DONE]
        if key in ("q", "Q"):
            return self.confirm_stop()
        if key in ("?", "h"):
            self.line("", KEYS_LINE)
        return []

    def confirm_stop(self) -> list[Event]:
        """"Stop this session? y/n", with the session held while the question is open."""
        engine = self.engine
        held = engine.running
        events = engine.pause(PauseReason.QUESTION) if held else []
        self.handle(events, quiet=True)
        self.line("stop", CONFIRM_STOP)
        answer = self.keys.wait(None) if self.keys is not None else "y"
        if answer in ("y", "Y"):
            engine.stop()  # the summary line says so
            return []
        if held:
            return engine.resume()  # "Going on."
        self.line("pause", "Still paused. Space to go on.")
        return []

    # -- what each event says ------------------------------------------------------------------

    def handle(self, events: list[Event], *, quiet: bool = False) -> None:
        """Write the batch's lines, sound its cue and phrases, keep the record."""
        if not events:
            return
        if not quiet:
            for event in events:
                for kind, text in self.describe(event):
                    self.line(kind, text)
        self._sound(events)
        if self.recorder is not None:
            self.recorder.update(self.engine, events)
            self.note(self.recorder.error)

    def describe(self, event: Event) -> list[tuple[str, str]]:
        """The lines for one event: (colour key, text)."""
        step, kind = event.step, event.kind
        if kind is EventKind.STEP_STARTED and step is not None:
            return self._started(event.step_index, step)
        if kind is EventKind.BEAT and step is not None and event.beat is not None:
            beats = fit_beats(step.beats, self.engine.step_seconds(event.step_index)) if step.beats else ()
            if 0 <= event.beat < len(beats):
                beat = beats[event.beat]
                return [("beat", f"  {printable(beat.label)} {beat.seconds} s")]
        elif kind is EventKind.COUNTDOWN and event.count is not None:
            return [("count", f"  {event.count}")]
        elif kind is EventKind.SIDE_SWITCH and step is not None:
            side = f"{step.side} side" if step.side else "the other side"
            return [("switch", f"Switch sides: {side} next — {self.engine.step_seconds(event.step_index)} s.")]
        elif kind is EventKind.MOVE_DONE and step is not None:
            return [("done", f"Done: {printable(step.move.name)}.")]
        elif kind is EventKind.SESSION_DONE:
            return [("end", "Session complete. Well done.")]
        elif kind is EventKind.PAUSED:
            if event.reason is PauseReason.CLOCK_JUMP:
                going_on = "Going on." if self.keys is None else "Space to go on."
                return [("pause", f"Paused: the clock jumped (was the computer asleep?). {going_on}")]
            return [("pause", "Paused. Space to go on.")]
        elif kind is EventKind.RESUMED:
            return [("pause", "Going on.")]
        return []

    def _started(self, index: int, step: Step) -> list[tuple[str, str]]:
        seconds = self.engine.step_seconds(index)
        if step.phase is Phase.LEAD_IN:
            first = self._first_work(step.move_index)
            return [("ready", f"Get ready: {self._named(first or step)} — {seconds} s."),
                    *self._how(step.move_index, first or step)]
        if step.phase is Phase.REST:
            following = self.engine.steps[index + 1] if index + 1 < len(self.engine.steps) else None
            if step.rep == 0 and following is not None and following.move_index != step.move_index:
                first = self._first_work(following.move_index) or following
                return [("rest", f"Rest {seconds} s. Next: {self._named(first)}."),
                        *self._how(following.move_index, first)]
            return [("rest", f"Rest {seconds} s.")]
        if step.phase is Phase.WORK:
            lines = self._how(step.move_index, step)
            if step.self_paced:
                then = "space when done" if self.keys is not None else f"moving on after about {step.seconds} s"
                what = plural(step.move.reps, "rep")
                return [*lines, ("go", f"Go, at your own pace: {self._named(step)}, {what}; {then}.")]
            return [*lines, ("go", f"Go: {self._named(step, rep=True)} — {self._amount(step, seconds)}.")]
        return []  # the switch step: its SIDE_SWITCH event has the line

    def _first_work(self, move_index: int) -> Step | None:
        return next((s for s in self.engine.steps if s.move_index == move_index and s.phase is Phase.WORK), None)

    @staticmethod
    def _named(step: Step, *, rep: bool = False) -> str:
        """`Bird dog, left side, rep 2 of 4` (the side and the rep where they apply)."""
        parts = [printable(step.move.name)]
        if step.move.sides is Sides.ALTERNATE and not rep:
            parts.append("alternating sides")
        elif step.side is not None:
            parts.append(f"{step.side} side")
        if rep and step.reps > 1:
            parts.append(f"rep {step.rep} of {step.reps}")
        return ", ".join(parts)

    @staticmethod
    def _amount(step: Step, seconds: int) -> str:
        if step.move.kind is Kind.REPS:
            return f"{seconds} s"
        return f"{step.move.kind} {seconds} s"  # "hold 30 s", "roll 45 s"

    def _how(self, move_index: int, step: Step) -> list[tuple[str, str]]:
        """The move's cues and caution, written once, when the move is first announced."""
        if move_index in self._announced:
            return []
        self._announced.add(move_index)
        move = step.move
        lines = [("", f"  · {printable(cue)}") for cue in move.cues]
        if move.caution:
            lines.append(("", f"  Caution: {printable(move.caution)}"))
        return lines

    # -- output ------------------------------------------------------------------------------

    def line(self, kind: str, text: str) -> None:
        """One line, written once (coloured only with `--color`)."""
        if self.color and kind in _COLOURS:
            text = f"\x1b[{_COLOURS[kind]}m{text}\x1b[0m"
        self.out.write(text + "\n")
        self.out.flush()

    def say_err(self, text: str) -> None:
        self.err.write(f"backrelief: {text}\n")
        self.err.flush()

    def note(self, text: str | None) -> None:
        """A notice (sound fell back, the voice is quiet, a record could not be saved), once, on stderr."""
        if text and text not in self._notices:
            self._notices.add(text)
            self.err.write(f"note: {text}\n")
            self.err.flush()

    def write_header(self) -> None:
        plan = self.engine.plan
        facts = routine_facts(plan.total_seconds, len(plan.moves), self.routine.equipment)
        self.line("", f"{printable(self.routine.title)} — {printable(facts)}.")
        self.line("", RED_FLAG_LINE)
        if self.routine.caution:
            self.line("", f"Caution: {printable(self.routine.caution)}")
        self.line("", KEYS_LINE if self.keys is not None else HANDS_FREE_LINE)

    def write_summary(self) -> None:
        engine = self.engine
        results = engine.results()
        done = sum(result.status == "done" for result in results)
        active = format_duration(engine.active_seconds())
        finished = engine.state is State.FINISHED
        how = "Completed" if finished else "Stopped"
        self.line("end" if finished else "stop", f"{how}: {done} of {plural(len(results), 'move')} done, "
                                                 f"{active} active.")
        if self.recorder is not None and self.recorder.record is not None and not self.recorder.error:
            self.line("", "Kept in your history." if not finished else "Saved in your history.")

    # -- sound and voice -----------------------------------------------------------------------

    def _start_coach(self) -> None:
        if self.player is None:
            return
        self.note(self.player.notice)
        from backrelief_tui.voice import SpokenCoach

        self._coach = SpokenCoach.from_settings(self.settings, self.player)
        self._coach.start(self.engine.plan)

    def _sound(self, events: list[Event]) -> None:
        if self.player is None:
            return
        from backrelief_tui.audio import cue_for_events

        cue = cue_for_events(events)
        if cue is not None:
            self.player.play(cue)
        if self._coach is not None:
            self._coach.hear(events)
            self.note(self._coach.take_notice())

    # -- the record and the check-ins ------------------------------------------------------------

    def finish_record(self) -> None:
        if self.recorder is not None:
            self.recorder.finish(self.engine)
            self.note(self.recorder.error)

    def ask_pain(self, question: str) -> int | None:
        """The check-in as a plain question: a number from 0 to 10, or an empty line to skip."""
        if self.ask is None or not (self.checkin and self.settings.pain_checkin and self.recorder is not None):
            return None
        prompt = f"{question} {PAIN_HINT}"
        for _ in range(3):
            answer = self.ask(prompt)
            if answer is None or not answer.strip():
                return None
            text = answer.strip()
            if text.isdigit() and 0 <= int(text) <= 10:
                return int(text)
            prompt = "Please give a number from 0 to 10, or press enter to skip: "
        return None

    def ask_pain_after(self) -> None:
        recorder = self.recorder
        did_something = any(result.done_steps for result in self.engine.results())
        if recorder is None or recorder.record is None or not did_something:
            return
        value = self.ask_pain(PAIN_AFTER_QUESTION)
        if value is not None:
            recorder.set_pain_after(value)
            self.note(recorder.error)


# -- the terminal ---------------------------------------------------------------------------------


class TerminalKeys:
    """Keys from a terminal in cbreak mode: one at a time, no echo, signals still work.

    Use as a context manager: the terminal's own settings come back on exit, on ctrl+z
    (and cbreak again on `fg`), and when a signal ends the program.
    """

    def __init__(self, fd: int) -> None:
        self.fd = fd
        self._saved: list[Any] | None = None
        self._old_tstp: Any = None

    def __enter__(self) -> TerminalKeys:
        import termios
        import tty

        self._saved = termios.tcgetattr(self.fd)
        tty.setcbreak(self.fd)
        if _main_thread():
            self._old_tstp = signal.signal(signal.SIGTSTP, self._suspend)
        return self

    def __exit__(self, *exc: object) -> None:
        self.restore()
        if self._old_tstp is not None:
            signal.signal(signal.SIGTSTP, self._old_tstp)
            self._old_tstp = None

    def restore(self) -> None:
        import termios

        if self._saved is not None:
            termios.tcsetattr(self.fd, termios.TCSADRAIN, self._saved)

    def _suspend(self, signum: int, frame: FrameType | None) -> None:
        """ctrl+z: the terminal as it was, stop; on `fg`, cbreak again (the engine sees a pause)."""
        import tty

        self.restore()
        signal.signal(signal.SIGTSTP, signal.SIG_DFL)
        os.kill(os.getpid(), signal.SIGTSTP)
        signal.signal(signal.SIGTSTP, self._suspend)  # running again
        tty.setcbreak(self.fd)

    def wait(self, timeout: float | None) -> str | None:
        import select

        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return None
        data = os.read(self.fd, 1)
        if not data:  # the terminal went away
            raise Interrupted("end of input")
        key = data.decode("utf-8", "replace")
        if key == "\x1b":  # an arrow or function key: read the rest of it and let it go
            self._skip_sequence()
            return None
        if key == "\x03":  # ctrl+c, in case the terminal sends it as a character
            raise KeyboardInterrupt
        return key


    def _skip_sequence(self) -> None:
        """The rest of an escape sequence (`ESC [ C`, `ESC O P`): up to its final byte, no further."""
        import select

        def ready() -> bool:
            return bool(select.select([self.fd], [], [], 0.01)[0])

        if not ready() or os.read(self.fd, 1) not in (b"[", b"O"):
            return  # the escape key alone, or alt+key
        while ready():
            byte = os.read(self.fd, 1)
            if not byte or 0x40 <= byte[0] <= 0x7E:
                return


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


@contextlib.contextmanager
def ending_signals() -> Iterator[None]:
    """SIGTERM and SIGHUP end the session like ctrl+c (the record says stopped, the terminal comes back)."""
    if not _main_thread():
        yield
        return

    def interrupt(signum: int, frame: FrameType | None) -> None:
        raise Interrupted(signal.Signals(signum).name, signum)

    previous = {number: signal.signal(number, interrupt) for number in (signal.SIGTERM, signal.SIGHUP)}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def read_line(stdin: TextIO, out: TextIO) -> Callable[[str], str | None]:
    """The check-in's question and answer on a terminal (echo on: not in cbreak then)."""

    def ask(prompt: str) -> str | None:
        out.write(prompt)
        out.flush()
        answer = stdin.readline()
        return answer if answer else None  # end of input: skipped

    return ask


def run_plain(routine: Routine, settings: Settings, *, color: bool = False, checkin: bool = True,
              stdin: TextIO | None = None, stdout: TextIO | None = None, clock: Clock = time.monotonic,
              sleep: Callable[[float], Any] = time.sleep, wall_clock: WallClock = local_now,
              store: RecordStore | None = None, player: Player | None = None) -> int:
    """`backrelief run ROUTINE --plain` for real: the user's record store and sound player, keys
    when stdin is a terminal, hands-free when it is not."""
    from backrelief_tui.core.recorder import Recorder
    from backrelief_tui.core.store import RecordStore

    stdin = stdin or sys.stdin
    stdout = stdout or sys.stdout
    if player is None:
        from backrelief_tui.audio import make_player

        player = make_player(enabled=settings.sound, volume=settings.volume)
    store = store or RecordStore()
    interactive = _is_terminal(stdin)
    session = PlainSession(routine, settings, stdout, clock=clock, sleep=sleep, player=player, color=color,
                           checkin=checkin, recorder=Recorder(store, wall_clock=wall_clock),
                           keys=TerminalKeys(stdin.fileno()) if interactive else None,
                           ask=read_line(stdin, stdout) if interactive else None)
    with ending_signals():
        return session.run()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (ValueError, OSError):  # closed
        return False


__all__ = ["Interrupted", "Keys", "PlainSession", "TerminalKeys", "run_plain"]
