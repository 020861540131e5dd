"""Clusters: connected components of the confirmed pairs, the record each keeps (the ``keep``
policy), and the outcome and cluster tables the stage writes.
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.dedupe import minhash as mh
from curate.dedupe.decontaminate import EvalSet, matched_span
from curate.dedupe.jaccard import SetTable, shingle_sets
from curate.dedupe.lsh import NodeSig, estimate_low_bits
from curate.dedupe.records import BASE_COLUMNS, read_rows
from curate.errors import UsageError
from curate.workspace import Workspace

KEEP_POLICIES = ("most-complete", "longest", "first", "newest")


OUTCOMES = ("kept", "duplicate", "contaminated")


REASONS = ("exact", "near", "ngram", "signature")


OUTCOME_SCHEMA: dict[str, pl.DataType] = {
    "record_id": pl.String(),
    "outcome": pl.String(),
    "reason": pl.String(),
    "cluster_id": pl.String(),
    "kept_record_id": pl.String(),
    "similarity": pl.Float64(),
    "match": pl.String(),
    "match_text": pl.String(),
    "match_span": pl.String(),
}


def components(n: int, pairs: mh.I64) -> mh.I64:
    """Connected components as the smallest member index of each node's component."""
    label = np.arange(n, dtype=np.int64)
    if not pairs.size:
        return label
    a, b = pairs[:, 0], pairs[:, 1]
    while True:
        la, lb = label[a], label[b]
        lo, hi = np.minimum(la, lb), np.maximum(la, lb)
        diff = lo != hi
        if not diff.any():
            return label
        np.minimum.at(label, hi[diff], lo[diff])
        while True:  # pointer jumping until every node points at a root
            nxt = label[label]
            if np.array_equal(nxt, label):
                break
            label = nxt


def keep_columns(keep: str, schema: pl.Schema) -> list[pl.Expr]:
    """Per-record columns the keep policy sorts on besides length (which fingerprinting measures)."""
    if keep in ("first", "longest"):
        return []
    fields = [c for c in schema.names() if c not in BASE_COLUMNS and c != "created_at"]
    filled = [
        (pl.col(c).list.len() > 0)
        if isinstance(schema[c], pl.List)
        else (pl.col(c).cast(pl.String).str.len_bytes() > 0)
        if schema[c] == pl.String
        else pl.col(c).is_not_null()
        for c in fields
    ]
    complete = (
        pl.sum_horizontal([f.fill_null(False).cast(pl.Int64) for f in filled])
        if filled
        else pl.repeat(0, pl.len(), dtype=pl.Int64)
    )
    if keep == "most-complete":
        return [complete.alias("complete")]
    return [pl.col(_timestamp_column(schema)).alias("ts"), complete.alias("complete")]


def keep_rank(
    keep: str, meta: pl.DataFrame, length: npt.NDArray[np.int64]
) -> npt.NDArray[np.int64]:
    """Position of every record in keep-policy order (0 = the one to keep)."""
    n = meta.height
    if keep == "first":
        return np.arange(n, dtype=np.int64)
    by = {
        "longest": ["len", "record_id"],
        "most-complete": ["complete", "len", "record_id"],
        "newest": ["ts", "complete", "len", "record_id"],
    }[keep]
    order = meta.with_columns(len=length, row=pl.int_range(pl.len(), dtype=pl.Int64)).sort(
        by, descending=[c != "record_id" for c in by], nulls_last=True, maintain_order=True
    )["row"]
    rank = np.empty(n, np.int64)
    rank[order.to_numpy()] = np.arange(n)
    return rank


def _timestamp_column(schema: pl.Schema) -> str:
    if isinstance(schema.get("created_at"), pl.Datetime):
        return "created_at"
    raise UsageError(
        "keep 'newest' needs a 'created_at' datetime column in the records, and they have none",
        hint="keep 'most-complete', 'longest' or 'first', or map a created_at field in the schema",
        param="keep",
    )


def take(values: pl.Series, at: npt.NDArray[np.int64]) -> pl.Series:
    """``values[at]``, null where ``at`` is negative (a Polars gather: no Python objects)."""
    i = pl.Series("i", at, dtype=pl.Int64)
    return values.gather(i.to_frame().select(pl.when(pl.col("i") >= 0).then(pl.col("i")))["i"])


