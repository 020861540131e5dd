"""The ingest stage: raw files -> validated, normalized, rule-checked records in the workspace.

``readers`` turn files of each format into batches of raw rows and per-row rejects; ``layouts``
map a file's rows to candidate records (one module per layout kind); ``validate`` checks,
normalizes and rule-filters them a chunk at a time; ``stage`` runs the steps and writes the
tables (``tables``); ``api`` is the public function. Importing this package is light: the
function imports Polars and pydantic when it runs.
"""

from __future__ import annotations

from curate.ingest.api import ingest

__all__ = ["ingest"]
