"""``wide_rows`` layouts: one record per labelled cell of a row (column name as label, cell as
value, a paired ``<column><pair_suffix>`` cell as answer); the first carries the row.

With a schema ``[labels]`` (CUAD), one record per distinct span instead, labelled with every
column that lists it, plus the risk answer (``layouts/labels.py``); metadata columns give one
value-extraction record each, with their answer."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path
from typing import Any, ClassVar

from curate.ingest.layouts.base import LayoutMapper, norm_key, text_of
from curate.ingest.layouts.candidate import Candidate, raw_preview
from curate.ingest.layouts.furniture import compile_furniture
from curate.ingest.layouts.labels import (
    Annotations,
    answer,
    file_key,
    grounded,
    keep_negatives,
    label_spans,
    load_annotations,
    readable,
    spans_of,
    squash,
)
from curate.user_regex import Pattern

YES_NO = {"yes", "no"}  # CUAD's answer for a clause category: whether spans exist, nothing more


class WideMapper(LayoutMapper):
    """One candidate per non-empty, non-mapped, non-skipped cell of the row."""

    kind: ClassVar[str] = "wide_rows"
    _links: Annotations | None = None
    _furniture: tuple[Pattern, ...] | None = None

    def group(self, base: dict[str, Any], fallback: str) -> str:
        """The leak group: the ``group_key`` field as a file-name key (with ``[labels]``, that
        of the contract sharing a long span with it: ``labels.Annotations``), else ``fallback``."""
        key = self.layout.group_key
        value = file_key(base.get(key)) if key else ""
        spec = self.schema.labels
        if value and spec is not None:
            if self._links is None:
                path = Path(self.file)
                csv = path.suffix.lower() == ".csv" and path.is_file()
                furniture = self._furniture_patterns()
                links = load_annotations(spec, path, furniture) if csv else None
                self._links = links or Annotations({}, {})
            value = self._links.group_of(value)
        return f"{key}:{value}" if value else fallback

    def _furniture_patterns(self) -> tuple[Pattern, ...]:
        """The layout's page furniture, compiled once per mapper."""
        if self._furniture is None:
            self._furniture = compile_furniture(self.layout.furniture)
        return self._furniture

    def map_row(self, row: dict[str, Any], line: int, loc: str) -> Iterator[Candidate]:
        if self.schema.labels is not None:
            yield from self.map_labelled(row, line, loc)
            return
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
                group=self.group(base, f"row:{loc}"),
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

    def map_labelled(self, row: dict[str, Any], line: int, loc: str) -> Iterator[Candidate]:
        """One candidate per distinct span (multi-label, with the risk answer where it has a
        risk category or is a chosen "none"), one per non-empty metadata column."""
        lay, spec = self.layout, self.schema.labels
        assert spec is not None
        base = self.values(row)
        group = self.group(base, f"row:{loc}")
        used = set(self.mapping.values()) | set(lay.skip_columns)
        by_norm = {norm_key(k): k for k in row}
        suffix = norm_key(lay.pair_suffix)
        cells = [
            (col, v)
            for col, v in row.items()
            if col and col not in used and not norm_key(col).endswith(suffix)
        ]
        furniture = self._furniture_patterns()
        spans = label_spans(spec, cells, furniture)
        risky = [
            (squash(t), [c for c in cols if c in spec.categories])
            for t, cols in spans
            if any(c in spec.categories for c in cols)
        ]
        found: list[dict[str, list[str]] | None] = []
        for text, cols in spans:
            body = squash(text)
            hits = {c: [body] for c in cols if c in spec.categories}
            for other, other_cols in risky:  # a clause holding a risk span holds its risk
                if other != body and other in body:
                    hits.update({c: [other] for c in other_cols})
            inside = any(body in other for other, _ in risky if other != body)
            found.append(hits if hits or not inside else None)  # None: part of a risk span
        negatives = [squash(t) for (t, _), f in zip(spans, found, strict=True) if f == {}]
        positives = sum(1 for f in found if f)
        keep = keep_negatives(negatives, positives, spec.negative_ratio)
        n = 0
        for i, ((text, cols), got) in enumerate(zip(spans, found, strict=True)):
            risk = None
            if got or (got == {} and squash(text) in keep):
                risk = answer(spec, got or {}, quotes=False)
            values = {
                **base,
                # the risk categories by the names flag_risk answers with ("Cap on liability",
                # not CUAD's "Cap On Liability"): one spelling per category across tasks
                lay.label_field or "label": "; ".join(spec.categories.get(c, c) for c in cols),
                lay.value_field or "value": readable(text),
                spec.field: risk,
            }
            yield Candidate(line, f"{loc}:span{i + 1}", 1 if n == 0 else 0, values, group=group)
            n += 1
        for col, cell in cells:
            meta = col in spec.metadata
            shown = [readable(s) for s in spans_of(cell, furniture)] if meta else []
            if not shown:
                continue
            pair = by_norm.get(norm_key(col) + suffix)
            value = _cell_text(row.get(pair)) if pair else ""
            values = {**base, lay.value_field or "value": "\n".join(shown)}
            if spec.value_type_field:
                values[spec.value_type_field] = col
            if lay.answer_field:  # a value the text does not hold would teach guessing
                ok = value.lower() not in YES_NO and grounded(value, "\n".join(shown))
                values[lay.answer_field] = value if ok else None
            yield Candidate(line, f"{loc}:{col}", 1 if n == 0 else 0, values, group=group)
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
