"""SynthesizeOptions: every option of `curate synthesize`, once (flags and keywords)."""

from __future__ import annotations

from pydantic import Field

from curate.options import StageOptions


class SynthesizeOptions(StageOptions):
    """Which model writes question-answer pairs about doc sections, and how they are filtered."""

    generator: str = Field(
        description="Model that writes the pairs: a local transformers model folder (or alias), "
        "or, with --endpoint, the model name served there.",
        json_schema_extra={"cli": {"metavar": "MODEL"}},
    )
    endpoint: str | None = Field(
        default=None,
        description="OpenAI-compatible base URL (e.g. http://localhost:8000/v1) to ask instead "
        "of a local model.",
        json_schema_extra={"cli": {"metavar": "URL"}},
    )
    api_key_env: str | None = Field(
        default=None,
        description="Environment variable holding the endpoint's API key (never the key itself).",
        json_schema_extra={"cli": {"metavar": "VAR"}},
    )
    out: str | None = Field(
        default=None,
        description="Folder for synthetic_{split}.jsonl (default: WORKSPACE/synthetic).",
        json_schema_extra={"cli": {"metavar": "DIR"}},
    )
    per_section: int = Field(default=2, ge=1, description="Pairs asked for per doc section.")
    max_new_tokens: int = Field(default=384, ge=1, description="Longest generated reply.")
    min_support: float = Field(
        default=0.6,
        ge=0,
        le=1,
        description="Share of an answer's words that must come from its section (answerable).",
    )
    max_copy: float = Field(
        default=0.8,
        ge=0,
        le=1,
        description="Largest share of an answer copied verbatim from its section.",
    )
    limit: int | None = Field(
        default=None, ge=1, description="Ask about only the first N sections (a quick look)."
    )
    field_name: str = Field(
        default="section_text", description="Record field holding the section text."
    )


__all__ = ["SynthesizeOptions"]
