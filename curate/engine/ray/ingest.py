"""Ray ingest: the one ingest stage with a :class:`~curate.engine.ray.RayEngine`, whose
``map_ordered`` runs each chunk's validation, normalization and rules as a Ray task.

Files are read in the driver (the read loop decides where chunks are cut, so the output's
order), and only the per-chunk work is spread over the cluster.
"""

from __future__ import annotations

from typing import Any

from curate.workspace import StageResult


def ray_ingest(**kwargs: Any) -> StageResult:
    """``curate.ingest.ingest(**kwargs)`` on the Ray engine (``run_stage``'s entry point)."""
    from curate.engine.ray import RayEngine
    from curate.ingest import ingest

    return ingest(**kwargs, engine=RayEngine())
