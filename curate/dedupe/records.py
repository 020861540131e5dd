"""Reading ``ingest/records.parquet`` for dedupe: the fingerprinted text, exact-copy groups from
the content hashes, wanted rows in bounded batches, and an ordered thread map for the batches.
"""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.errors import UsageError, WorkspaceError
from curate.workspace import ROW_GROUP_SIZE

# columns every record has; the rest are the schema's field columns ("completeness")
BASE_COLUMNS = frozenset(
    (
        "record_id",
        "source",
        "source_file",
        "source_line",
        "n_rows",
        "schema",
        "layout",
        "group",
        "turns",
        "text",
        "content_hash",
        "language",
        "language_score",
        "pii",
    )
)


def release_free_memory() -> None:
    """Hand freed heap memory back to the OS (glibc's ``malloc_trim``; elsewhere a no-op).

    The fingerprinting and confirmation threads free many batch-sized arrays that glibc keeps
    in per-thread arenas; trimming after those steps lowers the peak of the steps that follow
    (by ~130 MB at a million records).
    """
    global _malloc_trim
    if _malloc_trim is None:
        try:
            import ctypes

            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim: Any = None


def text_bytes(path: Path) -> int:
    """Uncompressed size of the records' ``text`` column, from the Parquet footer alone."""
    import pyarrow.parquet as pq

    md = pq.read_metadata(path)
    return sum(
        rg.column(c).total_uncompressed_size
        for rg in (md.row_group(i) for i in range(md.num_row_groups))
        for c in range(rg.num_columns)
        if rg.column(c).path_in_schema == "text"
    )


def collect(lf: pl.LazyFrame) -> pl.DataFrame:
    """Collect in streamed chunks, so only the selected (small) columns are ever held whole."""
    parts = list(lf.collect_batches(chunk_size=1 << 16))
    return pl.concat(parts) if parts else lf.collect()


def read_keep_columns(lf: pl.LazyFrame, keep_cols: list[pl.Expr]) -> pl.DataFrame | None:
    """The keep policy's per-record columns (completeness, timestamp), or None if it needs none."""
    return collect(lf.select(keep_cols)) if keep_cols else None


HEX_KEY_COLUMNS = ["_k0", "_k1", "_hex"]


def hex_key(col: pl.Expr) -> list[pl.Expr]:
    """The first 128 bits of a hex content hash as two uint64 columns, and whether it is hex.

    Exact groups are then found by sorting integers (``first_of_keys``) instead of hashing a
    million 64-character strings, and the strings need not stay in memory.
    """
    col = col.cast(pl.String)
    half = [
        col.str.slice(16 * i, 16).str.to_integer(base=16, dtype=pl.UInt64, strict=False)
        for i in (0, 1)
    ]
    return [
        half[0].fill_null(0).alias("_k0"),
        half[1].fill_null(0).alias("_k1"),
        (col.str.contains("^[0-9a-f]{32}") | col.is_null()).alias("_hex"),
    ]


def first_rows(keys: pl.DataFrame, strings: Callable[[], pl.Series]) -> npt.NDArray[np.int64]:
    """Row number of the first record with the same exact key, for every record.

    ``keys`` holds ``hex_key``'s columns; when some key is not hex, the ``strings`` are
    grouped instead.
    """
    if keys["_hex"].all():
        return first_of_keys(keys["_k0"].to_numpy(), keys["_k1"].to_numpy())
    return group_first(strings().to_frame("exact"))


