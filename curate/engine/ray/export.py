"""Ray export: the export stage itself, given a RayEngine. Its batches are rendered by
``RayEngine.map_ordered`` (curate.export.render.Renderer pickles to the workers), several in
flight while export consumes the earlier ones, in input order; nothing of the stage is
swapped or copied here, so the files are those the local engine writes."""

from __future__ import annotations

import os
from typing import Any

from curate.workspace import StageResult, Workspace


def ray_export(workspace: str | os.PathLike[str] | Workspace, **kwargs: Any) -> StageResult:
    """``curate.export.export`` with ``engine=RayEngine()``."""
    from curate.engine.ray import RayEngine
    from curate.export import export

    return export(workspace, engine=RayEngine(), **kwargs)