def assemble(
    meta: pl.DataFrame,
    rank: npt.NDArray[np.int64],
    rep: npt.NDArray[np.int64],
    clean: npt.NDArray[np.int64],
    m: int,
    label: npt.NDArray[np.int64],
    node_sig: NodeSig,
    contaminated: npt.NDArray[np.int64],
    reason_c: npt.NDArray[np.int8],
    ev: EvalSet | None,
    bad_sigb: npt.NDArray[np.uint8],
    idx: pl.DataFrame | None,
    verify: bool,
    lf: pl.LazyFrame,
    text_expr: pl.Expr,
    sh: mh.Shingler,
    batch_size: int,
    threads: int | None,
    sets: SetTable | None,
) -> tuple[pl.DataFrame, pl.DataFrame, npt.NDArray[np.int64]]:
    """Outcomes and cluster tables from components; also the rows to add to the index.

    ``bad_sigb`` holds the signatures of the contaminated rows, in row order; ``sets`` the
    shingle sets of the rows checked so far (read again if a row is missing). Per-row values
    are numpy codes and positions until the end, where Polars gathers the strings, so a
    million records never become a million Python objects.
    """
    n = meta.height
    node_of_rep = np.full(n, -1, np.int64)
    node_of_rep[clean] = np.arange(m, m + clean.size)
    node = node_of_rep[rep]
    is_clean = contaminated < 0
    comp = np.where(is_clean, label[np.maximum(node, 0)], -1)
    frame = pl.DataFrame({"row": np.arange(n), "comp": comp, "rank": rank})
    stats = (
        frame.filter(pl.col("comp") >= 0)
        .group_by("comp")
        .agg(pl.len().alias("size"), pl.col("row").sort_by("rank").first().alias("best"))
    )
    del frame
    stats = stats.filter((pl.col("size") >= 2) | (pl.col("comp") < m))
    comp_size = np.zeros(m + clean.size, np.int64)
    comp_best = np.full(m + clean.size, -1, np.int64)
    comp_size[stats["comp"].to_numpy()] = stats["size"].to_numpy()
    comp_best[stats["comp"].to_numpy()] = stats["best"].to_numpy()
    in_cluster = np.flatnonzero(is_clean & (comp_size[np.maximum(comp, 0)] > 0) & (comp >= 0))
    c = comp[in_cluster]
    from_index = c < m
    kept_row = np.where(from_index, -1, comp_best[c])
    ids = meta["record_id"]
    # the kept record is a row here, or an earlier run's entry in the index (position n + c)
    kept_at = np.where(from_index, n + c, kept_row)
    if idx is not None and m:
        kept_id = pl.concat([ids, idx["record_id"]], rechunk=False).gather(kept_at)
    else:
        kept_id = ids.gather(kept_at)
    is_kept = kept_row == in_cluster
    # an exact copy of the kept record: the same exact group here, the same hash in the index
    same = np.zeros(in_cluster.size, bool)
    here = np.flatnonzero(~from_index)
    same[here] = rep[in_cluster[here]] == rep[kept_row[here]]
    if idx is not None and from_index.any():  # with an index, meta keeps the content hashes
        there = np.flatnonzero(from_index)
        same[there] = (
            meta["exact"]
            .gather(in_cluster[there])
            .eq_missing(idx["exact"].cast(pl.String).gather(c[there]))
            .to_numpy()
        )
    kept_node = np.where(from_index, c, node[np.maximum(kept_row, 0)])
    sim = np.ones(in_cluster.size, np.float64)
    near = np.flatnonzero(~same & ~is_kept)
    if near.size:
        sim[near] = node_sig.estimate(np.stack([node[in_cluster[near]], kept_node[near]], 1))
        if verify:
            ws_pairs = near[~from_index[near]]
            if ws_pairs.size:
                a, b = rep[in_cluster[ws_pairs]], rep[kept_row[ws_pairs]]
                if sets is None or not np.isin(np.concatenate([a, b]), sets.rows).all():
                    sets = shingle_sets(
                        lf, text_expr, sh, np.concatenate([a, b]), batch_size, threads
                    )
                sim[ws_pairs] = sets.jaccard(a, b, threads=threads)
    cluster_id = "c" + kept_id

    outcome = np.zeros(n, np.int8)  # index into OUTCOMES
    reason = np.full(n, -1, np.int8)  # index into REASONS
    cluster_at = np.full(n, -1, np.int64)
    kept_id_at = np.full(n, -1, np.int64)
    similarity = np.full(n, np.nan)
    match_at = np.full(n, -1, np.int64)
    cluster_at[in_cluster] = np.arange(in_cluster.size)
    dup = np.flatnonzero(~is_kept)
    outcome[in_cluster[dup]] = 1
    reason[in_cluster[dup]] = np.where(same[dup], 0, 1)
    kept_id_at[in_cluster[dup]] = dup
    similarity[in_cluster[dup]] = sim[dup]
    bad = np.flatnonzero(~is_clean)
    if bad.size and ev is not None:
        item = contaminated[bad]
        outcome[bad] = 2
        reason[bad] = reason_c[bad] + 1  # ngram, signature follow exact, near in REASONS
        similarity[bad] = estimate_low_bits(bad_sigb, ev.sigb[item])
        match_at[bad] = item
    if ev is not None:
        match = take(pl.Series(ev.locators, dtype=pl.String), match_at)
        match_text = take(pl.Series(ev.texts, dtype=pl.String).str.slice(0, 300), match_at)
        match_span = _match_spans(lf, text_expr, bad, contaminated, ev, n, batch_size)
    else:
        match = match_text = match_span = pl.repeat(None, n, dtype=pl.String, eager=True)
    outcomes = pl.DataFrame(
        {
            "record_id": ids,
            "outcome": take(pl.Series(OUTCOMES), outcome.astype(np.int64)),
            "reason": take(pl.Series(REASONS), reason.astype(np.int64)),
            "cluster_id": take(cluster_id, cluster_at),
            "kept_record_id": take(kept_id, kept_id_at),
            "similarity": pl.Series(similarity).fill_nan(None),
            "match": match,
            "match_text": match_text,
            "match_span": match_span,
        },
        schema=OUTCOME_SCHEMA,
    )
    sizes = np.bincount(np.unique(c, return_inverse=True)[1]) if c.size else np.empty(0, np.int64)
    clusters = pl.DataFrame(
        {
            "cluster_id": cluster_id,
            "record_id": ids.gather(in_cluster),
            "is_kept": is_kept,
            "similarity": sim,
            "size": (sizes[np.unique(c, return_inverse=True)[1]] if c.size else sizes).astype(
                np.int64
            ),
        },
        schema={
            "cluster_id": pl.String,
            "record_id": pl.String,
            "is_kept": pl.Boolean,
            "similarity": pl.Float64,
            "size": pl.Int64,
        },
    ).sort(
        ["size", "cluster_id", "is_kept", "similarity", "record_id"],
        descending=[True, False, True, True, False],
    )
    index_rows = np.flatnonzero(outcome == 0)
    return outcomes, clusters, index_rows


