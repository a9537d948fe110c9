"""Test doubles shared by the unit, UI, audio and crash tests."""

from __future__ import annotations


class FakeClock:
    """A monotonic clock that moves only when told to (tests never sleep)."""

    def __init__(self, start: float = 1000.0) -> None:
        self.time = start

    def __call__(self) -> float:
        return self.time

    def advance(self, seconds: float) -> float:
        if seconds < 0:
            raise ValueError("a monotonic clock never goes back")
        self.time += seconds
        return self.time
