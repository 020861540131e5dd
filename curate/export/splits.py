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
from collections.abc import Sequence
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.errors import UsageError

SPLITS = ("train", "val", "test")
RANK_CHUNK = 65_536


def check_fractions(val_fraction: float, test_fraction: float) -> None:
    """Each fraction in [0, 1) and their sum below 1 (train keeps the rest), else a UsageError
    naming the parameter."""
    for name, value in (("val_fraction", val_fraction), ("test_fraction", test_fraction)):
        if not 0 <= value < 1:
            raise UsageError(f"{name} must be in [0, 1), got {value}", param=name)
    if val_fraction + test_fraction >= 1:
        raise UsageError(
            f"val_fraction + test_fraction must be below 1, got {val_fraction + test_fraction:g}",
            param="val_fraction",
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

    def column(values: Sequence[Any] | None) -> pl.Series | None:
        if values is None:
            return None
        return pl.Series([None if v is None else str(v) for v in values], dtype=pl.Utf8)

    codes = split_codes(
        pl.Series(list(record_ids), dtype=pl.Utf8),
        clusters=column(clusters),
        groups=column(groups),
        strata=column(strata),
        val_fraction=val_fraction,
        test_fraction=test_fraction,
        seed=seed,
    )
    return [SPLITS[c] for c in codes.tolist()]


def _unit_labels(keys: list[pl.Series], n: int) -> npt.NDArray[np.int64]:
    """Each record's unit as the smallest index among its members: records sharing a key are
    linked to the key's first record, then connected components join chains across keys."""
    from curate.engine.base import LOCAL  # dedupe's connected components, wherever they live

    edges = np.concatenate([_same_key_pairs(key) for key in keys]) if keys else None
    if edges is None or not len(edges):
        return np.arange(n, dtype=np.int64)
    labels: npt.NDArray[np.int64] = LOCAL.components(n, edges)
    return labels


def _same_key_pairs(key: pl.Series) -> npt.NDArray[np.int64]:
    """(i, first) for every record i whose key an earlier record ``first`` has. Keys are grouped
    by a 64-bit hash (a few numbers per record, where grouping the strings took ~200 bytes);
    the strings of every group are then compared, and any hash collision falls back to
    grouping the strings themselves, so the result is exact."""
    index = np.flatnonzero(key.is_not_null().to_numpy())
    if len(index) < 2:
        return np.empty((0, 2), np.int64)
    hashes = key.gather(index).hash(seed=0x5EED).to_numpy()
    order = np.argsort(hashes, kind="stable")  # stable: ascending index within equal hashes
    ranked = hashes[order]
    starts = np.ones(len(order), bool)
    starts[1:] = ranked[1:] != ranked[:-1]
    first = order[np.maximum.accumulate(np.where(starts, np.arange(len(order)), 0))]
    later = ~starts
    i, j = index[order[later]], index[first[later]]
    if len(i) and not (key.gather(i) == key.gather(j)).all():  # a collision: exact grouping
        frame = (
            pl.DataFrame({"key": key.gather(index), "i": index})
            .with_columns(first=pl.col("i").min().over("key"))
            .filter(pl.col("i") != pl.col("first"))
        )
        return np.stack([frame["i"].to_numpy(), frame["first"].to_numpy()], 1).astype(np.int64)
    return np.stack([i, j], 1).astype(np.int64)


def _ranks(keys: pl.Series, seed: int, width: int) -> npt.NDArray[np.uint64]:
    """The first ``width`` bytes of each key's SHA-256 rank as big-endian uint64 columns
    (lexicographic order of the columns = order of the digests), hashed in chunks."""
    prefix = f"{seed}\x00unit\x00"
    sha = hashlib.sha256
    words = width // 8
    out = np.empty((len(keys), words), np.uint64)
    for start in range(0, len(keys), RANK_CHUNK):
        chunk = keys.slice(start, RANK_CHUNK).to_list()
        digest = b"".join(sha((prefix + k).encode("utf-8")).digest()[:width] for k in chunk)
        out[start : start + len(chunk)] = np.frombuffer(digest, ">u8").reshape(-1, words)
    return out


def _rank_order(keys: pl.Series, seed: int) -> npt.NDArray[np.int64]:
    """Units in SHA-256 rank order. A 16-byte prefix orders them unless two prefixes tie
    (about n**2 / 2**129: never in practice), in which case the full digests decide."""
    for width in (16, 32):
        ranks = _ranks(keys, seed, width)
        order = np.lexsort(ranks.T[::-1]).astype(np.int64)
        ranked = ranks[order]
        if width == 32 or not (ranked[1:] == ranked[:-1]).all(axis=1).any():
            return order
    raise AssertionError("unreachable")


def split_codes(
    record_ids: pl.Series,
    *,
    clusters: pl.Series | None = None,
    groups: pl.Series | None = None,
    strata: pl.Series | None = None,
    val_fraction: float = 0.1,
    test_fraction: float = 0.0,
    seed: int = 0,
    fixed: npt.NDArray[np.int8] | None = None,
) -> npt.NDArray[np.uint8]:
    """``assign_splits`` on columns: each record's index into SPLITS. Columnar throughout (a few
    dozen bytes per record), so export can split millions of records it streams past.

    ``fixed`` (per record: a split code, or -1) is the split a record's source published
    (curate.export.source_splits): its whole unit goes there (test before val before train
    where members disagree, so nothing of a test set is trained on), and only the other units
    are drawn, the fractions applying to them."""
    check_fractions(val_fraction, test_fraction)
    n = len(record_ids)
    if n == 0:
        return np.empty(0, np.uint8)
    keys = [k for k in (clusters, groups) if k is not None and k.null_count() < n]
    labels = _unit_labels(keys, n) if keys else np.arange(n, dtype=np.int64)
    if fixed is not None and (fixed >= 0).any():
        unit_fixed = np.full(n, -1, np.int8)
        np.maximum.at(unit_fixed, labels, fixed)
        held = unit_fixed[labels]
        out = np.where(held >= 0, held, 0).astype(np.uint8)
        free = np.flatnonzero(held < 0)
        if len(free):
            sub = pl.Series(free)
            out[free] = split_codes(
                record_ids.gather(sub),
                clusters=clusters.gather(sub) if clusters is not None else None,
                groups=groups.gather(sub) if groups is not None else None,
                strata=strata.gather(sub) if strata is not None else None,
                val_fraction=val_fraction,
                test_fraction=test_fraction,
                seed=seed,
            )
        return out
    stratum_of = pl.repeat("", n, dtype=pl.Utf8, eager=True) if strata is None else strata
    stratum_of = stratum_of.fill_null("")
    # a unit: its smallest record id (the rank key), size and majority stratum (ties: smallest);
    # most units are one record, which is its own key and stratum: no grouping for those
    in_group = np.bincount(labels, minlength=n)[labels] > 1
    alone = pl.Series(np.flatnonzero(~in_group))
    parts = [
        pl.DataFrame(
            {
                "unit": alone,
                "key": record_ids.gather(alone),
                "size": pl.repeat(1, len(alone), dtype=pl.UInt32, eager=True),
                "stratum": stratum_of.gather(alone),
            }
        )
    ]
    if in_group.any():
        grouped = pl.Series(np.flatnonzero(in_group))
        frame = pl.DataFrame(
            {
                "unit": pl.Series(labels).gather(grouped),
                "record_id": record_ids.gather(grouped),
                "stratum": stratum_of.gather(grouped),
            }
        )
        votes = (
            frame.group_by("unit", "stratum")
            .len()
            .sort(["unit", "len", "stratum"], descending=[False, True, False])
            .unique("unit", keep="first", maintain_order=True)
            .select("unit", "stratum")
        )
        parts.append(
            frame.group_by("unit")
            .agg(key=pl.col("record_id").min(), size=pl.len().cast(pl.UInt32))
            .join(votes, on="unit")
            .select("unit", "key", "size", "stratum")
        )
        del frame, votes
    table = pl.concat(parts, how="vertical_relaxed")
    del parts, alone
    names = sorted(set(table["stratum"].unique().to_list()))
    stratum = table["stratum"].replace_strict(names, range(len(names)), return_dtype=pl.Int64)
    size = table["size"].to_numpy().astype(np.int64)
    code = stratum.to_numpy()
    counts = np.bincount(code, weights=size, minlength=len(names)).astype(np.int64)
    sizes = {name: int(c) for name, c in zip(names, counts, strict=True)}
    val_q = _quotas(sizes, val_fraction, n, seed)
    test_q = _quotas(sizes, test_fraction, n, seed)
    order = _rank_order(table["key"], seed)
    unit_split = _fill(
        size[order],
        code[order],
        [val_q[s] for s in names],
        [test_q[s] for s in names],
    )
    if not (unit_split == 0).any():  # never leave training empty: the last-ranked unit goes back
        unit_split[-1] = 0
    split_of_unit = np.zeros(n, np.uint8)  # indexed by unit label (a member's index)
    split_of_unit[table["unit"].to_numpy()[order]] = unit_split
    return split_of_unit[labels]


def _fill(
    size: npt.NDArray[np.int64],
    stratum: npt.NDArray[np.int64],
    val_quota: list[int],
    test_quota: list[int],
) -> npt.NDArray[np.uint8]:
    """Units in rank order into val, then test, while that brings the stratum's split closer
    to (or exactly to) its quota. Stops early once every quota is met: the rest is train."""
    out = np.zeros(len(size), np.uint8)
    have = {1: [0] * len(val_quota), 2: [0] * len(test_quota)}
    want = {1: val_quota, 2: test_quota}
    open_strata = sum(1 for s in range(len(val_quota)) if val_quota[s] > 0 or test_quota[s] > 0)
    for start in range(0, len(size), RANK_CHUNK):
        if not open_strata:
            break
        sizes = size[start : start + RANK_CHUNK].tolist()
        codes = stratum[start : start + RANK_CHUNK].tolist()
        for j, (units_size, s) in enumerate(zip(sizes, codes, strict=True)):
            for split in (1, 2):
                got, quota = have[split][s], want[split][s]
                # take the unit if that brings the split closer to its quota (or exactly to it)
                if got < quota and (got + units_size) - quota <= quota - got:
                    have[split][s] = got + units_size
                    out[start + j] = split
                    if have[1][s] >= val_quota[s] and have[2][s] >= test_quota[s]:
                        open_strata -= 1
                    break
    return out
