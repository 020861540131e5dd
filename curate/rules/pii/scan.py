"""The result of a scan: a column whose finds are marked in place, and what can be made of it
(counts per type, ``[TYPE]`` placeholders, ``[TYPE_n]`` pseudonyms, spans, examples)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import polars as pl
import pyarrow as pa

from curate.rules.pii.markers import _CANON_RE, CLOSE, RESERVED, _canon
from curate.rules.pii.replace import Entities, Surrogates, record_rng

if TYPE_CHECKING:
    from curate.rules.pii.engine import PiiEngine

_RESERVED_RE = re.compile(RESERVED)


def _utf8(texts: pl.Series) -> tuple[np.ndarray, np.ndarray]:
    """A string column's UTF-8 bytes (nulls: none) and each text's start in them (and the
    end), read from its Arrow buffers without a copy per text."""
    arr = texts.cast(pl.Utf8).to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    if arr.type != pa.large_string():
        arr = arr.cast(pa.large_string())
    bufs = arr.buffers()
    offsets = np.frombuffer(bufs[1], np.int64)[arr.offset : arr.offset + len(arr) + 1]
    data = np.frombuffer(bufs[2], np.uint8) if bufs[2] is not None else np.zeros(0, np.uint8)
    return data[offsets[0] : offsets[-1]], offsets - offsets[0]


def _non_ascii(texts: pl.Series) -> pl.Series:
    """Indices of the texts with a character beyond ASCII (more bytes than characters): a
    cheap test, where a search for a Unicode range costs a full automaton scan."""
    return (texts.str.len_bytes() != texts.str.len_chars()).fill_null(False).arg_true()


@dataclass
class Scan:
    """A scanned column: every find is ``MARK value CLOSE`` (or just ``MARK`` without values)."""

    engine: PiiEngine
    marked: pl.Series
    groups: np.ndarray
    keep_values: bool = True

    def counts(self) -> dict[str, np.ndarray]:
        """Finds per text, by type: the type markers counted in the texts' UTF-8 bytes (numpy).

        A marker is one character of U+F0400.. (``_canon``), four bytes F3 B0 9x xx. Input
        characters of that plane were replaced before the scan (``RESERVED``) and a kept
        value is original text, so every such character is a marker; the other characters a
        scan writes (openers, CLOSE, KEEP) decode to other code points. (A regex pulling the
        markers out, then a list column exploded and mapped, cost 4x as much.)"""
        n = len(self.marked)
        types = list(self.engine.type_index)
        out = {t: np.zeros(n, np.int64) for t in types}
        idx = _non_ascii(self.marked)  # a text with a marker is not ASCII
        if idx.is_empty() or not types:
            return out
        data, offsets = _utf8(self.marked.gather(idx))
        lead = np.flatnonzero(data[: max(len(data) - 3, 0)] == 0xF3)
        lead = lead[data[lead + 1] == 0xB0]
        b2, b3 = data[lead + 2].astype(np.int64), data[lead + 3].astype(np.int64)
        kind = ((b2 & 0x3F) << 6 | (b3 & 0x3F)) - 0x400  # the code point past U+F0400
        ok = (kind >= 0) & (kind < len(types))
        rows = idx.to_numpy().astype(np.int64)[np.searchsorted(offsets, lead[ok], "right") - 1]
        table = np.bincount(kind[ok] * n + rows, minlength=len(types) * n).reshape(len(types), n)
        return {t: table[k].astype(np.int64, copy=False) for k, t in enumerate(types)}

    def placeholders(self) -> pl.Series:
        """Every find as ``[TYPE]``."""
        marks = [_canon(i) for i in self.engine.type_index.values()]
        tags = [f"[{t.upper()}]" for t in self.engine.type_index]
        if not self.keep_values:
            return self.marked.str.replace_many(marks, tags)
        out = self.marked
        for m, tag in zip(marks, tags, strict=True):
            out = out.str.replace_all(f"{m}[^{CLOSE}]*{CLOSE}", tag)
        return out

    def _need_values(self) -> None:
        if not self.keep_values:
            raise ValueError("this scan was made with keep_values=False")

    def pseudonyms(self) -> pl.Series:
        """Every find as ``[TYPE_n]``, n counted per record: one entity, one n (see
        ``replace.Entities``: "John Smith", "Smith" and "JOHN" in a record are one person)."""
        self._need_values()

        def per_record(found: list[tuple[str, str]]) -> Callable[[str, str], str]:
            ents = Entities()
            return lambda t, v: f"[{t.upper()}_{ents.of(t, v).number}]"

        return self._rewrite(per_record)

    def surrogates(self, seed: int = 0) -> pl.Series:
        """Every find as a realistic stand-in, consistent within its record (``replace``):
        the same person the same fake name, every date moved by the record's one offset.
        Drawn from ``seed`` and the record's found values; ``[TYPE]`` where there is none."""
        self._need_values()
        words = self.engine.words
        listed = self.engine.listed
        firsts = sorted(n for n in listed if n in words.first_names and n not in words.last_names)
        lasts = sorted(n for n in listed if n in words.last_names and n not in words.first_names)

        def per_record(found: list[tuple[str, str]]) -> Callable[[str, str], str]:
            ents = Entities()
            fakes = Surrogates(record_rng(seed, [f"{t}\x00{v}" for t, v in found]), firsts, lasts)

            def one(t: str, v: str) -> str:
                got = fakes.value(t, ents.of(t, v), v)
                return f"[{t.upper()}]" if got is None else got

            return one

        return self._rewrite(per_record)

    def redacted(self, style: str, seed: int = 0) -> pl.Series:
        """The column in a pack's redaction ``style`` ("drop" redacts as "placeholder")."""
        if style == "pseudonym":
            return self.pseudonyms()
        if style == "surrogate":
            return self.surrogates(seed)
        return self.placeholders()

    def _rewrite(
        self, per_record: Callable[[list[tuple[str, str]]], Callable[[str, str], str]]
    ) -> pl.Series:
        """Each find replaced by ``per_record(finds of the record)(type, value)``, called on a
        record's finds in order (texts in input order within the record). Nothing of the
        markers is left: a marker character that no find pattern accounts for is dropped."""
        types = self.engine.types
        order = np.argsort(self.groups, kind="stable")  # a record's texts in order
        marked = self.marked.gather(pl.Series(order))
        hit = marked.str.contains(CLOSE, literal=True).fill_null(False)
        idx = hit.arg_true()
        if idx.is_empty():
            return self.marked
        rows = order[idx.to_numpy()]
        texts = marked.gather(idx).to_list()
        groups = self.groups[rows].tolist()
        new: list[str] = []
        k = 0
        while k < len(texts):
            j = k
            while j < len(texts) and groups[j] == groups[k]:
                j += 1
            found = [
                (types[ord(m.group(1)) - 0xF0400], m.group(2))
                for t in texts[k:j]
                for m in _CANON_RE.finditer(t)
            ]
            make = per_record(found)

            def sub(m: re.Match[str]) -> str:
                return make(types[ord(m.group(1)) - 0xF0400], m.group(2))  # noqa: B023

            new += [_RESERVED_RE.sub("", _CANON_RE.sub(sub, t)) for t in texts[k:j]]
            k = j
        return self.marked.clone().scatter(pl.Series(rows), pl.Series(new, dtype=pl.Utf8))

    def spans(self, k: int) -> list[tuple[int, int, str]]:
        """(start, end, type) of every find in text ``k``, in the original text's characters."""
        self._need_values()
        return spans(self.marked[k] or "", self.engine.types)

    def render_at(self, k: int, type_: str, shown: str | None = None) -> tuple[str, int]:
        """Text ``k`` with finds as ``[TYPE]`` (those of type ``shown`` masked), and where
        its first find of ``type_`` starts in that rendering."""
        self._need_values()
        types = self.engine.types

        def sub(m: re.Match[str]) -> str:
            t = types[ord(m.group(1)) - 0xF0400]
            return mask(m.group(2)) if t == shown else f"[{t.upper()}]"

        text = self.marked[k] or ""
        first = text.find(_canon(self.engine.type_index[type_]))
        head = _CANON_RE.sub(sub, text[: max(first, 0)])
        return head + _CANON_RE.sub(sub, text[max(first, 0) :]), len(head)


def spans(marked: str, types: Sequence[str]) -> list[tuple[int, int, str]]:
    """Spans of the finds in a marked text, in the coordinates of the original text."""
    out: list[tuple[int, int, str]] = []
    shift = 0
    for m in _CANON_RE.finditer(marked):
        start = m.start() - shift
        out.append((start, start + len(m.group(2)), types[ord(m.group(1)) - 0xF0400]))
        shift += 2
    return out


def mask(value: str) -> str:
    """Show a value's shape without its content: first character, then x/0 for the rest."""
    return value[:1] + "".join("0" if c.isdigit() else "x" if c.isalpha() else c for c in value[1:])
