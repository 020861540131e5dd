"""Codecs: how values become bytes on the wire and back."""

from __future__ import annotations

import json
from typing import Any


class Codec:
    """Base class of codecs: ``encode`` a value to bytes, ``decode`` bytes to a value."""

    name = "base"

    def encode(self, value: Any) -> bytes:
        """Encode ``value`` to bytes."""
        raise NotImplementedError

    def decode(self, data: bytes) -> Any:
        """Decode bytes made by ``encode`` back to the value."""
        raise NotImplementedError


class JsonCodec(Codec):
    """Values as compact UTF-8 JSON; keys of dicts are sorted so equal values give equal bytes."""

    name = "json"

    def encode(self, value: Any) -> bytes:
        return json.dumps(value, sort_keys=True, separators=(",", ":")).encode("utf-8")

    def decode(self, data: bytes) -> Any:
        return json.loads(data.decode("utf-8"))


class RawCodec(Codec):
    """Bytes as they are; anything else is a TypeError."""

    name = "raw"

    def encode(self, value: Any) -> bytes:
        if not isinstance(value, bytes | bytearray):
            raise TypeError(f"RawCodec stores bytes, not {type(value).__name__}")
        return bytes(value)

    def decode(self, data: bytes) -> Any:
        return data


def roundtrip(codec: Codec, value: Any) -> bool:
    """Whether ``codec`` gives ``value`` back unchanged after encoding and decoding it.

    Raises:
        TypeError: if the codec cannot encode the value at all.
    """
    return codec.decode(codec.encode(value)) == value


def chunked(items: list[Any], size: int) -> list[list[Any]]:
    """Split ``items`` into consecutive chunks of at most ``size`` items.

    >>> chunked([1, 2, 3], 2)
    [[1, 2], [3]]
    """
    if size < 1:
        raise ValueError("size must be at least 1")
    return [items[i : i + size] for i in range(0, len(items), size)]
