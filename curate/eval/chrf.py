"""Sentence-level chrF (Popović 2015, as sacrebleu's CHRF: character 1..6-grams, whitespace
removed, beta 2), exact and vectorized over a whole batch: no per-example Python loop.

Why this shape: the per-pair matches at order n are sum over n-grams g of min(hyp count, ref
count). Sorting every position of every text by the 6 characters that start there (example
first) puts all occurrences of each n-gram of each example next to each other *for every n at
once*, since n-grams sharing a prefix are contiguous in lexicographic order. So one sort of
(hypothesis + reference) positions replaces six sorts per side, and no n-gram is hashed: the
characters are re-numbered densely (1..A) and six of them are packed into a uint64 next to the
example index and a side bit. Where the batch's alphabet is too large for that (more than 511
distinct characters, e.g. CJK), the same fields are sorted as columns (``np.lexsort``): slower,
same result.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

CHRF_ORDER = 6
CHRF_BETA = 2.0
_CHUNK_POSITIONS = 1 << 17  # hypothesis + reference characters sorted at once (cache-sized)
_PAD = CHRF_ORDER - 1  # zeros after each text, so a window never reads into the next text


def _code_points(strings: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """All strings' characters as one uint32 array, and each string's length."""
    joined = "".join(strings).encode("utf-32-le", "surrogatepass")
    codes = np.frombuffer(joined, dtype=np.uint32)
    return codes, np.array(list(map(len, strings)), dtype=np.int64)


def _dense(codes: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray, int]:
    """The texts' characters renumbered 1..A (0 stays free for padding) with whitespace removed
    as ``"".join(t.split())`` removes it (``str.isspace``, decided once per distinct
    character); the texts' new lengths; and A."""
    if codes.size == 0:
        return codes.astype(np.uint8), lengths, 0
    top = int(codes.max())
    if top < 4 * codes.size + 65536:  # a lookup table is cheaper than a sort
        present = np.zeros(top + 1, dtype=bool)
        present[codes] = True
        chars = np.flatnonzero(present)
        index = codes
    else:
        chars, index = np.unique(codes, return_inverse=True)
    keep = np.array([not chr(c).isspace() for c in chars.tolist()], dtype=bool)
    alphabet = int(keep.sum())
    small = np.min_scalar_type(alphabet)  # uint8 for most texts: less memory traffic
    rank = np.zeros(len(chars), dtype=small)
    rank[keep] = np.arange(1, alphabet + 1, dtype=small)
    if index is codes:
        table = np.zeros(top + 1, dtype=small)
        table[chars] = rank
        dense = table[codes]
    else:
        dense = rank[index]
    spaces = np.flatnonzero(dense == 0)
    offsets = np.concatenate(([0], np.cumsum(lengths)))
    new_lengths = lengths - np.diff(np.searchsorted(spaces, offsets))
    return (dense[dense != 0] if len(spaces) else dense), new_lengths, alphabet


