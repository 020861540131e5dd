"""Funnel section, and the per-record outcome frame every other section reads.

One frame holds each record's final outcome (exported, duplicate, over_length, ...) joined from
the ingest, dedupe and export tables; rows are the accounting unit, so records made from one
input row (wide rows, document sections) are folded back into that row (``row_units``) before
counting, and rows in always equal the sum of the outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import polars as pl

from curate.report.accounting import Accounting, check_cover, check_unique
from curate.report.fields import fields_query
from curate.report.funnel import check_row
from curate.report.lengths import side_exprs
from curate.report.tables import OUTCOMES, SPLITS, Tables, counts

# The outcome of an input row made into several records (wide rows, document sections): the
# furthest any of its records got. Exported first, then kept in the workspace but not exported,
# then dropped by a rule, then rejected.
ROW_PRECEDENCE = (
    "exported",
    "pending",
    "over_length",
    "no_example",
    "duplicate",
    "contaminated",
    "filtered",
    "rejected",
)


@dataclass
class Frames:
    """The workspace tables as the sections need them, each read once."""

    rec: pl.DataFrame  # one line per record: ids, source, chars, language, class, side chars
    field_row: dict[str, Any]  # null and empty counts per field (fields_query)
    rej: pl.DataFrame
    fil: pl.DataFrame
    ded: pl.DataFrame | None
    exp: pl.DataFrame | None
    o: pl.DataFrame  # rec with each record's outcome, reason and split


def read_frames(
    t: Tables,
    acc: Accounting,
    present: dict[str, bool],
    schema: Any,
    cols: dict[str, pl.DataType],
    balance_field: str | None,
) -> Frames:
    """One read of records.parquet for every per-record fact (the text is its largest column),
    then the rejects, filtered rows and the later stages' outcomes."""
    ws = t.ws
    t.scan("ingest", "records", ["record_id", "source", "source_file", "n_rows", "text"])
    rec, field_row = pl.collect_all(
        [
            pl.scan_parquet(ws.table_path("ingest", "records")).select(
                "record_id",
                "source",
                "source_file",
                (
                    pl.col("source_line")
                    if "source_line" in cols
                    else pl.lit(None, pl.Int64).alias("source_line")
                ),
                pl.col("n_rows").fill_null(1),
                pl.col("text").str.len_chars().cast(pl.Int64).alias("chars"),
                *([pl.col("language")] if "language" in cols else []),
                *([pl.col(balance_field).cast(pl.String).alias("cls")] if balance_field else []),
                *side_exprs(schema, cols),
            ),
            fields_query(t, schema, cols),
        ]
    )
    rej = (
        t.scan(
            "ingest",
            "rejects",
            ["source", "source_file", "n_rows", "reason"],
            ["source_line", "message", "raw"],
        )
        .with_columns(pl.col("n_rows").fill_null(1))
        .collect()
    )
    fil = (
        t.scan(
            "ingest",
            "filtered",
            ["record_id", "source", "source_file", "n_rows", "reason"],
            ["source_line", "detail", "text", "language"],
        )
        .with_columns(pl.col("n_rows").fill_null(1))
        .collect()
    )
    check_unique(acc, "ingest/records.parquet", rec)
    ded, exp, o = _outcomes(t, acc, present, rec)
    return Frames(rec, field_row.row(0, named=True), rej, fil, ded, exp, o)


