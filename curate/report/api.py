"""``report()``: collect the facts once and write the renderings asked for.

Light to import (``import curate`` binds ``curate.report`` to this function): the section
modules, polars and the workspace are imported when a report is made."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from curate.workspace import Workspace


@dataclass
class ReportResult:
    """The facts, whether the accounting holds, and the files written."""

    facts: dict[str, Any]
    accounting_ok: bool
    paths: dict[str, str] = field(default_factory=dict)


def to_json(facts: dict[str, Any]) -> str:
    """Canonical JSON: sorted keys, fixed indentation, so equal facts give equal bytes."""
    return json.dumps(facts, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def write_text(path: str | os.PathLike[str], obj: dict[str, Any] | str) -> None:
    """Atomic write (``atomic_path`` gives it the usual mode)."""
    from curate.workspace import atomic_path

    text = obj if isinstance(obj, str) else to_json(obj)
    with atomic_path(Path(path)) as tmp:
        tmp.write_text(text, "utf-8")


def report(
    workspace: str | os.PathLike[str] | Workspace,
    *,
    html: str | os.PathLike[str] | None = None,
    json_path: str | os.PathLike[str] | None = None,
    min_class: int = 5,
) -> ReportResult:
    """Build the report of ``workspace``; write HTML and/or JSON (``json_path="-"`` writes to
    stdout). ``result.accounting_ok`` says whether every input row has exactly one outcome;
    classes with fewer than ``min_class`` records are flagged in the balance section."""
    from curate.report.facts import collect

    facts = collect(workspace, min_class=min_class)
    paths: dict[str, str] = {}
    if json_path is not None:
        text = to_json(facts)
        if str(json_path) == "-":
            sys.stdout.write(text)
            sys.stdout.flush()
        else:
            write_text(json_path, text)
            paths["json"] = str(json_path)
    if html is not None:
        from curate.report.html import render_html

        write_text(html, render_html(facts))
        paths["html"] = str(html)
    return ReportResult(facts=facts, accounting_ok=bool(facts["accounting_ok"]), paths=paths)
