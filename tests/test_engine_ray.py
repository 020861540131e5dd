"""The engine choice: clear errors, and the Ray engine giving byte-identical tables and exports."""

from __future__ import annotations

import hashlib
import importlib.util
import time
from pathlib import Path
from typing import Any

import click
import numpy as np
import pytest
from click.testing import CliRunner

from curate.cli._common import handle_errors
from curate.dedupe import lsh
from curate.dedupe.clusters import components
from curate.engine import check_engine, connect_ray, make_engine
from curate.errors import MissingDependencyError, UsageError

SAMPLE = Path(__file__).resolve().parent.parent / "sample_data" / "tickets"
HAS_RAY = importlib.util.find_spec("ray") is not None
needs_ray = pytest.mark.skipif(
    not HAS_RAY, reason="ray is not installed (pip install 'curate[ray]')"
)


@click.command()
@click.option("--engine", default="local")
@click.option("--ray-address", default=None)
@handle_errors
def _cmd(engine: str, ray_address: str | None) -> None:
    """The way a stage command gets its engine (the real ones add these two options)."""
    make_engine(engine, ray_address)


def test_engine_name_is_checked() -> None:
    assert check_engine(None) == "local"
    assert check_engine("Ray") == "ray"
    with pytest.raises(UsageError, match=r"^engine must be one of local, ray, got 'spark'$") as e:
        check_engine("spark")
    assert e.value.param == "engine"


def test_ray_address_needs_the_ray_engine() -> None:
    with pytest.raises(UsageError) as e:
        make_engine("local", "10.0.0.1:6379")
    assert e.value.message == (
        "ray_address is given (10.0.0.1:6379) but the engine is 'local'; it needs engine 'ray'"
    )
    assert e.value.param == "ray_address"
    result = CliRunner().invoke(_cmd, ["--ray-address", "10.0.0.1:6379"])
    assert result.exit_code == 2


def test_local_engine_by_name() -> None:
    from curate.engine.base import LOCAL

    assert make_engine(None) is LOCAL
    assert make_engine("local") is LOCAL


def test_missing_ray_exits_2_with_the_pip_command(monkeypatch: pytest.MonkeyPatch) -> None:
    real = importlib.util.find_spec

    def find_spec(name: str, *args: Any) -> Any:
        return None if name.split(".")[0] == "ray" else real(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", find_spec)
    with pytest.raises(MissingDependencyError):
        make_engine("ray")
    result = CliRunner().invoke(_cmd, ["--engine", "ray"])
    assert result.exit_code == 2
    assert result.output == (
        "Error: the ray engine needs the optional package 'ray[data]'\n"
        "Hint: install it with: pip install 'curate[ray]'\n"
    )


@needs_ray
def test_bad_ray_address_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match=r"^ray_address 'head-node:port' is not host:port") as e:
        connect_ray("head-node:port")
    assert e.value.param == "ray_address"


@needs_ray
def test_closed_ray_port_fails_fast() -> None:
    started = time.monotonic()
    result = CliRunner().invoke(_cmd, ["--engine", "ray", "--ray-address", "127.0.0.1:1"])
    assert time.monotonic() - started < 30
    assert result.exit_code == 2
    assert result.output.startswith("Error: cannot reach the Ray cluster at 127.0.0.1:1: ")
    assert "Hint: check the head node's address and port" in result.output


@needs_ray
def test_port_that_is_not_a_ray_head_times_out() -> None:
    """Something accepts TCP on the port but never speaks Ray: the probe is killed at the timeout."""
    import socket
    import threading

    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen()
    port = server.getsockname()[1]
    accepted: list[socket.socket] = []
    threading.Thread(target=lambda: accepted.append(server.accept()[0]), daemon=True).start()
    started = time.monotonic()
    with pytest.raises(UsageError, match=r"cannot reach the Ray cluster at 127\.0\.0\.1:\d+: "):
        connect_ray(f"127.0.0.1:{port}", timeout_s=6)
    assert time.monotonic() - started < 15
    server.close()


