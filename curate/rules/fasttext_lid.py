"""fastText language ID (the lid.176 lite model) evaluated in numpy, a batch at a time.

fastText's own predict costs ~25 us per 100-character text, holds the GIL all that time, and
most of it is per-call overhead, not arithmetic. The model is small (a 16-dimensional average
of word and character n-gram vectors, then a hierarchical softmax over 176 labels), so this
module reads the ``.ftz`` file and computes the same prediction for a whole batch with numpy:
each distinct token's vector sum is computed once (its n-gram hashes vectorized, then cached),
a text is the sum of its tokens' rows, and the tree's 175 sigmoids are computed for all the
batch's texts at once.

What fastText does, and this module repeats (fastText 0.9, ``Dictionary::getLine``,
``computeSubwords``, ``QuantMatrix``, ``HierarchicalSoftmaxLoss::dfs``):

- a line is split on `` \\t\\n\\v\\f\\r\\0``; the end of line is the token ``</s>`` (one in
  the text ends the line there); a token that starts with ``__label__`` is a label and adds
  nothing;
- a token adds its own row (when in the vocabulary) and one row per character n-gram
  (``minn``..``maxn`` UTF-8 characters of ``<token>``), found by 32-bit FNV-1a (bytes
  sign-extended, as fastText's ``int8_t`` cast does) modulo ``bucket``, then through the pruned
  model's bucket map (n-grams the pruning dropped add nothing);
- the hidden vector is the mean of those rows; each label's score is the sum, along its path in
  the Huffman tree built from the label counts, of ``log(p + 1e-5)`` of the branch taken.

The answer is fastText's up to float rounding (fastText sums in float32, this in float64): the
same label, and a probability within ~1e-6 on texts of langid's length (a 2,000-word text
can drift to ~2e-5). ``predict`` takes one line per text: a newline is a space here, where
fastText would stop at it (langid replaces newlines first). Only models of the lid.176 kind
are supported (supervised, hierarchical softmax, no word n-grams); others are a clear error.

A text's answer is the same bits whatever batch it is in (``--batch-size``, ``--workers``):
every step is per text and element-wise, or a sum in a fixed order (see ``_logits``).
"""

from __future__ import annotations

import struct
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from curate.errors import UsageError

FASTTEXT_MAGIC = 793712314
FASTTEXT_VERSION = 12
EOS = "</s>"
LABEL_PREFIX = "__label__"
LOG_EPS = 1e-5  # fastText's std_log(x) = log(x + 1e-5)
_ARGS = (
    "dim",
    "ws",
    "epoch",
    "min_count",
    "neg",
    "word_ngrams",
    "loss",
    "model",
    "bucket",
    "minn",
    "maxn",
    "lr_update_rate",
)
_LOSS_HS = 1
_MODEL_SUPERVISED = 3
_KSUB = 256  # centroids per product-quantizer sub-space
_FNV_PRIME = np.uint32(16777619)
PREDICT_BLOCK = 512  # texts whose tree arrays (~0.35 MB each) are computed at once
CACHE_LIMIT = 100_000  # distinct tokens kept (17 float64 each: ~25 MB); cleared past this


class _Reader:
    def __init__(self, data: bytes, path: Path) -> None:
        self.data, self.pos, self.path = data, 0, path

    def take(self, fmt: str) -> tuple[Any, ...]:
        try:
            values = struct.unpack_from(fmt, self.data, self.pos)
        except struct.error as exc:
            raise UsageError(f"{self.path}: truncated fastText model") from exc
        self.pos += struct.calcsize(fmt)
        return values

    def one(self, fmt: str) -> int:
        return int(self.take(fmt)[0])

    def array(self, dtype: type, count: int) -> np.ndarray:
        size = np.dtype(dtype).itemsize * count
        if count < 0 or self.pos + size > len(self.data):
            raise UsageError(f"{self.path}: truncated fastText model")
        out: np.ndarray = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += size
        return out

    def cstring(self) -> bytes:
        end = self.data.find(b"\0", self.pos)
        if end < 0:
            raise UsageError(f"{self.path}: truncated fastText model")
        text = self.data[self.pos : end]
        self.pos = end + 1
        return text


