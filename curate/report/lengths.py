"""Lengths section: characters per record and side, tokens per split, the shortest and longest.

Histograms run over [0, p99] with an overflow count, so one pathological record cannot flatten
the chart and the report's size stays bounded however large the workspace is.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import polars as pl

from curate.report.tables import N_EXAMPLES, SPLITS, rnd


def stats(values: np.ndarray, bins: int = 24) -> dict[str, Any]:
    """Summary and a histogram over [0, p99] with an overflow count: readable and bounded."""
    values = values[~np.isnan(values)] if values.dtype.kind == "f" else values
    if values.size == 0:
        return {"count": 0}
    q = np.percentile(values, [50, 90, 99])
    hi = float(max(q[2], 1.0))
    step = _nice(hi / bins)
    edges = [round(step * i, 4) for i in range(int(np.ceil(hi / step)) + 1)]
    counts, _ = np.histogram(values[values <= edges[-1]], bins=edges)
    return {
        "count": int(values.size),
        "min": rnd(values.min()),
        "mean": rnd(values.mean(), 2),
        "p50": rnd(q[0]),
        "p90": rnd(q[1]),
        "p99": rnd(q[2]),
        "max": rnd(values.max()),
        "hist": {
            "edges": edges,
            "counts": [int(c) for c in counts],
            "over": int((values > edges[-1]).sum()),
        },
    }


def _nice(x: float) -> float:
    exp = 10 ** np.floor(np.log10(max(x, 1e-9)))
    for m in (1, 2, 2.5, 5, 10):
        if x <= m * exp:
            return float(m * exp)
    return float(10 * exp)


def side_exprs(schema: Any, cols: dict[str, pl.DataType]) -> list[pl.Expr]:
    """Characters on the user and assistant side of each record (text fields by side + turns)."""
    sides = schema.text_fields() if schema else {}
    e = pl.element()
    exprs = []
    for side in ("user", "assistant"):
        parts = [
            pl.col(c).str.len_chars().fill_null(0).cast(pl.Int64)
            for c, s in sides.items()
            if s == side and c in cols
        ]
        if "turns" in cols:
            parts.append(
                pl.col("turns")
                .list.eval(
                    e.filter(e.struct.field("role") == side).struct.field("content").str.len_chars()
                )
                .list.sum()
                .fill_null(0)
                .cast(pl.Int64)
            )
        if not parts:
            return []
        exprs.append(pl.sum_horizontal(parts).alias(side))
    return exprs


def lengths(rec: pl.DataFrame, exp: pl.DataFrame | None) -> dict[str, Any]:
    chars: dict[str, Any] = {"all": stats(rec["chars"].to_numpy())}
    if "user" in rec.columns:
        chars["user"] = stats(rec["user"].to_numpy())
        chars["assistant"] = stats(rec["assistant"].to_numpy())
    tokens: dict[str, Any] = {}
    if exp is not None:
        ex = exp.filter(pl.col("outcome") == "exported")
        if "chars" in ex.columns:
            chars["by_split"] = {
                s: stats(g["chars"].drop_nulls().to_numpy()) for s, g in _by_split(ex)
            }
        for col, key in (
            ("tokens", "all"),
            ("user_tokens", "user"),
            ("assistant_tokens", "assistant"),
        ):
            if col in ex.columns:
                tokens[key] = stats(ex[col].drop_nulls().to_numpy())
        if "tokens" in ex.columns:
            tokens["by_split"] = {
                s: stats(g["tokens"].drop_nulls().to_numpy()) for s, g in _by_split(ex)
            }
    return {"chars": chars, "tokens": tokens}


def _by_split(df: pl.DataFrame) -> list[tuple[str, pl.DataFrame]]:
    return [(s, df.filter(pl.col("split") == s)) for s in SPLITS if (df["split"] == s).any()]


def extremes(o: pl.DataFrame, exp: pl.DataFrame | None, needed: set[str]) -> dict[str, Any]:
    pool = o.filter(pl.col("outcome") == "exported") if exp is not None else o
    picks = {
        "shortest": pool.bottom_k(N_EXAMPLES, by=["chars", "record_id"]).sort("chars", "record_id"),
        "longest": pool.top_k(N_EXAMPLES, by=["chars", "record_id"]).sort(
            "chars", "record_id", descending=True
        ),
    }
    out = {}
    for k, df in picks.items():
        out[k] = [
            {
                "record_id": r["record_id"],
                "source": r["source"],
                "chars": int(r["chars"]),
                "text": r["record_id"],
            }
            for r in df.iter_rows(named=True)
        ]
        needed.update(df["record_id"].to_list())
    return out


def example_lengths(token_stats: dict[str, Any] | None) -> dict[str, Any] | None:
    """Per exported example (what a token budget applies to), overall and per task, from the
    export's token_stats.json; None for an export that did not record them."""
    if not token_stats or "examples" not in token_stats:
        return None
    ex = token_stats["examples"]
    return {
        "unit": "examples",
        "budget": token_stats.get("max_tokens"),
        "examples": ex.get("examples", 0),
        "chars": ex.get("chars") or {},
        "tokens": ex.get("tokens") or {},
        "over_budget": ex.get("over_budget"),
        "trimmed": token_stats.get("trimmed_examples", 0),
        "dropped_over_length": token_stats.get("over_length_examples", 0),
        "tasks": {
            name: {
                "examples": t.get("examples", 0),
                "chars": t.get("chars") or {},
                "tokens": t.get("tokens") or {},
                "over_budget": t.get("over_budget"),
            }
            for name, t in sorted((token_stats.get("tasks") or {}).items())
        },
    }


def length_cases(o: pl.DataFrame, exp: pl.DataFrame | None, n: int = 10) -> dict[str, Any]:
    """The records export dropped as over-length and those it shortened to fit (an over_length
    strategy's name in ``reason``), longest first, with their source lines."""
    empty: dict[str, Any] = {"over_length": [], "shortened": []}
    if exp is None or "tokens" not in exp.columns or "reason" not in exp.columns:
        return empty
    df = exp.select("record_id", "outcome", "tokens", "reason").join(
        o.select("record_id", "source"), on="record_id", how="left"
    )
    picks = {
        "over_length": df.filter(pl.col("outcome") == "over_length"),
        "shortened": df.filter((pl.col("outcome") == "exported") & pl.col("reason").is_not_null()),
    }
    out = {}
    for k, g in picks.items():
        top = g.sort(["tokens", "record_id"], descending=[True, False], nulls_last=True).head(n)
        out[k] = [
            {"source": r["source"], "tokens": r["tokens"], "reason": r["reason"]}
            for r in top.iter_rows(named=True)
        ]
    return out
