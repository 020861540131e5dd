"""Length statistics of an export (``export/token_stats.json``): characters, and with a
tokenizer exact tokens (total, user, assistant), per split."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt

from curate.export.collect import Collected, numpy_of
from curate.export.splits import SPLITS


def distribution(values: Sequence[int] | npt.NDArray[np.int64]) -> dict[str, float]:
    """min, mean, p50/p90/p99, max and sum of ``values`` ({} when there are none)."""
    if len(values) == 0:
        return {}
    a = np.asarray(values, dtype=np.float64)
    q = np.percentile(a, [50, 90, 99])
    return {
        "min": int(a.min()),
        "mean": round(float(a.mean()), 2),
        "p50": float(q[0]),
        "p90": float(q[1]),
        "p99": float(q[2]),
        "max": int(a.max()),
        "sum": int(a.sum()),
    }


def token_stats(
    got: Collected, ex_split: npt.NDArray[np.uint8], tok: Any, max_tokens: int | None
) -> dict[str, Any]:
    chars, tokens = numpy_of(got.chars), numpy_of(got.tokens)
    user, assistant = numpy_of(got.user), numpy_of(got.assistant)
    splits = {}
    for code, split in enumerate(SPLITS):
        mask = ex_split == code
        if not mask.any():
            continue
        entry: dict[str, Any] = {"examples": int(mask.sum()), "chars": distribution(chars[mask])}
        if len(tokens):
            entry |= {
                "tokens": distribution(tokens[mask]),
                "user_tokens": distribution(user[mask]),
                "assistant_tokens": distribution(assistant[mask]),
            }
        splits[split] = entry
    return {
        "tokenizer": tok.name if tok else None,
        "chat_template": bool(tok and tok.chat_template),
        "max_tokens": max_tokens,
        "trimmed_examples": got.trimmed,
        "over_length_examples": len(got.over_tokens),
        "over_length_tokens": distribution(got.over_tokens),
        "splits": splits,
    }
