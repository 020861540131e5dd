"""The redaction audit: which original strings the PII rules replaced, per type, how often.

Why: counts per type say how much was redacted, not what. A user sees that "Apple", "Stock" or
"Contractor" became ``[PERSON]`` only from the strings themselves.

Privacy rule (documented in docs/report.md): a string is shown verbatim only when it was
redacted in at least ``MIN_RECORDS`` distinct documents (a string found in many documents is
not one person's data); strings found in fewer are shown only as totals (how many distinct
strings, how many finds). A document is a record's ``group`` where ingest gives one: the
sections of one contract are many records but one document, and a signatory named in each of
them is still one person's name (CUAD's "Roy B. Covington III" was shown, 8 records of one
contract). Contexts are shown only for shown strings: "before" is the redacted
text with that one string put back (every other find stays ``[TYPE]``), "after" the text with
every find as ``[TYPE]``; so a context reveals nothing beyond the export and a shown string.

Cost: ingest scans without keeping values (twice as fast as keeping them). A find is then one
marker character in place of its value, so the value is recovered by aligning the marked text
with the original: the plain text between finds is literal, found left to right (leftmost
alignment) and right to left (rightmost). Where the two differ on a find (the text next to
it also occurs inside it) that find is counted as ``unaligned``, never guessed. Texts with
one find (most) are cut in Polars; only texts with several are aligned in Python.

Merging: ``audit_batch`` gives one batch's (type, value) counts, which add up over batches, so
the counts do not depend on where batches were cut; each batch also keeps a context for its
``CANDIDATES`` most frequent strings per type, and a shown string's context is the first such
in input order. ``finish_rule_stats`` merges the batches for ``rules.json``; until then the
per-batch form (every string) lives under ``stats["_audit"]``, which is never written; its
documents per string travel flat (``docs_flat``, ``docs_len``): Python lists of lists cost
~4 us per string to turn back into a list column.
Memory: ingest keeps every batch's stats until it writes rules.json, so the audit holds each
distinct redacted string of the run once per batch it occurs in (a few dozen bytes each, plus
10 contexts per type and batch).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import numpy as np
import polars as pl
import pyarrow as pa

from curate.rules.pii import Scan
from curate.rules.pii.markers import _ANY_MARK, CLOSE
from curate.rules.pii.scan import _non_ascii
from curate.rules.quality import numpy_ints

MIN_RECORDS = 5  # a string is shown verbatim only if redacted in this many distinct documents
TOP = 50  # strings listed per type (the terminal report shows the first 8)
CONTEXTS = 5  # contexts per type (the most frequent shown strings, one each)
CANDIDATES = 10  # strings per type and batch that keep a context
WIDTH = 200  # characters of a context

_MARK_RE = re.compile(_ANY_MARK)
_MARK_SPLIT = re.compile(f"({_ANY_MARK})")  # pieces and markers, alternately, in one call
_BASE = 0xF0400  # _canon(0)


def align(original: str, pieces: list[str]) -> list[tuple[int, int] | None] | None:
    """Spans of the finds in ``original``, given the plain text around them (``pieces``, one
    more than the finds): None for a find whose span the pieces do not fix, None for all when
    ``original`` does not fit the pieces.

    The leftmost alignment puts every boundary as early as any alignment can, the rightmost as
    late; where the two agree on a find, every alignment does."""
    first, last = pieces[0], pieces[-1]
    if not original.startswith(first) or not original.endswith(last):
        return None
    end = len(original) - len(last)
    if len(pieces) == 3:  # two finds, most texts with several: one piece placed both ways
        mid, start = pieces[1], len(first)
        q = original.find(mid, start + 1, end)
        if q < 0 or end < q + len(mid) + 1:
            return None
        if original.rfind(mid, start + 1, end - 1) != q:
            return [None, None]
        return [(start, q), (q + len(mid), end)]
    lo: list[tuple[int, int]] = []
    pos = len(first)
    for p in pieces[1:-1]:
        q = original.find(p, pos + 1, end)
        if q < 0:
            return None
        lo.append((pos, q))
        pos = q + len(p)
    if end < pos + 1:
        return None
    lo.append((pos, end))
    if len(lo) == 1:
        return list(lo)
    hi: list[tuple[int, int]] = []
    pos = end
    for p in reversed(pieces[1:-1]):
        q = original.rfind(p, len(first) + 1, pos - 1)
        if q < 0:  # cannot happen where the leftmost alignment exists
            return None
        hi.append((q + len(p), pos))
        pos = q
    hi.append((len(first), pos))
    hi.reverse()
    return [a if a == b else None for a, b in zip(lo, hi, strict=True)]


def _fast_form(marked: pl.Series, keep_values: bool) -> pl.Series:
    """Every find as its marker alone (a scan that kept values has ``MARK value CLOSE``)."""
    if not keep_values:
        return marked
    return marked.str.replace_all(f"({_ANY_MARK})[^{CLOSE}]*{CLOSE}", "$1")


def _context(
    original: str, marked: str, spans: list[tuple[int, int] | None], j: int, types: list[str]
) -> tuple[str, str]:
    """(before, after) around find ``j``: find j as its original in before, every other
    find as ``[TYPE]``; WIDTH characters around it."""
    marks = _MARK_RE.findall(marked)
    pieces = _MARK_RE.split(marked)
    before, after = [pieces[0]], [pieces[0]]
    at_b = at_a = 0
    for i, m in enumerate(marks):
        tag = f"[{types[ord(m) - _BASE].upper()}]"
        if i == j:
            at_b, at_a = sum(map(len, before)), sum(map(len, after))
            s, e = spans[i] or (0, 0)
            before.append(original[s:e])
        else:
            before.append(tag)
        after.append(tag)
        before.append(pieces[i + 1])
        after.append(pieces[i + 1])
    return _cut("".join(before), at_b), _cut("".join(after), at_a)


def _cut(text: str, at: int) -> str:
    start = max(0, at - WIDTH // 3)
    s = text[start : start + WIDTH].replace("\n", " ").replace("\r", " ")
    return ("…" if start else "") + s + ("…" if start + WIDTH < len(text) else "")


_SCHEMA = {"t": pl.Int32, "value": pl.Utf8, "g": pl.Int64, "k": pl.Int64, "j": pl.Int64}
_DOCS = pl.List(pl.Int64)


def _single_finds(
    rows: np.ndarray, type_of: np.ndarray, marked: pl.Series, texts: pl.Series, groups: np.ndarray
) -> pl.DataFrame:
    """The finds of the texts at ``rows``, each with one find (of type ``type_of``): the text
    before and after its marker is the text before and after its value; ``ok`` is false where
    the text does not fit. All types in one frame: each text's one marker becomes the first
    type's, a literal to split on (one frame per type cost ~1 us per record of the batch)."""
    first = chr(_BASE)
    sub = pl.DataFrame(
        {
            "k": rows.astype(np.int64),
            "t": type_of.astype(np.int32),
            "m": marked.gather(rows).str.replace(_ANY_MARK, first),
            "o": texts.gather(rows),
        }
    )
    parts = sub.with_columns(pl.col("m").str.split_exact(first, 1)).unnest("m")
    pre, post, o = pl.col("field_0"), pl.col("field_1"), pl.col("o")
    start = pre.str.len_chars()
    length = o.str.len_chars() - start - post.str.len_chars()
    return parts.select(
        "t",
        value=o.str.slice(start, length),
        g=pl.Series(groups[rows], dtype=pl.Int64),
        k="k",
        j=pl.lit(0, pl.Int64),
        ok=(o.str.starts_with(pre) & o.str.ends_with(post) & (length > 0)).fill_null(False),
    )


