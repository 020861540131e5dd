"""Decontamination: evaluation sets (``against``) read into n-gram hash tables and signatures, and
the records that share enough long word n-grams with an item, or are near-duplicates of one.

One shared n-gram is weak evidence: dialogues and notes are full of stock phrases ("Doctor: Are
you right handed or left handed? Patient: I'm right handed. Doctor"), and on MTS-Dialog a single
shared 13-gram flagged 55 of 1,201 training dialogues against the test sets, nearly all through
such phrases. So an n-gram frequent across the evaluation set (in STOCK_ITEMS or more distinct
items) counts for nothing, and a record is contaminated by an item only when they share at
least ``need`` distinct n-grams: EVIDENCE_GRAMS (a run of about 2n words), or half the item's
own n-grams for a short item (one, for an item shorter than n words: it must appear whole).
``matched_span`` gives the text a record shares with its item, to show why it was flagged.
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
STOCK_ITEMS = 3  # an n-gram in this many distinct evaluation items is a stock phrase
EVIDENCE_GRAMS = 12  # distinct shared n-grams that mark a record contaminated (short items: less)


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
    # per item: distinct shared n-grams a record needs to be contaminated by it
    need: npt.NDArray[np.int64] | None = None
    stock: int = 0  # n-grams left out as stock phrases
    ngram: int = 13  # the n-gram length records were compared with (for matched_span)


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
    # identical items count once when telling stock phrases by how many items hold them
    first_of: dict[str, int] = {}
    same = np.array([first_of.setdefault(t, i) for i, t in enumerate(texts)], np.int64)
    own = np.zeros(len(texts), np.int64)  # distinct n-grams per item
    stock = 0
    for length in lengths:
        d, g = sh.word_ngrams(enc, n, min_words=length, raw_fallback=False)
        sel = np.minimum(counts[d], n) == length
        if sel.any():
            pairs = np.unique(np.stack([g[sel].view(np.int64), d[sel]], 1), axis=0)
            gs, ds = pairs[:, 0].view(np.uint64), pairs[:, 1]
            np.add.at(own, ds, 1)
            frequent = _stock(gs, same[ds])
            stock += int(np.unique(gs[frequent]).size)
            gs, ds = gs[~frequent], ds[~frequent]
            by_item = np.argsort(ds, kind="stable")
            order = by_item[np.argsort(gs[by_item], kind="stable")]  # by gram, then lowest item
            grams[length] = (gs[order], ds[order])
    need = np.minimum(EVIDENCE_GRAMS, np.maximum(1, (own + 1) // 2))
    return EvalSet(
        locs,
        texts,
        sorted(grams),
        grams,
        band_keys(sig, bands, rows),
        sig.astype(np.uint8),
        int((counts < min(MIN_EVAL_WORDS, n)).sum()),
        need,
        stock,
        n,
    )


def _stock(grams: mh.U64, items: npt.NDArray[np.int64]) -> npt.NDArray[np.bool_]:
    """Per (gram, item) pair: whether the gram is in STOCK_ITEMS or more distinct items."""
    frame = pl.DataFrame({"g": grams, "i": items})
    n_items = frame.select(pl.col("i").n_unique().over("g"))["i"].to_numpy()
    return np.asarray(n_items >= STOCK_ITEMS)


def ngram_hits(
    ev: EvalSet, sh: mh.Shingler, enc: mh.Encoded
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(doc, item) for docs sharing at least ``ev.need[item]`` distinct n-grams (stock phrases
    left out) with an evaluation item (lowest such item per doc). A doc is in one batch, so
    the count does not depend on the batch size."""
    docs, its, hs = [], [], []
    for length in ev.gram_lengths:
        table, item = ev.gram_hashes[length]
        if not table.size:
            continue
        d, g = sh.word_ngrams(enc, length, min_words=length, raw_fallback=False)
        lo = np.searchsorted(table, g, "left")
        hi = np.searchsorted(table, g, "right")
        k = hi - lo  # the items holding each gram (none for most)
        hit = np.flatnonzero(k)
        reps = k[hit]
        at = np.repeat(lo[hit] - np.cumsum(reps) + reps, reps) + np.arange(int(reps.sum()))
        docs.append(np.repeat(d[hit], reps))
        its.append(item[at])
        hs.append(np.repeat(g[hit], reps).view(np.int64))
    if not docs or not sum(x.size for x in docs):
        return np.empty(0, np.int64), np.empty(0, np.int64)
    triples = np.unique(np.stack([np.concatenate(x) for x in (docs, its, hs)], 1), axis=0)
    pairs, shared = np.unique(triples[:, :2], axis=0, return_counts=True)
    need = ev.need[pairs[:, 1]] if ev.need is not None else 1
    pairs = pairs[shared >= need]
    d, i = pairs[:, 0].astype(np.int64), pairs[:, 1].astype(np.int64)
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


def matched_span(text: str, item: str, n: int) -> str:
    """The longest stretch of ``text`` (lowercased, as compared) made of n-grams it shares with
    ``item``: what a contaminated record and its evaluation item have in common ("" if none).
    Shorter texts than n words compare whole."""
    sh = mh.Shingler(ngram=n)
    enc = mh.encode([text, item])
    tstart, tend, count = mh._tokens(enc)
    if not count.all():
        return ""
    m = int(min(n, count.min()))
    d, g = sh.word_ngrams(enc, m, min_words=m, raw_fallback=False)
    mine, theirs = g[d == 0], set(g[d == 1].tolist())
    shared = np.fromiter((h in theirs for h in mine.tolist()), bool, mine.size)
    best, run_start = (0, 0), None
    for i, ok in enumerate([*shared.tolist(), False]):
        if ok and run_start is None:
            run_start = i
        elif not ok and run_start is not None:
            if i - run_start > best[1] - best[0]:
                best = (run_start, i)
            run_start = None
    if best == (0, 0):
        return ""
    first, last = best[0], best[1] - 1 + m - 1  # token indices within the text
    return bytes(enc.buf[tstart[first] : tend[last]]).decode("utf-8", "replace")
