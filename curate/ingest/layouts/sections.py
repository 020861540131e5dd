"""``document_sections`` layouts: one document per row, split at its headings into one record
per section; the first section carries the row (``n_rows`` 1), the rest 0.

Each section knows the line it starts on (``Section.line``); its record's ``source`` is still
the document's row, since the report folds the records of one row by file and line (see
helper C's note on issue 20 for the report change that lets ``source`` name the section's own
line). A document in which the pattern finds
no heading is rejected as ``no_sections`` (a layout without a pattern keeps the whole text as
one section). With a schema ``[labels]`` whose ``annotations`` table lists the document, each
section gets the risk answer: the categories whose annotated spans it holds, quoted, or "none"
for a share of the sections holding none (``layouts/labels.py``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from curate.ingest.layouts.base import LayoutMapper, get_path, text_of
from curate.ingest.layouts.candidate import Candidate
from curate.ingest.layouts.furniture import compile_furniture, strip_furniture
from curate.ingest.layouts.headings import Heading, find_headings
from curate.ingest.layouts.labels import (
    Annotations,
    answer,
    file_key,
    find_annotations,
    keep_negatives,
    load_annotations,
)
from curate.ingest.layouts.not_headings import is_toc
from curate.schema import Layout, Schema
from curate.user_regex import Pattern, PatternTimeout, compile_user, finditer_bounded

TOC_HEADINGS = 4  # a run of this many headings too short to stand alone: a table of contents


@dataclass
class Section:
    """One section: its title ("" if none), its first character's offset in the text, its text
    (opening with the title, as one line, where it has one)."""

    title: str
    start: int
    body: str
    line: int = 1  # the line of the text it starts on (1-based)


class SectionsMapper(LayoutMapper):
    """One candidate per section of the row's document."""

    kind: ClassVar[str] = "document_sections"

    def __init__(
        self,
        schema: Schema,
        layout: Layout,
        mapping: dict[str, str],
        file: str,
        required: tuple[str, ...] = (),
    ) -> None:
        super().__init__(schema, layout, mapping, file, required)
        self._section_re = compile_user(layout.section_pattern) if layout.section_pattern else None
        self._furniture = compile_furniture(layout.furniture)
        self._table: Annotations | None = None
        spec = schema.labels
        table = find_annotations(spec, Path(file)) if spec is not None else None
        if spec is not None and table is not None:
            self._table = load_annotations(spec, table, self._furniture)

    def group(self, base: dict[str, Any], loc: str) -> str:
        """The leak group: the ``group_key`` field as a file-name key (that of the contract
        sharing text with it, where the annotation links them), else the document."""
        key = self.layout.group_key
        value = file_key(base.get(key)) if key else ""
        if value and self._table is not None:
            value = self._table.group_of(value)
        return f"{key}:{value}" if value else f"doc:{loc}"

    def map_row(self, row: dict[str, Any], line: int, loc: str) -> Iterator[Candidate]:
        lay = self.layout
        text = text_of(get_path(row, lay.text_column)).replace("\r\n", "\n")
        base = self.values(row)
        target = lay.value_field or (
            "clause_text" if "clause_text" in self.schema.fields else "text"
        )
        base.pop(target, None)
        try:
            sections = find_sections(
                text,
                self._section_re,
                lay.min_section_chars,
                lay.max_section_chars,
                self._furniture,
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
            error = (
                "no_sections",
                f"no section heading found in this document ({len(text):,} characters) by "
                f"section_pattern of layout '{lay.name}' in schema '{self.schema.name}'; "
                "extend the pattern to its headings, or drop section_pattern to keep it whole",
            )
            yield Candidate(line, loc, 1, {**base, target: text}, raw=text[:500], error=error)
            return
        group = self.group(base, loc)
        risks = self._risks(base, loc, sections, text)
        for i, sec in enumerate(sections):
            values = {**base, target: sec.body}
            if lay.title_field:
                values[lay.title_field] = sec.title or None
            if self.schema.labels is not None:
                values[self.schema.labels.field] = risks[i]
            yield Candidate(
                line + sec.line - 1,  # the section's own line, so a reader can find it
                f"{loc}#s{i + 1}",
                1 if i == 0 else 0,
                values,
                group=group,
                raw=sec.body[:500],
            )

    def _risks(
        self, base: dict[str, Any], loc: str, sections: list[Section], text: str
    ) -> list[str | None]:
        """Each section's risk answer: the categories it holds, quoted; "none" for a share of
        the rest (``negative_ratio`` per positive); None where the document is not annotated."""
        spec = self.schema.labels
        key = file_key(base.get(self.layout.group_key or "") or loc)
        spans = self._table.spans.get(key) if self._table is not None else None
        if spec is None or spans is None:
            return [None] * len(sections)
        # the document as its sections read it (page furniture out, as from the spans)
        document = "\n\n".join(s.body for s in sections) if self._furniture else text
        found = [spans.found_in(s.body, document) for s in sections]
        none = [f"{loc}#s{i + 1}" for i, f in enumerate(found) if not f]
        keep = keep_negatives(none, sum(1 for f in found if f), spec.negative_ratio)
        return [
            answer(spec, f, quotes=True) if f or f"{loc}#s{i + 1}" in keep else None
            for i, f in enumerate(found)
        ]


def find_sections(
    text: str,
    pattern: Pattern | None,
    min_chars: int,
    max_chars: int,
    furniture: Sequence[Pattern] = (),
) -> list[Section]:
    """Split a document at its headings (``headings.find_headings``); merge sections shorter
    than ``min_chars`` into the next one and cut those longer than ``max_chars`` at paragraph
    breaks. Empty where the pattern finds no heading; the whole text where there is no pattern.

    Only the first piece of a cut section keeps its title (the others do not open with it); a
    merged run of many headings (a table of contents) has none. The pattern is the user's, so
    its search is time-bounded (``PatternTimeout``). ``furniture`` (``layouts/furniture.py``)
    is cut out of each section's text before it is measured and cut; headings and lines are
    found in the text as written, so each section still names the line it starts on."""
    if pattern is None:
        whole = strip_furniture(text, furniture).strip()
        return [Section("", len(text) - len(text.lstrip()), whole)] if whole else []
    heads = find_headings(text, finditer_bounded(pattern, text))
    kept: list[Heading] = []
    for h in heads:  # a title read past the next heading's start swallows that heading
        if not kept or h.start >= kept[-1].end:
            kept.append(h)
    if not kept:
        return []
    # (title, start, end of the heading as written, end)
    parts = [("", 0, 0, kept[0].start)] if kept[0].start > 0 else []
    for i, h in enumerate(kept):
        end = kept[i + 1].start if i + 1 < len(kept) else len(text)
        parts.append((h.title, h.start, h.end if h.title else h.start, end))
    merged: list[tuple[str, int, str, int]] = []  # title, start, body, headings merged
    title, start, body, n = "", -1, "", 0
    for t, s, te, e in parts:
        piece = (t + text[te:e]) if t else text[s:e]
        if not body.strip():
            title, start, body, n = t, s, "", 0
        body += piece if not body else ("\n" + piece if t else piece)
        n += 1 if t else 0
        if len(body.strip()) >= min_chars:
            merged.append((title, start, body.strip(), n))
            title, start, body, n = "", -1, "", 0
    if body.strip():
        if merged:
            t, s, b, k = merged[-1]
            merged[-1] = (t, s, b + "\n\n" + body.strip(), k + n)
        else:
            merged.append((title, max(start, 0), body.strip(), n))
    out: list[Section] = []
    for title, start, body, n in merged:
        title = "" if n >= TOC_HEADINGS or (title and is_toc(body)) else title
        body = strip_furniture(body, furniture).strip() if furniture else body
        if not body:
            continue
        first = start + _lead(text, start)
        while len(body) > max_chars:
            cut = cut_point(body, max_chars)
            out.append(Section(title, first, body[:cut].strip()))
            body = body[cut:].strip()
            title = ""
            found = text.find(body[:60], first + cut)  # a title as written is never shorter
            first = found if found >= 0 else first
        if body:
            out.append(Section(title, first, body))
    for sec in out:
        sec.line = 1 + text.count("\n", 0, sec.start)
    return out


_SENTENCE_END = re.compile(r"[.;:!?][\"')\]]*(?=\s)")
_PARAGRAPH_END = re.compile(r"[.;:!?][\"')\]]*[ \t]*(?=\n[ \t]*\n)")


def cut_point(body: str, max_chars: int) -> int:
    """Where to cut a section longer than ``max_chars``, past a quarter of it (no piece is a
    sliver): the last paragraph break after a sentence end, else the last sentence end, else
    the last paragraph or line break, else the last space. A page of double-spaced text has a
    blank line after every line, so a blank line alone is no sentence's end. Never inside a
    word, unless one word is longer than three quarters of ``max_chars``."""
    floor = max_chars // 4
    for pattern in (_PARAGRAPH_END, _SENTENCE_END):
        ends = [m.end() for m in pattern.finditer(body, floor, max_chars)]
        if ends:
            return ends[-1]
    for sep in ("\n\n", "\n", " "):
        cut = body.rfind(sep, floor, max_chars)
        if cut > floor:
            return cut
    return max_chars


def _lead(text: str, start: int) -> int:
    """Whitespace characters at ``start``: a section's line is that of its first character."""
    i = start
    while i < len(text) and text[i].isspace():
        i += 1
    return i - start


def split_sections(
    text: str, pattern: Pattern | None, min_chars: int, max_chars: int
) -> list[tuple[str, str]]:
    """``find_sections`` as (title, text) pairs."""
    return [(s.title, s.body) for s in find_sections(text, pattern, min_chars, max_chars)]
