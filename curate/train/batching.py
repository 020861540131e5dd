"""Length-grouped batching: examples of similar length share a batch, so little is padding.

The order is a pure function of (seed, epoch): a resumed run sees exactly the same batches.
Within each shuffled window of ``batch_size * WINDOW`` examples, examples are sorted by length and
cut into batches; the batches are then shuffled, so training order stays random.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

    from curate.train.masking import Encoded

WINDOW = 64
IGNORE = -100


def epoch_batches(
    lengths: Sequence[int], batch_size: int, seed: int, epoch: int
) -> list[list[int]]:
    """Indices of each batch of one epoch, grouped by length."""
    rng = random.Random(seed * 1_000_003 + epoch)
    order = list(range(len(lengths)))
    rng.shuffle(order)
    window = batch_size * WINDOW
    batches: list[list[int]] = []
    for start in range(0, len(order), window):
        chunk = sorted(order[start : start + window], key=lambda i: (-lengths[i], i))
        batches += [chunk[k : k + batch_size] for k in range(0, len(chunk), batch_size)]
    rng.shuffle(batches)
    return batches


class BatchStream:
    """Micro-batch ``m`` of an endless stream of epochs (deterministic, random access)."""

    def __init__(self, lengths: Sequence[int], batch_size: int, seed: int) -> None:
        self.lengths, self.batch_size, self.seed = list(lengths), batch_size, seed
        self._cache: dict[int, list[list[int]]] = {}
        self.per_epoch = len(epoch_batches(self.lengths, batch_size, seed, 0))

    def __getitem__(self, m: int) -> list[int]:
        epoch, pos = divmod(m, self.per_epoch)
        if epoch not in self._cache:
            self._cache = {epoch: epoch_batches(self.lengths, self.batch_size, self.seed, epoch)}
        return self._cache[epoch][pos]


def padding_fraction(
    batches: Sequence[Sequence[int]], lengths: Sequence[int], multiple: int = 1
) -> float:
    """Share of padded positions when ``batches`` are padded to their longest example."""
    real = padded = 0
    for b in batches:
        longest = max(lengths[i] for i in b)
        longest = -(-longest // multiple) * multiple
        real += sum(lengths[i] for i in b)
        padded += longest * len(b)
    return 1 - real / padded if padded else 0.0


def collate(
    examples: Sequence[Encoded], pad_id: int, multiple: int = 1
) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Right-padded (input_ids, attention_mask, labels); labels are -100 except trained tokens.

    Labels are built from the trained mask, never from the pad id, so a pad that equals EOS
    does not hide the EOS the model must learn.
    """
    import torch

    longest = max(len(e) for e in examples)
    longest = -(-longest // multiple) * multiple
    ids = torch.full((len(examples), longest), pad_id, dtype=torch.long)
    mask = torch.zeros((len(examples), longest), dtype=torch.long)
    labels = torch.full((len(examples), longest), IGNORE, dtype=torch.long)
    for row, e in enumerate(examples):
        n = len(e)
        ids[row, :n] = torch.tensor(e.input_ids)
        mask[row, :n] = 1
        labels[row, :n] = torch.where(torch.tensor(e.trained), ids[row, :n], IGNORE)
    return ids, mask, labels
