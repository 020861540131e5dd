"""The ingest stage, in named steps: plan the files, read them into chunks of candidates, have
the engine process the chunks, write the tables, summarize.

The read loop runs here, in the driver, on every engine: where chunks are cut decides the
output's order. The per-chunk work (validation, normalization, rules: ``process_event``) goes
through ``engine.map_ordered``, which returns results in input order, so the tables are the
same bytes on every engine. The local engine's ``map_ordered`` runs in this thread; ingest
instead overlaps reading with processing on threads, or on ``workers`` processes
(``_local_map``), which gives the same results in the same order.
"""

from __future__ import annotations

import collections
import functools
import multiprocessing
import os
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from curate.engine.base import Engine, LocalEngine
from curate.errors import UsageError
from curate.ingest.layouts import Candidate
from curate.ingest.options import IngestOptions, resolve_rules
from curate.ingest.read import FileStats, Plan, ProgressFn, candidate_events, plan_files
from curate.ingest.summary import _summarize, merge_stats
from curate.ingest.tables import REJECT_SCHEMA, _TableWriter, record_columns
from curate.ingest.validate import ChunkOut, _BatchProcessor, process_chunk
from curate.schema import Schema
from curate.workspace import StageResult, Workspace

PARALLEL_MIN_BYTES = 32 << 20
CHUNK_THREADS = 2  # chunks processed at once in this process (bench_ingest: 2 beat 1 and 3)


@dataclass(frozen=True)
class ChunkContext:
    """What every chunk's processing needs; pickled once per worker process or Ray task set."""

    schema: Schema
    pack: Any
    langid: str | None


Event = tuple[str, Any]  # ("rejects", frame) or ("chunk", candidates), as the read loop yields


def process_event(ctx: ChunkContext, event: Event) -> pl.DataFrame | ChunkOut:
    """One read-loop event processed: a reader-rejects frame passes through, a chunk of
    candidates becomes its records, filtered rows and rejects (``process_chunk``)."""
    kind, payload = event
    if kind == "rejects":
        frame: pl.DataFrame = payload
        return frame
    cands: list[Candidate] = payload
    processor = _BatchProcessor(ctx.schema, ctx.schema.max_record_chars)
    return process_chunk(processor, ctx.pack, cands, ctx.langid)


def run_ingest(
    paths: list[str],
    ws: Workspace,
    options: IngestOptions,
    schema: Schema,
    engine: Engine,
    progress: ProgressFn | None,
) -> StageResult:
    """The stage (``curate.ingest.ingest`` has built and checked ``options``)."""
    started = time.perf_counter()
    rules, rules_from = resolve_rules(options.rules, schema)
    pack = _load_pack(rules)
    warnings: list[str] = []
    plans = plan_files(paths, ws.path, schema, options.encoding, warnings)
    _check_workers(options.workers, engine)
    if pack is not None and pack.pii.corpus_min_records:
        pack = _corpus_pass(pack, plans, schema, options)  # PII rules' evidence from the run

    ws.create()
    stage_dir = ws.stage_dir("ingest")
    tables = _Tables(stage_dir / ".parts", schema)
    file_stats: dict[str, FileStats] = {}
    events = candidate_events(
        plans,
        schema,
        encoding=options.encoding,
        batch_size=options.batch_size,
        file_stats=file_stats,
        warnings=warnings,
        progress=progress,
    )
    fn = functools.partial(process_event, ChunkContext(schema, pack, options.langid))
    try:
        for out in _mapper(engine, options.workers, plans)(fn, events):
            tables.add(out)
    except BaseException:
        tables.close()
        raise
    outputs = tables.finish(ws)
    outputs.update(_write_sidecars(stage_dir, schema, pack, tables.rule_stats))

    result = _summarize(ws, file_stats, outputs, warnings)
    result.config = {
        "paths": paths,
        "schema": schema.name,
        "schema_file": schema.source_path,
        "rules": None if pack is None else getattr(pack, "name", str(rules)),
        "rules_from": rules_from,  # "option", "schema" or "default": why this pack ran
        # provenance: the exact files (a modified copy keeps the pack's name); `report --compare`
        **_provenance(schema, pack),
        "encoding": options.encoding,
        "batch_size": options.batch_size,
        "langid": options.langid,
    }
    result.inputs = {name: fs.sha256 for name, fs in file_stats.items()}
    result.timings = {
        "total_s": round(time.perf_counter() - started, 3),
        "rules_s": round(tables.rules_s, 3),
    }
    if engine.name != "local":
        result.extra["engine"] = engine.name
    ws.log_stage(result)
    return result


