"""Vectorized MinHash core: stable shingle hashes, one-permutation signatures, LSH bands, components.

Why not datasketch's own loop: it evaluates ``num_perm`` hash functions per shingle, one document
at a time (~1,500 docs/s here). This module works on whole batches in numpy:

* **Shingles** are hashed from the UTF-8 bytes with a polynomial prefix hash mod 2**64 (position
  independent, so any byte range hashes in O(1)), then mixed with murmur3's fmix64. Everything is
  plain uint64 arithmetic with fixed constants, so hashes are identical on every machine and
  version (unlike Python's ``hash()`` or Polars' ``hash()``); ``shingle_reference`` is the
  pure-Python definition the tests check the vectorized path against.
* **Signatures** use one-permutation hashing with optimal densification (Shrivastava & Li 2014;
  Shrivastava 2017): one hash per shingle picks a bin and a value, each bin keeps its minimum,
  empty bins borrow from a bin chosen by a fixed hash sequence. Collision probability per bin is
  the Jaccard similarity, as for ``num_perm`` independent permutations, at 1/num_perm of the cost.
  Rows are uint32 and can be handed to datasketch (``to_lean_minhash``).
* **Bands** and rows come from datasketch's ``_optimal_param``; bucketing is a stable sort per band.
* **Components** by vectorized union-find (min-label propagation with pointer jumping).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

U64 = npt.NDArray[np.uint64]
I64 = npt.NDArray[np.int64]
U32 = npt.NDArray[np.uint32]

MASK64 = (1 << 64) - 1
_P = 0x9E3779B97F4A7C15  # odd, so invertible mod 2**64
_PINV = pow(_P, -1, 1 << 64)
_C1, _C2 = 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53
_LEN = 0x2545F4914F6CDD1D


# odd multipliers combining consecutive token hashes into an n-gram hash (k-th token of the gram)
def _gram(k: int) -> int:
    return (0x9E3779B97F4A7C15 * (2 * k + 1) + 0x632BE59BD9B4E019 * k) & MASK64 | 1


EMPTY = np.uint32(0xFFFFFFFF)
_DENSIFY_TRIES = 32


def fmix64_int(h: int) -> int:
    """murmur3's 64-bit finalizer on a Python int (reference for ``fmix64``)."""
    h &= MASK64
    h ^= h >> 33
    h = (h * _C1) & MASK64
    h ^= h >> 33
    h = (h * _C2) & MASK64
    return h ^ (h >> 33)


def fmix64(h: U64) -> U64:
    """murmur3's 64-bit finalizer, in place on a uint64 array (which it returns)."""
    h ^= h >> np.uint64(33)
    h *= np.uint64(_C1)
    h ^= h >> np.uint64(33)
    h *= np.uint64(_C2)
    h ^= h >> np.uint64(33)
    return h


# bytes.translate table: 1 for word bytes (ASCII letters, digits, any byte of a non-ASCII char)
_WORD_TABLE = bytes(
    1 if (48 <= i <= 57 or 65 <= i <= 90 or 97 <= i <= 122 or i >= 128) else 0 for i in range(256)
)


_PAD = 8
_TAIL_MASK = np.array([(1 << (8 * i)) - 1 for i in range(8)] + [MASK64], np.uint64)


@dataclass
class Encoded:
    """A batch of lowercased documents as one byte buffer; doc i is ``buf[starts[i]:ends[i]]``.

    The buffer is ``\\n doc0 \\n doc1 ... \\n`` plus 8 NUL bytes, so every document is fenced
    by non-word bytes and an 8-byte load never runs past the end.
    """

    buf: npt.NDArray[np.uint8]
    starts: I64
    ends: I64
    raw: bytes | None = None

    @property
    def n(self) -> int:
        return int(self.starts.size)

    def word_mask(self) -> npt.NDArray[np.int8]:
        """1 for word bytes, 0 for the rest (one C pass through bytes.translate)."""
        raw = self.raw if self.raw is not None else self.buf.tobytes()
        return np.frombuffer(raw.translate(_WORD_TABLE), np.int8)

    def words64(self) -> U64:
        """Little-endian uint64 loaded at every byte offset (an unaligned strided view)."""
        return np.ndarray(
            shape=(self.buf.size - _PAD + 1,), dtype="<u8", buffer=self.buf.data, strides=(1,)
        )


