"""What every reader shares: its limits, the batch it fills (RawBatch, RawReject) and the error for a file that cannot be read at all."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from curate.errors import InputError

MAX_RECORD_CHARS = 10_000_000


RAW_CHARS = 500


PREFIX_BYTES = 1 << 18


CSV_DELIMITERS = (",", ";", "\t", "|")


_CHUNK = 1 << 20  # characters read per block (tests shrink it to cross block edges)


class UnreadableFile(InputError):
    """A file that cannot be read at all (OS error, damaged compression or Parquet).

    Named explicitly it stops ingest (exit 2); found in a folder or glob it becomes one
    reject for the file with ``reason`` as its code, and the other files are read.
    """

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, hint="check the file's permissions, or remove or replace it")
        self.reason = reason


@dataclass
class RawReject:
    """A row that could not be read; becomes a row of ingest's rejects table."""

    line: int
    locator: str
    reason: str
    message: str
    raw: str


@dataclass
class RawBatch:
    """Up to ``batch_size`` raw rows of one file, with their locators and the rows rejected."""

    file: str
    rows: list[dict[str, Any]] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    locators: list[str] = field(default_factory=list)
    rejects: list[RawReject] = field(default_factory=list)
    columns: list[str] = field(default_factory=list)
    row_lists: bool = False  # rows are lists of cells in ``columns`` order (CSV asked for lists)
    warnings: list[str] = field(default_factory=list)  # about the file, losing no row
