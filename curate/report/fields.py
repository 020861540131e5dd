"""Fields section: how complete each schema field is, and which rejects name it.

Null and empty counts for every field come from one aggregation over records.parquet
(``fields_query``), collected together with the per-record frame so the table is scanned once.
"""

from __future__ import annotations

import re
from typing import Any

import polars as pl

from curate.report.tables import Tables, counts, rnd

BOOKKEEPING = {
    "record_id",
    "source",
    "source_file",
    "source_line",
    "n_rows",
    "schema",
    "layout",
    "group",
    "text",
    "content_hash",
    "turns",
    "language",
    "language_score",
    "pii",
    "reason",
    "detail",
}


def _field_names(schema: Any, cols: dict[str, pl.DataType]) -> list[str]:
    return [c for c in (schema.fields if schema else cols) if c in cols and c not in BOOKKEEPING]


def fields_query(t: Tables, schema: Any, cols: dict[str, pl.DataType]) -> pl.LazyFrame:
    """Null and empty-string counts per field column, in one aggregation."""
    exprs: list[pl.Expr] = [pl.len().alias("\x00rows")]
    for c in _field_names(schema, cols):
        exprs.append(pl.col(c).null_count().alias(f"{c}\x00null"))
        if cols[c] == pl.String:
            exprs.append((pl.col(c).str.len_bytes() == 0).sum().alias(f"{c}\x00empty"))
    return pl.scan_parquet(t.ws.table_path("ingest", "records")).select(exprs)


def fields(
    t: Tables,
    schema: Any,
    cols: dict[str, pl.DataType],
    row: dict[str, Any],
    n: int,
    rej: pl.DataFrame,
) -> list[dict[str, Any]]:
    problems = (
        rej.filter(pl.col("reason").is_in(["bad_type", "missing_required"]))
        if "message" in rej.columns
        else rej.clear()
    )
    out = []
    for c in _field_names(schema, cols):
        nulls, empty = int(row[f"{c}\x00null"]), int(row.get(f"{c}\x00empty") or 0)
        filled = n - nulls - empty
        hit = (
            problems.filter(pl.col("message").str.contains(f"'{re.escape(c)}'", literal=False))
            if problems.height
            else problems
        )
        out.append(
            {
                "field": c,
                "type": str(cols[c]),
                "filled": filled,
                "null": nulls,
                "empty": empty,
                "completeness": rnd(filled / n if n else 0.0),
                "rejected": counts(hit, "reason") if hit.height else {},
            }
        )
    return out
