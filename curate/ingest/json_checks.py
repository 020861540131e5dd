"""Checks on decoded JSON that the decoder itself does not make.

``json`` decodes ``"\\ud83d"`` (a lone surrogate escape) to a string that cannot be encoded as
UTF-8, so Parquet, Polars and every trainer fail on it later. Such a record is an
``encoding_error`` reject. Only records whose text holds a surrogate escape are walked.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = ["lone_surrogate"]

_ESCAPE = re.compile(r"\\[uU][dD][89a-fA-F][0-9a-fA-F]{2}")
_LONE = re.compile("[\ud800-\udfff]")


def lone_surrogate(obj: Any, text: str) -> str | None:
    """A reject message when a string (key or value) of ``obj`` holds a lone surrogate, else
    None. ``text`` is the record's source; without a surrogate escape in it nothing is walked."""
    if "\\" not in text or _ESCAPE.search(text) is None:
        return None
    stack = [obj]
    while stack:  # iterative: records may nest close to the decoder's depth limit
        item = stack.pop()
        if isinstance(item, str):
            m = _LONE.search(item)
            if m is not None:
                code = f"\\u{ord(m.group()):04x}"
                return f"lone surrogate escape {code} in a string: not valid Unicode"
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return None
