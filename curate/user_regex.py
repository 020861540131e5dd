"""Regular expressions written by users (a schema's ``section_pattern``), run with a time limit.

Python's ``re`` has no time limit, and a pattern such as ``^(?:[A-Z][A-Za-z]*\\s*)+$`` backtracks
for minutes on a 44-character heading. The ``regex`` package runs the same syntax (lookbehind
included, which the built-in contracts schema needs and Rust's engine lacks), avoids much of that
backtracking, and takes a ``timeout``: a document whose search runs past its budget becomes a
reject naming the schema key, never a hang.
"""

from __future__ import annotations

from typing import Any

import regex

# Budget for one document: a fixed part plus a part per character. A linear pattern such as the
# contracts schema's runs at ~20 ns per character, so legitimate patterns stay far below it.
BASE_SECONDS = 0.2
SECONDS_PER_CHAR = 1e-6

Pattern = Any  # regex.Pattern[str]; the package ships no type information


class PatternTimeout(Exception):
    """A user pattern ran past its time budget on one text."""

    def __init__(self, seconds: float) -> None:
        super().__init__(f"timed out after {seconds:.2g} s")
        self.seconds = seconds


def compile_user(pattern: str) -> Pattern:
    """Compile a user pattern in multiline mode; raises ``ValueError`` with the engine's reason."""
    try:
        return regex.compile(pattern, regex.MULTILINE | regex.VERSION0)
    except regex.error as exc:
        raise ValueError(str(exc)) from exc


def budget(text: str) -> float:
    """Seconds a search of ``text`` may take."""
    return BASE_SECONDS + SECONDS_PER_CHAR * len(text)


def finditer_bounded(pattern: Pattern, text: str) -> list[Any]:
    """All matches of ``pattern`` in ``text``, or ``PatternTimeout`` once the budget is spent."""
    seconds = budget(text)
    try:
        return list(pattern.finditer(text, timeout=seconds))
    except TimeoutError as exc:
        raise PatternTimeout(seconds) from exc
