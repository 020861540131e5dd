"""Paired bootstrap: is the adapter better than the base model on these examples, and by how much?

Both models answered the same examples, so we resample *examples* (with replacement) and
recompute the difference of the two models' scores on each resample (Koehn 2004; Efron &
Tibshirani 1993). The 2.5th and 97.5th percentiles of those differences are the 95 % interval;
an interval that excludes 0 is a difference these examples support. The resamples come from a
seeded generator, so the same scores always give the same interval.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

RESAMPLES = 1000
LEVEL = 0.95
MIN_EXAMPLES = 5  # fewer paired examples: any interval the bootstrap draws is meaningless


@dataclass(frozen=True)
class Paired:
    """Candidate minus baseline: the observed difference, its 95 % interval, the share of
    resamples in which the candidate scored higher, and the number of paired examples."""

    diff: float
    low: float
    high: float
    p_better: float
    n: int

    @property
    def verdict(self) -> str:
        """``better`` / ``worse`` when the interval excludes 0, else ``no clear difference``;
        ``too few examples`` under MIN_EXAMPLES (one example resamples to a zero-width interval
        that would exclude 0 whatever the models did)."""
        if self.n < MIN_EXAMPLES:
            return "too few examples"
        if self.low > 0:
            return "better"
        if self.high < 0:
            return "worse"
        return "no clear difference"

    def to_dict(self) -> dict[str, Any]:
        return {**asdict(self), "verdict": self.verdict}


def resample_indices(n: int, resamples: int, seed: int) -> np.ndarray:
    """``resamples`` rows of ``n`` example indices drawn with replacement (seeded)."""
    rng = np.random.default_rng(seed)
    return rng.integers(0, n, size=(resamples, n))


def paired_mean(
    candidate: Sequence[float | None],
    baseline: Sequence[float | None],
    *,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> Paired | None:
    """Bootstrap of mean(candidate - baseline) over the examples both scored (None: skipped)."""
    pairs = [
        (c, b) for c, b in zip(candidate, baseline, strict=True) if c is not None and b is not None
    ]
    if not pairs:
        return None
    d = np.array([c - b for c, b in pairs], dtype=np.float64)
    idx = resample_indices(len(d), resamples, seed)
    boot = d[idx].mean(axis=1)
    return _summary(float(d.mean()), boot, len(d))


def paired_statistic(
    n: int,
    statistic: Callable[[np.ndarray], tuple[float, float]],
    *,
    resamples: int = RESAMPLES,
    seed: int = 0,
) -> Paired | None:
    """Bootstrap of a statistic that is not a mean (macro F1): ``statistic(indices)`` returns
    (candidate's value, baseline's value) on those examples."""
    if n == 0:
        return None
    c, b = statistic(np.arange(n))
    idx = resample_indices(n, resamples, seed)
    boot = np.array([np.subtract(*statistic(row)) for row in idx], dtype=np.float64)
    return _summary(c - b, boot, n)


def _summary(observed: float, boot: np.ndarray, n: int) -> Paired:
    tail = (1 - LEVEL) / 2 * 100
    low, high = np.percentile(boot, [tail, 100 - tail])
    return Paired(
        diff=observed,
        low=float(low),
        high=float(high),
        p_better=float((boot > 0).mean()),
        n=n,
    )


__all__ = ["LEVEL", "RESAMPLES", "Paired", "paired_mean", "paired_statistic", "resample_indices"]
