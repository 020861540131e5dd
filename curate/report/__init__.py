"""The data-quality report: what is in the training set, what was thrown away and why.

``collect`` gathers the facts from a workspace into one JSON-able dict (report/facts.py);
``render_terminal``, ``render_html`` and the JSON writer only format that dict, so all three
always agree. Importing this package is light: ``report`` is bound at import, the other names
(polars, rich) on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from curate.report.api import ReportResult as ReportResult
from curate.report.api import report as report

if TYPE_CHECKING:
    from curate.report.comparison import compare as compare
    from curate.report.facts import collect as collect
    from curate.report.terminal import render_terminal as render_terminal

# No name here is also a submodule's name: a lazy name would be shadowed by its module.
_LAZY = {
    "collect": "curate.report.facts",
    "compare": "curate.report.comparison",
    "render_terminal": "curate.report.terminal",
}


def __getattr__(name: str) -> Any:
    """Load a public name from its module on first use (PEP 562)."""
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'curate.report' has no attribute {name!r}")


__all__ = ["ReportResult", "collect", "compare", "render_terminal", "report"]
