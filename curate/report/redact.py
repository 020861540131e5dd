"""Masking of what the report shows: every sample text passes through here before it is written.

The report is meant to be shared, so snippets are shortened and anything that still looks like a
direct identifier is masked, even though the rules stage has redacted the kept records already.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

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


def redact_pii(texts: list[str], packs: tuple[str, ...] = ("default",)) -> list[str]:
    """Mask names, addresses and the rest with each of ``packs`` in turn (the run's own pack,
    then ``default``).

    Rejected rows never went through the rules, so their raw text still holds PII; the report
    is meant to be shared, so it shows them only after this pass. The run's pack comes first
    because it is the one chosen for the domain (``clinical`` masks ages over 89 and member IDs,
    which ``default`` keeps); ``default`` follows so a narrow custom pack masks no less than
    before. A pack that no longer loads (a custom file moved since the run) is skipped.
    """
    if not texts:
        return texts
    from curate.errors import CurateError
    from curate.rules import apply_rules, load_rule_pack

    turns = pl.List(pl.Struct({"role": pl.String(), "content": pl.String()}))
    ids = [str(i) for i in range(len(texts))]
    out = list(texts)
    for name in dict.fromkeys(packs):
        try:
            pack = load_rule_pack(name)
        except CurateError:
            continue
        df = pl.DataFrame({"record_id": ids, "n_rows": [1] * len(out), "raw": out}).with_columns(
            pl.lit([], dtype=turns).alias("turns")
        )
        res = apply_rules(df, pack, {"raw": "user"})
        both = pl.concat(
            [res.kept.select("record_id", "raw"), res.filtered.select("record_id", "raw")]
        )
        done = dict(zip(both["record_id"].to_list(), both["raw"].to_list(), strict=True))
        out = [done.get(i) or "" for i in ids]
    return out


def run_packs(ingest_log: dict[str, Any] | None) -> tuple[str, ...]:
    """The packs ``redact_pii`` masks a run's rejected rows with: the pack that ran (its file,
    when it still exists, else its name), then ``default``."""
    log = ingest_log or {}
    ran = log.get("rules_path") or log.get("rules")
    if isinstance(ran, str) and ran and ran != "none" and ("/" not in ran or Path(ran).is_file()):
        return (ran, "default")
    return ("default",)
