"""Parquet: Polars streaming batches; compressed Parquet is unpacked to a temporary file first."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

from curate.ingest.readers import base as _base
from curate.ingest.readers.base import RawBatch, UnreadableFile
from curate.ingest.readers.compression import _open_bytes
from curate.ingest.readers.source import _Batcher


def _read_parquet(path: Path, compression: str | None, out: _Batcher) -> Iterator[RawBatch]:
    import polars as pl

    with _LocalCopy(path, compression) as local:
        n = 0
        try:
            lf = pl.scan_parquet(local)
            out.columns = lf.collect_schema().names()
            for df in lf.collect_batches(chunk_size=out.size):
                out.rows.extend(df.to_dicts())
                out.lines.extend(range(n + 1, n + df.height + 1))
                out.locators.extend(f"row {i}" for i in range(n + 1, n + df.height + 1))
                n += df.height
                if out.full():
                    yield out.take()  # type: ignore[misc]
        except Exception as e:  # polars raises several kinds for a damaged file
            if isinstance(e, GeneratorExit):
                raise
            raise UnreadableFile(
                f"{path}: not a readable Parquet file ({e})", "corrupt_file"
            ) from None


class _LocalCopy:
    """Parquet needs a seekable file: decompress .gz/.zst Parquet to a temporary file first."""

    def __init__(self, path: Path, compression: str | None) -> None:
        self.path, self.compression = path, compression
        self.tmp: str | None = None

    def __enter__(self) -> str:
        if self.compression is None:
            return str(self.path)
        fd, self.tmp = tempfile.mkstemp(suffix=".parquet", prefix="curate-")
        fh, guard = _open_bytes(self.path, self.compression)
        with os.fdopen(fd, "wb") as dst, fh:
            shutil.copyfileobj(fh, dst, _base._CHUNK)
        if guard is not None and guard.error is not None:
            os.unlink(self.tmp)
            self.tmp = None
            raise UnreadableFile(
                f"{self.path}: compressed Parquet is damaged ({guard.error})", "corrupt_file"
            )
        return self.tmp

    def __exit__(self, *exc: object) -> None:
        if self.tmp:
            os.unlink(self.tmp)
