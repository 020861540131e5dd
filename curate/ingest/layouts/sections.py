"""``document_sections`` layouts: one document per row, split at heading lines into one record
per section; the first section carries the row (``n_rows`` 1), the rest 0."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, ClassVar

from curate.ingest.layouts.base import LayoutMapper, get_path, text_of
from curate.ingest.layouts.candidate import Candidate
from curate.ingest.user_regex import Pattern, PatternTimeout, compile_user, finditer_bounded
from curate.schema import Layout, Schema


class SectionsMapper(LayoutMapper):
    """One candidate per section of the row's document (the whole text if none is found)."""

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

    def map_row(self, row: dict[str, Any], line: int, loc: str) -> Iterator[Candidate]:
        lay = self.layout
        text = text_of(get_path(row, lay.text_column)).replace("\r\n", "\n")
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