def encode(texts: pl.Series | Sequence[str | None]) -> Encoded:
    """Lowercase (Unicode, in Polars) and lay the batch out as one fenced byte buffer."""
    s = texts if isinstance(texts, pl.Series) else pl.Series(list(texts), dtype=pl.String)
    s = s.cast(pl.String).fill_null("").str.to_lowercase()
    lens = s.str.len_bytes().to_numpy().astype(np.int64)
    framed = pl.concat([pl.Series([""]), s, pl.Series(["\x00" * _PAD])])
    raw = framed.str.join("\n").item().encode("utf-8")
    starts = np.cumsum(lens + 1) - lens
    return Encoded(np.frombuffer(raw, np.uint8), starts, starts + lens, raw)


def hash_ranges(enc: Encoded, a: I64, b: I64) -> U64:
    """Stable 64-bit hash of each byte range [a, b) of the batch buffer.

    Horner over the range's little-endian 8-byte words (the last one zero-padded), then the
    length mixed in and fmix64: ``bytes_hash`` is the same function in plain Python.
    """
    u = enc.words64()
    length = b - a
    acc = u[a]
    acc &= _TAIL_MASK[np.minimum(length, 8)]
    active = np.flatnonzero(length > 8)
    off = 8
    while active.size:
        rem = length[active] - off
        w = u[a[active] + off] & _TAIL_MASK[np.minimum(rem, 8)]
        acc[active] = acc[active] * np.uint64(_P) + w
        off += 8
        active = active[rem > 8]
    acc ^= length.astype(np.uint64) * np.uint64(_LEN)
    return fmix64(acc)


def bytes_hash(data: bytes) -> int:
    """Pure-Python ``hash_ranges`` for one byte string (the definition the tests check)."""
    acc = 0
    for i in range(0, max(len(data), 1), 8):
        acc = (acc * _P + int.from_bytes(data[i : i + 8].ljust(8, b"\0"), "little")) & MASK64
    if not data:
        acc = 0
    return fmix64_int(acc ^ ((len(data) * _LEN) & MASK64))


def _tokens(enc: Encoded) -> tuple[I64, I64, I64]:
    """Word token [start, end) byte positions and the number of tokens of each document."""
    w = enc.word_mask()
    edges = np.flatnonzero(w[1:] != w[:-1]) + 1  # alternating start, end: the buffer is fenced
    tstart, tend = edges[0::2], edges[1::2]
    first = np.searchsorted(tstart, enc.starts)
    count = np.searchsorted(tstart, enc.ends) - first
    return tstart, tend, count.astype(np.int64)


def _grams(first: I64, count: I64, n: int, min_len: int = 1) -> tuple[I64, I64, I64]:
    """Start index, length and doc of every n-gram over items ``first[d] .. first[d]+count[d]``.

    Documents with fewer than n (but at least ``min_len``) items get one gram of all their items.
    """
    per = np.where(count >= n, count - n + 1, count >= max(min_len, 1)).astype(np.int64)
    total = int(per.sum())
    doc = np.repeat(np.arange(count.size, dtype=np.int64), per)
    off = np.cumsum(per) - per
    start = first[doc] + (np.arange(total, dtype=np.int64) - off[doc])
    length = np.minimum(count[doc], n)
    return start, length, doc


def _combine(th: U64, start: I64, length: I64, n: int) -> U64:
    """n-gram hash from its token hashes: sum of th[start+k] * GRAM[k] over its length, mixed."""
    acc = np.zeros(start.size, np.uint64)
    full = length == n
    if full.all():
        for k in range(n):
            acc += th[start + k] * np.uint64(_gram(k))
    else:
        last = start + length - 1
        for k in range(n):
            acc += (
                th[np.minimum(start + k, last)]
                * np.uint64(_gram(k))
                * (length > k).astype(np.uint64)
            )
    acc ^= length.astype(np.uint64) * np.uint64(_LEN)
    return fmix64(acc)


