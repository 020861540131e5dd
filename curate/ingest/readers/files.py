"""The readers' entry points: read a file of any format in batches, or list its columns cheaply."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from curate.errors import InputError
from curate.ingest.readers.base import MAX_RECORD_CHARS, RawBatch, RawReject, UnreadableFile
from curate.ingest.readers.csv import _csv_columns, _csv_dialect, _read_csv
from curate.ingest.readers.discover import file_format, source_name
from curate.ingest.readers.json import _looks_like_jsonl
from curate.ingest.readers.jsonl import _read_jsonl
from curate.ingest.readers.parquet import _LocalCopy, _read_parquet
from curate.ingest.readers.source import _Batcher, _open_text, _Source
from curate.ingest.readers.text import _read_text


def read_file(
    path: Path,
    *,
    encoding: str | None = None,
    batch_size: int = 10_000,
    max_record_chars: int = MAX_RECORD_CHARS,
    row_lists: bool = False,
) -> Iterator[RawBatch]:
    """Stream one file as RawBatches (at least one, possibly empty, per file).

    With ``row_lists`` a CSV/TSV file's rows come as lists of cells in ``columns`` order (one
    dict less per row; ``RawBatch.row_lists`` says so); other formats give dicts regardless.

    Raises InputError only for a file that cannot be used at all (missing, unreadable, not the
    format its name says, unknown encoding); everything else is a per-row reject.
    """
    path = Path(path)
    name = source_name(path)
    fmt, compression = file_format(path)
    out = _Batcher(name, batch_size, row_lists and fmt in ("csv", "tsv"))
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if fmt == "parquet":
        gen: Iterator[RawBatch] = _read_parquet(path, compression, out)
    else:
        src = _open_text(path, encoding)
        if src.note:
            out.warnings.append(src.note)
        if fmt in ("csv", "tsv"):
            gen = _closing(src, _read_csv(src, out, max_record_chars, _csv_dialect(src)))
        elif fmt == "jsonl" or (fmt == "json" and _looks_like_jsonl(src.prefix)):
            gen = _closing(src, _read_jsonl(src, out, max_record_chars))
        elif fmt == "json":
            from curate.ingest.json_doc import read_json

            gen = read_json(src, out, max_record_chars, lambda: _open_text(path, encoding))
        else:
            try:
                _read_text(src, out, max_record_chars, name)
            finally:
                src.text.close()
            gen = iter(())
    try:
        yield from gen
    except OSError as e:  # the disk or the file went away mid-read
        raise UnreadableFile(f"{path}: read failed: {e.strerror or e}", "unreadable_file") from None
    last = out.take(final=True)
    if last is not None:
        yield last


def read_or_reject(path: Path, **kw: Any) -> Iterator[RawBatch]:
    """``read_file``, except that a file found unreadable (at open or part-way) ends with one
    reject for the file, reason ``unreadable_file`` or ``corrupt_file``, instead of an error;
    rows before the failure stay read."""
    try:
        yield from read_file(path, **kw)
    except UnreadableFile as e:
        batch = RawBatch(file=source_name(path))
        msg = f"{e.message}; the rest of this file was not read"
        batch.rejects.append(RawReject(0, "file", e.reason, msg, ""))
        yield batch


def read_unmapped(
    path: Path, *, encoding: str | None = None, batch_size: int = 10_000
) -> Iterator[RawBatch]:
    """A file in which no record has a field (no layout could be chosen): its reader rejects,
    and each record that came without any field as a ``no_fields`` reject, so a file with
    content is never counted as empty. An unreadable file is one reject (``read_or_reject``)."""
    for batch in read_or_reject(path, encoding=encoding, batch_size=batch_size):
        for line, loc in zip(batch.lines, batch.locators, strict=True):
            msg = "record has no fields"
            batch.rejects.append(RawReject(line, loc, "no_fields", msg, "{}"))
        batch.rows, batch.lines, batch.locators = [], [], []
        yield batch


def _closing(src: _Source, gen: Iterator[RawBatch]) -> Iterator[RawBatch]:
    try:
        yield from gen
    finally:
        src.text.close()


def file_columns(path: Path, *, encoding: str | None = None) -> list[str]:
    """Column names of a file, cheaply (CSV header; Parquet schema; keys of the first JSON
    records, reading past rejected ones); [] when no record has any."""
    path = Path(path)
    try:
        return _file_columns(path, encoding)
    except OSError as e:
        raise UnreadableFile(f"{path}: cannot read: {e.strerror or e}", "unreadable_file") from None


def _file_columns(path: Path, encoding: str | None) -> list[str]:
    fmt, compression = file_format(path)
    if fmt == "parquet":
        if not path.exists():
            raise InputError(f"{path}: no such file")
        import polars as pl

        with _LocalCopy(path, compression) as local:
            try:
                return list(pl.read_parquet_schema(local))
            except Exception as e:
                raise UnreadableFile(
                    f"{path}: not a readable Parquet file ({e})", "corrupt_file"
                ) from None
    if fmt == "text":
        if not path.exists():
            raise InputError(f"{path}: no such file")
        return ["text", "filename", "path"]
    if fmt in ("csv", "tsv"):
        src = _open_text(path, encoding)
        src.text.close()
        return _csv_columns(src)
    for batch in read_file(path, encoding=encoding, batch_size=100):
        if batch.columns:  # records may start after rejected ones: read on until one does
            return batch.columns
    return []


csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
