"""tinykv: a small key-value store client with pluggable codecs and time-to-live support."""

from tinykv.codec import Codec, JsonCodec, RawCodec
from tinykv.store import Store

__all__ = ["Codec", "JsonCodec", "RawCodec", "Store"]