def _quantized_rows(r: _Reader) -> np.ndarray:
    """A ``QuantMatrix`` decoded to float64 rows (product quantizer, maybe a norm quantizer)."""
    qnorm = r.one("<?")
    rows, dim = r.one("<q"), r.one("<q")
    codes = r.array(np.uint8, r.one("<i"))
    pq_dim, nsubq, dsub, lastdsub = r.take("<4i")
    centroids = r.array(np.float32, int(pq_dim) * _KSUB)
    if pq_dim != dim or codes.size != rows * nsubq:
        raise UsageError(f"{r.path}: unexpected quantizer shape in the fastText model")
    codes = codes.reshape(int(rows), int(nsubq))
    out = np.empty((int(rows), int(dim)), np.float64)
    for m in range(int(nsubq)):
        width = int(lastdsub if m == nsubq - 1 else dsub)
        base = m * _KSUB * int(dsub)  # the last sub-space's centroids are lastdsub wide
        table = centroids[base : base + _KSUB * width].reshape(_KSUB, width)
        out[:, m * int(dsub) : m * int(dsub) + width] = table[codes[:, m]]
    if qnorm:
        norm_codes = r.array(np.uint8, int(rows))
        n_dim, _, _, _ = r.take("<4i")
        norms = r.array(np.float32, int(n_dim) * _KSUB)
        out *= norms[norm_codes].astype(np.float64)[:, None]
    return out


