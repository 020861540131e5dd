"""``ingest``: the stage as a plain, typed library function.

Imports nothing heavy at module level (Polars and pydantic load when the function runs), so
``import curate`` and ``curate --help`` stay fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from curate.engine.base import Engine
    from curate.schema import Schema
    from curate.workspace import StageResult, Workspace


def ingest(
    paths: Sequence[str | os.PathLike[str]],
    schema: str | Path | Schema,
    workspace: str | os.PathLike[str] | Workspace = "curate-work",
    *,
    rules: str | Path | None = "schema",
    encoding: str | None = None,
    batch_size: int = 10_000,
    langid: Literal["fasttext", "langdetect"] | None = None,
    workers: int | None = None,
    engine: Engine | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> StageResult:
    """Read raw files into the workspace's ingest tables (see docs/workspace.md for what it
    writes): every input row ends as a record, a reject (reason, file:line) or a filtered row.

    ``paths``: files, directories (recursively) and globs. ``schema``: a built-in schema name,
    a schema .toml file, or a loaded :class:`~curate.schema.Schema`. ``rules``: a rule pack name
    or file, None (or ``"none"``) for no rules, or ``"schema"`` (the default): the schema's
    own pack, its ``rules`` key (``default`` where it names none). ``langid``: the language-ID
    backend (default: the pack's).
    ``workers``: processes for validation, normalization and rules on the local engine
    (default: up to 4 on machines with more than two cores, when the input is large enough to
    repay their start-up). ``engine``: where the per-chunk work runs (default: this process).
    ``progress(file, rows_done, file_bytes)`` is called as files are read. The tables are the
    same bytes for any batch size, number of workers and engine.
    """
    from curate.engine.base import LOCAL
    from curate.ingest.options import IngestOptions
    from curate.ingest.stage import run_ingest
    from curate.schema import Schema, load_schema
    from curate.workspace import Workspace

    schema_ref = (schema.source_path or schema.name) if isinstance(schema, Schema) else schema
    options = IngestOptions.checked(
        schema=str(schema_ref),
        rules=None if rules is None else str(rules),
        encoding=encoding,
        batch_size=batch_size,
        langid=langid,
        workers=workers,
    )
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    schema_obj = schema if isinstance(schema, Schema) else load_schema(schema)
    str_paths = [os.fspath(p) for p in paths]
    with ws.lock(create=True):  # what stage_guard does, without importing it (and Polars) early
        ws.verify_inputs("ingest")
        return run_ingest(str_paths, ws, options, schema_obj, engine or LOCAL, progress)
