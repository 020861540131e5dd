"""Ray export: each export batch rendered by ``render_records`` in a Ray task, several in flight
while export consumes the earlier ones, yielded in input order."""

from __future__ import annotations

import collections
import importlib
import pickle
from collections.abc import Iterable, Iterator
from typing import Any

import polars as pl

from curate.engine.ray import _original, _pack, _ray, _swapped, cluster_cpus
from curate.workspace import StageResult, Workspace


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
