"""A file no layout of the schema fits: one reject for the whole file, never an abort.

``choose_layout`` returns ``unmatched_layout(message)`` for such a file; its mapper reads the
rows only to count them and, once the file is read, gives one candidate covering every row,
rejected with reason ``no_layout`` and a message naming the file's columns and the closest
layout (so the report still accounts for every input row).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, ClassVar

from curate.ingest.layouts.base import ColumnIndex, LayoutMapper
from curate.ingest.layouts.candidate import Candidate, raw_preview
from curate.schema import Layout, Schema

NO_LAYOUT = "(no layout)"
UNMATCHED = Layout(name=NO_LAYOUT, kind="rows", required=[])


def missing_for(schema: Schema, layout: Layout, index: ColumnIndex) -> list[str]:
    """What ``layout`` needs that these columns lack: its `match` columns, then the first
    accepted name of each required field."""
    out = [c for c in layout.match if index.resolve(c) is None]
    produced = {layout.label_field, layout.value_field, layout.answer_field, layout.title_field}
    if layout.kind == "document_sections" and index.resolve(layout.text_column):
        produced |= {"clause_text", "text"}
    for name in schema.required_fields(layout):
        if name in produced:
            continue
        sources = schema.sources_for(name, layout)
        if not any(index.resolve(s) is not None for s in sources):
            out.append(sources[0] if sources else name)
    return out


def no_layout_message(schema: Schema, columns: Sequence[str], file: str) -> str:
    """The reject message: the file's columns, and the closest layout with what it lacks."""
    index = ColumnIndex(columns)
    best = None
    for lay in schema.layouts:
        lacks = missing_for(schema, lay, index)
        need = len(lay.match) + len(schema.required_fields(lay))
        score = ((need - len(lacks)) / max(need, 1), -len(lacks))
        if best is None or score >= best[0]:  # a tie: the later, more general layout
            best = (score, lay, lacks)
    shown = ", ".join(str(c) for c in columns[:30]) or "none"
    more = f" (+{len(columns) - 30} more)" if len(columns) > 30 else ""
    msg = f"{file}: no layout of schema '{schema.name}' fits its columns ({shown}{more})"
    if best is not None:
        _, lay, lacks = best
        msg += f"; closest layout '{lay.name}' lacks {', '.join(lacks)}"
        close = index.closest(lacks[0]) if lacks else None
        if close:
            msg += f" (did you mean '{close}'?)"
    return msg


class UnmatchedMapper(LayoutMapper):
    """Counts the file's rows; ``finish`` gives one ``no_layout`` reject covering them all."""

    kind: ClassVar[str] = "rows"
    needs_whole_file: ClassVar[bool] = True

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rows = 0
        self.columns: dict[str, None] = {}
        self.first: tuple[int, str, str] | None = None

    def _note(self, line: int, loc: str, raw: str, columns: Sequence[str]) -> None:
        self.columns.update(dict.fromkeys(columns))
        if self.first is None:
            self.first = (line, loc, raw)

    def feed_cells(
        self, rows: Sequence[Any], lines: list[int], locators: list[str], columns: list[str]
    ) -> list[Candidate]:
        if rows:
            first = raw_preview(dict(zip(columns, rows[0], strict=False)))
            self._note(lines[0], locators[0], first, columns)
        self.rows += len(rows)
        return []

    def feed(
        self, rows: list[dict[str, Any]], lines: list[int], locators: list[str]
    ) -> Iterator[Candidate]:
        for row in rows:
            self._note(lines[0], locators[0], raw_preview(rows[0]), list(row))
        self.rows += len(rows)
        yield from ()

    def finish(self) -> Iterator[Candidate]:
        if self.rows == 0 or self.first is None:
            return
        line, loc, raw = self.first
        why = ("no_layout", no_layout_message(self.schema, list(self.columns), self.file))
        yield Candidate(line, f"file:{loc}", self.rows, {}, raw=raw, error=why)
