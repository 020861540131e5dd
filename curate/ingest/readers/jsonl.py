"""JSON Lines: one record per line, read in ~1 MB blocks; each bad line is one reject."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from curate.ingest.json_checks import lone_surrogate
from curate.ingest.readers import base as _base
from curate.ingest.readers.base import RawBatch
from curate.ingest.readers.source import (
    _DECODE_ERRORS,
    _SURROGATE,
    _Batcher,
    _Source,
    _truncated_message,
)

_DECODER = json.JSONDecoder()


def _json_error(e: ValueError | RecursionError) -> str:
    if isinstance(e, json.JSONDecodeError):
        return f"invalid JSON: {e.msg} (column {e.colno})"
    if isinstance(e, RecursionError):
        return "invalid JSON: nested too deeply"
    return f"invalid JSON: {e}"  # e.g. an integer over Python's 4,300-digit limit


def _lines(src: _Source, out: _Batcher, cap: int) -> Iterator[tuple[int, list[str], str]]:
    """Blocks of complete physical lines: (number of the first, lines without "\\n", block text).

    Reads ~1 MB at a time; a line longer than ``cap`` is rejected as too_large and skipped
    without being kept; a damaged compressed stream ends with one truncated_file reject.
    """
    read = src.text.read
    base, tail, skipping = 1, "", 0
    while True:
        chunk = read(_base._CHUNK)
        if not chunk:
            if src.damaged is not None:
                msg = _truncated_message(src, base, src.damaged)
                out.reject(base, str(base), "truncated_file", msg, tail)
            elif skipping:
                out.reject(base, str(base), "too_large", _long_line(skipping, cap), "")
            elif tail:
                yield base, [tail], tail
            return
        data = tail + chunk
        if skipping:
            nl = data.find("\n")
            if nl < 0:
                skipping, tail = skipping + len(data), ""
                continue
            out.reject(base, str(base), "too_large", _long_line(skipping + nl, cap), "")
            data, base, skipping = data[nl + 1 :], base + 1, 0
        cut = data.rfind("\n") + 1
        tail = data[cut:]
        if cut:
            lines = data[:cut].split("\n")
            lines.pop()
            yield base, lines, data
            base += len(lines)
        if len(tail) > cap:
            skipping, tail = len(tail), ""


def _long_line(size: int, cap: int) -> str:
    return f"line of {size:,} characters is over the {cap:,}-character limit; skipped"


def _read_jsonl(src: _Source, out: _Batcher, cap: int) -> Iterator[RawBatch]:
    errors_start = _DECODE_ERRORS[0]
    seen: dict[str, None] = {}
    keys = seen.keys()
    loads = json.loads
    decode_error = (ValueError, RecursionError)  # JSONDecodeError, digit limit, deep nesting
    for base, lines, text in _lines(src, out, cap):
        check_nul = "\x00" in text
        check_sur = "\\" in text  # escapes are rare; memchr-fast when absent
        check_enc = _DECODE_ERRORS[0] != errors_start and _SURROGATE.search(text) is not None
        rows, nums = out.rows, out.lines
        for i, line in enumerate(lines):
            n = base + i
            if check_nul and "\x00" in line:
                out.reject(n, str(n), "nul_bytes", "line contains NUL characters", line)
                continue
            if check_enc and _SURROGATE.search(line):
                msg = f"line has bytes that are not valid {src.encoding}"
                out.reject(n, str(n), "encoding_error", msg, line)
                continue
            if len(line) > cap:
                out.reject(n, str(n), "too_large", _long_line(len(line), cap), line)
                continue
            try:
                obj = loads(line)
            except decode_error as e:
                if line.strip():
                    out.reject(n, str(n), "bad_json", _json_error(e), line)
                continue
            if type(obj) is not dict:
                msg = f"expected a JSON object, found {_json_type(obj)}"
                out.reject(n, str(n), "not_an_object", msg, line)
                continue
            if check_sur and (bad := lone_surrogate(obj, line)) is not None:
                out.reject(n, str(n), "encoding_error", bad, line)
                continue
            if not keys >= obj.keys() and len(seen) < 10_000:
                for k in obj:
                    if k not in seen:
                        seen[k] = None
                        out.columns.append(k)
            rows.append(obj)
            nums.append(n)
            if len(rows) >= out.size or len(out.rejects) >= out.size:
                yield out.take()  # type: ignore[misc]
                rows, nums = out.rows, out.lines
        if len(out.rejects) >= out.size:
            yield out.take()  # type: ignore[misc]


def _json_type(obj: Any) -> str:
    return {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(
        type(obj), "a number"
    )