def _outcomes(
    t: Tables, acc: Accounting, present: dict[str, bool], rec: pl.DataFrame
) -> tuple[pl.DataFrame | None, pl.DataFrame | None, pl.DataFrame]:
    """Join dedupe's and export's outcomes onto the records; each must cover what it was given."""

    o = rec
    ded = None
    if present["dedupe"]:
        ded = t.scan(
            "dedupe",
            "outcomes",
            ["record_id", "outcome", "reason"],
            ["cluster_id", "kept_record_id", "similarity", "match", "match_text", "match_span"],
        ).collect()
        check_cover(acc, "dedupe", ded, rec["record_id"], "ingested records")
        o = o.join(
            ded.select(
                "record_id", pl.col("outcome").alias("d_out"), pl.col("reason").alias("d_reason")
            ),
            on="record_id",
            how="left",
        )
    else:
        o = o.with_columns(d_out=pl.lit(None, pl.String), d_reason=pl.lit(None, pl.String))
    exp = None
    if present["export"]:
        exp = t.scan(
            "export",
            "outcomes",
            ["record_id", "outcome", "split"],
            ["n_examples", "tokens", "user_tokens", "assistant_tokens", "chars", "reason"],
        ).collect()
        expected = o.filter(pl.col("d_out").is_null() | (pl.col("d_out") == "kept"))["record_id"]
        check_cover(
            acc,
            "export",
            exp,
            expected,
            "records kept by dedupe" if ded is not None else "ingested records",
        )
        er = pl.col("reason") if "reason" in exp.columns else pl.lit(None, pl.String)
        o = o.join(
            exp.select(
                "record_id", pl.col("outcome").alias("e_out"), "split", er.alias("e_reason")
            ),
            on="record_id",
            how="left",
        )
    else:
        o = o.with_columns(
            e_out=pl.lit(None, pl.String),
            split=pl.lit(None, pl.String),
            e_reason=pl.lit(None, pl.String),
        )
    dropped = pl.col("d_out").is_in(["duplicate", "contaminated"])
    o = o.with_columns(
        outcome=pl.when(dropped)
        .then("d_out")
        .when(pl.col("e_out").is_not_null())
        .then("e_out")
        .otherwise(pl.lit("pending")),
        reason=pl.when(dropped)
        .then(pl.col("d_reason").fill_null("unspecified"))
        .when(pl.col("e_out") == "exported")
        .then(pl.col("split").fill_null("(none)"))
        .when(pl.col("e_out").is_not_null())
        .then(pl.col("e_reason").fill_null("max_tokens"))
        .otherwise(pl.lit("awaiting " + ("export" if present["dedupe"] else "dedupe"))),
    )
    return ded, exp, o


def count_outcomes(
    f: Frames, units: pl.DataFrame, expanded: dict[str, int] | None
) -> dict[str, Any]:
    """Rows (the accounting unit) and records per outcome, reason and split."""
    o, rej, fil, exp = f.o, f.rej, f.fil, f.exp
    rows = {k: 0 for k in OUTCOMES}
    records = {k: 0 for k in OUTCOMES}
    reasons: dict[str, dict[str, int]] = {}
    for name, df in (("rejected", rej), ("filtered", fil)):
        records[name] = df.height
    for (out,), g in o.group_by("outcome"):
        records[str(out)] = g.height
    for (out,), g in units.group_by("outcome"):
        rows[str(out)] = int(g["n_rows"].sum())
        reasons[str(out)] = counts(g, "reason", "n_rows")
    reasons = {k: v for k, v in sorted(reasons.items()) if v}
    ex = o.filter(pl.col("outcome") == "exported")
    split_rows = {s: 0 for s in SPLITS} | counts(
        units.filter(pl.col("outcome") == "exported"), "split", "n_rows"
    )
    split_records = {s: 0 for s in SPLITS} | counts(ex, "split")
    split_examples: dict[str, int] = {}
    if exp is not None and "n_examples" in exp.columns:
        split_examples = {s: 0 for s in SPLITS} | counts(
            exp.filter(pl.col("outcome") == "exported"), "split", "n_examples"
        )
    return {
        "outcomes": rows,
        "reasons": reasons,
        "splits": split_rows,
        "records": {
            "ingested": f.rec.height,
            "outcomes": records,
            "splits": split_records,
            "examples": split_examples,
            "expanded": expanded,
        },
    }


def empty_counts() -> dict[str, Any]:
    return {
        "input_rows": 0,
        "outcomes": {k: 0 for k in OUTCOMES},
        "reasons": {},
        "splits": {s: 0 for s in SPLITS},
        "records": None,
        "funnel": [],
        "funnel_folders": [],
    }


def rows_read_per_file(entry: dict[str, Any]) -> dict[str, int] | None:
    """``extra.files`` from the ingest log, as {file: rows_read}; tolerant of dict or list form."""
    files = (entry.get("extra") or {}).get("files")
    out: dict[str, int] = {}
    if isinstance(files, dict):
        for f, v in files.items():
            n = v.get("rows_read") if isinstance(v, dict) else v
            if isinstance(n, int):
                out[str(f)] = n
    elif isinstance(files, list):
        for v in files:
            if isinstance(v, dict) and isinstance(v.get("rows_read"), int):
                name = v.get("path") or v.get("file") or v.get("source_file")
                out[str(name)] = out.get(str(name), 0) + int(v["rows_read"])
    return out or None


