"""Gather every fact the report shows from the workspace files into one JSON-able dict.

The dict is the report: the terminal, HTML and JSON renderings only format it. It is built from
the workspace alone (stage log + tables), holds no "now" and sorts every mapping, so the same
workspace always gives the same bytes. Tables are read with Polars, selecting only the columns a
section needs; texts are fetched once, for the few sampled records.
"""

from __future__ import annotations

import difflib
import json
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from curate.errors import CurateError, WorkspaceError
from curate.report.accounting import Accounting, check_hashes, check_log_counts
from curate.workspace import PREVIOUS_STAGE_HINT, STAGE_LOG, Workspace

REPORT_FORMAT = 1
OUTCOMES = (
    "exported",
    "rejected",
    "filtered",
    "duplicate",
    "contaminated",
    "over_length",
    "no_example",
    "pending",
)
SPLITS = ("train", "val", "test")
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
PIPELINE = ("ingest", "dedupe", "export", "train")
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
BALANCE_FIELDS = ("category", "label", "specialty", "clause_type", "section")
SNIPPET = 300
N_EXAMPLES = 3
N_CLUSTERS = 5
N_CONTAM = 8
MAX_CURVE_POINTS = 400

# Belt and braces: samples are redacted by the rules stage already; the report masks anything
# that still looks like a direct identifier before it is shown or written.
_REDACT = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[EMAIL]"),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[SSN]"),
    (re.compile(r"\b(?:\d[ -]?){13,19}\b"), "[CARD]"),
    (
        re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?\(?\d{2,4}\)?[\s.-]?\d{3}[\s.-]?\d{3,4}(?!\w)"),
        "[PHONE]",
    ),
]


def redact(text: str | None, limit: int = SNIPPET) -> str:
    """Shorten and mask direct identifiers in a sample shown in the report."""
    if text is None:
        return ""
    text = str(text)
    cut = len(text) > limit
    text = text[:limit]
    for pattern, repl in _REDACT:
        text = pattern.sub(repl, text)
    return text + (" …" if cut else "")


def redact_pii(texts: list[str]) -> list[str]:
    """Mask names, addresses and the rest with the default rule pack's detectors.

    Rejected rows never went through the rules, so their raw text still holds PII; the report
    is meant to be shared, so it shows them only after this pass.
    """
    if not texts:
        return texts
    from curate.rules import apply_rules, load_rule_pack

    turns = pl.List(pl.Struct({"role": pl.String(), "content": pl.String()}))
    df = pl.DataFrame(
        {"record_id": [str(i) for i in range(len(texts))], "n_rows": [1] * len(texts), "raw": texts}
    ).with_columns(pl.lit([], dtype=turns).alias("turns"))
    res = apply_rules(df, load_rule_pack("default"), {"raw": "user"})
    both = pl.concat([res.kept.select("record_id", "raw"), res.filtered.select("record_id", "raw")])
    done = dict(zip(both["record_id"].to_list(), both["raw"].to_list(), strict=True))
    return [done.get(str(i)) or "" for i in range(len(texts))]


def _r(x: float | None, nd: int = 4) -> float | None:
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else round(float(x), nd)


def _counts(df: pl.DataFrame, key: str, value: str | None = None) -> dict[str, int]:
    """``{key: count}`` (or sum of ``value``) sorted by key; nulls become ``"(none)"``."""
    if df.height == 0:
        return {}
    agg = pl.len() if value is None else pl.col(value).sum()
    g = df.group_by(pl.col(key).cast(pl.String).fill_null("(none)")).agg(agg.alias("n"))
    return {str(k): int(n) for k, n in sorted(g.iter_rows())}


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
        "min": _r(values.min()),
        "mean": _r(values.mean(), 2),
        "p50": _r(q[0]),
        "p90": _r(q[1]),
        "p99": _r(q[2]),
        "max": _r(values.max()),
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


def word_diff(a: str, b: str) -> list[list[str]]:
    """Word-level opcodes ``[tag, a_words, b_words]`` (tag: equal/replace/delete/insert)."""
    aw, bw = a.split(" "), b.split(" ")
    sm = difflib.SequenceMatcher(None, aw, bw, autojunk=False)
    return [
        [tag, " ".join(aw[i1:i2]), " ".join(bw[j1:j2])] for tag, i1, i2, j1, j2 in sm.get_opcodes()
    ]


