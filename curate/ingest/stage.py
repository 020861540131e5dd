"""The ingest stage: raw files -> validated, normalized, rule-checked records in the workspace.

Per file: pick the schema layout its columns fit, map rows to candidates (curate.mapping),
validate each with the schema's Pydantic model, normalize text columns in Polars, reject what
is unusable (with reason and file:line), apply the rule pack, and write the batch as a Parquet
part. Parts are concatenated at the end, so memory is bounded by the batch size (thread
layouts, which must see all rows of a file, hold that file's mapped rows).
"""

from __future__ import annotations

import collections
import contextlib
import hashlib
import itertools
import multiprocessing
import operator
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from curate.errors import UsageError
from curate.ingest_types import POLARS_TYPES, validate_raw_columns
from curate.mapping import Candidate, LayoutMapper, choose_layout, resolve_fields
from curate.normalize import normalize_series
from curate.schema import Layout, Schema, load_schema
from curate.workspace import (
    ROW_GROUP_SIZE,
    StageResult,
    Workspace,
    merge_counts,
    stage_guard,
)

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


class _TableWriter:
    """One workspace table written as batches arrive, in row groups of ROW_GROUP_SIZE.

    Appending row groups to one open Parquet file avoids writing numbered parts and then
    decoding and re-encoding them all into the table. Row groups are cut at fixed row counts,
    so the file is the same whatever the batch size or number of workers.
    """

    def __init__(self, tmp_root: Path, name: str, columns: dict[str, pl.DataType]) -> None:
        import pyarrow.parquet as pq

        tmp_root.mkdir(parents=True, exist_ok=True)
        self.tmp = tmp_root / f"{name}.parquet"
        self.columns = columns
        self.schema = pl.DataFrame(schema=columns).to_arrow().schema
        self.writer = pq.ParquetWriter(
            self.tmp,
            self.schema,
            compression="zstd",
            compression_level=1,
            write_statistics=False,
        )
        self.pending: list[pl.DataFrame] = []
        self.pending_rows = 0
        self.rows = 0
        # Encoding runs on a thread (pyarrow releases the GIL), overlapping the next batch's
        # Python work; one thread keeps the row groups in order, two in flight bound memory.
        self._io = ThreadPoolExecutor(1, thread_name_prefix="curate-write")
        self._inflight: collections.deque[Future[None]] = collections.deque()

    def add(self, df: pl.DataFrame) -> None:
        if df.height == 0:
            return
        self.pending.append(conform(df, self.columns))
        self.pending_rows += df.height
        self.rows += df.height
        while self.pending_rows >= ROW_GROUP_SIZE:
            self._write(ROW_GROUP_SIZE)

    def _write(self, rows: int) -> None:
        buffered = pl.concat(self.pending, how="vertical", rechunk=False)
        group, rest = buffered.slice(0, rows), buffered.slice(rows)
        # one chunk per column: Parquet pages (and the dictionary fallback) are cut per Arrow
        # chunk, so chunks shaped by the batches would make the bytes depend on --batch-size
        table = group.to_arrow().combine_chunks()
        if table.schema != self.schema:
            table = table.cast(self.schema)
        self._inflight.append(self._io.submit(self.writer.write_table, table, row_group_size=rows))
        while len(self._inflight) > 2:
            self._inflight.popleft().result()
        self.pending = [rest] if rest.height else []
        self.pending_rows = rest.height

    def _drain(self) -> None:
        while self._inflight:
            self._inflight.popleft().result()

    def finish(self, ws: Workspace, stage: str, name: str) -> Path:
        if self.pending_rows:
            self._write(self.pending_rows)
        self._drain()
        self._io.shutdown()
        self.writer.close()
        target = ws.table_path(stage, name)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(self.tmp, target)
        return target

    def close(self) -> None:
        """Abandon the table (after an error); the partial file is left in the parts folder."""
        with contextlib.suppress(Exception):
            self._drain()
        self._io.shutdown()
        self.writer.close()


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
            if spec.type == "string":
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


