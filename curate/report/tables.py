"""Reading the workspace tables, and the small helpers every report section shares.

Each section selects only the columns it needs through ``Tables.scan``, which names a missing
contract column instead of failing deep inside Polars; ``rnd`` and ``counts`` keep numbers and
mappings in one canonical form so the same workspace always gives the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from curate.errors import WorkspaceError
from curate.workspace import Workspace

OUTCOMES = (
    "exported",
    "rejected",
    "filtered",
    "duplicate",
    "contaminated",
    "over_length",
    "no_example",
    "pending",
)
SPLITS = ("train", "val", "test")
N_EXAMPLES = 3


def rnd(x: float | None, nd: int = 4) -> float | None:
    """Round for the report (None and NaN become None)."""
    return None if x is None or (isinstance(x, float) and np.isnan(x)) else round(float(x), nd)


def counts(df: pl.DataFrame, key: str, value: str | None = None) -> dict[str, int]:
    """``{key: count}`` (or sum of ``value``) sorted by key; nulls become ``"(none)"``."""
    if df.height == 0:
        return {}
    agg = pl.len() if value is None else pl.col(value).sum()
    g = df.group_by(pl.col(key).cast(pl.String).fill_null("(none)")).agg(agg.alias("n"))
    return {str(k): int(n) for k, n in sorted(g.iter_rows())}


class Tables:
    """Lazy access to the workspace tables, with a clear error for a missing contract column."""

    def __init__(self, ws: Workspace) -> None:
        self.ws = ws

    def has(self, stage: str, name: str) -> bool:
        return self.ws.has_table(stage, name)

    def scan(
        self, stage: str, name: str, cols: Iterable[str], optional: Iterable[str] = ()
    ) -> pl.LazyFrame:
        path = self.ws.table_path(stage, name)
        lf = pl.scan_parquet(path)
        have = set(lf.collect_schema().names())
        missing = [c for c in cols if c not in have]
        if missing:
            raise WorkspaceError(
                f"{path}: column '{missing[0]}' is missing (columns are: {', '.join(sorted(have))})",
                hint="the table does not follow docs/workspace.md; re-run its stage",
            )
        return lf.select([*cols, *[c for c in optional if c in have and c not in cols]])

    def columns(self, stage: str, name: str) -> dict[str, pl.DataType]:
        return dict(pl.scan_parquet(self.ws.table_path(stage, name)).collect_schema())


def read_json(path: Path) -> Any:
    """The parsed file, None when it is absent; a WorkspaceError when it is unreadable."""
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise WorkspaceError(
            f"{path}: unreadable JSON ({exc})", hint="re-run the stage that wrote it"
        ) from exc