@dataclass(frozen=True)
class Shingler:
    """What a shingle is: word n-grams (default) or character n-grams of the normalized text.

    Normalized text: lowercase, every run of non-word bytes is one separator. Documents shorter
    than the n-gram get one shingle of everything they have; documents without any word
    character get one shingle of their raw (lowercased) bytes, so nothing goes unfingerprinted.
    """

    ngram: int = 5
    char_ngrams: int | None = None

    def shingles(self, enc: Encoded) -> tuple[I64, U64]:
        """(doc index, shingle hash) for every shingle of the batch, in no particular order."""
        if self.char_ngrams:
            return self._char_shingles(enc, self.char_ngrams)
        return self.word_ngrams(enc, self.ngram)

    def word_ngrams(
        self, enc: Encoded, n: int, *, min_words: int = 1, raw_fallback: bool = True
    ) -> tuple[I64, U64]:
        """Word n-gram hashes; shorter docs (>= min_words words) get one gram of all their words."""
        tstart, tend, count = _tokens(enc)
        th = hash_ranges(enc, tstart, tend)
        first = np.cumsum(count) - count
        docs, hashes = [], []
        if th.size >= n:  # full grams from contiguous slices, then keep those inside one doc
            m = th.size - n + 1
            acc = th[:m] * np.uint64(_gram(0))
            for k in range(1, n):
                acc += th[k : k + m] * np.uint64(_gram(k))
            acc ^= np.uint64((n * _LEN) & MASK64)
            ok = np.ones(th.size, bool)
            end = first + count
            for k in range(1, n):  # the last n-1 tokens of a doc start no full gram
                ok[end[count >= k] - k] = False
            ok = ok[:m]
            docs.append(np.repeat(np.arange(enc.n, dtype=np.int64), count)[:m][ok])
            hashes.append(fmix64(acc[ok]))
        short = np.flatnonzero((count < n) & (count >= max(min_words, 1)))
        if short.size:
            docs.append(short)
            hashes.append(_combine(th, first[short], count[short], n))
        if raw_fallback:
            empty = np.flatnonzero(count == 0)
            docs.append(empty)
            hashes.append(hash_ranges(enc, enc.starts[empty], enc.ends[empty]))
        if not docs:
            return np.empty(0, np.int64), np.empty(0, np.uint64)
        return np.concatenate(docs), np.concatenate(hashes)

    def _char_shingles(self, enc: Encoded, k: int) -> tuple[I64, U64]:
        w = enc.word_mask().view(np.bool_)
        keep = w.copy()
        keep[:-1] |= w[1:] & ~w[:-1]  # one separator before each word
        ck = np.concatenate(([0], np.cumsum(keep)))
        body = np.where(w, enc.buf, np.uint8(32))[keep]
        buf2 = np.concatenate([body, np.zeros(_PAD, np.uint8)])
        # doc d owns the separator just before its start
        e2 = Encoded(buf2, ck[enc.starts - 1], ck[enc.ends])
        cpos = np.flatnonzero((body & np.uint8(0xC0)) != 0x80)
        first = np.searchsorted(cpos, e2.starts)
        count = (np.searchsorted(cpos, e2.ends) - first).astype(np.int64)
        start, length, doc = _grams(first, count, k)
        endi = start + length
        cend = np.append(cpos, body.size)
        inside = endi < first[doc] + count[doc]
        bend = np.where(inside, cend[np.minimum(endi, cend.size - 1)], e2.ends[doc])
        h = hash_ranges(e2, cpos[start], bend)
        empty = np.flatnonzero(count == 0)
        eh = hash_ranges(enc, enc.starts[empty], enc.ends[empty])
        return np.concatenate([doc, empty]), np.concatenate([h, eh])


