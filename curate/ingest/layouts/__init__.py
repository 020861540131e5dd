"""Layouts: raw rows of one file -> candidate records (field values + turns), before validation.

Each candidate carries where it came from (line, locator, rows covered) so every input row can be
traced to exactly one outcome. This is the per-row Python part of ingest; everything after it
(normalization, checks, hashing of columns) works on whole columns.
"""

from __future__ import annotations

import ast
import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from curate.errors import InputError
from curate.ingest.user_regex import Pattern, PatternTimeout, compile_user, finditer_bounded
from curate.schema import Layout, Schema


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
            return _raw_preview(self.src_row)
        if self.cells is not None and self.shape is not None:
            return _raw_preview(self.shape.row(self.cells))
        return ""


def _norm_key(key: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(key)).lower()


class ColumnIndex:
    """Case-, space- and underscore-insensitive lookup of source columns, with dotted paths."""

    def __init__(self, columns: Iterable[str]) -> None:
        self.columns = [c for c in columns if c is not None]
        self._by_norm: dict[str, str] = {}
        for col in self.columns:
            self._by_norm.setdefault(_norm_key(col), col)

    def resolve(self, source: str) -> str | None:
        """The actual column (or dotted path with actual head) for a source name, if present."""
        if source in self.columns:
            return source
        hit = self._by_norm.get(_norm_key(source))
        if hit is not None:
            return hit
        if "." in source:
            head, rest = source.split(".", 1)
            head_hit = self.columns[self.columns.index(head)] if head in self.columns else None
            head_hit = head_hit or self._by_norm.get(_norm_key(head))
            if head_hit is not None:
                return f"{head_hit}.{rest}"
        return None

    def closest(self, name: str) -> str | None:
        by_norm = {_norm_key(c): c for c in self.columns}
        match = difflib.get_close_matches(_norm_key(name), list(by_norm), n=1, cutoff=0.5)
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


def choose_layout(schema: Schema, columns: Sequence[str], file: str) -> Layout:
    """The first layout whose `match` columns are all present (a layout without `match` always fits)."""
    index = ColumnIndex(columns)
    for layout in schema.layouts:
        if all(index.resolve(col) is not None for col in layout.match):
            return layout
    wanted = "; ".join(f"'{lay.name}' needs {', '.join(lay.match)}" for lay in schema.layouts)
    raise InputError(
        f"{file}: no layout of schema '{schema.name}' fits its columns "
        f"({', '.join(columns) or 'none'})",
        hint=wanted,
    )


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
        sources = schema.sources_for(name, layout)
        closest = index.closest(sources[0]) or index.closest(name)
        raise InputError(
            f"column '{sources[0]}' not found in {file} (required for field '{name}'); "
            f"columns are: {', '.join(columns) or 'none'}"
            + (f"; did you mean '{closest}'?" if closest else ""),
            hint=f"accepted names for '{name}': {', '.join(sources)}",
        )
    return mapping


def _raw_preview(row: dict[str, Any]) -> str:
    text = repr(row)
    return text[:500]


