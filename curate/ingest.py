"""The ingest stage: raw files -> validated, normalized, rule-checked records in the workspace.

Per file: pick the schema layout its columns fit, map rows to candidates (curate.mapping),
validate each with the schema's Pydantic model, normalize text columns in Polars, reject what
is unusable (with reason and file:line), apply the rule pack, and write the batch as a Parquet
part. Parts are concatenated at the end, so memory is bounded by the batch size (thread
layouts, which must see all rows of a file, hold that file's mapped rows).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from curate.errors import InputError, UsageError
from curate.ingest_types import POLARS_TYPES, record_model, validate_values
from curate.mapping import Candidate, LayoutMapper, choose_layout, resolve_fields
from curate.normalize import normalize_expr
from curate.schema import Schema, load_schema
from curate.workspace import StageResult, Workspace, merge_counts, sha256_file

TURN_TYPE = pl.List(pl.Struct({"role": pl.String(), "content": pl.String()}))
PII_TYPE = pl.List(pl.Struct({"type": pl.String(), "count": pl.Int64()}))
REJECT_SCHEMA: dict[str, pl.DataType] = {
    "record_id": pl.String(),
    "source": pl.String(),
    "source_file": pl.String(),
    "source_line": pl.Int64(),
    "n_rows": pl.Int64(),
    "reason": pl.String(),
    "message": pl.String(),
    "raw": pl.String(),
}
ProgressFn = Callable[[str, int, int], None]  # (file, rows done in file, bytes of file)


def record_columns(schema: Schema) -> dict[str, pl.DataType]:
    """The column types of ingest/records.parquet for ``schema`` (docs/workspace.md)."""
    cols: dict[str, pl.DataType] = {
        "record_id": pl.String(),
        "source": pl.String(),
        "source_file": pl.String(),
        "source_line": pl.Int64(),
        "n_rows": pl.Int64(),
        "schema": pl.String(),
        "layout": pl.String(),
        "group": pl.String(),
    }
    for name, spec in schema.fields.items():
        cols[name] = POLARS_TYPES[spec.type]
    cols.update(
        {
            "turns": TURN_TYPE,
            "text": pl.String(),
            "content_hash": pl.String(),
            "language": pl.String(),
            "language_score": pl.Float64(),
            "pii": PII_TYPE,
        }
    )
    return cols


def record_id(source_file: str, locator: str) -> str:
    return hashlib.sha256(f"{source_file}\x00{locator}".encode()).hexdigest()[:16]


def display_path(path: Path) -> str:
    """The path as stored in `source`: relative to the working directory when it is inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass
class FileStats:
    layout: str = ""
    rows_read: int = 0
    records: int = 0
    rejected: int = 0
    filtered: int = 0
    sha256: str = ""
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Batch:
    records: pl.DataFrame
    rejects: pl.DataFrame


class _Parts:
    """Numbered Parquet parts of one table, concatenated in order at the end."""

    def __init__(self, root: Path, name: str, columns: dict[str, pl.DataType]) -> None:
        self.dir = root / name
        self.dir.mkdir(parents=True, exist_ok=True)
        self.columns = columns
        self.paths: list[Path] = []
        self.rows = 0

    def add(self, df: pl.DataFrame) -> None:
        if df.height == 0:
            return
        df = conform(df, self.columns)
        path = self.dir / f"{len(self.paths):06d}.parquet"
        df.write_parquet(path, statistics=False)
        self.paths.append(path)
        self.rows += df.height

    def finish(self, ws: Workspace, stage: str, name: str) -> Path:
        if self.paths:
            df = pl.concat([pl.read_parquet(p) for p in self.paths], how="vertical")
        else:
            df = pl.DataFrame(schema=self.columns)
        return ws.write_table(stage, name, df)


def conform(df: pl.DataFrame, columns: dict[str, pl.DataType]) -> pl.DataFrame:
    """Select exactly ``columns`` (in order, with their types), adding missing ones as nulls."""
    exprs = []
    for name, dtype in columns.items():
        if name in df.columns:
            exprs.append(pl.col(name).cast(dtype))
        else:
            exprs.append(pl.lit(None, dtype=dtype).alias(name))
    extra = [c for c in df.columns if c not in columns]
    return df.select(exprs + [pl.col(c) for c in extra])


def _text_expr(schema: Schema) -> pl.Expr:
    """Fingerprint text: text fields in schema order, then turns as `role: content` lines."""
    parts = [pl.col(name) for name in schema.text_fields()]
    turns_text = (
        pl.col("turns")
        .list.eval(
            pl.concat_str(
                [pl.element().struct.field("role"), pl.element().struct.field("content")],
                separator=": ",
            )
        )
        .list.join("\n")
    )
    joined = pl.concat_str([*parts, pl.when(pl.col("turns").list.len() > 0).then(turns_text)],
                           separator="\n\n", ignore_nulls=True)
    return joined.fill_null("")


