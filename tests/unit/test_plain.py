"""Plain mode (`backrelief run ROUTINE --plain`): one line per event, on a fake clock, with a real record."""

from __future__ import annotations

import io
import os
from datetime import datetime, timedelta, timezone

import pytest

from backrelief_tui.audio import SilentPlayer
from backrelief_tui.commands import main
from backrelief_tui.core.plan import plan_session
from backrelief_tui.core.recorder import Recorder
from backrelief_tui.core.records import SessionStatus
from backrelief_tui.core.routine import Kind, Move, Position, Routine, Sides
from backrelief_tui.core.settings import Settings
from backrelief_tui.core.store import RecordStore
from backrelief_tui.plain import MIN_WAKE, STOPPED, PlainSession, run_plain
from tests.fakes import FakeClock

SETTINGS = Settings(lead_in=3, default_rest=2, switch_seconds=2, position_change=0, sound=False)
START = datetime(2025, 3, 3, 9, 0, tzinfo=timezone(timedelta(hours=1)))


def routine(*, title: str = "Plain test", self_paced: bool = False) -> Routine:
    return Routine(
        id="plain-test", title=title, summary="Two short moves.", source="plain-test.toml",
        moves=(
            Move(id="hold-it", name="Hold it", kind=Kind.HOLD, hold=4, position=Position.STANDING,
                 sides=Sides.BOTH, cues=("Stand tall.",), caution="Stop if it hurts."),
            Move(id="lift-it", name="Lift it", kind=Kind.REPS, hold=1, tempo=2, reps=2, rep_rest=1,
                 position=Position.STANDING, cues=("Lift slowly.",), self_paced=self_paced),
        ),
    )


EXPECTED = """\
Plain test — 0:22 · 2 moves · no equipment.
Stop if you feel sharp pain, or pain, tingling or numbness spreading down a leg.
Hands-free (stdin is not a terminal): no keys; ctrl+c stops.
Get ready: Hold it, left side — 3 s.
  · Stand tall.
  Caution: Stop if it hurts.
Go: Hold it, left side — hold 4 s.
  3
  2
  1
Switch sides: right side next — 2 s.
Go: Hold it, right side — hold 4 s.
  3
  2
  1
Done: Hold it.
Rest 2 s. Next: Lift it.
  · Lift slowly.
Go: Lift it, rep 1 of 2 — 3 s.
  Lift 1 s
  Hold 1 s
  Lower 1 s
Rest 1 s.
Go: Lift it, rep 2 of 2 — 3 s.
  Lift 1 s
  Hold 1 s
  Lower 1 s
Done: Lift it.
Session complete. Well done.
Completed: 2 of 2 moves done, 0:22 active.
Saved in your history.
"""


