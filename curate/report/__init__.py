"""The data-quality report: what is in the training set, what was thrown away and why.

``collect`` gathers the facts from a workspace into one JSON-able dict; ``render_terminal``,
``render_html`` and the JSON writer only format that dict, so all three always agree.
"""

from __future__ import annotations

from curate.report.api import ReportResult, report
from curate.report.collect import collect
from curate.report.compare import compare
from curate.report.terminal import render_terminal

__all__ = ["ReportResult", "collect", "compare", "render_terminal", "report"]