def first_of_keys(k0: npt.NDArray[np.uint64], k1: npt.NDArray[np.uint64]) -> npt.NDArray[np.int64]:
    """Row number of the first row with the same (k0, k1), for every row.

    One fast unstable sort on k0 finds the rows whose k0 repeats (exact copies, usually few);
    only those are sorted again by (k0, k1, row).
    """
    n = k0.size
    rep = np.arange(n, dtype=np.int64)
    if n < 2:
        return rep
    order = np.argsort(k0)
    s = k0[order]
    repeat = s[1:] == s[:-1]
    if not repeat.any():
        return rep
    shared = np.zeros(n, bool)
    shared[1:] |= repeat
    shared[:-1] |= repeat
    rows = np.sort(order[shared])
    rows = rows[np.lexsort((k1[rows], k0[rows]))]  # stable: rows ascend within a key
    a, b = k0[rows], k1[rows]
    new = np.ones(rows.size, bool)
    new[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    rep[rows] = rows[new][np.cumsum(new) - 1]
    return rep


def group_first(meta: pl.DataFrame) -> npt.NDArray[np.int64]:
    """Row number of the first record with the same exact key, for every record."""
    return (
        meta.with_row_index("i")
        .select(pl.col("i").min().over("exact"))["i"]
        .to_numpy()
        .astype(np.int64)
    )


def fingerprint_text(fields: list[str] | None, schema: pl.Schema, path: Path) -> pl.Expr:
    """The fingerprinted text: the whole record (``text``) or the chosen fields joined."""
    if not fields:
        if "text" not in schema:
            raise WorkspaceError(f"{path}: column 'text' is missing", hint="re-run `curate ingest`")
        return pl.col("text").fill_null("")
    parts = []
    for f in fields:
        if f not in schema:
            names = ", ".join(
                c for c in schema.names() if c not in BASE_COLUMNS - {"text", "turns"}
            )
            raise UsageError(
                f"fields: column '{f}' is not in {path.name}; columns are: {names}", param="fields"
            )
        dt = schema[f]
        if f == "turns" or (isinstance(dt, pl.List) and isinstance(dt.inner, pl.Struct)):
            e = (
                pl.col(f)
                .list.eval(
                    pl.concat_str(
                        pl.element().struct.field("role"),
                        pl.lit(": "),
                        pl.element().struct.field("content"),
                    )
                )
                .list.join("\n")
            )
        elif isinstance(dt, pl.List):
            e = pl.col(f).cast(pl.List(pl.String)).list.join(" ")
        else:
            e = pl.col(f).cast(pl.String)
        parts.append(e.fill_null(""))
    return pl.concat_str(parts, separator="\n\n")


T = TypeVar("T")


R = TypeVar("R")


def in_order(fn: Callable[[T], R], items: Iterable[T], threads: int | None) -> Iterator[R]:
    """``map(fn, items)`` on a thread pool (numpy and Polars release the GIL), results in order.

    At most ``workers + 1`` items are in flight, so memory stays bounded by a few batches.
    """
    workers = threads or min(2, os.cpu_count() or 1)
    if workers <= 1:
        yield from map(fn, items)
        return
    pending: deque[Future[R]] = deque()
    with ThreadPoolExecutor(workers) as pool:
        for item in items:
            pending.append(pool.submit(fn, item))
            while len(pending) > workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


def read_rows(
    lf: pl.LazyFrame, text_expr: pl.Expr, rows: npt.NDArray[np.int64], batch_size: int
) -> Iterator[tuple[pl.Series, npt.NDArray[np.int64]]]:
    """(texts, row numbers) for the wanted rows (sorted), in batches of at most batch_size.

    The file is read one row group at a time, on demand (a slice of the scan), and groups
    without a wanted row are skipped. Not ``collect_batches``: its engine decodes ahead of a
    slower consumer without bound (hundreds of MB of text at a million records).
    """
    if not rows.size:
        return
    buf_t: list[pl.Series] = []
    buf_r: list[npt.NDArray[np.int64]] = []
    have = 0
    chunk_size = max(batch_size, ROW_GROUP_SIZE)  # decoding whole row groups is cheapest
    for off in range(int(rows[0]) // chunk_size * chunk_size, int(rows[-1]) + 1, chunk_size):
        lo, hi = np.searchsorted(rows, [off, off + chunk_size])
        if hi == lo:
            continue
        texts = lf.slice(off, chunk_size).select(text_expr.alias("t")).collect()["t"]
        if hi - lo < texts.len():
            texts = texts.gather(rows[lo:hi] - off)
        buf_t.append(texts)
        buf_r.append(rows[lo:hi])
        have += hi - lo
        while have >= batch_size:
            texts = buf_t[0] if len(buf_t) == 1 else pl.concat(buf_t, rechunk=False)
            got = buf_r[0] if len(buf_r) == 1 else np.concatenate(buf_r)
            yield texts.slice(0, batch_size), got[:batch_size]
            buf_t, buf_r = [texts.slice(batch_size)], [got[batch_size:]]
            have -= batch_size
    if have:
        yield pl.concat(buf_t, rechunk=False), np.concatenate(buf_r)
