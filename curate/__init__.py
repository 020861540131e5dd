"""curate: messy domain records in, clean fine-tuning data (and a LoRA adapter) out.

The stage functions are the library; the ``curate`` command only parses options and calls them::

    import curate

    curate.ingest(["exports/"], schema="tickets", workspace="work")
    curate.dedupe("work")
    curate.export("work", out="work/export", format="chat")
    curate.report("work", html="work/report.html")
    curate.train("work/export", curate.TrainConfig(model="smollm2", out="adapter"))
    curate.run("curate.toml")

Each stage name is bound to its function here; the modules stay importable as
``curate.<stage>`` submodules through ``from curate.<stage> import ...``. Heavy dependencies
(torch, transformers, peft, ray) are imported only inside the functions that use them.
"""

from __future__ import annotations

__version__ = "0.1.0"

import importlib as _importlib
import types as _types
from typing import Any as _Any

from curate.config import RunConfig, load_config
from curate.errors import (
    ConfigError,
    CurateError,
    InputError,
    RulesError,
    SchemaError,
    StageError,
    TrainingError,
    UsageError,
    WorkspaceError,
)
from curate.rules import RulePack, load_rule_pack
from curate.schema import Schema, load_schema
from curate.train import TrainConfig, TrainResult, generate
from curate.validate import validate_file
from curate.workspace import StageResult, Workspace


class _StageModule(_types.ModuleType):
    """A stage's module that can be called as its stage function.

    ``curate.dedupe("work")`` runs the stage, while ``curate.dedupe`` stays the module, so
    ``import curate.dedupe as m`` and ``from curate.dedupe import ...`` keep working.
    """

    def __call__(self, *args: _Any, **kwargs: _Any) -> _Any:
        return getattr(self, self.__name__.rsplit(".", 1)[1])(*args, **kwargs)


for _stage in ("dedupe", "export", "ingest", "report", "run", "train"):
    _module = _importlib.import_module(f"curate.{_stage}")
    _module.__class__ = _StageModule
    globals()[_stage] = _module
del _stage, _module

__all__ = [
    "ConfigError",
    "CurateError",
    "InputError",
    "RulePack",
    "RulesError",
    "RunConfig",
    "Schema",
    "SchemaError",
    "StageError",
    "StageResult",
    "TrainConfig",
    "TrainResult",
    "TrainingError",
    "UsageError",
    "Workspace",
    "WorkspaceError",
    "__version__",
    "dedupe",
    "export",
    "generate",
    "ingest",
    "load_config",
    "load_rule_pack",
    "load_schema",
    "report",
    "run",
    "train",
    "validate_file",
]
