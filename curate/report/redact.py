"""Masking of what the report shows: every sample text passes through here before it is written.

The report is meant to be shared, so snippets are shortened and anything that still looks like a
direct identifier is masked, even though the rules stage has redacted the kept records already.
"""

from __future__ import annotations

import re

import polars as pl

SNIPPET = 300

# Belt and braces: samples are redacted by the rules stage already; the report masks anything
# that still looks like a direct identifier before it is shown or written.
_REDACT = [
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[EMAIL]"),
    (re.compile(r"\b\d{3}-\d{2}-\d{4}\b"), "[SSN]"),
    (re.compile(r"\b(?:\d[ -]?){13,19}\b"), "[CARD]"),
    (
        re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?\(?\d{2,4}\)?[\s.-]?\d{3}[\s.-]?\d{3,4}(?!\w)"),
        "[PHONE]",
    ),
]


def redact(text: str | None, limit: int = SNIPPET) -> str:
    """Shorten and mask direct identifiers in a sample shown in the report."""
    if text is None:
        return ""
    text = str(text)
    cut = len(text) > limit
    text = text[:limit]
    for pattern, repl in _REDACT:
        text = pattern.sub(repl, text)
    return text + (" …" if cut else "")


def redact_pii(texts: list[str]) -> list[str]:
    """Mask names, addresses and the rest with the default rule pack's detectors.

    Rejected rows never went through the rules, so their raw text still holds PII; the report
    is meant to be shared, so it shows them only after this pass.
    """
    if not texts:
        return texts
    from curate.rules import apply_rules, load_rule_pack

    turns = pl.List(pl.Struct({"role": pl.String(), "content": pl.String()}))
    df = pl.DataFrame(
        {"record_id": [str(i) for i in range(len(texts))], "n_rows": [1] * len(texts), "raw": texts}
    ).with_columns(pl.lit([], dtype=turns).alias("turns"))
    res = apply_rules(df, load_rule_pack("default"), {"raw": "user"})
    both = pl.concat([res.kept.select("record_id", "raw"), res.filtered.select("record_id", "raw")])
    done = dict(zip(both["record_id"].to_list(), both["raw"].to_list(), strict=True))
    return [done.get(str(i)) or "" for i in range(len(texts))]
