"""The Ray engine: the local stage functions, with their batch work run on Ray Data.

Nothing here re-implements a stage's logic. Each stage runs the code the local engine runs:

* **ingest**: the read loop (readers + layout mapping, in file order) runs in a Ray Data read
  task and emits candidate chunks of ``batch_size``; ``_BatchProcessor.process``, ``apply_rules``
  and ``add_text_and_hash`` run per chunk in a ``map_batches`` actor pool, each chunk writing its
  numbered Parquet parts; the driver concatenates parts in sequence, so the tables are the ones
  the local engine writes, byte for byte.
* **dedupe**: ``curate.dedupe.dedupe`` itself, with three primitives swapped for distributed ones:
  fingerprinting (the local ``_fingerprint`` — signatures, band keys, exact hashes — per slice of
  the records file, in ``map_batches`` tasks that read only their slice), LSH bucketing (a shuffle of
  (node, band, key) rows by key over Ray tasks, ``mh.candidate_pairs`` per key partition) and
  connected components (min-label propagation over hash partitions of the graph, scatter/gather
  tasks per round until no label changes). Ray Data's groupby/join operators would do the same
  shuffles but start aggregator actors costing ~10 s per operator on a small machine, per round.
* **export**: ``curate.export.export`` with ``render_records`` run per block in ``map_batches``.

The swaps go through :func:`_swapped` until the stage modules take an engine argument (see
docs/scale.md, "Integration"); only one Ray stage runs per process at a time.
"""

from __future__ import annotations

import contextlib
import pickle
import threading
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from curate.errors import CurateError, UsageError
from curate.workspace import StageResult

_LOCK = threading.Lock()
_ORIGINALS: dict[tuple[str, str], Any] = {}


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


def run_stage(stage: str, **kwargs: Any) -> StageResult:
    """Run ``stage`` with the keyword arguments of its local function, on Ray.

    A CurateError raised inside a Ray task (a bad row that is fatal, a template that fails)
    reaches the caller as itself, not wrapped in Ray's task errors.
    """
    from curate.engine.ray.dedupe import ray_dedupe
    from curate.engine.ray.export import ray_export
    from curate.engine.ray.ingest import ray_ingest

    funcs: dict[str, Callable[..., StageResult]] = {
        "ingest": ray_ingest,
        "dedupe": ray_dedupe,
        "export": ray_export,
    }
    if stage not in funcs:
        raise UsageError(f"the ray engine does not run stage {stage!r}")
    try:
        return funcs[stage](**kwargs)
    except Exception as exc:
        inner = _curate_cause(exc)
        if inner is None or inner is exc:
            raise
        raise inner from None


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


@contextlib.contextmanager
def _swapped(patches: Sequence[tuple[Any, str, Any]]) -> Iterator[None]:
    """Temporarily replace module attributes (the stage's primitives) with the Ray versions."""
    with _LOCK:
        saved = [(obj, name, getattr(obj, name)) for obj, name, _ in patches]
        try:
            for obj, name, value in saved:
                _ORIGINALS[(obj.__name__, name)] = value
            for obj, name, value in patches:
                setattr(obj, name, value)
            yield
        finally:
            for obj, name, value in saved:
                setattr(obj, name, value)
                _ORIGINALS.pop((obj.__name__, name), None)


def _original(module: Any, name: str) -> Any:
    """The local function, even while this process has it swapped for the Ray version."""
    return _ORIGINALS.get((module.__name__, name), getattr(module, name))


def _pack(obj: Any) -> bytes:
    return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
