"""The Ray engine: :class:`RayEngine`, the :class:`~curate.engine.base.Engine` a stage is given
to run its batch work on a Ray cluster.

Nothing here re-implements a stage's logic; a stage calls the engine's primitives and gets the
local engine's answers, so the tables are byte-identical:

* ``map_ordered``: ``fn`` per item in a Ray task, a window of tasks in flight, results yielded
  in input order. A CurateError raised inside a task reaches the caller as itself.
* ``candidate_pairs`` (dedupe's LSH bucketing): a shuffle of (node, band, key) rows by key over
  Ray tasks, the local ``candidate_pairs`` per key partition (curate.engine.ray.shuffle).
* ``components``: min-label propagation over hash partitions of the graph, scatter/gather tasks
  per round until no label changes. Ray Data's groupby/join operators would do the same shuffles
  but start aggregator actors costing ~10 s per operator on a small machine, per round.

A stage runs on Ray by being given the engine: ``curate.dedupe(ws, engine=RayEngine())``, or
``make_engine("ray", address)`` (curate.engine), which connects first.
"""

from __future__ import annotations

import collections
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, TypeVar

from curate.errors import CurateError

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

T = TypeVar("T")
R = TypeVar("R")


def _ray() -> Any:
    import logging

    import ray

    from curate.engine import connect_ray

    if not ray.is_initialized():
        connect_ray(None)
    for name in ("ray", "ray.data"):  # curate renders its own progress; keep Ray's chatter out
        logging.getLogger(name).setLevel(logging.ERROR)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    ctx.enable_operator_progress_bars = False
    return ray


def cluster_cpus() -> int:
    return max(1, int(_ray().cluster_resources().get("CPU", 1)))


def _call(fn: Callable[[Any], Any], item: Any) -> Any:
    """A task of :meth:`RayEngine.map_ordered`: ``fn`` travels as an object-store argument, so
    any picklable callable (a ``functools.partial`` too) runs, not only a decorated function."""
    return fn(item)


class RayEngine:
    """Batches as Ray tasks, LSH buckets and components as shuffles over Ray tasks.

    Connect first (:func:`curate.engine.make_engine` does); without a connection the first call
    starts a local Ray instance.
    """

    name = "ray"

    def map_ordered(
        self, fn: Callable[[T], R], items: Iterable[T], *, window: int | None = None
    ) -> Iterator[R]:
        """``fn`` per item as a Ray task, at most ``window`` in flight (default: two per
        cluster CPU), results in input order, streamed as the earliest one is done."""
        ray = _ray()
        limit = window if window is not None else max(2, 2 * cluster_cpus())
        remote = ray.remote(_call)
        fn_ref = ray.put(fn)
        pending: collections.deque[Any] = collections.deque()
        try:
            for item in items:
                pending.append(remote.remote(fn_ref, item))
                while len(pending) >= max(1, limit):
                    yield ray.get(pending.popleft())
            while pending:
                yield ray.get(pending.popleft())
        except Exception as exc:
            inner = _curate_cause(exc)
            if inner is None or inner is exc:
                raise
            raise inner from None
        finally:
            for ref in pending:  # a consumer that stops early leaves no work running
                ray.cancel(ref)

    def candidate_pairs(self, keys: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
        from curate.engine.ray.shuffle import ray_candidate_pairs

        return ray_candidate_pairs(keys)

    def components(self, n: int, pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
        from curate.engine.ray.shuffle import ray_components

        return ray_components(n, pairs)


def _curate_cause(exc: BaseException) -> CurateError | None:
    """The original CurateError behind Ray's task-error wrappers (``cause`` / ``__cause__``)."""
    found = None
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, CurateError):
            found = e
        e = getattr(e, "cause", None) or e.__cause__
    return found