def normalize_reference(text: str) -> list[str]:
    """Pure-Python definition of the words a document is made of (for tests and docs)."""
    words, cur = [], []
    for ch in text.lower():
        if (ch.isascii() and ch.isalnum()) or ord(ch) >= 128:
            cur.append(ch)
        elif cur:
            words.append("".join(cur))
            cur = []
    if cur:
        words.append("".join(cur))
    return words


def shingle_reference(text: str, ngram: int = 5, char_ngrams: int | None = None) -> set[int]:
    """Pure-Python definition of a document's shingle hashes; the vectorized path must agree."""
    words = normalize_reference(text)
    if not words:
        return {bytes_hash(text.lower().encode("utf-8"))}
    if char_ngrams:
        chars = " " + " ".join(words)
        k = min(char_ngrams, len(chars))
        return {bytes_hash(chars[i : i + k].encode("utf-8")) for i in range(len(chars) - k + 1)}
    th = [bytes_hash(w.encode("utf-8")) for w in words]
    n = min(ngram, len(th))
    out = set()
    for i in range(len(th) - n + 1):
        acc = sum(th[i + k] * _gram(k) for k in range(n)) & MASK64
        out.add(fmix64_int(acc ^ ((n * _LEN) & MASK64)))
    return out


# -- signatures -----------------------------------------------------------------------------


def _seed_mix(seed: int) -> np.uint64:
    return np.uint64(fmix64_int(seed * 0x9E3779B97F4A7C15 + 0x1234567))


def _densify_table(num_perm: int, seed: int) -> npt.NDArray[np.int64]:
    """cand[t, j]: the bin an empty bin j borrows from on try t (never j itself)."""
    t = np.arange(_DENSIFY_TRIES, dtype=np.uint64)[:, None]
    j = np.arange(num_perm, dtype=np.uint64)[None, :]
    h = fmix64((t * np.uint64(num_perm) + j + np.uint64(1)) * np.uint64(_C2) ^ _seed_mix(seed))
    off = (h % np.uint64(max(num_perm - 1, 1))).astype(np.int64) + 1
    return (j.astype(np.int64) + off) % num_perm


def signatures(doc: I64, h: U64, n_docs: int, num_perm: int, seed: int = 1) -> U32:
    """One-permutation MinHash with optimal densification: a (n_docs, num_perm) uint32 matrix.

    Documents without any shingle keep the EMPTY value in every bin.
    """
    hs = h ^ _seed_mix(seed)  # shingle hashes are already mixed; the seed picks the permutation
    bins = (((hs >> np.uint64(32)) * np.uint64(num_perm)) >> np.uint64(32)).astype(np.int64)
    vals = (hs & np.uint64(0xFFFFFFFF)).astype(np.uint32)
    flat = np.full(n_docs * num_perm, EMPTY, np.uint32)
    np.minimum.at(flat, doc * num_perm + bins, vals)
    return densify(flat.reshape(n_docs, num_perm), seed)


def densify(sig: U32, seed: int = 1) -> U32:
    """Fill empty bins from the bins a fixed hash sequence points to (optimal densification)."""
    flat = sig.ravel()
    pos = np.flatnonzero(flat == EMPTY)
    if not pos.size:
        return sig
    num_perm = sig.shape[1]
    cand = _densify_table(num_perm, seed)
    out = flat.copy()
    cols = pos % num_perm
    base = pos - cols
    for t in range(_DENSIFY_TRIES):
        v = flat[base + cand[t, cols]]
        ok = v != EMPTY
        out[pos[ok]] = v[ok]
        miss = ~ok
        pos, cols, base = pos[miss], cols[miss], base[miss]
        if not pos.size:
            return out.reshape(sig.shape)
    # very short documents: borrow from the next non-empty bin to the right (rotation)
    for step in range(1, num_perm):
        v = flat[base + (cols + step) % num_perm]
        ok = v != EMPTY
        out[pos[ok]] = v[ok]
        miss = ~ok
        pos, cols, base = pos[miss], cols[miss], base[miss]
        if not pos.size:
            break
    return out.reshape(sig.shape)