def sort_rejects(ws: Workspace, files: Sequence[str]) -> pl.DataFrame:
    """Put ingest/rejects.parquet in input order, and return it: by file (as ``files`` lists
    them), line, then ``record_id`` (reader rejects, which have none, first, in reading order).

    Rejects arrive per reader batch and per processed chunk, and a chunk lists its rejects
    check by check, so the order they were written in depends on where batches were cut.
    Both engines pass through here (``_summarize``), so their tables stay the same bytes."""
    path = ws.table_path("ingest", "rejects")
    df = pl.read_parquet(path).with_row_index("_pos")
    rank = {name: i for i, name in enumerate(files)}
    file_rank = pl.col("source_file").replace_strict(rank, default=len(rank), return_dtype=pl.Int64)
    order = df.with_columns(file_rank.alias("_file")).sort(
        ["_file", "source_file", "source_line", "record_id", "_pos"], nulls_last=False
    )
    out = order.drop("_pos", "_file")
    if not order["_pos"].is_sorted():
        tmp_root = path.parent / ".sort"
        table = _TableWriter(tmp_root, "rejects", REJECT_SCHEMA)
        table.add(out)
        table.finish(ws, "ingest", "rejects")
        shutil.rmtree(tmp_root, ignore_errors=True)
    return out


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


_WORKER: dict[str, Any] = {}


def _worker_init(schema: Schema, pack: Any, langid_backend: str | None) -> None:
    _WORKER.update(
        processor=_BatchProcessor(schema, schema.max_record_chars), pack=pack, langid=langid_backend
    )


def _worker_chunk(cands: list[Candidate]) -> dict[str, Any]:
    """Process one chunk in a worker process; the frames travel back as Arrow IPC (pickle)."""
    return _chunk_result(_WORKER["processor"], _WORKER["pack"], cands, _WORKER["langid"])


def _chunk_result(
    processor: _BatchProcessor, pack: Any, cands: list[Candidate], langid_backend: str | None
) -> dict[str, Any]:
    """``process_chunk`` as the dict that ``ingest`` drains, from a worker or a thread."""
    res = process_chunk(processor, pack, cands, langid_backend)
    return {
        "frames": {"rejects": res.rejects, "filtered": res.filtered, "records": res.records},
        "stats": res.stats,
        "rules_s": res.rules_s,
        "required": dict(processor.required_by_layout),
    }


Plan = tuple[Path, str, Layout | None, dict[str, str]]  # file, display name, layout, mapping


def candidate_events(
    plans: Sequence[Plan],
    schema: Schema,
    *,
    encoding: str | None,
    batch_size: int,
    file_stats: dict[str, FileStats],
    warnings: list[str],
    progress: ProgressFn | None = None,
) -> Iterator[tuple[str, Any]]:
    """The read loop both engines share: ``("rejects", frame)`` for each reader batch, and
    ``("chunk", candidates)`` every ``batch_size`` candidates, in input order.

    Where chunks are cut decides the output's order, so one loop keeps the engines identical.
    ``file_stats`` and ``warnings`` are filled in as files are read.
    """
    buffer: list[Candidate] = []
    with ThreadPoolExecutor(1, thread_name_prefix="curate-sha256") as hasher:
        yield from _read_plans(
            plans, schema, encoding, batch_size, file_stats, warnings, progress, buffer, hasher
        )
    if buffer:
        yield "chunk", buffer


