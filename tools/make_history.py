"""Make a realistic six-week history in a BACKRELIEF_HOME, to try the history, `progress` and `report` on.

    BACKRELIEF_HOME=/tmp/person python tools/make_history.py [--weeks 6] [--seed 1] [--today 2025-03-20]

The person: a desk worker with low back pain who takes the desk routine or a desk
break on most working days and does the activation routine about twice a week
(3 to 6 sessions a week in all). Before-session pain drifts from about 6 to about 3
over the weeks, with day-to-day noise and a couple of bad days (pain up, worse the
next morning); after a session it is usually a point or two lower, a little higher
after the floor work in the first weeks. A few sessions are stopped early (a meeting),
one or two before anything was done. Most mornings after a session day the
next-morning question is answered; a red-flag check was answered on the first run
(all no) and again after the worst day's jump in pain (all no). When a progression is
suggested for the front plank, the person accepts it (the rest are left open).

Every session is run through the real engine and recorder on a simulated clock, so
the records are exactly what the app writes. Writes into `$BACKRELIEF_HOME` (or
`--home`), which must not hold sessions already.
"""

from __future__ import annotations

import argparse
import os
import random
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from backrelief_tui.core import paths  # noqa: E402
from backrelief_tui.core.engine import Engine  # noqa: E402
from backrelief_tui.core.journal import (  # noqa: E402
    DecisionKind,
    load_journal,
    record_decision,
    record_morning,
    record_red_flag_check,
)
from backrelief_tui.core.library import load_library  # noqa: E402
from backrelief_tui.core.pain import MorningAnswer  # noqa: E402
from backrelief_tui.core.plan import plan_session  # noqa: E402
from backrelief_tui.core.progression import accept, decision, suggest  # noqa: E402
from backrelief_tui.core.recorder import Recorder  # noqa: E402
from backrelief_tui.core.redflags import RED_FLAG_IDS, RedFlagCheck, Trigger  # noqa: E402
from backrelief_tui.core.settings import Settings, Verbosity, save_settings  # noqa: E402
from backrelief_tui.core.store import RecordStore  # noqa: E402

ACCEPTS = ("front-plank",)  # suggestions the person says yes to as they come


class Clock:
    """The engine's monotonic clock, moved by hand."""

    def __init__(self) -> None:
        self.time = 1000.0

    def __call__(self) -> float:
        return self.time


def run_session(store: RecordStore, settings: Settings, routine_id: str, started: datetime, *,
                pain_before: int | None, pain_after: int | None, stop_after: float | None,
                skip: tuple[str, ...] = (), note: str = "") -> None:
    """One session through the engine and recorder: `stop_after` seconds of it, or all of it."""
    library = load_library()
    routine = library.get(routine_id)
    assert routine is not None, routine_id
    clock = Clock()
    origin = clock.time
    engine = Engine(plan_session(routine, settings), clock, jump_after=None)
    recorder = Recorder(store, wall_clock=lambda: started + timedelta(seconds=clock.time - origin),
                        pain_before=pain_before)
    recorder.update(engine, engine.start())
    while not engine.over:
        if stop_after is not None and clock.time - origin >= stop_after:
            engine.stop()
            break
        step = engine.step
        if step is not None and step.move.id in skip and step.phase.value == "work":
            recorder.update(engine, engine.next_move())
            continue
        if step is not None and step.self_paced:
            clock.time += 20
            recorder.update(engine, engine.next())
            continue
        wakeup = engine.next_wakeup()
        clock.time = max(clock.time + 0.5, wakeup if wakeup is not None else clock.time + 1)
        events = engine.poll()
        if events:
            recorder.update(engine, events)
    recorder.finish(engine)
    if pain_after is not None:  # asked on the summary, after the session has ended
        recorder.set_pain_after(pain_after)
    if note:
        recorder.set_note(note)


def clamp(value: float) -> int:
    return max(0, min(10, round(value)))


def plan_days(rng: random.Random, first: date, last: date) -> list[tuple[date, str, time]]:
    """(day, routine, time of day) for every session: 3 to 6 a week."""
    sessions = []
    monday = first - timedelta(days=first.weekday())
    while monday <= last:
        wanted = rng.choice((3, 4, 5, 5, 6))
        days = sorted(rng.sample(range(5), min(wanted, 5)))  # working days
        if wanted > 5 or rng.random() < 0.3:
            days.append(5)  # a Saturday
        activate = set(rng.sample(days, 2))
        for offset in days:
            day = monday + timedelta(days=offset)
            if not first <= day <= last:
                continue
            if offset in activate:
                routine, at = "activate", time(18, rng.randint(0, 50))
            else:
                routine = rng.choice(("desk", "desk", "desk-break"))
                at = time(rng.choice((10, 11, 14, 15, 16)), rng.randint(0, 59))
            sessions.append((day, routine, at))
        monday += timedelta(weeks=1)
    return sessions


