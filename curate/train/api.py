"""The public ``train`` function: keyword arguments named and defaulted as TrainConfig's fields.

Importing this module is cheap (no pydantic, polars or torch): ``import curate`` binds
``curate.train`` to this function, and ``curate --help`` must stay fast.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal

from curate.errors import UsageError

if TYPE_CHECKING:
    from curate.train.options import TrainConfig
    from curate.train.trainer import TrainResult
    from curate.workspace import Workspace


def train(
    data_dir: str | os.PathLike[str],
    config: TrainConfig | None = None,
    *,
    model: str | None = None,
    out: str | None = None,
    epochs: float = 1.0,
    max_steps: int | None = None,
    lr: float = 2e-4,
    lora_r: int = 16,
    lora_alpha: int = 32,
    lora_dropout: float = 0.05,
    target_modules: list[str] | None = None,
    batch_size: int = 4,
    grad_accum: int = 1,
    max_tokens: int = 1024,
    seed: int = 0,
    eval_every: int = 50,
    save_every: int = 100,
    eval_examples: int = 256,
    warmup_ratio: float = 0.05,
    device: Literal["auto", "cpu", "cuda", "mps"] = "auto",
    dtype: Literal["auto", "fp32", "bf16", "fp16"] = "auto",
    gradient_checkpointing: bool = False,
    packing: Literal["auto", "on", "off"] = "auto",
    fused_optimizer: Literal["auto", "on", "off"] = "auto",
    merge: bool = False,
    resume: bool = False,
    progress: Callable[[dict[str, Any]], None] | None = None,
    workspace: Workspace | str | os.PathLike[str] | None = None,
) -> TrainResult:
    """Train a LoRA adapter on DATA_DIR/train.jsonl (an export folder); write it to ``out``.

    Options are keywords (``model`` and ``out`` are required) or one ``config`` (a
    ``TrainConfig``), not both. The loss covers assistant turns only. With a ``workspace`` the
    run is logged there as the ``train`` stage (``result.stage_result``). ``progress`` gets
    one dict per event (phase, start, step, eval). Needs the ``train`` extra (torch, peft).
    """
    from curate.train.options import TrainConfig
    from curate.train.trainer import train as run_training
    from curate.workspace import Workspace

    given: dict[str, Any] = {
        "model": model,
        "out": out,
        "epochs": epochs,
        "max_steps": max_steps,
        "lr": lr,
        "lora_r": lora_r,
        "lora_alpha": lora_alpha,
        "lora_dropout": lora_dropout,
        "target_modules": target_modules,
        "batch_size": batch_size,
        "grad_accum": grad_accum,
        "max_tokens": max_tokens,
        "seed": seed,
        "eval_every": eval_every,
        "save_every": save_every,
        "eval_examples": eval_examples,
        "warmup_ratio": warmup_ratio,
        "device": device,
        "dtype": dtype,
        "gradient_checkpointing": gradient_checkpointing,
        "packing": packing,
        "fused_optimizer": fused_optimizer,
        "merge": merge,
        "resume": resume,
    }
    if config is None:
        # model and out have no default: leave them out when None so the error says "required"
        config = TrainConfig.checked(
            **{k: v for k, v in given.items() if v is not None or k not in ("model", "out")}
        )
    else:
        fields = TrainConfig.model_fields
        changed = sorted(
            k
            for k, v in given.items()
            if v is not None and (fields[k].is_required() or v != fields[k].get_default())
        )
        if changed:
            raise UsageError(
                f"pass either config or keyword options, not both (got {', '.join(changed)})",
                param=changed[0],
            )
    ws = Workspace(workspace) if isinstance(workspace, str | os.PathLike) else workspace
    return run_training(data_dir, config, progress=progress, workspace=ws)


__all__ = ["train"]
