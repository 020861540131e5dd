"""Per-chunk work: candidates -> validated, normalized, checked and rule-filtered records.

Everything ingest does after mapping rows to candidates, a chunk at a time, with no state kept
between chunks: the engine runs ``process_chunk`` wherever it likes (a thread, a process, a
Ray task) and the tables come out the same.
"""

from __future__ import annotations

import hashlib
import itertools
import operator
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from curate.ingest.layouts import Candidate
from curate.ingest.normalize import normalize_series, normalize_verbatim
from curate.ingest.tables import REJECT_SCHEMA, TURN_TYPE, conform, record_columns
from curate.ingest.types import validate_raw_columns
from curate.schema import Schema


def record_id(source_file: str, locator: str) -> str:
    return hashlib.sha256(f"{source_file}\x00{locator}".encode()).hexdigest()[:16]


def _record_ids(cands: Sequence[Candidate]) -> list[str]:
    """``record_id`` of each candidate; each file's prefix is hashed once and the hash state
    copied per record (the same digests, a fifth less CPU)."""
    out: list[str] = []
    for file, run in itertools.groupby(cands, key=operator.attrgetter("file")):
        copy = hashlib.sha256(f"{file}\x00".encode()).copy
        for c in run:
            h = copy()
            h.update(c.locator.encode())
            out.append(h.hexdigest()[:16])
    return out


@dataclass
class _Batch:
    records: pl.DataFrame
    rejects: pl.DataFrame


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
    joined = pl.concat_str(
        [*parts, pl.when(pl.col("turns").list.len() > 0).then(turns_text)],
        separator="\n\n",
        ignore_nulls=True,
    )
    return joined.fill_null("")


def add_text_and_hash(df: pl.DataFrame, schema: Schema) -> pl.DataFrame:
    df = df.with_columns(_text_expr(schema).alias("text"))
    hashes = _sha256_hex(df["text"])
    return df.with_columns(pl.Series("content_hash", hashes, dtype=pl.String))


def _sha256_hex(texts: pl.Series) -> list[str]:
    """SHA-256 of each string's UTF-8 bytes (no nulls), hashed straight from the Arrow buffer:
    no Python string, and no encoded copy, per record."""
    import pyarrow as pa

    arr = texts.cast(pl.Binary).to_arrow()
    if isinstance(arr, pa.ChunkedArray):
        arr = pa.concat_arrays(arr.chunks) if arr.num_chunks else pa.array([], pa.large_binary())
    if arr.type != pa.large_binary():
        arr = arr.cast(pa.large_binary())
    if not len(arr):
        return []
    _validity, offsets_buf, data_buf = arr.buffers()
    offsets = memoryview(offsets_buf).cast("q")[arr.offset : arr.offset + len(arr) + 1].tolist()
    data = memoryview(data_buf) if data_buf is not None else memoryview(b"")
    sha256 = hashlib.sha256
    return [sha256(data[a:b]).hexdigest() for a, b in itertools.pairwise(offsets)]


