"""Fingerprinting: per batch of records, MinHash signatures, LSH band keys, exact hashes (when
there is no content hash), text lengths and n-gram hits on the evaluation sets.

A :class:`Fingerprinter` is the function an engine maps over slices of the records file: it is
picklable and reads its own rows, so on Ray only row numbers travel to a task and only
fingerprints come back. Each slice is one row-group-aligned chunk of the file, split into
batches of ``batch_size`` run on ``threads`` threads; no result depends on either.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.dedupe import minhash as mh
from curate.dedupe.decontaminate import EvalSet, ngram_hits
from curate.dedupe.lsh import band_keys
from curate.dedupe.records import in_order, read_rows
from curate.workspace import ROW_GROUP_SIZE


@dataclass
class FingerprintBatch:
    """What one batch of fingerprinted records contributes."""

    rows: npt.NDArray[np.int64]
    keys: mh.U64
    sigb: npt.NDArray[np.uint8]
    exact: list[str] | None = None
    hits: npt.NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))
    hit_items: npt.NDArray[np.int64] = field(default_factory=lambda: np.empty(0, np.int64))
    lengths: npt.NDArray[np.int64] | None = None  # characters of each fingerprinted text
    sets: mh.ShingleSets | None = None  # shingle hashes, for exact Jaccard without a re-read


@dataclass(frozen=True)
class Fingerprinter:
    """Fingerprints of the wanted rows of one slice of ``path`` (see the module docstring)."""

    path: str
    text: pl.Expr
    shingler: mh.Shingler
    ev: EvalSet | None
    num_perm: int
    seed: int
    bands: int
    rows: int
    batch_size: int
    threads: int | None
    need_exact: bool
    keep_sets: bool

    def chunk_rows(self) -> int:
        """File rows per slice: whole row groups, and at least one batch."""
        return max(self.batch_size, ROW_GROUP_SIZE)

    def slices(self, todo: npt.NDArray[np.int64]) -> Iterator[npt.NDArray[np.int64]]:
        """The wanted rows (sorted) cut at chunk boundaries of the file; empty chunks skipped."""
        if not todo.size:
            return
        size = self.chunk_rows()
        starts = np.arange(int(todo[0]) // size * size, int(todo[-1]) + 1, size)
        bounds = np.searchsorted(todo, np.append(starts, starts[-1] + size))
        for lo, hi in itertools.pairwise(bounds):
            if hi > lo:
                yield todo[lo:hi]

    def __call__(self, want: npt.NDArray[np.int64]) -> list[FingerprintBatch]:
        """The batches of one slice (rows ``want``, all in one chunk of the file)."""
        off = int(want[0]) // self.chunk_rows() * self.chunk_rows()
        lf = pl.scan_parquet(self.path).slice(off, self.chunk_rows())
        got = list(
            in_order(
                self.batch, read_rows(lf, self.text, want - off, self.batch_size), self.threads
            )
        )
        for b in got:
            b.rows = b.rows + off
            if not self.keep_sets:
                b.sets = None  # shingle sets travel back at ~4 B per word; not kept, not sent
        return got

    def batch(self, item: tuple[pl.Series, npt.NDArray[np.int64]]) -> FingerprintBatch:
        """One batch: (texts, row numbers) in, its fingerprints out."""
        texts, rows_ = item
        enc = mh.encode(texts)
        sig, sets = self.shingler.signatures_and_sets(enc, self.num_perm, self.seed)
        b = FingerprintBatch(
            rows_, band_keys(sig, self.bands, self.rows), sig.astype(np.uint8), sets=sets
        )
        b.lengths = texts.str.len_chars().to_numpy().astype(np.int64)
        if self.need_exact:
            b.exact = [hashlib.sha256(x.encode("utf-8")).hexdigest() for x in texts.to_list()]
        if self.ev is not None:
            b.hits, b.hit_items = ngram_hits(self.ev, self.shingler, enc)
        return b
