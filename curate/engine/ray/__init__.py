"""The Ray engine: the local stage functions, with their batch work run on Ray Data.

Nothing here re-implements a stage's logic. Each stage runs the code the local engine runs:

* **ingest**: the read loop (readers + layout mapping, in file order) runs in a Ray Data read
  task and emits candidate chunks of ``batch_size``; ``_BatchProcessor.process``, ``apply_rules``
  and ``add_text_and_hash`` run per chunk in a ``map_batches`` actor pool, each chunk writing its
  numbered Parquet parts; the driver concatenates parts in sequence, so the tables are the ones
  the local engine writes, byte for byte.
* **dedupe**: ``curate.dedupe.dedupe`` itself, with three primitives swapped for distributed ones:
  fingerprinting (the local ``_fingerprint`` — signatures, band keys, exact hashes — per slice of
  the records file, in ``map_batches`` tasks that read only their slice), LSH bucketing (a shuffle of
  (node, band, key) rows by key over Ray tasks, ``mh.candidate_pairs`` per key partition) and
  connected components (min-label propagation over hash partitions of the graph, scatter/gather
  tasks per round until no label changes). Ray Data's groupby/join operators would do the same
  shuffles but start aggregator actors costing ~10 s per operator on a small machine, per round.
* **export**: ``curate.export.export`` with ``render_records`` run per block in ``map_batches``.

The swaps go through :func:`_swapped` until the stage modules take an engine argument (see
docs/scale.md, "Integration"); only one Ray stage runs per process at a time.
"""

from __future__ import annotations

import collections
import contextlib
import importlib
import os
import pickle
import shutil
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import polars as pl

from curate.errors import CurateError, UsageError
from curate.workspace import ROW_GROUP_SIZE, StageResult, Workspace, stage_guard

_LOCK = threading.Lock()
_ORIGINALS: dict[tuple[str, str], Any] = {}
SMALL_BUCKET = 8  # mh.candidate_pairs' default: buckets up to this size give all their pairs
PAIR_PARTITION_ROWS = 1 << 21  # band rows per bucketing block and partition


def _ray() -> Any:
    import logging

    import ray

    from curate.engine import connect_ray

    if not ray.is_initialized():
        connect_ray(None)
    for name in ("ray", "ray.data"):  # curate renders its own progress; keep Ray's chatter out
        logging.getLogger(name).setLevel(logging.ERROR)
    ctx = ray.data.DataContext.get_current()
    ctx.enable_progress_bars = False
    ctx.print_on_execution_start = False
    ctx.enable_operator_progress_bars = False
    return ray


def cluster_cpus() -> int:
    return max(1, int(_ray().cluster_resources().get("CPU", 1)))


def run_stage(stage: str, **kwargs: Any) -> StageResult:
    """Run ``stage`` with the keyword arguments of its local function, on Ray.

    A CurateError raised inside a Ray task (a bad row that is fatal, a template that fails)
    reaches the caller as itself, not wrapped in Ray's task errors.
    """
    funcs: dict[str, Callable[..., StageResult]] = {
        "ingest": ray_ingest,
        "dedupe": ray_dedupe,
        "export": ray_export,
    }
    if stage not in funcs:
        raise UsageError(f"the ray engine does not run stage {stage!r}")
    try:
        return funcs[stage](**kwargs)
    except Exception as exc:
        inner = _curate_cause(exc)
        if inner is None or inner is exc:
            raise
        raise inner from None


def _curate_cause(exc: BaseException) -> CurateError | None:
    """The original CurateError behind Ray's task-error wrappers (``cause`` / ``__cause__``)."""
    found = None
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        if isinstance(e, CurateError):
            found = e
        e = getattr(e, "cause", None) or e.__cause__
    return found


