"""Execution engines: where a stage's per-batch work runs, chosen by name.

``local`` (default) runs every stage in this process, streaming its input in bounded batches.
``ray`` runs the *same* per-batch functions as Ray tasks, buckets LSH bands by a shuffle over
Ray tasks and finds connected components by distributed min-label propagation
(curate.engine.ray). Both engines give byte-identical tables.

A stage takes an engine object (:class:`~curate.engine.base.Engine`); :func:`make_engine` turns
the CLI's ``--engine`` / ``--ray-address`` (``engine = "ray"`` in curate.toml) into one. ray is
imported only when the ray engine is chosen.
"""

from __future__ import annotations

import importlib.util
import os
import socket
from typing import TYPE_CHECKING, Any

from curate.errors import MissingDependencyError, UsageError

if TYPE_CHECKING:
    from curate.engine.base import Engine

ENGINES = ("local", "ray")
STAGES_WITH_ENGINE = ("ingest", "dedupe", "export")
CONNECT_TIMEOUT_S = 20.0  # plus at most 5 s of TCP probe: under the 30 s promised
DEFAULT_RAY_PORT = 6379
RAY_CLIENT_PORT = 10001

__all__ = [
    "CONNECT_TIMEOUT_S",
    "ENGINES",
    "STAGES_WITH_ENGINE",
    "check_engine",
    "connect_ray",
    "make_engine",
    "require_ray",
]


def check_engine(engine: str | None) -> str:
    """The engine name, validated (None means local)."""
    name = (engine or "local").strip().lower()
    if name not in ENGINES:
        raise UsageError(
            f"engine must be one of {', '.join(ENGINES)}, got {engine!r}", param="engine"
        )
    return name


def require_ray() -> None:
    """Raise MissingDependencyError (exit 2, with the pip command) unless ray[data] imports."""
    for mod in ("ray", "ray.data", "pyarrow"):
        try:
            found = importlib.util.find_spec(mod) is not None
        except (ImportError, ValueError):
            found = False
        if not found:
            raise MissingDependencyError("the ray engine", "ray", "ray[data]")


def _host_port(address: str) -> tuple[str, int]:
    """host and port of a Ray address (``host:port`` or ``ray://host:port``)."""
    client = address.startswith("ray://")
    rest = address.removeprefix("ray://")
    host, _, port = rest.rpartition(":")
    if not host:
        host, port = rest, ""
    try:
        return host.strip("[]"), int(port) if port else (
            RAY_CLIENT_PORT if client else DEFAULT_RAY_PORT
        )
    except ValueError:
        raise UsageError(
            f"ray_address {address!r} is not host:port or ray://host:port",
            hint="e.g. 10.0.0.5:6379, or no address to start a local Ray instance",
            param="ray_address",
        ) from None


def _unreachable(address: str, why: str) -> UsageError:
    return UsageError(
        f"cannot reach the Ray cluster at {address}: {why}",
        hint="check the head node's address and port (`ray status` on the head node prints it), "
        "or give no address to start a local Ray instance",
        param="ray_address",
    )


_PROBE = (
    "import sys, ray\n"
    "ray.init(address=sys.argv[1], include_dashboard=False, log_to_driver=False, logging_level='ERROR')\n"
    "ray.shutdown()\n"
)


def _probe(address: str, timeout_s: float) -> None:
    """Connect once from a child process that is killed at ``timeout_s``: Ray's own client keeps
    retrying for minutes when something that is not a Ray head answers on the port."""
    import subprocess
    import sys

    try:
        proc = subprocess.run(
            [sys.executable, "-c", _PROBE, address],
            capture_output=True,
            text=True,
            timeout=timeout_s,
            env={**os.environ, "RAY_DEDUP_LOGS": "0"},
        )
    except subprocess.TimeoutExpired:
        raise _unreachable(address, f"no Ray head answered within {timeout_s:g} s") from None
    if proc.returncode != 0:
        lines = [
            ln
            for ln in proc.stderr.splitlines()
            if ln.strip() and not ln.startswith((" ", "Traceback"))
        ]
        raise _unreachable(
            address, lines[-1] if lines else f"connection failed (exit {proc.returncode})"
        )


def connect_ray(
    address: str | None = None, *, num_cpus: int | None = None, timeout_s: float = CONNECT_TIMEOUT_S
) -> None:
    """Connect to ``address`` or start a local Ray instance; an address that does not answer is
    a UsageError within ``timeout_s`` (+ a few seconds' TCP probe), never a hang."""
    require_ray()
    import ray

    if address and address != "auto":
        host, port = _host_port(address)
        try:
            with socket.create_connection((host, port), timeout=5.0):
                pass
        except OSError as exc:
            raise _unreachable(address, exc.strerror or type(exc).__name__) from None
        if not ray.is_initialized():
            _probe(address, timeout_s)
    if ray.is_initialized():
        return
    os.environ.setdefault("RAY_DEDUP_LOGS", "0")
    kwargs: dict[str, Any] = {
        "include_dashboard": False,
        "log_to_driver": False,
        "logging_level": "ERROR",
    }
    if address:
        kwargs["address"] = address
    elif num_cpus is not None:
        kwargs["num_cpus"] = num_cpus
    try:
        ray.init(**kwargs)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        if address:
            raise _unreachable(
                address, str(exc).splitlines()[0] if str(exc) else type(exc).__name__
            ) from None
        raise UsageError(
            f"cannot start a local Ray instance: {exc}",
            hint="run `ray start --head` yourself and give its address, or use the local engine",
            param="engine",
        ) from None


def make_engine(engine: str | None = "local", ray_address: str | None = None) -> Engine:
    """The engine named ``engine`` ("local" or "ray"), ready to pass to a stage.

    ``ray`` connects to ``ray_address`` (or starts a local Ray instance) before returning, so an
    unreachable cluster fails here, within the connect timeout, before any stage work.
    """
    name = check_engine(engine)
    if ray_address and name != "ray":
        raise UsageError(
            f"ray_address is given ({ray_address}) but the engine is {name!r}; it needs engine 'ray'",
            param="ray_address",
        )
    if name == "local":
        from curate.engine.base import LOCAL

        return LOCAL
    require_ray()
    connect_ray(ray_address)
    from curate.engine.ray import RayEngine

    return RayEngine()