def add_text_and_hash(df: pl.DataFrame, schema: Schema) -> pl.DataFrame:
    df = df.with_columns(_text_expr(schema).alias("text"))
    hashes = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in df["text"].to_list()]
    return df.with_columns(pl.Series("content_hash", hashes, dtype=pl.String))


class _FileIngester:
    """Candidates -> validated, normalized records and rejects, one batch at a time."""

    def __init__(self, schema: Schema, file: str, layout_name: str, max_chars: int) -> None:
        self.schema, self.file, self.layout_name = schema, file, layout_name
        self.model = record_model(schema)
        self.columns = record_columns(schema)
        self.max_chars = max_chars

    def process(self, cands: list[Candidate], required: list[str]) -> _Batch:
        good: list[dict[str, Any]] = []
        rejects: list[dict[str, Any]] = []
        for c in cands:
            rid = record_id(self.file, c.locator)
            meta = {
                "record_id": rid,
                "source": f"{self.file}:{c.line}",
                "source_file": self.file,
                "source_line": c.line,
                "n_rows": c.n_rows,
            }
            if c.error is not None:
                rejects.append({**meta, "reason": c.error[0], "message": c.error[1], "raw": c.raw})
                continue
            values, problem = validate_values(self.model, self.schema, c.values)
            if values is None:
                rejects.append({**meta, "reason": "bad_type", "message": problem, "raw": c.raw})
                continue
            good.append({**meta, **values, "turns": c.turns, "group": c.group, "raw": c.raw})
        recs = self._normalize(good)
        recs, late_rejects = self._check(recs, required)
        rej = pl.DataFrame(rejects, schema=REJECT_SCHEMA) if rejects else pl.DataFrame(schema=REJECT_SCHEMA)
        return _Batch(recs, pl.concat([rej, late_rejects], how="vertical"))

    def _normalize(self, rows: list[dict[str, Any]]) -> pl.DataFrame:
        schema_cols = {**self.columns, "raw": pl.String()}
        if not rows:
            return pl.DataFrame(schema=schema_cols)
        df = pl.DataFrame(rows, schema={k: v for k, v in schema_cols.items() if k in rows[0]},
                          strict=False)
        exprs = []
        for name, spec in self.schema.fields.items():
            if spec.type == "string":
                steps = spec.normalize if spec.text else []
                expr = normalize_expr(pl.col(name), steps)
                exprs.append(pl.when(expr.str.len_chars() > 0).then(expr).alias(name))
        content = normalize_expr(pl.element().struct.field("content"), ["html"])
        exprs.append(
            pl.col("turns")
            .list.eval(pl.struct(pl.element().struct.field("role"), content.alias("content")))
            .list.eval(pl.element().filter(pl.element().struct.field("content").str.len_chars() > 0))
            .alias("turns")
        )
        df = df.with_columns(exprs)
        group_col = self.schema.group_field
        fallback = pl.col(group_col) if group_col else pl.lit(None, dtype=pl.String)
        return df.with_columns(
            pl.lit(self.schema.name).alias("schema"),
            pl.lit(self.layout_name).alias("layout"),
            pl.coalesce(pl.col("group"), fallback.cast(pl.String), pl.col("record_id")).alias("group"),
        )

    def _check(self, df: pl.DataFrame, required: list[str]) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Reject what normalization left unusable: required fields empty, no text, too large."""
        if df.height == 0:
            return df, pl.DataFrame(schema=REJECT_SCHEMA)
        text_cols = list(self.schema.text_fields())
        size = pl.sum_horizontal(
            [pl.col(c).str.len_bytes().fill_null(0) for c in text_cols]
            + [pl.col("turns").list.eval(pl.element().struct.field("content").str.len_bytes()).list.sum().fill_null(0)]
        )
        no_text = pl.all_horizontal([pl.col(c).is_null() for c in text_cols] + [pl.col("turns").list.len() == 0])
        reason = pl.lit(None, dtype=pl.String)
        message = pl.lit(None, dtype=pl.String)
        checks: list[tuple[pl.Expr, str, pl.Expr]] = []
        for name in required:
            checks.append((pl.col(name).is_null(), "missing_required",
                           pl.lit(f"required field '{name}' is missing or empty after normalization")))
        checks.append((no_text, "empty_text", pl.lit("no text left after normalization")))
        checks.append((size > self.max_chars, "too_large",
                       pl.format("record text is {} bytes; the schema's cap is {}", size,
                                 pl.lit(self.max_chars))))
        for cond, code, msg in reversed(checks):
            reason = pl.when(cond).then(pl.lit(code)).otherwise(reason)
            message = pl.when(cond).then(msg).otherwise(message)
        df = df.with_columns(reason.alias("_reason"), message.alias("_message"))
        bad = df.filter(pl.col("_reason").is_not_null()).select(
            "record_id", "source", "source_file", "source_line", "n_rows",
            pl.col("_reason").alias("reason"), pl.col("_message").alias("message"), "raw",
        )
        ok = df.filter(pl.col("_reason").is_null()).drop("_reason", "_message", "raw")
        return ok, conform(bad, REJECT_SCHEMA)


def _reader_rejects(file: str, batch: Any) -> pl.DataFrame:
    rows = [
        {
            "record_id": None,
            "source": f"{file}:{r.line}",
            "source_file": file,
            "source_line": r.line,
            "n_rows": 1,
            "reason": r.reason,
            "message": r.message,
            "raw": r.raw[:500],
        }
        for r in batch.rejects
    ]
    return pl.DataFrame(rows, schema=REJECT_SCHEMA) if rows else pl.DataFrame(schema=REJECT_SCHEMA)


def _check_not_inside_inputs(workspace: Path, files: Sequence[Path], paths: Sequence[str]) -> None:
    ws = workspace.resolve()
    for p in paths:
        base = Path(p)
        if base.is_dir() and (ws == base.resolve() or base.resolve() in ws.parents):
            raise UsageError(
                f"workspace {workspace} is inside the input directory {p}; ingest never writes into its inputs",
                hint="choose a workspace outside the input paths with -w",
            )
    for f in files:
        if f.resolve() == ws:
            raise UsageError(f"workspace {workspace} is an input file")


def ingest(
    paths: Sequence[str | os.PathLike[str]],
    schema: str | Path | Schema,
    workspace: str | os.PathLike[str] | Workspace = "curate-work",
    *,
    rules: str | Path | None = "default",
    encoding: str | None = None,
    batch_size: int = 10_000,
    langid_backend: str | None = None,
    progress: ProgressFn | None = None,
) -> StageResult:
    """Read raw files into the workspace's ingest tables; see docs/workspace.md for what it writes."""
    from curate.readers import discover, file_columns, read_file

    started = time.perf_counter()
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    schema_obj = schema if isinstance(schema, Schema) else load_schema(schema)
    pack = None
    if rules is not None:
        from curate.rules import load_rule_pack

        pack = load_rule_pack(rules)
    if batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1, got {batch_size}")
    str_paths = [str(p) for p in paths]
    if not str_paths:
        raise UsageError("no input paths given")
    files = discover(str_paths)
    _check_not_inside_inputs(ws.path, files, str_paths)

    # Fail fast on unusable files (no layout, missing required column) before writing anything.
    plans = []
    warnings: list[str] = []
    for f in files:
        cols = file_columns(f, encoding=encoding)
        name = display_path(f)
        if not cols:
            plans.append((f, name, None, {}))
            continue
        layout = choose_layout(schema_obj, cols, name)
        plans.append((f, name, layout, resolve_fields(schema_obj, layout, cols, name)))

    ws.create()
    stage_dir = ws.stage_dir("ingest")
    tmp_root = stage_dir / ".parts"
    shutil.rmtree(tmp_root, ignore_errors=True)
    columns = record_columns(schema_obj)
    rec_parts = _Parts(tmp_root, "records", columns)
    filt_parts = _Parts(tmp_root, "filtered", {**columns, "reason": pl.String(), "detail": pl.String()})
    rej_parts = _Parts(tmp_root, "rejects", REJECT_SCHEMA)
    rule_stats: list[dict[str, Any]] = []
    file_stats: dict[str, FileStats] = {}
    t_rules = 0.0
    for f, name, layout, mapping in plans:
        fs = file_stats.setdefault(name, FileStats(sha256=sha256_file(f)))
        if layout is None:
            msg = f"{name}: empty file or header only; 0 records"
            fs.warnings.append(msg)
            warnings.append(msg)
            continue
        fs.layout = layout.name
        mapper = LayoutMapper(schema_obj, layout, mapping, name)
        worker = _FileIngester(schema_obj, name, layout.name, schema_obj.max_record_chars)
        required = schema_obj.required_fields(layout)
        size = f.stat().st_size

        def handle(cands: list[Candidate]) -> None:
            nonlocal t_rules
            if not cands:
                return
            out = worker.process(cands, required)
            rej_parts.add(out.rejects)
            fs.rejected += int(out.rejects["n_rows"].sum() or 0) if out.rejects.height else 0
            recs = out.records
            if pack is not None and recs.height:
                t0 = time.perf_counter()
                from curate.rules import apply_rules

                res = apply_rules(recs, pack, schema_obj.text_fields(), langid_backend=langid_backend)
                t_rules += time.perf_counter() - t0
                rule_stats.append(res.stats)
                kept, filtered = res.kept, res.filtered
                if filtered.height:
                    filt_parts.add(add_text_and_hash(conform(filtered, {**columns, "reason": pl.String(), "detail": pl.String()}), schema_obj))
                    fs.filtered += int(filtered["n_rows"].sum() or 0)
            else:
                kept = recs
            kept = add_text_and_hash(conform(kept, columns), schema_obj)
            rec_parts.add(kept)
            fs.records += int(kept["n_rows"].sum() or 0) if kept.height else 0

        for batch in read_file(f, encoding=encoding, batch_size=batch_size):
            fs.rows_read += len(batch.rows) + len(batch.rejects)
            bad = _reader_rejects(name, batch)
            rej_parts.add(bad)
            fs.rejected += bad.height
            handle(list(mapper.feed(batch.rows, batch.lines, batch.locators)))
            if progress is not None:
                progress(name, fs.rows_read, size)
        handle(list(mapper.finish()))
        if fs.rows_read == 0:
            msg = f"{name}: no data rows; 0 records"
            fs.warnings.append(msg)
            warnings.append(msg)

    outputs = {
        "records": str(rec_parts.finish(ws, "ingest", "records")),
        "rejects": str(rej_parts.finish(ws, "ingest", "rejects")),
        "filtered": str(filt_parts.finish(ws, "ingest", "filtered")),
    }
    shutil.rmtree(tmp_root, ignore_errors=True)
    from curate.workspace import atomic_path, write_json

    with atomic_path(stage_dir / "schema.toml") as tmp:
        assert schema_obj.source_path is not None
        shutil.copyfile(schema_obj.source_path, tmp)
    outputs["schema"] = str(stage_dir / "schema.toml")
    if pack is not None:
        outputs["rules"] = str(write_json(merge_stats(rule_stats), stage_dir / "rules.json"))

    result = _summarize(ws, file_stats, outputs, warnings)
    result.config = {
        "paths": str_paths,
        "schema": schema_obj.name,
        "schema_file": schema_obj.source_path,
        "rules": None if pack is None else getattr(pack, "name", str(rules)),
        "encoding": encoding,
        "batch_size": batch_size,
        "langid_backend": langid_backend,
    }
    result.inputs = {name: fs.sha256 for name, fs in file_stats.items()}
    result.timings = {"total_s": round(time.perf_counter() - started, 3), "rules_s": round(t_rules, 3)}
    ws.log_stage(result)
    return result


