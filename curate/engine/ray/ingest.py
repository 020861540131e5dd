"""Ray ingest: the ingest read loop in a Ray Data read task, ``process_chunk`` per chunk in an
actor pool, each chunk writing numbered Parquet parts the driver appends in sequence, so the
tables are the ones the local engine writes, byte for byte."""

from __future__ import annotations

import os
import pickle
import shutil
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from curate.engine.ray import _pack, _ray, cluster_cpus
from curate.errors import UsageError
from curate.workspace import StageResult, Workspace, stage_guard


class _IngestSource:
    """A Ray Data datasource with one read task: the ingest read loop, emitting ordered events.

    Events (one row each): ``rejects`` (a reader-rejects frame), ``chunk`` (``batch_size``
    candidates, exactly where the local loop would flush) and a final ``files`` (per-file stats).
    """

    def __init__(
        self, plans: list[Any], schema: Any, encoding: str | None, batch_size: int
    ) -> None:
        self.plans = plans
        self.schema = schema
        self.encoding = encoding
        self.batch_size = batch_size

    def datasource(self) -> Any:
        from ray.data.block import BlockMetadata
        from ray.data.datasource import Datasource, ReadTask

        outer = self

        class Source(Datasource):
            def estimate_inmemory_data_size(self) -> int | None:
                return None

            def get_read_tasks(
                self,
                parallelism: int,
                per_task_row_limit: int | None = None,
                data_context: Any = None,
            ) -> list[Any]:
                meta = BlockMetadata(
                    num_rows=None, size_bytes=None, input_files=None, exec_stats=None
                )
                return [ReadTask(outer.read, meta)]

        return Source()

    def read(self) -> Iterator[Any]:
        import pyarrow as pa

        from curate.ingest import FileStats, candidate_events

        seq = 0

        def event(kind: str, payload: Any) -> Any:
            nonlocal seq
            seq += 1
            return pa.table({"seq": [seq], "kind": [kind], "payload": [_pack(payload)]})

        file_stats: dict[str, FileStats] = {}
        warnings: list[str] = []
        for kind, payload in candidate_events(
            self.plans,
            self.schema,
            encoding=self.encoding,
            batch_size=self.batch_size,
            file_stats=file_stats,
            warnings=warnings,
        ):
            if kind == "chunk" or payload.height:
                yield event(kind, payload)
        yield event("files", (file_stats, warnings))


class _IngestWorker:
    """Per chunk, ingest's own ``process_chunk``; writes its parts for the driver to append."""

    def __init__(
        self, schema: Any, rules: Any, langid_backend: str | None, parts_root: str
    ) -> None:
        from curate.ingest import _BatchProcessor, record_columns

        self.schema = schema
        self.pack = None
        if rules is not None:
            from curate.rules import load_rule_pack

            self.pack = load_rule_pack(rules)
        self.langid_backend = langid_backend
        self.worker = _BatchProcessor(schema, schema.max_record_chars)
        self.columns = record_columns(schema)
        self.filtered_cols = {**self.columns, "reason": pl.String(), "detail": pl.String()}
        self.root = Path(parts_root)

    def _write(
        self, table: str, seq: int, df: pl.DataFrame, columns: dict[str, pl.DataType]
    ) -> None:
        from curate.ingest import conform

        if df.height == 0:
            return
        path = self.root / table / f"{seq:09d}.parquet"
        conform(df, columns).write_parquet(
            path, compression="zstd", compression_level=1, statistics=False
        )

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        from curate.ingest import REJECT_SCHEMA, process_chunk

        out_payload = []
        for seq, kind, payload in zip(batch["seq"], batch["kind"], batch["payload"], strict=True):
            seq = int(seq)
            if kind == "rejects":
                self._write("rejects", seq, pickle.loads(payload), REJECT_SCHEMA)
                out_payload.append(_pack(None))
                continue
            if kind != "chunk":
                out_payload.append(payload)
                continue
            out = process_chunk(self.worker, self.pack, pickle.loads(payload), self.langid_backend)
            self._write("rejects", seq, out.rejects, REJECT_SCHEMA)
            self._write("filtered", seq, out.filtered, self.filtered_cols)
            self._write("records", seq, out.records, self.columns)
            stats, t_rules = out.stats, out.rules_s
            out_payload.append(_pack((stats, t_rules)))
        return {
            "seq": batch["seq"],
            "kind": batch["kind"],
            "payload": np.array(out_payload, dtype=object),
        }