@contextlib.contextmanager
def _swapped(patches: Sequence[tuple[Any, str, Any]]) -> Iterator[None]:
    """Temporarily replace module attributes (the stage's primitives) with the Ray versions."""
    with _LOCK:
        saved = [(obj, name, getattr(obj, name)) for obj, name, _ in patches]
        try:
            for obj, name, value in saved:
                _ORIGINALS[(obj.__name__, name)] = value
            for obj, name, value in patches:
                setattr(obj, name, value)
            yield
        finally:
            for obj, name, value in saved:
                setattr(obj, name, value)
                _ORIGINALS.pop((obj.__name__, name), None)


def _original(module: Any, name: str) -> Any:
    """The local function, even while this process has it swapped for the Ray version."""
    return _ORIGINALS.get((module.__name__, name), getattr(module, name))


def _pack(obj: Any) -> bytes:
    return pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)


# -- ingest ----------------------------------------------------------------------------------


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


# -- dedupe ----------------------------------------------------------------------------------


def _fingerprint_batch(
    batch: dict[str, Any],
    lf: pl.LazyFrame,
    args: tuple[Any, ...],
    threads: int | None,
    need_exact: bool,
) -> dict[str, Any]:
    """Run the local ``dedupe._fingerprint`` on one slice of the records file (its wanted rows)."""
    dd = importlib.import_module("curate.dedupe")  # the module: curate.dedupe is also the function

    out = []
    for blob in batch["rows"]:
        want = np.frombuffer(blob, np.int64)
        lo, hi = int(want[0]), int(want[-1]) + 1
        text_expr, *rest = args
        got = list(
            _original(dd, "_fingerprint")(
                lf.slice(lo, hi - lo), text_expr, want - lo, *rest, threads, need_exact=need_exact
            )
        )
        for b in got:
            b.rows = b.rows + lo
            # shingle sets would travel back at ~4 B per word; the driver re-reads the few
            # texts its exact checks need instead (the same answer, see dedupe)
            b.sets = None
        out.append(_pack(got))
    return {"batches": np.array(out, dtype=object)}


def ray_fingerprint(
    lf: pl.LazyFrame,
    text_expr: pl.Expr,
    todo: npt.NDArray[np.int64],
    sh: Any,
    ev: Any,
    num_perm: int,
    seed: int,
    bands: int,
    rows: int,
    batch_size: int,
    threads: int | None,
    *,
    need_exact: bool,
) -> Iterator[Any]:
    """Drop-in for ``curate.dedupe._fingerprint``: the local function itself, once per slice of
    ``batch_size`` wanted rows, each in a Ray Data task that reads only its slice of the file."""
    ray = _ray()
    if not todo.size:
        return
    # A task per row group's worth of rows at least: a task reads whole row groups, so tasks
    # of one small batch each would decode every row group several times.
    step = max(batch_size, ROW_GROUP_SIZE)
    chunks = [todo[i : i + step].astype(np.int64).tobytes() for i in range(0, todo.size, step)]
    args = (text_expr, sh, ev, num_perm, seed, bands, rows, batch_size)
    ds = ray.data.from_items(
        [{"rows": c} for c in chunks], override_num_blocks=len(chunks)
    ).map_batches(
        _fingerprint_batch,
        batch_size=1,
        batch_format="numpy",
        fn_kwargs={"lf": lf, "args": args, "threads": 1, "need_exact": need_exact},
    )
    # streamed, as the local generator is: batches are consumed as they come
    for r in ds.iter_rows():
        yield from pickle.loads(r["batches"])


def _split(
    cols: dict[str, npt.NDArray[Any]], part: npt.NDArray[np.int64], parts: int
) -> list[dict[str, Any]]:
    """Rows of ``cols`` grouped by their partition number (the map side of a shuffle)."""
    order = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[order], np.arange(parts + 1))
    return [{k: v[order[bounds[p] : bounds[p + 1]]] for k, v in cols.items()} for p in range(parts)]


def _band_rows(keys: Any, first: int, parts: int) -> list[dict[str, Any]]:
    """Map side of LSH bucketing: (node, band, key) rows of a block of signatures, by key hash."""
    n, bands = keys.shape
    node = np.repeat(np.arange(first, first + n, dtype=np.int64), bands)
    band = np.tile(np.arange(bands, dtype=np.int64), n)
    flat = np.ascontiguousarray(keys).reshape(-1)
    return _split(
        {"node": node, "band": band, "key": flat}, (flat % np.uint64(parts)).astype(np.int64), parts
    )