def _padded(codes: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The texts' characters with ``_PAD`` zeros after each, and where each character went."""
    n_texts = len(lengths)
    padded = np.zeros(len(codes) + _PAD * (n_texts + 1), dtype=np.uint64)
    at = np.arange(len(codes), dtype=np.int64)
    at += np.repeat(np.arange(n_texts, dtype=np.int64) * _PAD, lengths)
    padded[at] = codes
    return padded, at


def _side_keys(codes: np.ndarray, lengths: np.ndarray, bits: int, side: int) -> np.ndarray:
    """One uint64 per character position: example | c0 | ... | c5 | side, high to low, where
    c0..c5 are the characters starting there (0 past the text's end)."""
    padded, at = _padded(codes, lengths)
    win = padded << np.uint64(1 + (CHRF_ORDER - 1) * bits)
    for j in range(1, CHRF_ORDER):
        win[:-j] |= padded[j:] << np.uint64(1 + (CHRF_ORDER - 1 - j) * bits)
    key: np.ndarray = win[at]
    key |= np.repeat(np.arange(len(lengths), dtype=np.uint64), lengths) << np.uint64(
        1 + CHRF_ORDER * bits
    )
    if side:
        key |= np.uint64(1)
    return key


def _packed_matches(
    hyp: tuple[np.ndarray, np.ndarray],
    ref: tuple[np.ndarray, np.ndarray],
    n_examples: int,
    bits: int,
) -> np.ndarray:
    """(examples x 6) clipped n-gram matches of one chunk of pairs, by one sort of packed keys."""
    out = np.zeros((n_examples, CHRF_ORDER), dtype=np.float64)
    key = np.concatenate([_side_keys(*hyp, bits, 0), _side_keys(*ref, bits, 1)])
    if len(key) == 0:
        return out
    key.sort()
    mask = np.uint64((1 << bits) - 1)
    ex_shift = np.uint64(1 + CHRF_ORDER * bits)
    for n in range(1, CHRF_ORDER + 1):
        # a run of equal (example, n-gram) starts where the example or one of the first n
        # characters changes; it counts when its n-th character is not padding
        shift = np.uint64(1 + (CHRF_ORDER - n) * bits)
        new = np.empty(len(key), dtype=bool)
        new[0] = True
        np.greater_equal(key[1:] ^ key[:-1], np.uint64(1) << shift, out=new[1:])
        starts = np.flatnonzero(new)
        side_cum = np.zeros(len(key) + 1, dtype=np.int64)
        np.cumsum((key & np.uint64(1)).view(np.int64), out=side_cum[1:])
        head = key[starts]
        hit, both, sizes = _clipped(starts, side_cum, ((head >> shift) & mask) != 0)
        owner = (head[hit] >> ex_shift).astype(np.int64)
        out[:, n - 1] = np.bincount(owner, weights=both, minlength=n_examples)
        if n < CHRF_ORDER:
            # only n-grams both sides have can start (n+1)-grams both sides have: drop the rest
            key = key[np.repeat(hit, sizes)]
            if len(key) == 0:
                break
    return out


def _clipped(
    starts: np.ndarray, side_cum: np.ndarray, whole: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Of the runs of equal (example, n-gram) that start at the sorted indices ``starts``:
    which count (``whole``: the n-gram lies inside its text, and both sides have it) and their
    clipped matches min(hypothesis, reference), and every run's size. ``side_cum``: reference
    elements before each sorted index."""
    at = side_cum[starts]
    refs = np.diff(at, append=side_cum[-1])
    sizes = np.diff(starts, append=len(side_cum) - 1)
    both = np.minimum(sizes - refs, refs)
    hit = (both > 0) & whole
    return hit, both[hit], sizes


def _column_matches(
    hyp: tuple[np.ndarray, np.ndarray],
    ref: tuple[np.ndarray, np.ndarray],
    n_examples: int,
) -> np.ndarray:
    """As :func:`_packed_matches` for alphabets too large to pack: the same fields sorted as
    columns with ``np.lexsort``."""
    out = np.zeros((n_examples, CHRF_ORDER), dtype=np.float64)
    cols, owners, sides = [], [], []
    for side, (codes, lengths) in enumerate((hyp, ref)):
        padded, at = _padded(codes, lengths)
        cols.append(np.stack([padded[at + j] for j in range(CHRF_ORDER)], axis=1))
        owners.append(np.repeat(np.arange(n_examples, dtype=np.int64), lengths))
        sides.append(np.full(len(at), side, dtype=np.int64))
    win, owner, side_of = np.concatenate(cols), np.concatenate(owners), np.concatenate(sides)
    if len(win) == 0:
        return out
    order = np.lexsort((side_of, *(win[:, j] for j in reversed(range(CHRF_ORDER))), owner))
    win, owner, side_of = win[order], owner[order], side_of[order]
    side_cum = np.concatenate(([0], np.cumsum(side_of)))
    changed = owner[1:] != owner[:-1]
    new = np.empty(len(win), dtype=bool)
    new[0] = True
    for n in range(1, CHRF_ORDER + 1):
        col = win[:, n - 1]
        changed |= col[1:] != col[:-1]
        new[1:] = changed
        starts = np.flatnonzero(new)
        hit, both, _ = _clipped(starts, side_cum, col[starts] != 0)
        out[:, n - 1] = np.bincount(owner[starts[hit]], weights=both, minlength=n_examples)
    return out


def chrf_stats(
    answers: Sequence[str], references: Sequence[str], *, packed: bool | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per pair and order 1..6: clipped character n-gram matches, hypothesis n-grams, reference
    n-grams (three n x 6 arrays). ``packed`` forces (True) or forbids (False) the one-key sort;
    by default it is used whenever the alphabet fits."""
    if len(answers) != len(references):
        raise ValueError(f"{len(answers)} answers but {len(references)} references")
    n = len(answers)
    codes, lengths = _code_points([*answers, *references])
    dense, lengths, alphabet = _dense(codes, lengths)
    h_len, r_len = lengths[:n], lengths[n:]
    h_codes, r_codes = dense[: int(h_len.sum())], dense[int(h_len.sum()) :]
    bits = max(alphabet.bit_length(), 1)
    ex_bits = 64 - 1 - CHRF_ORDER * bits
    if packed is None:
        packed = ex_bits >= 8
    elif packed and ex_bits < 1:
        raise ValueError(f"an alphabet of {alphabet} characters does not fit one key")
    orders = np.arange(1, CHRF_ORDER + 1)
    hyp_tot = np.maximum(h_len[:, None] - orders + 1, 0)
    ref_tot = np.maximum(r_len[:, None] - orders + 1, 0)
    match = np.zeros((n, CHRF_ORDER), dtype=np.float64)
    # chunks: at most _CHUNK_POSITIONS characters (but one pair at least), and few enough
    # pairs that the example index fits its bits in the packed key
    per_chunk = (1 << ex_bits) if packed else n
    h_off = np.concatenate(([0], np.cumsum(h_len)))
    r_off = np.concatenate(([0], np.cumsum(r_len)))
    total = h_off + r_off
    lo = 0
    while lo < n:
        hi = int(np.searchsorted(total, total[lo] + _CHUNK_POSITIONS, side="right")) - 1
        hi = min(max(hi, lo + 1), lo + per_chunk, n)
        hyp = (h_codes[h_off[lo] : h_off[hi]], h_len[lo:hi])
        ref = (r_codes[r_off[lo] : r_off[hi]], r_len[lo:hi])
        if packed:
            match[lo:hi] = _packed_matches(hyp, ref, hi - lo, bits)
        else:
            match[lo:hi] = _column_matches(hyp, ref, hi - lo)
        lo = hi
    return match, hyp_tot, ref_tot


def chrf_scores(match: np.ndarray, hyp_tot: np.ndarray, ref_tot: np.ndarray) -> np.ndarray:
    """chrF in [0, 1] from :func:`chrf_stats`: precision and recall averaged over the orders
    both sides have, then F-beta; 1.0 when both sides are empty (nothing to miss)."""
    effective = (hyp_tot > 0) & (ref_tot > 0)
    k = effective.sum(axis=1)
    p = np.where(effective, match / np.maximum(hyp_tot, 1), 0.0).sum(axis=1) / np.maximum(k, 1)
    r = np.where(effective, match / np.maximum(ref_tot, 1), 0.0).sum(axis=1) / np.maximum(k, 1)
    b2 = CHRF_BETA**2
    denom = b2 * p + r
    f = np.where(denom > 0, (1 + b2) * p * r / np.where(denom > 0, denom, 1.0), 0.0)
    both_empty = (hyp_tot[:, 0] == 0) & (ref_tot[:, 0] == 0)
    return np.where(both_empty, 1.0, f)


def chrf_batch(answers: Sequence[str], references: Sequence[str]) -> list[float | None]:
    """Sentence-level chrF of every pair (see the module docstring)."""
    if not answers and not references:
        return []
    return chrf_scores(*chrf_stats(answers, references)).tolist()  # type: ignore[no-any-return]
