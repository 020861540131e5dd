"""DedupeOptions: every option of `curate dedupe`, once: the ``dedupe()`` keyword arguments, the
``[dedupe]`` section of curate.toml and the CLI flags are all derived from these fields.

``index`` is the CLI's and curate.toml's name for the persisted index (the function called it
``index_dir``). ``enabled`` is not here: it says whether ``curate run`` runs the stage at all,
so it belongs to the run configuration.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, field_validator

from curate.options import StageOptions

Keep = Literal["most-complete", "longest", "first", "newest"]


class DedupeOptions(StageOptions):
    """How records are fingerprinted, matched and kept (see ``curate.dedupe.dedupe``)."""

    threshold: float = Field(
        0.8,
        gt=0,
        le=1,
        description="Jaccard similarity above which two records are near-duplicates, in (0, 1].",
    )
    num_perm: int = Field(
        128,
        ge=8,
        le=4096,
        description="MinHash signature length (8 to 4096, divided into LSH bands).",
    )
    ngram: int = Field(5, ge=1, description="Word n-gram size of the fingerprint.")
    char_ngrams: int | None = Field(
        None,
        ge=1,
        description="Fingerprint character n-grams of this size instead of words (for short "
        "texts).",
    )
    fields: list[str] | None = Field(
        None,
        description="Field columns that form the fingerprint (default: the whole record).",
        json_schema_extra={"cli": {"separator": ",", "metavar": "FIELD,..."}},
    )
    keep: Keep = Field("most-complete", description="Which record of a cluster is kept.")
    verify: bool = Field(
        False, description="Confirm candidate pairs by exact Jaccard (slower, exact)."
    )
    against: list[str] = Field(
        default_factory=list,
        description="Evaluation set (JSONL/JSON/CSV/TSV/Parquet) to decontaminate against; "
        "repeatable.",
        json_schema_extra={"cli": {"metavar": "FILE"}},
    )
    contamination_ngram: int = Field(
        13,
        ge=1,
        description="Words per n-gram compared with the evaluation sets; a record shares 12 "
        "distinct ones with an item to be contaminated (fewer for a short item), phrases in 3+ "
        "items excepted.",
    )
    index: str | None = Field(
        None,
        description="Directory of persisted signatures: dedupe against earlier runs and add "
        "this one.",
        json_schema_extra={"cli": {"metavar": "DIR"}},
    )
    seed: int = Field(1, description="Hash seed (same seed, same clusters).")
    batch_size: int = Field(
        2048, ge=1, description="Records fingerprinted per batch (memory, not results)."
    )
    threads: int | None = Field(
        None,
        ge=1,
        description="Threads per fingerprinting task (default: up to 2; results do not depend "
        "on it).",
    )

    @field_validator("fields", mode="before")
    @classmethod
    def _split_fields(cls, value: Any) -> Any:
        """``"subject, body"`` (as curate.toml or a flag may give it) is two fields."""
        if isinstance(value, str):
            return [f.strip() for f in value.split(",") if f.strip()] or None
        return value
