"""``rows`` layouts: one record per row, the row's columns are its fields."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from curate.ingest.layouts.base import LayoutMapper
from curate.ingest.layouts.candidate import Candidate


class RowsMapper(LayoutMapper):
    """One candidate per row; CSV rows may come as cell lists (``feed_cells``)."""

    kind: ClassVar[str] = "rows"

    def feed_cells(
        self, rows: Sequence[Any], lines: list[int], locators: list[str], columns: list[str]
    ) -> list[Candidate]:
        """``feed`` for rows that are cell lists in ``columns`` order: one candidate per row,
        holding the list (see ``RowShape``), with file, layout and required fields already set."""
        shape = self.shape(columns)
        file, layout, required = self.file, self.layout.name, self.required
        return [
            Candidate(
                line, loc, 1, None, None, None, "", None, file, layout, required, None, row, shape
            )
            for row, line, loc in zip(rows, lines, locators, strict=True)
        ]

    def feed(
        self, rows: list[dict[str, Any]], lines: list[int], locators: list[str]
    ) -> Iterator[Candidate]:
        # The hot path for JSON rows: no per-row generator of ``map_row``.
        for row, line, loc in zip(rows, lines, locators, strict=True):
            yield Candidate(line, loc, 1, self.values(row), src_row=row)

    def map_row(self, row: dict[str, Any], line: int, loc: str) -> Iterator[Candidate]:
        yield Candidate(line, loc, 1, self.values(row), src_row=row)
