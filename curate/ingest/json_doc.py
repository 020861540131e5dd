"""JSON documents (not JSON Lines): records streamed out of an array or object, with resync.

The document is held only a window at a time: structural characters are walked by hand and
each record is decoded by the C decoder. A record that does not decode (a syntax error, a raw
control character, nesting deeper than the decoder allows, a value over the size cap) costs
that record only: :func:`skip_element` walks to the next top-level ``,`` or closing bracket,
tracking string and escape state and a stack of open brackets, and reading resumes there. So a
1,000-record array with one bad record gives 999 rows and one ``bad_json`` reject, not one
row and the rest silently gone.

Structural damage that loses no record (a trailing comma, a missing closing bracket at the end
of the file) is a warning on the batch, not a reject.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import IO, Any

from curate.errors import InputError
from curate.ingest.json_checks import lone_surrogate
from curate.ingest.readers.base import _CHUNK, RAW_CHARS, RawBatch
from curate.ingest.readers.json import _WS
from curate.ingest.readers.jsonl import _json_type
from curate.ingest.readers.source import (
    _DECODE_ERRORS,
    _SURROGATE,
    _Batcher,
    _Source,
    _truncated_message,
)

__all__ = ["read_json", "skip_element"]

_DECODER = json.JSONDecoder()
_STR_STOP = re.compile(r'["\\]')
_OUT_STOP = re.compile(r'["\[\]{},]')
_PAIR = {"]": "[", "}": "{"}


class _JsonSyntaxError(ValueError):
    """A structural character was missing or out of place."""


class _TooLarge(Exception):
    """One value grew past the size cap while still incomplete."""


# Everything decoding a record may raise for bad input: JSONDecodeError and the int-digits
# limit are ValueErrors; deep nesting is RecursionError.
_BAD = (ValueError, RecursionError)


class Scanner:
    """A window over a text stream: ``buf[pos:]`` is unread, ``base`` is buf[0]'s offset."""

    def __init__(self, text: IO[str], cap: int) -> None:
        self.text = text
        self.cap = cap
        self.buf = ""
        self.pos = 0
        self.base = 0
        self.eof = False
        self.line = 1  # line number of buf[0]

    def line_at(self) -> int:
        """Physical line of the current position (for messages)."""
        return self.line + self.buf.count("\n", 0, self.pos)

    def more(self, want: int = 0) -> bool:
        if self.eof:
            return False
        chunk = self.text.read(want or _CHUNK)
        if not chunk:
            self.eof = True
            return False
        if self.pos:
            self.line += self.buf.count("\n", 0, self.pos)
            self.base += self.pos
            self.buf = self.buf[self.pos :]
            self.pos = 0
        self.buf += chunk
        return True

    def peek(self) -> str:
        """Next non-whitespace character, not consumed ("" at end of input)."""
        while True:
            self.pos = _WS.match(self.buf, self.pos).end()  # type: ignore[union-attr]
            if self.pos < len(self.buf):
                return self.buf[self.pos]
            if not self.more():
                return ""

    def expect(self, chars: str) -> str:
        c = self.peek()
        if not c or c not in chars:
            found = repr(c) if c else "end of file"
            raise _JsonSyntaxError(f"expected {' or '.join(map(repr, chars))}, found {found}")
        self.pos += 1
        return c

    def value(self, peeked: bool = False) -> tuple[Any, str]:
        """The next complete value and its source text (``pos`` is left at its start on error).
        ``peeked``: the caller's ``peek()`` just found a character at ``pos``."""
        if not peeked and not self.peek():
            raise _JsonSyntaxError("unexpected end of file")
        while True:
            start = self.pos
            try:
                obj, end = _DECODER.raw_decode(self.buf, start)
            except json.JSONDecodeError as e:
                near_end = e.pos >= len(self.buf) - 6 or e.msg.startswith("Unterminated")
                if not near_end or self.eof:
                    raise
                if len(self.buf) - start > self.cap:
                    raise _TooLarge from None  # still incomplete past the cap: give up
                self.more(max(_CHUNK, len(self.buf) - start))
                continue
            if end < len(self.buf) or self.eof:
                self.pos = end
                return obj, self.buf[start:end]
            self.more()  # a number at the window's end may continue

    def snippet(self) -> str:
        """Up to RAW_CHARS characters from the current position (reading ahead if needed)."""
        if len(self.buf) - self.pos < RAW_CHARS:
            self.more()
        return self.buf[self.pos : self.pos + RAW_CHARS]