def _read_plans(
    plans: Sequence[Plan],
    schema: Schema,
    encoding: str | None,
    batch_size: int,
    file_stats: dict[str, FileStats],
    warnings: list[str],
    progress: ProgressFn | None,
    buffer: list[Candidate],
    hasher: ThreadPoolExecutor,
) -> Iterator[tuple[str, Any]]:
    """``candidate_events``' loop; ``buffer`` keeps the last, partial chunk for the caller.
    Each input's SHA-256 is computed on ``hasher`` while the file is read (hashlib releases
    the GIL on large blocks)."""
    from curate.input_walk import sha256_or_empty
    from curate.readers import read_or_reject, read_unmapped

    def note(batch: Any) -> None:  # reader warnings about the file (nothing lost)
        for w in batch.warnings:
            fs.warnings.append(f"{name}: {w}")
            warnings.append(f"{name}: {w}")

    for f, name, maybe_layout, mapping in plans:
        digest = hasher.submit(sha256_or_empty, f)
        fs = file_stats.setdefault(name, FileStats())
        if maybe_layout is None:  # no record with a field: rejects only, or truly empty
            for batch in read_unmapped(f, encoding=encoding, batch_size=batch_size):
                fs.rows_read += len(batch.rejects)
                note(batch)
                yield "rejects", _reader_rejects(name, batch)
            fs.sha256 = digest.result()
            if fs.rows_read == 0:
                msg = f"{name}: empty file or header only; 0 records"
                fs.warnings.append(msg)
                warnings.append(msg)
            continue
        layout = maybe_layout
        fs.layout = layout.name
        required = tuple(schema.required_fields(layout))
        mapper = LayoutMapper(schema, layout, mapping, name, required)
        size = f.stat().st_size
        cells = layout.kind == "rows"  # CSV rows as cell lists: no dict per row
        batches = read_or_reject(f, encoding=encoding, batch_size=batch_size, row_lists=cells)
        for batch in itertools.chain(batches, [None]):
            if batch is not None:
                note(batch)
            if batch is not None and batch.row_lists:
                fs.rows_read += len(batch.rows) + len(batch.rejects)
                yield "rejects", _reader_rejects(name, batch)
                made = mapper.feed_cells(batch.rows, batch.lines, batch.locators, batch.columns)
                start, full = 0, max(1, batch_size)  # the same cuts as appending one by one
                while len(buffer) + len(made) - start >= full:
                    cut = start + full - len(buffer)
                    buffer.extend(made[start:cut])
                    start = cut
                    yield "chunk", list(buffer)
                    buffer.clear()
                buffer.extend(made[start:])
                if progress is not None:
                    progress(name, fs.rows_read, size)
                continue
            if batch is None:
                cands = mapper.finish()
            else:
                fs.rows_read += len(batch.rows) + len(batch.rejects)
                yield "rejects", _reader_rejects(name, batch)
                cands = mapper.feed(batch.rows, batch.lines, batch.locators)
            for c in cands:
                c.file, c.layout, c.required = name, layout.name, required
                buffer.append(c)
                if len(buffer) >= batch_size:
                    yield "chunk", list(buffer)
                    buffer.clear()
            if batch is not None and progress is not None:
                progress(name, fs.rows_read, size)
        fs.sha256 = digest.result()
        if fs.rows_read == 0:
            msg = f"{name}: no data rows; 0 records"
            fs.warnings.append(msg)
            warnings.append(msg)


PARALLEL_MIN_BYTES = 32 << 20
CHUNK_THREADS = 2  # chunks processed at once in this process (bench_ingest: 2 beat 1 and 3)


def _make_pool(
    workers: int | None, plans: list[Any], schema: Schema, pack: Any, langid_backend: str | None
) -> ProcessPoolExecutor | None:
    """A spawn-based pool (Polars is not fork-safe), or None to work in this process (on a
    thread beside the reader: see ``ingest``)."""
    if workers is None:
        # On two cores one process wins: Polars and the language-ID threads already use both,
        # and the reader's process would share a core with the workers (bench_ingest).
        size = sum(f.stat().st_size for f, *_ in plans)
        cpus = os.cpu_count() or 1
        workers = min(cpus, 4) if size >= PARALLEL_MIN_BYTES and cpus > 2 else 1
    if workers < 1:
        raise UsageError(f"--workers must be at least 1, got {workers}")
    if workers == 1:
        return None
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=multiprocessing.get_context("spawn"),
        initializer=_worker_init,
        initargs=(schema, pack, langid_backend),
    )