def _text_of(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


class LayoutMapper:
    """Turns the raw rows of one file into candidates for one layout."""

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
        self._pending: list[tuple[int, str, dict[str, Any]]] = []
        cols = [(n, c) for n, c in mapping.items() if c]
        self._plain = [(n, c) for n, c in cols if "." not in c]
        self._dotted = [(n, c) for n, c in cols if "." in c]
        self._section_re = compile_user(layout.section_pattern) if layout.section_pattern else None
        self.needs_whole_file = layout.kind == "thread_rows"

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
        """``feed`` for a ``rows`` layout whose rows are cell lists in ``columns`` order: one
        candidate per row, holding the list (see ``RowShape``), with file, layout and required
        fields already set."""
        if self.layout.kind != "rows":
            raise ValueError(f"cell lists are for 'rows' layouts, not '{self.layout.kind}'")
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
        kind = self.layout.kind
        if kind == "thread_rows":
            self._pending.extend(zip(lines, locators, rows, strict=True))
            return
        for row, line, loc in zip(rows, lines, locators, strict=True):
            if kind == "rows":
                yield Candidate(line, loc, 1, self.values(row), src_row=row)
            elif kind == "dialog_list":
                yield self._dialog(row, line, loc)
            elif kind == "document_sections":
                yield from self._sections(row, line, loc)
            elif kind == "wide_rows":
                yield from self._wide(row, line, loc)

    def finish(self) -> Iterator[Candidate]:
        if self.layout.kind == "thread_rows":
            yield from self._threads()
        self._pending = []

    # -- thread rows -------------------------------------------------------------------------
    def _role(self, value: Any) -> str | None:
        key = _text_of(value).strip().lower()
        roles = {k.lower(): v for k, v in self.layout.roles.items()}
        return roles.get(key, self.layout.default_role)

    def _threads(self) -> Iterator[Candidate]:
        lay = self.layout
        index = ColumnIndex(self._pending[0][2].keys()) if self._pending else ColumnIndex([])
        col = {
            k: index.resolve(v) or v
            for k, v in {
                "group": lay.group_by or "",
                "id": lay.id_column or "",
                "reply": lay.reply_to or "",
                "order": lay.order_by or "",
                "role": lay.role_column or "",
                "content": lay.content_column or "",
            }.items()
        }
        groups: dict[str, list[tuple[int, str, dict[str, Any]]]] = defaultdict(list)
        if lay.group_by:
            for item in self._pending:
                key = _text_of(item[2].get(col["group"])).strip() or f"line{item[0]}"
                groups[key].append(item)
        else:
            ids = {}
            for item in self._pending:
                rid = _id_text(item[2].get(col["id"]))
                if rid:
                    ids[rid] = item
            parent = {rid: _id_text(it[2].get(col["reply"])) for rid, it in ids.items()}

            def root(rid: str) -> str:
                seen = set()
                while parent.get(rid) in ids and rid not in seen:
                    seen.add(rid)
                    rid = parent[rid]
                return rid

            for item in self._pending:
                rid = _id_text(item[2].get(col["id"]))
                groups[root(rid) if rid else f"line{item[0]}"].append(item)
        from curate.ingest.types import parse_datetime_or_none

        # Fields read from the message or role column would repeat the first message beside
        # the turns (whichever side wrote it): the turns carry the messages.
        turn_columns = {col["content"], col["role"]} - {""}
        turn_fields = {name for name, c in self._plain + self._dotted if c in turn_columns}
        for key, items in groups.items():

            def order(it: tuple[int, str, dict[str, Any]]) -> tuple[Any, int]:
                raw = it[2].get(col["order"]) if lay.order_by else None
                parsed = parse_datetime_or_none(raw)
                return (parsed.timestamp() if parsed else float("inf"), it[0])

            items.sort(key=order)
            first_line = min(it[0] for it in items)
            turns: list[dict[str, str]] = []
            error = None
            for line, _loc, row in items:
                role = self._role(row.get(col["role"])) if lay.role_column else lay.default_role
                if role is None:
                    error = (
                        "unknown_role",
                        f"line {line}: role {row.get(col['role'])!r} is not one of "
                        f"{', '.join(lay.roles)}",
                    )
                    break
                content = _text_of(row.get(col["content"]))
                if turns and turns[-1]["role"] == role:
                    turns[-1]["content"] += "\n\n" + content
                else:
                    turns.append({"role": role, "content": content})
            values: dict[str, Any] = {}
            for _line, _loc, row in items:
                for name, val in self.values(row).items():
                    if name in turn_fields:
                        continue
                    if values.get(name) in (None, "") and val not in (None, ""):
                        values[name] = val
            yield Candidate(
                first_line,
                f"thread:{key}",
                len(items),
                values,
                turns,
                group=f"thread:{key}",
                raw=_raw_preview(items[0][2]),
                error=error,
            )

    # -- dialog lists ------------------------------------------------------------------------
    def _dialog(self, row: dict[str, Any], line: int, loc: str) -> Candidate:
        lay = self.layout
        items = get_path(row, lay.turns_path or "")
        values = self.values(row)
        if not isinstance(items, list):
            return Candidate(
                line,
                loc,
                1,
                values,
                raw=_raw_preview(row),
                error=("bad_type", f"'{lay.turns_path}' is not a list"),
            )
        turns: list[dict[str, str]] = []
        for i, item in enumerate(items):
            role = None
            if isinstance(item, dict):
                if lay.role_key:
                    role = self._role(item.get(lay.role_key))
                else:
                    role = next(
                        (r for k, r in lay.role_keys.items() if k in item), lay.default_role
                    )
            if role is None:
                return Candidate(
                    line,
                    loc,
                    1,
                    values,
                    raw=_raw_preview(row),
                    error=(
                        "unknown_role",
                        f"{lay.turns_path}[{i}] has no recognised role key "
                        f"({', '.join(lay.role_keys) or lay.role_key})",
                    ),
                )
            content = _text_of(item.get(lay.content_key))
            if turns and turns[-1]["role"] == role:
                turns[-1]["content"] += "\n\n" + content
            else:
                turns.append({"role": role, "content": content})
        for path, role in lay.append_turns.items():
            extra = _text_of(get_path(row, path))
            if not extra.strip():
                continue
            if turns and turns[-1]["role"] == role:
                if extra.strip() not in turns[-1]["content"]:
                    turns[-1]["content"] += "\n\n" + extra
            else:
                turns.append({"role": role, "content": extra})
        return Candidate(line, loc, 1, values, turns, src_row=row)

    # -- documents split into sections ---------------------------------------------------------
    def _sections(self, row: dict[str, Any], line: int, loc: str) -> Iterator[Candidate]:
        lay = self.layout
        text = _text_of(get_path(row, lay.text_column)).replace("\r\n", "\n")
        base = self.values(row)
        target = "clause_text" if "clause_text" in self.schema.fields else "text"
        base.pop(target, None)
        try:
            sections = split_sections(
                text, self._section_re, lay.min_section_chars, lay.max_section_chars
            )
        except PatternTimeout as exc:
            error = (
                "pattern_timeout",
                f"section_pattern of layout '{lay.name}' in schema '{self.schema.name}' ran past "
                f"its {exc.seconds:.2g} s limit on this document (it backtracks too much); "
                "simplify the pattern, e.g. without nested repetition such as (?:[A-Z]\\w*\\s*)+",
            )
            yield Candidate(line, loc, 1, {**base, target: text}, raw=text[:500], error=error)
            return
        if not sections:
            yield Candidate(line, loc, 1, {**base, target: text}, raw=text[:500])
            return
        for i, (title, body) in enumerate(sections):
            values = {**base, target: body}
            if lay.title_field:
                values[lay.title_field] = title
            yield Candidate(
                line,
                f"{loc}#s{i + 1}",
                1 if i == 0 else 0,
                values,
                group=f"doc:{loc}",
                raw=body[:500],
            )

    # -- wide rows -----------------------------------------------------------------------------
    def _wide(self, row: dict[str, Any], line: int, loc: str) -> Iterator[Candidate]:
        lay = self.layout
        base = self.values(row)
        used = set(self.mapping.values()) | set(lay.skip_columns)
        by_norm = {_norm_key(k): k for k in row}
        suffix = _norm_key(lay.pair_suffix)
        n = 0
        for colname, value in row.items():
            if colname in used or _norm_key(colname).endswith(suffix) or not colname:
                continue
            text = _cell_text(value)
            if not text:
                continue
            values = {**base, lay.label_field or "label": colname, lay.value_field or "value": text}
            if lay.answer_field:
                pair = by_norm.get(_norm_key(colname) + suffix)
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
                raw=_raw_preview(row),
                error=("empty_text", "no labelled values in this row"),
            )