class _Tables:
    """Lazy access to the workspace tables, with a clear error for a missing contract column."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def has(self, stage: str, name: str) -> bool:
        return self.ws.has_table(stage, name)

    def scan(
        self, stage: str, name: str, cols: Iterable[str], optional: Iterable[str] = ()
    ) -> pl.LazyFrame:
        path = self.ws.table_path(stage, name)
        lf = pl.scan_parquet(path)
        have = set(lf.collect_schema().names())
        missing = [c for c in cols if c not in have]
        if missing:
            raise WorkspaceError(
                f"{path}: column '{missing[0]}' is missing (columns are: {', '.join(sorted(have))})",
                hint="the table does not follow docs/workspace.md; re-run its stage",
            )
        return lf.select([*cols, *[c for c in optional if c in have and c not in cols]])

    def columns(self, stage: str, name: str) -> dict[str, pl.DataType]:
        return dict(pl.scan_parquet(self.ws.table_path(stage, name)).collect_schema())


def _open(workspace: str | os.PathLike[str] | Workspace) -> tuple[Workspace, list[dict[str, Any]]]:
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    hint = PREVIOUS_STAGE_HINT["ingest"].format(ws=ws.path)
    if not ws.path.is_dir():
        raise WorkspaceError(f"workspace {ws.path} does not exist", hint=hint)
    entries = ws.entries()  # raises WorkspaceError for a corrupt log or an older format
    if not entries:
        raise WorkspaceError(
            f"{ws.path} is not a curate workspace (no {STAGE_LOG} entries)", hint=hint
        )
    return ws, entries


def collect(workspace: str | os.PathLike[str] | Workspace, *, min_class: int = 5) -> dict[str, Any]:
    """Everything the report shows, as plain JSON-able data (see docs/report.md)."""
    ws, entries = _open(workspace)
    last: dict[str, dict[str, Any]] = {}
    for e in entries:
        last[str(e.get("stage"))] = e
    t = _Tables(ws)
    acc = Accounting()
    present = {s: s in last for s in PIPELINE}
    for stage, names in (
        ("ingest", ("records", "rejects", "filtered")),
        ("dedupe", ("outcomes",)),
        ("export", ("outcomes",)),
    ):
        for name in names:
            if present[stage] and not t.has(stage, name):
                acc.fail(
                    f"{stage} output",
                    f"the stage log has {stage} but {stage}/{name}.parquet is missing",
                )
                present[stage] = False
    facts: dict[str, Any] = {
        "report_format": REPORT_FORMAT,
        "stages_present": [s for s in PIPELINE if present[s]],
        "missing_stages": [s for s in PIPELINE if not present[s]],
        "warnings": [],
    }
    schema = _schema(ws) if present["ingest"] else None
    facts["schema"] = (
        schema.name if schema else (last.get("ingest", {}).get("config", {}).get("schema"))
    )

    if not present["ingest"]:
        facts.update(_empty_counts())
        facts["run"] = _run_info(ws, entries, last, t, acc)
        facts["accounting"] = acc.to_dict("input rows")
        facts["accounting_ok"] = acc.ok
        return facts

    # -- per-record outcome, in one frame --------------------------------------------------
    # one read of records.parquet for every per-record fact (the text is its largest column)
    cols = t.columns("ingest", "records")
    stratified = _export_stratify(ws, last.get("export") if present["export"] else None)
    balance_field = stratified if stratified in cols else _balance_field(schema, cols)
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
                *_side_exprs(schema, cols),
            ),
            _fields_query(t, schema, cols),
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
    _check_unique(acc, "ingest/records.parquet", rec)

    o = rec
    ded = None
    if present["dedupe"]:
        ded = t.scan(
            "dedupe",
            "outcomes",
            ["record_id", "outcome", "reason"],
            ["cluster_id", "kept_record_id", "similarity", "match", "match_text"],
        ).collect()
        _check_cover(acc, "dedupe", ded, rec["record_id"], "ingested records")
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
        _check_cover(
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

    # -- counts: rows (the accounting unit) and records -------------------------------------
    units, expanded = _row_units(rej, fil, o)
    rows = {k: 0 for k in OUTCOMES}
    records = {k: 0 for k in OUTCOMES}
    reasons: dict[str, dict[str, int]] = {}
    for name, df in (("rejected", rej), ("filtered", fil)):
        records[name] = df.height
    for (out,), g in o.group_by("outcome"):
        records[str(out)] = g.height
    for (out,), g in units.group_by("outcome"):
        rows[str(out)] = int(g["n_rows"].sum())
        reasons[str(out)] = _counts(g, "reason", "n_rows")
    reasons = {k: v for k, v in sorted(reasons.items()) if v}
    ex = o.filter(pl.col("outcome") == "exported")
    split_rows = {s: 0 for s in SPLITS} | _counts(
        units.filter(pl.col("outcome") == "exported"), "split", "n_rows"
    )
    split_records = {s: 0 for s in SPLITS} | _counts(ex, "split")
    split_examples: dict[str, int] = {}
    if exp is not None and "n_examples" in exp.columns:
        split_examples = {s: 0 for s in SPLITS} | _counts(
            exp.filter(pl.col("outcome") == "exported"), "split", "n_examples"
        )

    # -- accounting ------------------------------------------------------------------------
    files_read = _files_read(last["ingest"])
    derived = sum(rows.values())
    if files_read is None:
        input_rows = derived
        acc.skip(
            "rows read per file",
            "the ingest log has no extra.files rows_read; input rows are derived from the tables",
        )
    else:
        input_rows = sum(files_read.values())
        per_file = _rows_per_file(rec, rej, fil)
        bad = []
        for f in sorted(set(files_read) | set(per_file)):
            got, want = per_file.get(f, 0), files_read.get(f)
            if want is None:
                bad.append(f"{f}: {got:,} rows in the tables but the ingest log read none from it")
            elif got != want:
                gap = (
                    f"{want - got:,} unexplained"
                    if want > got
                    else f"{got - want:,} more than were read"
                )
                bad.append(f"{f}: {want:,} rows read, {got:,} accounted for ({gap})")
        acc.check(
            "rows per file",
            not bad,
            "; ".join(bad) or f"{len(files_read)} files, every row read is accounted for",
        )
        acc.check(
            "outcomes add up",
            derived == input_rows,
            f"{derived:,} rows in outcomes vs {input_rows:,} rows read",
        )
    if expanded is not None:
        _check_rows_carried(acc, units, expanded)
    check_log_counts(acc, last, {"o": o, "rej": rej, "fil": fil, "ded": ded, "exp": exp})
    check_hashes(acc, ws, last)

    facts.update(
        {
            "input_rows": input_rows,
            "outcomes": rows,
            "reasons": reasons,
            "splits": split_rows,
            "records": {
                "ingested": rec.height,
                "outcomes": records,
                "splits": split_records,
                "examples": split_examples,
                "expanded": expanded,
            },
            "funnel": _funnel(files_read, units),
        }
    )
    needed: set[str] = set()
    facts["rejects"] = _rejects(rej)
    facts["filters"] = _filters(fil, ws)
    facts["fields"] = _fields(t, schema, cols, field_row.row(0, named=True), rec.height, rej)
    facts["languages"] = {
        "kept": _counts(rec, "language") if "language" in rec.columns else {},
        "filtered": _counts(fil, "language") if "language" in fil.columns else {},
    }
    facts["lengths"] = _lengths(rec, exp)
    facts["extremes"] = _extremes(o, exp, needed)
    facts["duplicates"] = _duplicates(t, ded, needed) if ded is not None else None
    facts["contamination"] = _contamination(ded, rec, needed) if ded is not None else None
    facts["pii"] = _pii(t, ws)
    facts["balance"] = _balance(
        balance_field, o, min_class, stratified is not None and balance_field == stratified
    )
    _fill_texts(t, facts, needed)
    facts["warnings"] += facts["balance"]["warnings"] if facts["balance"] else []
    facts["token_stats"] = (
        _read_json(ws.stage_dir("export") / "token_stats.json") if present["export"] else None
    )
    facts["training"] = _training(ws, last.get("train"))
    facts["run"] = _run_info(ws, entries, last, t, acc)
    facts["accounting"] = acc.to_dict("input rows")
    facts["accounting_ok"] = acc.ok
    return facts


# -- helpers --------------------------------------------------------------------------------


def _empty_counts() -> dict[str, Any]:
    return {
        "input_rows": 0,
        "outcomes": {k: 0 for k in OUTCOMES},
        "reasons": {},
        "splits": {s: 0 for s in SPLITS},
        "records": None,
        "funnel": [],
    }


def _schema(ws: Workspace) -> Any:
    from curate.schema import load_schema

    path = ws.stage_dir("ingest") / "schema.toml"
    if not path.exists():
        return None
    try:
        return load_schema(path)
    except CurateError:
        return None


def _check_unique(acc: Accounting, label: str, df: pl.DataFrame) -> None:
    dups = df.height - df["record_id"].n_unique()
    acc.check(
        f"unique ids in {label}", dups == 0, f"{dups:,} repeated record_id values" if dups else ""
    )


def _check_cover(
    acc: Accounting, stage: str, table: pl.DataFrame, expected: pl.Series, what: str
) -> None:
    """A stage's outcome table must hold exactly one row per record it was given."""
    ids = table["record_id"]
    unique = ids.n_unique()
    found = (
        expected.to_frame("record_id")
        .join(table.select("record_id"), on="record_id", how="semi")
        .height
    )
    missing, extra, repeated = expected.len() - found, unique - found, ids.len() - unique
    ok = missing == extra == repeated == 0
    detail = f"{stage}/outcomes.parquet has {ids.len():,} rows for {expected.len():,} {what}"
    if not ok:
        detail += f": {missing:,} missing, {extra:,} unknown, {repeated:,} repeated"
    acc.check(f"{stage} covers every record once", ok, detail)


