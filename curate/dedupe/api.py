"""``curate.dedupe``: the dedupe stage as a plain, typed function.

Light on purpose: ``import curate`` imports this module, so polars, pydantic and the stage
itself are imported only when the function runs (``curate --help`` stays fast).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from curate.engine.base import Engine
    from curate.workspace import StageResult, Workspace


def dedupe(
    workspace: str | os.PathLike[str] | Workspace,
    *,
    threshold: float = 0.8,
    num_perm: int = 128,
    ngram: int = 5,
    char_ngrams: int | None = None,
    fields: Sequence[str] | None = None,
    keep: str = "most-complete",
    verify: bool = False,
    against: Sequence[str | os.PathLike[str]] = (),
    contamination_ngram: int = 13,
    index: str | os.PathLike[str] | None = None,
    seed: int = 1,
    batch_size: int = 2048,
    threads: int | None = None,
    engine: Engine | None = None,
    progress: Callable[[str, int, int], None] | None = None,
) -> StageResult:
    """Mark every ingested record of ``workspace`` kept, duplicate or contaminated.

    Exact copies share a content hash; near-duplicates share MinHash-LSH buckets and a Jaccard
    similarity of at least ``threshold`` over word ``ngram``s (or ``char_ngrams``); each cluster
    keeps one record by the ``keep`` policy. Records sharing a ``contamination_ngram``-word
    n-gram with an item of an ``against`` evaluation set, or near-duplicates of one, are
    contaminated. With ``index`` (a directory), kept records persist there and later runs are
    deduplicated against them. Writes ``dedupe/outcomes.parquet`` and
    ``dedupe/clusters.parquet``. The options are those of
    :class:`curate.dedupe.options.DedupeOptions`; ``engine`` runs the batch work, LSH buckets
    and components (None: in this process), with the same tables on every engine;
    ``progress(phase, done, total)`` is called as it goes (``fingerprint`` per batch of
    records, then ``near-duplicates`` and ``write``). A bad option is a UsageError whose
    ``param`` names it.
    """
    from curate.dedupe.options import DedupeOptions
    from curate.dedupe.stage import run_dedupe
    from curate.engine.base import LOCAL
    from curate.workspace import Workspace

    options = DedupeOptions.checked(
        threshold=threshold,
        num_perm=num_perm,
        ngram=ngram,
        char_ngrams=char_ngrams,
        fields=list(fields) if fields is not None and not isinstance(fields, str) else fields,
        keep=keep,
        verify=verify,
        against=[os.fspath(p) for p in against],
        contamination_ngram=contamination_ngram,
        index=os.fspath(index) if index is not None else None,
        seed=seed,
        batch_size=batch_size,
        threads=threads,
    )
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    return run_dedupe(ws, options, engine or LOCAL, progress)