def _bucket_pairs(small: int, *pieces: dict[str, Any]) -> npt.NDArray[np.int64]:
    """Reduce side: every bucket of this key partition is here; ``mh.candidate_pairs`` per band."""
    from curate import minhash as mh

    node = np.concatenate([p["node"] for p in pieces])
    band = np.concatenate([p["band"] for p in pieces])
    key = np.concatenate([p["key"] for p in pieces])
    found = [np.empty((0, 2), np.int64)]
    # per band, members in index order, as the local stable sort sees them
    order = np.lexsort((node, band))
    node, band, key = node[order], band[order], key[order]
    bounds = np.flatnonzero(np.diff(band)) + 1
    for lo, hi in zip(np.r_[0, bounds], np.r_[bounds, node.size], strict=True):
        if hi - lo > 1:
            local = _original(mh, "candidate_pairs")(key[lo:hi, None], small=small)
            found.append(node[lo:hi][local])
    return np.concatenate(found)


def ray_candidate_pairs(keys: Any, *, small: int = SMALL_BUCKET) -> npt.NDArray[np.int64]:
    """Drop-in for ``mh.candidate_pairs``: band rows shuffled by bucket key over Ray tasks, then
    the local function applied to each key partition (a bucket never spans two partitions)."""
    ray = _ray()
    n, bands = keys.shape
    if n < 2:
        return np.empty((0, 2), np.int64)
    parts = max(2, min(64, (n * bands) // PAIR_PARTITION_ROWS + 1))
    rows_per_block = max(1, PAIR_PARTITION_ROWS // bands)
    mapper = ray.remote(_band_rows).options(num_returns=parts)
    reducer = ray.remote(_bucket_pairs)
    mapped = [
        mapper.remote(keys[i : i + rows_per_block], i, parts) for i in range(0, n, rows_per_block)
    ]
    pairs = ray.get([reducer.remote(small, *[m[p] for m in mapped]) for p in range(parts)])
    allp = np.concatenate(pairs)
    if not allp.size:
        return np.empty((0, 2), np.int64)
    code = np.unique(allp[:, 0] * n + allp[:, 1])
    return np.stack([code // n, code % n], 1)


def _send_labels(edges: dict[str, Any], labels: dict[str, Any], parts: int) -> list[dict[str, Any]]:
    """Scatter: each edge sends its source's label to its destination's partition."""
    pos = np.searchsorted(labels["node"], edges["src"])
    msg = {"node": edges["dst"], "label": labels["label"][pos]}
    return _split(msg, edges["dst"] % parts, parts)


def _take_min(labels: dict[str, Any], *msgs: dict[str, Any]) -> tuple[dict[str, Any], int]:
    """Gather: a node's new label is the smallest of its own and the ones it received."""
    node = np.concatenate([labels["node"], *[m["node"] for m in msgs]])
    label = np.concatenate([labels["label"], *[m["label"] for m in msgs]])
    order = np.lexsort((label, node))
    node, label = node[order], label[order]
    first = np.ones(node.size, bool)
    first[1:] = node[1:] != node[:-1]
    new = {"node": node[first], "label": label[first]}  # nodes sorted, as labels["node"] is
    return new, int((new["label"] != labels["label"]).sum())


def ray_components(n: int, pairs: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Drop-in for ``mh.components``: min-label propagation over hash partitions of the graph.

    Edges and labels live in the object store, partitioned by node; each round every partition
    sends its nodes' labels along their edges (scatter), and every partition keeps the minimum it
    received per node (gather), until no label changes. Only the per-round change counts reach
    the driver before the end. The fixed point labels each node with the smallest node of its
    component, exactly as the local union-find does.
    """
    ray = _ray()
    label_out = np.arange(n, dtype=np.int64)
    if not pairs.size:
        return label_out
    parts = max(2, min(64, cluster_cpus() * 2, pairs.shape[0] // 50_000 + 2))
    src = np.concatenate([pairs[:, 0], pairs[:, 1]]).astype(np.int64)
    dst = np.concatenate([pairs[:, 1], pairs[:, 0]]).astype(np.int64)
    edges = [ray.put(e) for e in _split({"src": src, "dst": dst}, src % parts, parts)]
    nodes = np.unique(src)
    labels = [
        ray.put(lab) for lab in _split({"node": nodes, "label": nodes.copy()}, nodes % parts, parts)
    ]
    send = ray.remote(_send_labels).options(num_returns=parts)
    take = ray.remote(_take_min).options(num_returns=2)
    while True:
        sent = [send.remote(edges[p], labels[p], parts) for p in range(parts)]
        out = [take.remote(labels[q], *[s[q] for s in sent]) for q in range(parts)]
        labels = [o[0] for o in out]
        if sum(ray.get([o[1] for o in out])) == 0:
            break
    for lab in ray.get(labels):
        label_out[lab["node"]] = lab["label"]
    return label_out


def ray_dedupe(workspace: Any, **kwargs: Any) -> StageResult:
    """``curate.dedupe.dedupe`` with fingerprints, LSH buckets and components on Ray."""
    dd = importlib.import_module("curate.dedupe")  # the module: curate.dedupe is also the function
    from curate import minhash as mh

    _ray()
    with _swapped(
        [
            (dd, "_fingerprint", ray_fingerprint),
            (mh, "candidate_pairs", ray_candidate_pairs),
            (mh, "components", ray_components),
        ]
    ):
        result = dd.dedupe(workspace, **kwargs)
    return result


# -- export ----------------------------------------------------------------------------------


def _render_remote(table: Any, schema: Any, task_names: list[str], train_on: str) -> bytes:
    """One export batch rendered on a worker: ``render_records`` exactly, pickled back."""
    ex = importlib.import_module("curate.export")  # the module: curate.export is also the function

    tasks = ex.compile_tasks(schema, task_names)  # compiled templates do not pickle; recompile
    df = pl.from_arrow(table)
    assert isinstance(df, pl.DataFrame)
    return _pack(_original(ex, "render_records")(df, tasks, train_on))


def ray_render_batches(
    batches: Iterable[pl.DataFrame],
    tasks: Any,
    train_on: str = "all",
    *,
    schema: Any,
    ahead: int | None = None,
) -> Iterator[tuple[pl.DataFrame, list[Any], dict[int, tuple[str, str]]]]:
    """Drop-in for ``curate.export.render_batches``: each batch rendered by a Ray task, several
    in flight while export consumes the earlier ones, yielded in input order."""
    ray = _ray()
    remote = ray.remote(_render_remote)
    names = [t.name for t in tasks]
    window = ahead if ahead is not None else max(2, 2 * cluster_cpus())
    pending: collections.deque[tuple[pl.DataFrame, Any]] = collections.deque()
    for df in batches:
        pending.append((df, remote.remote(df.to_arrow(), schema, names, train_on)))
        if len(pending) >= window:
            done, ref = pending.popleft()
            yield done, *pickle.loads(ray.get(ref))
    while pending:
        done, ref = pending.popleft()
        yield done, *pickle.loads(ray.get(ref))


def ray_export(workspace: Any, **kwargs: Any) -> StageResult:
    """``curate.export.export`` with each batch's rendering done by Ray tasks, ahead of export."""
    import functools

    ex = importlib.import_module("curate.export")  # the module: curate.export is also the function
    from curate.schema import load_workspace_schema

    _ray()
    ws = workspace if isinstance(workspace, Workspace) else Workspace(workspace)
    ws.require("ingest")
    render = functools.partial(ray_render_batches, schema=load_workspace_schema(ws))
    with _swapped([(ex, "render_batches", render)]):
        result = ex.export(workspace, **kwargs)
    return result
