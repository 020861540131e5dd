"""Duplicates and contamination sections: the dedupe stage's clusters and evaluation-set hits.

Only the largest clusters and the first hits are listed; their record ids go into ``needed`` so
the texts and diffs are filled in by one later read (curate.report.samples).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.report.redact import redact
from curate.report.tables import N_EXAMPLES, Tables, counts, rnd

N_CLUSTERS = 5
N_CONTAM = 8


def duplicates(t: Tables, ded: pl.DataFrame, needed: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "by_reason": counts(ded.filter(pl.col("outcome") == "duplicate"), "reason"),
        "clusters": 0,
        "records_in_clusters": 0,
        "size_hist": {},
        "largest": [],
    }
    if not t.has("dedupe", "clusters"):
        return out
    cl = t.scan(
        "dedupe", "clusters", ["cluster_id", "record_id", "is_kept"], ["similarity"]
    ).collect()
    sizes = cl.group_by("cluster_id").len().rename({"len": "size"})
    out["clusters"] = sizes.height
    out["records_in_clusters"] = cl.height
    out["size_hist"] = {
        str(k): v
        for k, v in sorted(((int(s), n) for s, n in sizes.group_by("size").len().iter_rows()))
    }
    top = sizes.sort(["size", "cluster_id"], descending=[True, False]).head(N_CLUSTERS)
    sim = pl.col("similarity") if "similarity" in cl.columns else pl.lit(None, pl.Float64)
    for cid, size in top.iter_rows():
        members = (
            cl.filter(pl.col("cluster_id") == cid)
            .with_columns(sim.alias("sim"))
            .sort("is_kept", "sim", "record_id", descending=[True, False, False], nulls_last=True)
        )
        kept = members.filter(pl.col("is_kept")).head(1)
        others = members.filter(~pl.col("is_kept")).head(N_EXAMPLES)
        kept_id = kept["record_id"][0] if kept.height else None
        out["largest"].append(
            {
                "cluster_id": str(cid),
                "size": int(size),
                "kept": kept_id,
                "members": [
                    {"record_id": r, "similarity": rnd(s)}
                    for r, s in others.select("record_id", "sim").iter_rows()
                ],
            }
        )
        needed.update([x for x in [kept_id, *others["record_id"].to_list()] if x])
    return out


def contamination(ded: pl.DataFrame, rec: pl.DataFrame, needed: set[str]) -> dict[str, Any]:
    hits = ded.filter(pl.col("outcome") == "contaminated")
    match = pl.col("match") if "match" in hits.columns else pl.lit(None, pl.String)
    hits = (
        hits.with_columns(match.alias("m"))
        .join(rec.select("record_id", "source"), on="record_id", how="left")
        .sort("source", "record_id")
    )
    files = hits.select(pl.col("m").str.replace(r":\d+$", "").alias("file"))
    ex = []
    for r in hits.head(N_CONTAM).iter_rows(named=True):
        ex.append(
            {
                "record_id": r["record_id"],
                "source": r["source"],
                "reason": r["reason"],
                "match": r["m"],
                "similarity": rnd(r.get("similarity")),
                "match_text": redact(r.get("match_text")) if r.get("match_text") else None,
                "match_span": redact(r.get("match_span")) if r.get("match_span") else None,
            }
        )
        needed.add(r["record_id"])
    return {
        "hits": hits.height,
        "by_reason": counts(hits, "reason"),
        "by_file": counts(files, "file"),
        "examples": ex,
    }
