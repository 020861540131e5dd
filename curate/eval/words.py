"""Words as the metrics count them: runs of ``\\w`` in the case-folded text, one text at a
time (:func:`words`) or counted for a whole batch at once (:func:`word_counts`) with the same
result."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

WORD = re.compile(r"\w+", re.UNICODE)


def words(text: str) -> list[str]:
    return WORD.findall(text.casefold())


def word_counts(texts: Sequence[str]) -> np.ndarray:
    """``len(words(t))`` of every text, in a few numpy passes over the whole batch.

    The case-folded texts are joined by newlines and read as code points; a code point is a
    word character exactly when ``re``'s ``\\w`` says so (``isalnum()`` or ``_``), decided once
    per distinct character. A word starts where a word character follows a non-word one."""
    folded = [t.casefold() for t in texts]
    if not folded:
        return np.zeros(0, dtype=np.int64)
    codes = np.frombuffer("\n".join(folded).encode("utf-32-le", "surrogatepass"), np.uint32)
    lengths = np.array(list(map(len, folded)), dtype=np.int64)
    if codes.size == 0:
        return np.zeros(len(folded), dtype=np.int64)
    present = np.zeros(int(codes.max()) + 1, dtype=bool)
    present[codes] = True
    is_word = np.zeros_like(present)
    chars = np.flatnonzero(present)
    is_word[chars] = [chr(c).isalnum() or c == 95 for c in chars.tolist()]
    w = is_word[codes]
    start = np.empty_like(w)
    start[0] = w[0]
    np.greater(w[1:], w[:-1], out=start[1:])
    bounds = np.concatenate(([0], np.cumsum(lengths + 1)))  # where each text begins
    return np.diff(np.searchsorted(np.flatnonzero(start), bounds))