@stage_guard("ingest")  # workspace lock held while it runs
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
    workers: int | None = None,
) -> StageResult:
    """Read raw files into the workspace's ingest tables; see docs/workspace.md for what it writes.

    ``workers``: processes for validation, normalization and rules (default: up to 4 on
    machines with more than two cores, when the input is large enough to repay their start-up).
    Output is identical for any number.
    """
    from curate.input_walk import named_explicitly
    from curate.readers import UnreadableFile, discover, file_columns

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
    warnings: list[str] = []
    files = discover(str_paths, warnings)
    _check_not_inside_inputs(ws.path, files, str_paths)

    # Fail fast on unusable files (no layout, missing required column) before writing anything.
    plans: list[Plan] = []
    for f in files:
        try:
            cols = file_columns(f, encoding=encoding)
        except UnreadableFile:
            if named_explicitly(f, str_paths):
                raise
            cols = []  # found in a folder: read_unmapped makes it one reject for the file
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
    rec_parts = _TableWriter(tmp_root, "records", columns)
    filt_parts = _TableWriter(
        tmp_root, "filtered", {**columns, "reason": pl.String(), "detail": pl.String()}
    )
    rej_parts = _TableWriter(tmp_root, "rejects", REJECT_SCHEMA)
    rule_stats: list[dict[str, Any]] = []
    file_stats: dict[str, FileStats] = {}
    t_rules = 0.0
    worker = _BatchProcessor(schema_obj, schema_obj.max_record_chars)

    pool = _make_pool(workers, plans, schema_obj, pack, langid_backend)
    # Without worker processes chunks are processed on threads while the next one is read:
    # reading and mapping are Python (they hold the GIL), while validation, normalization and
    # the rules are mostly Polars and the language-ID process, which leave it free. Two
    # chunks at once: one chunk's single-threaded steps overlap the other's parallel ones.
    local = None
    in_flight = 2 * (workers or 2)
    if pool is None:
        in_flight = CHUNK_THREADS if (os.cpu_count() or 1) > 1 else 1
        local = ThreadPoolExecutor(in_flight, thread_name_prefix="curate-chunk")
    # In-order slots: a reader-reject frame, or a chunk (done, or running in a worker). Draining
    # them in order makes the parts, and so the tables, identical whatever the worker count.
    slots: list[tuple[str, Any]] = []

    def drain(keep: int) -> None:
        nonlocal t_rules
        while len(slots) > keep or (slots and slots[0][0] == "rejects"):
            kind, item = slots.pop(0)
            if kind == "rejects":
                rej_parts.add(item)
                continue
            done = item.result()
            worker.required_by_layout.update(done["required"])
            t_rules += done["rules_s"]
            if done["stats"] is not None:
                rule_stats.append(done["stats"])
            rej_parts.add(done["frames"]["rejects"])
            filt_parts.add(done["frames"]["filtered"])
            rec_parts.add(done["frames"]["records"])

    def flush(chunk: list[Candidate]) -> None:
        if pool is not None:
            slots.append(("chunk", pool.submit(_worker_chunk, chunk)))
        else:
            assert local is not None
            job = local.submit(_chunk_result, worker, pack, chunk, langid_backend)
            slots.append(("chunk", job))
        drain(keep=in_flight)

    events = candidate_events(
        plans,
        schema_obj,
        encoding=encoding,
        batch_size=batch_size,
        file_stats=file_stats,
        warnings=warnings,
        progress=progress,
    )
    try:
        for kind, item in events:
            if kind == "chunk":
                flush(item)
            else:
                slots.append(("rejects", item))
                drain(keep=in_flight)
        drain(keep=0)
    except BaseException:
        for table in (rec_parts, filt_parts, rej_parts):
            table.close()
        raise
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
        if local is not None:
            local.shutdown(cancel_futures=True)

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
    result.timings = {
        "total_s": round(time.perf_counter() - started, 3),
        "rules_s": round(t_rules, 3),
    }
    ws.log_stage(result)
    return result


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


def iter_records(workspace: str | Path | Workspace) -> Iterator[dict[str, Any]]:
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    yield from ws.read_table("ingest", "records").iter_rows(named=True)
