"""Exact Jaccard of shingle sets, for pairs whose MinHash estimate is too close to the threshold
(or every pair with ``verify``): sets kept from fingerprinting, or read again from the records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.dedupe import minhash as mh
from curate.dedupe.records import in_order, read_rows


@dataclass
class SetTable:
    """Shingle hashes (top 32 bits) of some rows, kept as the per-batch arrays they came in.

    Row ``rows[k]``'s values are ``parts[part[k]][start[k] : start[k] + length[k]]``. Nothing
    is concatenated, so holding them never takes twice their size. A row's values may repeat
    (they are not deduplicated per row): ``jaccard`` counts distinct values.
    """

    rows: npt.NDArray[np.int64]
    part: npt.NDArray[np.int64]
    start: npt.NDArray[np.int64]
    length: npt.NDArray[np.int64]
    parts: list[npt.NDArray[np.uint32]]

    @classmethod
    def from_batches(
        cls, batches: Sequence[tuple[npt.NDArray[np.int64], mh.ShingleSets]]
    ) -> SetTable:
        """One table from per-batch (rows, sets)."""
        if not batches:
            empty = np.empty(0, np.int64)
            return cls(empty, empty, empty, empty, [])
        rows = np.concatenate([r for r, _ in batches])
        part = np.repeat(np.arange(len(batches)), [r.size for r, _ in batches])
        start = np.concatenate([s.start for _, s in batches])
        length = np.concatenate([s.length for _, s in batches])
        order = np.argsort(rows, kind="stable")
        return cls(
            rows[order], part[order], start[order], length[order], [s.values for _, s in batches]
        )

    def jaccard(
        self,
        a: npt.NDArray[np.int64],
        b: npt.NDArray[np.int64],
        chunk: int = 1 << 12,
        threads: int | None = None,
    ) -> npt.NDArray[np.float64]:
        """Exact Jaccard of rows a[i] and b[i], vectorized over chunks of pairs (on threads)."""
        ka, kb = np.searchsorted(self.rows, a), np.searchsorted(self.rows, b)
        starts = range(0, a.size, chunk)
        parts = in_order(
            lambda s: self._jaccard(ka[s : s + chunk], kb[s : s + chunk]), starts, threads
        )
        return np.concatenate([np.empty(0, np.float64), *parts])

    def _jaccard(
        self, ka: npt.NDArray[np.int64], kb: npt.NDArray[np.int64]
    ) -> npt.NDArray[np.float64]:
        """Jaccard of table rows ka[i] and kb[i].

        Every value becomes the key (pair, value, side); after one sort, distinct keys count
        |A| + |B|, and adjacent keys differing only in the side bit count |A & B|. The order
        in which values are gathered does not matter, so they are gathered batch by batch.
        """
        segs = np.concatenate([ka, kb])
        npair = ka.size
        tag = np.arange(npair, dtype=np.uint64) << np.uint64(33)
        tag = np.concatenate([tag, tag | np.uint64(1)])
        by_part = np.argsort(self.part[segs], kind="stable")
        segs, tag = segs[by_part], tag[by_part]
        seg_part = self.part[segs]
        bounds = np.flatnonzero(np.diff(seg_part)) + 1
        keys = []
        for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, segs.size], strict=True):
            start, length = self.start[segs[lo:hi]], self.length[segs[lo:hi]]
            total = int(length.sum())
            idx = np.repeat(start - (np.cumsum(length) - length), length) + np.arange(total)
            k = self.parts[seg_part[lo]][idx].astype(np.uint64)
            k <<= np.uint64(1)
            k |= np.repeat(tag[lo:hi], length)
            keys.append(k)
        key = np.concatenate(keys) if keys else np.empty(0, np.uint64)
        key.sort()
        pair = (key >> np.uint64(33)).astype(np.int64)
        distinct = np.ones(key.size, bool)
        np.not_equal(key[1:], key[:-1], out=distinct[1:])
        sizes = np.bincount(pair[distinct], minlength=npair)  # |A| + |B|
        # a value on both sides sorts as (pair, value, 0) right before (pair, value, 1)
        both = np.flatnonzero((key[1:] ^ key[:-1]) == np.uint64(1))
        inter = np.bincount(pair[both], minlength=npair)
        union = sizes - inter
        return np.where(union > 0, inter / np.maximum(union, 1), 1.0)


def shingle_sets(
    lf: pl.LazyFrame,
    text_expr: pl.Expr,
    sh: mh.Shingler,
    rows: npt.NDArray[np.int64],
    batch_size: int,
    threads: int | None = None,
) -> SetTable:
    """Shingle sets of the wanted rows (for exact Jaccard), from a second read of their text."""
    want = np.unique(rows)

    def work(item: tuple[pl.Series, npt.NDArray[np.int64]]) -> tuple[Any, mh.ShingleSets]:
        texts, got = item
        doc, h = sh.shingles(mh.encode(texts))
        return got, mh.ShingleSets.group(doc, h, texts.len())

    return SetTable.from_batches(
        list(in_order(work, read_rows(lf, text_expr, want, batch_size), threads))
    )


def pair_jaccard(
    sets: dict[int, mh.U64], a: Sequence[int], b: Sequence[int]
) -> npt.NDArray[np.float64]:
    """Exact Jaccard of the shingle sets of each (a[i], b[i]) pair (dict form, for callers/tests)."""
    rows = np.array(sorted(sets), np.int64)
    vals = [sets[int(r)] for r in rows]
    doc = np.repeat(np.arange(rows.size), [v.size for v in vals])
    h = np.concatenate(vals) if vals else np.empty(0, np.uint64)
    table = SetTable.from_batches([(rows, mh.ShingleSets.group(doc, h, rows.size))])
    return table.jaccard(np.asarray(a, np.int64), np.asarray(b, np.int64))
