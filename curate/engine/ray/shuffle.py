"""The shuffles behind RayEngine's ``candidate_pairs`` and ``components``: LSH bucketing as a
shuffle of (node, band, key) rows by key over Ray tasks (the local ``candidate_pairs`` per key
partition), and connected components by min-label propagation over hash partitions of the
graph. Both give exactly the local engine's answer."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

from curate.engine.ray import _ray, cluster_cpus

SMALL_BUCKET = 8  # candidate_pairs' default: buckets up to this size give all their pairs
PAIR_PARTITION_ROWS = 1 << 21  # band rows per bucketing block and partition


def _split(
    cols: dict[str, npt.NDArray[Any]], part: npt.NDArray[np.int64], parts: int
) -> list[dict[str, Any]]:
    """Rows of ``cols`` grouped by their partition number (the map side of a shuffle)."""
    order = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[order], np.arange(parts + 1))
    return [{k: v[order[bounds[p] : bounds[p + 1]]] for k, v in cols.items()} for p in range(parts)]


def _band_rows(keys: Any, first: int, parts: int) -> list[dict[str, Any]]:
    """Map side of LSH bucketing: (node, band, key) rows of a block of signatures, by key hash."""
    n, bands = keys.shape
    node = np.repeat(np.arange(first, first + n, dtype=np.int64), bands)
    band = np.tile(np.arange(bands, dtype=np.int64), n)
    flat = np.ascontiguousarray(keys).reshape(-1)
    return _split(
        {"node": node, "band": band, "key": flat}, (flat % np.uint64(parts)).astype(np.int64), parts
    )


def _bucket_pairs(small: int, *pieces: dict[str, Any]) -> npt.NDArray[np.int64]:
    """Reduce side: every bucket of this key partition is here; ``candidate_pairs`` per band."""
    from curate.dedupe.lsh import candidate_pairs

    node = np.concatenate([p["node"] for p in pieces])
    band = np.concatenate([p["band"] for p in pieces])
    key = np.concatenate([p["key"] for p in pieces])
    found = [np.empty((0, 2), np.int64)]
    # per band, members in index order, as the local stable sort sees them
    order = np.lexsort((node, band))
    node, band, key = node[order], band[order], key[order]
    bounds = np.flatnonzero(np.diff(band)) + 1
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, node.size], strict=True):
        if hi - lo > 1:
            local = candidate_pairs(key[lo:hi, None], small=small)
            found.append(node[lo:hi][local])
    return np.concatenate(found)


def ray_candidate_pairs(keys: Any, *, small: int = SMALL_BUCKET) -> npt.NDArray[np.int64]:
    """``curate.dedupe.lsh.candidate_pairs`` on Ray: band rows shuffled by bucket key over Ray tasks, then
    the local function applied to each key partition (a bucket never spans two partitions)."""
    ray = _ray()
    n, bands = keys.shape
    if n < 2:
        return np.empty((0, 2), np.int64)
    parts = max(2, min(64, (n * bands) // PAIR_PARTITION_ROWS + 1))
    rows_per_block = max(1, PAIR_PARTITION_ROWS // bands)
    mapper = ray.remote(_band_rows).options(num_returns=parts)
    reducer = ray.remote(_bucket_pairs)
    mapped = [
        mapper.remote(keys[i : i + rows_per_block], i, parts) for i in range(0, n, rows_per_block)
    ]
    pairs = ray.get([reducer.remote(small, *[m[p] for m in mapped]) for p in range(parts)])
    allp = np.concatenate(pairs)
    if not allp.size:
        return np.empty((0, 2), np.int64)
    code = np.unique(allp[:, 0] * n + allp[:, 1])
    return np.stack([code // n, code % n], 1)


def _send_labels(edges: dict[str, Any], labels: dict[str, Any], parts: int) -> list[dict[str, Any]]:
    """Scatter: each edge sends its source's label to its destination's partition."""
    pos = np.searchsorted(labels["node"], edges["src"])
    msg = {"node": edges["dst"], "label": labels["label"][pos]}
    return _split(msg, edges["dst"] % parts, parts)


def _take_min(labels: dict[str, Any], *msgs: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Gather: a node's new label is the smallest of its own and the ones it received."""
    node = np.concatenate([labels["node"], *[m["node"] for m in msgs]])
    label = np.concatenate([labels["label"], *[m["label"] for m in msgs]])
    order = np.lexsort((label, node))
    node, label = node[order], label[order]
    first = np.ones(node.size, bool)
    first[1:] = node[1:] != node[:-1]
    new = {"node": node[first], "label": label[first]}  # nodes sorted, as labels["node"] is
    return new, int((new["label"] != labels["label"]).sum())


def ray_components(n: int, pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """``curate.dedupe.clusters.components`` on Ray: min-label propagation over hash partitions of the graph.

    Edges and labels live in the object store, partitioned by node; each round every partition
    sends its nodes' labels along their edges (scatter), and every partition keeps the minimum it
    received per node (gather), until no label changes. Only the per-round change counts reach
    the driver before the end. The fixed point labels each node with the smallest node of its
    component, exactly as the local union-find does.
    """
    ray = _ray()
    label_out = np.arange(n, dtype=np.int64)
    if not pairs.size:
        return label_out
    parts = max(2, min(64, cluster_cpus() * 2, pairs.shape[0] // 50_000 + 2))
    src = np.concatenate([pairs[:, 0], pairs[:, 1]]).astype(np.int64)
    dst = np.concatenate([pairs[:, 1], pairs[:, 0]]).astype(np.int64)
    edges = [ray.put(e) for e in _split({"src": src, "dst": dst}, src % parts, parts)]
    nodes = np.unique(src)
    labels = [
        ray.put(lab) for lab in _split({"node": nodes, "label": nodes.copy()}, nodes % parts, parts)
    ]
    send = ray.remote(_send_labels).options(num_returns=parts)
    take = ray.remote(_take_min).options(num_returns=2)
    while True:
        sent = [send.remote(edges[p], labels[p], parts) for p in range(parts)]
        out = [take.remote(labels[q], *[s[q] for s in sent]) for q in range(parts)]
        labels = [o[0] for o in out]
        if sum(ray.get([o[1] for o in out])) == 0:
            break
    for lab in ray.get(labels):
        label_out[lab["node"]] = lab["label"]
    return label_out