class _BatchProcessor:
    """Candidates (from any files) -> validated, normalized records and rejects, a batch at a time.

    Validation is one pydantic-core call per batch; the frame is built column by column and
    normalized in Polars, so the per-record Python work is only the layout mapping.
    """

    def __init__(self, schema: Schema, max_chars: int) -> None:
        self.schema = schema
        self.columns = record_columns(schema)
        self.max_chars = max_chars
        self.required_by_layout: dict[str, tuple[str, ...]] = {}

    def process(self, cands: list[Candidate]) -> _Batch:
        rejects: list[dict[str, Any]] = []
        ok: list[Candidate] = []
        for c in cands:
            if c.error is not None:
                rejects.append(self._reject(c, *c.error))
            else:
                ok.append(c)
        columns, problems = validate_raw_columns(self.schema, self._raw_columns(ok))
        for i, msg in problems.items():
            rejects.append(self._reject(ok[i], "bad_type", msg))
        kept = ok
        if problems:
            keep = pl.Series([i not in problems for i in range(len(ok))])
            columns = {k: v.filter(keep) for k, v in columns.items()}
            kept = [c for i, c in enumerate(ok) if i not in problems]
        recs = self._frame(kept, columns)
        recs, late = self._check(recs, kept)
        rej = (
            pl.DataFrame(rejects, schema=REJECT_SCHEMA)
            if rejects
            else pl.DataFrame(schema=REJECT_SCHEMA)
        )
        return _Batch(recs, pl.concat([rej, late], how="vertical"))

    def _raw_columns(self, cands: list[Candidate]) -> dict[str, list[Any]]:
        """Each schema field's raw values, one per candidate. Runs of candidates that share a
        ``RowShape`` (CSV rows) are read straight from their cell lists, without a dict per row."""
        raw: dict[str, list[Any]] = {name: [] for name in self.schema.fields}
        for shape, run in itertools.groupby(cands, key=operator.attrgetter("shape")):
            group = list(run)
            if shape is None:
                for name, col in raw.items():
                    col.extend([c.values.get(name) for c in group])
                continue
            rows: list[list[Any]] = [c.cells for c in group]  # type: ignore[misc]
            where = dict(shape.fields)
            for name, col in raw.items():
                i = where.get(name)
                # one pass per column; zip(*rows) would make an iterator per row, and as many
                # tracked objects set off the garbage collector over every live candidate
                col.extend([r[i] for r in rows] if i is not None else [None] * len(rows))
        return raw

    @staticmethod
    def _reject(c: Candidate, reason: str, message: str) -> dict[str, Any]:
        return {
            "record_id": record_id(c.file, c.locator),
            "source": f"{c.file}:{c.line}",
            "source_file": c.file,
            "source_line": c.line,
            "n_rows": c.n_rows,
            "reason": reason,
            "message": message,
            "raw": c.raw_text()[:500],
        }

    def _frame(self, kept: list[Candidate], fields: dict[str, pl.Series]) -> pl.DataFrame:
        files = [c.file for c in kept]
        lines = [c.line for c in kept]
        layouts = [c.layout for c in kept]
        cols: dict[str, list[Any]] = {
            "record_id": _record_ids(kept),
            "source": [f"{f}:{n}" for f, n in zip(files, lines, strict=True)],
            "source_file": files,
            "source_line": lines,
            "n_rows": [c.n_rows for c in kept],
            "layout": layouts,
            "group": [c.group for c in kept],
            "_idx": list(range(len(kept))),
        }
        self.required_by_layout.update(zip(layouts, [c.required for c in kept], strict=True))
        has_turns = any(c.turns for c in kept)
        if has_turns:
            cols["turns"] = [c.turns or [] for c in kept]  # () where a candidate has none
        types = {**self.columns, "_idx": pl.Int64()}
        series = {k: pl.Series(k, v, dtype=types[k], strict=False) for k, v in cols.items()}
        df = pl.DataFrame({**series, **fields})
        if not has_turns:
            df = df.with_columns(pl.lit([], dtype=TURN_TYPE).alias("turns"))
        updates = []
        for name, spec in self.schema.fields.items():
            if spec.type == "string" and spec.verbatim:
                norm = normalize_verbatim(df[name])
                updates.append(pl.when(norm.str.len_chars() > 0).then(norm).alias(name))
            elif spec.type == "string":
                norm = normalize_series(df[name], spec.normalize if spec.text else [])
                updates.append(pl.when(norm.str.len_chars() > 0).then(norm).alias(name))
            if spec.default is not None:
                updates.append(
                    pl.col(name).fill_null(pl.lit(spec.default).cast(self.columns[name]))
                )
        if updates:
            df = df.with_columns(updates[: len(updates)])
        if has_turns:
            df = df.with_columns(normalize_turns(df["turns"]))
        group_col = self.schema.group_field
        fallback = pl.col(group_col).cast(pl.String) if group_col else pl.lit(None, dtype=pl.String)
        return df.with_columns(
            pl.lit(self.schema.name).alias("schema"),
            pl.coalesce(pl.col("group"), fallback, pl.col("record_id")).alias("group"),
        )

    def _check(self, df: pl.DataFrame, cands: list[Candidate]) -> tuple[pl.DataFrame, pl.DataFrame]:
        """Reject what normalization left unusable: required fields empty, no text, too large."""
        if df.height == 0:
            return df.drop("_idx"), pl.DataFrame(schema=REJECT_SCHEMA)
        text_cols = list(self.schema.text_fields())
        turn_bytes = (
            pl.col("turns")
            .list.eval(pl.element().struct.field("content").str.len_bytes())
            .list.sum()
        )
        size = pl.sum_horizontal(
            [pl.col(c).str.len_bytes().fill_null(0) for c in text_cols] + [turn_bytes.fill_null(0)]
        )
        no_text = pl.all_horizontal(
            [pl.col(c).is_null() for c in text_cols] + [pl.col("turns").list.len() == 0]
        )
        checks: list[tuple[pl.Expr, str, pl.Expr]] = []
        for name in self.schema.fields:
            layouts = [lay for lay, req in self.required_by_layout.items() if name in req]
            if not layouts:
                continue
            needed = pl.col("layout").is_in(layouts)
            checks.append(
                (
                    needed & pl.col(name).is_null(),
                    "missing_required",
                    pl.lit(f"required field '{name}' is missing or empty after normalization"),
                )
            )
        checks.append((no_text, "empty_text", pl.lit("no text left after normalization")))
        checks.append(
            (
                size > self.max_chars,
                "too_large",
                pl.format(
                    "record text is {} bytes; the schema's cap is {}", size, pl.lit(self.max_chars)
                ),
            )
        )
        reason = pl.lit(None, dtype=pl.String)
        message = pl.lit(None, dtype=pl.String)
        for cond, code, msg in reversed(checks):
            reason = pl.when(cond).then(pl.lit(code)).otherwise(reason)
            message = pl.when(cond).then(msg).otherwise(message)
        df = df.with_columns(reason.alias("_reason"), message.alias("_message"))
        bad = df.filter(pl.col("_reason").is_not_null())
        rejects = [
            self._reject(cands[i], r, m)
            for i, r, m in zip(
                bad["_idx"].to_list(),
                bad["_reason"].to_list(),
                bad["_message"].to_list(),
                strict=True,
            )
        ]
        ok = df.filter(pl.col("_reason").is_null()).drop("_reason", "_message", "_idx")
        rej = (
            pl.DataFrame(rejects, schema=REJECT_SCHEMA)
            if rejects
            else pl.DataFrame(schema=REJECT_SCHEMA)
        )
        return ok, rej


