"""Packing: several examples share one row, each attending only to itself.

A row holds whole examples (never a cut one) up to ``capacity`` tokens. Position ids restart at 0
at each example, and the model is called with ``attention_mask=None``: transformers (>= 4.53,
``masking_utils.find_packed_sequence_indices``) then reads the example boundaries from the
position ids and builds a block-diagonal causal mask (sdpa, eager), or, with flash-attention on a
single flattened row, calls the varlen kernel with the boundaries we pass (``cu_seq_lens_*``).
The label of each example's first token is ignored, so no loss crosses a boundary; the rest keeps
the assistant-only mask.

Rows come from best-fit decreasing over a shuffled window of examples; rows of similar fill make a
micro-batch (little padding to the longest row); micro-batches are shuffled. Like the length-grouped
batches, the order is a pure function of (seed, epoch), so a resumed run sees the same rows.
"""

from __future__ import annotations

import bisect
import random
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from curate.train.batching import IGNORE, BatchStream, collate

if TYPE_CHECKING:
    from curate.train.masking import Encoded

WINDOW = 4096  # examples packed together: larger fills rows better, smaller mixes epochs sooner

Row = list[int]
MicroBatch = list[Row]


def best_fit_decreasing(indices: Sequence[int], lengths: Sequence[int], capacity: int) -> list[Row]:
    """Rows of example indices, each row's total length <= ``capacity`` (longest first, tightest fit)."""
    rows: list[Row] = []
    free: list[tuple[int, int]] = []  # (free space, row number), sorted
    for i in sorted(indices, key=lambda i: (-lengths[i], i)):
        n = lengths[i]
        if n > capacity:
            raise ValueError(f"example {i} has {n} tokens, more than a row's {capacity}")
        k = bisect.bisect_left(free, (n, -1))
        if k == len(free):
            rows.append([i])
            bisect.insort(free, (capacity - n, len(rows) - 1))
        else:
            space, r = free.pop(k)
            rows[r].append(i)
            bisect.insort(free, (space - n, r))
    return rows


def epoch_packs(
    lengths: Sequence[int], rows_per_batch: int, capacity: int, seed: int, epoch: int
) -> list[MicroBatch]:
    """Micro-batches (lists of rows of example indices) of one epoch."""
    rng = random.Random(seed * 1_000_003 + epoch)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    batches: list[MicroBatch] = []
    for start in range(0, len(order), WINDOW):
        rows = best_fit_decreasing(order[start : start + WINDOW], lengths, capacity)
        rows.sort(key=lambda r: -sum(lengths[i] for i in r))
        for row in rows:
            rng.shuffle(row)  # the order inside a row does not matter to the loss; keep it random
        batches += [rows[k : k + rows_per_batch] for k in range(0, len(rows), rows_per_batch)]
    rng.shuffle(batches)
    return batches


class PackStream:
    """Micro-batch ``m`` of an endless stream of packed epochs (deterministic, random access)."""

    def __init__(
        self, lengths: Sequence[int], rows_per_batch: int, capacity: int, seed: int
    ) -> None:
        self.lengths, self.rows, self.capacity, self.seed = (
            list(lengths),
            rows_per_batch,
            capacity,
            seed,
        )
        self._cache: dict[int, list[MicroBatch]] = {}
        self.per_epoch = len(self._epoch(0))

    def _epoch(self, epoch: int) -> list[MicroBatch]:
        if epoch not in self._cache:
            self._cache = {
                epoch: epoch_packs(self.lengths, self.rows, self.capacity, self.seed, epoch)
            }
        return self._cache[epoch]

    def __getitem__(self, m: int) -> MicroBatch:
        epoch, pos = divmod(m, self.per_epoch)
        return self._epoch(epoch)[pos]


