"""`curate train` and `curate generate`: LoRA fine-tuning on an export directory.

Importing this package is cheap: TrainConfig (pydantic) and TrainResult load on first use;
torch, transformers and peft (the ``train`` extra) only inside the functions that run a model.
``generate`` is bound eagerly because it shares its name with its module: a lazy name would be
shadowed by the submodule once anything imported ``curate.train.generate``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from curate.train.api import train as train
from curate.train.generate import Answer as Answer
from curate.train.generate import generate as generate
from curate.train.masking import DEFAULT_CHAT_TEMPLATE as DEFAULT_CHAT_TEMPLATE
from curate.train.models import cache_dir as cache_dir
from curate.train.models import convert_gguf as convert_gguf
from curate.train.models import resolve_model as resolve_model
from curate.train.models import smollm2_path as smollm2_path

if TYPE_CHECKING:
    from curate.train.options import TrainConfig as TrainConfig
    from curate.train.trainer import TrainResult as TrainResult

_LAZY = {
    "TrainConfig": "curate.train.options",
    "TrainResult": "curate.train.trainer",
}


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'curate.train' has no attribute {name!r}")


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
