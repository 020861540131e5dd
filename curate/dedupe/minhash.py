"""Vectorized MinHash core: stable shingle hashes and one-permutation signatures.

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

Bands and candidate pairs are in lsh.py, connected components in clusters.py.

Cost model: every numpy pass over a batch's tokens costs about a nanosecond per token, so the
hot path (``Shingler.signatures_and_sets``) is written to make few passes: word n-grams are
hashed at every token position and the few that cross documents are routed to a spare row
rather than filtered out, and densification works on whole columns first.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl
import pyarrow as pa

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

    @property
    def n(self) -> int:
        return int(self.starts.size)

    def word_mask(self) -> npt.NDArray[np.bool_]:
        """True for word bytes: ASCII letters and digits, and every byte of a non-ASCII char.

        Three byte-wide comparisons (wrapping uint8 arithmetic) instead of a lookup table:
        numpy's fancy indexing costs several times a plain elementwise pass.
        """
        b = self.buf
        t = b | np.uint8(32)  # ASCII letters of either case -> lowercase
        t -= np.uint8(97)
        mask = t < 26
        mask |= b >= 128
        np.subtract(b, np.uint8(48), out=t)
        mask |= t < 10
        return mask

    def words64(self) -> U64:
        """Little-endian uint64 loaded at every byte offset (an unaligned strided view)."""
        return np.ndarray(
            shape=(self.buf.size - _PAD + 1,), dtype="<u8", buffer=self.buf.data, strides=(1,)
        )


def encode(texts: pl.Series | Sequence[str | None]) -> Encoded:
    """Lowercase (Unicode, in Polars) and lay the batch out as one fenced byte buffer.

    The bytes come straight from the Arrow buffer of ``text + "\\n"`` (one copy into the
    fenced buffer), not through a Python string.
    """
    s = texts if isinstance(texts, pl.Series) else pl.Series(list(texts), dtype=pl.String)
    s = s.cast(pl.String).fill_null("").str.to_lowercase()
    if s.len() == 0:
        empty = np.empty(0, np.int64)
        return Encoded(np.array([10] + [0] * _PAD, np.uint8), empty, empty.copy())
    arr = (s + "\n").to_arrow(compat_level=pl.CompatLevel.oldest())
    if isinstance(arr, pa.ChunkedArray):
        arr = arr.combine_chunks()
    _, offsets, data = arr.buffers()
    off_type = np.int64 if pa.types.is_large_string(arr.type) else np.int32
    off = np.frombuffer(offsets, off_type, arr.offset + len(arr) + 1)[arr.offset :].astype(np.int64)
    body = np.frombuffer(data, np.uint8, int(off[-1]))[off[0] :]
    buf = np.empty(body.size + 1 + _PAD, np.uint8)
    buf[0] = 10
    buf[1 : body.size + 1] = body
    buf[body.size + 1 :] = 0
    off -= off[0]
    return Encoded(buf, off[:-1] + 1, off[1:])


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


def _full_grams(th: U64, n: int) -> U64:
    """Hash of the n-gram starting at every token position p <= th.size - n (mixed, final).

    Grams that run across a document end are included; ``_crossing`` says which they are.
    """
    m = th.size - n + 1
    acc = th[:m] * np.uint64(_gram(0))
    term = np.empty(m, np.uint64)
    for k in range(1, n):
        np.multiply(th[k : k + m], np.uint64(_gram(k)), out=term)
        acc += term
    acc ^= np.uint64((n * _LEN) & MASK64)
    return fmix64(acc)


def _crossing(first: I64, count: I64, n: int, m: int) -> I64:
    """Positions (< m) of the full n-grams that start in one document and end in a later one."""
    end = first + count
    pos = np.concatenate([end[count >= k] - k for k in range(1, n)] or [end[:0]])
    return pos[pos < m]


def _top32(h: U64) -> U32:
    """The high 32 bits of each hash: what exact Jaccard compares (see ``ShingleSets``)."""
    return (h >> np.uint64(32)).astype(np.uint32)


@dataclass
class ShingleSets:
    """Each document's shingle hashes (high 32 bits), as ``values[start[d] : start[d] + length[d]]``.

    A document's values may repeat. 32 bits are enough for Jaccard: a chance collision inside
    one pair's ~300 shingles has probability ~1e-5 and moves its Jaccard by ~0.003.
    """

    start: I64
    length: I64
    values: U32

    @classmethod
    def group(cls, doc: I64, h: U64, n_docs: int) -> ShingleSets:
        """From (doc, hash) pairs in any order."""
        if doc.size > 1 and (doc[1:] < doc[:-1]).any():
            order = np.argsort(doc, kind="stable")
            doc, h = doc[order], h[order]
        length = np.bincount(doc, minlength=n_docs).astype(np.int64)
        return cls(np.cumsum(length) - length, length, _top32(h))


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
            ok = np.ones(m, bool)
            ok[_crossing(first, count, n, m)] = False
            docs.append(np.repeat(np.arange(enc.n, dtype=np.int64), count)[:m][ok])
            hashes.append(_full_grams(th, n)[ok])
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

    def signatures(self, enc: Encoded, num_perm: int, seed: int = 1) -> U32:
        """``signatures(*self.shingles(enc), enc.n, num_perm, seed)``, without the shingle list."""
        return self.signatures_and_sets(enc, num_perm, seed, with_sets=False)[0]

    def signatures_and_sets(
        self, enc: Encoded, num_perm: int, seed: int = 1, *, with_sets: bool = True
    ) -> tuple[U32, ShingleSets | None]:
        """Signatures, and (``with_sets``) every document's shingle hashes for exact Jaccard.

        Word n-grams are hashed at every token position of the batch at once; the ones that
        cross a document end are sent to a spare row of the minimum table instead of being
        filtered out, which saves compacting the hashes and their document numbers. For the
        same reason a document's set is a range of that array (crossing grams sit between
        documents, unused).
        """
        if self.char_ngrams:
            doc, h = self._char_shingles(enc, self.char_ngrams)
            sets = ShingleSets.group(doc, h, enc.n) if with_sets else None
            return signatures(doc, h, enc.n, num_perm, seed), sets
        n = self.ngram
        tstart, tend, count = _tokens(enc)
        th = hash_ranges(enc, tstart, tend)
        first = np.cumsum(count) - count
        spare = enc.n * num_perm
        table = np.full(spare + num_perm, EMPTY, np.uint32)
        tops: list[U32] = []
        start = first.copy()
        length = np.where(count >= n, count - n + 1, 0)
        m = max(th.size - n + 1, 0)
        if th.size >= n:
            slot = np.repeat(np.arange(0, spare, num_perm, dtype=np.int64), count)[:m]
            slot[_crossing(first, count, n, m)] = spare
            grams = _full_grams(th, n)
            if with_sets:
                tops.append(_top32(grams))
            _scatter_min(table, slot, grams, num_perm, seed)
        extra = m
        for docs, h in self._fallback_grams(enc, th, first, count):
            if with_sets:
                tops.append(_top32(h))
                start[docs] = extra + np.arange(docs.size)
                length[docs] = 1
                extra += docs.size
            _scatter_min(table, docs * num_perm, h, num_perm, seed)
        sig = densify(table[:spare].reshape(enc.n, num_perm), seed)
        if not with_sets:
            return sig, None
        values = np.concatenate(tops) if tops else np.empty(0, np.uint32)
        return sig, ShingleSets(start, length, values)

    def _fallback_grams(
        self, enc: Encoded, th: U64, first: I64, count: I64
    ) -> Iterator[tuple[I64, U64]]:
        """(docs, one hash each) for documents shorter than the n-gram, then for wordless ones."""
        n = self.ngram
        short = np.flatnonzero((count < n) & (count >= 1))
        if short.size:
            yield short, _combine(th, first[short], count[short], n)
        empty = np.flatnonzero(count == 0)
        if empty.size:
            yield empty, hash_ranges(enc, enc.starts[empty], enc.ends[empty])

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
    table = np.full(n_docs * num_perm, EMPTY, np.uint32)
    _scatter_min(table, doc * num_perm, h.copy(), num_perm, seed)
    return densify(table.reshape(n_docs, num_perm), seed)


def _scatter_min(table: U32, base: I64, h: U64, num_perm: int, seed: int) -> None:
    """table[base + bin(h)] = min(itself, value(h)) for every shingle hash (``h`` is consumed).

    The seed picks the permutation (the hashes are already mixed); the high 32 bits choose the
    bin (``hi * num_perm >> 32``, a shift when num_perm is a power of two), the low 32 bits are
    the value.
    """
    h ^= _seed_mix(seed)
    if num_perm > 1 and num_perm & (num_perm - 1) == 0:
        hi = h >> np.uint64(32 + 32 - num_perm.bit_length() + 1)
    else:
        hi = h >> np.uint64(32)
        hi *= np.uint64(num_perm)
        hi >>= np.uint64(32)
    slot = base + hi.astype(np.int64)
    np.minimum.at(table, slot, h.astype(np.uint32))


_DENSE_TRIES = 2  # tries done on the whole matrix; the few bins still empty go one by one


def densify(sig: U32, seed: int = 1) -> U32:
    """Fill empty bins from the bins a fixed hash sequence points to (optimal densification).

    The first tries run on the whole matrix: the borrowed columns are gathered for every row
    and blended in with a minimum (EMPTY is all ones, and filled bins are masked to all ones),
    cheaper than visiting a third of the bins one by one. What is left (about 1 bin in 25)
    is then visited as flat positions, the borrowed bin being the position plus a per-(try,
    column) offset.
    """
    if not sig.size:
        return sig
    num_perm = sig.shape[1]
    cand = _densify_table(num_perm, seed)
    out = sig.copy()
    for t in range(_DENSE_TRIES):
        filled = out != EMPTY
        if filled.all():
            return out
        mask = filled.view(np.uint8).astype(np.uint32)
        mask *= EMPTY  # all ones where the bin is already filled
        borrowed = np.take(sig, cand[t], axis=1)
        borrowed |= mask
        np.minimum(out, borrowed, out=out)
    flat, oflat = sig.ravel(), out.ravel()
    pos = np.flatnonzero(oflat == EMPTY)
    pow2 = num_perm & (num_perm - 1) == 0

    def column(p: I64) -> I64:
        col: I64 = p & (num_perm - 1) if pow2 else p % num_perm
        return col

    shift = cand - np.arange(num_perm, dtype=np.int64)  # borrowed bin minus own bin, per try
    for t in range(_DENSE_TRIES, _DENSIFY_TRIES):
        if not pos.size:
            return out
        v = flat[pos + shift[t][column(pos)]]
        ok = v != EMPTY
        oflat[pos[ok]] = v[ok]
        pos = pos[~ok]
    # very short documents: borrow from the next non-empty bin to the right (rotation)
    for step in range(1, num_perm):
        if not pos.size:
            break
        c = column(pos)
        v = flat[pos - c + (c + step) % num_perm]
        ok = v != EMPTY
        oflat[pos[ok]] = v[ok]
        pos = pos[~ok]
    return out


def to_lean_minhash(row: U32, seed: int = 1) -> Any:
    """A datasketch LeanMinHash holding one signature row (for datasketch's LSH and tools)."""
    from datasketch import LeanMinHash

    # uint32 values with 2**32-1 as "empty": datasketch's affine32 storage
    return LeanMinHash(seed=seed, hashvalues=row.astype(np.uint32), scheme="affine32")


# -- LSH -----------------------------------------------------------------------------------