def packed_padding(
    batches: Sequence[MicroBatch], lengths: Sequence[int], multiple: int = 1
) -> float:
    """Share of padded positions when each micro-batch's rows are padded to its fullest row."""
    real = padded = 0
    for rows in batches:
        fills = [sum(lengths[i] for i in r) for r in rows]
        longest = -(-max(fills) // multiple) * multiple
        real += sum(fills)
        padded += longest * len(rows)
    return 1 - real / padded if padded else 0.0


def collate_packed(
    rows: Sequence[Sequence[Encoded]], pad_id: int, multiple: int = 1, flatten: bool = False
) -> tuple[Any, Any, Any, dict[str, Any]]:
    """(input_ids, position_ids, labels, extra model kwargs) for packed rows.

    Padding closes a row as one more "example" (positions from 0, label ignored), so it neither
    sees nor is seen by a real token. ``flatten`` puts every example of the micro-batch in one
    row with no padding at all (flash-attention's varlen path) and returns its boundaries.
    """
    import torch

    if flatten:
        rows = [[e for row in rows for e in row]]
    fills = [sum(len(e) for e in row) for row in rows]
    width = fills[0] if flatten else -(-max(fills) // multiple) * multiple
    ids = torch.full((len(rows), width), pad_id, dtype=torch.long)
    pos = torch.zeros((len(rows), width), dtype=torch.long)
    labels = torch.full((len(rows), width), IGNORE, dtype=torch.long)
    for r, row in enumerate(rows):
        at = 0
        for e in row:
            n = len(e)
            ids[r, at : at + n] = torch.tensor(e.input_ids)
            pos[r, at : at + n] = torch.arange(n)
            trained = torch.tensor(e.trained)
            trained[0] = False  # its target would be predicted from the previous example
            labels[r, at : at + n] = torch.where(trained, ids[r, at : at + n], IGNORE)
            at += n
        pos[r, at:] = torch.arange(width - at)
    extra: dict[str, Any] = {}
    if flatten:
        starts = [0]
        for e in rows[0]:
            starts.append(starts[-1] + len(e))
        cu = torch.tensor(starts, dtype=torch.int32)
        longest = max(len(e) for e in rows[0])
        extra = {
            "cu_seq_lens_q": cu,
            "cu_seq_lens_k": cu,
            "max_length_q": longest,
            "max_length_k": longest,
        }
    return ids, pos, labels, extra


def isolates_examples(model: Any, device: str, vocab: int) -> bool:
    """Whether this model, as loaded, keeps packed examples apart (probed, not assumed).

    Runs the base model on [a, b] packed and on b alone; b's logits must agree. A model whose
    attention ignores packed position ids (an old architecture, a custom mask) fails here, and
    packing falls back to length-grouped batches.
    """
    import torch

    gen = torch.Generator().manual_seed(0)
    a = torch.randint(0, vocab, (1, 7), generator=gen)
    b = torch.randint(0, vocab, (1, 5), generator=gen)
    both = torch.cat([a, b], 1).to(device)
    pos = torch.cat([torch.arange(7), torch.arange(5)]).unsqueeze(0).to(device)
    was_training = model.training
    model.eval()
    try:
        with torch.no_grad():
            packed = model(input_ids=both, position_ids=pos, attention_mask=None, use_cache=False)
            alone = model(input_ids=b.to(device), use_cache=False)
    finally:
        model.train(was_training)
    x, y = packed.logits[0, 7:].float(), alone.logits[0].float()
    scale = float(y.abs().max()) or 1.0
    return bool(torch.allclose(x, y, rtol=0, atol=2e-2 * scale))


@dataclass
class Batch:
    """One micro-batch ready for the loss: ``args`` are its positional arguments."""

    args: tuple[Any, ...]  # input_ids, attention_mask | None, labels, position_ids | None, extra
    targets: int  # tokens the loss is taken on
    tokens: int  # real (non-padding) tokens
    positions: int  # all positions, padding included


def micro_batch(
    stream: BatchStream | PackStream,
    m: int,
    examples: Sequence[Encoded],
    pad_id: int,
    multiple: int,
    flatten: bool,
    device: str,
) -> Batch:
    """Micro-batch ``m`` of ``stream`` collated (packed rows or padded examples) on ``device``."""
    if isinstance(stream, PackStream):
        rows = [[examples[i] for i in row] for row in stream[m]]
        ids, pos, labels, extra = collate_packed(rows, pad_id, multiple, flatten)
        moved = {k: v.to(device) if hasattr(v, "to") else v for k, v in extra.items()}
        args: tuple[Any, ...] = (ids.to(device), None, labels.to(device), pos.to(device), moved)
        real = sum(len(e) for row in rows for e in row)
    else:
        ids, mask, labels = collate([examples[i] for i in stream[m]], pad_id, multiple)
        args = (ids.to(device), mask.to(device), labels.to(device))
        real = int(mask.sum())
    return Batch(args, int((labels[:, 1:] != IGNORE).sum()), real, ids.numel())