def _provenance(schema: Schema, pack: Any) -> dict[str, Any]:
    """Resolved path and SHA-256 of the schema and rule pack files (issue 26)."""
    from curate.workspace import file_identity

    sch = file_identity(schema.name, schema.source_path)
    out = {"schema_path": sch["path"], "schema_sha256": sch["sha256"]}
    if pack is not None:
        rules = file_identity(pack.name, getattr(pack, "source_path", None))
        out |= {"rules_path": rules["path"], "rules_sha256": rules["sha256"]}
        bases = getattr(pack, "extends_paths", None) or []
        if bases:  # the extended packs' bytes made the run too, not only the extending file's
            out["rules_extends"] = [
                {k: v for k, v in file_identity(None, b).items() if k != "name"} for b in bases
            ]
    return out


def _load_pack(rules: str | None) -> Any:
    """The rule pack, loaded before any file is read so a bad pack fails fast."""
    if rules is None:
        return None
    from curate.rules import load_rule_pack

    return load_rule_pack(rules)


def _corpus_pass(pack: Any, plans: list[Plan], schema: Schema, options: IngestOptions) -> Any:
    """Every record's text counted once before any is redacted, so the PII rules see what
    recurs across the whole input (``curate.rules.pii.corpus``; owner: the PII rules). The
    count is per record over all of them: the same whatever the batch size."""
    from curate.rules.pii.corpus import CorpusCounts, with_corpus_not_names

    counts = CorpusCounts()
    processor = _BatchProcessor(schema, schema.max_record_chars)
    fields = list(schema.text_fields())
    events = candidate_events(
        plans,
        schema,
        encoding=options.encoding,
        batch_size=options.batch_size,
        file_stats={},
        warnings=[],
    )
    for kind, payload in events:
        if kind == "chunk":
            counts.add(processor.process(payload).records, fields)
    return with_corpus_not_names(pack, counts)


def _check_workers(workers: int | None, engine: Engine) -> None:
    if workers is not None and not isinstance(engine, LocalEngine):
        raise UsageError(
            f"workers applies to the local engine; the {engine.name} engine spreads the work "
            f"over its own CPUs, got workers={workers}",
            param="workers",
        )


class _Tables:
    """The three ingest tables, filled in input order as processed events come back."""

    def __init__(self, tmp_root: Path, schema: Schema) -> None:
        shutil.rmtree(tmp_root, ignore_errors=True)
        self.tmp_root = tmp_root
        columns = record_columns(schema)
        filtered = {**columns, "reason": pl.String(), "detail": pl.String()}
        self.records = _TableWriter(tmp_root, "records", columns)
        self.filtered = _TableWriter(tmp_root, "filtered", filtered)
        self.rejects = _TableWriter(tmp_root, "rejects", REJECT_SCHEMA)
        self.rule_stats: list[dict[str, Any]] = []
        self.rules_s = 0.0

    def add(self, out: pl.DataFrame | ChunkOut) -> None:
        if isinstance(out, pl.DataFrame):  # reader rejects
            self.rejects.add(out)
            return
        self.rules_s += out.rules_s
        if out.stats is not None:
            self.rule_stats.append(out.stats)
        self.rejects.add(out.rejects)
        self.filtered.add(out.filtered)
        self.records.add(out.records)

    def close(self) -> None:
        for table in (self.records, self.filtered, self.rejects):
            table.close()

    def finish(self, ws: Workspace) -> dict[str, str]:
        outputs = {
            "records": str(self.records.finish(ws, "ingest", "records")),
            "rejects": str(self.rejects.finish(ws, "ingest", "rejects")),
            "filtered": str(self.filtered.finish(ws, "ingest", "filtered")),
        }
        shutil.rmtree(self.tmp_root, ignore_errors=True)
        return outputs


