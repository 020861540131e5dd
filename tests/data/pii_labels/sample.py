"""Draw the placeholders to label from a workspace ingested WITHOUT rules (``--rules none``):
the records' raw texts are scanned as ingest's rules would (text fields, then turns, one group
per record) and each find of the wanted types is written with its original string and up to
200 characters of raw context. The labels were then added by hand (see README.md).

    python tests/data/pii_labels/sample.py WS SCHEMA PACK TYPES N SEED > candidates.jsonl
"""

from __future__ import annotations

import json
import random
import sys

import numpy as np
import polars as pl

from curate.rules import load_rule_pack
from curate.rules.audit import _MARK_RE, align
from curate.rules.pii import engine_for
from curate.schema import load_schema

WIDTH = 200


def main() -> None:
    ws, schema_name, pack, types, n, seed = sys.argv[1:7]
    wanted = set(types.split(","))
    df = pl.read_parquet(f"{ws}/ingest/records.parquet")
    cols = [c for c in load_schema(schema_name).text_fields() if c in df.columns]
    segs = [df[c].cast(pl.Utf8) for c in cols]
    groups = [np.arange(df.height)] * len(cols)
    where = [(i, c) for c in cols for i in range(df.height)]
    if "turns" in df.columns:
        turns = df.select(pl.int_range(pl.len()).alias("g"), "turns").explode("turns")
        turns = turns.with_columns(pl.int_range(pl.len()).over("g").alias("t"))
        turns = turns.filter(pl.col("turns").is_not_null())
        segs.append(turns["turns"].struct.field("content").cast(pl.Utf8))
        groups.append(turns["g"].to_numpy())
        where += [(g, f"turn {t}") for g, t in turns.select("g", "t").iter_rows()]
    flat = pl.concat(segs)
    engine = engine_for(load_rule_pack(pack).pii)
    scan = engine.scan(flat, np.concatenate(groups), keep_values=False)
    items = []
    for k, marked in enumerate(scan.marked.to_list()):
        text = flat[k] or ""
        marks = _MARK_RE.findall(marked or "")
        if not marks:
            continue
        # where each find is in the original (as the redaction audit finds it)
        found = align(text, _MARK_RE.split(marked)) or [None] * len(marks)
        for c, span in zip(marks, found, strict=True):
            t = engine.types[ord(c) - 0xF0400]
            if t not in wanted or span is None:
                continue
            s, e = span
            room = max(0, WIDTH - (e - s))
            lo = max(0, s - room // 2)
            hi = min(len(text), lo + WIDTH)
            lo = max(0, min(lo, hi - WIDTH))
            row, field = where[k]
            items.append(
                {
                    "type": t,
                    "original": text[s:e],
                    "context": text[lo:hi],
                    "offset": s - lo,
                    "start": s,
                    "length": e - s,
                    "context_start": lo,
                    "context_end": hi,
                    "source": f"{df['source'][row]} ({field})",
                }
            )
    for x in random.Random(int(seed)).sample(items, min(int(n), len(items))):
        print(json.dumps(x, ensure_ascii=False))
    print(f"{len(items)} finds", file=sys.stderr)


if __name__ == "__main__":
    main()
