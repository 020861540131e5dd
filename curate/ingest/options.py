"""IngestOptions: every option of `curate ingest`, once: the ``ingest()`` keyword arguments, the
``[ingest]`` section of curate.toml and the CLI flags are all derived from these fields.

Names follow the CLI flags users type: language ID is ``langid`` everywhere (the function's
keyword was ``langid_backend``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from curate.options import StageOptions

if TYPE_CHECKING:
    from curate.schema import Schema

Langid = Literal["fasttext", "langdetect"]
SCHEMA_PACK = "schema"  # rules = "schema": the schema's own pack (its ``rules`` key)


class IngestOptions(StageOptions):
    """How raw files become the workspace's ingest tables (see ``curate.ingest.ingest``)."""

    schema_: str = Field(
        alias="schema",
        description="Built-in schema name or a schema .toml file.",
        json_schema_extra={"cli": {"metavar": "NAME|FILE"}},
    )
    rules: str | None = Field(
        "schema",
        description="Rule pack name or .toml file; 'none' applies no rules. Default 'schema': "
        "the schema's own pack (tickets: default, clinical_notes: clinical, contracts: "
        "contracts, codebase: code; 'default' for a schema that names none).",
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


def resolve_rules(rules: str | None, schema: Schema) -> tuple[str | None, str]:
    """The rule pack ingest runs (None: no rules) and where that choice came from. An explicit
    pack (the flag, the config's ``rules =``, the keyword; ``none``/None for no rules) always
    wins; ``schema`` (the default) is the schema's ``rules`` key, else ``default``. One function
    for the CLI, ``curate run`` and every engine, so a clinical or contracts run never falls
    back to the default pack silently (issue 18)."""
    if rules is None or rules.lower() == "none":
        return None, "option"
    if rules != SCHEMA_PACK:
        return rules, "option"
    if schema.rules is None:
        return "default", "default"
    return (None if schema.rules.lower() == "none" else schema.rules), "schema"
