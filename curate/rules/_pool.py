"""Threads that run the rules' per-record work on several cores at once.

Polars' string functions run one column on one thread, and they release the GIL: so a batch
split by record into parts, each scanned on its own thread, uses every core. The threads are
kept for the whole process because Polars caches compiled regexes per thread (32 of them): a
fresh thread per batch would compile every PII pass again (~0.1 s).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

import numpy as np

T = TypeVar("T")

# below this many texts one thread is as fast: the split and the merge cost more than they save
MIN_PARALLEL_ROWS = 2_000
_lock = threading.Lock()
_pools: dict[str, ThreadPoolExecutor] = {}


_active = [0]  # batches inside ``batch()`` now (ingest runs two chunks at once)


def cores() -> int:
    """The most parts a batch is split into: ``CURATE_RULES_THREADS``, else the cores (at
    most 4). Pools are made this size."""
    env = os.environ.get("CURATE_RULES_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    return max(1, min(os.cpu_count() or 1, 4))


def threads() -> int:
    """How many parts to split a batch into now: ``CURATE_RULES_THREADS`` where set, else the
    cores shared by the batches being processed at once. Ingest has two chunks in flight:
    each already has a core, and splitting it again only adds each pass's fixed cost per part
    (its regexes' cold caches, the split and the merge). Any split gives the same output."""
    env = os.environ.get("CURATE_RULES_THREADS", "")
    if env.isdigit() and int(env) > 0:
        return cores()
    return max(1, cores() // max(_active[0], 1))


@contextmanager
def batch() -> Iterator[None]:
    """Marks one batch's rules at work (see ``threads``)."""
    with _lock:
        _active[0] += 1
    try:
        yield
    finally:
        with _lock:
            _active[0] -= 1


def pool(name: str, workers: int) -> ThreadPoolExecutor:
    """The process's long-lived pool ``name`` (created on first use)."""
    with _lock:
        p = _pools.get(name)
        if p is None:
            p = _pools[name] = ThreadPoolExecutor(workers, thread_name_prefix=f"curate-{name}")
        return p


def split_rows(groups: np.ndarray, parts: int) -> list[np.ndarray]:
    """Row indices in ``parts`` sets, each holding whole groups (records) of about equal size."""
    if parts <= 1 or len(groups) < MIN_PARALLEL_ROWS:
        return [np.arange(len(groups))]
    # equal ranges of group ids (records are numbered 0..n-1): no sort of the ids
    lo, hi = int(groups.min()), int(groups.max())
    if hi - lo + 1 < parts:
        return [np.arange(len(groups))]
    part_of = (groups - lo) * parts // (hi - lo + 1)
    rows = [np.flatnonzero(part_of == k) for k in range(parts)]
    return [r for r in rows if len(r)]


def run_parts(fn: Callable[[np.ndarray], T], parts: Sequence[np.ndarray]) -> list[T]:
    """``fn(rows)`` for each part, on the rules pool's threads: even a single part, so that
    the regexes it uses stay compiled there whatever else the calling thread runs."""
    workers = pool("rules", max(cores(), len(parts)))
    return [f.result() for f in [workers.submit(fn, rows) for rows in parts]]