def skip_element(sc: Scanner, stops: str) -> str:
    """Advance past one (damaged) element: to the next ``,`` or the container's closer in
    ``stops`` at depth 0, outside strings (not consumed), or to the end of the input.

    Brackets are matched on a stack: a closer that does not match the innermost opener closes
    the openers above its match (``{"a": [1}`` ends at its ``}``); a closer with no opener
    at all is stray text and skipped, unless it is the container's own. Returns the element's
    first RAW_CHARS characters.
    """
    raw = sc.snippet()
    start = sc.base + sc.pos
    stack: list[str] = []
    in_str = False
    while True:
        buf, pos = sc.buf, sc.pos
        if pos >= len(buf):
            if not sc.more():
                break
            continue
        if in_str:
            m = _STR_STOP.search(buf, pos)
            if m is None:
                sc.pos = len(buf)
                continue
            p = m.start()
            if m.group() == "\\":
                if p + 1 >= len(buf):
                    sc.pos = p
                    if not sc.more():
                        sc.pos = len(sc.buf)
                        break
                    continue
                sc.pos = p + 2
            else:
                in_str = False
                sc.pos = p + 1
            continue
        m = _OUT_STOP.search(buf, pos)
        if m is None:
            sc.pos = len(buf)
            continue
        ch, p = m.group(), m.start()
        if ch == '"':
            in_str = True
        elif ch in "[{":
            stack.append(ch)
        elif ch in "]}":
            if _PAIR[ch] in stack:
                while stack.pop() != _PAIR[ch]:
                    pass
            elif ch in stops:
                sc.pos = p
                break
        elif not stack and ch in stops:  # a comma between elements
            sc.pos = p
            break
        sc.pos = p + 1
    return raw[: sc.base + sc.pos - start]


def _error_text(e: BaseException) -> str:
    if isinstance(e, json.JSONDecodeError):
        return f"invalid JSON: {e.msg}"
    if isinstance(e, RecursionError):
        return "invalid JSON: nested too deeply"
    return f"invalid JSON: {e}"


class _Reader:
    """State of one document read: the batcher, record numbering, columns seen, warnings."""

    def __init__(self, src: _Source, out: _Batcher, cap: int) -> None:
        self.src, self.out, self.cap = src, out, cap
        self.errors_before = _DECODE_ERRORS[0]
        self.seen: dict[str, None] = {}
        self.index = 0
        self.sc = Scanner(src.text, cap)

    def emit(self, obj: Any, text: str, locator: str) -> None:
        self.index += 1
        out, index, cap = self.out, self.index, self.cap
        if len(text) > cap:
            msg = f"record of {len(text):,} characters is over the {cap:,}-character limit"
            out.reject(index, locator, "too_large", msg, text)
        elif "\x00" in text:
            out.reject(index, locator, "nul_bytes", "record contains NUL characters", text)
        elif _DECODE_ERRORS[0] != self.errors_before and _SURROGATE.search(text):
            msg = f"bytes that are not valid {self.src.encoding}"
            out.reject(index, locator, "encoding_error", msg, text)
        elif not isinstance(obj, dict):
            msg = f"expected a JSON object, found {_json_type(obj)}"
            out.reject(index, locator, "not_an_object", msg, text)
        elif "\\" in text and (bad := lone_surrogate(obj, text)) is not None:
            out.reject(index, locator, "encoding_error", bad, text)
        else:
            if len(self.seen) < 10_000:
                for k in obj:
                    if k not in self.seen:
                        self.seen[k] = None
                        out.columns.append(k)
            out.rows.append(obj)
            out.lines.append(index)
            out.locators.append(locator)

    def bad(self, e: BaseException, locator: str, stops: str) -> None:
        """Reject the element at the scanner's position and skip to the next one."""
        line = self.sc.line_at()  # only here: counting lines per good record is quadratic
        raw = skip_element(self.sc, stops)
        if self.src.damaged is not None and self.sc.eof and self.sc.pos >= len(self.sc.buf):
            return  # the record the stream cut off: the truncated_file reject covers it
        self.index += 1
        where = f"record {self.index} (line {line})"
        if isinstance(e, _TooLarge):
            msg = f"JSON value over the {self.cap:,}-character limit at {where}; skipped"
            self.out.reject(self.index, locator, "too_large", msg, raw)
        else:
            msg = f"{_error_text(e)} at {where}; the next record is read"
            self.out.reject(self.index, locator, "bad_json", msg, raw)

    def records(self, closer: str, locator: Callable[[int, str], str]) -> Iterator[RawBatch]:
        """The elements of the array (closer ``]``) or the members of the object (``}``) whose
        opener was just consumed; each value is a record. Ends past the closer."""
        sc, out = self.sc, self.out
        i = 0
        while True:
            c = sc.peek()
            if c == closer:
                sc.pos += 1
                if i:  # after a comma: harmless, nothing lost
                    self.out.warnings.append(f"trailing comma before '{closer}' ignored")
                return
            if not c:
                self._unclosed(closer)
                return
            key = ""
            try:
                if closer == "}":
                    k, _ = sc.value(True)
                    if not isinstance(k, str):
                        raise _JsonSyntaxError(f"object key is {_json_type(k)}, not a string")
                    key = k
                    sc.expect(":")
                    obj, text = sc.value()
                else:
                    obj, text = sc.value(True)
            except (*_BAD, _TooLarge) as e:
                self.bad(e, locator(i, key), "," + closer)
            else:
                self.emit(obj, text, locator(i, key))
            i += 1
            if out.full():
                yield out.take()  # type: ignore[misc]
            if not self._separator(closer):
                return

    def _separator(self, closer: str) -> bool:
        """Consume ``,`` (True: more may follow) or the closer (False); stray text between
        elements is rejected as one bad element."""
        sc = self.sc
        while True:
            c = sc.peek()
            if c == ",":
                sc.pos += 1
                return True
            if c == closer:
                sc.pos += 1
                return False
            if not c:
                self._unclosed(closer)
                return False
            err = _JsonSyntaxError(f"expected ',' or '{closer}' after record {self.index}")
            self.bad(err, f"$[{self.index}]", "," + closer)

    def _unclosed(self, closer: str) -> None:
        if self.src.damaged is None:
            self.out.warnings.append(f"the file ends before the closing '{closer}'")

    def skip_value(self) -> None:
        """A value that holds no records (metadata beside the record lists)."""
        sc = self.sc
        try:
            sc.value()
        except (*_BAD, _TooLarge):
            line = sc.line_at()
            skip_element(sc, ",}")
            self.out.warnings.append(f"unreadable non-record value at line {line} skipped")


