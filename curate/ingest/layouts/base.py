"""The common interface of the per-kind layout mappers, and the lookups they share.

A mapper turns the raw rows of one file into candidates for one layout: ``feed`` per batch of
rows, then ``finish`` once the file is read (where a layout needs the whole file, as threads do).
CSV ``rows`` layouts may take cell lists instead (``feed_cells``), with no dict per row.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, ClassVar

from curate.ingest.layouts.candidate import Candidate, RowShape
from curate.schema import Layout, Schema


def norm_key(key: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(key)).lower()


class ColumnIndex:
    """Case-, space- and underscore-insensitive lookup of source columns, with dotted paths."""

    def __init__(self, columns: Iterable[str]) -> None:
        self.columns = [c for c in columns if c is not None]
        self._by_norm: dict[str, str] = {}
        for col in self.columns:
            self._by_norm.setdefault(norm_key(col), col)

    def resolve(self, source: str) -> str | None:
        """The actual column (or dotted path with actual head) for a source name, if present."""
        if source in self.columns:
            return source
        hit = self._by_norm.get(norm_key(source))
        if hit is not None:
            return hit
        if "." in source:
            head, rest = source.split(".", 1)
            head_hit = self.columns[self.columns.index(head)] if head in self.columns else None
            head_hit = head_hit or self._by_norm.get(norm_key(head))
            if head_hit is not None:
                return f"{head_hit}.{rest}"
        return None

    def closest(self, name: str) -> str | None:
        by_norm = {norm_key(c): c for c in self.columns}
        match = difflib.get_close_matches(norm_key(name), list(by_norm), n=1, cutoff=0.5)
        return by_norm[match[0]] if match else None


def get_path(row: dict[str, Any], path: str) -> Any:
    if path in row:
        return row[path]
    cur: Any = row
    for part in path.split("."):
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        else:
            return None
    return cur


def text_of(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


class LayoutMapper:
    """Turns the raw rows of one file into candidates for one layout; one subclass per kind."""

    kind: ClassVar[str] = ""
    # True where candidates can only be made once the whole file is read (``finish``).
    needs_whole_file: ClassVar[bool] = False

    def __init__(
        self,
        schema: Schema,
        layout: Layout,
        mapping: dict[str, str],
        file: str,
        required: tuple[str, ...] = (),
    ) -> None:
        self.schema, self.layout, self.mapping, self.file = schema, layout, mapping, file
        self.required = required
        self._shapes: dict[tuple[str, ...], RowShape] = {}
        cols = [(n, c) for n, c in mapping.items() if c]
        self._plain = [(n, c) for n, c in cols if "." not in c]
        self._dotted = [(n, c) for n, c in cols if "." in c]

    def values(self, row: dict[str, Any]) -> dict[str, Any]:
        # Plain column names are the common case: a dict lookup per field, no path walking.
        out = {name: row.get(col) for name, col in self._plain}
        for name, col in self._dotted:
            out[name] = get_path(row, col)
        return out

    def shape(self, columns: Sequence[str]) -> RowShape:
        """The cell positions of the mapped fields for rows with these columns.

        A CSV cell is a string, so a dotted path never walks into it: like ``get_path`` on the
        row's dict, it finds the column of that exact name or nothing.
        """
        key = tuple(columns)
        shape = self._shapes.get(key)
        if shape is None:
            where = {col: i for i, col in enumerate(key)}  # as dict(zip()): last one wins
            fields = [(n, where.get(c)) for n, c in self._plain + self._dotted]
            shape = self._shapes[key] = RowShape(key, fields)
        return shape

    def feed_cells(
        self, rows: Sequence[Any], lines: list[int], locators: list[str], columns: list[str]
    ) -> list[Candidate]:
        """Rows as cell lists: only a ``rows`` layout takes them (``RowsMapper``)."""
        raise ValueError(f"cell lists are for 'rows' layouts, not '{self.layout.kind}'")

    def feed(
        self, rows: list[dict[str, Any]], lines: list[int], locators: list[str]
    ) -> Iterator[Candidate]:
        """The candidates of one batch of rows, row by row (``map_row``)."""
        for row, line, loc in zip(rows, lines, locators, strict=True):
            yield from self.map_row(row, line, loc)

    def map_row(self, row: dict[str, Any], line: int, loc: str) -> Iterable[Candidate]:
        """The candidates of one row: one, or several (sections, labelled cells)."""
        raise NotImplementedError

    def finish(self) -> Iterator[Candidate]:
        """The candidates held back until the whole file was read: none, but for threads."""
        return iter(())

    def role(self, value: Any) -> str | None:
        """The turn role a role value names (case-insensitive), else the layout's default."""
        key = text_of(value).strip().lower()
        roles = {k.lower(): v for k, v in self.layout.roles.items()}
        return roles.get(key, self.layout.default_role)
