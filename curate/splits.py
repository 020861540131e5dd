"""Leak-free, stratified, deterministic train/val/test assignment.

Records that must not straddle splits -- members of one duplicate cluster, parts of one thread or
contract (the ``group`` column) -- are joined into *units* (connected components over shared
cluster ids and groups). Every unit gets a SHA-256 rank from the seed and its smallest record id,
so the assignment depends only on the set of records and the seed, never on input order. Within
each stratum units are taken in rank order into val, then test, until the stratum's quota is met;
quotas come from the largest-remainder method, so the overall val/test sizes are the rounded
fractions and every stratum gets its share (up to one unit).
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from collections.abc import Sequence

from curate.errors import UsageError

SPLITS = ("train", "val", "test")


def check_fractions(val_fraction: float, test_fraction: float) -> None:
    for name, value in (("--val-fraction", val_fraction), ("--test-fraction", test_fraction)):
        if not 0 <= value < 1:
            raise UsageError(f"{name} must be in [0, 1), got {value}")
    if val_fraction + test_fraction >= 1:
        raise UsageError(
            f"--val-fraction + --test-fraction must be below 1, got {val_fraction + test_fraction:g}"
        )


def units(keys: Sequence[Sequence[str | None]]) -> list[int]:
    """Union-find over records: ``keys[j][i]`` is record i's j-th leakage key (None = none).
    Returns each record's unit root (the index of one of its members)."""
    n = len(keys[0]) if keys else 0
    parent = list(range(n))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for column in keys:
        first: dict[str, int] = {}
        for i, key in enumerate(column):
            if key is None:
                continue
            j = first.setdefault(key, i)
            if j != i:
                ri, rj = find(i), find(j)
                if ri != rj:
                    parent[ri] = rj
    return [find(i) for i in range(n)]


def _quotas(sizes: dict[str, int], fraction: float, total: int, seed: int) -> dict[str, int]:
    """Largest-remainder allocation of round(total * fraction) records over strata."""
    target = math.floor(total * fraction + 0.5)
    exact = {s: n * fraction for s, n in sizes.items()}
    quota = {s: math.floor(x) for s, x in exact.items()}
    order = sorted(exact, key=lambda s: (-(exact[s] - quota[s]), _rank(seed, "stratum", s)))
    for s in order[: max(0, target - sum(quota.values()))]:
        quota[s] += 1
    return quota


def _rank(seed: int, *parts: str) -> bytes:
    return hashlib.sha256("\x00".join((str(seed), *parts)).encode("utf-8")).digest()


def assign_splits(
    record_ids: Sequence[str],
    *,
    clusters: Sequence[str | None] | None = None,
    groups: Sequence[str | None] | None = None,
    strata: Sequence[str | None] | None = None,
    val_fraction: float = 0.1,
    test_fraction: float = 0.0,
    seed: int = 0,
) -> list[str]:
    """The split ("train" / "val" / "test") of each record; see the module docstring."""
    check_fractions(val_fraction, test_fraction)
    n = len(record_ids)
    if n == 0:
        return []
    keys = [k for k in (clusters, groups) if k is not None]
    roots = units(keys) if keys else list(range(n))
    members: dict[int, list[int]] = {}
    for i, r in enumerate(roots):
        members.setdefault(r, []).append(i)
    # a unit: (rank, size, stratum, member indices)
    table = []
    prefix = f"{seed}\x00unit\x00"
    sha = hashlib.sha256
    for idx in members.values():
        if len(idx) == 1:  # the common case, kept cheap
            i = idx[0]
            key = record_ids[i]
            stratum = "" if strata is None or strata[i] is None else str(strata[i])
        else:
            key = min(record_ids[i] for i in idx)
            if strata is None:
                stratum = ""
            else:
                votes = Counter("" if strata[i] is None else str(strata[i]) for i in idx)
                stratum = min(votes, key=lambda s: (-votes[s], s))
        table.append((sha((prefix + key).encode("utf-8")).digest(), len(idx), stratum, idx))
    table.sort(key=lambda u: u[0])
    sizes: Counter[str] = Counter()
    for _, size, stratum, _ in table:
        sizes[stratum] += size
    val_q = _quotas(sizes, val_fraction, n, seed)
    test_q = _quotas(sizes, test_fraction, n, seed)
    filled = {"val": Counter[str](), "test": Counter[str]()}
    out = ["train"] * n
    for _, size, stratum, idx in table:
        for split, quota in (("val", val_q), ("test", test_q)):
            have, want = filled[split][stratum], quota[stratum]
            # take the unit if that brings the split closer to its quota (or exactly to it)
            if have < want and (have + size) - want <= want - have:
                filled[split][stratum] += size
                for i in idx:
                    out[i] = split
                break
    if "train" not in out:  # never leave training empty: the last-ranked unit goes back
        for i in table[-1][3]:
            out[i] = "train"
    return out
