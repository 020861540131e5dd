"""The ingest tables: their columns, and a writer that streams a table in fixed row groups.

Row groups are cut at fixed row counts and rejects are put in input order at the end, so the
files are the same bytes whatever the batch size, the number of workers or the engine.
"""

from __future__ import annotations

import collections
import contextlib
import os
import shutil
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import polars as pl

from curate.ingest.types import POLARS_TYPES
from curate.schema import Schema
from curate.workspace import ROW_GROUP_SIZE, Workspace

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