def _huffman_tree(counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """fastText's ``buildTree`` over the label counts (sorted high to low): the left and right
    child of each internal node (nodes ``n..2n-2``; the root is the last, leaves are labels)."""
    n = len(counts)
    total = 2 * n - 1
    count = np.full(total, 1e15)
    count[:n] = counts
    left = np.zeros(max(n - 1, 0), np.int64)
    right = np.zeros(max(n - 1, 0), np.int64)
    leaf, node = n - 1, n
    for i in range(n, total):
        pick = []
        for _ in range(2):
            if leaf >= 0 and count[leaf] < count[node]:
                pick.append(leaf)
                leaf -= 1
            else:
                pick.append(node)
                node += 1
        count[i] = count[pick[0]] + count[pick[1]]
        left[i - n], right[i - n] = pick  # the second pick is fastText's "binary" (1) branch
    return left, right


@dataclass
class _Model:
    labels: list[str]
    vocab: dict[str, int]  # word -> row of the input matrix (words only, not labels)
    rows: np.ndarray  # the input matrix: words, then kept n-gram buckets (float64)
    bucket_rows: np.ndarray  # per hash bucket, its input row (-1: pruned away)
    nwords: int
    bucket: int
    minn: int
    maxn: int
    output_t: np.ndarray  # (dim, internal tree nodes), float32 as fastText computes
    left_child: np.ndarray
    right_child: np.ndarray

    @property
    def nlabels(self) -> int:
        return len(self.labels)


def _load(path: Path) -> _Model:
    r = _Reader(path.read_bytes(), path)
    if r.one("<i") != FASTTEXT_MAGIC or r.one("<i") != FASTTEXT_VERSION:
        raise UsageError(f"{path}: not a fastText model of version {FASTTEXT_VERSION}")
    args: dict[str, int] = dict(zip(_ARGS, r.take("<12i"), strict=True))
    r.take("<d")  # sampling threshold
    if (
        args["model"] != _MODEL_SUPERVISED
        or args["loss"] != _LOSS_HS
        or args["word_ngrams"] > 1
        or args["maxn"] <= 0
    ):
        raise UsageError(
            f"{path}: only supervised fastText models with hierarchical softmax, character "
            f"n-grams and no word n-grams (like lid.176) are supported"
        )
    size, nwords, nlabels = r.take("<3i")
    _, prune_size = r.take("<2q")
    vocab: dict[str, int] = {}
    labels: list[str] = []
    label_counts: list[int] = []
    for i in range(int(size)):
        word = r.cstring().decode("utf-8", "surrogateescape")
        (count,) = r.take("<q")
        kind = r.one("<b")
        if kind == 0:
            vocab[word] = i
        else:
            labels.append(word.removeprefix(LABEL_PREFIX))
            label_counts.append(count)
    if len(labels) != nlabels or len(vocab) != nwords:
        raise UsageError(f"{path}: inconsistent fastText dictionary")
    pairs = r.array(np.int32, 2 * max(int(prune_size), 0)).reshape(-1, 2)
    bucket_rows = np.full(args["bucket"], -1, np.int32)  # 2M buckets: 8 MB, one lookup each
    if len(pairs) and (pairs[:, 0].min() < 0 or pairs[:, 0].max() >= args["bucket"]):
        raise UsageError(f"{path}: inconsistent fastText bucket map")
    bucket_rows[pairs[:, 0]] = int(nwords) + pairs[:, 1]
    if not r.one("<?"):
        raise UsageError(f"{path}: expected a quantized (.ftz) fastText model")
    rows = _quantized_rows(r)
    if len(pairs) and (pairs[:, 1].min() < 0 or nwords + pairs[:, 1].max() >= len(rows)):
        raise UsageError(f"{path}: inconsistent fastText bucket map")
    if r.one("<?"):
        output = _quantized_rows(r)
    else:
        out_rows, out_dim = r.one("<q"), r.one("<q")
        output = r.array(np.float32, out_rows * out_dim).reshape(out_rows, out_dim)
    if prune_size < 0:  # not pruned: every bucket has its row
        raise UsageError(f"{path}: expected a pruned (.ftz) fastText model")
    if nlabels < 2:
        raise UsageError(f"{path}: a fastText model needs two labels or more")
    left, right = _huffman_tree(np.asarray(label_counts, np.float64))
    return _Model(
        labels,
        vocab,
        rows,
        bucket_rows,
        int(nwords),
        args["bucket"],
        args["minn"],
        args["maxn"],
        np.ascontiguousarray(output[: int(nlabels) - 1].T, np.float32),
        left,
        right,
    )


def ngram_hashes(words: list[bytes], minn: int, maxn: int) -> tuple[np.ndarray, np.ndarray]:
    """FNV-1a hashes of every character n-gram (``minn``..``maxn`` UTF-8 characters) of each
    word, as fastText's ``computeSubwords`` finds them; and the word each hash belongs to.
    Words must not hold NUL (fastText splits on it): it ends each word in the joined bytes."""
    if not words:
        return np.zeros(0, np.uint32), np.zeros(0, np.int64)
    buf = np.frombuffer(b"\0".join(words) + b"\0", np.uint8)
    # character starts (every byte but UTF-8 continuations); each word's NUL is its end
    pos = np.flatnonzero((buf & 0xC0) != 0x80)
    is_end = buf[pos] == 0
    owner = np.cumsum(is_end) - is_end
    first = np.flatnonzero(np.concatenate(([True], is_end[:-1])))
    local = np.arange(len(pos)) - first[owner]
    chars = (np.flatnonzero(is_end) - first)[owner]  # characters in the owner word
    sext = buf.astype(np.int8).astype(np.int32).view(np.uint32)  # fastText hashes int8_t
    widest = int(np.diff(pos).max(initial=1))  # bytes in the longest character
    last = len(pos) - 1
    # one running hash per start character, extended by one character per n-gram size
    h = np.full(len(pos), 2166136261, np.uint32)
    hashes, owners = [], []
    for n in range(1, maxn + 1):
        ok = local + n <= chars
        char = np.minimum(np.arange(len(pos)) + n - 1, last - 1)
        lo, hi = pos[char], pos[char + 1]
        for k in range(widest):
            live = ok & (lo + k < hi)
            h = np.where(live, (h ^ sext[np.minimum(lo + k, len(buf) - 1)]) * _FNV_PRIME, h)
        if n < minn:
            continue
        if n == 1:  # fastText skips the 1-grams "<" and ">"
            ok &= (local != 0) & (local + 1 != chars)
        at = np.flatnonzero(ok)
        hashes.append(h[at])
        owners.append(owner[at])
    return np.concatenate(hashes), np.concatenate(owners)


class FastTextLid:
    """One loaded model. ``predict`` is thread-safe: the token cache has a lock."""

    def __init__(self, path: Path) -> None:
        self.model = _load(path)
        self._lock = threading.Lock()
        self._index: dict[str, int] = {}  # token -> row of _table (its sums, then its count)
        self._table = np.zeros((4096, self.model.rows.shape[1] + 1))
        eos_sum, eos_count = self._token_rows([EOS])
        self._eos = np.append(eos_sum[0], eos_count[0])

    def _token_rows(self, tokens: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """The sum of the input rows each token adds, and how many rows that is."""
        m = self.model
        sums = np.zeros((len(tokens), m.rows.shape[1]))
        counts = np.zeros(len(tokens))
        # a label (``__label__x``) adds nothing; a vocabulary word its row; any word but the
        # end of line its n-grams
        words = [i for i, t in enumerate(tokens) if not t.startswith(LABEL_PREFIX)]
        known = [(i, m.vocab[tokens[i]]) for i in words if tokens[i] in m.vocab]
        if known:
            at, wid = np.array(known).T
            sums[at] += m.rows[wid]
            counts[at] += 1.0
        which = np.array([i for i in words if tokens[i] != EOS], np.int64)
        encoded = [f"<{tokens[i]}>".encode("utf-8", "surrogateescape") for i in which]
        hashes, owners = ngram_hashes(encoded, m.minn, m.maxn)
        rows = m.bucket_rows[hashes % np.uint32(m.bucket)]
        kept = rows >= 0
        token_of = which[owners[kept]]
        np.add.at(sums, token_of, m.rows[rows[kept]])
        np.add.at(counts, token_of, 1.0)
        return sums, counts

    def _lookup(self, tokens: list[str]) -> np.ndarray:
        """Each (distinct) token's row sum and row count (in the last column), from the cache;
        tokens not seen before are computed and added."""
        with self._lock:
            index = self._index
            at = [index.get(t, -1) for t in tokens]
            new = [t for t, i in zip(tokens, at, strict=True) if i < 0]
            if new:
                if len(index) + len(new) > CACHE_LIMIT:
                    index.clear()
                    new = tokens
                sums, counts = self._token_rows(new)
                start, stop = len(index), len(index) + len(new)
                if stop > len(self._table):
                    grown = np.zeros((max(stop, 2 * len(self._table)), self._table.shape[1]))
                    grown[:start] = self._table[:start]
                    self._table = grown
                self._table[start:stop, :-1] = sums
                self._table[start:stop, -1] = counts
                index.update(zip(new, range(start, stop), strict=True))
                at = [index[t] for t in tokens]
            return self._table[np.asarray(at, np.int64)]

    def _logits(self, h: np.ndarray) -> np.ndarray:
        """Each tree node's logit per text, (nodes, texts) from hidden vectors (dim, texts).

        Summed one dimension at a time in float32, as fastText's ``dotRow`` loop does: only
        element-wise products and sums, so a text's logits are the same bits whatever else is
        in its batch. einsum and matmul pick their kernels and summation order from the array
        shapes (a one-text batch summed differently, moving ~1 text in 7 by an ulp), which
        made language scores depend on ``--batch-size``."""
        out = self.model.output_t
        logits: np.ndarray = out[0][:, None] * h[0]
        term = np.empty_like(logits)
        for d in range(1, len(h)):
            np.multiply(out[d][:, None], h[d], out=term)
            logits += term
        return logits

    def predict(self, texts: pl.Series) -> tuple[list[str], np.ndarray]:
        """Top label and its probability per text (one line each; fastText's tokens)."""
        m = self.model
        n = len(texts)
        if n == 0:
            return [], np.zeros(0)
        lines = texts.fill_null("").str.replace_all(r"[\n\r\t\v\f\x00]", " ")
        if lines.str.contains(EOS, literal=True).any():
            # fastText's line ends at a "</s>" token: what follows it is not read
            lines = lines.str.replace(rf"(?:^| ){EOS}(?: .*)?$", "")
        split = lines.str.split(" ")
        frame = (
            pl.DataFrame({"token": split})
            .with_row_index("text")
            .explode("token")
            .filter(pl.col("token").str.len_bytes() > 0)
        )
        distinct = frame["token"].unique()
        which = frame["token"].replace_strict(
            distinct, pl.int_range(len(distinct), eager=True), return_dtype=pl.Int64
        )
        # (features, tokens) so that the per-text sums run along contiguous rows
        table = np.ascontiguousarray(self._lookup(distinct.to_list()).T)
        sizes = np.bincount(frame["text"].to_numpy(), minlength=n)
        hidden = np.tile(self._eos[:, None], (1, n))
        busy = np.flatnonzero(sizes)
        if len(busy):
            per_token = np.take(table, which.to_numpy(), axis=1)
            hidden[:, busy] += np.add.reduceat(per_token, (np.cumsum(sizes) - sizes)[busy], axis=1)
        mean = (hidden[:-1] / hidden[-1]).astype(np.float32)
        best = np.empty(n, np.int64)
        probs = np.empty(n)
        # the tree's arrays are (nodes, texts): a block of texts at a time keeps them in the
        # cache (the whole batch's are megabytes, each step a pass through memory); every
        # step is per text, so the block does not change a bit of the answers
        for lo in range(0, n, PREDICT_BLOCK):
            hi = min(n, lo + PREDICT_BLOCK)
            best[lo:hi], probs[lo:hi] = self._best(np.ascontiguousarray(mean[:, lo:hi]))
        return [m.labels[b] for b in best.tolist()], np.minimum(probs, 1.0)

    def _best(self, h: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The best label and its probability per text, from hidden vectors (dim, texts)."""
        m = self.model
        n = h.shape[1]
        logits = self._logits(h)
        with np.errstate(over="ignore"):  # a logit below -88 makes exp inf and f 0, as in fastText
            f = 1.0 / (1.0 + np.exp(-logits))
        eps = np.float32(LOG_EPS)
        right, left = np.log(f + eps), np.log(1.0 - f + eps)
        # every label's score, from the root down (fastText's dfs visits the same sums)
        score = np.zeros((2 * m.nlabels - 1, n), np.float32)
        for node in range(2 * m.nlabels - 2, m.nlabels - 1, -1):
            k = node - m.nlabels
            np.add(score[node], left[k], out=score[m.left_child[k]])
            np.add(score[node], right[k], out=score[m.right_child[k]])
        leaves = score[: m.nlabels]
        best = leaves.argmax(axis=0)
        return best, np.exp(leaves[best, np.arange(n)].astype(np.float64))