def _write_sidecars(
    stage_dir: Path, schema: Schema, pack: Any, rule_stats: list[dict[str, Any]]
) -> dict[str, str]:
    """The schema file used, and the merged rule statistics when a pack ran."""
    from curate.workspace import atomic_path, write_json

    with atomic_path(stage_dir / "schema.toml") as tmp:
        assert schema.source_path is not None
        shutil.copyfile(schema.source_path, tmp)
    out = {"schema": str(stage_dir / "schema.toml")}
    # a task's policy file beside the schema's copy, so export reads the policy the records
    # were ingested with even after the original moves (schema._read_policies looks there)
    for task in schema.tasks:
        rel = task.policy_file
        if not rel or Path(rel).is_absolute() or ".." in Path(rel).parts:
            continue
        src = Path(schema.source_path).parent / rel
        if src.is_file():
            dest = stage_dir / "policies" / rel
            dest.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(dest) as tmp:
                shutil.copyfile(src, tmp)
            out[f"policy {rel}"] = str(dest)
    if pack is not None:
        from curate.rules.audit import finish_rule_stats  # the audit's strings, merged and cut

        stats = finish_rule_stats(rule_stats, merge_stats)
        out["rules"] = str(write_json(stats, stage_dir / "rules.json"))
        if getattr(pack, "source_path", None):  # the pack's text, for `report --compare`
            with atomic_path(stage_dir / "rules_pack.toml") as tmp:
                shutil.copyfile(pack.source_path, tmp)
            out["rules_pack"] = str(stage_dir / "rules_pack.toml")
    return out


MapFn = Callable[[Callable[[Event], Any], Iterable[Event]], Iterator[Any]]


def _mapper(engine: Engine, workers: int | None, plans: list[Plan]) -> MapFn:
    """How chunks are mapped: the engine's ``map_ordered``, except on the local engine, where
    chunks run on threads beside the reader, or on ``workers`` processes."""
    if not isinstance(engine, LocalEngine):
        return engine.map_ordered
    if workers is None:
        # On two cores one process wins: Polars and the language-ID threads already use both,
        # and the reader's process would share a core with the workers (bench_ingest).
        size = sum(f.stat().st_size for f, *_ in plans)
        cpus = os.cpu_count() or 1
        workers = min(cpus, 4) if size >= PARALLEL_MIN_BYTES and cpus > 2 else 1
    return functools.partial(_local_map, workers)


def _local_map(workers: int, fn: Callable[[Event], Any], events: Iterable[Event]) -> Iterator[Any]:
    """``fn`` over ``events``, results in order, a bounded number in flight.

    One worker: threads in this process. Reading and mapping are Python (they hold the GIL),
    while validation, normalization and the rules are mostly Polars and the language-ID
    process, which leave it free; two chunks at once overlap one chunk's single-threaded steps
    with the other's parallel ones. More: a spawn-based process pool (Polars is not fork-safe),
    ``fn`` sent once per process.
    """
    pool: Executor
    if workers == 1:
        window = CHUNK_THREADS if (os.cpu_count() or 1) > 1 else 1
        pool = ThreadPoolExecutor(window, thread_name_prefix="curate-chunk")
        task = fn
    else:
        window = 2 * workers
        pool = ProcessPoolExecutor(
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_worker_init,
            initargs=(fn,),
        )
        task = _worker_call
    pending: collections.deque[Future[Any]] = collections.deque()
    try:
        for event in events:
            if event[0] == "rejects" and not pending:
                yield fn(event)  # nothing to wait for: no need to leave this thread
                continue
            pending.append(pool.submit(task, event))
            while len(pending) > window or (pending and pending[0].done()):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
    finally:
        pool.shutdown(cancel_futures=True)


_WORKER_FN: list[Callable[[Event], Any]] = []


def _worker_init(fn: Callable[[Event], Any]) -> None:
    _WORKER_FN[:] = [fn]


def _worker_call(event: Event) -> Any:
    """Process one event in a worker process; the frames travel back as Arrow IPC (pickle)."""
    return _WORKER_FN[0](event)
