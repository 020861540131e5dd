"""curate: messy domain records in, clean fine-tuning data (and a LoRA adapter) out.

The stage functions are the library; the ``curate`` command only parses options and calls them::

    import curate

    curate.ingest(["exports/"], schema="tickets", workspace="work")
    curate.dedupe("work")
    curate.export("work", out="work/export", format="chat")
    curate.report("work", html="work/report.html")
    curate.train("work/export", model="smollm2", out="adapter")
    curate.eval("adapter", "work/export", split="val", workspace="work")
    curate.run("curate.toml")

Private modules, public names re-exported here (as httpx does). Each stage is a plain typed
function whose keyword arguments are its options model's fields (``IngestOptions``, ...).
A stage function shares its name with the package that holds it (``curate.ingest`` the
function, ``curate/ingest/`` the package), so the stage functions are bound eagerly: binding
after the package import is what makes ``curate.ingest`` the function, for Python and for
type checkers alike. Their packages are light to import; everything heavy (pydantic models,
polars tables; torch, transformers, peft, ray inside the functions that use them) loads on
first use, so ``curate --help`` starts fast.
"""

from __future__ import annotations

__version__ = "0.1.0"

from typing import TYPE_CHECKING, Any

from curate.dedupe import dedupe as dedupe
from curate.errors import ConfigError as ConfigError
from curate.errors import CurateError as CurateError
from curate.errors import InputError as InputError
from curate.errors import MissingDependencyError as MissingDependencyError
from curate.errors import RulesError as RulesError
from curate.errors import SchemaError as SchemaError
from curate.errors import StageError as StageError
from curate.errors import TrainingError as TrainingError
from curate.errors import UsageError as UsageError
from curate.errors import WorkspaceError as WorkspaceError
from curate.eval import eval as eval
from curate.export import export as export
from curate.ingest import ingest as ingest
from curate.report import ReportResult as ReportResult
from curate.report import report as report
from curate.run import RunResult as RunResult
from curate.run import run as run
from curate.train import generate as generate
from curate.train import train as train

if TYPE_CHECKING:
    from curate.config import RunConfig as RunConfig
    from curate.config import load_config as load_config
    from curate.dedupe.options import DedupeOptions as DedupeOptions
    from curate.engine.base import Engine as Engine
    from curate.eval.options import EvalOptions as EvalOptions
    from curate.eval.stage import EvalResult as EvalResult
    from curate.export.options import ExportOptions as ExportOptions
    from curate.ingest.options import IngestOptions as IngestOptions
    from curate.rules import RulePack as RulePack
    from curate.rules import load_rule_pack as load_rule_pack
    from curate.schema import Schema as Schema
    from curate.schema import load_schema as load_schema
    from curate.train.options import TrainConfig as TrainConfig
    from curate.train.trainer import TrainResult as TrainResult
    from curate.validate import validate_file as validate_file
    from curate.workspace import StageResult as StageResult
    from curate.workspace import Workspace as Workspace

# Heavy names (pydantic models, polars-backed classes) load on first use. None of them is the
# name of a curate submodule, which would shadow it once imported.
_LAZY = {
    "DedupeOptions": "curate.dedupe.options",
    "Engine": "curate.engine.base",
    "EvalOptions": "curate.eval.options",
    "EvalResult": "curate.eval.stage",
    "ExportOptions": "curate.export.options",
    "IngestOptions": "curate.ingest.options",
    "RulePack": "curate.rules",
    "RunConfig": "curate.config",
    "Schema": "curate.schema",
    "StageResult": "curate.workspace",
    "TrainConfig": "curate.train.options",
    "TrainResult": "curate.train.trainer",
    "Workspace": "curate.workspace",
    "load_config": "curate.config",
    "load_rule_pack": "curate.rules",
    "load_schema": "curate.schema",
    "validate_file": "curate.validate",
}


def __getattr__(name: str) -> Any:
    """Load a public name from its private module on first use (PEP 562)."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'curate' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


__all__ = [
    "ConfigError",
    "CurateError",
    "DedupeOptions",
    "Engine",
    "EvalOptions",
    "EvalResult",
    "ExportOptions",
    "IngestOptions",
    "InputError",
    "MissingDependencyError",
    "ReportResult",
    "RulePack",
    "RulesError",
    "RunConfig",
    "RunResult",
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
    "eval",
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
