"""CUAD-style span labels (a schema's ``[labels]``): which risk categories a clause or a contract
section contains, with the quoted language as evidence, and a real "none" answer.

CUAD's wide table holds, per contract and category, the list of annotated spans; an empty list
means the contract has no such clause (its "-Answer" column then says "No", a non-empty one
"Yes": the Yes/No column adds nothing to the spans, so no example is built on it). A clause
span's categories are all the columns that list it (one span can be both "Cap On Liability"
and, through its carve-out, "Uncapped Liability"); a section's are those whose spans it holds.
"""

from __future__ import annotations

import ast
import csv
import hashlib
import os
import re
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from curate.ingest.layouts.furniture import strip_furniture
from curate.schema import SpanLabels
from curate.user_regex import Pattern

_WS = re.compile(r"\s+")
OMITTED = "<omitted>"  # CUAD's mark for text cut out of a span


def file_key(name: Any) -> str:
    """A contract's key from a file name: base name, extension dropped, letters and digits only,
    case-folded, so CUAD's "MACY'S,INC_...AGREEMENT.PDF" and its text "MACY_S,INC_...AGREEMENT.txt"
    meet."""
    base = os.path.basename(str(name or "").replace("\\", "/")).strip()
    stem, ext = os.path.splitext(base)
    if not (1 < len(ext) <= 5 and ext[1:].isalnum()):
        stem = base
    return "".join(ch for ch in stem.casefold() if ch.isalnum())


def squash(text: str) -> str:
    """Whitespace runs as one space: CUAD's spans and the text files differ in spacing."""
    return _WS.sub(" ", text).strip()


def spans_of(cell: Any, furniture: Sequence[Pattern] = ()) -> list[str]:
    """The spans of one CUAD cell: a Python-style list literal ("['a', 'b']"), else the cell;
    with the page ``furniture`` a span swallowed cut out (``layouts/furniture.py``), as it is
    out of the text the span is matched in."""
    text = "" if cell is None else str(cell).strip()
    spans = [text] if text else []
    if text.startswith("[") and text.endswith("]"):
        try:
            items = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            items = None
        if isinstance(items, list):
            spans = [str(i).strip() for i in items if str(i).strip()]
    if furniture:
        spans = [s for s in (strip_furniture(s, furniture).strip() for s in spans) if s]
    return spans


def readable(span: str) -> str:
    """A span as shown to the model: CUAD's ``<omitted>`` marks as an ellipsis in brackets."""
    return squash(span.replace(OMITTED, " [...] "))


def pieces(span: str, min_chars: int = 15) -> list[str]:
    """The contiguous parts of a span (split at ``<omitted>``), squashed, long enough to match."""
    return [p for p in (squash(x) for x in span.split(OMITTED)) if len(p) >= min_chars]


_DATE = re.compile(r"^\s*(?:\d{1,2}|\[\])/(?:\d{1,2}|\[\])/(\d{2}|\d{4})\s*$")
_TOKEN = re.compile(r"[^\W_]+")


def grounded(value: str, text: str) -> bool:
    """Whether a metadata answer can be read off its text: a date's year is in it ("6/14/07"
    for "12 months from the Effective Date" needs a date the text does not hold), and so is
    every number of any other answer ("30 days" in "thirty (30) days"); words may be normal
    forms ("Ontario, Canada" for "the Province of Ontario")."""
    low = text.casefold()
    date = _DATE.match(value)
    if date:
        year = date.group(1)
        if len(year) == 4:
            return year in low
        return bool(re.search(rf"(?:(?:19|20)|[/\-'’]){year}(?!\d)", low))
    numbers = [w for w in _TOKEN.findall(value) if w.isdigit()]
    return all(re.search(rf"(?<!\d){w}(?!\d)", low) for w in numbers)