def _object_plan(rd: _Reader) -> tuple[str, set[str]]:
    """First pass over a top-level object: which layout is it? Returns (mode, record list keys).

    Members that do not decode are skipped here; the second pass rejects them.
    """
    sc = rd.sc
    sc.expect("{")
    lists: set[str] = set()
    kinds: list[str] = []
    while True:
        c = sc.peek()
        if c in ("}", ""):
            break
        try:
            key, _ = sc.value()
            sc.expect(":")
            if sc.peek() == "[":
                sc.pos += 1
                while sc.peek() not in ("]", ""):
                    if sc.peek() == "{":
                        lists.add(str(key))
                    try:
                        sc.value()
                    except (*_BAD, _TooLarge):
                        skip_element(sc, ",]")
                    if sc.peek() == ",":
                        sc.pos += 1
                    elif sc.peek() != "]":
                        skip_element(sc, ",]")
                sc.pos += 1
                kinds.append("list")
            else:
                kinds.append("dict" if sc.peek() == "{" else "scalar")
                sc.value()
        except (*_BAD, _TooLarge):
            skip_element(sc, ",}")
        if sc.peek() == ",":
            sc.pos += 1
        elif sc.peek() not in ("}", ""):
            skip_element(sc, ",}")
    if lists:
        return "lists", lists
    if kinds and all(k == "dict" for k in kinds):
        return "map", lists
    return "single", lists


def read_json(
    src: _Source, out: _Batcher, cap: int, reopen: Callable[[], _Source]
) -> Iterator[RawBatch]:
    """Records of a JSON document: an array of records, an object of records, an object with
    lists of records, or one record (see curate.ingest.readers for the locators)."""
    rd = _Reader(src, out, cap)
    try:
        first = rd.sc.peek()
        if not first:
            return
        if first not in "[{":
            try:
                obj, _ = rd.sc.value()
            except (*_BAD, _TooLarge) as e:
                rd.bad(e, "$", "")
                return
            raise InputError(
                f"{src.path}: top-level JSON value is {_json_type(obj)}; "
                "expected an array of records or an object"
            )
        if first == "[":
            rd.sc.pos += 1
            yield from rd.records("]", lambda i, _k: f"$[{i}]")
        else:
            mode, lists = _object_plan(rd)
            src.text.close()
            rd.src = src = reopen()
            rd.sc = Scanner(src.text, cap)
            yield from _read_object(rd, mode, lists)
        sc = rd.sc
        if sc.peek():
            raw = skip_element(sc, "")
            rd.index += 1
            msg = "extra data after the top-level JSON value; ignored"
            out.reject(rd.index, "$", "bad_json", msg, raw)
    finally:
        if src.damaged is not None:
            msg = _truncated_message(src, rd.index + 1, src.damaged, "record")
            out.reject(rd.index + 1, f"$[{rd.index}]", "truncated_file", msg, "")
        src.text.close()


def _in_list(prefix: str) -> Callable[[int, str], str]:
    """Locators ``$.key[i]`` for the records of one list member."""
    return lambda i, _k: f"{prefix}[{i}]"


def _read_object(rd: _Reader, mode: str, lists: set[str]) -> Iterator[RawBatch]:
    sc = rd.sc
    if mode == "single":
        try:
            obj, text = sc.value()
        except (*_BAD, _TooLarge) as e:
            rd.bad(e, "$", "")
        else:
            rd.emit(obj, text, "$")
        return
    sc.expect("{")
    if mode == "map":
        yield from rd.records("}", lambda _i, k: k)
        return
    while True:
        c = sc.peek()
        if c == "}":
            sc.pos += 1
            return
        if not c:
            rd._unclosed("}")
            return
        try:
            key, _ = sc.value()
            sc.expect(":")
        except (*_BAD, _TooLarge):
            skip_element(sc, ",}")
            rd.out.warnings.append(f"unreadable member at line {sc.line_at()} skipped")
        else:
            if key in lists and sc.peek() == "[":
                sc.pos += 1
                yield from rd.records("]", _in_list(f"$.{key}"))
            else:
                rd.skip_value()
        if sc.peek() == ",":
            sc.pos += 1
        elif sc.peek() not in ("}", ""):
            skip_element(sc, ",}")