def normalize_turns(turns: pl.Series) -> pl.Series:
    """Normalize every turn's content (HTML too); drop turns left empty."""
    flat = pl.DataFrame({"turns": turns}).with_row_index("_r").explode("turns")
    flat = flat.with_columns(
        pl.col("turns").struct.field("role").alias("role"),
        pl.col("turns").struct.field("content").alias("content"),
    )
    content = normalize_series(flat["content"], ["html"])
    flat = flat.with_columns(content.alias("content")).filter(pl.col("content").str.len_chars() > 0)
    rebuilt = flat.group_by("_r", maintain_order=True).agg(
        pl.struct("role", "content").alias("turns")
    )
    out = (
        pl.DataFrame({"_r": pl.arange(0, turns.len(), eager=True, dtype=pl.UInt32)})
        .join(rebuilt, on="_r", how="left", maintain_order="left")
        .with_columns(pl.col("turns").fill_null(pl.lit([], dtype=TURN_TYPE)))
    )
    return out["turns"].cast(TURN_TYPE).alias("turns")


@dataclass
class ChunkOut:
    """One chunk of candidates after validation, normalization and the rule pack."""

    records: pl.DataFrame
    filtered: pl.DataFrame
    rejects: pl.DataFrame
    stats: dict[str, Any] | None
    rules_s: float


def process_chunk(
    processor: _BatchProcessor,
    pack: Any,
    cands: list[Candidate],
    langid_backend: str | None,
) -> ChunkOut:
    """Everything ingest does to one chunk after mapping; the same in every process and engine."""
    schema = processor.schema
    columns = processor.columns
    out = processor.process(cands)
    kept = out.records
    filtered_cols = {**columns, "reason": pl.String(), "detail": pl.String()}
    filtered = pl.DataFrame(schema=filtered_cols)
    stats = None
    rules_s = 0.0
    if pack is not None and kept.height:
        from curate.rules import apply_rules

        t0 = time.perf_counter()
        res = apply_rules(kept, pack, schema.text_fields(), langid_backend=langid_backend)
        rules_s = time.perf_counter() - t0
        stats = res.stats
        kept = res.kept
        if res.filtered.height:
            filtered = add_text_and_hash(conform(res.filtered, filtered_cols), schema)
    records = add_text_and_hash(conform(kept, columns), schema)
    return ChunkOut(records, filtered, out.rejects, stats, rules_s)
