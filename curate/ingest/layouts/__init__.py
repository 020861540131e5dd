"""Layouts: raw rows of one file -> candidate records (field values + turns), before validation.

Each candidate carries where it came from (line, locator, rows covered) so every input row can be
traced to exactly one outcome. This is the per-row Python part of ingest; everything after it
(normalization, checks, hashing of columns) works on whole columns.

``choose_layout`` picks a file's layout by its columns, ``resolve_fields`` maps fields to its
columns, and ``mapper_for`` gives the mapper of that layout's kind: one module per kind (rows,
threads, dialogs, sections, wide), each a ``LayoutMapper`` (base.py).
"""

from __future__ import annotations

from collections.abc import Sequence

from curate.errors import InputError
from curate.ingest.layouts.base import ColumnIndex, LayoutMapper, get_path
from curate.ingest.layouts.candidate import Candidate, RowShape
from curate.ingest.layouts.code import PythonAstMapper, SourceFilesMapper
from curate.ingest.layouts.code_ts import TreeSitterMapper
from curate.ingest.layouts.dialogs import DialogMapper
from curate.ingest.layouts.docs import DocHeadingsMapper
from curate.ingest.layouts.rows import RowsMapper
from curate.ingest.layouts.sections import SectionsMapper, split_sections
from curate.ingest.layouts.threads import ThreadMapper
from curate.ingest.layouts.unmatched import UNMATCHED, UnmatchedMapper, missing_for
from curate.ingest.layouts.wide import WideMapper
from curate.schema import Layout, LayoutKind, Schema

__all__ = [
    "UNMATCHED",
    "Candidate",
    "ColumnIndex",
    "LayoutMapper",
    "RowShape",
    "choose_layout",
    "get_path",
    "mapper_for",
    "resolve_fields",
    "split_sections",
]

MAPPERS: dict[LayoutKind, type[LayoutMapper]] = {
    "rows": RowsMapper,
    "thread_rows": ThreadMapper,
    "dialog_list": DialogMapper,
    "document_sections": SectionsMapper,
    "wide_rows": WideMapper,
    # repository folders (curate/ingest/repo.py)
    "python_ast": PythonAstMapper,
    "doc_headings": DocHeadingsMapper,
    "source_files": SourceFilesMapper,
    "tree_sitter": TreeSitterMapper,
}


def mapper_for(
    schema: Schema,
    layout: Layout,
    mapping: dict[str, str],
    file: str,
    required: tuple[str, ...] = (),
) -> LayoutMapper:
    """The mapper of ``layout``'s kind for one file (a file no layout fits: ``UnmatchedMapper``)."""
    if layout is UNMATCHED:
        return UnmatchedMapper(schema, layout, mapping, file, required)
    return MAPPERS[layout.kind](schema, layout, mapping, file, required)


def choose_layout(schema: Schema, columns: Sequence[str], file: str) -> Layout:
    """The first layout whose `match` columns are all present and whose required fields all
    have a column (a layout without `match` fits any file that has them). A file none fits
    gets ``UNMATCHED``: its rows become one ``no_layout`` reject naming its columns and the
    closest layout (``curate.ingest.layouts.unmatched``), never an abort of the run."""
    index = ColumnIndex(columns)
    for layout in schema.layouts:
        if not missing_for(schema, layout, index):
            return layout
    return UNMATCHED


def resolve_fields(
    schema: Schema, layout: Layout, columns: Sequence[str], file: str
) -> dict[str, str]:
    """Map each field to the source column it reads in this file; a required field without a
    column is an InputError naming the file, the column, the columns present and the closest."""
    index = ColumnIndex(columns)
    produced = {layout.label_field, layout.value_field, layout.answer_field, layout.title_field}
    mapping: dict[str, str] = {}
    for name in schema.fields:
        if name in produced:
            continue
        for source in schema.sources_for(name, layout):
            hit = index.resolve(source)
            if hit is not None:
                mapping[name] = hit
                break
    if layout.kind == "document_sections" and index.resolve(layout.text_column):
        mapping.setdefault("clause_text" if "clause_text" in schema.fields else "text", "")
    for name in schema.required_fields(layout):
        if name in mapping or name in produced:
            continue
        sources = schema.sources_for(name, layout) or [name]
        closest = index.closest(sources[0]) or index.closest(name)
        raise InputError(
            f"column '{sources[0]}' not found in {file} (required for field '{name}'); "
            f"columns are: {', '.join(columns) or 'none'}"
            + (f"; did you mean '{closest}'?" if closest else ""),
            hint=f"accepted names for '{name}': {', '.join(sources)}",
        )
    return mapping