def audit_batch(
    scan: Scan,
    texts: pl.Series,
    groups: np.ndarray,
    ids: Callable[[int], dict[str, Any]],
    counts: dict[str, np.ndarray] | None = None,
    docs: np.ndarray | None = None,
) -> dict[str, Any]:
    """One batch's redacted strings: per (type, value) the records and finds, the contexts of
    each type's most frequent strings, and the finds per type that could not be aligned.
    ``ids(row)`` gives a record's record_id and source; ``counts`` (``scan.counts()``, which
    apply_rules has already) says which texts hold how many finds, else they are searched.
    ``docs`` (one int64 key per record, the same for a document's records in every batch;
    without them merge_audits counts records) gives each string up to MIN_RECORDS of its
    documents, which merge_audits unites: a union of such lists reaches MIN_RECORDS exactly
    when the documents do."""
    types = scan.engine.types
    marked = _fast_form(scan.marked, scan.keep_values)
    unaligned = [0] * len(types)
    frames = []
    if counts is not None:  # texts with one find are cut in Polars, by type
        table = np.stack([counts[t] for t in types]) if types else np.zeros((0, len(marked)))
        n = table.sum(axis=0)
        single = np.flatnonzero(n == 1)
        one = _single_finds(single, table[:, single].argmax(axis=0), marked, texts, groups)
        for t, bad in one.filter(~pl.col("ok")).group_by("t").len().iter_rows():
            unaligned[t] += bad
        frames.append(one.filter("ok").drop("ok"))
        idx = pl.Series(np.flatnonzero(n > 1), dtype=pl.Int64)
    else:
        idx = _non_ascii(marked)  # a text with a marker is not ASCII: a cheap first cut
    found: dict[int, tuple[str, str, list[tuple[int, int] | None]]] = {}
    cols: tuple[list[Any], ...] = ([], [], [], [], [])
    # (the loop runs once per find of every text with several: its steps kept few)
    add_t, add_v, add_g, add_k, add_j = (c.append for c in cols)
    recs = groups[idx.to_numpy()].tolist()
    for k, rec, m, o in zip(
        idx.to_list(), recs, marked.gather(idx).to_list(), texts.gather(idx).to_list(), strict=True
    ):
        parts = _MARK_SPLIT.split(m)
        if len(parts) == 1:  # no marker
            continue
        marks = parts[1::2]
        spans = align(o, parts[::2]) or [None] * len(marks)
        found[k] = (o, m, spans)
        for j, span in enumerate(spans):
            t = ord(marks[j]) - _BASE
            if span is None:
                unaligned[t] += 1
            else:
                add_t(t)
                add_v(o[span[0] : span[1]])
                add_g(rec)
                add_k(k)
                add_j(j)
    frames.append(pl.DataFrame(dict(zip(_SCHEMA, cols, strict=True)), schema=_SCHEMA))
    df = pl.concat(frames).with_columns(pl.col("value").str.strip_chars())
    # (without documents, merge_audits counts records: a record's key is its batch's row)
    doc_of = pl.Series(np.asarray(docs if docs is not None else [], np.int64))
    df = df.with_columns(d=doc_of.gather(df["g"]) if docs is not None else pl.lit(None, pl.Int64))
    per = (
        df.sort("g", "k", "j")  # a record's texts: fields, then turns (k in that order)
        .group_by("t", "value", maintain_order=True)
        .agg(
            pl.col("g").n_unique().alias("records"),
            pl.len().alias("finds"),
            pl.col("d").drop_nulls().unique(maintain_order=True).head(MIN_RECORDS).alias("docs"),
            pl.col("k").first(),
            pl.col("j").first(),
        )
        .sort(
            "t", pl.col("records"), pl.col("finds"), "value", descending=[False, True, True, False]
        )
    )
    contexts: dict[str, dict[str, dict[str, Any]]] = {}
    # each type's first CANDIDATES strings (``per`` is sorted by type), in that order
    top = per.filter(pl.int_range(pl.len()).over("t") < CANDIDATES).select("t", "value", "k", "j")
    cut = sorted({k for k in top["k"].to_list() if k not in found})
    if cut:  # texts with one find (cut in Polars), fetched at once: where its marker is
        for k, o, m in zip(
            cut, texts.gather(cut).to_list(), marked.gather(cut).to_list(), strict=True
        ):
            at = _MARK_RE.search(m).start()  # type: ignore[union-attr]
            found[k] = (o, m, [(at, at + len(o) - len(m) + 1)])
    for t, value, k, j in top.iter_rows():
        o, m, spans = found[k]
        before, after = _context(o, m, spans, j, types)
        contexts.setdefault(types[int(t)], {})[value] = {
            **ids(int(groups[k])),
            "before": before,
            "after": after,
        }
    # the documents flat, with each string's count: merge_audits rebuilds the lists from the
    # buffers (lists of lists cost ~4 us per string to convert back, ~2.5 us per record of a run)
    return {
        "type": pl.Series(types, dtype=pl.Utf8).gather(per["t"]).to_list(),
        "value": per["value"].to_list(),
        "records": per["records"].to_list(),
        "finds": per["finds"].to_list(),
        "docs_len": per["docs"].list.len().to_list(),
        "docs_flat": per["docs"].list.explode(keep_nulls=False, empty_as_null=False).to_list(),
        "contexts": contexts,
        "unaligned": {t: n for t, n in zip(types, unaligned, strict=True) if n},
    }


