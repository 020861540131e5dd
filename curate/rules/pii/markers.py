"""The private-use characters a scan writes into the text, and the patterns that find them.

A find is wrapped in place, ``OPEN value CLOSE``: while a pass's check is pending, OPEN is the
pass's opener (``_open``) and the value is split into the pass's slots by SEP; once resolved,
OPEN is the type's marker (``_canon``). Every module of the scan shares these, so they live
apart from the patterns and the engine.
"""

from __future__ import annotations

import re

CLOSE = "\U000ffffd"
# a public link kept whole: the url check wraps it KEEP value CLOSE, and the engine then holds
# it out of the text (one HOLD character) until the scan ends, so that no later pass finds a
# "card" in a web-archive timestamp or a "phone" in an article number (engine._hold)
KEEP = "\U000f0fff"
HOLD = "\U000ffff9"
SEP = "\U000ffffc"
ROW = "\U000ffffa"  # between texts joined into one string (see _ScanState.resolve)
RESERVED = "[\U000f0000-\U000ffffd]"  # our markers; replaced by U+FFFD if the input has them
BRACKET = "[\U000f0000-\U000f0fff][^\U000ffffd]*\U000ffffd"
_BRACKET_RE = re.compile(f"({BRACKET})")
_ANY_MARK = "[\U000f0400-\U000f0fff]"
_CANON_RE = re.compile("([\U000f0400-\U000f0fff])([^\U000ffffd]*)\U000ffffd")


def _open(p: int) -> str:
    """Unresolved find of pass ``p`` (its slot says which detector)."""
    return chr(0xF0000 + p)


def _canon(t: int) -> str:
    """Resolved find of type index ``t``."""
    return chr(0xF0400 + t)


NOTE = "\U000ffffb"  # a check's output carries the names to spread as NOTE name NOTE
_NAME_NOTE = re.compile(f"{NOTE}([^{NOTE}]*){NOTE}")
