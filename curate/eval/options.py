"""EvalOptions: every option of `curate eval`, once.

The ``eval()`` keyword arguments, the ``[eval]`` section of curate.toml and the CLI flags are
derived from these fields (see curate/options.py). What is evaluated (the adapter or model,
the export folder) and where results go (the workspace) are the function's own arguments.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from curate.options import StageOptions

Split = Literal["test", "val"]
Device = Literal["auto", "cpu", "cuda", "mps"]
Dtype = Literal["auto", "fp32", "bf16", "fp16"]


class EvalOptions(StageOptions):
    """How the base model, the adapter and the prompt baseline are compared (``curate.eval``)."""

    split: Split = Field(default="test", description="Held-out split of the export to evaluate.")
    base: str | None = Field(
        default=None,
        description="Base model (default: the one the adapter was trained on; needed for a full model).",
        json_schema_extra={"cli": {"metavar": "MODEL"}},
    )
    prompt_baseline: str | None = Field(
        default=None,
        description="Also score the base model with this prompt: a text file (system prompt) "
        "or chat JSONL (few-shot turns).",
        json_schema_extra={"cli": {"metavar": "FILE"}},
    )
    schema_: str | None = Field(
        default=None,
        alias="schema",
        description="Schema whose tasks declare the metrics (default: the export's).",
        json_schema_extra={"cli": {"metavar": "NAME|FILE"}},
    )
    max_new_tokens: int = Field(default=128, ge=1, description="Longest generated answer.")
    batch_size: int = Field(default=8, ge=1, description="Prompts generated together.")
    limit: int | None = Field(
        default=None, ge=1, description="Evaluate only the first N examples (a quick look)."
    )
    seed: int = Field(default=0, description="Seed of generation and of the bootstrap.")
    resamples: int = Field(
        default=1000, ge=100, description="Bootstrap resamples for the confidence intervals."
    )
    device: Device = Field(
        default="auto", description="Where to run (auto: a GPU when there is one)."
    )
    dtype: Dtype = Field(
        default="auto", description="Precision (auto: bf16/fp16 on a GPU, fp32 elsewhere)."
    )


__all__ = ["EvalOptions", "Split"]
