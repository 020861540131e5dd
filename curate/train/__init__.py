"""`curate train` and `curate generate`: LoRA fine-tuning on an export directory.

Importing this package is cheap: torch, transformers and peft (the ``train`` extra) are imported
only inside the functions that run a model.
"""

from __future__ import annotations

from curate.train.generate import Answer, generate
from curate.train.masking import DEFAULT_CHAT_TEMPLATE
from curate.train.models import cache_dir, convert_gguf, resolve_model, smollm2_path
from curate.train.trainer import TrainConfig, TrainResult, train

__all__ = [
    "DEFAULT_CHAT_TEMPLATE",
    "Answer",
    "TrainConfig",
    "TrainResult",
    "cache_dir",
    "convert_gguf",
    "generate",
    "resolve_model",
    "smollm2_path",
    "train",
]
