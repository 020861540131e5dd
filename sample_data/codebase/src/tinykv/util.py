"""Small helpers shared by the client (chunked was copied here from codec.py)."""

from __future__ import annotations

import time
from typing import Any


def chunked(items: list[Any], size: int) -> list[list[Any]]:
    """Split ``items`` into consecutive chunks of at most ``size`` items.

    >>> chunked([1, 2, 3], 2)
    [[1, 2], [3]]
    """
    if size < 1:
        raise ValueError("size must be at least 1")
    return [items[i:i + size] for i in range(0, len(items), size)]


def expires_at(ttl: float | None, now: float | None = None) -> float | None:
    """The absolute expiry time of a value stored now with ``ttl`` seconds to live.

    Returns None when ``ttl`` is None (the value never expires).
    """
    if ttl is None:
        return None
    if ttl <= 0:
        raise ValueError(f"ttl must be positive, got {ttl}")
    return (time.time() if now is None else now) + ttl


def _clamp(value, low, high):
    return max(low, min(high, value))
