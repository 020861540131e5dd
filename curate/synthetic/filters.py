"""Which generated pairs are kept: parsed, a real question, answerable from the section, and
not a copy of it. Each drop has a reason, counted in ``synthetic_report.json``."""

from __future__ import annotations

import difflib
import re
from importlib.resources import files

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]{2,}")
_STOP = frozenset(
    line.strip()
    for line in (files("curate") / "builtin" / "data" / "stopwords_en.txt")
    .read_text("utf-8")
    .splitlines()
    if line.strip() and not line.startswith("#")
)
_PAIR = re.compile(
    r"(?ims)^\s*(?:\d+[.)]\s*)?Q(?:uestion)?\s*\d*\s*[:.]\s*(.+?)\s*^\s*A(?:nswer)?\s*\d*\s*[:.]\s*(.+?)(?=^\s*(?:\d+[.)]\s*)?Q(?:uestion)?\s*\d*\s*[:.]|\Z)"
)


def parse_pairs(text: str) -> list[tuple[str, str]]:
    """``Q: ...`` / ``A: ...`` pairs (numbered or not) from a model's reply."""
    return [(q.strip(), a.strip()) for q, a in _PAIR.findall(text or "")]


def _words(text: str) -> list[str]:
    return [w for w in (m.lower() for m in _WORD.findall(text)) if w not in _STOP]


def support(answer: str, section: str) -> float:
    """Share of the answer's content words that occur in the section (1.0 for no words)."""
    words = _words(answer)
    if not words:
        return 0.0
    have = set(_words(section))
    return sum(w in have for w in words) / len(words)


def copy_ratio(answer: str, section: str) -> float:
    """How much of the section the answer reproduces verbatim (longest matching blocks)."""
    if not section:
        return 0.0
    matcher = difflib.SequenceMatcher(None, answer, section, autojunk=False)
    return sum(b.size for b in matcher.get_matching_blocks()) / len(section)


def judge(
    question: str, answer: str, section: str, *, min_support: float, max_copy: float
) -> str | None:
    """None to keep the pair, else why it is dropped: ``bad_question`` (not a question of 3+
    words, or a sentence of the section), ``unanswerable`` (the answer's words are not the
    section's), ``copy`` (the answer is most of the section verbatim)."""
    if not question.endswith("?") or len(question.split()) < 3 or question in section:
        return "bad_question"
    if not answer or support(answer, section) < min_support:
        return "unanswerable"
    if copy_ratio(answer, section) > max_copy:
        return "copy"
    return None
