"""`curate eval`: did the fine-tune help? The base model against the adapter (and a prompt
baseline) on the export's held-out split, per task, with bootstrap intervals.

Importing this package is cheap: ``eval`` is bound eagerly (it shares its name with nothing
in here); EvalOptions, EvalResult and the metric registry load on first use, torch only when
an evaluation runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from curate.eval.api import eval as eval

if TYPE_CHECKING:
    from curate.eval.compare import compare_evals as compare_evals
    from curate.eval.options import EvalOptions as EvalOptions
    from curate.eval.stage import EvalResult as EvalResult

_LAZY = {
    "EvalOptions": "curate.eval.options",
    "EvalResult": "curate.eval.stage",
    "compare_evals": "curate.eval.compare",
}


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'curate.eval' has no attribute {name!r}")


__all__ = ["EvalOptions", "EvalResult", "compare_evals", "eval"]
