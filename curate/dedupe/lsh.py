"""LSH: band keys of signatures, candidate pairs that share a bucket, and their similarity
estimates from the signatures (confirmation needs no text unless the estimate is too close to call).
"""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from curate.dedupe.minhash import _LEN, I64, MASK64, U32, U64, _gram, fmix64

FN_WEIGHT = 0.95


@functools.lru_cache(maxsize=64)
def lsh_params(threshold: float, num_perm: int, fn_weight: float = FN_WEIGHT) -> tuple[int, int]:
    """(bands, rows) as datasketch's MinHashLSH picks them for ``weights=(1-fn_weight, fn_weight)``.

    datasketch's default equal weights catch only ~40% of pairs right at the threshold (0.8, 128
    perms: 9 bands x 13 rows); every candidate is confirmed afterwards, so false positives cost
    only a comparison and false negatives are weighted 0.95 (16 x 8: ~95% at the threshold).
    """
    from datasketch.lsh import _optimal_param

    b, r = _optimal_param(threshold, num_perm, 1 - fn_weight, fn_weight)
    return int(b), int(r)


def band_keys(sig: U32, bands: int, rows: int) -> U64:
    """(n, bands) uint64 bucket keys: a band's rows hashed into one value."""
    n = sig.shape[0]
    by_band = sig[:, : bands * rows].reshape(n, bands, rows)
    acc = np.empty((n, bands), np.uint64)
    acc[:] = np.array([((i + 1) * _LEN) & MASK64 for i in range(bands)], np.uint64)
    term = np.empty((n, bands), np.uint64)
    for k in range(rows):
        np.multiply(by_band[:, :, k], np.uint64(_gram(k)), out=term, dtype=np.uint64)
        acc += term
    return fmix64(acc)


_PARALLEL_BANDS_FROM = 16_384  # rows; below this a thread pool costs more than it saves


def candidate_pairs(keys: U64, *, small: int = 8) -> I64:
    """Unique (a, b) index pairs, a < b, sharing a bucket in some band.

    Buckets of up to ``small`` members give all their pairs; larger ones a star around their
    lowest index, which keeps the work linear while connecting the same components. Neither
    depends on the order of a bucket's members, so a band is sorted with numpy's fastest
    (unstable, SIMD) argsort; large inputs sort two bands at a time on threads.
    """
    bands = range(keys.shape[1])
    if keys.shape[0] >= _PARALLEL_BANDS_FROM and keys.shape[1] > 1 and (os.cpu_count() or 1) > 1:
        with ThreadPoolExecutor(2) as pool:
            found = [
                p for band in pool.map(lambda i: _band_pairs(keys, i, small), bands) for p in band
            ]
    else:
        found = [p for i in bands for p in _band_pairs(keys, i, small)]
    if not found:
        return np.empty((0, 2), np.int64)
    pairs = np.concatenate(found).astype(np.int64)
    pairs.sort(axis=1)
    n = int(keys.shape[0])
    code = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([code // n, code % n], 1)


def _band_pairs(keys: U64, band: int, small: int) -> list[I64]:
    """One band's share of ``candidate_pairs`` (unsorted, possibly repeated pairs)."""
    col = np.ascontiguousarray(keys[:, band])  # a strided column sorts at half the speed
    order = np.argsort(col)
    k = col[order]
    newrun = np.empty(k.size, bool)
    newrun[:1] = True
    np.not_equal(k[1:], k[:-1], out=newrun[1:])
    run_start = np.flatnonzero(newrun)
    if run_start.size == k.size:
        return []  # every bucket has one member
    size = np.diff(np.append(run_start, k.size))
    run = np.cumsum(newrun) - 1
    member_size = size[run]
    found = []
    big = np.flatnonzero(member_size > small)
    if big.size:
        centre = np.minimum.reduceat(order, run_start)[run[big]]
        other = order[big]
        spoke = other != centre
        found.append(np.stack([centre[spoke], other[spoke]], 1))
    few = np.flatnonzero((member_size > 1) & (member_size <= small))
    few_run = run[few]
    for d in range(1, small):
        if few.size <= d:
            break
        p = np.flatnonzero(few_run[d:] == few_run[:-d])
        if not p.size:
            break
        found.append(np.stack([order[few[p]], order[few[p + d]]], 1))
    return found


def cross_pairs(keys_a: U64, keys_b: U64) -> npt.NDArray[np.int64]:
    """Unique (i, j) with row i of ``keys_a`` and row j of ``keys_b`` sharing a band key."""
    found = []
    for band in range(keys_b.shape[1]):
        order = np.argsort(keys_b[:, band], kind="stable")
        sk = keys_b[order, band]
        pos = np.minimum(np.searchsorted(sk, keys_a[:, band]), sk.size - 1)
        hit = np.flatnonzero(sk[pos] == keys_a[:, band])
        found.append(np.stack([hit, order[pos[hit]]], 1))
    pairs = np.concatenate(found).astype(np.int64) if found else np.empty((0, 2), np.int64)
    return np.unique(pairs, axis=0) if pairs.size else pairs


def estimate_jaccard(
    sig: npt.NDArray[Any], pairs: I64, chunk: int = 65536
) -> npt.NDArray[np.float64]:
    """Fraction of equal signature values for each pair (the MinHash Jaccard estimate)."""
    out = np.empty(pairs.shape[0], np.float64)
    for i in range(0, pairs.shape[0], chunk):
        p = pairs[i : i + chunk]
        out[i : i + chunk] = (sig[p[:, 0]] == sig[p[:, 1]]).mean(axis=1)
    return out


def estimate_low_bits(
    a: npt.NDArray[np.uint8], b: npt.NDArray[np.uint8]
) -> npt.NDArray[np.float64]:
    """Jaccard estimate from the low 8 bits of two signatures (b-bit minwise hashing).

    Keeping 8 of 32 bits quarters the memory per record; unequal values then agree by chance
    with probability 1/256, which this corrects for.
    """
    p = (a == b).mean(axis=1)
    est: npt.NDArray[np.float64] = np.clip((p - 1 / 256) / (1 - 1 / 256), 0.0, 1.0)
    return est


@dataclass
class NodeSig:
    """Signatures of the LSH nodes: index entries first, then clean rows, without copying."""

    sigb: npt.NDArray[np.uint8]
    clean: npt.NDArray[np.int64]
    idx_sig: npt.NDArray[np.uint8] | None

    def rows(self, nodes: npt.NDArray[np.int64]) -> npt.NDArray[np.uint8]:
        m = 0 if self.idx_sig is None else self.idx_sig.shape[0]
        out = self.sigb[self.clean[np.maximum(nodes - m, 0)]]
        if m and (nodes < m).any():
            assert self.idx_sig is not None
            out[nodes < m] = self.idx_sig[nodes[nodes < m]]
        return out

    def estimate(self, pairs: npt.NDArray[np.int64], chunk: int = 65536) -> npt.NDArray[np.float64]:
        out = np.empty(pairs.shape[0], np.float64)
        for i in range(0, pairs.shape[0], chunk):
            p = pairs[i : i + chunk]
            out[i : i + chunk] = estimate_low_bits(self.rows(p[:, 0]), self.rows(p[:, 1]))
        return out
