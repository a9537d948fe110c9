"""Counting how often a real function runs in a test, without changing what it does."""

from __future__ import annotations

from typing import Any


def counted(monkeypatch: Any, owner: object, name: str) -> list[int]:
    """Wrap `owner.name` so that its calls are counted; the one-item list holds the count."""
    count = [0]
    real = getattr(owner, name)

    def spy(*args: Any, **kwargs: Any) -> Any:
        count[0] += 1
        return real(*args, **kwargs)

    monkeypatch.setattr(owner, name, spy)
    return count
