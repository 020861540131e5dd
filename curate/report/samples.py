"""The texts of the sampled records, read once for the whole report.

Sections only pick record ids (the extremes, the largest duplicate clusters, contamination
hits); this pass reads the text column for just those ids and fills in the redacted snippets and
the word diffs, so the largest column of the workspace is never read in full.
"""

from __future__ import annotations

import difflib
from typing import Any

import polars as pl

from curate.report.redact import redact
from curate.report.tables import Tables


def word_diff(a: str, b: str) -> list[list[str]]:
    """Word-level opcodes ``[tag, a_words, b_words]`` (tag: equal/replace/delete/insert)."""
    aw, bw = a.split(" "), b.split(" ")
    sm = difflib.SequenceMatcher(None, aw, bw, autojunk=False)
    return [
        [tag, " ".join(aw[i1:i2]), " ".join(bw[j1:j2])] for tag, i1, i2, j1, j2 in sm.get_opcodes()
    ]


def fill_texts(t: Tables, facts: dict[str, Any], needed: set[str]) -> None:
    """One read of the text column for every sampled record, then snippets and diffs."""
    if not needed:
        return
    ids = pl.Series(sorted(needed), dtype=pl.String).implode()
    rows = (
        pl.scan_parquet(t.ws.table_path("ingest", "records"))
        .select("record_id", "text", "source")
        .filter(pl.col("record_id").is_in(ids))
        .collect()
    )
    texts = dict(zip(rows["record_id"], rows["text"], strict=True))
    sources = dict(zip(rows["record_id"], rows["source"], strict=True))
    for side in facts["extremes"].values():
        for r in side:
            r["text"] = redact(texts.get(r["record_id"]))
    dup = facts.get("duplicates")
    for c in (dup or {}).get("largest", []):
        kept_text = redact(texts.get(c["kept"]), 1200)
        c["kept_source"] = sources.get(c["kept"])
        c["kept_text"] = kept_text
        for m in c["members"]:
            m["source"] = sources.get(m["record_id"])
            m["diff"] = word_diff(kept_text, redact(texts.get(m["record_id"]), 1200))
    for h in (facts.get("contamination") or {}).get("examples", []):
        h["text"] = redact(texts.get(h["record_id"]))