@stage_guard("ingest")
def ray_ingest(
    paths: Sequence[str | os.PathLike[str]],
    schema: Any,
    workspace: str | os.PathLike[str] | Workspace = "curate-work",
    *,
    rules: str | Path | None = "default",
    encoding: str | None = None,
    batch_size: int = 10_000,
    langid_backend: str | None = None,
    progress: Any = None,
) -> StageResult:
    """``curate.ingest.ingest`` on Ray: same arguments, same tables (see the module docstring)."""
    from curate.ingest import (
        REJECT_SCHEMA,
        _check_not_inside_inputs,
        _summarize,
        _TableWriter,
        display_path,
        merge_stats,
        record_columns,
    )
    from curate.mapping import choose_layout, resolve_fields
    from curate.readers import discover, file_columns
    from curate.schema import Schema, load_schema
    from curate.workspace import atomic_path, write_json

    ray = _ray()
    started = time.perf_counter()
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    schema_obj = schema if isinstance(schema, Schema) else load_schema(schema)
    pack = None
    if rules is not None:
        from curate.rules import load_rule_pack

        pack = load_rule_pack(rules)  # fail fast in the driver on a bad pack
    if batch_size < 1:
        raise UsageError(f"--batch-size must be at least 1, got {batch_size}")
    str_paths = [str(p) for p in paths]
    if not str_paths:
        raise UsageError("no input paths given")
    files = discover(str_paths)
    _check_not_inside_inputs(ws.path, files, str_paths)
    plans: list[Any] = []
    for f in files:
        cols = file_columns(f, encoding=encoding)
        name = display_path(f)
        if not cols:
            plans.append((f.resolve(), name, None, {}))
            continue
        layout = choose_layout(schema_obj, cols, name)
        plans.append((f.resolve(), name, layout, resolve_fields(schema_obj, layout, cols, name)))

    ws.create()
    stage_dir = ws.stage_dir("ingest")
    tmp_root = stage_dir / ".parts"
    shutil.rmtree(tmp_root, ignore_errors=True)
    columns = record_columns(schema_obj)
    filtered_cols = {**columns, "reason": pl.String(), "detail": pl.String()}
    for name in ("records", "filtered", "rejects"):
        (tmp_root / name).mkdir(parents=True, exist_ok=True)
    source = _IngestSource(plans, schema_obj, encoding, batch_size)
    workers = max(1, cluster_cpus() - 1)
    ds = ray.data.read_datasource(source.datasource(), override_num_blocks=1).map_batches(
        _IngestWorker,
        batch_size=1,
        batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=workers),
        fn_constructor_kwargs={
            "schema": schema_obj,
            "rules": rules,
            "langid_backend": langid_backend,
            "parts_root": str(tmp_root.resolve()),
        },
    )
    # Parts are appended as soon as every earlier event is back, so re-encoding them into the
    # tables overlaps the workers instead of following them.
    tables = {
        "records": _TableWriter(tmp_root, "records.table", columns),
        "rejects": _TableWriter(tmp_root, "rejects.table", REJECT_SCHEMA),
        "filtered": _TableWriter(tmp_root, "filtered.table", filtered_cols),
    }
    events: list[tuple[int, str, Any]] = []
    arrived: dict[int, tuple[str, Any]] = {}
    try:
        for r in ds.iter_rows():
            arrived[int(r["seq"])] = (r["kind"], r["payload"])
            while len(events) + 1 in arrived:
                seq = len(events) + 1
                events.append((seq, *arrived.pop(seq)))
                for name, table in tables.items():
                    part = tmp_root / name / f"{seq:09d}.parquet"
                    if part.exists():
                        table.add(pl.read_parquet(part))
                        part.unlink()
        if arrived:
            raise RuntimeError(f"ingest events missing before {min(arrived)}")
    except BaseException:
        for table in tables.values():
            table.close()
        raise
    rule_stats: list[Any] = []
    t_rules = 0.0
    file_stats: dict[str, Any] = {}
    warnings: list[str] = []
    for _, kind, payload in events:
        if kind == "chunk":
            stats, t = pickle.loads(payload)
            t_rules += t
            if stats is not None:
                rule_stats.append(stats)
        elif kind == "files":
            file_stats, warnings = pickle.loads(payload)
    outputs = {name: str(table.finish(ws, "ingest", name)) for name, table in tables.items()}
    shutil.rmtree(tmp_root, ignore_errors=True)
    with atomic_path(stage_dir / "schema.toml") as tmp:
        assert schema_obj.source_path is not None
        shutil.copyfile(schema_obj.source_path, tmp)
    outputs["schema"] = str(stage_dir / "schema.toml")
    if pack is not None:
        outputs["rules"] = str(write_json(merge_stats(rule_stats), stage_dir / "rules.json"))
    result = _summarize(ws, file_stats, outputs, warnings)
    result.config = {
        "paths": str_paths,
        "schema": schema_obj.name,
        "schema_file": schema_obj.source_path,
        "rules": None if pack is None else getattr(pack, "name", str(rules)),
        "encoding": encoding,
        "batch_size": batch_size,
        "langid_backend": langid_backend,
    }
    result.inputs = {name: fs.sha256 for name, fs in file_stats.items()}
    result.timings = {
        "total_s": round(time.perf_counter() - started, 3),
        "rules_s": round(t_rules, 3),
    }
    result.extra["engine"] = "ray"
    ws.log_stage(result)
    return result
