"""The accounting check: every input row ends in exactly one outcome, and nothing was edited.

Three kinds of evidence, all from the workspace: the tables must add up (rows read per file =
rows in records + rejects + filtered; each later stage covers each record it was given exactly
once), the stage log's counts must match the tables, and each table must still have the SHA-256
its stage logged. A tampered workspace fails at least one of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from curate.report.tables import counts
from curate.workspace import Workspace, sha256_file

STAGE_FILES = {
    "ingest": ("records.parquet", "rejects.parquet", "filtered.parquet", "rules.json"),
    "dedupe": ("outcomes.parquet", "clusters.parquet"),
    "export": ("outcomes.parquet", "token_stats.json"),
}


@dataclass
class Accounting:
    """Named checks, each passed (True), failed (False) or not possible here (None)."""

    checks: list[dict[str, Any]] = field(default_factory=list)
    files: list[dict[str, Any]] = field(default_factory=list)

    def check(self, name: str, ok: bool | None, detail: str = "") -> None:
        self.checks.append({"name": name, "ok": ok, "detail": detail})

    def fail(self, name: str, detail: str) -> None:
        self.check(name, False, detail)

    def skip(self, name: str, detail: str) -> None:
        self.check(name, None, detail)

    @property
    def ok(self) -> bool:
        return all(c["ok"] is not False for c in self.checks)

    def to_dict(self, unit: str) -> dict[str, Any]:
        return {"unit": unit, "ok": self.ok, "checks": self.checks}


def _counts(df: pl.DataFrame, key: str) -> tuple[dict[str, int], dict[str, int]]:
    """Per ``key`` value: (records, rows)."""
    if df.height == 0 or key not in df.columns:
        return {}, {}
    g = df.group_by(pl.col(key).cast(pl.String)).agg(
        pl.len().alias("n"), pl.col("n_rows").sum().alias("r")
    )
    return (
        {str(k): int(n) for k, n, _ in g.iter_rows()},
        {str(k): int(r) for k, _, r in g.iter_rows()},
    )


def check_log_counts(
    acc: Accounting, last: dict[str, dict[str, Any]], f: dict[str, pl.DataFrame | None]
) -> None:
    """Counts and reasons in each stage's log entry must equal what its tables hold.

    A log count may be in records or in input rows; either matches.
    """
    o, rej, fil = f["o"], f["rej"], f["fil"]
    assert o is not None and rej is not None and fil is not None
    whole = (o.height, int(o["n_rows"].sum()))
    table: dict[
        str, tuple[dict[str, tuple[int, ...]], dict[str, tuple[dict[str, int], dict[str, int]]]]
    ] = {
        "ingest": (
            {
                "rejected": (rej.height, int(rej["n_rows"].sum())),
                "filtered": (fil.height, int(fil["n_rows"].sum())),
                "ingested": whole,
                "records": whole,
                "kept": whole,
            },
            {"rejected": _counts(rej, "reason"), "filtered": _counts(fil, "reason")},
        )
    }
    for stage, known in (
        ("dedupe", ("kept", "duplicate", "contaminated")),
        ("export", ("exported", "over_length")),
    ):
        df = f["ded" if stage == "dedupe" else "exp"]
        if df is None:
            continue
        # records from the stage's own table, input rows via the records it covers
        p = "d" if stage == "dedupe" else "e"
        rows = o.select(
            pl.col(f"{p}_out").alias("outcome"),
            pl.col(f"{p}_reason").alias("reason"),
            "n_rows",
            *(["split"] if stage == "export" else []),
        ).filter(pl.col("outcome").is_not_null())
        n, r = _counts(df.with_columns(n_rows=pl.lit(1)), "outcome")[0], _counts(rows, "outcome")[1]
        counts: dict[str, tuple[int, ...]] = {
            k: (n.get(k, 0), r.get(k, 0)) for k in set(known) | set(n)
        }
        reasons = {}
        if stage == "export":
            ex = df.filter(pl.col("outcome") == "exported")
            sn = _counts(ex.with_columns(n_rows=pl.lit(1)), "split")[0]
            sr = _counts(rows.filter(pl.col("outcome") == "exported"), "split")[1]
            se = {}
            if "n_examples" in ex.columns:
                se = {
                    str(k): int(v)
                    for k, v in ex.group_by("split").agg(pl.col("n_examples").sum()).iter_rows()
                }
            counts |= {
                s: (sn.get(s, 0), sr.get(s, 0), se.get(s, 0)) for s in ("train", "val", "test")
            }
        if "reason" in df.columns:
            one = df.with_columns(n_rows=pl.lit(1))
            reasons = {
                k: (
                    _counts(one.filter(pl.col("outcome") == k), "reason")[0],
                    _counts(rows.filter(pl.col("outcome") == k), "reason")[1],
                )
                for k in n
            }
        table[stage] = (counts, reasons)
    for stage, (counts, reasons) in table.items():
        entry = last.get(stage)
        if entry is None:
            continue
        bad, compared = [], 0
        for k, v in sorted((entry.get("counts") or {}).items()):
            if k in counts and isinstance(v, int):
                compared += 1
                if v not in counts[k]:
                    bad.append(f"{k}: log says {v:,}, tables hold {counts[k][0]:,}")
        for outcome, per in sorted((entry.get("reasons") or {}).items()):
            if outcome not in reasons or not isinstance(per, dict):
                continue
            tn, tr = reasons[outcome]
            for reason, v in sorted(per.items()):
                compared += 1
                if isinstance(v, int) and v not in (tn.get(reason, 0), tr.get(reason, 0)):
                    bad.append(
                        f"{outcome}/{reason}: log says {v:,}, tables hold {tn.get(reason, 0):,}"
                    )
        acc.check(
            f"{stage} log matches its tables",
            not bad,
            "; ".join(bad[:4]) + (f" (+{len(bad) - 4} more)" if len(bad) > 4 else "")
            if bad
            else f"{compared} counts compared",
        )


def check_hashes(acc: Accounting, ws: Workspace, last: dict[str, dict[str, Any]]) -> None:
    """Each file a stage logged must still have the SHA-256 the stage recorded."""
    bad = []
    for stage, names in STAGE_FILES.items():
        entry = last.get(stage)
        if entry is None:
            continue
        outputs = entry.get("outputs") or {}
        for name in names:
            path = ws.stage_dir(stage) / name
            if not path.exists():
                continue
            stem = Path(name).stem
            keys = [k for k in outputs if k in (stem, name) or Path(k).name == name]
            current = sha256_file(path)
            status = (
                "unlogged"
                if not keys
                else ("ok" if any(outputs[k] == current for k in keys) else "modified")
            )
            acc.files.append({"path": f"{stage}/{name}", "sha256": current, "status": status})
            if status == "modified":
                bad.append(f"{stage}/{name}")
    logged = sum(1 for x in acc.files if x["status"] != "unlogged")
    if logged:
        acc.check(
            "files unchanged since their stage ran",
            not bad,
            f"modified after its stage logged it: {', '.join(bad)}"
            if bad
            else f"{logged} files match their logged SHA-256",
        )


# -- the tables add up ----------------------------------------------------------------------


def check_unique(acc: Accounting, label: str, df: pl.DataFrame) -> None:
    dups = df.height - df["record_id"].n_unique()
    acc.check(
        f"unique ids in {label}", dups == 0, f"{dups:,} repeated record_id values" if dups else ""
    )


def check_cover(
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


def check_rows_carried(acc: Accounting, units: pl.DataFrame, expanded: dict[str, int]) -> None:
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


def check_rows_read(
    acc: Accounting,
    files_read: dict[str, int] | None,
    derived: int,
    *frames: pl.DataFrame,
) -> int:
    """Rows read per file (ingest's log) against the rows in ``frames`` (records, rejects,
    filtered) and against ``derived``, the rows in all outcomes; returns the input rows."""
    if files_read is None:
        acc.skip(
            "rows read per file",
            "the ingest log has no extra.files rows_read; input rows are derived from the tables",
        )
        return derived
    input_rows = sum(files_read.values())
    per_file = _rows_per_file(*frames)
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
    return input_rows


def _rows_per_file(*frames: pl.DataFrame) -> dict[str, int]:
    both = pl.concat([f.select(pl.col("source_file").cast(pl.String), "n_rows") for f in frames])
    return counts(both, "source_file", "n_rows")
