"""IngestOptions: every option of `curate ingest`, once: the ``ingest()`` keyword arguments, the
``[ingest]`` section of curate.toml and the CLI flags are all derived from these fields.

Names follow the CLI flags users type: language ID is ``langid`` everywhere (the function's
keyword was ``langid_backend``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from curate.options import StageOptions

Langid = Literal["fasttext", "langdetect"]


class IngestOptions(StageOptions):
    """How raw files become the workspace's ingest tables (see ``curate.ingest.ingest``)."""

    schema_: str = Field(
        alias="schema",
        description="Built-in schema name or a schema .toml file.",
        json_schema_extra={"cli": {"metavar": "NAME|FILE"}},
    )
    rules: str | None = Field(
        "default", description="Rule pack name or .toml file; 'none' applies no rules."
    )
    encoding: str | None = Field(None, description="Force an input encoding (default: detect).")
    batch_size: int = Field(
        10_000,
        ge=1,
        description="Rows held in memory at once. Bigger batches spread the rules' fixed cost "
        "per batch: 30000 is ~7% faster with rules and needs ~0.5 GB more memory.",
    )
    langid: Langid | None = Field(
        None,
        description="Language-ID backend (default: the pack's; langdetect is slow and uses all "
        "cores).",
    )
    workers: int | None = Field(
        None,
        ge=1,
        description="Worker processes for validation, normalization and rules (default: up to "
        "4 on machines with more than 2 cores, for inputs over 32 MB). Output is identical for "
        "any number. Local engine only.",
    )