def _id_text(value: Any) -> str:
    """IDs read from CSV may be floats ('192625.0'); compare them as integers when they are."""
    text = _text_of(value).strip()
    if text.endswith(".0") and text[:-2].isdigit():
        return text[:-2]
    return text


def _cell_text(value: Any) -> str:
    """A cell may hold a Python-style list literal (CUAD: "['a', 'b']"): join its items."""
    text = _text_of(value).strip()
    if text.startswith("[") and text.endswith("]"):
        try:
            items = ast.literal_eval(text)
        except (ValueError, SyntaxError):
            return text
        if isinstance(items, list):
            return "\n".join(str(i).strip() for i in items if str(i).strip())
    return text


def split_sections(
    text: str, pattern: Pattern | None, min_chars: int, max_chars: int
) -> list[tuple[str, str]]:
    """Split a document at heading lines; merge sections shorter than ``min_chars`` into the
    following one and cut those longer than ``max_chars`` at paragraph breaks.

    A section's title is the heading its text opens with, so a task can take the heading off
    the text (export's ``without_heading``); a short untitled preamble merged into the first
    headed section leaves that section untitled, since its heading sits inside the text.
    The pattern is the user's, so its search is time-bounded (``PatternTimeout``)."""
    if pattern is None:
        parts = [("", text)]
    else:
        heads = finditer_bounded(pattern, text)
        parts = []
        if not heads or heads[0].start() > 0:
            parts.append(("", text[: heads[0].start()] if heads else text))
        for i, m in enumerate(heads):
            end = heads[i + 1].start() if i + 1 < len(heads) else len(text)
            parts.append((m.group(0).strip(), text[m.start() : end]))
    merged: list[tuple[str, str]] = []
    carry_title, carry = "", ""
    for title, body in parts:
        if not carry.strip():
            carry_title = title
        carry += body
        if len(carry.strip()) >= min_chars:
            merged.append((carry_title, carry.strip()))
            carry_title, carry = "", ""
    if carry.strip():
        if merged:
            t, b = merged[-1]
            merged[-1] = (t, b + "\n\n" + carry.strip())
        else:
            merged.append((carry_title, carry.strip()))
    out: list[tuple[str, str]] = []
    for title, body in merged:
        while len(body) > max_chars:
            cut = body.rfind("\n\n", 0, max_chars)
            cut = cut if cut > max_chars // 4 else max_chars
            out.append((title, body[:cut].strip()))
            body = body[cut:].strip()
        if body:
            out.append((title, body))
    return out