def row_units(
    rej: pl.DataFrame, fil: pl.DataFrame, o: pl.DataFrame
) -> tuple[pl.DataFrame, dict[str, int] | None]:
    """One line per input-row unit: ``source_file``, ``source_line``, ``n_rows``, ``records``,
    and the ``outcome``, ``reason`` and ``split`` it counts under; plus, when some row became
    several records, ``{rows, records}`` for those rows (else None).

    A wide row (one record per labelled column) or a document (one record per section) becomes
    records that share its file and first line; the first carries ``n_rows`` and the rest 0
    (readers: ``ingest/layouts/wide.py`` / ``sections.py``). Such a row takes the best outcome of all
    its records (``ROW_PRECEDENCE``), so rows in still equal the sum of the outcomes. Every other
    record, reject or filtered row is a unit of its own, exactly as read.
    """

    def part(df: pl.DataFrame, outcome: str | None) -> pl.DataFrame:
        line = pl.col("source_line") if "source_line" in df.columns else pl.lit(None, pl.Int64)
        split = pl.col("split") if "split" in df.columns else pl.lit(None, pl.String)
        return df.select(
            pl.col("source_file").cast(pl.String),
            line.cast(pl.Int64).alias("source_line"),
            pl.col("n_rows").cast(pl.Int64),
            (pl.lit(outcome) if outcome else pl.col("outcome")).cast(pl.String).alias("outcome"),
            pl.col("reason").cast(pl.String),
            split.cast(pl.String).alias("split"),
        )

    items = pl.concat([part(rej, "rejected"), part(fil, "filtered"), part(o, None)])
    # a document's sections start on their own lines: a record that does not carry its row
    # (n_rows 0) belongs to the row carried by the nearest record at or before its line
    carried = pl.when(pl.col("n_rows") > 0).then(pl.col("source_line"))
    items = (
        items.with_row_index("_i")
        .sort("source_file", "source_line", pl.col("n_rows") == 0, "_i", nulls_last=True)
        .with_columns(
            source_line=pl.when(pl.col("n_rows") == 0)
            .then(pl.coalesce(carried.forward_fill().over("source_file"), "source_line"))
            .otherwise("source_line")
        )
        .sort("_i")
        .drop("_i")
    )
    shares = (pl.col("n_rows") == 0) & pl.col("source_line").is_not_null()
    if not items.select(shares.any()).item():  # one record per row (or per thread): as read
        return items.with_columns(records=pl.lit(1, pl.Int64)), None
    key = ["source_file", "source_line"]
    rank = pl.col("outcome").replace_strict(
        {k: i for i, k in enumerate(ROW_PRECEDENCE)},
        default=len(ROW_PRECEDENCE),
        return_dtype=pl.Int64,
    )
    # the best record decides; ties go to the one carrying the row, then by reason and split
    best = [rank, -pl.col("n_rows"), pl.col("reason"), pl.col("split")]
    units = (
        items.with_row_index("item")
        .with_columns(
            unit=pl.when(shares.any().over(key))
            .then(pl.lit(-1, pl.Int64))
            .otherwise(pl.col("item").cast(pl.Int64))
        )
        .group_by(*key, "unit")
        .agg(
            pl.col("n_rows").sum(),
            pl.len().cast(pl.Int64).alias("records"),
            *(
                pl.col(c).sort_by(best, nulls_last=True).first()
                for c in ("outcome", "reason", "split")
            ),
        )
        .drop("unit")
    )
    several = units.filter(pl.col("records") > 1)
    return units, {
        "rows": int(several["n_rows"].sum()),
        "records": int(several["records"].sum()),
    }


def funnel(files_read: dict[str, int] | None, units: pl.DataFrame) -> list[dict[str, Any]]:
    g = units.group_by("source_file", "outcome").agg(pl.col("n_rows").sum())
    table: dict[str, dict[str, Any]] = {}
    for f, out, n in g.iter_rows():
        table.setdefault(str(f), {k: 0 for k in OUTCOMES})[str(out)] = int(n)
    for f in files_read or {}:
        table.setdefault(f, {k: 0 for k in OUTCOMES})
    return [
        check_row({"source_file": f, "rows_read": (files_read or {}).get(f), **table[f]})
        for f in sorted(table)
    ]
