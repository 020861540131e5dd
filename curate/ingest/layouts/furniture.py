"""Page furniture: what a PDF's pages add around a contract's text and is no part of it (EDGAR's
"Source: COMPANY, 8-K, 3/12/2010" footer, "-3-", "Page 9 of 12", a running title before the page
number). A layout's ``furniture`` patterns (schema data, see the contracts schema) name it; each
match is cut out before the text is split into sections or its spans are matched, so a model is
never taught to write it and a sentence broken by a page end reads as one again.

Only characters go; no row is dropped (a document left with no heading is still the usual
``no_sections`` reject). Where a cut would glue two words, one space stands in for it.
"""

from __future__ import annotations

from collections.abc import Sequence

from curate.user_regex import Pattern, budget, compile_user


def compile_furniture(patterns: Sequence[str]) -> tuple[Pattern, ...]:
    """The layout's patterns compiled as user patterns (multiline, time-bounded when run)."""
    return tuple(compile_user(p) for p in patterns)


def strip_furniture(text: str, patterns: Sequence[Pattern]) -> str:
    """``text`` without what ``patterns`` match; a space where the cut would join two words.

    A pattern that runs past its time budget (user regexes: curate.user_regex) leaves the text
    as it is rather than failing the row: furniture is a clean-up, never a reason to reject."""
    for pattern in patterns:
        try:
            text = pattern.sub(lambda m: _gap(m), text, timeout=budget(text))
        except TimeoutError:
            continue
    return text


def _gap(m: object) -> str:
    string: str = m.string  # type: ignore[attr-defined]
    start: int = m.start()  # type: ignore[attr-defined]
    end: int = m.end()  # type: ignore[attr-defined]
    before = string[start - 1] if start > 0 else " "
    after = string[end] if end < len(string) else " "
    return " " if not before.isspace() and not after.isspace() else ""
