"""``wide_rows`` layouts: one record per labelled cell of a row (column name as label, cell as
value, a paired ``<column><pair_suffix>`` cell as answer); the first carries the row."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from typing import Any, ClassVar

from curate.ingest.layouts.base import LayoutMapper, norm_key, text_of
from curate.ingest.layouts.candidate import Candidate, raw_preview


class WideMapper(LayoutMapper):
    """One candidate per non-empty, non-mapped, non-skipped cell of the row."""

    kind: ClassVar[str] = "wide_rows"

    def map_row(self, row: dict[str, Any], line: int, loc: str) -> Iterator[Candidate]:
        lay = self.layout
        base = self.values(row)
        used = set(self.mapping.values()) | set(lay.skip_columns)
        by_norm = {norm_key(k): k for k in row}
        suffix = norm_key(lay.pair_suffix)
        n = 0
        for colname, value in row.items():
            if colname in used or norm_key(colname).endswith(suffix) or not colname:
                continue
            text = _cell_text(value)
            if not text:
                continue
            values = {**base, lay.label_field or "label": colname, lay.value_field or "value": text}
            if lay.answer_field:
                pair = by_norm.get(norm_key(colname) + suffix)
                values[lay.answer_field] = _cell_text(row.get(pair)) if pair else None
            yield Candidate(
                line,
                f"{loc}:{colname}",
                1 if n == 0 else 0,
                values,
                group=f"row:{loc}",
                raw=text[:500],
            )
            n += 1
        if n == 0:
            yield Candidate(
                line,
                loc,
                1,
                base,
                raw=raw_preview(row),
                error=("empty_text", "no labelled values in this row"),
            )


def _cell_text(value: Any) -> str:
    """A cell may hold a Python-style list literal (CUAD: "['a', 'b']"): join its items."""
    text = text_of(value).strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            items = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
        if isinstance(items, list):
            return "\n".join(str(i).strip() for i in items if str(i).strip())
    return text
