"""ROUGE-L F1 of a whole batch: the bit-parallel LCS of :func:`curate.eval.metrics.lcs_length`
(Hyyrö 2004) run for every pair at once in numpy.

Why: the scalar form steps one answer word at a time with Python big integers, ~30 µs a pair.
Here each reference is a row of W 64-bit words (W = its length / 64, rounded up); one step
applies the next answer word of every row together, with the carries and borrows of the
multi-word add and subtract done word by word. Pairs are grouped by W and sorted by answer
length, so a block does little padding (a padded step has an empty match mask, which leaves
the row unchanged). Words are the same as ``words()``'s; they are numbered through one dict,
so equal means equal (no hashing).
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

import numpy as np

_BLOCK = 4096  # rows stepped together
_ONE = np.uint64(1)


def _numbered(
    texts: Sequence[str], word: re.Pattern[str], vocab: dict[str, int]
) -> list[list[int]]:
    """Each text's words (``word`` over the case-folded text) as ids from ``vocab``."""
    ids = itertools.count(len(vocab))
    return [list(map(vocab.setdefault, word.findall(t.casefold()), ids)) for t in texts]


def _flat(lists: list[list[int]]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """All ids of ``lists`` in one array, with each id's list (row) and position in it."""
    lengths = np.array([len(x) for x in lists], dtype=np.int64)
    total = int(lengths.sum())
    ids = np.fromiter(itertools.chain.from_iterable(lists), dtype=np.int64, count=total)
    row = np.repeat(np.arange(len(lists), dtype=np.int64), lengths)
    starts = np.concatenate(([0], np.cumsum(lengths)[:-1])) if len(lists) else lengths
    pos = np.arange(total, dtype=np.int64) - np.repeat(starts, lengths)
    return ids, row, pos


def _lcs_block(
    answers: list[list[int]], refs: list[list[int]], words: int, vocab: int
) -> np.ndarray:
    """LCS lengths of pairs whose references all fit ``words`` 64-bit words."""
    n = len(refs)
    # the mask table: per distinct (row, word id) of the references, the bits of its positions
    r_ids, r_row, r_pos = _flat(refs)
    keys, inverse = np.unique(r_row * vocab + r_ids, return_inverse=True)
    table = np.zeros((len(keys) + 1, words), dtype=np.uint64)  # last row: no match
    np.bitwise_or.at(table, (inverse, r_pos >> 6), _ONE << (r_pos & 63).astype(np.uint64))
    # each answer word's row of the table (the empty one when its reference lacks it)
    a_ids, a_row, a_pos = _flat(answers)
    a_keys = a_row * vocab + a_ids
    j = np.minimum(np.searchsorted(keys, a_keys), max(len(keys) - 1, 0))
    found = keys[j] == a_keys if len(keys) else np.zeros(len(a_keys), dtype=bool)
    steps = int(a_pos.max()) + 1 if len(a_pos) else 0
    index = np.full((steps, n), len(keys), dtype=np.int64)  # step-major: one row per step
    index[a_pos, a_row] = np.where(found, j, len(keys))
    lengths = np.array([len(r) for r in refs], dtype=np.int64)
    # full: the bits of each reference's positions; v starts there (no match yet)
    full = np.zeros((n, words), dtype=np.uint64)
    for w in range(words):
        k = np.clip(lengths - 64 * w, 0, 64).astype(np.uint64)
        full[:, w] = np.where(k == 64, ~np.uint64(0), (_ONE << np.minimum(k, 63)) - _ONE)
    v = full.copy()
    for t in range(steps):
        u = v & table[index[t]]
        # v' = ((v + u) | (v - u)) & full; u is a submask of v, so v - u is v ^ u (no borrow)
        if words == 1:
            v = ((v + u) | (v ^ u)) & full
            continue
        total = np.empty_like(v)
        carry = np.zeros(n, dtype=bool)
        for w in range(words):
            vw = v[:, w]
            s = vw + u[:, w] + carry.astype(np.uint64)
            carry = (s < vw) | ((s == vw) & carry)  # equal: u + carry wrapped to 0
            total[:, w] = s
        v = (total | (v ^ u)) & full
    lcs: np.ndarray = lengths - _popcount(v)
    return lcs


def _popcount(v: np.ndarray) -> np.ndarray:
    """Set bits per row of a (rows x words) uint64 array (numpy 1.26 has no bitwise_count)."""
    count = getattr(np, "bitwise_count", None)
    if count is not None:
        return np.asarray(count(v).sum(axis=1), dtype=np.int64)
    as_bytes = np.ascontiguousarray(v).view(np.uint8).reshape(len(v), -1)
    return np.asarray(np.unpackbits(as_bytes, axis=1).sum(axis=1), dtype=np.int64)


def lcs_lengths(answers: list[list[int]], refs: list[list[int]], vocab: int) -> np.ndarray:
    """LCS length of every (answer, reference) pair of token-id lists (ids below ``vocab``)."""
    out = np.zeros(len(refs), dtype=np.int64)
    words = np.array([max(1, -(-len(r) // 64)) for r in refs], dtype=np.int64)
    order = np.lexsort((np.array([len(a) for a in answers], dtype=np.int64), words))
    for w in np.unique(words).tolist():
        group = order[words[order] == w]
        for k in range(0, len(group), _BLOCK):
            rows = group[k : k + _BLOCK].tolist()
            out[rows] = _lcs_block([answers[i] for i in rows], [refs[i] for i in rows], w, vocab)
    return out


def rouge_l_batch(
    answers: Sequence[str], references: Sequence[str], word: re.Pattern[str]
) -> list[float | None]:
    """ROUGE-L F1 over case-folded ``word`` tokens of every pair (0.0 when nothing matches)."""
    vocab: dict[str, int] = {}
    a = _numbered(answers, word, vocab)
    r = _numbered(references, word, vocab)
    lcs = lcs_lengths(a, r, max(vocab.values(), default=0) + 1)
    na = np.array([len(x) for x in a], dtype=np.float64)
    nr = np.array([len(x) for x in r], dtype=np.float64)
    hit = lcs > 0
    p = np.where(hit, lcs / np.maximum(na, 1), 0.0)
    rec = np.where(hit, lcs / np.maximum(nr, 1), 0.0)
    f = np.where(hit, 2 * p * rec / np.where(hit, p + rec, 1.0), 0.0)
    return f.tolist()  # type: ignore[no-any-return]
