"""JSON documents: telling a .json file that is really JSON Lines apart (the streaming splitter is curate.ingest.json_doc)."""

from __future__ import annotations

import re

from curate.ingest.readers.jsonl import _DECODER

_WS = re.compile(r"[ \t\n\r]*")


def _looks_like_jsonl(prefix: str) -> bool:
    """A .json file holding one object per line (common) is read as JSON Lines."""
    start = _WS.match(prefix).end()  # type: ignore[union-attr]
    if not prefix.startswith("{", start):
        return False
    first = prefix[start:].split("\n", 1)
    if len(first) == 2 and first[0].rstrip().endswith("}") and first[1].lstrip().startswith("{"):
        return True  # lines that each hold an object, even unparsable ones (Python reprs)
    try:
        _, end = _DECODER.raw_decode(prefix, start)
    except (ValueError, RecursionError):
        return False
    rest = prefix[end : end + 200]
    return "\n" in rest[: len(rest) - len(rest.lstrip())] and rest.lstrip().startswith("{")