class Sleeper:
    """Moves the fake clock instead of sleeping; remembers every nap."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.naps: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.naps.append(seconds)
        self.clock.advance(seconds)


class ScriptedKeys:
    """Keys pressed at given seconds after the start, on the fake clock; `KeyboardInterrupt` as a key raises it."""

    def __init__(self, clock: FakeClock, script: list[tuple[float, object]]) -> None:
        self.clock = clock
        self.start = clock.time
        self.script = list(script)

    def wait(self, timeout: float | None) -> str | None:
        if self.script:
            at, key = self.script[0]
            due = self.start + at
            if timeout is None or due <= self.clock.time + timeout:
                self.script.pop(0)
                self.clock.advance(max(0.0, due - self.clock.time))
                if key is KeyboardInterrupt:
                    raise KeyboardInterrupt
                return str(key)
        if timeout is None:
            raise AssertionError("waiting for a key that never comes")
        self.clock.advance(timeout)
        return None


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(tmp_path) -> RecordStore:
    return RecordStore(tmp_path / "sessions", tmp_path / "index.sqlite", live_dir=tmp_path / "live")


def session(clock: FakeClock, store: RecordStore, **options) -> PlainSession:
    out = io.StringIO()
    defaults = dict(clock=clock, sleep=Sleeper(clock), err=io.StringIO(),
                    recorder=Recorder(store, wall_clock=lambda: START + timedelta(seconds=clock.time - 1000)))
    defaults.update(options)
    return PlainSession(defaults.pop("routine", routine()), defaults.pop("settings", SETTINGS), out, **defaults)


def only_record(store: RecordStore):
    entries = store.entries()
    assert len(entries) == 1
    return entries[0]


def test_a_whole_routine_hands_free_writes_every_event_once_in_order_and_a_completed_record(clock, store):
    plain = session(clock, store)
    assert plain.run() == 0
    assert plain.out.getvalue() == EXPECTED
    entry = only_record(store)
    assert entry.status == SessionStatus.COMPLETED and entry.routine == "plain-test"
    record = store.load(entry.path)
    assert record.status is SessionStatus.COMPLETED and record.steps_finished == record.steps_total
    assert not any((store.root.parent / "live").glob("*")), "the live marker is given back at the end"


def test_it_waits_for_the_engine_s_wake_ups_not_a_fixed_tick(clock, store):
    plain = session(clock, store)
    plain.run()
    naps = plain.sleep.naps
    total = plan_session(routine(), SETTINGS).total_seconds
    assert min(naps) >= MIN_WAKE
    assert len(naps) <= total + 2  # about one wake-up a second: the countdown's pace, no spinning


def test_no_cursor_movement_and_no_colour_unless_asked_and_file_text_is_printable(clock, store):
    hostile = routine(title="Evil\x1b]0;owned\x07 \x1b[2J")
    plain = session(clock, store, routine=hostile)
    plain.run()
    text = plain.out.getvalue()
    assert "\x1b" not in text and "\r" not in text and "\x07" not in text
    assert "Evil\\x1b]0;owned\\x07 \\x1b[2J" in text

    coloured = session(FakeClock(), store, color=True)
    coloured.run()
    lines = coloured.out.getvalue().splitlines()
    go = next(line for line in lines if "Go: Hold it, left side" in line)
    assert go == "\x1b[1;32mGo: Hold it, left side — hold 4 s.\x1b[0m"
    assert lines[0] == "Plain test — 0:22 · 2 moves · no equipment."  # the header stays plain


def test_keys_pause_skip_and_stop_after_asking(clock, store):
    keys = ScriptedKeys(clock, [(4.5, " "), (60, " "), (61, "n"), (61.5, "q"), (62, "n"), (62.5, "N"),
                                (63, "q"), (64, "y")])
    plain = session(clock, store, keys=keys)
    assert plain.run() == 0
    text = plain.out.getvalue()
    assert "Keys: space pause/resume, n next step, N next move, q stop." in text
    order = ["Go: Hold it, left side — hold 4 s.", "Paused. Space to go on.", "Going on.", "Next step.",
             "Switch sides: right side next — 2 s.", "Stop this session? y/n", "Going on.", "Next move.",
             "Rest 2 s. Next: Lift it.", "Stop this session? y/n", "Stopped: 0 of 2 moves done"]
    positions = [text.index(line) for line in order[:1]]
    for line in order[1:]:
        positions.append(text.index(line, positions[-1] + 1))
    assert "Kept in your history." in text
    assert "Next move.\nRest 2 s. Next: Lift it.\n" in text  # where N lands, not the steps it skipped
    assert text.count("Going on.") == 2  # one line per answer, not one more for the resume
    record = store.load(only_record(store).path)
    assert record.status is SessionStatus.STOPPED and record.pauses >= 1
    assert round(record.paused_seconds) >= 55  # the pause, and the two questions held it


def test_ctrl_c_ends_like_stopping_the_record_is_kept(clock, store):
    asked: list[str] = []
    keys = ScriptedKeys(clock, [(9, KeyboardInterrupt)])
    plain = session(clock, store, keys=keys, ask=lambda prompt: asked.append(prompt) or "")
    assert plain.run() == STOPPED
    assert plain.out.getvalue().splitlines()[-2].startswith("Stopped: 0 of 2 moves done")
    assert store.load(only_record(store).path).status is SessionStatus.STOPPED
    assert len(asked) == 1  # before; after ctrl+c nothing more is asked


def test_the_check_in_is_a_plain_question_before_and_after(clock, store):
    answers = iter(["4\n", "lots\n", "2\n"])
    asked: list[str] = []

    def ask(prompt: str) -> str:
        asked.append(prompt)
        return next(answers)

    plain = session(clock, store, ask=ask)
    assert plain.run() == 0
    assert asked == ["Before Plain test: how is your back right now? 0 (none) to 10, enter to skip: ",
                     "And now: how is your back? 0 (none) to 10, enter to skip: ",
                     "Please give a number from 0 to 10, or press enter to skip: "]
    record = store.load(only_record(store).path)
    assert (record.pain_before, record.pain_after) == (4, 2)


def test_no_check_in_with_no_checkin_or_when_the_setting_is_off(clock, store):
    def never(prompt: str) -> str:
        raise AssertionError("asked")

    assert session(clock, store, ask=never, checkin=False).run() == 0
    assert session(FakeClock(), store, ask=never, settings=Settings(pain_checkin=False, sound=False,
                                                                     lead_in=0)).run() == 0


def test_a_self_paced_set_moves_on_hands_free_and_waits_for_space_with_keys(clock, store):
    plain = session(clock, store, routine=routine(self_paced=True))
    assert plain.run() == 0
    assert "Go, at your own pace: Lift it, 2 reps; moving on after about 6 s." in plain.out.getvalue()

    keyed_clock = FakeClock()
    keys = ScriptedKeys(keyed_clock, [(40, " ")])
    keyed = session(keyed_clock, store, routine=routine(self_paced=True), keys=keys)
    assert keyed.run() == 0
    text = keyed.out.getvalue()
    assert "Go, at your own pace: Lift it, 2 reps; space when done." in text
    assert "Completed: 2 of 2 moves done" in text


def test_a_clock_jump_hands_free_pauses_then_goes_on(clock, store):
    sleeper = Sleeper(clock)

    def jumpy(seconds: float) -> None:
        sleeper(seconds + (30 if len(sleeper.naps) == 5 else 0))

    plain = session(clock, store, sleep=jumpy)
    assert plain.run() == 0
    text = plain.out.getvalue()
    assert "Paused: the clock jumped (was the computer asleep?). Going on." in text
    assert "Completed: 2 of 2 moves done" in text


def test_run_plain_with_stdin_from_a_pipe_is_hands_free_with_a_real_record(clock, store, tmp_path):
    read_end, write_end = os.pipe()
    os.close(write_end)
    with os.fdopen(read_end) as stdin:
        out = io.StringIO()
        code = run_plain(routine(), SETTINGS, stdin=stdin, stdout=out, clock=clock, sleep=Sleeper(clock),
                         store=store, player=SilentPlayer())
    assert code == 0
    assert out.getvalue() == EXPECTED
    assert only_record(store).status == SessionStatus.COMPLETED


def test_run_checks_its_plain_options(capsys):
    assert main(["run", "desk-break", "--color"]) == 1
    assert capsys.readouterr().err.strip() == "backrelief: --color and --no-checkin go with --plain"


def test_terminal_keys_read_one_key_at_a_time_and_give_the_terminal_back(tmp_path):
    import termios

    from backrelief_tui.plain import TerminalKeys

    main_fd, terminal_fd = os.openpty()
    try:
        before = termios.tcgetattr(terminal_fd)
        with TerminalKeys(terminal_fd) as keys:
            assert not termios.tcgetattr(terminal_fd)[3] & termios.ICANON  # cbreak: no line editing, no echo
            os.write(main_fd, b"\x1b[Cn")
            assert keys.wait(1.0) is None  # an arrow key: read whole and let go
            assert keys.wait(1.0) == "n"
            assert keys.wait(0) is None
        assert termios.tcgetattr(terminal_fd) == before
    finally:
        os.close(main_fd)
        os.close(terminal_fd)


def test_sigterm_ends_the_session_like_ctrl_c():
    import signal

    from backrelief_tui.plain import Interrupted, ending_signals

    before = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Interrupted, match="SIGTERM"), ending_signals():
        os.kill(os.getpid(), signal.SIGTERM)
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_signal_stops_the_session_with_128_plus_its_number(clock, store):
    import signal

    from backrelief_tui.plain import Interrupted

    class Hangup:
        def wait(self, timeout):
            clock.advance(8)
            raise Interrupted("SIGHUP", signal.SIGHUP)

    plain = session(clock, store, keys=Hangup())
    assert plain.run() == 128 + signal.SIGHUP
    assert store.load(only_record(store).path).status is SessionStatus.STOPPED


def test_a_closed_output_stops_the_session_and_keeps_the_record(clock, store):
    class ClosedAfter(io.StringIO):
        def write(self, text):
            if self.getvalue().count("\n") >= 8:
                raise BrokenPipeError(32, "Broken pipe")
            return super().write(text)

    plain = session(clock, store)
    plain.out = ClosedAfter()
    with pytest.raises(BrokenPipeError):  # `commands.output` turns it into a quiet exit
        plain.run()
    assert store.load(only_record(store).path).status is SessionStatus.STOPPED
