"""The ingest stage's result: per-file and per-reason counts, the accounting check, rule stats."""

from __future__ import annotations

from typing import Any

import polars as pl

from curate.ingest.read import FileStats
from curate.ingest.tables import sort_rejects
from curate.workspace import StageResult, Workspace, merge_counts


def _per_file(df: pl.DataFrame, prefix: str) -> dict[str, tuple[int, int]]:
    """source_file -> (records, input rows covered)."""
    if df.height == 0:
        return {}
    agg = df.group_by("source_file").agg(pl.len().alias("n"), pl.col("n_rows").sum().alias("rows"))
    return {str(f): (int(n), int(r)) for f, n, r in agg.iter_rows()}


def _summarize(
    ws: Workspace, file_stats: dict[str, FileStats], outputs: dict[str, str], warnings: list[str]
) -> StageResult:
    rejects = sort_rejects(ws, list(file_stats))
    filtered = pl.read_parquet(outputs["filtered"])
    records = pl.read_parquet(outputs["records"], columns=["source_file", "n_rows"])
    per = {
        name: _per_file(df, name)
        for name, df in (("records", records), ("rejects", rejects), ("filtered", filtered))
    }
    all_ok = True
    for name, fs in file_stats.items():
        fs.records = per["records"].get(name, (0, 0))[0]
        fs.rejected = per["rejects"].get(name, (0, 0))[0]
        fs.filtered = per["filtered"].get(name, (0, 0))[0]
        covered = sum(per[t].get(name, (0, 0))[1] for t in per)
        if covered != fs.rows_read:
            all_ok = False
            warnings.append(f"{name}: {fs.rows_read} rows read but {covered} accounted for")
    reasons: dict[str, dict[str, int]] = {
        "rejected": dict(sorted(_reason_counts(rejects, "reason").items())),
        "filtered": dict(sorted(_reason_counts(filtered, "reason").items())),
    }
    counts = merge_counts(
        {
            "records": records.height,
            "rejected": rejects.height,
            "filtered": filtered.height,
            "rows_read": sum(fs.rows_read for fs in file_stats.values()),
            "files": len(file_stats),
        }
    )
    return StageResult(
        stage="ingest",
        workspace=str(ws.path),
        counts=counts,
        reasons=reasons,
        outputs=outputs,
        warnings=warnings,
        extra={
            "files": {k: vars(v) for k, v in sorted(file_stats.items())},
            "accounting_ok": all_ok,
        },
    )


def _reason_counts(df: pl.DataFrame, col: str) -> dict[str, int]:
    if df.height == 0:
        return {}
    counts = df.group_by(col).agg(pl.col("n_rows").count().alias("n"))
    return {str(k): int(v) for k, v in counts.iter_rows()}


def merge_stats(parts: list[Any], max_examples: int = 5) -> Any:
    """Merge per-batch rule statistics: numbers add up, example lists keep the first few.
    ``languages`` is sorted again (count, then code) as apply_rules sorts one batch's: the
    order keys first appear in depends on where batches were cut."""
    if not parts:
        return {}
    first = parts[0]
    if isinstance(first, dict):
        keys = list(dict.fromkeys(k for p in parts if isinstance(p, dict) for k in p))
        merged = {
            k: merge_stats([p[k] for p in parts if isinstance(p, dict) and k in p], max_examples)
            for k in keys
        }
        if isinstance(merged.get("languages"), dict):
            by_count = sorted(merged["languages"].items(), key=lambda kv: (-kv[1], kv[0]))
            merged["languages"] = dict(by_count)
        return merged
    if isinstance(first, bool) or not isinstance(first, int | float | list):
        return first
    if isinstance(first, list):
        return [x for p in parts for x in p][:max_examples]
    return sum(parts)
