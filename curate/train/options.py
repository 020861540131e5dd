"""TrainConfig: every option of `curate train`, once.

The ``train()`` keyword arguments, the ``[train]`` section of curate.toml and the CLI flags are
derived from these fields (see curate/options.py). It is the only TrainConfig: the trainer
reads it, ``curate run`` builds it from the config file, the CLI from its flags.

Unlike the other stages' options it may be changed after creation (``config.resume = True``
to continue a run); every assignment is validated like the constructor's values.
"""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from curate.options import StageOptions

Device = Literal["auto", "cpu", "cuda", "mps"]
Dtype = Literal["auto", "fp32", "bf16", "fp16"]
Switch = Literal["auto", "on", "off"]


class TrainConfig(StageOptions):
    """How a LoRA adapter is trained on an export (see ``curate.train``);
    ``target_modules=None`` means all linear layers."""

    model_config = ConfigDict(extra="forbid", frozen=False, validate_assignment=True)

    model: str = Field(
        description="Base model: a local directory, a .gguf file, a hub id, or 'smollm2'."
    )
    out: str = Field(
        description="Adapter output directory.", json_schema_extra={"cli": {"metavar": "DIR"}}
    )
    epochs: float = Field(
        default=1.0, gt=0, description="Passes over train.jsonl (ignored with max_steps)."
    )
    max_steps: int | None = Field(
        default=None, ge=1, description="Optimizer steps to run (overrides epochs)."
    )
    lr: float = Field(default=2e-4, gt=0, description="Peak learning rate (warmup, then cosine).")
    lora_r: int = Field(default=16, gt=0, description="LoRA rank.")
    lora_alpha: int = Field(default=32, gt=0, description="LoRA scaling numerator (alpha / r).")
    lora_dropout: float = Field(default=0.05, ge=0, lt=1, description="Dropout on the LoRA inputs.")
    target_modules: list[str] | None = Field(
        default=None,
        description="Comma-separated module names (default: all linear projections).",
        json_schema_extra={"cli": {"separator": ",", "metavar": "NAMES"}},
    )
    batch_size: int = Field(
        default=4,
        gt=0,
        description="Examples per micro-batch (packed: rows of up to max-tokens tokens).",
    )
    grad_accum: int = Field(default=1, gt=0, description="Micro-batches per optimizer step.")
    max_tokens: int = Field(
        default=1024,
        ge=8,
        description="Longest example; examples whose answer would be cut are skipped.",
    )
    seed: int = Field(
        default=0, description="Seed of the batch order, dropout and LoRA initialization."
    )
    eval_every: int = Field(
        default=50,
        ge=0,
        description="Steps between val.jsonl evaluations (0: only first and last).",
    )
    save_every: int = Field(default=100, ge=0, description="Steps between checkpoints (0: none).")
    eval_examples: int = Field(
        default=256, ge=1, description="Val examples used for the evaluation loss."
    )
    warmup_ratio: float = Field(
        default=0.05,
        ge=0,
        lt=1,
        description="Share of the steps spent warming the learning rate up.",
    )
    device: Device = Field(
        default="auto", description="Where to train (auto: a GPU when there is one)."
    )
    dtype: Dtype = Field(
        default="auto",
        description="Precision (auto: bf16 on a GPU that supports it, fp16 on other GPUs, fp32 elsewhere).",
    )
    gradient_checkpointing: bool = Field(
        default=False,
        description="Always recompute activations in the backward pass (otherwise only where "
        "the GPU's memory would not hold them).",
    )
    packing: Switch = Field(
        default="auto",
        description="Pack several examples per row (up to max-tokens), each attending only to "
        "itself (auto: on when the model keeps packed examples apart).",
    )
    fused_optimizer: Switch = Field(
        default="auto",
        description="Use torch's fused AdamW kernel (auto: where the device has one).",
    )
    merge: bool = Field(default=False, description="Also write a merged full model to OUT/merged.")
    resume: bool = Field(default=False, description="Continue from the last checkpoint in out.")


__all__ = ["Device", "Dtype", "Switch", "TrainConfig"]