def make(home: Path, weeks: int, seed: int, today: date) -> None:
    os.environ[paths.HOME_VARIABLE] = str(home)
    store = RecordStore()
    if store.root.exists() and any(store.root.rglob("*.toml")):
        raise SystemExit(f"{store.root} already holds sessions: use an empty BACKRELIEF_HOME")
    rng = random.Random(seed)
    zone = datetime.now().astimezone().tzinfo
    first = today - timedelta(weeks=weeks) + timedelta(days=1)
    settings = Settings(sound=False, safety_acknowledged=True, voice_coach=Verbosity.OFF)
    save_settings(settings)
    library = load_library()
    sessions = plan_days(rng, first, today - timedelta(days=1))
    middle = range(len(sessions) // 3, 2 * len(sessions) // 3)  # the bad days fall in the middle weeks
    bad_days = set(rng.sample(middle, min(2, len(middle))))
    others = [i for i in range(len(sessions)) if i not in bad_days]
    stopped = set(rng.sample(others, min(3, len(others) // 4)))
    previous_rating: int | None = None
    first_start = datetime.combine(sessions[0][0], time(9, 30), zone)
    record_red_flag_check(RedFlagCheck(first_start, Trigger.FIRST_RUN, dict.fromkeys(RED_FLAG_IDS, False)))
    for number, (day, routine, at) in enumerate(sessions):
        started = datetime.combine(day, at, zone)
        progress_so_far = (day - first).days / max(1, (today - first).days)
        before = clamp(6.3 - 3.4 * progress_so_far + rng.gauss(0, 0.6))
        floor_work = 1 if routine == "activate" and progress_so_far < 0.45 else 0  # the planks were hard at first
        relief = rng.choice((1, 1, 2, 2, 3))
        after = clamp(before - relief + floor_work + rng.gauss(0, 0.4))
        if number in bad_days:
            before = clamp(before + 3 + rng.random())
            after = clamp(before + rng.choice((0, 1)))
            if previous_rating is not None and before - previous_rating >= 3:
                record_red_flag_check(RedFlagCheck(started - timedelta(minutes=1), Trigger.PAIN_JUMP,
                                                   dict.fromkeys(RED_FLAG_IDS, False)))
        if rng.random() < 0.08:
            before = None  # the check-in skipped
        if rng.random() < 0.08:
            after = None
        rated = after if after is not None else before
        stop_after = None
        if number in stopped:
            stop_after = rng.choice((75.0, 200.0, 260.0))  # a meeting, a call
        # the person accepts a front-plank progression as soon as it is suggested
        if routine == "activate":
            records, _ = store.records_between(day - timedelta(weeks=8), day)
            journal, _problems = load_journal()
            offered = suggest(library.moves, settings, records, journal)
            for suggestion in offered.suggestions:
                if suggestion.move_id in ACCEPTS:
                    settings = accept(settings, suggestion, library.moves[suggestion.move_id])
                    save_settings(settings)
                    record_decision(decision(suggestion, DecisionKind.ACCEPTED, started - timedelta(minutes=2)))
        skip = ("side-plank",) if routine == "activate" and progress_so_far < 0.35 and rng.random() < 0.5 else ()
        note = ""
        if number in bad_days:
            note = rng.choice(("Moved house furniture at the weekend; back sore since.",
                               "Long drive yesterday, stiff all day."))
        elif skip:
            note = "Skipped the side plank: my shoulder."
        elif stop_after is not None:
            note = "Stopped for a call."
        run_session(store, settings, routine, started, pain_before=before, pain_after=after, stop_after=stop_after,
                    skip=skip, note=note)
        previous_rating = rated if rated is not None else previous_rating
        # the next morning, if the app is opened
        next_day = day + timedelta(days=1)
        asked = datetime.combine(next_day, time(8, rng.randint(0, 59)), zone)
        same_day_again = number + 1 < len(sessions) and sessions[number + 1][0] == day
        if not same_day_again and next_day <= today and rng.random() < 0.75:
            answer = (MorningAnswer.WORSE if number in bad_days
                      else rng.choice((MorningAnswer.BETTER, MorningAnswer.SAME, MorningAnswer.SAME)))
            record_morning(day, answer, asked)
    store.refresh()
    print(f"{len(sessions)} sessions from {first:%a %d %b} to {today - timedelta(days=1):%a %d %b %Y} "
          f"in {store.root}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--home", type=Path, default=None,
                        help="the BACKRELIEF_HOME to fill (default: $BACKRELIEF_HOME)")
    parser.add_argument("--weeks", type=int, default=6)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--today", type=date.fromisoformat, default=None,
                        help="the day after the history ends (default: today)")
    args = parser.parse_args()
    home = args.home or (Path(os.environ[paths.HOME_VARIABLE]) if os.environ.get(paths.HOME_VARIABLE) else None)
    if home is None:
        parser.error(f"give --home or set {paths.HOME_VARIABLE}: this writes a whole history")
    make(home.expanduser(), args.weeks, args.seed, args.today or date.today())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
