"""What export reads: the ingested records dedupe kept, a row group at a time, in ingest order.

Streaming keeps memory flat in the input size; dedupe's outcomes are read in lockstep with the
records when they line up (they do when dedupe wrote them), else joined from memory.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator, Sequence
from pathlib import Path

import polars as pl

from curate.errors import WorkspaceError
from curate.workspace import ROW_GROUP_SIZE, Workspace


def kept_records(ws: Workspace, columns: Sequence[str] | None = None) -> tuple[pl.DataFrame, bool]:
    """All kept records at once (``KeptBatches`` concatenated): for callers that want a frame."""
    source = KeptBatches(ws, columns)
    frames = list(source)
    if not frames:
        empty = ws.read_table("ingest", "records", lazy=True).select(source.columns).head(0)
        return empty.collect().with_columns(cluster_id=pl.lit(None, pl.Utf8)), source.deduped
    return pl.concat(frames, how="vertical_relaxed"), source.deduped


class KeptBatches:
    """Ingested records that dedupe kept (all of them if dedupe never ran), with cluster_id,
    one row group at a time and in ingest order; only ``columns`` (plus the bookkeeping ones)
    when given. Dedupe writes its outcomes in ingest order, so the two tables are read in
    lockstep; a dedupe table in another order is joined from memory instead."""

    def __init__(self, ws: Workspace, columns: Sequence[str] | None = None) -> None:
        import pyarrow.parquet as pq

        self.ws = ws
        self.path = ws.table_path("ingest", "records")
        if not self.path.exists():
            ws.read_table("ingest", "records")  # raises the missing-table error
        meta = pq.ParquetFile(self.path)
        have = meta.schema_arrow.names
        wanted = have if columns is None else ["record_id", "source", "group", "turns", *columns]
        self.columns = [c for c in dict.fromkeys(wanted) if c in have]
        self.total = meta.metadata.num_rows
        self.read = 0  # ingested rows read so far, for progress
        self.deduped = ws.has_table("dedupe", "outcomes")
        self.joined: pl.DataFrame | None = None
        if self.deduped:
            if ws.last_entry("dedupe") is None:
                raise WorkspaceError(
                    f"{ws.table_path('dedupe', 'outcomes')} is older than the last ingest",
                    hint=f"re-run `curate dedupe -w {ws.path}`, or delete {ws.stage_dir('dedupe')} "
                    "to export without deduplication",
                )
            if not self._aligned():
                self._join_in_memory()

    def _stream(self, path: Path, columns: list[str]) -> Iterator[pl.DataFrame]:
        """A table's columns a row group at a time (workspace tables have 16k-row groups;
        a bigger group is cut after reading). Whole row groups rather than iter_batches:
        with this pyarrow, iter_batches keeps each batch's buffers allocated until the end
        of the file (measured: +3.5 MB per 16k rows, so memory grew with input size)."""
        import pyarrow.parquet as pq

        reader = pq.ParquetFile(path)
        for group in range(reader.num_row_groups):
            table = reader.read_row_group(group, columns=columns, use_threads=False)
            if path == self.path:
                self.read += table.num_rows
            frame = pl.from_arrow(table)
            assert isinstance(frame, pl.DataFrame)
            del table
            for start in range(0, frame.height, ROW_GROUP_SIZE):
                yield frame.slice(start, ROW_GROUP_SIZE)

    def _aligned(self) -> bool:
        """Whether dedupe/outcomes has every record, in ingest order, with an outcome."""
        ded = self.ws.table_path("dedupe", "outcomes")
        records = self._stream(self.path, ["record_id"])
        outcomes = _rebatched(self._stream(ded, ["record_id", "outcome"]))
        next(outcomes)
        for frame in records:
            other = outcomes.send(frame.height)
            if other is None or other.height != frame.height:
                return False
            if not (frame["record_id"] == other["record_id"]).all():
                return False
            if other["outcome"].null_count():
                return False
        return outcomes.send(1) is None

    def _join_in_memory(self) -> None:
        ded = self.ws.read_table("dedupe", "outcomes").select("record_id", "outcome", "cluster_id")
        absent = (
            pl.scan_parquet(self.path)
            .select("record_id", "source")
            .join(ded.lazy(), on="record_id", how="left", maintain_order="left")
            .filter(pl.col("outcome").is_null())
            .select("source")
            .collect()
        )
        if absent.height:
            raise WorkspaceError(
                f"{absent.height:,} ingested records have no dedupe outcome "
                f"(first: {absent['source'][0]}); dedupe ran on other records",
                hint=f"re-run `curate dedupe -w {self.ws.path}`",
            )
        self.joined = ded

    def __iter__(self) -> Iterator[pl.DataFrame]:
        self.read = 0
        records = self._stream(self.path, self.columns)
        if not self.deduped:
            for frame in records:
                yield frame.with_columns(cluster_id=pl.lit(None, pl.Utf8))
            return
        if self.joined is not None:
            for frame in records:
                got = frame.join(self.joined, on="record_id", how="left", maintain_order="left")
                yield got.filter(pl.col("outcome") == "kept").drop("outcome")
            return
        ded = self.ws.table_path("dedupe", "outcomes")
        outcomes = _rebatched(self._stream(ded, ["outcome", "cluster_id"]))
        next(outcomes)
        for frame in records:
            other = outcomes.send(frame.height)
            assert other is not None and other.height == frame.height
            kept = other["outcome"] == "kept"
            yield frame.with_columns(other["cluster_id"]).filter(kept)


def _rebatched(frames: Iterator[pl.DataFrame]) -> Generator[pl.DataFrame | None, int, None]:
    """A generator sent row counts, answering with that many next rows (None when exhausted,
    fewer at the end): reads one table in step with another whose batches differ in size."""
    buffer: list[pl.DataFrame] = []
    have = 0
    want = yield None  # primed by the first send
    while True:
        while have < want:
            nxt = next(frames, None)
            if nxt is None:
                break
            buffer.append(nxt)
            have += nxt.height
        if have == 0:
            want = yield None
            continue
        joined = pl.concat(buffer) if len(buffer) > 1 else buffer[0]
        out, rest = joined.slice(0, want), joined.slice(want)
        buffer, have = ([rest] if rest.height else []), rest.height
        want = yield out
