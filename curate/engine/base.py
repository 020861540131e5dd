"""The engine interface: where a stage's per-batch work runs, passed to a stage as a strategy.

A stage is written once against :class:`Engine`; it never asks which engine it has. The local
engine runs everything in this process (``LocalEngine``); the Ray engine
(``curate.engine.ray``) runs the same functions on a cluster. Whatever runs the work, the
results come back in input order, so the tables a stage writes are byte-identical on every
engine. Functions passed to ``map_ordered`` must be module-level (picklable) and pure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Protocol, TypeVar, runtime_checkable

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

T = TypeVar("T")
R = TypeVar("R")


@runtime_checkable
class Engine(Protocol):
    """What a stage may ask of an engine: map batches, group for dedupe."""

    name: str

    def map_ordered(
        self, fn: Callable[[T], R], items: Iterable[T], *, window: int | None = None
    ) -> Iterator[R]:
        """``fn`` over ``items``, results yielded in input order (at most ``window`` in flight)."""
        ...

    def candidate_pairs(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        """Pairs of rows that share a band key (the LSH shuffle/group-by), sorted and unique."""
        ...

    def components(self, n: int, pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        """Connected-component label (smallest member) of each of ``n`` nodes."""
        ...


class LocalEngine:
    """Everything in this process: the default, and the reference the other engines match."""

    name = "local"

    def map_ordered(
        self, fn: Callable[[T], R], items: Iterable[T], *, window: int | None = None
    ) -> Iterator[R]:
        return map(fn, items)

    def candidate_pairs(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        from curate.dedupe.lsh import candidate_pairs

        return candidate_pairs(keys)

    def components(self, n: int, pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        from curate.dedupe.clusters import components

        return components(n, pairs)


LOCAL = LocalEngine()
