"""ExportOptions: every option of `curate export`, once: the ``export()`` keyword arguments, the
``[export]`` section of curate.toml and the CLI flags are all derived from these fields.

``check`` holds the rules that tie two options together (a single field's bounds are in its
``Field``); the stage runs it whoever built the options.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from curate.errors import UsageError
from curate.options import StageOptions

Format = Literal["chat", "sharegpt", "alpaca", "completion"]
CompletionStyle = Literal["standard", "conversational"]
TrainOn = Literal["all", "last"]
OverLength = Literal["drop", "drop_turns", "trim"]


class ExportOptions(StageOptions):
    """How kept records become train/val/test JSONL (see ``curate.export.export``)."""

    out: Path = Field(
        default=Path("export"),
        description="Directory for train.jsonl, val.jsonl, test.jsonl and manifest.json.",
        json_schema_extra={"cli": {"metavar": "DIR"}},
    )
    format: Format = Field("chat", description="Output format.")
    completion_style: CompletionStyle = Field(
        "standard",
        description="For format completion: prompt/completion strings or message lists (TRL).",
    )
    val_fraction: float = Field(0.1, ge=0, lt=1, description="Share of records in val.")
    test_fraction: float = Field(0.0, ge=0, lt=1, description="Share of records in test.")
    seed: int = Field(0, description="Seed of the split assignment.")
    stratify: str | None = Field(
        None,
        description="Schema field to stratify splits by (default: the schema's; 'none' to "
        "disable).",
    )
    tokenizer: str | None = Field(
        None,
        description="tokenizer.json, model directory, hub id or smollm2 (the offline model): "
        "exact token counts.",
    )
    max_tokens: int | None = Field(
        None,
        ge=1,
        description="Token budget per example (needs a tokenizer); what happens to longer ones "
        "is over_length's choice.",
    )
    over_length: OverLength = Field(
        "drop",
        description="An example over max_tokens: 'drop' (its record is over_length; nothing is "
        "cut), 'drop_turns' (drop earlier exchanges of a conversation, no message cut) or "
        "'trim' (also cut the last user message's tail: the answer may then describe what the "
        "prompt no longer holds). The strategy used is recorded per record.",
    )
    source_splits: list[str] | None = Field(
        None,
        description="GLOB=SPLIT: records from source files matching GLOB (name or path) go to "
        "SPLIT (train, val or test), e.g. '*TestSet*=test'; repeatable (default: the schema's "
        "source_splits; 'none' for none). Only the other records are drawn by the fractions.",
        json_schema_extra={"cli": {"metavar": "GLOB=SPLIT"}},
    )
    split_field: str | None = Field(
        None,
        description="Schema field whose value (train, val/validation/valid/dev, test) is the "
        "record's split as its source published it; other values are drawn.",
        json_schema_extra={"cli": {"metavar": "FIELD"}},
    )
    metadata: bool = Field(
        False, description="Add a metadata object (record_id, source, split...)."
    )
    train_on: TrainOn = Field(
        "all", description="'last' sets weight 0 on earlier assistant turns (chat format)."
    )
    tasks: list[str] | None = Field(
        None, description="Export only these schema tasks (all of them when not given)."
    )
    shard_size: int | None = Field(
        None,
        ge=1,
        description="Write each split as shards of N examples (train-00000.jsonl, ...), listed "
        "in order in manifest.json.",
        json_schema_extra={"cli": {"metavar": "N"}},
    )

    def check(self) -> None:
        """The rules between options: a UsageError naming the parameter at fault."""
        from curate.export.splits import check_fractions

        if self.train_on == "last" and self.format != "chat":
            raise UsageError(
                f"train_on 'last' needs format 'chat' (only chat lines carry a weight), "
                f"got format {self.format!r}",
                param="train_on",
            )
        check_fractions(self.val_fraction, self.test_fraction)
        if self.source_splits:
            from curate.export.source_splits import parse_source_splits

            parse_source_splits(self.source_splits)
        if self.max_tokens is not None and self.tokenizer is None:
            raise UsageError(
                "max_tokens needs a tokenizer: lengths are counted with the real tokenizer",
                param="max_tokens",
            )
