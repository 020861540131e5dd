"""The read loop: planned files -> reader rejects and chunks of candidates, in input order.

Runs in the driver whatever the engine: where chunks are cut decides the output's order, so
one loop keeps the engines identical. Files are checked before anything is written
(``plan_files``: a layout fits, required columns exist).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl

from curate.errors import UsageError
from curate.ingest.layouts import Candidate, choose_layout, mapper_for, resolve_fields
from curate.ingest.tables import REJECT_SCHEMA
from curate.schema import REPO_KINDS, Layout, Schema

if TYPE_CHECKING:
    from curate.ingest.readers import RawBatch

ProgressFn = Callable[[str, int, int], None]  # (file, rows done in file, bytes of file)


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
    from curate.ingest.input_walk import sha256_or_empty
    from curate.ingest.readers import read_or_reject, read_unmapped

    def note(batch: Any) -> None:  # reader warnings about the file (nothing lost)
        for w in batch.warnings:
            fs.warnings.append(f"{name}: {w}")
            warnings.append(f"{name}: {w}")

    batch: RawBatch | None
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
        mapper = mapper_for(schema, layout, mapping, name, required)
        size = f.stat().st_size
        cells = layout.kind == "rows"  # CSV rows as cell lists: no dict per row
        if layout.kind in REPO_KINDS:  # a file of a repository folder (curate/ingest/repo.py)
            from curate.ingest.repo import read_repo_file

            cap = schema.max_record_chars
            batches = read_repo_file(f, layout, mapping, max_chars=cap)
        else:
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


def plan_files(
    paths: Sequence[str], workspace: Path, schema: Schema, encoding: str | None, warnings: list[str]
) -> list[Plan]:
    """The input files and, for each, the layout its columns fit and the field mapping.

    Fails fast, before anything is written, on a file no layout fits or that lacks a required
    column; a file with no columns (empty, or only rejects) gets no layout.
    """
    from curate.ingest.input_walk import named_explicitly
    from curate.ingest.readers import UnreadableFile, discover, file_columns

    if not paths:
        raise UsageError("no input paths given", param="paths")
    from curate.ingest.repo import is_repository_schema, plan_repository

    if is_repository_schema(schema):  # every file of a repository folder, each one outcome
        repo_plans = plan_repository(list(paths), schema, warnings)
        _check_not_inside_inputs(workspace, [p[0] for p in repo_plans], paths)
        return repo_plans
    files = discover(list(paths), warnings)
    _check_not_inside_inputs(workspace, files, paths)
    plans: list[Plan] = []
    for f in files:
        try:
            cols = file_columns(f, encoding=encoding)
        except UnreadableFile:
            if named_explicitly(f, list(paths)):
                raise
            cols = []  # found in a folder: read_unmapped makes it one reject for the file
        name = display_path(f)
        if not cols:
            plans.append((f, name, None, {}))
            continue
        layout = choose_layout(schema, cols, name)
        plans.append((f, name, layout, resolve_fields(schema, layout, cols, name)))
    return plans