def _match_spans(
    lf: pl.LazyFrame,
    text_expr: pl.Expr,
    bad: npt.NDArray[np.int64],
    contaminated: npt.NDArray[np.int64],
    ev: EvalSet,
    n: int,
    batch_size: int,
) -> pl.Series:
    """Per row, the text a contaminated record shares with its evaluation item (None elsewhere):
    the evidence a reader checks, read again for the few flagged rows only."""
    spans: list[str | None] = [None] * n
    for texts, rows in read_rows(lf, text_expr, np.sort(bad), batch_size):
        for text, row in zip(texts.to_list(), rows.tolist(), strict=True):
            span = matched_span(text or "", ev.texts[int(contaminated[row])], ev.ngram)
            spans[row] = span[:500] or None
    return pl.Series(spans, dtype=pl.String)


def largest_clusters(
    workspace: str | os.PathLike[str] | Workspace, n: int, members: int = 5
) -> list[dict[str, Any]]:
    """The ``n`` largest clusters of the last dedupe run: kept record and members, with texts."""
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    ws.require("dedupe")
    cl = ws.read_table("dedupe", "clusters")
    ded = ws.read_table("dedupe", "outcomes").select("record_id", "reason", "kept_record_id")
    top = (
        cl.group_by("cluster_id")
        .agg(pl.col("size").first())
        .sort(["size", "cluster_id"], descending=[True, False])
        .head(n)
    )
    rows = cl.join(top.select("cluster_id"), on="cluster_id").join(ded, on="record_id", how="left")
    ids = pl.concat([rows["record_id"], rows["kept_record_id"].drop_nulls()]).unique().implode()
    rec = (
        ws.read_table("ingest", "records", lazy=True)
        .select("record_id", "source", "text")
        .filter(pl.col("record_id").is_in(ids))
        .collect()
    )
    text = dict(zip(rec["record_id"], rec["text"], strict=True))
    source = dict(zip(rec["record_id"], rec["source"], strict=True))
    out = []
    for cid, size in top.iter_rows():
        g = rows.filter(pl.col("cluster_id") == cid).sort(
            ["is_kept", "similarity", "record_id"], descending=[True, True, False]
        )
        kept = g.filter(pl.col("is_kept"))
        kid = kept["record_id"][0] if kept.height else g["kept_record_id"][0]
        others = g.filter(~pl.col("is_kept")).head(members)
        out.append(
            {
                "cluster_id": cid,
                "size": int(size),
                "kept": {
                    "record_id": kid,
                    "source": source.get(kid, "persisted index"),
                    "text": text.get(kid, ""),
                },
                "members": [
                    {
                        "record_id": r["record_id"],
                        "source": source.get(r["record_id"]),
                        "reason": r["reason"],
                        "similarity": r["similarity"],
                        "text": text.get(r["record_id"], ""),
                    }
                    for r in others.iter_rows(named=True)
                ],
            }
        )
    return out
