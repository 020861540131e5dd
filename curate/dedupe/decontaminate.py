"""Decontamination: evaluation sets (``against``) read into n-gram hash tables and signatures, and
the records that share a long word n-gram with an item, or are near-duplicates of one.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.dedupe import minhash as mh
from curate.dedupe.lsh import band_keys, cross_pairs, estimate_low_bits
from curate.errors import InputError, UsageError

MIN_EVAL_WORDS = 8  # shorter evaluation items are too generic for an n-gram match


@dataclass
class EvalSet:
    """Evaluation items: where they are, their n-gram hashes and their signatures."""

    locators: list[str]
    texts: list[str]
    gram_lengths: list[int]
    gram_hashes: dict[int, tuple[mh.U64, npt.NDArray[np.int64]]]  # length -> (sorted, item)
    keys: mh.U64
    sigb: npt.NDArray[np.uint8]
    short: int


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for v in value.values():
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


def read_eval_items(path: str | os.PathLike[str]) -> list[tuple[str, str]]:
    """(``file:line``, text) for every item of a JSONL/JSON/CSV/TSV/Parquet evaluation set.

    An item's text is all its string values joined, so question, choices and answer all count.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"against: {p} does not exist or is not a file")
    name = p.name.lower()
    items: list[tuple[str, str]] = []
    try:
        if name.endswith((".jsonl", ".ndjson")):
            with p.open(encoding="utf-8") as f:
                for n, line in enumerate(f, 1):
                    if line.strip():
                        try:
                            obj = json.loads(line)
                        except json.JSONDecodeError as exc:
                            raise InputError(f"{p}:{n}: not valid JSON ({exc.msg})") from exc
                        items.append((f"{p}:{n}", "\n".join(_strings(obj))))
        elif name.endswith(".json"):
            try:
                data = json.loads(p.read_text("utf-8"))
            except json.JSONDecodeError as exc:
                raise InputError(f"{p}:{exc.lineno}: not valid JSON ({exc.msg})") from exc
            rows = data if isinstance(data, list) else [data]
            items = [(f"{p}:{i}", "\n".join(_strings(o))) for i, o in enumerate(rows, 1)]
        elif name.endswith((".csv", ".tsv")):
            with p.open(encoding="utf-8", newline="") as f:
                reader = csv.reader(f, delimiter="\t" if name.endswith(".tsv") else ",")
                header_end = 0
                for n, row in enumerate(reader):
                    start = header_end + 1
                    header_end = reader.line_num
                    if n and any(c.strip() for c in row):
                        items.append((f"{p}:{start}", "\n".join(c for c in row if c)))
        elif name.endswith(".parquet"):
            df = pl.read_parquet(p)
            cols = [c for c, t in df.schema.items() if t == pl.String]
            if not cols:
                raise InputError(f"against: {p} has no text columns")
            texts = df.select(
                pl.concat_str([pl.col(c) for c in cols], separator="\n", ignore_nulls=True)
            )
            items = [(f"{p}:{i}", t or "") for i, t in enumerate(texts.to_series(), 1)]
        else:
            raise UsageError(
                f"against: {p} is not JSONL, JSON, CSV, TSV or Parquet", param="against"
            )
    except UnicodeDecodeError as exc:
        raise InputError(f"against: {p} is not UTF-8 ({exc.reason} at byte {exc.start})") from exc
    except (OSError, pl.exceptions.PolarsError) as exc:
        raise InputError(f"against: cannot read {p}: {exc}") from exc
    return items


def load_eval(
    paths: Sequence[str | os.PathLike[str]],
    sh: mh.Shingler,
    n: int,
    num_perm: int,
    seed: int,
    bands: int,
    rows: int,
) -> EvalSet | None:
    items = [it for p in paths for it in read_eval_items(p)]
    if not items:
        return None
    locs, texts = [i[0] for i in items], [i[1] for i in items]
    enc = mh.encode(texts)
    doc, h = sh.shingles(enc)
    sig = mh.signatures(doc, h, enc.n, num_perm, seed)
    lengths = sorted({n, *range(min(MIN_EVAL_WORDS, n), n)})
    grams: dict[int, tuple[mh.U64, npt.NDArray[np.int64]]] = {}
    _, _, counts = mh._tokens(enc)
    for length in lengths:
        d, g = sh.word_ngrams(enc, n, min_words=length, raw_fallback=False)
        sel = np.minimum(counts[d], n) == length
        if sel.any():
            gs, ds = g[sel], d[sel]
            by_item = np.argsort(ds, kind="stable")
            order = by_item[np.argsort(gs[by_item], kind="stable")]  # by gram, then lowest item
            grams[length] = (gs[order], ds[order])
    return EvalSet(
        locs,
        texts,
        sorted(grams),
        grams,
        band_keys(sig, bands, rows),
        sig.astype(np.uint8),
        int((counts < min(MIN_EVAL_WORDS, n)).sum()),
    )


def ngram_hits(
    ev: EvalSet, sh: mh.Shingler, enc: mh.Encoded
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(doc, item) for docs sharing an n-gram with an evaluation item (lowest item per doc)."""
    docs, its = [], []
    for length in ev.gram_lengths:
        table, item = ev.gram_hashes[length]
        d, g = sh.word_ngrams(enc, length, min_words=length, raw_fallback=False)
        pos = np.minimum(np.searchsorted(table, g), table.size - 1)
        ok = table[pos] == g
        docs.append(d[ok])
        its.append(item[pos[ok]])
    d, i = np.concatenate(docs), np.concatenate(its)
    if not d.size:
        return d, i
    order = np.argsort(d * (int(i.max()) + 1) + i, kind="stable")
    d, i = d[order], i[order]
    first = np.ones(d.size, bool)
    first[1:] = d[1:] != d[:-1]
    return d[first], i[first]


def mark_contaminated(
    ev: EvalSet | None,
    rep: npt.NDArray[np.int64],
    keys: mh.U64,
    sigb: npt.NDArray[np.uint8],
    fp: npt.NDArray[np.int64],
    hits: npt.NDArray[np.int64],
    hit_items: npt.NDArray[np.int64],
    threshold: float,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int8]]:
    """Per row, the evaluation item it is contaminated by (-1: none) and why (1: a shared
    n-gram, found while fingerprinting; 2: a near-duplicate signature of the item).

    ``rep`` maps a row to its exact group's first row; row ``r``'s fingerprint is
    ``keys[fp[r]]``/``sigb[fp[r]]``. Every copy of a contaminated record is contaminated.
    """
    n = rep.size
    contaminated = np.full(n, -1, np.int64)
    reason = np.zeros(n, np.int8)
    contaminated[hits] = hit_items
    reason[hits] = 1
    if ev is None:
        return contaminated, reason
    reps = np.flatnonzero(rep == np.arange(n))
    sig_pairs = cross_pairs(keys[fp[reps]], ev.keys)
    if sig_pairs.size:
        est = estimate_low_bits(sigb[fp[reps[sig_pairs[:, 0]]]], ev.sigb[sig_pairs[:, 1]])
        sp = sig_pairs[est >= threshold]
        fresh = contaminated[reps[sp[:, 0]]] < 0
        contaminated[reps[sp[fresh, 0]]] = sp[fresh, 1]
        reason[reps[sp[fresh, 0]]] = 2
    return contaminated[rep], reason[rep]