def _docs_of(part: dict[str, Any]) -> pl.Series | list[list[int]]:
    """A part's documents per string: audit_batch's flat form as a list column (built from
    buffers), else its lists; none: empty lists (then merge_audits counts records)."""
    if "docs_flat" in part:
        lens = np.asarray(part["docs_len"], np.int64)
        offsets = np.zeros(len(lens) + 1, np.int64)
        np.cumsum(lens, out=offsets[1:])
        values = np.asarray(part["docs_flat"], np.int64)
        lists = pa.LargeListArray.from_arrays(
            numpy_ints(offsets, pa.int64()), numpy_ints(values, pa.int64())
        )
        return pl.Series(lists).cast(_DOCS)
    return part.get("docs") or [[] for _ in part["value"]]


def merge_audits(parts: list[dict[str, Any]], min_records: int = MIN_RECORDS) -> dict[str, Any]:
    """The audit of a whole run from its batches' (in input order); see the module docstring."""
    schema = {"type": pl.Utf8, "value": pl.Utf8, "records": pl.Int64, "finds": pl.Int64}
    frames = [
        pl.DataFrame(
            {
                **{k: p[k] for k in schema},
                # (parts without documents: their records count, see ``many``)
                "docs": _docs_of(p),
            },
            schema={**schema, "docs": _DOCS},
        )
        for p in parts
    ]
    all_ = pl.concat(frames) if frames else pl.DataFrame()
    types: dict[str, Any] = {}
    if all_.height:
        per = (
            all_.group_by("type", "value")
            .agg(
                pl.col("records").sum(),
                pl.col("finds").sum(),
                pl.col("docs")
                .list.explode(keep_nulls=False, empty_as_null=False)
                .n_unique()
                .alias("documents"),
            )
            .sort(["type", "records", "finds", "value"], descending=[False, True, True, False])
        )
        for (name,), g in per.group_by("type", maintain_order=True):
            # in at least min_records documents (parts without them: records)
            many = (pl.col("documents") >= min_records) | (
                (pl.col("documents") == 0) & (pl.col("records") >= min_records)
            )
            shown = g.filter(many)
            hidden = g.filter(~many)
            top = shown.head(TOP)
            contexts = []
            for value in top["value"].head(CONTEXTS).to_list():
                ctx = next(
                    (c for p in parts if (c := p["contexts"].get(name, {}).get(value))), None
                )
                if ctx is not None:
                    contexts.append({"value": value, **ctx})
            types[str(name)] = {
                "strings": g.height,
                "finds": int(g["finds"].sum()),
                "top": [
                    {"value": v, "records": int(r), "finds": int(f)}
                    for v, r, f in top.select("value", "records", "finds").iter_rows()
                ],
                "more_shown": shown.height - top.height,
                "hidden": {"strings": hidden.height, "finds": int(hidden["finds"].sum())},
                "contexts": contexts,
            }
    for p in parts:
        for name, n in p.get("unaligned", {}).items():
            entry = types.setdefault(
                name,
                {
                    "strings": 0,
                    "finds": 0,
                    "top": [],
                    "more_shown": 0,
                    "hidden": {"strings": 0, "finds": 0},
                    "contexts": [],
                },
            )
            entry["unaligned"] = entry.get("unaligned", 0) + n
    for entry in types.values():
        entry.setdefault("unaligned", 0)
    return {"min_records": min_records, "top": TOP, "types": dict(sorted(types.items()))}


def finish_rule_stats(
    parts: list[dict[str, Any]], merge: Callable[[list[Any]], Any]
) -> dict[str, Any]:
    """rules.json from the batches' stats: ``merge`` (ingest's merge_stats) for the counts and
    examples, the audit merged here; the per-batch strings are dropped."""
    audits = [p["_audit"] for p in parts if "_audit" in p]
    rest = [{k: v for k, v in p.items() if k != "_audit"} for p in parts]
    out: dict[str, Any] = merge(rest)
    if audits or parts:
        out["audit"] = merge_audits(audits)
    return out


__all__ = ["MIN_RECORDS", "align", "audit_batch", "finish_rule_stats", "merge_audits"]
