"""The two clocks a session runs on, as injectable callables.

`Clock` is monotonic seconds (the engine's time: deadlines, pauses); `WallClock` is
the date and time with this machine's UTC offset (what records store). The app
passes `time.monotonic` and `local_now`; tests pass hand-driven fakes.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

Clock = Callable[[], float]
WallClock = Callable[[], datetime]


def local_now() -> datetime:
    """The wall clock with this machine's UTC offset (records store offset datetimes)."""
    return datetime.now().astimezone()
