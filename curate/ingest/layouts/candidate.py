"""Candidates: one would-be record per mapped row (or thread, section, labelled cell), with its
provenance (line, locator, rows covered), so every input row can be traced to one outcome."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


class RowShape:
    """Where each field sits in the cell lists of one CSV file (``rows`` layout): candidates of
    that file share it and keep their row as a list, so no dict is built per row and a batch's
    field columns are read straight from the lists (see ``_BatchProcessor``)."""

    __slots__ = ("columns", "fields")

    def __init__(self, columns: Sequence[str], fields: list[tuple[str, int | None]]) -> None:
        self.columns = list(columns)  # the file's header, for the reject preview
        self.fields = fields  # (field, position in the cell list; None: the file lacks it)

    def values(self, cells: Sequence[Any]) -> dict[str, Any]:
        """What ``LayoutMapper.values`` gives for the row as a dict."""
        return {name: None if i is None else cells[i] for name, i in self.fields}

    def row(self, cells: Sequence[Any]) -> dict[str, Any]:
        return dict(zip(self.columns, cells, strict=False))


_NO_TURNS: Sequence[dict[str, str]] = ()


class Candidate:
    """One would-be record: raw field values and turns, plus provenance.

    A candidate from a CSV ``rows`` layout keeps its cells and the file's ``RowShape`` instead
    of a values dict; ``values`` builds the dict on demand. Slots, because one is made per
    input row.
    """

    __slots__ = (
        "_values",
        "cells",
        "error",
        "file",
        "group",
        "layout",
        "line",
        "locator",
        "n_rows",
        "raw",
        "required",
        "shape",
        "src_row",
        "turns",
    )

    def __init__(
        self,
        line: int,
        locator: str,
        n_rows: int,
        values: dict[str, Any] | None = None,
        turns: Sequence[dict[str, str]] | None = None,
        group: str | None = None,
        raw: str = "",
        error: tuple[str, str] | None = None,  # (reason, message): reject instead of validating
        file: str = "",
        layout: str = "",
        required: tuple[str, ...] = (),
        src_row: dict[str, Any] | None = None,
        cells: list[Any] | None = None,
        shape: RowShape | None = None,
    ) -> None:
        self.line = line
        self.locator = locator
        self.n_rows = n_rows
        self._values = values
        # No list per candidate without turns: one fewer object for the garbage collector to
        # track per row, which costs more than building it.
        self.turns = _NO_TURNS if turns is None else turns
        self.group = group
        self.raw = raw
        self.error = error
        self.file = file
        self.layout = layout
        self.required = required
        self.src_row = src_row
        self.cells = cells
        self.shape = shape

    @property
    def values(self) -> dict[str, Any]:
        if self._values is None:
            cells, shape = self.cells, self.shape
            self._values = shape.values(cells) if cells is not None and shape is not None else {}
        return self._values

    @values.setter
    def values(self, values: dict[str, Any]) -> None:
        self._values = values

    def raw_text(self) -> str:
        """The raw row as shown in rejects; computed only when a record is rejected."""
        if self.raw:
            return self.raw
        if self.src_row is not None:
            return raw_preview(self.src_row)
        if self.cells is not None and self.shape is not None:
            return raw_preview(self.shape.row(self.cells))
        return ""


def raw_preview(row: dict[str, Any]) -> str:
    """A row as shown in rejects: its repr, cut to 500 characters."""
    text = repr(row)
    return text[:500]