def to_lean_minhash(row: U32, seed: int = 1) -> Any:
    """A datasketch LeanMinHash holding one signature row (for datasketch's LSH and tools)."""
    from datasketch import LeanMinHash

    # uint32 values with 2**32-1 as "empty": datasketch's affine32 storage
    return LeanMinHash(seed=seed, hashvalues=row.astype(np.uint32), scheme="affine32")


# -- LSH -----------------------------------------------------------------------------------


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
    out = np.empty((sig.shape[0], bands), np.uint64)
    for i in range(bands):
        acc = np.full(sig.shape[0], np.uint64(((i + 1) * _LEN) & MASK64), np.uint64)
        for k in range(rows):
            acc += sig[:, i * rows + k].astype(np.uint64) * np.uint64(_gram(k))
        out[:, i] = fmix64(acc)
    return out


def candidate_pairs(keys: U64, *, small: int = 8) -> I64:
    """Unique (a, b) index pairs, a < b, sharing a bucket in some band.

    Buckets of up to ``small`` members give all their pairs; larger ones a star around their
    lowest index, which keeps the work linear while connecting the same components.
    """
    found = []
    for i in range(keys.shape[1]):
        order = np.argsort(keys[:, i], kind="stable")
        k = keys[order, i]
        newrun = np.empty(k.size, bool)
        newrun[:1] = True
        newrun[1:] = k[1:] != k[:-1]
        run = np.cumsum(newrun) - 1
        run_start = np.flatnonzero(newrun)
        size = np.diff(np.append(run_start, k.size))
        big = size[run] > small
        if big.any():
            m = np.flatnonzero(big & ~newrun)
            found.append(np.stack([order[run_start[run[m]]], order[m]], 1))
        for d in range(1, small):
            if k.size <= d:
                break
            same = (run[d:] == run[:-d]) & ~big[d:]
            if not same.any():
                break
            p = np.flatnonzero(same)
            found.append(np.stack([order[p], order[p + d]], 1))
    if not found:
        return np.empty((0, 2), np.int64)
    pairs = np.concatenate(found).astype(np.int64)
    pairs.sort(axis=1)
    n = int(keys.shape[0])
    code = np.unique(pairs[:, 0] * n + pairs[:, 1])
    return np.stack([code // n, code % n], 1)


def estimate_jaccard(
    sig: npt.NDArray[Any], pairs: I64, chunk: int = 65536
) -> npt.NDArray[np.float64]:
    """Fraction of equal signature values for each pair (the MinHash Jaccard estimate)."""
    out = np.empty(pairs.shape[0], np.float64)
    for i in range(0, pairs.shape[0], chunk):
        p = pairs[i : i + chunk]
        out[i : i + chunk] = (sig[p[:, 0]] == sig[p[:, 1]]).mean(axis=1)
    return out


def components(n: int, pairs: I64) -> I64:
    """Connected components as the smallest member index of each node's component."""
    label = np.arange(n, dtype=np.int64)
    if not pairs.size:
        return label
    a, b = pairs[:, 0], pairs[:, 1]
    while True:
        la, lb = label[a], label[b]
        lo, hi = np.minimum(la, lb), np.maximum(la, lb)
        diff = lo != hi
        if not diff.any():
            return label
        np.minimum.at(label, hi[diff], lo[diff])
        while True:  # pointer jumping until every node points at a root
            nxt = label[label]
            if np.array_equal(nxt, label):
                break
            label = nxt


def exact_jaccard(a: U64, b: U64) -> float:
    """Jaccard similarity of two shingle-hash sets."""
    ua, ub = np.unique(a), np.unique(b)
    inter = np.intersect1d(ua, ub, assume_unique=True).size
    union = ua.size + ub.size - inter
    return inter / union if union else 1.0


def sha256_hex(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