def _check_rows_carried(acc: Accounting, units: pl.DataFrame, expanded: dict[str, int]) -> None:
    """Records made from one row must include the one that carries the row (``n_rows`` > 0):
    without it they would count in no outcome, and the row balance could not see them."""
    orphans = units.filter(pl.col("n_rows") == 0).sort("source_file", "source_line")
    detail = f"{expanded['rows']:,} rows made into {expanded['records']:,} records"
    if orphans.height:
        first = orphans.row(0, named=True)
        detail = (
            f"{int(orphans['records'].sum()):,} records of {orphans.height:,} rows whose "
            f"row-carrying record is in no table (first {first['source_file']}:"
            f"{first['source_line']})"
        )
    acc.check("every record traces to an input row", orphans.height == 0, detail)


def _files_read(entry: dict[str, Any]) -> dict[str, int] | None:
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


def _rows_per_file(*frames: pl.DataFrame) -> dict[str, int]:
    both = pl.concat([f.select(pl.col("source_file").cast(pl.String), "n_rows") for f in frames])
    return _counts(both, "source_file", "n_rows")


def _row_units(
    rej: pl.DataFrame, fil: pl.DataFrame, o: pl.DataFrame
) -> tuple[pl.DataFrame, dict[str, int] | None]:
    """One line per input-row unit: ``source_file``, ``source_line``, ``n_rows``, ``records``,
    and the ``outcome``, ``reason`` and ``split`` it counts under; plus, when some row became
    several records, ``{rows, records}`` for those rows (else None).

    A wide row (one record per labelled column) or a document (one record per section) becomes
    records that share its file and first line; the first carries ``n_rows`` and the rest 0
    (readers: ``LayoutMapper._wide`` / ``_sections``). Such a row takes the best outcome of all
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


def _funnel(files_read: dict[str, int] | None, units: pl.DataFrame) -> list[dict[str, Any]]:
    g = units.group_by("source_file", "outcome").agg(pl.col("n_rows").sum())
    table: dict[str, dict[str, Any]] = {}
    for f, out, n in g.iter_rows():
        table.setdefault(str(f), {k: 0 for k in OUTCOMES})[str(out)] = int(n)
    for f in files_read or {}:
        table.setdefault(f, {k: 0 for k in OUTCOMES})
    return [
        {"source_file": f, "rows_read": (files_read or {}).get(f), **table[f]}
        for f in sorted(table)
    ]


def _rejects(rej: pl.DataFrame) -> dict[str, Any]:
    out: dict[str, Any] = {}
    order = rej.sort("source_file", *(["source_line"] if "source_line" in rej.columns else []))
    groups = sorted(order.group_by("reason", maintain_order=True), key=lambda kv: str(kv[0][0]))
    shown = [
        (str(reason), r)
        for (reason,), g in groups
        for r in g.head(N_EXAMPLES).iter_rows(named=True)
    ]
    masked = iter(redact_pii([redact(r.get(k), 200) for _, r in shown for k in ("message", "raw")]))
    examples: dict[str, list[dict[str, Any]]] = {}
    for reason, r in shown:
        examples.setdefault(reason, []).append(
            {"source": r["source"], "message": next(masked), "raw": next(masked)}
        )
    for (reason,), g in groups:
        out[str(reason)] = {
            "records": g.height,
            "rows": int(g["n_rows"].sum()),
            "examples": examples.get(str(reason), []),
        }
    return out


def _filters(fil: pl.DataFrame, ws: Workspace) -> dict[str, Any]:
    rules = _read_json(ws.stage_dir("ingest") / "rules.json") or {}
    out: dict[str, Any] = {"pack": rules.get("pack"), "rules": {}}
    rule_stats: dict[str, Any] = rules["rules"] if isinstance(rules.get("rules"), dict) else {}
    names = set(_counts(fil, "reason")) | set(rule_stats)
    order = fil.sort("source_file", *(["source_line"] if "source_line" in fil.columns else []))
    for name in sorted(names):
        g = order.filter(pl.col("reason") == name)
        st = rule_stats.get(name, {}) if isinstance(rule_stats.get(name), dict) else {}
        out["rules"][name] = {
            "filtered": g.height,
            "changed": int(st.get("changed", 0) or 0),
            "examples": [
                {
                    "source": r["source"],
                    "detail": redact(r.get("detail"), 200),
                    "text": redact(r.get("text"), 200),
                }
                for r in g.head(N_EXAMPLES).iter_rows(named=True)
            ],
            "changes": [
                {
                    "source": str(x.get("source", "")),
                    "before": redact(x.get("before"), 200),
                    "after": redact(x.get("after"), 200),
                }
                for x in (st.get("examples") or [])[:N_EXAMPLES]
                if isinstance(x, dict)
            ],
        }
    return out


def _field_names(schema: Any, cols: dict[str, pl.DataType]) -> list[str]:
    return [c for c in (schema.fields if schema else cols) if c in cols and c not in BOOKKEEPING]


def _fields_query(t: _Tables, schema: Any, cols: dict[str, pl.DataType]) -> pl.LazyFrame:
    """Null and empty-string counts per field column, in one aggregation."""
    exprs: list[pl.Expr] = [pl.len().alias("\x00rows")]
    for c in _field_names(schema, cols):
        exprs.append(pl.col(c).null_count().alias(f"{c}\x00null"))
        if cols[c] == pl.String:
            exprs.append((pl.col(c).str.len_bytes() == 0).sum().alias(f"{c}\x00empty"))
    return pl.scan_parquet(t.ws.table_path("ingest", "records")).select(exprs)


def _fields(
    t: _Tables,
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
                "completeness": _r(filled / n if n else 0.0),
                "rejected": _counts(hit, "reason") if hit.height else {},
            }
        )
    return out


def _side_exprs(schema: Any, cols: dict[str, pl.DataType]) -> list[pl.Expr]:
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


def _lengths(rec: pl.DataFrame, exp: pl.DataFrame | None) -> dict[str, Any]:
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


def _extremes(o: pl.DataFrame, exp: pl.DataFrame | None, needed: set[str]) -> dict[str, Any]:
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


def _duplicates(t: _Tables, ded: pl.DataFrame, needed: set[str]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "by_reason": _counts(ded.filter(pl.col("outcome") == "duplicate"), "reason"),
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
                    {"record_id": r, "similarity": _r(s)}
                    for r, s in others.select("record_id", "sim").iter_rows()
                ],
            }
        )
        needed.update([x for x in [kept_id, *others["record_id"].to_list()] if x])
    return out


def _contamination(ded: pl.DataFrame, rec: pl.DataFrame, needed: set[str]) -> dict[str, Any]:
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
                "similarity": _r(r.get("similarity")),
                "match_text": redact(r.get("match_text")) if r.get("match_text") else None,
            }
        )
        needed.add(r["record_id"])
    return {
        "hits": hits.height,
        "by_reason": _counts(hits, "reason"),
        "by_file": _counts(files, "file"),
        "examples": ex,
    }


def _pii(t: _Tables, ws: Workspace) -> dict[str, Any]:
    rules = _read_json(ws.stage_dir("ingest") / "rules.json") or {}
    cols = t.columns("ingest", "records")
    types: dict[str, dict[str, int]] = {}
    affected = None
    if "pii" in cols:
        lf = pl.scan_parquet(t.ws.table_path("ingest", "records")).select("record_id", "pii")
        affected = int(lf.select((pl.col("pii").list.len() > 0).sum()).collect().item() or 0)
        ex = lf.explode("pii").drop_nulls("pii").unnest("pii").collect()
        for (typ,), g in ex.group_by("type"):
            types[str(typ)] = {
                "matches": int(g["count"].sum()),
                "records": g["record_id"].n_unique(),
            }
    elif isinstance(rules.get("pii"), dict):
        types = {
            str(k): {"matches": int(v.get("matches", 0)), "records": int(v.get("records", 0))}
            for k, v in rules["pii"].items()
            if isinstance(v, dict)
        }
    samples = []
    for name, st in sorted((rules.get("rules") or {}).items()):
        if ("pii" in name or "redact" in name) and isinstance(st, dict):
            for x in (st.get("examples") or [])[:N_EXAMPLES]:
                if isinstance(x, dict):
                    samples.append(
                        {
                            "rule": name,
                            "source": str(x.get("source", "")),
                            "before": redact(x.get("before"), 200),
                            "after": redact(x.get("after"), 200),
                        }
                    )
    return {
        "types": dict(sorted(types.items())),
        "records_affected": affected,
        "samples": samples[:8],
    }


def _export_stratify(ws: Workspace, entry: dict[str, Any] | None) -> str | None:
    """The field the export stratified its splits by: from its stage log entry (export logs
    the field it actually used, null when it did not stratify), else from the manifest.json
    of its output directory."""
    if entry is None:
        return None
    config = entry.get("config") or {}
    if "stratify" not in config:
        out = config.get("out")
        for base in [Path(str(out)), ws.path / str(out)] if out else []:
            manifest = base / "manifest.json"
            if manifest.is_file():
                try:  # outside the workspace: unreadable means unknown, not a broken workspace
                    data = _read_json(manifest)
                except WorkspaceError:
                    data = None
                config = (data.get("config") if isinstance(data, dict) else None) or {}
                break
    field = config.get("stratify")
    return field if isinstance(field, str) and field.lower() not in ("", "none") else None


def _balance_field(schema: Any, cols: dict[str, pl.DataType]) -> str | None:
    """When the export did not stratify: the schema's stratify field, else the first usual
    label column present."""
    field = schema.stratify_default if schema and schema.stratify_default in cols else None
    return field or next((f for f in BALANCE_FIELDS if f in cols), None)


def _balance(
    field: str | None, o: pl.DataFrame, min_class: int, stratified: bool
) -> dict[str, Any] | None:
    if field is None:
        return None
    ex = o.filter(pl.col("outcome") == "exported")
    base = ex if ex.height else o.with_columns(split=pl.lit("all"))
    j = base.select(pl.col("cls").fill_null("(none)"), pl.col("split").fill_null("(none)"))
    table: dict[str, dict[str, int]] = {}
    for cls, split, n in j.group_by("cls", "split").len().iter_rows():
        table.setdefault(str(cls), {})[str(split)] = int(n)
    order = (*SPLITS, "all")
    splits = sorted(
        {s for v in table.values() for s in v},
        key=lambda s: (order.index(s) if s in order else 9, s),
    )
    warnings = []
    for cls in sorted(table):
        for s in splits:
            n = table[cls].get(s, 0)
            if n < min_class:
                warnings.append(
                    f"class '{cls}' of {field} has {n} record{'s' if n != 1 else ''} in {s} (minimum {min_class})"
                )
    return {
        "field": field,
        "stratified": stratified,
        "min_class": min_class,
        "splits": splits,
        "table": {c: {s: table[c].get(s, 0) for s in splits} for c in sorted(table)},
        "warnings": warnings,
    }


def _fill_texts(t: _Tables, facts: dict[str, Any], needed: set[str]) -> None:
    """One read of the text column for every sampled record, then snippets and diffs."""
    if not needed:
        return
    ids = pl.Series(sorted(needed), dtype=pl.String).implode()
    rows = (
        pl.scan_parquet(t.ws.table_path("ingest", "records"))
        .select("record_id", "text", "source")
        .filter(pl.col("record_id").is_in(ids))
        .collect()
    )
    texts = dict(zip(rows["record_id"], rows["text"], strict=True))
    sources = dict(zip(rows["record_id"], rows["source"], strict=True))
    for side in facts["extremes"].values():
        for r in side:
            r["text"] = redact(texts.get(r["record_id"]))
    dup = facts.get("duplicates")
    for c in (dup or {}).get("largest", []):
        kept_text = redact(texts.get(c["kept"]), 1200)
        c["kept_source"] = sources.get(c["kept"])
        c["kept_text"] = kept_text
        for m in c["members"]:
            m["source"] = sources.get(m["record_id"])
            m["diff"] = word_diff(kept_text, redact(texts.get(m["record_id"]), 1200))
    for h in (facts.get("contamination") or {}).get("examples", []):
        h["text"] = redact(texts.get(h["record_id"]))


def _read_json(path: Path) -> Any:
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise WorkspaceError(
            f"{path}: unreadable JSON ({exc})", hint="re-run the stage that wrote it"
        ) from exc


def _training(ws: Workspace, entry: dict[str, Any] | None) -> dict[str, Any] | None:
    if entry is None:
        return None
    extra = entry.get("extra") or {}
    cands = [
        extra.get("metrics"),
        extra.get("out_dir"),
        (entry.get("config") or {}).get("out"),
        "train",
    ]
    path = None
    for c in cands:
        if not c:
            continue
        for base in (Path(str(c)), ws.path / str(c)):
            p = base if base.suffix == ".jsonl" else base / "metrics.jsonl"
            if p.is_file() and path is None:
                path = p
    out: dict[str, Any] = {
        "metrics_file": None,
        "steps": 0,
        "loss": [],
        "eval_loss": [],
        "lr": [],
        "bad_lines": 0,
    }
    if path is None:
        out["warning"] = "the train stage is logged but its metrics.jsonl was not found"
        return out
    root, full = ws.path.resolve(), path.resolve()
    out["metrics_file"] = str(full.relative_to(root)) if full.is_relative_to(root) else str(path)
    steps: list[dict[str, Any]] = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip():
            continue
        try:
            m = json.loads(line)
        except json.JSONDecodeError:
            out["bad_lines"] += 1
            continue
        if isinstance(m, dict) and isinstance(m.get("step"), int | float):
            steps.append(m)
    steps.sort(key=lambda m: m["step"])

    def series(key: str) -> list[list[float]]:
        pts = [[m["step"], _r(m[key], 6)] for m in steps if isinstance(m.get(key), int | float)]
        if len(pts) > MAX_CURVE_POINTS:
            k = -(-len(pts) // MAX_CURVE_POINTS)
            pts = pts[::k] + ([pts[-1]] if (len(pts) - 1) % k else [])
        return pts

    out.update(
        steps=len(steps), loss=series("loss"), eval_loss=series("eval_loss"), lr=series("lr")
    )
    for key in ("tokens_per_s", "padding_fraction"):
        vals = [float(m[key]) for m in steps if isinstance(m.get(key), int | float)]
        out[f"mean_{key}"] = _r(sum(vals) / len(vals)) if vals else None
    for key in ("loss", "eval_loss"):
        out[f"first_{key}"] = out[key][0][1] if out[key] else None
        out[f"final_{key}"] = out[key][-1][1] if out[key] else None
    return out


def _run_info(
    ws: Workspace,
    entries: list[dict[str, Any]],
    last: dict[str, dict[str, Any]],
    t: _Tables,
    acc: Accounting,
) -> dict[str, Any]:
    versions: dict[str, str] = {}
    stages = []
    for e in entries:
        versions.update({str(k): str(v) for k, v in (e.get("versions") or {}).items()})
        timings = {
            str(k): _r(v, 3)
            for k, v in sorted((e.get("timings") or {}).items())
            if isinstance(v, int | float)
        }
        stages.append(
            {
                "stage": e.get("stage"),
                "finished_at": e.get("finished_at"),
                "seconds": _r(sum(v or 0 for v in timings.values()), 3),
                "timings": timings,
                "config": e.get("config") or {},
                "counts": e.get("counts") or {},
                "warnings": list(e.get("warnings") or []),
                "skipped": bool(e.get("skipped")),
                "outputs": dict(sorted((e.get("outputs") or {}).items())),
            }
        )
    rules = (
        _read_json(ws.stage_dir("ingest") / "rules.json")
        if (ws.stage_dir("ingest") / "rules.json").exists()
        else None
    )
    ingest = last.get("ingest") or {}
    return {
        "versions": dict(sorted(versions.items())),
        "stages": stages,
        "schema": (ingest.get("config") or {}).get("schema"),
        "rules_pack": (rules or {}).get("pack") or (ingest.get("config") or {}).get("rules"),
        "inputs": dict(sorted((ingest.get("inputs") or {}).items())),
        "files": acc.files,
        "stage_log_sha256": ws.log_hash(),
    }