def _summarize(ws: Workspace, file_stats: dict[str, FileStats], outputs: dict[str, str],
               warnings: list[str]) -> StageResult:
    rejects = pl.read_parquet(outputs["rejects"])
    filtered = pl.read_parquet(outputs["filtered"])
    records = pl.read_parquet(outputs["records"], columns=["n_rows"])
    reasons: dict[str, dict[str, int]] = {
        "rejected": dict(sorted(_reason_counts(rejects, "reason").items())),
        "filtered": dict(sorted(_reason_counts(filtered, "reason").items())),
    }
    rows_read = sum(fs.rows_read for fs in file_stats.values())
    accounted = int(records["n_rows"].sum() or 0) + int(rejects["n_rows"].sum() or 0) + int(
        filtered["n_rows"].sum() or 0
    )
    counts = merge_counts(
        {"records": records.height, "rejected": rejects.height, "filtered": filtered.height,
         "rows_read": rows_read, "files": len(file_stats)}
    )
    if accounted != rows_read:
        warnings.append(f"accounting: {rows_read} rows read but {accounted} accounted for")
    return StageResult(
        stage="ingest",
        workspace=str(ws.path),
        counts=counts,
        reasons=reasons,
        outputs=outputs,
        warnings=warnings,
        extra={"files": {k: vars(v) for k, v in sorted(file_stats.items())},
               "accounting_ok": accounted == rows_read},
    )


def _reason_counts(df: pl.DataFrame, col: str) -> dict[str, int]:
    if df.height == 0:
        return {}
    counts = df.group_by(col).agg(pl.col("n_rows").count().alias("n"))
    return {str(k): int(v) for k, v in counts.iter_rows()}


def merge_stats(parts: list[Any], max_examples: int = 5) -> Any:
    """Merge per-batch rule statistics: numbers add up, example lists keep the first few."""
    if not parts:
        return {}
    first = parts[0]
    if isinstance(first, dict):
        keys = list(dict.fromkeys(k for p in parts if isinstance(p, dict) for k in p))
        return {k: merge_stats([p[k] for p in parts if isinstance(p, dict) and k in p], max_examples)
                for k in keys}
    if isinstance(first, bool) or not isinstance(first, int | float | list):
        return first
    if isinstance(first, list):
        return [x for p in parts for x in p][:max_examples]
    return sum(parts)


def iter_records(workspace: str | Path | Workspace) -> Iterator[dict[str, Any]]:
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    yield from ws.read_table("ingest", "records").iter_rows(named=True)