@pytest.fixture(scope="module")
def ray_local() -> Any:
    import ray

    if not ray.is_initialized():
        ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    yield ray
    ray.shutdown()


@needs_ray
def test_distributed_buckets_and_components_match_local(ray_local: Any) -> None:
    from curate.engine.ray.shuffle import ray_candidate_pairs, ray_components

    rng = np.random.default_rng(7)
    keys = rng.integers(0, 2**63, size=(400, 6), dtype=np.uint64)
    keys[50:70, 2] = keys[49, 2]  # one bucket of 21 (a star), several small ones, a chain
    for a, b in [(1, 2), (2, 3), (3, 4), (100, 250), (250, 399), (7, 8)]:
        keys[b, a % 6] = keys[a, a % 6]
    local = lsh.candidate_pairs(keys)
    got = ray_candidate_pairs(keys)
    assert local.shape[0] > 25
    np.testing.assert_array_equal(got, local)
    np.testing.assert_array_equal(ray_components(400, got), components(400, local))
    assert ray_components(5, np.empty((0, 2), np.int64)).tolist() == [0, 1, 2, 3, 4]


@needs_ray
def test_ray_map_ordered_keeps_input_order_and_raises_curate_errors(ray_local: Any) -> None:
    """Library functions only: a worker imports curate, not this test module."""
    from curate.engine.ray import RayEngine

    engine = RayEngine()
    assert list(engine.map_ordered(str, range(9), window=3)) == [str(i) for i in range(9)]
    names = ["local", "ray", "local", "spark", "ray"]
    assert list(engine.map_ordered(check_engine, names[:3])) == names[:3]
    with pytest.raises(UsageError, match=r"^engine must be one of local, ray, got 'spark'$"):
        list(engine.map_ordered(check_engine, names, window=2))


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@needs_ray
def test_ray_engine_gives_the_local_answer(ray_local: Any, tmp_path: Path) -> None:
    import polars as pl

    from curate.dedupe import dedupe
    from curate.export import export
    from curate.ingest import ingest

    for name in ("local", "ray"):
        ws = tmp_path / name
        engine = make_engine(name)  # each stage is given the engine; nothing is swapped
        ingest([str(SAMPLE)], "tickets", ws, batch_size=40, engine=engine)
        dedupe(ws, threshold=0.7, batch_size=64, engine=engine)
        export(ws, out=ws / "out", seed=3, val_fraction=0.2, metadata=True, engine=engine)
    tables = [
        "ingest/records.parquet",
        "ingest/rejects.parquet",
        "ingest/filtered.parquet",
        "ingest/rules.json",
        "dedupe/outcomes.parquet",
        "dedupe/clusters.parquet",
        "export/outcomes.parquet",
        "out/train.jsonl",
        "out/val.jsonl",
    ]
    for rel in tables:
        assert _digest(tmp_path / "ray" / rel) == _digest(tmp_path / "local" / rel), rel
    records = pl.read_parquet(tmp_path / "ray" / "ingest" / "records.parquet")
    clusters = pl.read_parquet(tmp_path / "ray" / "dedupe" / "clusters.parquet")
    assert records.height > 100  # several ingest chunks and dedupe batches
    assert clusters["cluster_id"].n_unique() >= 2  # the equivalence covers real clusters
    assert (tmp_path / "ray" / "out" / "val.jsonl").stat().st_size > 0


@needs_ray
def test_a_curate_error_inside_a_ray_task_reaches_the_cli_as_itself(ray_local: Any) -> None:
    from curate.engine.ray import _curate_cause
    from curate.errors import StageError

    def fail() -> None:
        raise StageError("template 'answer' failed to render record a.csv:3")

    with pytest.raises(Exception) as info:
        ray_local.get(ray_local.remote(fail).remote())
    inner = _curate_cause(info.value)
    assert type(inner) is StageError
    assert inner.message == "template 'answer' failed to render record a.csv:3"