def quote(text: str, limit: int) -> str:
    """``text`` in quotes, cut at a word boundary before ``limit`` characters."""
    if len(text) > limit:
        cut = text.rfind(" ", 0, limit)
        text = text[: cut if cut > limit // 2 else limit].rstrip(" ,;") + " ..."
    return f'"{text}"'


def answer(spec: SpanLabels, found: dict[str, list[str]], quotes: bool) -> str:
    """The risk answer: the categories found, in the schema's order, one line each with its
    quoted evidence when ``quotes``, else on one line joined by '; ' (a bare category name on
    a line of its own reads as a signature's name to the PII rules); ``spec.none_answer``
    when none."""
    if not quotes:
        names = [name for column, name in spec.categories.items() if column in found]
        return "; ".join(names) if names else spec.none_answer
    lines = []
    for column, name in spec.categories.items():
        if column not in found:
            continue
        shown = list(dict.fromkeys(found[column]))[:2]
        per = max(40, spec.max_quote_chars // len(shown))
        lines.append(f"{name}: " + " ... ".join(quote(q, per) for q in shown))
    return "\n".join(lines) if lines else spec.none_answer


def keep_negatives(keys: Sequence[str], positives: int, ratio: float) -> set[str]:
    """Which "none" candidates (by key) get the risk answer: ``ratio`` per positive, the same
    ones on every run (ordered by a hash of the key, not by position)."""
    n = round(positives * ratio)
    ranked = sorted(keys, key=lambda k: hashlib.sha1(k.encode()).hexdigest())
    return set(ranked[:n])


@dataclass
class ContractSpans:
    """One contract's annotation: per risk column its spans, squashed and split into pieces."""

    spans: dict[str, list[list[str]]]

    def found_in(self, text: str, document: str = "") -> dict[str, list[str]]:
        """The risk columns with a span inside ``text``, each with the quoted part of the pieces
        found (squashed). A long piece cut by a section boundary counts by the part inside,
        where its head or tail occurs once in the whole ``document`` (a page legend that CUAD's
        span swallowed, repeated on every page, must not place it in every section)."""
        body, doc = squash(text), squash(document)
        out: dict[str, list[str]] = {}
        for column, spans in self.spans.items():
            for parts in spans:
                hit = [q for q in (_inside(p, body, doc) for p in parts) if q]
                if hit:
                    out.setdefault(column, []).append(" ... ".join(hit))
        return out


def _inside(piece: str, body: str, doc: str) -> str:
    """``piece`` as far as it lies in ``body``: whole, its longest head or tail found there
    (at least 100 characters, unique in ``doc``), or ""."""
    if piece in body:
        return piece
    if len(piece) < 160:
        return ""
    words = piece.split(" ")
    for head in (True, False):
        part = piece[:100] if head else piece[-100:]
        if part not in body or (doc and doc.count(part) != 1):
            continue
        n = 1
        while n < len(words):  # grow word by word while it is still inside
            more = " ".join(words[: n + 1] if head else words[-(n + 1) :])
            if more not in body:
                break
            n += 1
        got = " ".join(words[:n] if head else words[-n:])
        if len(got) < 100:  # the 100 characters, without the word they cut through
            got = part.rsplit(" ", 1)[0] if head else part.split(" ", 1)[-1]
        return got
    return ""


LINK_CHARS = 150  # a span this long found in two contracts puts them in one leak group


@dataclass
class Annotations:
    """A wide table read for labelling: each contract's risk spans, and the contract whose key
    names its leak group (contracts sharing a long span, such as one contract filed twice under
    two names, share one group, so the text cannot sit in train and in val at once)."""

    spans: dict[str, ContractSpans]
    links: dict[str, str]

    def group_of(self, key: str) -> str:
        return self.links.get(key, key)


_CACHE: dict[tuple[str, float, int, tuple[str, ...]], Annotations] = {}


def find_annotations(spec: SpanLabels, document: Path) -> Path | None:
    """The wide table for a document: ``spec.annotations`` globbed from the document's folder
    (first match in name order), or None."""
    if not spec.annotations:
        return None
    hits = sorted(p for p in document.parent.glob(spec.annotations) if p.is_file())
    return hits[0] if hits else None


def load_annotations(
    spec: SpanLabels, path: Path, furniture: Sequence[Pattern] = ()
) -> Annotations:
    """Contract key -> its risk spans, read once per file version (mappers are made per file),
    without the page ``furniture`` (the text they are matched in has none)."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_mtime, stat.st_size, tuple(p.pattern for p in furniture))
    hit = _CACHE.get(key)
    if hit is None:
        hit = _CACHE[key] = _read_table(spec, path, furniture)
    return hit


def _read_table(spec: SpanLabels, path: Path, furniture: Sequence[Pattern] = ()) -> Annotations:
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    out: dict[str, ContractSpans] = {}
    parent: dict[str, str] = {}
    owner: dict[str, str] = {}  # a long span -> the first contract holding it

    def root(key: str) -> str:
        while parent.setdefault(key, key) != key:
            parent[key] = parent[parent[key]]
            key = parent[key]
        return key

    skip = set(spec.metadata) | {spec.key_column}
    with path.open(newline="", encoding="utf-8-sig", errors="replace") as fh:
        for row in csv.DictReader(fh):
            key = file_key(row.get(spec.key_column))
            spans = {
                col: [p for p in (pieces(s) for s in spans_of(row.get(col), furniture)) if p]
                for col in spec.categories
            }
            out[key] = ContractSpans({c: s for c, s in spans.items() if s})
            root(key)
            for col, cell in row.items():
                if not col or col in skip or col.rstrip().endswith("Answer"):
                    continue
                for span in spans_of(cell, furniture):
                    text = squash(span)
                    if len(text) >= LINK_CHARS:
                        first = owner.setdefault(text, key)
                        a, b = root(first), root(key)
                        if a != b:
                            parent[max(a, b)] = min(a, b)
    return Annotations(out, {k: root(k) for k in parent})


def label_spans(
    spec: SpanLabels, cells: Iterable[tuple[str, Any]], furniture: Sequence[Pattern] = ()
) -> list[tuple[str, list[str]]]:
    """One row's spans, each once, with every column that lists it (multi-label), in the
    order they first appear; metadata columns are left out (they are values, not clauses).
    Page ``furniture`` inside a span is cut out."""
    merged: dict[str, tuple[str, list[str]]] = {}
    skip = set(spec.metadata)
    for column, cell in cells:
        if column in skip:
            continue
        for span in spans_of(cell, furniture):
            key = squash(span).casefold()
            cols = merged.setdefault(key, (span, []))[1]
            if column not in cols:
                cols.append(column)
    return list(merged.values())
