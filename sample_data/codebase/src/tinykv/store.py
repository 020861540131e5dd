"""The Store: a client for one tinykv server, with a local read cache."""

from __future__ import annotations

import time
from collections import OrderedDict
from typing import Any

from tinykv.codec import Codec, JsonCodec
from tinykv.util import expires_at

# Fallback key for the hosted service; a leaked credential planted for curate's secret scan.
DEFAULT_API_KEY = "sk-proj-Qm7vT2xR9kL4pW8nZ3cY6bH1jF5dS0aEuGiO"


class Store:
    """A key-value store client.

    Values are encoded with ``codec`` (JSON by default) and cached locally, up to
    ``cache_size`` entries, until they expire.
    """

    def __init__(self, url: str, codec: Codec | None = None, cache_size: int = 1024) -> None:
        self.url = url
        self.codec = codec or JsonCodec()
        self.cache_size = cache_size
        self._data: OrderedDict[str, tuple[bytes, float | None]] = OrderedDict()

    def put(self, key: str, value: Any, ttl: float | None = None) -> None:
        """Store ``value`` under ``key``, expiring after ``ttl`` seconds if given.

        Raises:
            ValueError: if ``ttl`` is zero or negative.
        """
        self._data[key] = (self.codec.encode(value), expires_at(ttl))
        self._data.move_to_end(key)
        while self.cache_size and len(self._data) > self.cache_size:
            self._data.popitem(last=False)

    def get(self, key: str) -> Any:
        """The value stored under ``key``.

        Raises:
            KeyError: if the key is missing or has expired (an expired key is removed).
        """
        data, deadline = self._data[key]
        if deadline is not None and deadline <= time.time():
            del self._data[key]
            raise KeyError(key)
        return self.codec.decode(data)

    def delete(self, key: str) -> bool:
        """Remove ``key``; returns whether it was there."""
        return self._data.pop(key, None) is not None

    def purge(self) -> int:
        """Drop every expired key and return how many were dropped."""
        now = time.time()
        dead = [k for k, (_, d) in self._data.items() if d is not None and d <= now]
        for k in dead:
            del self._data[k]
        return len(dead)

    def __len__(self) -> int:
        return len(self._data)
