"""Balance section: records per class and split, and a warning for every class too small.

The class field is the one the export stratified by when it did, else the schema's default
stratify field, else the first usual label column present.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polars as pl

from curate.errors import WorkspaceError
from curate.report.tables import SPLITS, read_json
from curate.workspace import Workspace

BALANCE_FIELDS = ("category", "label", "specialty", "clause_type", "section")


def export_stratify(ws: Workspace, entry: dict[str, Any] | None) -> str | None:
    """The field the export stratified its splits by: from its stage log entry (export logs
    the field it actually used, null when it did not stratify), else from the manifest.json
    of its output directory."""
    if entry is None:
        return None
    config = entry.get("config") or {}
    if "stratify" not in config:
        out = config.get("out")
        for base in [Path(str(out)), ws.path / str(out)] if out else []:
            manifest = base / "manifest.json"
            if manifest.is_file():
                try:  # outside the workspace: unreadable means unknown, not a broken workspace
                    data = read_json(manifest)
                except WorkspaceError:
                    data = None
                config = (data.get("config") if isinstance(data, dict) else None) or {}
                break
    field = config.get("stratify")
    return field if isinstance(field, str) and field.lower() not in ("", "none") else None


def default_balance_field(schema: Any, cols: dict[str, pl.DataType]) -> str | None:
    """When the export did not stratify: the schema's stratify field, else the first usual
    label column present."""
    field = schema.stratify_default if schema and schema.stratify_default in cols else None
    return field or next((f for f in BALANCE_FIELDS if f in cols), None)


def balance(
    field: str | None, o: pl.DataFrame, min_class: int, stratified: bool
) -> dict[str, Any] | None:
    if field is None:
        return None
    ex = o.filter(pl.col("outcome") == "exported")
    base = ex if ex.height else o.with_columns(split=pl.lit("all"))
    j = base.select(pl.col("cls").fill_null("(none)"), pl.col("split").fill_null("(none)"))
    table: dict[str, dict[str, int]] = {}
    for cls, split, n in j.group_by("cls", "split").len().iter_rows():
        table.setdefault(str(cls), {})[str(split)] = int(n)
    order = (*SPLITS, "all")
    splits = sorted(
        {s for v in table.values() for s in v},
        key=lambda s: (order.index(s) if s in order else 9, s),
    )
    warnings = []
    for cls in sorted(table):
        for s in splits:
            n = table[cls].get(s, 0)
            if n < min_class:
                warnings.append(
                    f"class '{cls}' of {field} has {n} record{'s' if n != 1 else ''} in {s} (minimum {min_class})"
                )
    return {
        "field": field,
        "stratified": stratified,
        "min_class": min_class,
        "splits": splits,
        "table": {c: {s: table[c].get(s, 0) for s in splits} for c in sorted(table)},
        "warnings": warnings,
    }
