"""``curate.export``: the export stage as a plain, typed function.

Light on purpose: ``import curate`` imports this module, so polars, pydantic and the stage
itself are imported only when the function runs (``curate --help`` stays fast).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from curate.engine.base import Engine
    from curate.workspace import StageResult, Workspace


def export(
    workspace: str | os.PathLike[str] | Workspace,
    *,
    out: str | os.PathLike[str] = "export",
    format: str = "chat",
    completion_style: str = "standard",
    val_fraction: float = 0.1,
    test_fraction: float = 0.0,
    seed: int = 0,
    stratify: str | None = None,
    tokenizer: str | os.PathLike[str] | Any | None = None,
    max_tokens: int | None = None,
    over_length: str = "drop",
    source_splits: Sequence[str] | None = None,
    split_field: str | None = None,
    metadata: bool = False,
    train_on: str = "all",
    tasks: Sequence[str] | None = None,
    shard_size: int | None = None,
    engine: Engine | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> StageResult:
    """Render the workspace's kept records through their schema's tasks into leak-free,
    stratified train/val(/test) JSONL files in ``out`` that a trainer loads unchanged.

    Writes ``out``/train.jsonl, val.jsonl (test.jsonl, or shards of ``shard_size`` examples),
    manifest.json and dataset_info.json, and the workspace's ``export/outcomes.parquet`` (what
    became of every kept record) and ``export/token_stats.json``. The options are those of
    :class:`curate.export.options.ExportOptions`; ``tokenizer`` may also be a tokenizer object
    (``curate.export.tokens.load_tokenizer``'s result). ``engine`` runs the rendering of the
    batches (None: in this process); ``progress(phase, done, total)`` is called as it goes.
    A bad option is a UsageError whose ``param`` names it.
    """
    from curate.engine.base import LOCAL
    from curate.export.options import ExportOptions
    from curate.export.stage import run_export
    from curate.workspace import Workspace

    tok_object = None
    if isinstance(tokenizer, os.PathLike):
        tokenizer = os.fspath(tokenizer)
    elif tokenizer is not None and not isinstance(tokenizer, str):
        tok_object, tokenizer = tokenizer, str(getattr(tokenizer, "name", "tokenizer"))
    options = ExportOptions.checked(
        out=out,
        format=format,
        completion_style=completion_style,
        val_fraction=val_fraction,
        test_fraction=test_fraction,
        seed=seed,
        stratify=stratify,
        tokenizer=tokenizer,
        max_tokens=max_tokens,
        over_length=over_length,
        source_splits=list(source_splits) if source_splits is not None else None,
        split_field=split_field,
        metadata=metadata,
        train_on=train_on,
        tasks=list(tasks) if tasks is not None else None,
        shard_size=shard_size,
    )
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    return run_export(ws, options, engine or LOCAL, progress, tok_object)
